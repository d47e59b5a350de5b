"""The attacks that once broke ``mgkg serve``, replayed against it: each must get a clean
4xx (or a correct answer), a loopback listener must receive no outbound request, and a
client asking cheap questions meanwhile must keep getting answers.

Attackers and the bystander connect from loopback addresses of their own (127.0.0.x), so
the server tells them apart as it would tell apart clients on a network. Nothing here
asserts a time: "keeps getting answers" means every cheap request of the bystander is a
200 while the attack runs (the ``mgkg serve`` attack drill in docs/server.md measures the
latencies).
"""

from __future__ import annotations

import socket
import sys
import time
from urllib.parse import urlencode

import pytest

from server_support import ROOT, listener, request, sparql_get, start_server

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.attacks import CARTESIAN, Bystander, flood  # noqa: E402

__all__ = ["listener"]  # fixture


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    """A server as deployed (3 workers, no answer cache so every request reaches a worker)."""
    running = start_server(tmp_path_factory, workers=3, timeout=10.0, cache_entries=0)
    yield running
    running.close()


def attack(url: str, clients: int, seconds: float, send) -> list[int]:
    """``clients`` attackers, each from its own address, calling ``send(url, source)``."""
    return flood(url, clients, seconds, lambda source: send(url, source))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("keyword", ["SERVICE", "service", "SeRvIcE"], ids=["upper", "lower", "mixed"])
def test_service_behind_a_comment_ended_by_cr(target, listener, method, keyword):
    text = f"SELECT * WHERE {{ #\r{keyword} <{listener.url}> {{ ?s ?p ?o }} }}"
    if method == "GET":
        answer = sparql_get(target.url, text)
    else:
        answer = request(f"{target.url}/sparql", "POST", {"Content-Type": "application/sparql-query"}, text)
    assert answer.status == 403, answer.text
    assert "refused" in answer.text
    assert listener.connections == []


@pytest.mark.parametrize(
    "nested",
    [
        "SELECT * WHERE { #\r" + "{" * 20_000 + "}" * 20_000 + " }",
        "SELECT * WHERE { #\r" + "<<" * 20_000 + " ?s ?p ?o " + ">> ?p ?o " * 20_000 + " }",
    ],
    ids=["braces", "quoted-triples"],
)
def test_deep_nesting_from_eight_clients_leaves_the_endpoint_usable(target, nested):
    crashes = target.app.pool.crashes

    def send(url: str, source: str) -> int:
        time.sleep(0.5)  # 2 requests per second per client
        headers = {"Content-Type": "application/sparql-query"}
        return request(f"{url}/sparql", "POST", headers, nested, source=source).status

    with Bystander(target.url) as bystander:
        statuses = attack(target.url, 8, 4.0, send)
    assert statuses and set(statuses) == {400}
    assert bystander.statuses and set(bystander.statuses) == {200}, bystander.statuses
    assert target.app.pool.crashes == crashes


def test_cartesian_counts_from_eight_clients_do_not_starve_a_cheap_client(target, listener):
    def send(url: str, source: str) -> int:
        target_url = f"{url}/sparql?" + urlencode({"query": CARTESIAN})
        return request(target_url, source=source, timeout=60).status

    with Bystander(target.url) as bystander:
        statuses = attack(target.url, 8, 8.0, send)
    # The attackers are stopped (time limit, or to make room in the heavy lane) or refused
    # (their share used up): never a 500, never an answer.
    assert statuses and set(statuses) <= {429, 503}, statuses
    assert len(bystander.statuses) >= 5
    assert set(bystander.statuses) == {200}, bystander.statuses
    assert listener.connections == []


def test_slow_and_idle_connections_do_not_block_new_ones(tmp_path_factory):
    """128 sockets that each send one header line now and then, and 20 that send nothing:
    new clients still get answers, and all of them are cut off at the header timeout."""
    running = start_server(tmp_path_factory, workers=1, header_timeout=3.0)
    try:
        host, port = running.url.split("//")[1].split(":")
        slow = [socket.create_connection((host, int(port)), timeout=30) for _ in range(128)]
        idle = [socket.create_connection((host, int(port)), timeout=30) for _ in range(20)]
        for sock in slow:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        for _round in range(2):
            assert request(f"{running.url}/health").status == 200
            assert sparql_get(running.url, "ASK {}").status == 200
            for sock in slow:
                sock.sendall(b"X-Slow: 1\r\n")  # never the end of the headers
            time.sleep(1)
        for sock in slow + idle:
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
            assert data.startswith(b"HTTP/1.1 408 "), data[:100]
            sock.close()
    finally:
        running.close()


def test_an_answer_above_16_mb_is_sent_whole(target):
    """About 17 MB in one answer: the engine's writer produces it, the client gets it all."""
    doubling = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(18))
    text = f'SELECT ?x18 WHERE {{ BIND("{"a" * 64}" AS ?x0) {doubling} }}'
    answer = request(f"{target.url}/sparql?" + urlencode({"query": text}), headers={"Accept": "text/csv"})
    assert answer.status == 200, answer.text[:300]
    assert answer.body.count(b"a") == 64 * 2**18


def test_an_answer_above_the_byte_cap_gets_413(tmp_path_factory):
    running = start_server(tmp_path_factory, workers=1, max_result_bytes=1 << 20)
    try:
        doubling = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(16))
        text = f'SELECT ?x16 WHERE {{ BIND("{"a" * 64}" AS ?x0) {doubling} }}'
        for fmt in ("json", "csv", "xml", "tsv"):
            answer = request(f"{running.url}/sparql?" + urlencode({"query": text, "format": fmt}))
            assert answer.status == 413, answer.text[:300]
            assert "larger than 1 MB" in answer.text and "LIMIT" in answer.text
        graph = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        assert sparql_get(running.url, graph, "application/n-triples").status == 413
        assert sparql_get(running.url, "ASK {}").status == 200
    finally:
        running.close()
