"""Sharing the endpoint: the heavy lane, per-client limits, X-Forwarded-For from trusted
proxies only, crashes charged to their client, and the answer cache.

One small server (2 workers, so the heavy lane holds 1 query; 2 s per query; 2 parallel
queries and 3 s of query time per minute per client; 2 crashes) trusts 127.0.0.1 as a
proxy, so each test names its own clients with ``X-Forwarded-For`` and they do not
share limits. Nothing here asserts a time.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import signal
import threading
import time
from urllib.parse import urlencode

import pytest

from mgkg.web.fairness import ClientLedger, Limited
from server_support import HEAVY, RELEASE, SIMPLE, request, sparql_get, start_server


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    running = start_server(
        tmp_path_factory,
        workers=2,
        timeout=2.0,
        client_parallel=2,
        client_seconds=3.0,
        client_crashes=2,
        trusted_proxies=("127.0.0.1",),
    )
    yield running
    running.close()


_serial = itertools.count()


def ask(url: str, query: str, client: str, source: str | None = None, cached: bool = False, **params: str):
    """``query`` from ``client`` (by X-Forwarded-For); a comment makes each text new, so it
    misses the answer cache, unless ``cached``."""
    text = query if cached else f"{query} # {next(_serial)}"
    target = f"{url}/sparql?" + urlencode({"query": text, **params})
    return request(target, headers={"X-Forwarded-For": client}, source=source, timeout=60)


def in_background(function, *args) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        outcome["answer"] = function(*args)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


def test_the_oldest_heavy_query_is_stopped_to_make_room(shared):
    pool = shared.app.pool
    wait_for(lambda: pool.idle == pool.size)
    first, first_out = in_background(ask, shared.url, HEAVY, "10.0.1.1")
    wait_for(lambda: pool.heavy == 1)
    second, second_out = in_background(ask, shared.url, HEAVY + " # another", "10.0.1.2")
    first.join(60)
    stopped = first_out["answer"]
    assert stopped.status == 503, stopped.text
    assert "to make room" in stopped.text and "the oldest" in stopped.text
    assert int(stopped.headers["retry-after"]) >= 1
    # The cheap lane stays open meanwhile: another client gets its answer.
    assert ask(shared.url, SIMPLE, "10.0.1.3").status == 200
    second.join(60)
    assert second_out["answer"].status == 503  # the time limit, this time
    assert "did not finish within 2 s" in second_out["answer"].text
    # The stopped clients were told to wait, and are refused until then.
    refused = ask(shared.url, SIMPLE, "10.0.1.1")
    assert refused.status == 429 and "retry-after" in refused.headers


def test_parallel_queries_per_client_are_limited(shared):
    ledger = shared.app.ledger
    for _ in range(2):  # two queries of this client are running
        ledger.admit("10.0.2.1")
    try:
        third = ask(shared.url, SIMPLE, "10.0.2.1")
        assert third.status == 429
        assert "at most 2 run in parallel" in third.text
        assert third.headers["retry-after"] == "1"
        assert ask(shared.url, SIMPLE, "10.0.2.2").status == 200  # someone else is not affected
    finally:
        for _ in range(2):
            ledger.settle("10.0.2.1", 0.0)
    assert ask(shared.url, SIMPLE + " # later", "10.0.2.1").status == 200


def test_query_time_per_minute_is_limited(shared):
    first = ask(shared.url, HEAVY + " # budget", "10.0.3.1")
    assert first.status == 503  # stopped at 2 s: 2 s of the 3 s per minute used ...
    time.sleep(float(first.headers["retry-after"]))
    second = ask(shared.url, HEAVY + " # budget 2", "10.0.3.1")
    assert second.status == 503  # ... and now 4 s
    time.sleep(float(second.headers["retry-after"]))
    over = ask(shared.url, SIMPLE + " # after", "10.0.3.1")
    assert over.status == 429
    assert "of query time in the last minute; the limit is 3 s per minute per client" in over.text
    assert int(over.headers["retry-after"]) >= 1
    assert ask(shared.url, SIMPLE + " # other", "10.0.3.2").status == 200


def test_forwarded_for_counts_only_from_trusted_proxies(shared):
    ledger = shared.app.ledger
    # From the trusted proxy (127.0.0.1): the client is the forwarded address.
    assert ask(shared.url, SIMPLE + " # xff", "10.0.4.1").status == 200
    assert "10.0.4.1" in ledger._clients
    # From anyone else, X-Forwarded-For is ignored: the client is the peer.
    assert ask(shared.url, SIMPLE + " # spoof", "10.0.4.2", source="127.0.0.44").status == 200
    assert "10.0.4.2" not in ledger._clients
    assert "127.0.0.44" in ledger._clients


def test_crashes_are_charged_to_their_client(shared):
    pool = shared.app.pool
    for attempt in range(2):
        wait_for(lambda: pool.idle == pool.size)
        thread, outcome = in_background(ask, shared.url, f"{HEAVY} # crash {attempt}", "10.0.5.1")
        wait_for(lambda: len(pool.busy_pids()) == 1)
        os.kill(pool.busy_pids()[0], signal.SIGKILL)
        thread.join(60)
        assert outcome["answer"].status == 500
        assert "crashed the query engine" in outcome["answer"].text
    refused = ask(shared.url, SIMPLE + " # crasher", "10.0.5.1")
    assert refused.status == 429
    assert "crashed the query engine 2 times" in refused.text
    assert ask(shared.url, SIMPLE + " # bystander", "10.0.5.2").status == 200


def test_the_ledger_rules():
    now = [1000.0]
    ledger = ClientLedger(parallel=1, seconds_per_minute=10, crash_limit=2, clock=lambda: now[0])
    ledger.admit("a")
    with pytest.raises(Limited, match="at most 1 run in parallel"):
        ledger.admit("a")
    ledger.settle("a", 8.0)
    ledger.admit("a")
    ledger.settle("a", 3.0)
    with pytest.raises(Limited, match="used 11 s") as over:
        ledger.admit("a")
    assert over.value.retry_after == 60  # until the first 8 s leave the window
    now[0] += 61
    ledger.admit("a")
    ledger.settle("a", 0.1, crashed=True)
    ledger.admit("a")
    ledger.settle("a", 0.1, crashed=True)
    with pytest.raises(Limited, match="crashed"):
        ledger.admit("a")
    ledger.admit("b")
    ledger.settle("b", 1.0, wait=5)
    with pytest.raises(Limited, match="asked you to wait") as told:
        ledger.admit("b")
    assert told.value.retry_after == 5
    now[0] += 5
    ledger.admit("b")


def test_identical_requests_are_answered_from_the_cache(shared):
    query = SIMPLE + " # cache"
    first = ask(shared.url, query, "10.0.6.1", cached=True)
    again = ask(shared.url, query, "10.0.6.1", cached=True)
    assert first.headers["x-cache"] == "miss" and again.headers["x-cache"] == "hit"
    assert again.body == first.body
    other_format = ask(shared.url, query, "10.0.6.1", cached=True, format="csv")
    assert other_format.headers["x-cache"] == "miss" and other_format.media_type == "text/csv"
    assert shared.app.cache.release_hash == hashlib.sha256(RELEASE.read_bytes()).hexdigest()
    # Refusals and errors are never kept.
    bad = sparql_get(shared.url, "SELECT * WHERE { ?s ?p }")
    assert bad.status == 400 and "x-cache" not in bad.headers
