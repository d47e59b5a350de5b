"""The two defences against outbound requests, each tested on its own.

1. The SERVICE check reads a query as the engine does. It is fuzzed against pyoxigraph:
   thousands of queries (seeded, so the corpus is the same on every run) hide a SERVICE
   clause behind comments, strings, IRIs, prefixed names, escapes and odd white space.
   The engine is the oracle: it is asked to run each query on an empty store with SERVICE
   pointed at port 9, which it refuses to contact ("port 9 is not allowed"), so asking
   sends nothing anywhere. Every query the engine would send must be refused.
2. The query workers have no network. With the check switched off, a plain SERVICE query
   reaches a listener from an ordinary worker and nothing from an isolated one.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from mgkg.web.protocol import Refused, check_services
from mgkg.web.sandbox import isolate_network
from mgkg.web.workers import QueryPool, WorkerSettings
from server_support import RELEASE, start_listener

PORT_9 = "http://127.0.0.1:9/sparql"

#: Pieces that open, close or escape something in SPARQL (or look as if they might).
FRAGMENTS = [
    "#", "#\r", "#\n", "#\r\n", "# x\r", '"', "'", "'''", '"""', "\\'", '\\"', "\\u0022",
    "\\u0027", "\\u0023", "\\u000d", "\\u000a", "\\", "<", ">", "<<", ">>", "{", "}", ".",
    "<http://a/#>", "<http://a/\\u0023>", "<a#>'", "ex:a\\'", "ex:a\\#", "ex:a#", "ex:a", "ex:",
    "_:b", "?v", "'a'", '"a"', "'#'", '"#"', "#'''", '#"', 'BIND("x" AS ?v)', "BIND('x' AS ?w)",
    "OPTIONAL { ?a ex:b ?c }", "FILTER(1<2)", "\r", "\n", "\t", "\x0c", "\u00a0", "\u2028",
]  # fmt: skip
KEYWORDS = ["SERVICE", "service", "SeRvIcE", "\\u0053ERVICE", "SERV\\u0049CE", "ſervice"]


def engine_would_send(query: str) -> bool | None:
    """True if pyoxigraph evaluates a SERVICE clause of ``query`` (None: a syntax error)."""
    try:
        answer = ox.Store().query(query)
        if isinstance(answer, ox.QuerySolutions):
            list(answer)
    except SyntaxError:
        return None
    except OSError as exc:
        return "port 9 is not allowed" in str(exc)
    return False


def refused(query: str) -> bool:
    try:
        check_services(query)
    except Refused:
        return True
    return False


def corpus(size: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    queries = []
    for _ in range(size):
        a, b, c, d = (rng.choice(FRAGMENTS) if rng.random() < 0.4 else "" for _ in range(4))
        prefix = rng.choice(["", "PREFIX ex: <http://e/>\n"])
        sep = rng.choice([" ", "\n", "\r", "\t", ""])
        keyword = rng.choice(KEYWORDS)
        queries.append(
            f"{prefix}SELECT * WHERE {{ {a}{sep}{b} {keyword} <{PORT_9}> {{ ?s ?p ?o }} {c}{sep}{d} }}"
        )
    return queries


def test_the_check_refuses_every_query_the_engine_would_send():
    outcomes = {query: engine_would_send(query) for query in corpus(20_000)}
    sent = [q for q, would in outcomes.items() if would]
    # The corpus exercises the engine: many queries reach SERVICE, among them ones that
    # the old scanner let through (a comment ended by a carriage return).
    assert len(sent) > 500
    assert any("#\r" in q for q in sent)
    bypasses = [q for q in sent if not refused(q)]
    assert bypasses == []
    # Queries the engine runs without SERVICE mostly pass (the check is not "refuse all").
    harmless = [q for q, would in outcomes.items() if would is False]
    assert sum(not refused(q) for q in harmless) > 100


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * WHERE {{ #\rSERVICE <{PORT_9}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ #\r\nSERVICE <{PORT_9}> {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?a ex:b\\' ?c }} "
        f"SERVICE <{PORT_9}> {{ ?s ?p ?o }} BIND('x' AS ?w) }}",
        f"PREFIX ex: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?a ex:b#'''\n ?c }} "
        f"SERVICE <{PORT_9}> {{ ?s ?p ?o }} #'''\n}}",
        f"SELECT * WHERE {{ OPTIONAL {{ ?a <http://a/\\u0041#> ?c }} SERVICE <{PORT_9}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ FILTER(1<2)#>\nSERVICE <{PORT_9}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND('a\\u0027' AS ?x) SERVICE <{PORT_9}> {{ ?s ?p ?o }} }}",
    ],
    ids=["cr-comment", "crlf-comment", "pname-escaped-quote", "pname-then-comment", "iri-escape",
         "less-than-then-comment", "escape-in-string"],
)  # fmt: skip
def test_known_tricks_reach_the_engine_and_are_refused(query):
    assert engine_would_send(query) is True
    assert refused(query)


@pytest.fixture(scope="module")
def listener():
    running = start_listener()
    yield running
    running.close()


def _unchecked_service(tmp_path, listener, isolate: bool):
    settings = WorkerSettings(str(RELEASE), isolate_network=isolate, check_queries=False)
    pool = QueryPool(settings, size=1)
    try:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        return pool.run({"query": query, "max_rows": 5}, timeout=30)
    finally:
        pool.close()


@pytest.mark.server
def test_an_isolated_worker_cannot_reach_the_network_even_unchecked(tmp_path, listener):
    try:
        isolate_network_available = _probe_isolation()
    except OSError as exc:  # pragma: no cover - depends on the platform
        pytest.skip(f"network namespaces are not available here: {exc}")
    assert isolate_network_available
    listener.connections.clear()
    reply = _unchecked_service(tmp_path, listener, isolate=True)
    assert reply.status == 400
    assert "unreachable" in reply.message.lower()
    assert listener.connections == []
    # The control: the same unchecked query from a worker that keeps the network goes out.
    reply = _unchecked_service(tmp_path, listener, isolate=False)
    assert reply.status == 200
    assert len(listener.connections) == 1


def _probe_isolation() -> bool:
    """Whether this platform lets a process leave the network (tried in a child process)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        return pool.apply(_isolate_in_child)


def _isolate_in_child() -> bool:
    isolate_network()
    return True
