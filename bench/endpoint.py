"""The endpoint under load: ``mgkg serve`` against the Oxigraph server, and the mixed load test.

One load generator (:func:`drive`) serves both uses:

- **the comparison** (``make bench``): each server runs in its own process with its
  defaults (``mgkg serve --input FILE --port PORT``; ``oxigraph load`` then ``oxigraph serve
  --location DIR --bind 127.0.0.1:PORT``). Clients are threads of the benchmark process,
  each on its own keep-alive connection, sending the same catalog query (bound parameters
  written in as a VALUES block, as ``mgkg query --endpoint`` sends it) as a form-encoded
  POST asking for SPARQL JSON results, as fast as answers come back, for a fixed time after
  a short warm-up. Both servers get the same requests from the same client code, so client
  overhead counts equally against both. ``mgkg serve`` runs twice: with its answer cache
  off (``--cache 0``, the comparison) and on (reported separately);
- **the mixed load test** (the test suite, and ``python -m bench.endpoint``): a mix of
  what researchers and learners do (SPARQL GET and POST in JSON, CSV and Turtle, a
  resource page, the home page) against one ``mgkg serve``; every answer must be a 200.

Each client connects from a loopback address of its own (127.0.0.10, .11, ...: all of
127.0.0.0/8 is the loopback interface on Linux), so the server sees N clients, as it would
on a network, and its per-client limits apply to each as to a real client::

    python -m bench.endpoint                      # starts a server on a free port, 8 clients, 10 s
    python -m bench.endpoint --url http://127.0.0.1:8000 --clients 16 --duration 30 --json
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .measure import ROOT, environment


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, path: str, timeout: float, process: subprocess.Popen) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


class Server:
    def __init__(self, name: str, process: subprocess.Popen, url: str, query_path: str, started: float):
        self.name, self.process, self.url, self.query_path = name, process, url, query_path
        self.startup_seconds = started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_mgkg(data: Path, cache_dir: Path, cache: bool = False) -> Server:
    port = free_port()
    env = environment()
    env["MGKG_CACHE_DIR"] = str(cache_dir)
    started = time.perf_counter()
    args = ["--input", str(data), "--port", str(port), "--quiet"] + ([] if cache else ["--cache", "0"])
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "mgkg", "serve", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_http(url, "/health", 300, process)
    name = "mgkg serve (cache on)" if cache else "mgkg serve"
    return Server(name, process, url, "/sparql", time.perf_counter() - started)


def oxigraph_binary() -> str | None:
    local = Path(sys.executable).with_name("oxigraph")
    return str(local) if local.exists() else shutil.which("oxigraph")


def start_oxigraph(data: Path, work: Path) -> Server:
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
    location = work / f"oxigraph-{data.stem}"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [binary, "load", "--location", str(location), "--file", str(data)],
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_http(url, "/query?query=ASK%7B%7D", 120, process)
    return Server("oxigraph server", process, url, "/query", time.perf_counter() - started)


def query_text(name: str) -> str:
    """A catalog query with its default parameters written in (what ``--endpoint`` sends)."""
    from mgkg.build.catalog import load_catalog
    from mgkg.query import engine as q

    query = load_catalog(ROOT / "queries").get(name)
    return q.prepare(query, {}, None).with_values()


PREFIXES = """PREFIX mgkg: <https://w3id.org/mgkg/ontology#>
PREFIX kg: <https://w3id.org/mgkg/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
LABEL = PREFIXES + "SELECT ?label WHERE { kg:magnesium rdfs:label ?label }"
CLAIMS = PREFIXES + (
    "SELECT ?claim ?label WHERE { ?claim a mgkg:Claim ; rdf:subject kg:magnesium ; rdfs:label ?label } "
    "ORDER BY ?claim LIMIT 50"
)
PER_CONDITION = PREFIXES + (
    "SELECT ?object (COUNT(?claim) AS ?claims) WHERE { ?claim a mgkg:Claim ; rdf:object ?object } "
    "GROUP BY ?object ORDER BY DESC(?claims) ?object LIMIT 20"
)
DESCRIBE = PREFIXES + "CONSTRUCT { kg:magnesium ?p ?o } WHERE { kg:magnesium ?p ?o }"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded", **JSON_RESULTS}


@dataclass(frozen=True)
class Call:
    """One kind of request a client sends."""

    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None


