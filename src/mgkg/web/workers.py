"""A pool of worker processes that run SPARQL queries, each holding the store; a query
that runs too long is stopped by killing its worker, which is then replaced.

Why processes: pyoxigraph has no query timeout and holds its thread for as long as a
query runs (it cannot be interrupted from Python), and its recursive parser can crash the
process on a deeply nested query. A worker is a ``python -m mgkg.web.workers`` child that talks to the server over its
stdin/stdout pipes (``multiprocessing.connection`` framing, so ``poll(timeout)`` works).
The server waits at most the timeout for an answer; then it kills the worker and starts a
new one in the background, while the other workers go on answering other clients.

Each worker first leaves the network (:func:`mgkg.web.sandbox.isolate_network`: a network
namespace of its own, so the engine cannot send a SERVICE request even if a query got past
the check), then loads the release into an in-memory store (the fastest to query; the
on-disk cache serves one-shot command-line use), checks every query for SERVICE before
running it (:func:`mgkg.web.protocol.check_services`) and has the engine's own writers
produce the answer within the row and byte caps (:mod:`mgkg.web.answers`), so the server only
moves bytes. An optional address space limit (``RLIMIT_AS``) makes a query that builds
huge strings fail in its own process instead of exhausting the machine.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

READY = "ready"
HEAVY_NICENESS = 10  # the CPU priority (nice) of a worker running a heavy query
EVICTED_RETRY_AFTER = 5  # seconds a client whose heavy query was stopped for room should wait


@dataclass(frozen=True)
class WorkerSettings:
    """What every worker is started with."""

    release: str
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
    retry_after: int | None = None  # set by the pool when it refuses or stops a query
    crashed: bool = False  # the query killed its worker


class PoolError(Exception):
    """The pool could not answer: ``status`` 503 (timeout, busy, stopped for room) or 500
    (a worker died: ``crashed``). ``elapsed`` is the worker time the query took (charged to
    its client); ``retry_after`` the seconds a client should wait before trying again."""

    def __init__(
        self,
        status: int,
        message: str,
        elapsed: float = 0.0,
        retry_after: int | None = None,
        crashed: bool = False,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.elapsed = elapsed
        self.retry_after = retry_after
        self.crashed = crashed


# ---------------------------------------------------------------------------
# The server side
# ---------------------------------------------------------------------------


class Worker:
    def __init__(self, settings: WorkerSettings, log=None):
        src = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
        env.setdefault("PYTHONUNBUFFERED", "1")
        env["RUST_BACKTRACE"] = "0"  # a crash (out of memory) logs one line, not a page
        args = [
            sys.executable,
            "-m",
            "mgkg.web.workers",
            "--release",
            settings.release,
            "--memory-mb",
            str(settings.memory_mb),
        ]
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


class Lease:
    """One query on one worker: who asked, since when, and whether it moved to the heavy lane."""

    def __init__(self, worker: Worker, client: str):
        self.worker = worker
        self.client = client
        self.started = time.monotonic()
        self.heavy = False
        self.evicted = False


class _Waiter:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.worker: Worker | None = None
        self.cancelled = False


class QueryPool:
    """``size`` workers; :meth:`run` hands a job to an idle one and waits at most ``timeout``.

    Fairness and capacity:

    - Idle workers go to the waiting request with the lowest ``priority`` (ties by
      arrival); the server passes the mean query time of the request's client lately, so
      clients asking cheap questions are not queued behind clients whose queries run long.
    - A spare worker is kept started, so that a worker killed at a limit is replaced at
      once (a new spare starts in the background).
    - Every query starts in the cheap lane. One that has not answered after
      ``cheap_seconds`` moves to the heavy lane, which holds at most ``heavy_slots``
      queries (by default all workers but a quarter, at least one kept back): when it is
      full the *oldest* heavy query is stopped (503 with ``Retry-After``) to make room.
      So at least one worker is always free within ``cheap_seconds`` for cheap queries,
      whatever the heavy ones do; and a heavy query runs at a lower CPU priority
      (``nice`` 10), so it slows the cheap ones little even on a machine with few cores.
    """

    def __init__(
        self,
        settings: WorkerSettings,
        size: int = 4,
        start_timeout: float = 120.0,
        log=None,
        cheap_seconds: float = 0.25,
        heavy_slots: int | None = None,
    ):
        self.settings = settings
        self.size = size
        self.start_timeout = start_timeout
        self.log = log
        self.cheap_seconds = cheap_seconds
        self.heavy_slots = heavy_slots if heavy_slots is not None else max(1, size - max(1, size // 4))
        self._idle: list[Worker] = []
        self._waiting: list[tuple[float, int, _Waiter]] = []
        self._order = itertools.count()
        self._all: set[Worker] = set()
        self._heavy: list[Lease] = []
        self._leases: set[Lease] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0
        self.timeouts = 0
        self.crashes = 0
        self.evictions = 0
        self.started = 0
        self._spare: Worker | None = None
        workers = [self._launch() for _ in range(size + 1)]
        try:
            for worker in workers:
                worker.wait_ready(start_timeout)
            self._spare = workers.pop()
            for worker in workers:
                self._release(worker)
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
        """Put the spare worker in a killed one's place at once, and start a new process in
        the background (retrying): it becomes the next spare, or goes straight into service
        when there was no spare."""
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            self._release(spare)
        into_service = spare is None

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
                    return
                self.replaced += 1
                with self._lock:
                    keep = not into_service and self._spare is None
                    if keep:
                        self._spare = worker
                if not keep:
                    self._release(worker)
                return

        threading.Thread(target=start, name="mgkg-worker-start", daemon=True).start()

    # -- handing out workers ------------------------------------------------------
    def _acquire(self, priority: float, wait: float) -> Worker | None:
        with self._lock:
            if self._idle and not self._waiting:
                return self._idle.pop()
            waiter = _Waiter()
            heapq.heappush(self._waiting, (priority, next(self._order), waiter))
        waiter.event.wait(wait)
        with self._lock:
            if waiter.worker is None:
                waiter.cancelled = True
            return waiter.worker

    def _release(self, worker: Worker) -> None:
        with self._lock:
            while self._waiting:
                _priority, _order, waiter = heapq.heappop(self._waiting)
                if not waiter.cancelled:
                    waiter.worker = worker
                    waiter.event.set()
                    return
            self._idle.append(worker)

    @property
    def idle(self) -> int:
        with self._lock:
            return len(self._idle)

    @property
    def alive(self) -> int:
        """Workers in service (the spare, kept ready to replace a killed one, not counted)."""
        with self._lock:
            return len(self._all) - (self._spare is not None)

    @property
    def heavy(self) -> int:
        with self._lock:
            return len(self._heavy)

    def busy_pids(self) -> list[int]:
        """The process ids of the workers running a query now (for tests and /health)."""
        with self._lock:
            return [lease.worker.pid for lease in self._leases]

    # -- running a query ----------------------------------------------------------
    def run(
        self,
        job: dict[str, Any],
        timeout: float,
        wait: float | None = None,
        client: str = "",
        priority: float = 0.0,
    ) -> Reply:
        """Run ``job`` on a worker; PoolError 503 on timeout, when all stay busy or when the
        heavy lane needs the room, 500 when the worker dies."""
        if self._closed:
            raise PoolError(503, "the server is shutting down", retry_after=5)
        worker = self._acquire(priority, timeout if wait is None else wait)
        if worker is None:
            raise PoolError(
                503, "the server is busy: every query worker is taken; try again in a moment", retry_after=2
            )
        lease = Lease(worker, client)
        with self._lock:
            self._leases.add(lease)
        try:
            return self._run_on(lease, job, timeout)
        finally:
            with self._lock:
                self._leases.discard(lease)

    def _run_on(self, lease: Lease, job: dict[str, Any], timeout: float) -> Reply:
        worker = lease.worker
        try:
            worker.send_conn.send(job)
            answered = worker.recv_conn.poll(min(timeout, self.cheap_seconds))
            if not answered and timeout > self.cheap_seconds:
                self._enter_heavy_lane(lease)
                answered = worker.recv_conn.poll(timeout - (time.monotonic() - lease.started))
            if not answered:
                self.timeouts += 1
                self._retire(lease)
                raise PoolError(
                    503,
                    f"the query did not finish within {timeout:g} s and was stopped (the time limit)",
                    elapsed=time.monotonic() - lease.started,
                    retry_after=max(1, round(timeout)),
                )
            reply = worker.recv_conn.recv()
        except (EOFError, OSError):
            self._retire(lease)
            elapsed = time.monotonic() - lease.started
            if lease.evicted:
                raise PoolError(
                    503,
                    f"the query was stopped after {elapsed:.1f} s to make room: at most "
                    f"{self.heavy_slots} long-running queries run at once and this was the oldest; "
                    "try again later or ask for less",
                    elapsed=elapsed,
                    retry_after=EVICTED_RETRY_AFTER,
                ) from None
            self.crashes += 1
            raise PoolError(
                500,
                "the query crashed the query engine (too much memory, or a construct it cannot "
                "handle); the server goes on",
                elapsed=elapsed,
                crashed=True,
            ) from None
        worker.jobs += 1
        if not self._back_from_heavy_lane(lease) or lease.evicted:
            # (Evicted just as it answered: its worker is being killed.)
            self._retire(lease)
        elif self._closed:
            self._discard(worker)
        else:
            self._release(worker)
        reply.elapsed = time.monotonic() - lease.started
        return reply

    def _enter_heavy_lane(self, lease: Lease) -> None:
        with self._lock:
            victim = None
            if len(self._heavy) >= self.heavy_slots:
                victim = self._heavy.pop(0)
                victim.evicted = True
                self.evictions += 1
            lease.heavy = True
            self._heavy.append(lease)
        if victim is not None:
            # Its own thread sees the pipe close, answers 503 and replaces the worker.
            with contextlib.suppress(OSError):
                victim.worker.process.kill()
        # A heavy query yields the CPU to everything else: cheap queries, the server, a
        # worker starting to replace a killed one.
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, lease.worker.pid, HEAVY_NICENESS)

    def _back_from_heavy_lane(self, lease: Lease) -> bool:
        """Leave the heavy lane after an answer; False if the worker cannot get its CPU
        priority back (raising it needs privileges), so it must be replaced."""
        if not lease.heavy:
            return True
        self._leave_heavy_lane(lease)
        try:
            os.setpriority(os.PRIO_PROCESS, lease.worker.pid, 0)
        except (OSError, AttributeError):
            return False
        return True

    def _leave_heavy_lane(self, lease: Lease) -> None:
        if lease.heavy:
            with self._lock:
                if lease in self._heavy:
                    self._heavy.remove(lease)

    def _retire(self, lease: Lease) -> None:
        """The lease's worker is killed (time limit, crash, eviction) and replaced."""
        self._leave_heavy_lane(lease)
        self._discard(lease.worker)
        self._replace()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._spare = None
        for worker in workers:
            worker.stop()


