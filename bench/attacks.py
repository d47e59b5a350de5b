"""The attack drill: replay the attacks that once broke ``mgkg serve`` against a running
server, from this separate process, and report what each got, how a bystander asking cheap
questions fared meanwhile (every answer's status and the slowest latency), and how many
requests reached a loopback listener that a SERVICE clause points at.

    mgkg serve --port 8000 &
    python -m bench.attacks --url http://127.0.0.1:8000

The server must run on this machine (the listener is on 127.0.0.1). Attackers connect from
127.0.0.100 upwards and the bystander from 127.0.0.200, so the server tells them apart.
Exit status 1 when an attack got a 5xx other than a 503 it was told to retry, a bystander
request failed or the listener was reached.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
BYSTANDER = "127.0.0.200"


def send(url: str, method: str, target: str, headers=None, body=None, source=None, timeout=60.0):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        return 0, str(exc).encode()
    finally:
        conn.close()


def raw(url: str, data: bytes, timeout: float = 30.0) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


class Listener:
    """A loopback HTTP server counting every connection it receives."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Count(BaseHTTPRequestHandler):
            def setup(self):
                hits.append(self.client_address)
                super().setup()

            def do_POST(self):  # noqa: N802
                self.send_response(500)
                self.end_headers()

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Count)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Bystander:
    url: str
    statuses: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    started: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            target = "/sparql?" + urlencode({"query": f"ASK {{ FILTER({n} > 0) }}"})
            began = time.monotonic()
            status, _ = send(self.url, "GET", target, source=BYSTANDER)
            self.latencies.append(time.monotonic() - began)
            self.started.append(began)
            self.statuses.append(status)
            time.sleep(0.05)

    def __enter__(self) -> Bystander:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(90)


def flood(url: str, clients: int, seconds: float, one) -> list[int]:
    statuses: list[int] = []
    deadline = time.monotonic() + seconds

    def attacker(number: int) -> None:
        while time.monotonic() < deadline:
            statuses.append(one(f"127.0.0.{100 + number}"))

    threads = [threading.Thread(target=attacker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return statuses


class Results(dict):
    """Attack name -> what the server answered, with when each attack ended."""

    def __init__(self) -> None:
        super().__init__()
        self.ended: list[tuple[str, float]] = []

    def __setitem__(self, name: str, value: object) -> None:
        super().__setitem__(name, value)
        self.ended.append((name, time.monotonic()))


def attacks(url: str, listener: Listener, seconds: float) -> Results:
    """Each attack: its name -> what the server answered."""
    sparql_query = {"Content-Type": "application/sparql-query"}
    out = Results()
    for keyword in ("SERVICE", "service", "SeRvIcE"):
        text = f"SELECT * WHERE {{ #\r{keyword} <{listener.url}> {{ ?s ?p ?o }} }}"
        get = send(url, "GET", "/sparql?" + urlencode({"query": text}))[0]
        post = send(url, "POST", "/sparql", sparql_query, text.encode())[0]
        out[f"#<CR>{keyword} (GET, POST)"] = [get, post]
    braces = "SELECT * WHERE { #\r" + "{" * 20_000 + "}" * 20_000 + " }"
    quoted = "SELECT * WHERE { #\r" + "<<" * 20_000 + " ?s ?p ?o " + ">> ?p ?o " * 20_000 + " }"
    for name, text in (("20,000 nested {", braces), ("20,000 nested <<", quoted)):

        def nested(source: str, text: str = text) -> int:
            time.sleep(0.5)
            return send(url, "POST", "/sparql", sparql_query, text.encode(), source=source)[0]

        out[f"{name}, 8 clients at 2 req/s"] = sorted(set(flood(url, 8, seconds, nested)))
    cartesian = "/sparql?" + urlencode({"query": CARTESIAN})
    out["8 clients each sending a 4-way cartesian COUNT(*)"] = sorted(
        set(flood(url, 8, seconds * 2, lambda source: send(url, "GET", cartesian, source=source)[0]))
    )
    out["128 sockets sending a header line every 5 s"] = slow_headers(url, 128, seconds)
    long_query = "/query?" + "&".join(f"a{i}=1" for i in range(300))
    long_graph = "/graph?" + "&".join(f"a{i}=1" for i in range(300))
    out["Content-Length: ²"] = status_of(
        raw(url, "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: ²\r\n\r\n".encode())
    )
    out["300 parameters on /query, /graph"] = [
        send(url, "GET", long_query)[0],
        send(url, "GET", long_graph)[0],
    ]
    out["a body shorter than its length"] = status_of(
        raw(
            url,
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK {}",
        )
    )
    out["PUT with a bad body"] = send(url, "PUT", "/sparql", {"Content-Type": "text/turtle"}, b"<<<<<")[0]
    doubling = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(18))
    big = f'SELECT ?x18 WHERE {{ BIND("{"a" * 64}" AS ?x0) {doubling} }}'
    status, body = send(url, "GET", "/sparql?" + urlencode({"query": big, "format": "csv"}))
    out["a result of 17 MB"] = [status, f"{len(body):,} bytes"]
    return out


def slow_headers(url: str, count: int, seconds: float) -> list[object]:
    parts = urlsplit(url)
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        sockets.append(sock)
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.sendall(b"X-Slow: 1\r\n")
        time.sleep(5)
    statuses = set()
    for sock in sockets:
        data = b""
        try:
            while chunk := sock.recv(4096):
                data += chunk
        except OSError:
            pass
        statuses.add(status_of(data) if data else "closed")
        sock.close()
    return sorted(statuses, key=str)


def status_of(response: bytes) -> int | str:
    try:
        return int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return "no reply"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attacks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the running mgkg serve (on 127.0.0.1)")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each flood (default 6)")
    args = parser.parse_args(argv)
    listener = Listener()
    try:
        with Bystander(args.url) as bystander:
            results = attacks(args.url, listener, args.seconds)
    finally:
        listener.close()
    slowest: dict[str, float] = {}
    begun = bystander.started[0] if bystander.started else 0.0
    for name, ended in results.ended:
        during = [
            x for t, x in zip(bystander.started, bystander.latencies, strict=True) if begun <= t < ended
        ]
        slowest[name] = round(max(during, default=0.0), 3)
        begun = ended
    report = {
        "attacks": dict(results),
        "bystander_slowest_s_during": slowest,
        "bystander": {
            "requests": len(bystander.statuses),
            "statuses": sorted(set(bystander.statuses)),
            "slowest_s": round(max(bystander.latencies, default=0.0), 3),
            "over_1s": sum(1 for x in bystander.latencies if x > 1.0),
        },
        "outbound_hits": len(listener.hits),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    failed = [
        name
        for name, got in results.items()
        if any(
            isinstance(s, int) and s >= 500 and s != 503 for s in (got if isinstance(got, list) else [got])
        )
    ]
    ok = not failed and report["bystander"]["statuses"] == [200] and not listener.hits
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
