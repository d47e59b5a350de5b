"""Virtuoso Open Source (Debian's ``virtuoso-opensource``, 7.2) as a throwaway SPARQL store.

Used by the Virtuoso parity test (the whole catalog, Virtuoso against the embedded engine)
and by ``make bench`` (the catalog timed on Virtuoso at 10^6 and 10^7 triples). Nothing
here touches the system's own Virtuoso database: :func:`start` writes a configuration of
its own into a directory, with the database, transaction log and temporary database in
that directory and both ports (SQL and HTTP) free loopback ports, and starts
``virtuoso-t`` in the foreground on it. The stock ``virtuoso.ini`` names some paths twice
(``[Database]`` and ``[TempDatabase]``), so the whole file is written here rather than
patched.

The data goes in with ``mgkg push`` (the Graph Store Protocol at
``/sparql-graph-crud-auth``, user ``dba``, password ``dba``: a fresh database's
defaults, reachable only from this machine's loopback) into one named graph, or, for
large graphs, with Virtuoso's bulk loader (:func:`bulk_load`: ``ld_dir`` and
``rdf_loader_run`` through ``isql-vt``, which read the file from disk instead of one HTTP
request of hundreds of megabytes); queries name that graph as their default graph
(``default-graph-uri``), the way a Virtuoso holding other graphs would be queried.

Buffers (``NumberOfBuffers``, ``MaxDirtyBuffers``) are sized from the memory given to
:func:`start`, at Virtuoso's own rule of about 85,000 8 kB pages per GB and three
quarters of them allowed dirty; :func:`memory_for` chooses that memory from the graph's
size and the machine's memory, and :func:`status` reads back how many were used.

``ResultSetMaxRows`` is raised from the stock 10,000 to 1,000,000: with the stock limit
Virtuoso cuts a large answer short without saying so, which would pass for a different
answer.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
USER = "dba"
PASSWORD = "dba"  # noqa: S105 (a fresh database's default, on loopback ports only)
GRAPH = "https://w3id.org/mgkg/graph/release"
DEB_PACKAGE = "virtuoso-opensource"

CONFIG = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {dir}{allowed}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxQueryMem              = 2G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty_buffers}

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {dir}/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = {max_seconds}
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def available() -> bool:
    """Whether Debian's Virtuoso is installed (``apt-get install virtuoso-opensource``)."""
    return Path(VIRTUOSO).exists() or shutil.which("virtuoso-t") is not None