# ---------------------------------------------------------------------------
# The worker side
# ---------------------------------------------------------------------------


def execute(store, job: dict[str, Any], allowed: frozenset[str], check: bool = True, terms=None) -> Reply:
    """Check (unless ``check`` is False), run and write one query job (in a worker process).

    ``terms`` is the worker's :class:`mgkg.query.engine.LocalEngine` over ``store``, kept for its
    life so that each term looked up for a warning is looked up once.
    """
    import pyoxigraph as ox

    from mgkg.web import protocol as sp
    from mgkg.web.answers import TooLarge, form_of, write_answer

    text: str = job["query"]
    started = time.monotonic()
    max_bytes = job.get("max_bytes") or 0
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

        def run():
            return store.query(text, default_graph=default or None, named_graphs=named or None)

        try:
            answer = run()
            form = form_of(answer)
            media, fmt = sp.choose_format(form, job.get("accept"), job.get("formats") or [])
            written = write_answer(answer, fmt, job.get("max_rows") or 0, max_bytes, again=run)
        except SyntaxError as exc:
            if sp.looks_like_update(text):
                raise sp.Refused(sp.READ_ONLY) from None
            from mgkg.prefixes import project_prefixes
            from mgkg.query.terms import undeclared_prefix_message

            # One sentence for an undeclared prefix, else the parser's own message.
            plain = undeclared_prefix_message(text, project_prefixes())
            raise sp.ProtocolError(400, f"syntax error: {plain or _message(exc)}") from None
        except TooLarge:
            raise sp.ProtocolError(
                413,
                f"the answer is larger than {max_bytes / 1_048_576:g} MB, this endpoint's limit: "
                "ask for less (LIMIT, fewer variables, shorter strings) or use the release files "
                "under /downloads",
            ) from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise sp.ProtocolError(400, f"the query failed: {_message(exc)}") from None
    except sp.ProtocolError as exc:
        return Reply(exc.status, message=exc.message, elapsed=time.monotonic() - started)
    content_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
    return Reply(
        200,
        body=written.body,
        content_type=content_type,
        form=form,
        rows=written.rows or 0,
        truncated=written.truncated,
        elapsed=time.monotonic() - started,
        headers=_term_warnings(terms, store, text),
    )


