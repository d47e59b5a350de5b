"""Content negotiation of ``mgkg serve``: the rules (unit tests), then every Accept header
and format parameter against the running server, with Python and with the curl binary.

Each answer must carry the media type asked for and a body that parses as that format
(pyoxigraph's own result and RDF parsers), with the same rows or triples as the embedded
engine gives.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pyoxigraph as ox
import pytest

from mgkg.web.protocol import (
    GRAPH,
    OFFERS,
    TABULAR,
    ProtocolError,
    choose_format,
    negotiate,
    parse_accept,
    prefers_html,
)
from server_support import PREFIXES, request, server, sparql_get, sparql_post

__all__ = ["server"]  # fixture

SELECT = PREFIXES + (
    "SELECT ?claim ?label WHERE { ?claim a mgkg:Claim ; rdf:subject kg:magnesium ; rdfs:label ?label } "
    "ORDER BY ?claim LIMIT 7"
)
ASK = PREFIXES + "ASK { kg:magnesium a mgkg:Mineral }"
CONSTRUCT = PREFIXES + "CONSTRUCT { kg:magnesium ?p ?o } WHERE { kg:magnesium ?p ?o }"
DESCRIBE = PREFIXES + "DESCRIBE kg:magnesium"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------

TABULAR_CASES = [
    (None, "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/json"),
    ("application/xml", "application/xml"),
    ("text/*", "text/csv"),
    ("application/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv, application/sparql-results+xml;q=0.5", "text/csv"),
    ("text/csv;q=0.5, text/tab-separated-values;q=0.6", "text/tab-separated-values"),
    ("*/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+json;charset=utf-8", "application/sparql-results+json"),
    ("APPLICATION/SPARQL-RESULTS+XML", "application/sparql-results+xml"),
    ("*/*, application/sparql-results+json;q=0", "application/sparql-results+xml"),
    ("text/csv;q=0, */*", "application/sparql-results+json"),
    ("text/csv;q=abc, text/tab-separated-values;q=0.2", "text/tab-separated-values"),
    ("garbage, text/csv", "text/csv"),
    ("text/csv;level=1;q=0.9, application/sparql-results+json;q=0.8", "text/csv"),
    # SPARQLWrapper's own headers
    (
        "application/sparql-results+json,application/json,text/javascript,application/javascript",
        "application/sparql-results+json",
    ),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
]

GRAPH_CASES = [
    (None, "text/turtle"),
    ("*/*", "text/turtle"),
    ("text/turtle", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/json", "application/json"),
    ("text/plain", "text/plain"),
    ("text/n3", "text/n3"),
    ("application/*", "application/n-triples"),
    ("application/ld+json;q=0.9, application/rdf+xml", "application/rdf+xml"),
    ('text/turtle;q=0.9;profile="urn:example:1", application/n-triples;q=0.7', "text/turtle"),
    ("text/turtle;q=0, */*;q=0.5", "application/n-triples"),
    # SPARQLWrapper: TURTLE, N3, RDF/XML, JSON-LD
    ("application/turtle,text/turtle", "text/turtle"),
    (
        "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3",
        "text/turtle",
    ),
    ("application/ld+json,application/x-json+ld", "application/ld+json"),
]


@pytest.mark.parametrize(("accept", "expected"), TABULAR_CASES)
def test_negotiate_tabular(accept, expected):
    assert negotiate(accept, OFFERS[TABULAR])[0] == expected


@pytest.mark.parametrize(("accept", "expected"), GRAPH_CASES)
def test_negotiate_graph(accept, expected):
    assert negotiate(accept, OFFERS[GRAPH])[0] == expected


@pytest.mark.parametrize(
    "accept", ["text/html", "image/png", "text/csv;q=0", "application/sparql-results+json;q=0, text/html"]
)
def test_nothing_acceptable(accept):
    assert negotiate(accept, OFFERS[TABULAR]) is None


def test_parse_accept_bounds_and_skips_malformed():
    ranges = parse_accept(", ".join(["text/csv"] * 500) + ", */x, nonsense")
    assert len(ranges) == 64
    assert parse_accept("text/csv;q=7")[0].q == 1.0
    assert parse_accept("*/csv") == []


def test_browsers_prefer_html():
    assert prefers_html(BROWSER, OFFERS[TABULAR])
    assert not prefers_html("*/*", OFFERS[TABULAR])
    assert not prefers_html(None, OFFERS[TABULAR])
    assert not prefers_html("text/html, application/sparql-results+json", OFFERS[TABULAR])


@pytest.mark.parametrize(
    ("form", "formats", "expected"),
    [
        ("SELECT", ["json"], "json"),
        ("SELECT", ["csv"], "csv"),
        ("SELECT", ["tsv", "text/tab-separated-values"], "tsv"),  # SPARQLWrapper repeats it
        ("SELECT", ["application/sparql-results+xml"], "xml"),
        ("ASK", ["xml"], "xml"),
        ("CONSTRUCT", ["turtle"], "ttl"),
        ("CONSTRUCT", ["json-ld", "application/ld+json"], "jsonld"),
        ("CONSTRUCT", ["json"], "jsonld"),  # SPARQLWrapper's JSON on a CONSTRUCT
        ("CONSTRUCT", ["xml"], "rdfxml"),  # SPARQLWrapper's default on a CONSTRUCT
        ("DESCRIBE", ["nt"], "nt"),
        ("DESCRIBE", ["rdf+xml", "application/rdf+xml"], "rdfxml"),
    ],
)
def test_format_parameter(form, formats, expected):
    assert choose_format(form, "text/html", formats)[1] == expected


def test_format_parameter_mistakes():
    with pytest.raises(ProtocolError) as wrong_kind:
        choose_format("SELECT", None, ["turtle"])
    assert wrong_kind.value.status == 406
    assert "SELECT and ASK results come as json, xml, csv, tsv" in wrong_kind.value.message
    with pytest.raises(ProtocolError) as unknown:
        choose_format("CONSTRUCT", None, ["yaml"])
    assert unknown.value.status == 400


# ---------------------------------------------------------------------------
# Against the server
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def expected(store):
    """The embedded engine's answers (the conftest's in-memory store of the release)."""
    rows = [tuple(s) for s in store.query(SELECT)]
    triples = set(store.query(CONSTRUCT))
    described = set(store.query(DESCRIBE))
    return {"rows": rows, "triples": triples, "described": described}


RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "text/n3": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
}


def _rows(body: bytes, fmt) -> list[tuple]:
    """Rows of a result document; CSV (which pyoxigraph does not read back: it is lossy) as
    plain values."""
    if fmt == ox.QueryResultsFormat.CSV:
        lines = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        return [tuple(row) for row in lines[1:]]
    parsed = ox.parse_query_results(input=body, format=fmt)
    return [tuple(s) for s in parsed]


def _values(rows: list[tuple]) -> list[tuple]:
    return [tuple(t.value for t in row) for row in rows]


@pytest.mark.parametrize(("accept", "media"), TABULAR_CASES)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_by_accept(server, expected, accept, media, method):
    answer = (sparql_get if method == "GET" else sparql_post)(server.url, SELECT, accept)
    assert answer.status == 200, answer.text
    assert answer.media_type == media
    assert "Accept" in answer.headers.get("vary", "")
    rows = _rows(answer.body, RESULT_FORMATS[media])
    if media == "text/csv":  # CSV loses datatypes and languages: compare values
        assert rows == _values(expected["rows"])
    else:
        assert rows == expected["rows"]


@pytest.mark.parametrize(("accept", "media"), GRAPH_CASES)
@pytest.mark.parametrize("query", ["CONSTRUCT", "DESCRIBE"])
def test_graph_by_accept(server, expected, accept, media, query):
    text = CONSTRUCT if query == "CONSTRUCT" else DESCRIBE
    answer = sparql_get(server.url, text, accept)
    assert answer.status == 200, answer.text
    assert answer.media_type == media
    triples = set(ox.parse(input=answer.body, format=RDF_FORMATS[media]))
    want = expected["triples"] if query == "CONSTRUCT" else expected["described"]
    assert {(q.subject, q.predicate, q.object) for q in triples} == {
        (t.subject, t.predicate, t.object) for t in want
    }


@pytest.mark.parametrize(
    "media",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_ask_in_every_result_format(server, media):
    answer = sparql_get(server.url, ASK, media)
    assert answer.status == 200
    assert answer.media_type == media
    assert b"true" in answer.body


@pytest.mark.parametrize(
    ("params", "media"),
    [
        ({"format": "csv"}, "text/csv"),
        ({"format": "tsv"}, "text/tab-separated-values"),
        ({"output": "xml"}, "application/sparql-results+xml"),
        ({"results": "json"}, "application/sparql-results+json"),
        ({"format": "text/csv"}, "text/csv"),
    ],
)
def test_format_parameter_overrides_accept(server, params, media):
    answer = sparql_get(server.url, SELECT, "application/sparql-results+json", **params)
    assert answer.status == 200
    assert answer.media_type == media


def test_format_parameter_on_construct(server):
    for name, media in (
        ("turtle", "text/turtle"),
        ("json-ld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
    ):
        answer = sparql_get(server.url, CONSTRUCT, None, format=name)
        assert answer.status == 200
        assert answer.media_type == media
    wrong = sparql_get(server.url, CONSTRUCT, None, format="csv")
    assert wrong.status == 406
    assert "CONSTRUCT and DESCRIBE results come as ttl, nt, jsonld, rdfxml" in wrong.text


@pytest.mark.parametrize("accept", ["image/png", "text/csv;q=0", "application/pdf, text/calendar"])
def test_not_acceptable(server, accept):
    answer = sparql_get(server.url, SELECT, accept)
    assert answer.status == 406
    assert "application/sparql-results+json" in answer.text


def test_graph_result_for_tabular_only_accept(server):
    answer = sparql_get(server.url, CONSTRUCT, "text/csv")
    assert answer.status == 406
    assert "text/turtle" in answer.text


def test_browser_is_sent_to_the_query_page(server):
    answer = sparql_get(server.url, SELECT, BROWSER)
    assert answer.status == 303
    assert answer.headers["location"].startswith("/query?query=PREFIX")
    assert request(f"{server.url}/sparql", headers={"Accept": BROWSER}).headers["location"] == "/query"


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("*/*", "text/turtle"),
        (None, "text/turtle"),
    ],
)
def test_service_description_by_accept(server, accept, media):
    answer = request(f"{server.url}/sparql", headers={"Accept": accept} if accept else {})
    assert answer.status == 200
    assert answer.media_type == media
    quads = list(ox.parse(input=answer.body, format=RDF_FORMATS[media]))
    assert any(q.predicate.value.endswith("sparql-service-description#endpoint") for q in quads)


@pytest.mark.parametrize(
    ("path", "accept", "media"),
    [
        ("/id/magnesium", None, "text/html"),
        ("/id/magnesium", "*/*", "text/html"),
        ("/id/magnesium", BROWSER, "text/html"),
        ("/id/magnesium", "text/turtle", "text/turtle"),
        ("/id/magnesium", "application/ld+json", "application/ld+json"),
        ("/id/magnesium", "application/n-triples", "application/n-triples"),
        ("/id/magnesium", "application/rdf+xml", "application/rdf+xml"),
        ("/id/magnesium", "text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("/id/magnesium", "text/html;q=0.1, text/turtle", "text/turtle"),
        ("/id/magnesium.ttl", BROWSER, "text/turtle"),
        ("/id/magnesium.nt", None, "application/n-triples"),
        ("/id/magnesium.jsonld", None, "application/ld+json"),
        ("/id/magnesium.rdf", None, "application/rdf+xml"),
        ("/ontology", None, "text/html"),
        ("/ontology", "text/turtle", "text/turtle"),
        ("/ontology", "application/ld+json", "application/ld+json"),
        ("/ontology.nt", None, "application/n-triples"),
    ],
)
def test_dereferencing(server, path, accept, media):
    answer = request(server.url + path, headers={"Accept": accept} if accept else {})
    assert answer.status == 200, answer.text
    assert answer.media_type == media
    if media != "text/html":
        quads = list(ox.parse(input=answer.body, format=RDF_FORMATS[media]))
        assert quads
        subject = (
            "https://w3id.org/mgkg/id/magnesium" if "magnesium" in path else "https://w3id.org/mgkg/ontology"
        )
        assert any(q.subject.value == subject for q in quads)


def test_dereferencing_not_acceptable(server):
    answer = request(f"{server.url}/id/magnesium", headers={"Accept": "image/png"})
    assert answer.status == 406


# ---------------------------------------------------------------------------
# curl, the real command-line client
# ---------------------------------------------------------------------------

CURL = shutil.which("curl")
CURL_CASES = [
    ("application/sparql-results+json", SELECT),
    ("application/sparql-results+xml", SELECT),
    ("text/csv", SELECT),
    ("text/tab-separated-values", SELECT),
    ("*/*", SELECT),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", SELECT),
    ("text/turtle", CONSTRUCT),
    ("application/n-triples", CONSTRUCT),
    ("application/ld+json", CONSTRUCT),
    ("application/rdf+xml", CONSTRUCT),
    ("*/*", CONSTRUCT),
]


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
@pytest.mark.parametrize(("accept", "query"), CURL_CASES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_curl(server, expected, accept, query, method):
    args = [CURL, "-sS", "-H", f"Accept: {accept}", "-o", "-", "-w", "\n%{http_code} %{content_type}"]
    args += ["-G"] if method == "get" else []
    args += ["--data-urlencode", f"query={query}", f"{server.url}/sparql"]
    out = subprocess.run(args, capture_output=True, check=True, timeout=60).stdout
    body, _, status_line = out.rpartition(b"\n")
    status, _, content_type = status_line.decode().partition(" ")
    assert status == "200"
    media = content_type.split(";")[0]
    if query is SELECT:
        if media == "text/csv":
            assert _rows(body, RESULT_FORMATS[media]) == _values(expected["rows"])
        else:
            assert _rows(body, RESULT_FORMATS[media]) == expected["rows"]
    else:
        triples = set(ox.parse(input=body, format=RDF_FORMATS[media]))
        assert len(triples) == len(expected["triples"])
