"""A bounded load test of ``mgkg serve``: N concurrent clients for T seconds on loopback.

``run_load(url)`` drives a running server with a mix of what researchers and learners do
(SPARQL GET and POST in JSON, CSV and Turtle, a catalog query, a resource page, the home
page), each client on its own keep-alive connection, and reports throughput, latency and
errors. The test suite asserts zero errors; ``make bench`` reports the numbers::

    python -m mgkg.loadtest                      # starts a server on a free port, 8 clients, 10 s
    python -m mgkg.loadtest --url http://127.0.0.1:8000 --clients 16 --duration 30 --json
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode, urlsplit

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

#: (name, method, path, headers, body) — what each client cycles through.
MIX: tuple[tuple[str, str, str, dict[str, str], bytes | None], ...] = (
    (
        "sparql-get-json",
        "GET",
        "/sparql?" + urlencode({"query": LABEL}),
        {"Accept": "application/sparql-results+json"},
        None,
    ),
    (
        "sparql-post-form",
        "POST",
        "/sparql",
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
        urlencode({"query": CLAIMS}).encode(),
    ),
    (
        "sparql-post-csv",
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        PER_CONDITION.encode(),
    ),
    (
        "sparql-construct-ttl",
        "GET",
        "/sparql?" + urlencode({"query": DESCRIBE}),
        {"Accept": "text/turtle"},
        None,
    ),
    ("resource-page", "GET", "/id/magnesium", {"Accept": "text/html"}, None),
    ("resource-ttl", "GET", "/id/magnesium.ttl", {}, None),
    ("home", "GET", "/", {"Accept": "text/html"}, None),
)


@dataclass
class LoadReport:
    url: str
    clients: int
    duration: float
    requests: int = 0
    errors: int = 0
    throughput: float = 0.0  # requests per second
    latency_ms: dict[str, float] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lat = self.latency_ms
        return (
            f"{self.clients} clients for {self.duration:.1f} s on {self.url}: {self.requests} requests, "
            f"{self.errors} errors, {self.throughput:.1f} req/s; latency p50 {lat.get('p50', 0):.1f} ms, "
            f"p95 {lat.get('p95', 0):.1f} ms, max {lat.get('max', 0):.1f} ms"
        )


def run_load(
    url: str, clients: int = 8, duration: float = 10.0, mix=MIX, timeout: float = 30.0
) -> LoadReport:
    """Drive the server at ``url`` with ``clients`` concurrent clients for ``duration`` seconds."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    lock = threading.Lock()
    latencies: list[float] = []
    report = LoadReport(url, clients, duration)
    start = threading.Event()
    deadline = [0.0]

    def client(number: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        mine: list[float] = []
        kinds: dict[str, int] = {}
        errors: list[str] = []
        i = number  # clients start at different points of the mix
        start.wait()
        while time.monotonic() < deadline[0]:
            name, method, path, headers, body = mix[i % len(mix)]
            i += 1
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                if response.status != 200 or not payload:
                    errors.append(f"{name}: HTTP {response.status} {payload[:200]!r}")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{name}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            mine.append((time.perf_counter() - began) * 1000)
            kinds[name] = kinds.get(name, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            report.errors += len(errors)
            report.error_samples.extend(
                errors[: 5 - len(report.error_samples)] if len(report.error_samples) < 5 else []
            )
            for k, v in kinds.items():
                report.by_kind[k] = report.by_kind.get(k, 0) + v

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + duration
    start.set()
    for thread in threads:
        thread.join(duration + timeout + 5)
    elapsed = time.monotonic() - began
    report.duration = round(elapsed, 2)
    report.requests = len(latencies)
    report.throughput = round(len(latencies) / elapsed, 1) if elapsed else 0.0
    if latencies:
        ordered = sorted(latencies)
        report.latency_ms = {
            "p50": round(statistics.median(ordered), 2),
            "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
            "max": round(ordered[-1], 2),
            "mean": round(statistics.fmean(ordered), 2),
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgkg.loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (default: start one on a free loopback port)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--workers", type=int, help="query workers of the server started here")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    running = None
    url = args.url
    if url is None:
        from .server import ServerConfig, start

        config = ServerConfig(port=0, quiet=True)
        if args.workers:
            config.workers = args.workers
        running = start(config)
        url = running.url
    try:
        report = run_load(url, args.clients, args.duration)
    finally:
        if running is not None:
            running.close()
    print(json.dumps(asdict(report), indent=2) if args.json else report.summary())
    for sample in report.error_samples:
        print(f"  error: {sample}", file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
