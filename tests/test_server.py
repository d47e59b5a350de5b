"""``mgkg serve`` as its users meet it: SPARQLWrapper as a real client in every result
format, the protocol's request forms, the catalog examples, every page, downloads,
dereferencing, the service description, /health, CORS, and the command line.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from mgkg.build.catalog import load_catalog
from mgkg.query.engine import LocalEngine, run
from mgkg.web.workers import load_in_memory
from server_support import PREFIXES, RELEASE, ROOT, request, server, sparql_get, sparql_post

__all__ = ["server"]  # fixture

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
SELECT = PREFIXES + (
    "SELECT ?claim ?label WHERE { ?claim a mgkg:Claim ; rdf:subject kg:magnesium ; rdfs:label ?label } "
    "ORDER BY ?claim"
)
ASK = PREFIXES + "ASK { kg:magnesium a mgkg:Mineral }"
CONSTRUCT = PREFIXES + "CONSTRUCT { kg:magnesium ?p ?o } WHERE { kg:magnesium ?p ?o }"
DESCRIBE = PREFIXES + "DESCRIBE kg:magnesium"


@pytest.fixture(scope="module")
def engine() -> LocalEngine:
    """The release in memory, as the server's query workers hold it (an aggregate such as
    GROUP_CONCAT lists values in the order the store yields them)."""
    return LocalEngine(load_in_memory(RELEASE))


def wrapper(server, fmt: str, method: str, only_conneg: bool) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setOnlyConneg(only_conneg)
    client.setTimeout(60)
    return client


def strictly(client: SPARQLWrapper):
    """Run and convert with warnings as errors: SPARQLWrapper warns when the answer's media
    type is not the one it asked for."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's, inside SPARQLWrapper
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper's "format X was returned"
        result = client.query()
        return result, result.convert()


# ---------------------------------------------------------------------------
# SPARQLWrapper, every result format
# ---------------------------------------------------------------------------

CLIENTS = [(m, c) for m in (GET, POST) for c in (True, False)]


@pytest.mark.parametrize(("method", "only_conneg"), CLIENTS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(server, store, method, only_conneg, fmt):
    expected = [(s["claim"].value, s["label"].value) for s in store.query(SELECT)]
    client = wrapper(server, fmt, method, only_conneg)
    client.setQuery(SELECT)
    result, converted = strictly(client)
    if fmt == JSON:
        rows = [(b["claim"]["value"], b["label"]["value"]) for b in converted["results"]["bindings"]]
    elif fmt == XML:
        rows = []
        for node in converted.getElementsByTagName("result"):
            values = {}
            for binding in node.getElementsByTagName("binding"):
                values[binding.getAttribute("name")] = binding.firstChild.firstChild.nodeValue
            rows.append((values["claim"], values["label"]))
    else:
        text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
        parsed = (
            ox.parse_query_results(input=text.encode(), format=ox.QueryResultsFormat.TSV)
            if fmt == TSV
            else None
        )
        if parsed is not None:
            rows = [(s["claim"].value, s["label"].value) for s in parsed]
        else:
            import csv
            import io

            rows = [tuple(r) for r in list(csv.reader(io.StringIO(text, newline="")))[1:]]
    assert rows == expected
    assert len(rows) > 10


@pytest.mark.parametrize(("method", "only_conneg"), CLIENTS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(server, method, only_conneg, fmt):
    client = wrapper(server, fmt, method, only_conneg)
    client.setQuery(ASK)
    _result, converted = strictly(client)
    if fmt == JSON:
        assert converted["boolean"] is True
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.nodeValue == "true"


@pytest.mark.parametrize(("method", "only_conneg"), CLIENTS)
@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, RDFXML, JSONLD, JSON])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_graph(server, store, method, only_conneg, fmt, query):
    expected = Graph().parse(
        data=ox.serialize(list(store.query(query)), format=ox.RdfFormat.N_TRIPLES).decode(), format="nt"
    )
    client = wrapper(server, fmt, method, only_conneg)
    client.setQuery(query)
    if fmt == JSON:
        # SPARQLWrapper asks a CONSTRUCT in JSON with Accept */* and format=json: JSON-LD; with
        # only content negotiation (no format=), */* gets the default, Turtle.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its own "sending */*" warning
            result = client.query()
            converted = result.convert()
        media = result.response.headers["Content-Type"]
        if only_conneg:
            assert media.startswith("text/turtle")
            graph = Graph().parse(data=converted, format="turtle")
        else:
            assert media.startswith("application/ld+json")
            graph = converted  # SPARQLWrapper parsed the JSON-LD into an rdflib graph
    else:
        result, converted = strictly(client)
        if isinstance(converted, Graph):
            graph = converted
        else:
            text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
            graph = Graph().parse(data=text, format="turtle")
    assert len(graph) == len(expected) > 5
    assert set(graph) == set(expected)