def _term_warnings(terms, store, text: str) -> dict[str, str]:
    """``X-Warning`` naming the IRIs in the project's namespaces that the graph does not
    have (a typo answers with no rows and no word otherwise); ASCII, one line."""
    from mgkg.query.engine import LocalEngine

    warnings = (terms or LocalEngine(store)).term_warnings(text)
    if not warnings:
        return {}
    line = " | ".join(warnings).encode("ascii", "backslashreplace").decode("ascii")
    return {"X-Warning": " ".join(line.split())[:4000]}


def _message(exc: Exception) -> str:
    return " ".join(str(exc).split())[:2000]


def serialize(result, fmt: str) -> bytes:
    """``result`` in a protocol format (the query module's writers, plus RDF/XML)."""
    import pyoxigraph as ox

    from mgkg.prefixes import result_prefixes
    from mgkg.query.engine import serialize as write
    from mgkg.query.engine import used_prefixes

    if fmt == "rdfxml":
        triples = sorted(result.triples, key=str)
        prefixes = used_prefixes(triples, result_prefixes())
        return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""
    return write(result, fmt)


def worker_main(argv: list[str] | None = None) -> int:
    """A worker: read jobs from stdin, write replies to stdout (multiprocessing framing)."""
    import argparse
    import signal

    parser = argparse.ArgumentParser(prog="mgkg.web.workers")
    parser.add_argument("--release", required=True)
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
            from mgkg.web.sandbox import isolate_network

            isolate_network()
        store = load_in_memory(Path(args.release))
        # Warm up what the first queries would otherwise pay for. (rdflib's parser, needed
        # only to name an update sent as a query, is left to the first such query: a worker
        # must start fast, since every query stopped at a limit costs a new one.)
        from mgkg.query import engine as query  # noqa: F401

        list(store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))
        if args.memory_mb > 0:
            _limit_memory(args.memory_mb)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which says it once
        send_conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return 1
    allowed = frozenset(args.allow_service)
    from mgkg.query.engine import LocalEngine

    terms = LocalEngine(store)
    send_conn.send((READY, os.getpid()))
    while True:
        try:
            job = recv_conn.recv()
        except (EOFError, OSError):
            return 0
        if job is None:
            return 0
        try:
            reply = execute(store, job, allowed, check=not args.no_query_checks, terms=terms)
        except MemoryError:
            reply = Reply(500, message="the query ran out of memory")
        except Exception as exc:  # noqa: BLE001 - one line to the client, details to the log
            print(f"mgkg worker: {type(exc).__name__}: {exc}", file=sys.stderr)
            reply = Reply(500, message="the query failed inside the server")
        send_conn.send(reply)


def load_in_memory(release: Path):
    """The release in an in-memory store: the fastest pyoxigraph answers from, and the
    release never changes while it is served (a worker restarts to see a new one)."""
    import pyoxigraph as ox

    store = ox.Store()
    formats = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".jsonld": ox.RdfFormat.JSON_LD}
    store.bulk_load(path=str(release), format=formats.get(release.suffix, ox.RdfFormat.TURTLE))
    return store


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
    # Run the module's own copy (``mgkg.web.workers``, not ``__main__``), so that the replies
    # it pickles name classes the server can import.
    from mgkg.web.workers import worker_main as _worker_main

    sys.exit(_worker_main())
