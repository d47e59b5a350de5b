"""A pool of worker processes that run SPARQL queries, each holding the store; a query
that runs too long is stopped by killing its worker, which is then replaced.

Why processes: pyoxigraph has no query timeout and holds its thread for as long as a
query runs (GUIDE §4), and its recursive parser can crash the process on a deeply nested
query. A worker is a ``python -m mgkg.querypool`` child that talks to the server over its
stdin/stdout pipes (``multiprocessing.connection`` framing, so ``poll(timeout)`` works).
The server waits at most the timeout for an answer; then it kills the worker and starts a
new one in the background, while the other workers go on answering other clients.

Each worker first leaves the network (:func:`mgkg.sandbox.isolate_network`: a network
namespace of its own, so the engine cannot send a SERVICE request even if a query got past
the check), then opens the release's cached on-disk store read-only (``mgkg.store.open_store``),
checks every query for SERVICE before running it (:func:`mgkg.sparql_protocol.check_services`),
caps the rows it returns and serializes the answer itself (SPARQL JSON/XML/CSV/TSV,
Turtle, N-Triples, JSON-LD, RDF/XML), so the server only moves bytes. An optional address
space limit (``RLIMIT_AS``) makes a query that builds huge strings fail in its own
process instead of exhausting the machine.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

READY = "ready"


@dataclass(frozen=True)
class WorkerSettings:
    """What every worker is started with."""

    release: str
    cache_dir: str | None = None
    allow_services: tuple[str, ...] = ()
    memory_mb: int = 0  # address space limit per worker (0: none)
    #: Take each worker off the network before it reads a query (it must keep the network
    #: only to call allow-listed SERVICE endpoints).
    isolate_network: bool = True
    #: Read each query for SERVICE, updates and nesting before running it. Off only in the
    #: tests that prove the network isolation alone stops an outbound request.
    check_queries: bool = True


@dataclass
class Reply:
    """A worker's answer: ``status`` 200 with ``body`` and ``content_type``, or an error ``message``."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    message: str = ""
    form: str = ""
    rows: int = 0
    truncated: bool = False
    elapsed: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class PoolError(Exception):
    """The pool could not answer: ``status`` 503 (timeout, busy) or 500 (a worker died)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------------------
# The server side
# ---------------------------------------------------------------------------


class Worker:
    def __init__(self, settings: WorkerSettings, log=None):
        src = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
        env.setdefault("PYTHONUNBUFFERED", "1")
        env["RUST_BACKTRACE"] = "0"  # a crash (out of memory) logs one line, not a page
        args = [
            sys.executable,
            "-m",
            "mgkg.querypool",
            "--release",
            settings.release,
            "--memory-mb",
            str(settings.memory_mb),
        ]
        if settings.cache_dir:
            args += ["--cache-dir", settings.cache_dir]
        for endpoint in settings.allow_services:
            args += ["--allow-service", endpoint]
        if not settings.isolate_network:
            args.append("--keep-network")
        if not settings.check_queries:
            args.append("--no-query-checks")
        self.process = subprocess.Popen(  # noqa: S603 - our own module, no shell
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log if log is not None else None,
            env=env,
            close_fds=True,
        )
        self.send_conn = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.recv_conn = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self.pid = self.process.pid
        self.jobs = 0

    def wait_ready(self, timeout: float) -> None:
        if not self.recv_conn.poll(timeout):
            self.kill()
            raise PoolError(500, f"a query worker did not start within {timeout:g} s")
        try:
            message = self.recv_conn.recv()
        except (EOFError, OSError):
            message = None
        if not (isinstance(message, tuple) and message[0] == READY):
            code = self.process.wait(timeout=5) if self.process.poll() is None else self.process.returncode
            detail = message[1] if isinstance(message, tuple) and len(message) > 1 else f"exit code {code}"
            self.kill()
            raise PoolError(500, f"a query worker failed to start: {detail}")

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        for conn in (self.send_conn, self.recv_conn):
            with contextlib.suppress(OSError):
                conn.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Ask politely (end of input), then kill."""
        with contextlib.suppress(OSError):
            self.send_conn.send(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        self.kill()


class QueryPool:
    """``size`` workers; :meth:`run` hands a job to an idle one and waits at most ``timeout``."""

    def __init__(
        self,
        settings: WorkerSettings,
        size: int = 4,
        start_timeout: float = 120.0,
        log=None,
    ):
        self.settings = settings
        self.size = size
        self.start_timeout = start_timeout
        self.log = log
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0
        self.timeouts = 0
        self.crashes = 0
        self.started = 0
        workers = [self._launch() for _ in range(size)]
        try:
            for worker in workers:
                worker.wait_ready(start_timeout)
                self._idle.put(worker)
        except PoolError:
            self.close()
            raise

    def _launch(self) -> Worker:
        worker = Worker(self.settings, self.log)
        with self._lock:
            self._all.add(worker)
            self.started += 1
        return worker

    def _discard(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def _replace(self) -> None:
        """Start a worker in the background (retrying) to take a killed one's place."""

        def start() -> None:
            delay = 0.5
            while not self._closed:
                try:
                    worker = self._launch()
                    worker.wait_ready(self.start_timeout)
                except (PoolError, OSError) as exc:
                    print(f"mgkg serve: {exc}; retrying in {delay:g} s", file=sys.stderr)
                    time.sleep(delay)
                    delay = min(delay * 2, 30)
                    continue
                if self._closed:
                    self._discard(worker)
                else:
                    self._idle.put(worker)
                    self.replaced += 1
                return

        threading.Thread(target=start, name="mgkg-worker-start", daemon=True).start()

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    @property
    def alive(self) -> int:
        with self._lock:
            return len(self._all)

    def run(self, job: dict[str, Any], timeout: float, wait: float | None = None) -> Reply:
        """Run ``job`` on an idle worker; PoolError 503 on timeout or when all stay busy."""
        if self._closed:
            raise PoolError(503, "the server is shutting down")
        try:
            worker = self._idle.get(timeout=timeout if wait is None else wait)
        except queue.Empty:
            raise PoolError(
                503, "the server is busy: every query worker is taken; try again in a moment"
            ) from None
        started = time.monotonic()
        try:
            worker.send_conn.send(job)
            if not worker.recv_conn.poll(timeout):
                self.timeouts += 1
                self._discard(worker)
                self._replace()
                raise PoolError(
                    503, f"the query did not finish within {timeout:g} s and was stopped (the time limit)"
                )
            reply = worker.recv_conn.recv()
        except (EOFError, OSError):
            self.crashes += 1
            self._discard(worker)
            self._replace()
            raise PoolError(
                500,
                "the query crashed the query engine (too much memory, or a construct it cannot "
                "handle); the server goes on",
            ) from None
        worker.jobs += 1
        if self._closed:
            self._discard(worker)
        else:
            self._idle.put(worker)
        reply.elapsed = time.monotonic() - started
        return reply

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


# ---------------------------------------------------------------------------
# The worker side
# ---------------------------------------------------------------------------


def execute(store, job: dict[str, Any], allowed: frozenset[str], check: bool = True) -> Reply:
    """Check (unless ``check`` is False), run and serialize one query job (in a worker process)."""
    import pyoxigraph as ox

    from . import sparql_protocol as sp

    text: str = job["query"]
    started = time.monotonic()
    try:
        if check:
            sp.check_nesting(text)  # before pyoxigraph's parser, whose stack a deep nesting overflows
            if sp.is_update(text):
                raise sp.Refused(sp.READ_ONLY)
            sp.check_services(text, allowed)
        try:
            default = [ox.NamedNode(g) for g in job.get("default_graphs") or []]
            named = [ox.NamedNode(g) for g in job.get("named_graphs") or []]
        except ValueError as exc:
            raise sp.ProtocolError(400, f"not a valid graph IRI: {exc}") from None
        try:
            answer = store.query(text, default_graph=default or None, named_graphs=named or None)
            form, result, truncated = _collect(answer, job.get("max_rows") or 0)
        except SyntaxError as exc:
            if sp.looks_like_update(text):
                raise sp.Refused(sp.READ_ONLY) from None
            raise sp.ProtocolError(400, f"syntax error: {_message(exc)}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise sp.ProtocolError(400, f"the query failed: {_message(exc)}") from None
        media, fmt = sp.choose_format(form, job.get("accept"), job.get("formats") or [])
        body = serialize(result, fmt)
    except sp.ProtocolError as exc:
        return Reply(exc.status, message=exc.message, elapsed=time.monotonic() - started)
    count = len(result.triples) if result.is_graph else len(result.rows)
    content_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
    return Reply(
        200,
        body=body,
        content_type=content_type,
        form=form,
        rows=count,
        truncated=truncated,
        elapsed=time.monotonic() - started,
    )


def _message(exc: Exception) -> str:
    return " ".join(str(exc).split())[:2000]


def _collect(answer, max_rows: int):
    """The answer as a :class:`mgkg.query.Result`, at most ``max_rows`` rows or triples."""
    import pyoxigraph as ox

    from .query import Result

    cap = max_rows if max_rows > 0 else None
    if isinstance(answer, ox.QueryBoolean):
        return "ASK", Result("ASK", boolean=bool(answer)), False
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        solutions = list(itertools.islice(answer, cap + 1 if cap else None))
        truncated = cap is not None and len(solutions) > cap
        rows = [tuple(s[n] for n in names) for s in solutions[:cap]]
        return "SELECT", Result("SELECT", names, rows), truncated
    items = list(itertools.islice(answer, cap + 1 if cap else None))
    truncated = cap is not None and len(items) > cap
    triples = [i.triple if isinstance(i, ox.Quad) else i for i in items[:cap]]
    return "CONSTRUCT", Result("CONSTRUCT", triples=triples), truncated


def serialize(result, fmt: str) -> bytes:
    """``result`` in a protocol format (the query module's writers, plus RDF/XML)."""
    import pyoxigraph as ox

    from .query import _graph_prefixes, _used_prefixes
    from .query import serialize as write

    if fmt == "rdfxml":
        triples = sorted(result.triples, key=str)
        prefixes = _used_prefixes(triples, _graph_prefixes())
        return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""
    return write(result, fmt)


def worker_main(argv: list[str] | None = None) -> int:
    """A worker: read jobs from stdin, write replies to stdout (multiprocessing framing)."""
    import argparse
    import signal

    parser = argparse.ArgumentParser(prog="mgkg.querypool")
    parser.add_argument("--release", required=True)
    parser.add_argument("--cache-dir")
    parser.add_argument("--allow-service", action="append", default=[])
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--keep-network", action="store_true")
    parser.add_argument("--no-query-checks", action="store_true")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    recv_conn = Connection(os.dup(0), writable=False)
    send_conn = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # anything printed goes to stderr, never into the reply channel
    sys.stdout = sys.stderr
    try:
        if not args.keep_network:
            # First, while the process has one thread: a user namespace requires it.
            from .sandbox import isolate_network

            isolate_network()
        from .store import open_store

        store = open_store(Path(args.release), Path(args.cache_dir) if args.cache_dir else None)
        # Warm up what the first queries would otherwise pay for.
        import rdflib.plugins.sparql.parser  # noqa: F401

        from . import query  # noqa: F401

        list(store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))
        if args.memory_mb > 0:
            _limit_memory(args.memory_mb)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which says it once
        send_conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return 1
    allowed = frozenset(args.allow_service)
    send_conn.send((READY, os.getpid()))
    while True:
        try:
            job = recv_conn.recv()
        except (EOFError, OSError):
            return 0
        if job is None:
            return 0
        try:
            reply = execute(store, job, allowed, check=not args.no_query_checks)
        except MemoryError:
            reply = Reply(500, message="the query ran out of memory")
        except Exception as exc:  # noqa: BLE001 - one line to the client, details to the log
            print(f"mgkg worker: {type(exc).__name__}: {exc}", file=sys.stderr)
            reply = Reply(500, message="the query failed inside the server")
        send_conn.send(reply)


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    current = _address_space()
    limit = current + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux), else 0."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


if __name__ == "__main__":
    # Run the module's own copy (``mgkg.querypool``, not ``__main__``), so that the replies
    # it pickles name classes the server can import.
    from mgkg.querypool import worker_main as _worker_main

    sys.exit(_worker_main())