def test_sparqlwrapper_errors(server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = wrapper(server, JSON, POST, True)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed) as caught:
        client.query()
    assert "syntax error" in str(caught.value)


# ---------------------------------------------------------------------------
# Protocol request forms and the dataset
# ---------------------------------------------------------------------------


def _bindings(answer) -> list[dict]:
    assert answer.status == 200, answer.text
    return answer.json()["results"]["bindings"]


def test_request_forms_agree(server):
    get = _bindings(sparql_get(server.url, SELECT))
    form = _bindings(sparql_post(server.url, SELECT))
    direct = request(
        f"{server.url}/sparql",
        "POST",
        {
            "Content-Type": "application/sparql-query; charset=utf-8",
            "Accept": "application/sparql-results+json",
        },
        SELECT,
    )
    assert get == form == _bindings(direct)


def test_dataset_parameters(server):
    count = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = _bindings(sparql_get(server.url, count))
    assert int(whole[0]["n"]["value"]) > 10_000
    empty = _bindings(sparql_get(server.url, count, **{"default-graph-uri": "https://example.org/nothing"}))
    assert empty[0]["n"]["value"] == "0"
    named = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _bindings(sparql_get(server.url, named, **{"named-graph-uri": "https://example.org/g"})) == []
    post = request(
        f"{server.url}/sparql?" + urlencode({"default-graph-uri": "https://example.org/nothing"}),
        "POST",
        {"Content-Type": "application/sparql-query"},
        count,
    )
    assert _bindings(post)[0]["n"]["value"] == "0"


def test_catalog_examples_run_on_the_endpoint(server, engine):
    """Every example of the query page answers on the endpoint as on the embedded engine."""
    catalog = load_catalog(ROOT / "queries")
    examples = {e.name: e for e in server.app.site.examples}
    assert set(examples) == {q.name for q in catalog}
    for query in catalog:
        local = run(engine, query, {})
        if local.is_graph:
            answer = sparql_post(server.url, examples[query.name].text, "application/n-triples")
            assert answer.status == 200, (query.name, answer.text)
            remote = {str(q) for q in ox.parse(input=answer.body, format=ox.RdfFormat.N_TRIPLES)}
            assert remote == {str(ox.Quad(t.subject, t.predicate, t.object)) for t in local.triples}, (
                query.name
            )
            continue
        answer = sparql_post(server.url, examples[query.name].text)
        assert answer.status == 200, (query.name, answer.text)
        if local.form == "ASK":
            assert answer.json()["boolean"] == local.boolean, query.name
            continue
        parsed = ox.parse_query_results(input=answer.body, format=ox.QueryResultsFormat.JSON)
        names = [v.value for v in parsed.variables]
        remote_rows = sorted(tuple(str(s[n]) for n in local.variables) for s in parsed)
        local_rows = sorted(tuple(str(t) for t in row) for row in local.rows)
        assert names == local.variables, query.name
        assert remote_rows == local_rows, query.name