#: What each client of the mixed load test cycles through.
MIX: tuple[Call, ...] = (
    Call("sparql-get-json", "GET", "/sparql?" + urlencode({"query": LABEL}), JSON_RESULTS),
    Call("sparql-post-form", "POST", "/sparql", FORM, urlencode({"query": CLAIMS}).encode()),
    Call(
        "sparql-post-csv",
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        PER_CONDITION.encode(),
    ),
    Call(
        "sparql-construct-ttl", "GET", "/sparql?" + urlencode({"query": DESCRIBE}), {"Accept": "text/turtle"}
    ),
    Call("resource-page", "GET", "/id/magnesium", {"Accept": "text/html"}),
    Call("resource-ttl", "GET", "/id/magnesium.ttl", {}),
    Call("home", "GET", "/", {"Accept": "text/html"}),
)


@dataclass
class LoadReport:
    url: str
    clients: int
    duration: float
    requests: int = 0
    errors: int = 0
    throughput: float = 0.0  # answers per second
    p50: float | None = None  # seconds
    p95: float | None = None
    p99: float | None = None
    max: float | None = None
    rows: int | None = None  # of the first SPARQL JSON answer
    by_kind: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> str:
        def ms(value: float | None) -> str:
            return f"{value * 1000:.1f} ms" if value is not None else "-"

        return (
            f"{self.clients} clients for {self.duration:.1f} s on {self.url}: {self.requests} requests, "
            f"{self.errors} errors, {self.throughput:.1f} req/s; latency p50 {ms(self.p50)}, "
            f"p95 {ms(self.p95)}, p99 {ms(self.p99)}, max {ms(self.max)}"
        )


def source_address(url: str, number: int) -> tuple[str, int] | None:
    """Client ``number``'s own loopback address, when the server is on 127.0.0.1."""
    if urlsplit(url).hostname != "127.0.0.1":
        return None
    return (f"127.0.{(10 + number) // 250}.{(10 + number) % 250 + 1}", 0)


