"""``mgkg push`` with credentials answers the challenge the store sends.

Virtuoso's ``/sparql-graph-crud-auth`` asks for HTTP Digest, and answers a request that
arrives with Basic credentials already attached by a bare 401 with no challenge, so a
client that sends Basic up front can never authenticate there. This stand-in store
behaves the same way and checks the Digest response (RFC 7616, MD5, qop=auth) for real.
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mgkg.query.push import push

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "graph" / "mgkg.ttl"
USER, PASSWORD, REALM, NONCE = "dba", "secret", "SPARQL", "b02cb4964f1072b606774596bee2aebd"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - what the Digest scheme specifies


def _fields(header: str) -> dict[str, str]:
    fields = {}
    for part in header.removeprefix("Digest ").split(","):
        key, _, value = part.strip().partition("=")
        fields[key] = value.strip('"')
    return fields


class DigestStore(BaseHTTPRequestHandler):
    received: list[tuple[str, str, int]] = []

    def do_PUT(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            status, headers = 401, {}  # Virtuoso: no challenge for an unasked Basic header
        elif auth.startswith("Digest "):
            f = _fields(auth)
            ha1 = _md5(f"{f['username']}:{REALM}:{PASSWORD}")
            ha2 = _md5(f"PUT:{f['uri']}")
            expected = _md5(f"{ha1}:{f['nonce']}:{f['nc']}:{f['cnonce']}:{f['qop']}:{ha2}")
            status, headers = (201, {}) if f.get("response") == expected else (401, {})
        else:
            challenge = f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm="MD5"'
            status, headers = 401, {"WWW-Authenticate": challenge}
        self.received.append((auth.split(" ")[0] or "none", self.path, len(body)))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def store():
    DigestStore.received = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), DigestStore)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql-graph-crud-auth"
    httpd.shutdown()
    httpd.server_close()


def test_push_answers_a_digest_challenge(store):
    report = push(RELEASE, store, graph="https://w3id.org/mgkg/", user=USER, password=PASSWORD)
    assert report.method == "gsp" and report.triples > 10_000
    size = RELEASE.stat().st_size
    path = "/sparql-graph-crud-auth?graph=https%3A%2F%2Fw3id.org%2Fmgkg%2F"
    assert DigestStore.received == [("none", path, size), ("Digest", path, size)]


def test_a_wrong_password_is_a_clear_error(store):
    from mgkg.errors import UserError

    with pytest.raises(UserError, match="HTTP 401 .*check --user and --password"):
        push(RELEASE, store, graph="https://w3id.org/mgkg/", user=USER, password="wrong")  # noqa: S106