@dataclass
class Virtuoso:
    """A running Virtuoso: its process and URLs."""

    process: subprocess.Popen
    directory: Path
    http_port: int
    sql_port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        """The query endpoint."""
        return f"{self.base}/sparql"

    @property
    def crud(self) -> str:
        """The Graph Store Protocol endpoint (Digest authentication)."""
        return f"{self.base}/sparql-graph-crud-auth"

    @property
    def log(self) -> Path:
        return self.directory / "virtuoso.log"

    def stop(self) -> None:
        """Stop the server (SIGTERM makes Virtuoso checkpoint and exit), then kill it if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


BUFFER_BYTES_PER_TRIPLE = 200


def memory_for(triples: int, machine_gb: float) -> float:
    """GB of page buffers for a graph of ``triples``: about 200 bytes a triple, at least
    0.5 GB, at most a third of the machine (the rest is for the processes that query it and
    the operating system's file cache). Measured on this graph's shape: the bulk-loaded
    database takes about 47 bytes a triple in 8 kB pages (58,010 pages at 10^7), so this
    holds the whole database in memory about four times over, leaving room for the pages
    queries touch in their temporary space."""
    return round(max(0.5, min(machine_gb / 3, triples * BUFFER_BYTES_PER_TRIPLE / 2**30)), 1)


def start(
    directory: Path,
    memory_gb: float = 0.5,
    max_seconds: int = 0,
    timeout: float = 120,
    allowed: tuple[Path, ...] = (),
) -> Virtuoso:
    """Start Virtuoso on a new database in ``directory``; return once its SPARQL endpoint answers.

    ``memory_gb`` sizes the page buffers (Virtuoso's guide: about 85,000 8 kB buffers per
    GB given to it; the stock file's 10,000 buffers suit a few hundred thousand triples);
    ``max_seconds`` is the per-query execution limit (0: none); ``allowed`` are the
    directories the bulk loader may read (``DirsAllowed``).
    """
    executable = VIRTUOSO if Path(VIRTUOSO).exists() else shutil.which("virtuoso-t")
    if executable is None:
        raise RuntimeError(f"Virtuoso is not installed: apt-get install {DEB_PACKAGE}")
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    buffers = max(10_000, int(memory_gb * 85_000))
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    config = directory / "virtuoso.ini"
    config.write_text(
        CONFIG.format(
            dir=directory,
            sql_port=sql_port,
            http_port=http_port,
            buffers=buffers,
            dirty_buffers=buffers * 3 // 4,
            allowed="".join(f", {Path(a).resolve()}" for a in allowed),
            max_seconds=max_seconds,
        ),
        encoding="utf-8",
    )
    output = (directory / "stdout.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 (the installed virtuoso-t, our own arguments)
        [executable, "+configfile", str(config), "+foreground", "+wait"],
        cwd=directory,
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    output.close()
    server = Virtuoso(process, directory, http_port, sql_port)
    try:
        _wait(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait(server: Virtuoso, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    probe = server.sparql + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
            raise RuntimeError(f"virtuoso-t exited with {server.process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(probe, timeout=5) as response:  # noqa: S310 (our loopback server)
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"Virtuoso did not answer on {server.sparql} within {timeout:.0f} s")
        time.sleep(0.3)


def load(server: Virtuoso, release: Path, graph: str = GRAPH, timeout: float = 3600) -> int:
    """Replace ``graph`` with the triples of ``release`` by ``mgkg push``; the number pushed."""
    from mgkg.query.push import push

    report = push(release, server.crud, graph=graph, user=USER, password=PASSWORD, timeout=timeout)
    return report.triples


def isql(server: Virtuoso, statements: str, timeout: float = 3600) -> str:
    """Run SQL statements with ``isql-vt`` on the server's SQL port; its output. Raises when
    isql reports an error (Virtuoso's isql exits 0 after a failed statement)."""
    executable = ISQL if Path(ISQL).exists() else shutil.which("isql-vt")
    if executable is None:
        raise RuntimeError(f"isql-vt is not installed: apt-get install {DEB_PACKAGE}")
    done = subprocess.run(  # noqa: S603 (the installed isql-vt, our own statements)
        [executable, f"127.0.0.1:{server.sql_port}", USER, PASSWORD, "VERBOSE=OFF", "BANNER=OFF"],
        input=statements,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0 or "*** Error" in output:
        raise RuntimeError(f"isql-vt failed ({done.returncode}): {output.strip()[-1500:]}")
    return output


def bulk_load(server: Virtuoso, path: Path, graph: str = GRAPH, timeout: float = 7200) -> int:
    """Load ``path`` (Turtle or N-Triples) into ``graph`` with Virtuoso's bulk loader, as
    docs/deploy.md gives it: ``ld_dir`` registers the file, ``rdf_loader_run`` parses it
    into the indexes without logging each triple, ``checkpoint`` makes it durable. The
    file's directory must be in ``DirsAllowed`` (``start(..., allowed=...)``). Returns the
    number of triples in the graph afterwards; raises when the loader recorded an error."""
    path = path.resolve()
    isql(
        server,
        f"SPARQL CLEAR GRAPH <{graph}>;\n"
        f"DELETE FROM DB.DBA.load_list WHERE ll_file = '{path}';\n"
        f"ld_dir('{path.parent}', '{path.name}', '{graph}');\n"
        "rdf_loader_run();\n"
        "checkpoint;\n",
        timeout=timeout,
    )
    report = isql(
        server, "SELECT 'FAILED', ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\n"
    )
    failed = [line for line in report.splitlines() if "FAILED" in line]
    if failed:
        raise RuntimeError(f"the bulk loader failed: {' '.join(failed)[:1000]}")
    return count(server, graph)


def count(server: Virtuoso, graph: str = GRAPH) -> int:
    """Triples in ``graph``, asked over SPARQL."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = server.sparql + "?" + urllib.parse.urlencode({"query": query, "format": "text/csv"})
    with urllib.request.urlopen(url, timeout=600) as response:  # noqa: S310 (our loopback server)
        lines = response.read().decode("utf-8").split()
    return int(lines[-1].strip('"'))


def status(server: Virtuoso) -> dict[str, float]:
    """The server's memory: resident and peak resident set (``VmRSS``, ``VmHWM``, MB) of
    the ``virtuoso-t`` process, and its page buffers (configured, used, dirty) as
    ``status('')`` reports them."""
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{server.process.pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0].lower().replace("vm", "") + "_mb"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        text = isql(server, "status('');\n", timeout=60)
    except (RuntimeError, subprocess.TimeoutExpired):
        return out
    found = re.search(r"(\d+) buffers,\s*(\d+) used,\s*(\d+) dirty", text)
    if found:
        out.update(
            buffers=int(found.group(1)), buffers_used=int(found.group(2)), buffers_dirty=int(found.group(3))
        )
    found = re.search(r"File size \d+, (\d+) pages, (\d+) free", text)
    if found:
        out["database_pages"] = int(found.group(1)) - int(found.group(2))  # 8 kB each
    return out


def machine_gb() -> float:
    """This machine's memory (GB)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