def drive(
    url: str,
    calls: tuple[Call, ...] | list[Call],
    clients: int = 8,
    duration: float = 10.0,
    warmup: float = 0.0,
    timeout: float = 60.0,
) -> LoadReport:
    """``clients`` keep-alive clients cycling through ``calls`` against ``url`` for
    ``duration`` seconds after ``warmup``; a call is an error unless it gets a non-empty 200."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    report = LoadReport(url, clients, duration)
    lock = threading.Lock()
    latencies: list[float] = []
    start_at = time.monotonic() + 0.2
    measure_from = start_at + warmup
    stop_at = measure_from + duration

    def connect(number: int) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            host, port, timeout=timeout, source_address=source_address(url, number)
        )

    def client(number: int) -> None:
        conn = connect(number)
        mine: list[float] = []
        kinds: dict[str, int] = {}
        errors: list[str] = []
        i = number  # clients start at different points of the mix
        while time.monotonic() < start_at:
            time.sleep(0.01)
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            call = calls[i % len(calls)]
            i += 1
            problem = None
            try:
                conn.request(call.method, call.path, body=call.body, headers=call.headers)
                response = conn.getresponse()
                payload = response.read()
                if response.status != 200 or not payload:
                    problem = f"{call.name}: HTTP {response.status} {payload[:200]!r}"
                elif report.rows is None and call.headers.get("Accept") == JSON_RESULTS["Accept"]:
                    parsed = json.loads(payload)
                    report.rows = len(parsed["results"]["bindings"]) if "results" in parsed else 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{call.name}: {type(exc).__name__}: {exc}"
                conn.close()
                conn = connect(number)
            ended = time.monotonic()
            if began >= measure_from and ended <= stop_at:
                if problem:
                    errors.append(problem)
                else:
                    mine.append(ended - began)
                    kinds[call.name] = kinds.get(call.name, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            report.errors += len(errors)
            report.error_samples.extend(errors[: max(0, 5 - len(report.error_samples))])
            for k, v in kinds.items():
                report.by_kind[k] = report.by_kind.get(k, 0) + v

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + warmup + timeout + 5)
    samples = sorted(latencies)
    count = len(samples)

    def pct(p: float) -> float | None:
        return samples[min(count - 1, int(p * count))] if count else None

    report.requests = count
    report.throughput = count / duration
    report.p50, report.p95, report.p99 = pct(0.50), pct(0.95), pct(0.99)
    report.max = samples[-1] if samples else None
    return report


def load(server: Server, text: str, clients: int, duration: float, warmup: float = 1.0) -> dict:
    """``clients`` keep-alive clients sending ``text`` (form POST, SPARQL JSON) for ``duration`` s."""
    call = Call("query", "POST", server.query_path, FORM, urlencode({"query": text}).encode("utf-8"))
    report = drive(server.url, [call], clients, duration, warmup)
    return {
        "clients": clients,
        "duration": duration,
        "requests": report.requests,
        "errors": report.errors,
        "throughput": report.throughput,
        "p50": report.p50,
        "p95": report.p95,
        "p99": report.p99,
        "rows": report.rows,
        "error_samples": report.error_samples,
    }


def profile(data: Path, text: str, repeats: int = 300) -> dict:
    """Where a cache-off request of ``text`` spends its time, part by part (median seconds):
    the worker's own work (checks, engine, pyoxigraph's writer) in process, and the round
    trip of a trivial query (``ASK {}``) through a one-worker pool (pipes and pickling)."""
    import statistics

    from mgkg.web.workers import QueryPool, WorkerSettings, execute, load_in_memory

    def median(call) -> float:
        for _ in range(20):
            call()
        samples = []
        for _ in range(repeats):
            began = time.perf_counter()
            call()
            samples.append(time.perf_counter() - began)
        return statistics.median(samples)

    job = {"query": text, "accept": JSON_RESULTS["Accept"], "formats": [], "max_rows": 10_000}
    store = load_in_memory(data)
    worker = median(lambda: execute(store, job, frozenset()))
    engine = median(lambda: store.query(text).serialize(format=ox_json()))
    pool = QueryPool(WorkerSettings(str(data)), size=1)
    try:
        trip = median(lambda: pool.run({**job, "query": "ASK {}"}, 10))
    finally:
        pool.close()
    return {"worker": worker, "engine_and_writer": engine, "pool_round_trip": trip}


def ox_json():
    import pyoxigraph as ox

    return ox.QueryResultsFormat.JSON


def run(
    data: Path,
    cache_dir: Path,
    work: Path,
    queries: dict[str, str],
    clients: list[int],
    duration: float,
    warmup: float = 1.0,
) -> dict:
    """Every server (mgkg with the cache off and on, Oxigraph), every (query, clients) pair;
    servers run one at a time. The mixed load test runs on the cache-off mgkg server."""
    work.mkdir(parents=True, exist_ok=True)
    texts = {kind: query_text(name) for kind, name in queries.items()}
    result: dict = {"data": data.name, "queries": queries, "servers": {}, "cpus": os.cpu_count()}
    starters = {
        "mgkg serve": lambda: start_mgkg(data, cache_dir),
        "mgkg serve (cache on)": lambda: start_mgkg(data, cache_dir, cache=True),
        "oxigraph server": lambda: start_oxigraph(data, work),
    }
    for name, starter in starters.items():
        try:
            server = starter()
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            result["servers"][name] = {"error": str(exc)[:300]}
            continue
        try:
            runs = {}
            for kind, text in texts.items():
                for n in clients:
                    runs[f"{kind}/{n}"] = load(server, text, n, duration, warmup)
            result["servers"][server.name] = {"startup_seconds": server.startup_seconds, "runs": runs}
            if name == "mgkg serve":
                mixed = drive(server.url, MIX, max(clients), duration, warmup)
                result["mixed"] = asdict(mixed)
                if "cheap" in texts:
                    result["profile"] = profile(data, texts["cheap"])
        finally:
            server.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    """The mixed load test against a running server, or one started here."""
    parser = argparse.ArgumentParser(prog="python -m bench.endpoint", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (default: start one on a free loopback port)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--workers", type=int, help="query workers of the server started here")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    running = None
    url = args.url
    if url is None:
        from mgkg.web.server import ServerConfig, start

        config = ServerConfig(port=0, quiet=True)
        if args.workers:
            config.workers = args.workers
        running = start(config)
        url = running.url
    try:
        report = drive(url, MIX, args.clients, args.duration)
    finally:
        if running is not None:
            running.close()
    print(json.dumps(asdict(report), indent=2) if args.json else report.summary())
    for sample in report.error_samples:
        print(f"  error: {sample}", file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
