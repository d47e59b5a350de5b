"""The catalog on Virtuoso: the scale-out store gives every catalog query the embedded engine's answer.

The session fixture starts Debian's Virtuoso Open Source 7.2 (``virtuoso-t``, package
``virtuoso-opensource``, which ``make test`` installs with apt) on a new database in a
temporary directory, from a configuration written there (``bench/virtuoso.py``: free
loopback ports, ``ResultSetMaxRows`` raised so that no answer is cut short), loads the
release with ``mgkg push`` into a named graph through the Graph Store Protocol
(``/sparql-graph-crud-auth``, HTTP Digest), and queries it with that graph as the default
graph (``default-graph-uri``), as a Virtuoso that holds other graphs would be queried.

Answers compare as values where a datatype has two lexical forms of one value: Virtuoso
writes ``xsd:boolean`` as ``1`` and ``0``, which XML Schema allows beside ``true`` and
``false`` (``query_support.canonical``). Everything else compares as written: datatypes,
language tags, row order under ORDER BY. What made the catalog portable (bounded paths
instead of ``rdfs:subClassOf*``, typed booleans, language-tagged GROUP_CONCATs, ORDER BY
on strings) is in docs/deploy.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mgkg.cli import main
from mgkg.query.engine import Prepared, RemoteEngine, run
from query_support import RELEASE_TTL, canonical, catalog_queries, engine, query_cache, same_answer

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import virtuoso  # noqa: E402

__all__ = ["engine", "query_cache"]  # fixtures used below


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A Virtuoso on a new database in a temporary directory (started and stopped here)."""
    if not virtuoso.available():
        pytest.fail(f"Virtuoso is not installed: apt-get install {virtuoso.DEB_PACKAGE} (make test does)")
    running = virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def loaded(server, query_cache):
    """The release pushed into the named graph with ``mgkg push`` (the command, as a user runs it)."""
    code = main(
        [
            "push",
            "--endpoint",
            server.crud,
            "--graph",
            virtuoso.GRAPH,
            "--user",
            virtuoso.USER,
            "--password",
            virtuoso.PASSWORD,
            "--file",
            str(RELEASE_TTL),
        ]
    )
    assert code == 0, f"mgkg push to Virtuoso failed: see {server.log}"
    return server


@pytest.fixture(scope="session")
def remote(loaded) -> RemoteEngine:
    return RemoteEngine(loaded.sparql, graph=virtuoso.GRAPH)


@pytest.fixture(autouse=True)
def _cache(query_cache, monkeypatch):
    monkeypatch.setenv("MGKG_CACHE_DIR", str(query_cache))


def test_push_loads_every_triple_into_the_named_graph(remote, engine):
    count = remote.run(Prepared("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT"))
    assert int(count.rows[0][0].value) == len(engine.store)


def test_push_again_replaces_the_graph(loaded, remote, engine):
    virtuoso.load(loaded, RELEASE_TTL)
    count = remote.run(Prepared("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT"))
    assert int(count.rows[0][0].value) == len(engine.store)


@pytest.mark.parametrize("query", catalog_queries(), ids=lambda q: q.name)
def test_catalog_query_gives_the_same_answer_on_virtuoso(query, engine, remote):
    local = run(engine, query)
    far = run(remote, query)
    assert local.rows or local.triples or local.form == "ASK", f"{query.name}: no answer on the release"
    if same_answer(local, far, query.text, values=True):
        return
    # Say where they part, rather than only that they do.
    near = [tuple(canonical(t) for t in row) for row in local.rows]
    away = [tuple(canonical(t) for t in row) for row in far.rows]
    first = next((i for i, (a, b) in enumerate(zip(near, away, strict=False)) if a != b), None)
    pytest.fail(
        f"{query.name}: {len(near) or len(local.triples)} rows embedded, "
        f"{len(away) or len(far.triples)} on Virtuoso; first difference at row {first}: "
        f"{near[first] if first is not None else ''} vs {away[first] if first is not None else ''}"
    )


def test_booleans_compare_as_values_only(remote):
    """The one normalization is legitimate: Virtuoso's 1 is the value true; its 0 is false."""
    result = remote.run(
        Prepared(
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
            'SELECT ?t ?f WHERE { BIND(STRDT("true", xsd:boolean) AS ?t) BIND(STRDT("false", xsd:boolean) AS ?f) }',
            "SELECT",
        )
    )
    true, false = result.rows[0]
    assert canonical(true) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert canonical(false) == '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert canonical(true, values=False) != canonical(false, values=False)


def test_mgkg_query_runs_on_virtuoso_with_its_graph(loaded, capsysbinary):
    code = main(
        [
            "query",
            "conditions-linked-to-receptor",
            "-f",
            "csv",
            "--endpoint",
            loaded.sparql,
            "--graph",
            virtuoso.GRAPH,
        ]
    )
    far, err = capsysbinary.readouterr()
    code_local = main(["query", "conditions-linked-to-receptor", "-f", "csv"])
    near, _ = capsysbinary.readouterr()
    assert code == code_local == 0, err
    assert far == near and far.count(b"\n") > 2
