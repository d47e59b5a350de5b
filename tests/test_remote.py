"""Against a real SPARQL server: push the release to Oxigraph, run the whole catalog there.

The session fixture starts ``oxigraph serve`` (the ``oxigraph`` PyPI package, a test
extra) on a free loopback port with a store in a temporary directory, and stops it at
the end of the session. Every catalog query must give the same answer remotely as on the
embedded engine, in every result format, and every endpoint mistake must give one line
and a non-zero exit.
"""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.query import Result as RdflibResult

from mgkg.cli import main
from mgkg.query.engine import GRAPH_FORMATS, TABULAR_FORMATS, RemoteEngine, run, serialize
from mgkg.query.push import push
from query_support import (
    RELEASE_TTL,
    answer,
    catalog_queries,
    engine,
    query_cache,
    same_answer,
)

__all__ = ["engine", "query_cache"]  # fixtures used below

NAMED_GRAPH = "https://w3id.org/mgkg/graph/release"


def _oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not found:
        pytest.fail("the `oxigraph` server is not installed: pip install -e '.[test]' (make test does)")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """An Oxigraph SPARQL server on a free loopback port: its base URL (started and stopped here)."""
    location = tmp_path_factory.mktemp("oxigraph")
    log = (location.parent / "oxigraph.log").open("wb")
    port = _free_port()
    process = subprocess.Popen(
        [_oxigraph_binary(), "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"oxigraph exited with {process.returncode}: see {log.name}")
            try:
                probe = f"{base}/query?query=" + urllib.parse.quote("ASK {}")
                with urllib.request.urlopen(probe, timeout=2):  # noqa: S310 (our loopback server)
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"oxigraph did not answer on {base} within 30 s")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def endpoint(server) -> str:
    """The server's query endpoint, holding the release in its default graph (pushed by GSP)."""
    report = push(RELEASE_TTL, f"{server}/store")
    assert report.method == "gsp"
    return f"{server}/query"


@pytest.fixture(scope="session")
def remote(endpoint) -> RemoteEngine:
    return RemoteEngine(endpoint)


def _count(url: str, graph: str | None = None) -> int:
    result = RemoteEngine(url, graph=graph).run(
        __import__("mgkg.query.engine", fromlist=["Prepared"]).Prepared(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT"
        )
    )
    return int(result.rows[0][0].value)


def _mgkg(capsysbinary, *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


@pytest.fixture(autouse=True)
def _cache(query_cache, monkeypatch):
    monkeypatch.setenv("MGKG_CACHE_DIR", str(query_cache))


# ---------------------------------------------------------------------------
# Push
# ---------------------------------------------------------------------------


def test_push_uploads_every_triple(endpoint, engine):
    assert _count(endpoint) == len(engine.store)


def test_push_again_replaces_rather_than_duplicates(server, endpoint, engine):
    push(RELEASE_TTL, f"{server}/store")
    assert _count(endpoint) == len(engine.store)


def test_push_by_sparql_update_into_a_named_graph(server, endpoint, engine, capsysbinary):
    """`auto` falls back to SPARQL UPDATE where Graph Store PUT is refused (Oxigraph's /update)."""
    code, out, _ = _mgkg(capsysbinary, "push", "--endpoint", f"{server}/update", "--graph", NAMED_GRAPH)
    assert code == 0 and b"by SPARQL UPDATE" in out
    code, out, _ = _mgkg(
        capsysbinary, "push", "--endpoint", f"{server}/update", "--graph", NAMED_GRAPH, "--method", "update"
    )
    assert code == 0
    assert _count(endpoint, graph=NAMED_GRAPH) == len(engine.store)
    assert _count(endpoint) == len(engine.store)  # the default graph is untouched


def test_push_to_a_url_that_takes_neither_protocol_explains(server, capsysbinary):
    code, out, err = _mgkg(capsysbinary, "push", "--endpoint", f"{server}/query")
    assert code == 3 and out == b"" and err.count("\n") == 1
    assert "Graph Store PUT gave HTTP 404" in err and "is this the store's Graph Store or update URL?" in err


def test_push_to_an_unreachable_store(capsysbinary):
    code, _, err = _mgkg(capsysbinary, "push", "--endpoint", f"http://127.0.0.1:{_free_port()}/store")
    assert code == 3 and err.startswith("mgkg push: cannot reach") and err.count("\n") == 1


# ---------------------------------------------------------------------------
# The whole catalog, remote == embedded, every format
# ---------------------------------------------------------------------------


def _strictly_ordered(text: str) -> bool:
    return "ORDER BY" in text.upper() and "GROUP_CONCAT" not in text.upper()


@pytest.mark.parametrize("query", catalog_queries(), ids=lambda q: q.name)
def test_catalog_query_gives_the_same_answer_remotely(query, engine, remote, capsysbinary):
    local = run(engine, query)
    far = run(remote, query)
    assert same_answer(local, far, query.text), query.name
    formats = GRAPH_FORMATS if local.is_graph else TABULAR_FORMATS
    for fmt in formats:
        code_local, out_local, _ = _mgkg(capsysbinary, "query", query.name, "-f", fmt)
        code_remote, out_remote, err = _mgkg(
            capsysbinary, "query", query.name, "-f", fmt, "--endpoint", remote.endpoint
        )
        assert code_local == code_remote == 0, err
        if _strictly_ordered(query.text) or local.is_graph or local.form == "ASK":
            assert out_local == out_remote, f"{query.name} --format {fmt}"
        else:  # SPARQL leaves row order (no ORDER BY) or GROUP_CONCAT order open
            assert len(out_local) == len(out_remote), f"{query.name} --format {fmt}"


def test_named_graph_queries_match(server, endpoint, engine, capsysbinary):
    push(RELEASE_TTL, f"{server}/store", graph=NAMED_GRAPH)
    code, local, _ = _mgkg(capsysbinary, "query", "forms-by-absorption", "-f", "json")
    code2, far, _ = _mgkg(
        capsysbinary,
        "query",
        "forms-by-absorption",
        "-f",
        "json",
        "--endpoint",
        endpoint,
        "--graph",
        NAMED_GRAPH,
    )
    assert code == code2 == 0 and local == far


@pytest.mark.parametrize(
    "value", ["kg:nmda-receptor", "NMDA receptor", "https://w3id.org/mgkg/id/nmda-receptor"]
)
def test_parameters_bind_the_same_way_remotely(value, endpoint, capsysbinary):
    argv = ["query", "conditions-linked-to-receptor", "-p", f"receptor={value}", "-f", "json"]
    code, local, _ = _mgkg(capsysbinary, *argv)
    code2, far, _ = _mgkg(capsysbinary, *argv, "--endpoint", endpoint)
    assert code == code2 == 0 and local == far and b"excessive-firing-linked-anxiety" in far


def test_string_parameters_cannot_change_the_remote_query(endpoint, engine, capsysbinary):
    hostile = '"} } ; INSERT DATA { <urn:x> <urn:y> <urn:z> } #\n'
    for argv in (
        ["query", "find-entity", "-p", f"text={hostile}", "-f", "csv", "--endpoint", endpoint],
        ["query", "claims-in-page-section", "-p", f"section={hostile}", "-f", "csv", "--endpoint", endpoint],
    ):
        code, out, err = _mgkg(capsysbinary, *argv)
        assert code == 0, err
        assert len(out.decode().strip().splitlines()) == 1  # header only
    assert _count(endpoint) == len(engine.store)


def test_limit_is_the_same_remotely(endpoint, capsysbinary):
    argv = ["query", "publications", "--limit", "3", "-f", "tsv"]
    code, local, _ = _mgkg(capsysbinary, *argv)
    code2, far, _ = _mgkg(capsysbinary, *argv, "--endpoint", endpoint)
    assert code == code2 == 0 and local == far and len(local.splitlines()) == 4


def test_header_words_do_not_fool_sparqlwrapper(remote, tmp_path, capsysbinary):
    """SPARQLWrapper guessed 'CLEAR' from a header saying 'cleared' and sent the query as an update."""
    path = tmp_path / "tricky.rq"
    path.write_text(
        "#+ title: cleared, insert, delete\n#+ description: a header that says cleared\n"
        "#+ tags: [test]\nASK WHERE { ?s ?p ?o }\n",
        encoding="utf-8",
    )
    code, out, err = _mgkg(capsysbinary, "query", str(path), "-f", "json", "--endpoint", remote.endpoint)
    assert code == 0 and b'"boolean":true' in out, err


# ---------------------------------------------------------------------------
# The server's own result formats (Accept headers, SPARQLWrapper return formats)
# ---------------------------------------------------------------------------


def _native(endpoint: str, text: str, media_type: str) -> bytes:
    from SPARQLWrapper import POST, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setOnlyConneg(True)
    client.setMethod(POST)
    client.setQuery(text)
    client.addCustomHttpHeader("Accept", media_type)
    return client.query().response.read()


@pytest.mark.parametrize(
    ("media_type", "fmt"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/tab-separated-values", "tsv"),
        ("text/csv", "csv"),
    ],
)
def test_server_result_formats_parse_to_the_embedded_answer(media_type, fmt, endpoint, engine):
    query = next(q for q in catalog_queries() if q.name == "reference-values")
    local = answer(engine, "reference-values")
    body = _native(endpoint, query.text, media_type)
    parsed = RdflibResult.parse(io.BytesIO(body), format=fmt)
    assert [str(v) for v in parsed.vars] == local.variables
    assert len(list(parsed)) == len(local.rows)
    ours = serialize(local, fmt)
    if fmt == "csv":
        assert body.replace(b"\r\n", b"\n") == ours.replace(b"\r\n", b"\n")
    else:
        oxi_format = pyoxigraph.QueryResultsFormat.from_extension(fmt)
        theirs = [
            tuple(map(str, (s[v] for v in local.variables)))
            for s in pyoxigraph.parse_query_results(body, format=oxi_format)
        ]
        mine = [tuple(map(str, row)) for row in local.rows]
        assert theirs == mine


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_server_graph_formats_parse_to_the_embedded_answer(media_type, rdflib_format, endpoint, engine):
    query = next(q for q in catalog_queries() if q.name == "describe-entity")
    local = answer(engine, "describe-entity")
    from mgkg.query.engine import prepare

    text = prepare(query, {}, engine).with_values()
    body = _native(endpoint, text, media_type)
    graph = Graph().parse(data=body.decode("utf-8"), format=rdflib_format)
    mine = Graph().parse(data=serialize(local, "nt").decode("utf-8"), format="nt")
    assert set(graph) == set(mine)


# ---------------------------------------------------------------------------
# Endpoint mistakes: one line, non-zero exit
# ---------------------------------------------------------------------------


def test_unreachable_endpoint(capsysbinary):
    code, out, err = _mgkg(
        capsysbinary, "query", "disclaimers", "--endpoint", f"http://127.0.0.1:{_free_port()}/query"
    )
    assert code == 3 and out == b"" and err.count("\n") == 1
    assert err.startswith("mgkg query: cannot reach http://127.0.0.1:") and "refused" in err


def test_endpoint_that_is_not_sparql(server, capsysbinary):
    code, _, err = _mgkg(capsysbinary, "query", "disclaimers", "--endpoint", f"{server}/no-such-path")
    assert code == 3 and err.count("\n") == 1 and "HTTP 404" in err


def test_remote_syntax_error_exits_2_with_the_servers_message(endpoint, capsysbinary):
    code, _, err = _mgkg(capsysbinary, "query", "-e", "SELECT ?x WHRE { ?x ?y ?z }", "--endpoint", endpoint)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("mgkg query: <expression>:1:") and "syntax error (says the endpoint)" in err


def test_endpoint_that_is_not_a_url(capsysbinary):
    code, _, err = _mgkg(capsysbinary, "query", "disclaimers", "--endpoint", "localhost:7878")
    assert code == 2 and "not an http(s) URL" in err


def test_api_connects_to_the_endpoint(endpoint, tmp_path):
    import mgkg.api as kg

    far = kg.connect(endpoint).run("study-results")
    near = kg.load(cache_dir=tmp_path / "cache").run("study-results")
    assert far.rows == near.rows and far.rows[0]["p"] == "<0.001"


def test_to_pyvis_draws_the_same_view_remotely(endpoint):
    from mgkg.api import KnowledgeGraph

    here = KnowledgeGraph.load(release=RELEASE_TTL, memory=True).to_pyvis(focus="magnesium")
    there = KnowledgeGraph.connect(endpoint).to_pyvis(focus="magnesium")
    assert len(there.nodes) > 20
    assert [n["id"] for n in there.nodes] == [n["id"] for n in here.nodes]
    assert sorted(e["id"] for e in there.edges) == sorted(e["id"] for e in here.edges)