def test_service_description(server):
    answer = request(f"{server.url}/sparql", headers={"Accept": "text/turtle"})
    assert answer.status == 200
    graph = Graph().parse(data=answer.text, format="turtle")
    endpoint = URIRef(f"{server.url}/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.endpoint, endpoint) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(set(graph.objects(endpoint, SD.resultFormat))) == 8
    examples = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert len(examples) == len(load_catalog(ROOT / "queries"))
    assert all((e, SCHEMA.target, endpoint) in graph for e in examples)


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


def _html(answer) -> str:
    assert answer.status == 200, answer.text[:500]
    assert answer.media_type == "text/html"
    return answer.text


def test_home(server, store):
    answer = request(f"{server.url}/")
    page = _html(answer)
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    triples = re.search(r'data-count="triples">([\d,]+)<', page).group(1)
    assert int(triples.replace(",", "")) == len(store)
    claims = next(iter(store.query(PREFIXES + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a mgkg:Claim }")))
    assert f'data-count="claims">{int(claims["n"].value):,}<' in page
    for link in ("/query", "/graph", "/ontology", "/downloads/mgkg.ttl", "/sparql", "/id/magnesium"):
        assert f'href="{link}"' in page
    assert "not medical advice" in page


def _query_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="query-data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_query_page(server):
    page = _html(request(f"{server.url}/query"))
    for example in server.app.site.examples:
        assert f'href="/query?example={example.name}" data-example="{example.name}"' in page
    # YASGUI from the server's own assets, then the page's script; nothing from elsewhere.
    scripts = re.findall(r'<script src="([^"]+)" defer></script>', page)
    assert scripts == ["/assets/yasgui/yasgui.min.js", "/assets/query.js"]
    assert '<link rel="stylesheet" href="/assets/yasgui/yasgui.min.css">' in page
    assert not re.search(r'(\bsrc=|<link[^>]*\bhref=)"(https?:)?//', page)
    data = _query_data(page)
    assert data["endpoint"] == "/sparql" and data["autorun"] is False
    assert data["prefixes"]["mgkg"] == "https://w3id.org/mgkg/ontology#"
    assert data["prefixes"]["kg"] == "https://w3id.org/mgkg/id/"
    assert {"rdfs", "skos", "prov", "xsd"} <= set(data["prefixes"])
    assert set(data["examples"]) == {e.name for e in server.app.site.examples}
    # The form without JavaScript sends the query to the endpoint in a chosen format.
    assert '<form id="query-form" method="get" action="/sparql">' in page
    assert '<select id="query-format" name="format">' in page
    assert '<input type="hidden" name="format" value="turtle">' in page
    shared = _html(
        request(f"{server.url}/query?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}))
    )
    assert "SELECT * WHERE { ?s ?p ?o } LIMIT 3</textarea>" in shared
    assert _query_data(shared)["autorun"] is True
    assert _query_data(shared)["text"] == "SELECT * WHERE { ?s ?p ?o } LIMIT 3"
    hostile = _html(
        request(f"{server.url}/query?" + urlencode({"query": "</textarea><script>alert(1)</script>"}))
    )
    assert "<script>alert(1)" not in hostile
    assert "&lt;/textarea&gt;&lt;script&gt;" in hostile
    assert _query_data(hostile)["text"] == "</textarea><script>alert(1)</script>"
    example = _html(request(f"{server.url}/query?example=publications"))
    chosen = next(e for e in server.app.site.examples if e.name == "publications")
    assert _query_data(example)["example"] == "publications"
    assert 'class="example active" href="/query?example=publications"' in example
    assert f'<p id="description" class="note">{chosen.description}</p>' in example
    assert request(f"{server.url}/query?example=nope", headers={"Accept": "text/html"}).status == 404


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize(
    ("query", "fmt", "media"),
    [
        (SELECT, "csv", "text/csv"),
        (SELECT, "tsv", "text/tab-separated-values"),
        (SELECT, "json", "application/sparql-results+json"),
        (SELECT, "xml", "application/sparql-results+xml"),
        (CONSTRUCT, "csv", "text/turtle"),
        (DESCRIBE, "json", "application/ld+json"),
    ],
)
def test_the_form_without_javascript_answers(server, store, query, fmt, media):
    """What the query page's plain form sends, as a browser sends it: the chosen format, and
    Turtle as the second choice for graph answers."""
    url = f"{server.url}/sparql?" + urlencode([("query", query), ("format", fmt), ("format", "turtle")])
    answer = request(url, headers=BROWSER)
    assert answer.status == 200, answer.text
    assert answer.media_type == media
    if query == SELECT and fmt == "csv":
        assert len(answer.text.strip().splitlines()) == len(list(store.query(SELECT))) + 1


PAGES = ("/", "/query", "/id/magnesium", "/ontology", "/downloads", "/id/magnesum", "/nowhere")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shares_the_menu_and_the_policy(server, path):
    """One base template: the same menu (the current page marked), stylesheet and footer;
    the pages' CSP header; no inline script or style element, no remote asset."""
    from mgkg.web.pages import CSP, NAV

    answer = request(f"{server.url}{path}", headers={"Accept": "text/html"})
    assert answer.media_type == "text/html"
    assert answer.headers["content-security-policy"] == CSP
    page = answer.text
    menu = re.search(r'<nav aria-label="Site">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', menu) == [href for href, _ in NAV]
    current = re.findall(r'href="([^"]+)" aria-current="page"', menu)
    assert current == ([path] if path in dict(NAV) else [])
    assert '<link rel="stylesheet" href="/assets/site.css">' in page
    assert "not medical advice" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert not re.search(r"<script(?![^>]*\b(src=\"/assets/|type=\"application/json\"))", page)
    assert "<style" not in page and " style=" not in page
    assert not re.search(r'(\bsrc=|<link[^>]*\bhref=)"(https?:)?//', page)


def test_policy_allows_only_the_server(server):
    from mgkg.web.pages import CSP

    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["base-uri"] == "'none'"
    for value in directives.values():
        assert "http" not in value and "*" not in value and "'unsafe-eval'" not in value
    assert "'unsafe-inline'" not in directives["style-src"] + directives["script-src"]


def test_layout_has_no_fixed_widths():
    """Widths are fluid (%, fr, minmax, vw, max-width), so a phone layout drops in."""
    css = (ROOT / "src" / "mgkg" / "web" / "static" / "site.css").read_text(encoding="utf-8")
    fixed = re.findall(r"(?<![-\w])width:\s*[\d.]+(?:px|rem|em)\b", css)
    assert fixed == []
    columns = re.findall(r"grid-template-columns:([^;]+);", css)
    assert columns and all("fr" in c or "minmax" in c for c in columns), columns


def test_examples_bind_parameter_defaults(server):
    example = next(e for e in server.app.site.examples if e.name == "conditions-linked-to-receptor")
    assert "VALUES (?receptor) { (<https://w3id.org/mgkg/id/nmda-receptor>) }" in example.text
    assert not example.text.startswith("#+")


def test_graph_page(server):
    answer = request(f"{server.url}/graph")
    page = _html(answer)
    assert 'id="mgkg-data"' in page and 'id="mgkg-network"' in page
    # The page carries its policy (scripts allowed by hash); the header repeats it and adds
    # frame-ancestors, which only a header can set.
    header = answer.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in header
    assert "Content-Security-Policy" in page
    scripts = set(re.findall(r"sha256-[A-Za-z0-9+/=]+", page))
    assert len(scripts) == 2 and all(s in header for s in scripts)
    assert "'unsafe-eval'" not in header and "'unsafe-inline'" not in header.split("style-src")[0]
    focus = _html(request(f"{server.url}/graph?" + urlencode({"focus": "magnesium", "depth": "1"})))
    assert "magnesium: everything within 1 claim" in focus
    assert request(f"{server.url}/graph?focus=nonexistent-thing").status == 404
    assert request(f"{server.url}/graph?focus=magnesium&depth=9").status == 400


def test_resource_page(server, store):
    page = _html(request(f"{server.url}/id/magnesium"))
    assert '<h1 id="label">magnesium</h1>' in page
    assert "https://w3id.org/mgkg/id/magnesium" in page
    assert 'class="grade tier-' in page
    assert 'href="http://purl.obolibrary.org/obo/CHEBI_18420"' in page
    assert 'href="/ontology#Mineral"' in page
    assert 'href="/graph?focus=https%3A%2F%2Fw3id.org%2Fmgkg%2Fid%2Fmagnesium"' in page
    claims = int(
        next(
            iter(
                store.query(
                    PREFIXES + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a mgkg:Claim . "
                    "{ ?c rdf:subject kg:magnesium } UNION { ?c rdf:object kg:magnesium } }"
                )
            )
        )["n"].value
    )
    assert page.count('<tr class="claim">') >= claims
    # The body of evidence first: one summary per relation with magnesium at one end,
    # safety first, each with the claims it weighs; no claim about magnesium left out.
    summaries = {
        r["s"].value: (r["safety"].value == "true", r["fact"].value == "true")
        for r in store.query(
            PREFIXES + "SELECT ?s ?safety ?fact WHERE { ?s a mgkg:EvidenceSummary ; mgkg:assertsEdge ?fact . "
            "{ ?s rdf:subject kg:magnesium } UNION { ?s rdf:object kg:magnesium } "
            "BIND(EXISTS { ?s mgkg:evidenceClass mgkg:SafetyEvidence } AS ?safety) }"
        )
    }
    assert len(summaries) > 20 and any(safety for safety, _ in summaries.values())
    assert f"What the evidence says ({len(summaries)} relations)" in page
    shown = re.findall(r'<details class="summary([^"]*)">', page)
    assert len(shown) == len(summaries)
    kinds = [("safety" in css, "asserted" in css) for css in shown]
    assert kinds == sorted(kinds, key=lambda k: (not k[0], not k[1]))  # safety, then facts
    assert kinds[0][0] and "contraindicated in" in page.split('<details class="summary')[1]
    for row in store.query(
        PREFIXES + "SELECT DISTINCT ?c WHERE { ?c a mgkg:Claim . "
        "{ ?c rdf:subject kg:magnesium } UNION { ?c rdf:object kg:magnesium } }"
    ):
        assert f'href="/id/{row["c"].value.rsplit("/", 1)[1]}"' in page


def test_claim_page(server, store):
    row = next(
        iter(
            store.query(
                PREFIXES + "SELECT ?c WHERE { ?c a mgkg:Claim ; mgkg:gradeComponent ?g ; mgkg:quotation ?q } "
                "ORDER BY ?c LIMIT 1"
            )
        )
    )
    slug = row["c"].value.rsplit("/", 1)[1]
    page = _html(request(f"{server.url}/id/{slug}"))
    assert 'class="claim-panel"' in page
    assert "why this grade" in page and "page passage" in page and "<blockquote>" in page
    # The relation's evidence summary comes before the claim itself.
    plain = next(
        iter(
            store.query(
                PREFIXES + f"SELECT ?plain WHERE {{ VALUES ?c {{ <{row['c'].value}> }} "
                "?s mgkg:summarizes ?c ; mgkg:plainSummary ?plain ; rdf:subject ?x ; rdf:predicate ?p ; "
                "rdf:object ?o . ?c rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?o }"
            )
        )
    )["plain"].value
    assert page.index('class="summary-panel"') < page.index('class="claim-panel"')
    assert plain in html.unescape(page)


def test_publication_page_lists_claims_resting_on_it(server, store):
    row = next(
        iter(
            store.query(
                PREFIXES
                + "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?p WHERE { ?p a mgkg:Publication . "
                "?c prov:wasDerivedFrom ?p } ORDER BY ?p LIMIT 1"
            )
        )
    )
    slug = row["p"].value.rsplit("/", 1)[1]
    page = _html(request(f"{server.url}/id/{slug}"))
    assert "Claims that rest on it" in page or "Claims about it" in page


def test_every_iri_under_the_base_has_a_page(server, store):
    """A page for every IRI under the base: HTML and Turtle both name it."""
    iris = sorted(
        {
            t.value
            for quad in store
            for t in (quad.subject, quad.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith("https://w3id.org/mgkg/id/")
        }
    )
    assert len(iris) > 500
    for iri in iris:
        slug = iri[len("https://w3id.org/mgkg/id/") :]
        answer = request(f"{server.url}/id/{quote(slug)}")
        assert answer.status == 200, iri
        assert f"<code>{iri}</code>" in answer.text, iri
    for iri in iris[::25]:
        slug = iri[len("https://w3id.org/mgkg/id/") :]
        ttl = request(f"{server.url}/id/{quote(slug)}.ttl")
        assert ttl.status == 200
        assert any(
            iri in (q.subject.value, q.object.value)
            for q in ox.parse(input=ttl.body, format=ox.RdfFormat.TURTLE)
        )


def test_resource_rdf_is_the_description(server, store):
    answer = request(f"{server.url}/id/magnesium", headers={"Accept": "application/n-triples"})
    got = {str(q) for q in ox.parse(input=answer.body, format=ox.RdfFormat.N_TRIPLES)}
    mg = ox.NamedNode("https://w3id.org/mgkg/id/magnesium")
    want = {str(ox.Quad(q.subject, q.predicate, q.object)) for q in store.quads_for_pattern(mg, None, None)}
    want |= {str(ox.Quad(q.subject, q.predicate, q.object)) for q in store.quads_for_pattern(None, None, mg)}
    assert got == want


def test_unknown_resource(server):
    answer = request(f"{server.url}/id/magnesum", headers={"Accept": "text/html"})
    assert answer.status == 404
    assert 'href="/id/magnesium"' in answer.text
    plain = request(f"{server.url}/id/magnesum", headers={"Accept": "text/turtle"})
    assert plain.status == 404 and plain.media_type == "text/plain"
    assert request(f"{server.url}/id/").status == 404


def test_ontology_page(server, release_graph):
    page = _html(request(f"{server.url}/ontology"))
    mgkg = "https://w3id.org/mgkg/ontology#"
    classes = {str(c) for c in release_graph.subjects(RDF.type, OWL.Class) if str(c).startswith(mgkg)}
    properties = {
        str(p)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for p in release_graph.subjects(RDF.type, kind)
        if str(p).startswith(mgkg)
    }
    assert len(classes) > 40 and len(properties) > 100
    for term in classes | properties:
        assert f'id="{term[len(mgkg) :]}"' in page, term
    assert "A claim C with rdf:subject S" in page  # the derivation rule, from the ontology header
    ttl = request(f"{server.url}/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=ttl.text, format="turtle")
    assert {str(c) for c in graph.subjects(RDF.type, OWL.Class)} == classes


def test_downloads(server):
    page = _html(request(f"{server.url}/downloads"))
    for name, media in (
        ("mgkg.ttl", "text/turtle"),
        ("mgkg.nt", "application/n-triples"),
        ("mgkg.jsonld", "application/ld+json"),
        ("void.ttl", "text/turtle"),
        ("catalog.ttl", "text/turtle"),
    ):
        assert f'href="/downloads/{name}"' in page
        answer = request(f"{server.url}/downloads/{name}")
        assert answer.status == 200
        assert answer.media_type == media
        assert answer.body == (RELEASE.parent / name).read_bytes()
        assert "last-modified" in answer.headers
    for bad in ("nope.ttl", "..%2Fpyproject.toml", "../pyproject.toml", "%2e%2e/%2e%2e/etc/passwd"):
        assert request(f"{server.url}/downloads/{bad}").status == 404


def test_every_published_iri_resolves(server):
    """The dump IRIs and their dcat:downloadURL in VoID, the version IRI and the creator IRI
    answer on the server's own paths, with the file's bytes and the VoID's byte size."""
    base = "https://w3id.org/mgkg/"
    void = Graph().parse(RELEASE.parent / "void.ttl")
    dcat = "http://www.w3.org/ns/dcat#"
    urls = sorted(void.objects(None, URIRef(dcat + "downloadURL")))
    assert len(urls) >= 9
    for url in urls:
        answer = request(server.url + "/" + str(url)[len(base) :])
        assert answer.status == 200, url
        assert answer.body == (RELEASE.parent / str(url)[len(base + "graph/") :]).read_bytes(), url
        assert int(void.value(url, URIRef(dcat + "byteSize"))) == len(answer.body), url
    ontology = Graph().parse(RELEASE)
    version_iri = str(ontology.value(URIRef(base + "ontology"), OWL.versionIRI))
    answer = request(server.url + "/" + version_iri[len(base) :], headers={"Accept": "text/turtle"})
    assert answer.status == 200 and answer.media_type == "text/turtle"
    assert (URIRef(base + "ontology"), OWL.versionIRI, URIRef(version_iri)) in Graph().parse(
        data=answer.text, format="turtle"
    )
    assert request(server.url + "/" + version_iri[len(base) :] + ".ttl").status == 200
    assert request(server.url + "/ontology/0.0.1").status == 404
    creator = void.value(URIRef(base + "void#mgkg"), URIRef("http://purl.org/dc/terms/creator"))
    assert str(creator) == base and request(server.url + "/").status == 200


def test_health(server, store):
    answer = request(f"{server.url}/health")
    assert answer.status == 200
    assert answer.media_type == "application/json"
    status = answer.json()
    assert status["status"] == "ok"
    assert status["triples"] == len(store)
    assert status["workers"]["size"] == status["workers"]["alive"] == 3


def test_cors_and_headers(server):
    answer = sparql_get(server.url, ASK)
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["x-content-type-options"] == "nosniff"
    preflight = request(
        f"{server.url}/sparql",
        "OPTIONS",
        {
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "content-type"
    assert preflight.headers["access-control-allow-origin"] == "*"
    # An OPTIONS that is not a preflight says what the resource allows.
    plain = request(f"{server.url}/sparql", "OPTIONS")
    assert plain.status == 204 and "POST" in plain.headers["allow"]
    cross = request(
        f"{server.url}/sparql?" + urlencode({"query": ASK}), headers={"Origin": "https://yasgui.example"}
    )
    assert cross.headers["access-control-allow-origin"] == "*"
    assert "X-Query-Time" in cross.headers["access-control-expose-headers"]
    assert answer.headers["server"] == "mgkg"


def test_head_and_methods(server):
    head = request(f"{server.url}/id/magnesium", "HEAD")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["content-length"]) > 1000
    assert request(f"{server.url}/", "POST", {"Content-Type": "text/plain"}, "x").status == 405
    assert (
        request(f"{server.url}/sparql", "PUT", {"Content-Type": "text/turtle"}, "<a:b> <a:c> <a:d> .").status
        == 405
    )
    assert request(f"{server.url}/sparql", "DELETE").status == 405
    assert request(f"{server.url}/nowhere").status == 404


def test_assets(server):
    css = request(f"{server.url}/assets/site.css")
    assert css.status == 200 and css.media_type == "text/css"
    assert ".grade.tier-high" in css.text
    js = request(f"{server.url}/assets/query.js")
    assert js.status == 200 and js.media_type == "text/javascript"
    folder = ROOT / "src" / "mgkg" / "web" / "static" / "yasgui"
    for name, media in (
        ("yasgui.min.js", "text/javascript"),
        ("yasgui.min.css", "text/css"),
        ("LICENSE", "text/plain"),
    ):
        answer = request(f"{server.url}/assets/yasgui/{name}")
        assert answer.status == 200 and answer.media_type == media
        assert answer.body == (folder / name).read_bytes()
    assert request(f"{server.url}/assets/yasgui/../site.css").status == 404
    assert request(f"{server.url}/assets/../server.py").status == 404
    icon = request(f"{server.url}/favicon.ico")
    assert icon.status == 200 and icon.body.startswith(b"\x89PNG")


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------


def _serve(*args: str, env_cache: Path) -> subprocess.Popen:
    env = {**os.environ, "MGKG_CACHE_DIR": str(env_cache), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "mgkg", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def test_cli_serve_starts_prints_the_url_and_stops(tmp_path):
    process = _serve("--port", "0", "--workers", "1", "--quiet", env_cache=tmp_path)
    try:
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)/ ", line)
        assert match, line
        url = match.group(1)
        assert "SPARQL endpoint" in line
        assert request(f"{url}/health").json()["status"] == "ok"
        assert request(f"{url}/sparql?" + urlencode({"query": ASK})).json()["boolean"] is True
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0
    assert "Traceback" not in process.stderr.read()


def test_cli_serve_port_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        process = _serve("--port", str(port), "--workers", "1", env_cache=tmp_path)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert (
        err.strip() == f"mgkg serve: cannot listen on 127.0.0.1:{port}: address already in use (try --port)"
    )


def test_cli_serve_without_release(tmp_path):
    process = _serve("--input", str(tmp_path / "none.ttl"), "--port", "0", env_cache=tmp_path)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "no release graph at" in err and "Traceback" not in err


def test_cli_serve_usage_mistakes(tmp_path):
    for args, message in (
        (["--timeout", "0"], "--timeout must be more than 0 seconds"),
        (["--allow-service", "ftp://x"], "--allow-service expects an http(s) URL"),
        (["--port", "70000"], "--port must be between 0 and 65535"),
    ):
        process = _serve(*args, env_cache=tmp_path)
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 2, args
        assert message in err


def test_serve_without_options_runs_with_the_settings_defaults():
    """`mgkg serve` with no options must run with exactly ServerConfig's defaults (one home)."""
    from mgkg.cli import get_parser
    from mgkg.cli.serve import config_from_args
    from mgkg.web.settings import ServerConfig

    config = config_from_args(get_parser().parse_args(["serve"]))
    assert config == ServerConfig()
    changed = config_from_args(get_parser().parse_args(["serve", "--port", "0", "--client-parallel", "2"]))
    assert (changed.port, changed.client_parallel) == (0, 2)


def test_every_limit_option_names_itself_when_out_of_range():
    """Each numeric option refuses a value below its floor with a sentence naming the option."""
    from mgkg.cli import get_parser
    from mgkg.cli.serve import LIMITS, config_from_args
    from mgkg.errors import UsageError
    from mgkg.web.settings import ServerConfig

    assert {limit.field for limit in LIMITS} <= set(ServerConfig.__dataclass_fields__)
    for limit in LIMITS:
        below = limit.minimum if limit.strict else limit.minimum - 1
        args = get_parser().parse_args(["serve", limit.option, str(below)])
        with pytest.raises(UsageError, match=re.escape(limit.option)):
            config_from_args(args)
    scaled = config_from_args(get_parser().parse_args(["serve", "--max-request-kb", "3"]))
    assert scaled.max_request_bytes == 3 * 1024


def test_serve_help_lists_the_options():
    out = subprocess.run(
        [sys.executable, "-m", "mgkg", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    for option in ("--host", "--port", "--timeout", "--max-rows", "--allow-service", "--workers"):
        assert option in out
