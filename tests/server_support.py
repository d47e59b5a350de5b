"""Fixtures and helpers for the server tests: a real ``mgkg serve`` on a free loopback port.

Import the fixtures into a test module with ``from server_support import server``. Each
server uses a store cache of its own (never the project's ``.cache``) and is stopped at
the end of its scope; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from mgkg.web.server import RunningServer, ServerConfig, start

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "graph" / "mgkg.ttl"

PREFIXES = """PREFIX mgkg: <https://w3id.org/mgkg/ontology#>
PREFIX kg: <https://w3id.org/mgkg/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
SIMPLE = PREFIXES + "SELECT ?label WHERE { kg:magnesium rdfs:label ?label }"
#: A CPU-bound query: counting a three-way cross product of the release (~10^12 rows).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def start_server(tmp_path_factory, **options) -> RunningServer:
    cache = tmp_path_factory.mktemp("mgkg-serve-cache")
    options.setdefault("workers", 3)
    config = ServerConfig(host="127.0.0.1", port=0, cache_dir=cache, quiet=True, **options)
    return start(config)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The release served with the default limits (3 workers): its RunningServer."""
    running = start_server(tmp_path_factory)
    yield running
    running.close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)


def request(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    timeout: float = 60,
    source: str | None = None,
) -> Answer:
    """One HTTP request (no redirects followed, no exception on error statuses); ``source``:
    the loopback address to connect from (the server tells clients apart by address)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source, 0) if source else None
    )
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    data = body.encode("utf-8") if isinstance(body, str) else body
    try:
        conn.request(method, target or "/", body=data, headers=headers or {})
        response = conn.getresponse()
        payload = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)
    finally:
        conn.close()


def sparql_get(base: str, query: str, accept: str | None = None, **params: str) -> Answer:
    headers = {"Accept": accept} if accept is not None else {}
    return request(f"{base}/sparql?" + urlencode({"query": query, **params}), headers=headers)


def sparql_post(base: str, query: str, accept: str | None = None, **params: str) -> Answer:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept is not None:
        headers["Accept"] = accept
    return request(f"{base}/sparql", "POST", headers, urlencode({"query": query, **params}))


# ---------------------------------------------------------------------------
# A listener that records every connection (for "no outbound request" checks)
# ---------------------------------------------------------------------------


@dataclass
class Listener:
    """A loopback HTTP server that records each request and answers as a tiny SPARQL endpoint."""

    httpd: ThreadingHTTPServer
    requests: list[str] = field(default_factory=list)
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


ANSWER = {
    "head": {"vars": ["remote"]},
    "results": {"bindings": [{"remote": {"type": "literal", "value": "from the listener"}}]},
}


@pytest.fixture(scope="module")
def listener():
    """A recording listener for the module's tests (see :func:`start_listener`)."""
    running = start_listener()
    yield running
    running.close()


def start_listener() -> Listener:
    listener: Listener

    class Recorder(BaseHTTPRequestHandler):
        def setup(self):
            listener.connections.append(self.client_address)
            super().setup()

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            listener.requests.append(f"{self.command} {self.path}")
            body = json.dumps(ANSWER).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.daemon_threads = True
    listener = Listener(httpd)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return listener


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
