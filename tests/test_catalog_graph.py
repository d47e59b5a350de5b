"""The query catalog is in the graph: one ``sh:SPARQLExecutable`` per ``queries/*.rq`` in the
release, so the store that ``mgkg query`` and ``mgkg serve`` answer from lists it with SPARQL,
and ``graph/catalog.ttl`` holds exactly the same triples (one source).
"""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from conftest import ROOT, select
from mgkg.build.catalog import load_catalog
from mgkg.cli import main
from query_support import query_cache
from server_support import server, sparql_get

__all__ = ["query_cache", "server"]  # fixtures

LIST_CATALOG = """PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT ?name ?title ?kind ?text (GROUP_CONCAT(?param; separator=" ") AS ?params) WHERE {
  ?query a sh:SPARQLExecutable ; dcterms:identifier ?name ; rdfs:label ?title ; rdfs:comment ?about .
  OPTIONAL { ?query a ?kind . FILTER (?kind != sh:SPARQLExecutable) }
  ?query sh:select|sh:ask|sh:construct|schema:text ?text .
  OPTIONAL { ?query sh:parameter/sh:name ?param }
}
GROUP BY ?name ?title ?kind ?text
ORDER BY ?name
"""

KINDS = {
    "SELECT": "http://www.w3.org/ns/shacl#SPARQLSelectExecutable",
    "ASK": "http://www.w3.org/ns/shacl#SPARQLAskExecutable",
    "CONSTRUCT": "http://www.w3.org/ns/shacl#SPARQLConstructExecutable",
    "DESCRIBE": None,
}


def expected_rows() -> list[dict[str, str | None]]:
    return [
        {
            "name": q.name,
            "title": q.title,
            "kind": KINDS[q.form],
            "text": q.body,
            "params": " ".join(sorted(p.name for p in q.params)),
        }
        for q in sorted(load_catalog(ROOT / "queries"), key=lambda q: q.name)
    ]


def normalized(rows: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    return [{**row, "params": " ".join(sorted((row["params"] or "").split()))} for row in rows]


def test_the_release_lists_every_catalog_query_with_its_text_and_parameters(store):
    rows = normalized(select(store, LIST_CATALOG))
    assert len(rows) == len(load_catalog(ROOT / "queries")) >= 28
    assert rows == expected_rows()


def test_catalog_ttl_is_the_catalog_of_the_release(release_graph):
    """graph/catalog.ttl holds the release's catalog triples, no more and no fewer."""
    catalog = Graph().parse(ROOT / "graph" / "catalog.ttl", format="turtle")
    assert len(catalog) > 28 * 5
    assert all(triple in release_graph for triple in catalog)
    in_release = {(s, p, o) for s, p, o in release_graph if str(s).startswith("https://w3id.org/mgkg/query/")}
    assert in_release == set(catalog)


def json_rows(payload: bytes | str) -> list[dict[str, str | None]]:
    answer = json.loads(payload)
    names = answer["head"]["vars"]
    return [{n: (b[n]["value"] if n in b else None) for n in names} for b in answer["results"]["bindings"]]


def test_the_cli_lists_the_catalog_with_sparql(capsysbinary, query_cache, monkeypatch):
    monkeypatch.setenv("MGKG_CACHE_DIR", str(query_cache))
    code = main(["query", "-e", LIST_CATALOG, "-f", "json"])
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    assert normalized(json_rows(out)) == expected_rows()


@pytest.mark.server
def test_the_endpoint_lists_the_catalog_with_sparql(server):
    answer = sparql_get(server.url, LIST_CATALOG, accept="application/sparql-results+json")
    assert answer.status == 200, answer.text[:300]
    assert normalized(json_rows(answer.body)) == expected_rows()
