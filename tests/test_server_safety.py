"""``mgkg serve`` is safe to expose: read-only, no outbound requests, bounded in time,
memory, request size and rows, clean errors, and it keeps answering under load.

The SERVICE and LOAD tests point the queries at a loopback listener that records every
connection: a refused query must leave it untouched. The timeout test runs a CPU-bound
query while another client keeps asking simple questions; the load test drives 8 clients
for 10 s and asserts zero errors (the throughput is printed, and reported by
``python -m bench.endpoint``, not asserted).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from urllib.parse import urlencode

import pytest

from mgkg.web import app as asgi
from mgkg.web.protocol import Refused, check_services
from mgkg.web.workers import PoolError
from server_support import (
    HEAVY,
    PREFIXES,
    ROOT,
    SIMPLE,
    listener,
    request,
    server,
    sparql_get,
    sparql_post,
    start_listener,
    start_server,
)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.attacks import raw  # noqa: E402
from bench.endpoint import MIX, drive  # noqa: E402

__all__ = ["listener", "server"]  # fixtures

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """A server with tight limits: 2 workers, 2 s per query, 5 rows, 4 KiB requests, 300 MiB."""
    running = start_server(
        tmp_path_factory, workers=2, timeout=2.0, max_rows=5, max_request_bytes=4096, memory_mb=300
    )
    yield running
    running.close()


def _count(url: str) -> int:
    answer = sparql_get(url, COUNT)
    assert answer.status == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def _wait_for_full_pool(running, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        status = request(f"{running.url}/health").json()
        if status["workers"]["alive"] == status["workers"]["size"] == status["workers"]["idle"]:
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.2)


# ---------------------------------------------------------------------------
# Read-only
# ---------------------------------------------------------------------------


def test_updates_are_refused(server, listener):
    before = _count(server.url)
    updates = [
        "INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "DROP DEFAULT",
        f"LOAD <{listener.url}>",
        f"LOAD SILENT <{listener.url}> INTO GRAPH <https://example.org/g>",
        "PREFIX ex: <https://example.org/>\nWITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "# a comment first\nCREATE GRAPH <https://example.org/g>",
    ]
    for text in updates:
        for answer in (
            request(
                f"{server.url}/sparql",
                "POST",
                {"Content-Type": "application/x-www-form-urlencoded"},
                urlencode({"update": text}),
            ),
            request(f"{server.url}/sparql", "POST", {"Content-Type": "application/sparql-update"}, text),
            request(f"{server.url}/sparql?" + urlencode({"update": text})),
            sparql_post(server.url, text),  # an update sent as a query
            sparql_get(server.url, text),
        ):
            assert answer.status == 403, (text, answer.status, answer.text)
            assert "read-only" in answer.text and "refused" in answer.text
    assert _count(server.url) == before
    assert listener.connections == []


# ---------------------------------------------------------------------------
# SERVICE: refused unless allow-listed; a refused query makes no request
# ---------------------------------------------------------------------------


def service_queries(url: str) -> list[str]:
    host = url.rsplit("/", 1)[0] + "/"
    escaped = url.replace("sparql", "spar\\u0071l")  # \u escape inside the IRI
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{url}> {{ ?x ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?q ?r }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?q ?r }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"PREFIX l: <{host}>\nSELECT * WHERE {{ SERVICE l:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{host}>\nSELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE # a comment\n <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\U00000073ervice <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f'SELECT * WHERE {{ ?s ?p "x" . SERVICE <{url}> {{ ?s ?p ?o }} }} # "}}',
        # A comment ends at a carriage return as well as at a line feed.
        f"SELECT * WHERE {{ #\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ #\rservice <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # hidden?\r\nSeRvIcE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o #\rSERVICE <{url}> {{ ?s ?q ?r }} }} LIMIT 1",
        # A prefixed name may end in an escaped quote; a # after a name starts a comment.
        f"PREFIX ex: <{host}>\nSELECT * WHERE {{ OPTIONAL {{ ?a ex:b\\' ?c }} "
        f"SERVICE <{url}> {{ ?s ?p ?o }} BIND('x' AS ?w) }}",
        f"PREFIX ex: <{host}>\nSELECT * WHERE {{ OPTIONAL {{ ?a ex:b#'''\n ?c }} "
        f"SERVICE <{url}> {{ ?s ?p ?o }} #'''\n}}",
    ]


def test_service_is_refused_and_nothing_is_requested(server, listener):
    for text in service_queries(listener.url):
        for answer in (sparql_get(server.url, text), sparql_post(server.url, text)):
            assert answer.status in (403, 400), (text, answer.status, answer.text)
            if answer.status == 403:
                assert "SERVICE" in answer.text
    assert listener.connections == []
    assert listener.requests == []


def test_service_check_reads_the_query_not_the_text():
    """Queries that only mention 'service' in strings, IRIs, comments or names run."""
    harmless = [
        'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "SERVICE <http://x/> { }")) } LIMIT 1',
        "# SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\nSELECT * WHERE { ?s ?p ?o } LIMIT 1",
        "SELECT * WHERE { ?s <http://example.org/service> ?o } LIMIT 1",
        "PREFIX ex: <http://example.org/>\nSELECT ?service WHERE { ?service ex:service ?o } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o = '''service''') }",
    ]
    for text in harmless:
        assert check_services(text) == []
    with pytest.raises(Refused):
        check_services("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    # Unparseable text that uses SERVICE as a keyword is refused, not guessed.
    with pytest.raises(Refused):
        check_services("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } ")
    assert check_services("SELECT * WHERE { SERVICE <http://a/> { } }", {"http://a/"}) == ["http://a/"]


def test_harmless_mentions_run_on_the_server(server, listener):
    text = '# SERVICE <x>\nSELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "service")) } LIMIT 1'
    assert sparql_get(server.url, text).status == 200
    assert listener.connections == []


def test_allow_listed_service(tmp_path_factory, listener):
    other = start_listener()
    running = start_server(tmp_path_factory, workers=1, allow_services=(listener.url,))
    try:
        listener.requests.clear()
        answer = sparql_get(
            running.url, f"SELECT ?remote WHERE {{ SERVICE <{listener.url}> {{ ?remote ?p ?o }} }}"
        )
        assert answer.status == 200, answer.text
        assert answer.json()["results"]["bindings"] == [
            {"remote": {"type": "literal", "value": "from the listener"}}
        ]
        assert len(listener.requests) == 1
        refused = sparql_get(running.url, f"SELECT * WHERE {{ SERVICE <{other.url}> {{ ?s ?p ?o }} }}")
        assert refused.status == 403
        assert f"<{other.url}> is not on the allow-list" in refused.text
        variable = sparql_get(
            running.url, f"SELECT * WHERE {{ VALUES ?e {{ <{listener.url}> }} SERVICE ?e {{ ?s ?p ?o }} }}"
        )
        assert variable.status == 403 and "variable" in variable.text
        assert other.connections == []
        assert len(listener.requests) == 1
        description = request(f"{running.url}/sparql", headers={"Accept": "text/turtle"}).text
        assert "BasicFederatedQuery" in description
    finally:
        running.close()
        other.close()
        listener.requests.clear()


# ---------------------------------------------------------------------------
# Time, memory and crashes: one query cannot stop the others
# ---------------------------------------------------------------------------


def test_heavy_query_times_out_while_another_client_gets_answers(limited):
    _wait_for_full_pool(limited)
    before = request(f"{limited.url}/health").json()["timeouts"]
    quick: list[tuple[int, float]] = []
    heavy: dict[str, object] = {}
    stop = threading.Event()

    def heavy_client():
        started = time.monotonic()
        # From an address of its own: a client whose query is stopped is told to wait.
        answer = request(f"{limited.url}/sparql?" + urlencode({"query": HEAVY}), source="127.0.0.31")
        heavy.update(status=answer.status, text=answer.text, seconds=time.monotonic() - started)
        stop.set()

    def quick_client():
        while not stop.is_set():
            started = time.monotonic()
            answer = sparql_get(limited.url, SIMPLE)
            quick.append((answer.status, time.monotonic() - started))

    threads = [threading.Thread(target=heavy_client), threading.Thread(target=quick_client)]
    for thread in threads:
        thread.start()
        time.sleep(0.2)
    for thread in threads:
        thread.join(30)
    assert heavy["status"] == 503, heavy
    assert "did not finish within 2 s" in heavy["text"]
    assert 1.9 <= heavy["seconds"] < 8, heavy
    assert len(quick) >= 5, quick
    assert all(status == 200 for status, _ in quick), quick
    assert max(seconds for _, seconds in quick) < 2, quick
    status = _wait_for_full_pool(limited)
    assert status["timeouts"] == before + 1
    assert _count(limited.url) > 10_000


def test_runaway_memory_stops_only_its_worker(limited):
    _wait_for_full_pool(limited)
    doubling = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(34))
    text = f'SELECT (STRLEN(?x34) AS ?n) WHERE {{ BIND("{"a" * 64}" AS ?x0) {doubling} }}'
    answer = request(f"{limited.url}/sparql?" + urlencode({"query": text}), source="127.0.0.32")
    assert answer.status in (500, 503), answer.text
    assert "Traceback" not in answer.text
    _wait_for_full_pool(limited)
    assert _count(limited.url) > 10_000


def test_a_crashing_worker_is_isolated(limited):
    """pyoxigraph's parser overflows its stack on deep nesting: such queries are refused
    before they reach it; and a worker that dies anyway (here: killed mid-query) costs
    only that query, and is replaced."""
    nested = "SELECT * WHERE { FILTER(" + "(" * 1500 + "1" + ")" * 1500 + ") }"
    answer = request(f"{limited.url}/sparql", "POST", {"Content-Type": "application/sparql-query"}, nested)
    assert answer.status == 400 and "nests brackets more than 200 deep" in answer.text
    _wait_for_full_pool(limited)
    pool = limited.app.pool
    outcome: dict[str, object] = {}

    def heavy():
        try:
            pool.run({"query": HEAVY, "max_rows": 5}, timeout=30)
        except PoolError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=heavy)
    thread.start()
    deadline = time.monotonic() + 10
    while pool.idle == pool.size and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    busy = pool.busy_pids()
    assert len(busy) == 1
    os.kill(busy[0], signal.SIGKILL)
    thread.join(30)
    assert outcome["error"].status == 500
    assert "crashed" in outcome["error"].message
    status = _wait_for_full_pool(limited)
    assert status["status"] == "ok"
    assert _count(limited.url) > 10_000


@pytest.mark.parametrize(
    "nested",
    [
        "SELECT * WHERE { #\r" + "{" * 20_000 + "}" * 20_000 + " }",
        "SELECT * WHERE { #\r" + "<<" * 20_000 + " ?s ?p ?o " + ">> ?p ?o " * 20_000 + " }",
        "SELECT * WHERE { " + "<<" * 20_000 + " ?s ?p ?o " + ">> ?p ?o " * 20_000 + " }",
    ],
    ids=["braces-after-cr-comment", "quoted-triples-after-cr-comment", "quoted-triples"],
)
def test_deep_nesting_is_refused_without_crashing_a_worker(server, nested):
    """20,000 levels crash pyoxigraph's parser: the nesting check must see them however
    they are written, so the worker never receives the query."""
    crashes = server.app.pool.crashes
    headers = {"Content-Type": "application/sparql-query"}
    answer = request(f"{server.url}/sparql", "POST", headers, nested)
    assert answer.status == 400, answer.text
    assert "nests brackets more than 200 deep" in answer.text
    assert server.app.pool.crashes == crashes
    assert _count(server.url) > 10_000


# ---------------------------------------------------------------------------
# Caps on requests and results
# ---------------------------------------------------------------------------


def test_result_rows_are_capped(limited):
    answer = sparql_get(limited.url, "SELECT * WHERE { ?s ?p ?o }")
    assert answer.status == 200
    assert len(answer.json()["results"]["bindings"]) == 5
    assert answer.headers["x-result-truncated"] == "true; rows=5"
    graph = sparql_get(limited.url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples")
    assert graph.status == 200 and len(graph.body.strip().splitlines()) == 5
    small = sparql_get(limited.url, SIMPLE)
    assert "x-result-truncated" not in small.headers


def test_request_size_is_capped(limited):
    padding = "#" + "x" * 5000 + "\n"
    body = urlencode({"query": padding + SIMPLE})
    answer = request(
        f"{limited.url}/sparql", "POST", {"Content-Type": "application/x-www-form-urlencoded"}, body
    )
    assert answer.status == 413 and "4,096 bytes" in answer.text
    assert sparql_get(limited.url, padding + SIMPLE).status == 413
    huge = request(f"{limited.url}/sparql?query=" + "x" * 70_000)
    assert huge.status in (413, 414)


# ---------------------------------------------------------------------------
# Malformed input: 400 with the parser's message, never a stack trace
# ---------------------------------------------------------------------------


def test_syntax_error_gets_the_parsers_message(server):
    answer = sparql_get(server.url, "SELECT * WHERE { ?s ?p }")
    assert answer.status == 400
    assert answer.media_type == "text/plain"
    assert answer.text.startswith("syntax error: error at 1:")
    post = request(
        f"{server.url}/sparql", "POST", {"Content-Type": "application/sparql-query"}, "SELEKT * {}"
    )
    assert post.status == 400 and "syntax error" in post.text
    # A prefix used without its PREFIX line is named, with the line to add.
    undeclared = sparql_get(server.url, "SELECT ?c WHERE { ?c a mgkg:Claim ; rdfs:label ?l }")
    assert undeclared.status == 400
    assert undeclared.text.strip() == (
        "syntax error: the prefixes are not declared: mgkg:, rdfs:; add "
        "`PREFIX mgkg: <https://w3id.org/mgkg/ontology#>` and "
        "`PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>`"
    )


def test_terms_the_graph_does_not_have_are_named_in_a_warning(server):
    typo = sparql_get(server.url, PREFIXES + "SELECT ?d WHERE { ?c a mgkg:Clam ; mgkg:studyDesgin ?d }")
    assert typo.status == 200 and typo.json()["results"]["bindings"] == []
    assert typo.headers["x-warning"] == (
        "mgkg:Clam is not a term of this graph (no triple uses it); did you mean mgkg:Claim? | "
        "mgkg:studyDesgin is not a term of this graph (no triple uses it); did you mean mgkg:studyDesign?"
    )
    # A page on another origin (CORS) may read it.
    cors = request(
        f"{server.url}/sparql?" + urlencode({"query": PREFIXES + "ASK { ?c a mgkg:Clam }"}),
        headers={"Origin": "https://example.org", "Accept": "application/sparql-results+json"},
    )
    assert "x-warning" in cors.headers.get("access-control-expose-headers", "").lower()
    assert cors.headers["x-warning"].startswith("mgkg:Clam is not a term of this graph")
    fine = sparql_get(server.url, SIMPLE)
    assert fine.status == 200 and "x-warning" not in fine.headers


@pytest.mark.parametrize(
    ("method", "target", "headers", "body", "status"),
    [
        ("GET", "/sparql?query=", {}, None, 400),
        ("GET", "/sparql?query=%20%20", {}, None, 400),
        ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", {}, None, 400),
        ("GET", "/sparql?query=%FF%FE", {}, None, 400),
        ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"query=\xff\xfe", 400),
        ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"ASK \xff {}", 400),
        ("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", 415),
        ("POST", "/sparql", {}, b"ASK {}", 415),
        ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"", 400),
        ("POST", "/sparql?query=ASK%7B%7D", {"Content-Type": "application/sparql-query"}, b"ASK {}", 400),
        (
            "GET",
            "/sparql?" + urlencode({"query": "ASK {}", "default-graph-uri": "not an iri"}),
            {},
            None,
            400,
        ),
        ("GET", "/sparql?" + urlencode({"query": "ASK {}", "format": "yaml"}), {}, None, 400),
        ("GET", "/sparql?" + urlencode({"query": "SELECT ?x WHERE { BIND(1/0 AS ?x) }"}), {}, None, 200),
        ("GET", "/sparql?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT -1"}), {}, None, 400),
    ],
)
def test_malformed_requests(server, method, target, headers, body, status):
    answer = request(server.url + target, method, headers, body)
    assert answer.status == status, answer.text
    assert "Traceback" not in answer.text and 'File "' not in answer.text


@pytest.mark.parametrize(
    ("data", "status"),
    [
        # No Content-Length: the body is empty, and what follows is not a request.
        (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n\r\nASK {}", b"400"),
        (
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n6\r\nASK {}\r\n0\r\n\r\n",
            b"200",
        ),
        (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"400"),
        ("POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: \u00b2\r\n\r\n".encode(), b"400"),
        (b"HELLO\r\n\r\n", b"400"),
        (b"GET /sparql HTTP/9.9\r\n\r\n", b"400"),
        (b"BREW /sparql HTTP/1.1\r\nHost: x\r\n\r\n", b"400"),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
        (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n", b"431"),
        (
            b"PUT /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\nContent-Length: 5\r\n"
            b"Connection: close\r\n\r\n<<<<<",
            b"405",
        ),
    ]
    + [
        (
            b"GET /" + page + b"?" + b"&".join(b"a%d=1" % i for i in range(300)) + b" HTTP/1.1\r\n"
            b"Host: x\r\nConnection: close\r\n\r\n",
            b"400",
        )
        for page in (b"sparql", b"query", b"graph")
    ],
)
def test_malformed_http(server, data, status):
    answer = raw(server.url, data)
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == status, answer[:200]
    assert b"Traceback" not in answer
    assert request(f"{server.url}/health").status == 200


def test_a_body_shorter_than_its_length_times_out_cleanly(server):
    data = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nASK {}"
    )
    answer = raw(server.url, data, timeout=asgi.BODY_TIMEOUT + 10)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"did not arrive within" in answer


# ---------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------


def test_load_eight_clients_for_ten_seconds(server):
    report = drive(server.url, MIX, clients=8, duration=10.0)
    print("\n" + report.summary())
    assert report.errors == 0, report.error_samples
    assert report.requests > 8
    assert set(report.by_kind) >= {"sparql-get-json", "sparql-post-form", "resource-page", "home"}
