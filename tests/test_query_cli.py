"""``mgkg queries`` and ``mgkg query`` on the embedded store: formats, parameters, clean errors."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from decimal import Decimal

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.query import Result as RdflibResult

from mgkg.cli import main
from query_support import RELEASE_TTL, ROOT, answer, catalog_names, engine, query_cache

__all__ = ["engine", "query_cache"]  # fixtures used below

NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "double", "float")}


@pytest.fixture(autouse=True)
def _cache(query_cache, monkeypatch):
    monkeypatch.setenv("MGKG_CACHE_DIR", str(query_cache))


def mgkg(capsysbinary, *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def mgkg_error(capsysbinary, *argv: str) -> tuple[int, str]:
    """Run a command that must fail cleanly: one line on stderr, nothing on stdout."""
    code, out, err = mgkg(capsysbinary, *argv)
    assert code != 0 and out == b""
    assert err.count("\n") == 1 and err.startswith(f"mgkg {argv[0]}: "), err
    return code, err


# ---------------------------------------------------------------------------
# mgkg queries
# ---------------------------------------------------------------------------


def test_queries_lists_the_catalog(capsysbinary):
    code, out, _ = mgkg(capsysbinary, "queries")
    text = out.decode()
    assert code == 0
    listed = [line.split()[0] for line in text.splitlines()[:-1]]
    assert listed == catalog_names() and len(listed) >= 15
    assert re.search(
        r"^conditions-linked-to-receptor +Conditions linked to a receptor, and how  "
        r"\[receptor=kg:nmda-receptor\]$",
        text,
        re.MULTILINE,
    )


def test_queries_by_tag_and_verbose(capsysbinary):
    code, out, _ = mgkg(capsysbinary, "queries", "--tag", "safety", "-v")
    text = out.decode()
    assert code == 0 and "safety-and-contraindications" in text and "mechanisms-of-action" not in text
    assert "Side effects, contraindications and risks" in text and "tags: safety" in text
    code, err = mgkg_error(capsysbinary, "queries", "--tag", "no-such-tag")
    assert code == 2 and "tags:" in err


# ---------------------------------------------------------------------------
# Result formats round-trip through standard parsers
# ---------------------------------------------------------------------------


def _key(term) -> tuple:
    """Compare terms from different parsers: numbers by value, the rest by lexical form and type."""
    if term is None:
        return ("unbound",)
    if isinstance(term, pyoxigraph.NamedNode):
        return ("iri", term.value)
    if isinstance(term, pyoxigraph.Literal):
        datatype = term.datatype.value
        value = Decimal(term.value) if datatype in NUMERIC else term.value
        return ("literal", value, term.language or "", "" if term.language else datatype)
    # rdflib terms
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, Literal):
        datatype = (
            str(term.datatype)
            if term.datatype
            else ("" if term.language else "http://www.w3.org/2001/XMLSchema#string")
        )
        value = Decimal(str(term)) if datatype in NUMERIC else str(term)
        return ("literal", value, term.language or "", datatype)
    raise TypeError(term)


def _expected(engine, name):
    result = answer(engine, name)
    return result.variables, [tuple(_key(t) for t in row) for row in result.rows]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_select_formats_round_trip_through_rdflib_and_pyoxigraph(fmt, engine, capsysbinary):
    variables, expected = _expected(engine, "reference-values")
    code, out, _ = mgkg(capsysbinary, "query", "reference-values", "--format", fmt)
    assert code == 0
    parsed = RdflibResult.parse(io.BytesIO(out), format=fmt)
    assert [str(v) for v in parsed.vars] == variables
    assert [tuple(_key(row[v]) for v in parsed.vars) for row in parsed] == expected
    oxi = pyoxigraph.parse_query_results(out, format=pyoxigraph.QueryResultsFormat.from_extension(fmt))
    assert [tuple(_key(s[v]) for v in variables) for s in oxi] == expected


def test_csv_round_trips_lexical_values(engine, capsysbinary):
    result = answer(engine, "forms-by-absorption")
    code, out, _ = mgkg(capsysbinary, "query", "forms-by-absorption", "-f", "csv")
    assert code == 0
    table = list(csv.reader(io.StringIO(out.decode("utf-8"))))
    assert table[0] == result.variables
    assert [[(t.value if t is not None else "") for t in row] for row in result.rows] == table[1:]
    assert RdflibResult.parse(io.BytesIO(out), format="csv").vars is not None


def test_json_is_sparql_results_json(capsysbinary):
    code, out, _ = mgkg(capsysbinary, "query", "study-results", "-f", "json")
    document = json.loads(out)
    assert code == 0 and document["head"]["vars"][0] == "publication"
    first = document["results"]["bindings"][0]
    assert first["publication"] == {"type": "uri", "value": "https://w3id.org/mgkg/id/tarleton2017"}
    assert first["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
def test_ask_formats(fmt, capsysbinary):
    code, out, _ = mgkg(capsysbinary, "query", "is-edge-asserted", "-f", fmt)
    assert code == 0
    if fmt in ("json", "xml"):
        assert RdflibResult.parse(io.BytesIO(out), format=fmt).askAnswer is True
        assert bool(
            pyoxigraph.parse_query_results(out, format=pyoxigraph.QueryResultsFormat.from_extension(fmt))
        )
    else:
        assert out.strip() == b"true"


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "oxi_format"),
    [
        ("ttl", "turtle", pyoxigraph.RdfFormat.TURTLE),
        ("nt", "nt", pyoxigraph.RdfFormat.N_TRIPLES),
        ("jsonld", "json-ld", pyoxigraph.RdfFormat.JSON_LD),
    ],
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser uses ConjunctiveGraph
def test_construct_formats_round_trip(fmt, rdflib_format, oxi_format, engine, capsysbinary):
    expected = {str(t) for t in answer(engine, "describe-entity").triples}
    code, out, _ = mgkg(capsysbinary, "query", "describe-entity", "-f", fmt)
    assert code == 0
    graph = Graph().parse(data=out.decode("utf-8"), format=rdflib_format)
    assert len(graph) == len(expected)
    oxi = {str(q.triple) for q in pyoxigraph.parse(out, format=oxi_format)}
    assert oxi == expected
    if fmt == "jsonld":
        assert json.loads(out)["@context"]["kg"] == "https://w3id.org/mgkg/id/"


def test_default_formats_are_table_and_turtle(capsysbinary):
    code, out, _ = mgkg(capsysbinary, "query", "disclaimers")
    lines = out.decode().splitlines()
    assert code == 0 and lines[0].split() == ["source", "disclaimer", "label", "text"]
    assert set(lines[1]) <= {"-", " "} and lines[-1].endswith("rows)")
    code, out, _ = mgkg(capsysbinary, "query", "describe-entity")
    assert code == 0 and out.startswith(b"@prefix")


def test_limit(capsysbinary):
    code, out, _ = mgkg(capsysbinary, "query", "reference-values", "--limit", "2", "-f", "csv")
    assert code == 0 and len(out.decode().strip().splitlines()) == 3
    code, out, _ = mgkg(capsysbinary, "query", "describe-entity", "--limit", "3", "-f", "nt")
    assert code == 0 and len(out.decode().strip().splitlines()) == 3


# ---------------------------------------------------------------------------
# Parameters: IRI, CURIE or label; bound safely
# ---------------------------------------------------------------------------


def test_iri_curie_and_label_bind_the_same_entity(capsysbinary):
    outputs = set()
    for value in (
        "kg:nmda-receptor",
        "https://w3id.org/mgkg/id/nmda-receptor",
        "<https://w3id.org/mgkg/id/nmda-receptor>",
        "NMDA receptor",
        "nmda receptor",
        "NMDAR",
    ):
        code, out, _ = mgkg(
            capsysbinary, "query", "conditions-linked-to-receptor", "-p", f"receptor={value}", "-f", "json"
        )
        assert code == 0, value
        outputs.add(out)
    assert len(outputs) == 1


def test_string_parameters_are_literals_not_query_text(engine, capsysbinary):
    hostile = '") } } INSERT DATA { <urn:x> <urn:y> <urn:z> } #\n'
    code, out, _ = mgkg(capsysbinary, "query", "find-entity", "-p", f"text={hostile}", "-f", "csv")
    assert code == 0 and out.decode().splitlines() == ["text,entity,class,label,matched"]
    size = len(engine.store)
    assert not list(engine.store.quads_for_pattern(pyoxigraph.NamedNode("urn:x"), None, None))
    assert len(engine.store) == size


def test_adhoc_query_with_typed_and_inferred_parameters(capsysbinary):
    text = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?label WHERE { ?x rdfs:label ?label }"
    )
    code, out, _ = mgkg(capsysbinary, "query", "-e", text, "-p", "x=kg:magnesium", "-f", "csv")
    assert code == 0 and out.decode().splitlines() == ["label", "magnesium"]
    code, out, _ = mgkg(capsysbinary, "query", "-e", text, "-p", "x:iri=Mg", "-f", "csv")
    assert code == 0 and out.decode().splitlines() == ["label", "magnesium"]
    number = (
        "PREFIX mgkg: <https://w3id.org/mgkg/ontology#>\nPREFIX qudt: <http://qudt.org/schema/qudt/>\n"
        "SELECT ?v WHERE { ?v mgkg:referenceAmount/qudt:numericValue ?mg }"
    )
    code, out, _ = mgkg(capsysbinary, "query", "-e", number, "-p", "mg=420.0", "-f", "csv")
    assert code == 0 and "rda-magnesium-men-31-plus" in out.decode()


def test_query_file_with_and_without_header(tmp_path, capsysbinary):
    with_header = tmp_path / "labels-of.rq"
    with_header.write_text(
        "#+ title: Labels\n#+ description: The labels of an entity.\n"
        '#+ params:\n#+   entity: {type: iri, default: "kg:gaba", description: "an entity"}\n#+ tags: [test]\n'
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?entity ?label WHERE { ?entity rdfs:label ?label }\n",
        encoding="utf-8",
    )
    code, out, _ = mgkg(capsysbinary, "query", str(with_header), "-f", "csv")
    assert code == 0 and out.decode().splitlines()[1] == "https://w3id.org/mgkg/id/gaba,GABA"
    plain = tmp_path / "count.rq"
    plain.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n", encoding="utf-8")
    code, out, _ = mgkg(capsysbinary, "query", str(plain), "-f", "csv")
    assert code == 0 and int(out.decode().splitlines()[1]) == len(Graph().parse(RELEASE_TTL))


def test_show_query_prints_the_bindings(capsysbinary):
    code, out, _ = mgkg(capsysbinary, "query", "conditions-linked-to-receptor", "--show-query")
    assert code == 0 and out.decode().startswith("# ?receptor = <https://w3id.org/mgkg/id/nmda-receptor>")


# ---------------------------------------------------------------------------
# User mistakes: one line, a useful message, the documented exit code
# ---------------------------------------------------------------------------


def test_syntax_error_gives_line_and_column(capsysbinary):
    code, err = mgkg_error(capsysbinary, "query", "-e", "SELECT ?x WHERE {\n  ?x ?y \n}")
    assert code == 2 and re.match(r"mgkg query: <expression>:3:\d+: syntax error: expected", err), err


def test_syntax_error_with_a_parameter_points_into_the_query_as_written(capsysbinary):
    """Parameters go in a VALUES block inserted after the WHERE group's brace; the column of an error
    after it on that line is the one in the text the user wrote."""
    text = "SELECT ?x WHERE { ?x ?y ?z ) }"
    code, unbound = mgkg_error(capsysbinary, "query", "-e", text)
    # the error is past the point where the VALUES block goes
    assert code == 2 and unbound.startswith("mgkg query: <expression>:1:31: "), unbound
    code, bound = mgkg_error(capsysbinary, "query", "-e", text, "--param", "x=kg:magnesium")
    assert code == 2 and bound == unbound


def test_syntax_error_in_a_file_names_the_file(tmp_path, capsysbinary):
    path = tmp_path / "broken.rq"
    path.write_text("#+ title: broken\n#+ description: d\nSELECT ?x WHRE { ?x ?y ?z }\n", encoding="utf-8")
    code, err = mgkg_error(capsysbinary, "query", str(path))
    assert code == 2 and re.search(r"broken\.rq:3:\d+: syntax error: ", err), err


def test_unknown_query_name_suggests_the_nearest(capsysbinary):
    code, err = mgkg_error(capsysbinary, "query", "conditions-linked-to-receptr")
    assert code == 2 and "did you mean 'conditions-linked-to-receptor'" in err


def test_missing_parameter_is_named(tmp_path, capsysbinary):
    path = tmp_path / "needs.rq"
    path.write_text(
        '#+ title: t\n#+ description: d\n#+ params:\n#+   entity: {type: iri, description: "the entity"}\n'
        "SELECT ?entity ?p WHERE { ?entity ?p ?o }\n",
        encoding="utf-8",
    )
    code, err = mgkg_error(capsysbinary, "query", str(path))
    assert code == 2 and "missing parameter 'entity' (iri: the entity)" in err and "--param entity=" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["query", "conditions-linked-to-receptor", "-p", "recptor=kg:x"],
            "unknown parameter 'recptor'; did you mean 'receptor'",
        ),
        (
            ["query", "conditions-linked-to-receptor", "-p", "receptor=NMDA receptr"],
            "did you mean 'NMDA receptor'",
        ),
        (["query", "conditions-linked-to-receptor", "-p", "receptor"], "expected NAME=VALUE"),
        (["query", "describe-entity", "-f", "csv"], "a CONSTRUCT query gives ttl, nt, jsonld"),
        (["query", "disclaimers", "-f", "ttl"], "a SELECT query gives table"),
        (["query"], "which query?"),
        (["query", "no-such-file.rq"], "no such query file"),
        (["query", "-e", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"], "not updates"),
        (["query", "-e", "SELECT ?x WHERE { ?x ?p ?o }", "-p", "y=1"], "no variable ?y"),
        (["query", "-e", "SELECT ?x WHERE { ?x ?p ?o }", "-p", "x:integer=many"], "'many' is not an integer"),
        (["query", "disclaimers", "--limit", "-1"], "--limit"),
        (["query", "disclaimers", "--graph", "urn:g"], "use it with --endpoint"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(argv, message, capsysbinary):
    code, err = mgkg_error(capsysbinary, *argv)
    assert code == 2 and message in err, err


def test_missing_release_exits_1(tmp_path, capsysbinary):
    code, err = mgkg_error(capsysbinary, "query", "disclaimers", "--input", str(tmp_path / "none.ttl"))
    assert code == 1 and "run `mgkg build` first" in err


def test_no_traceback_from_the_command_line(tmp_path):
    env_cache = {"MGKG_CACHE_DIR": str(tmp_path / "cache")}
    import os

    for argv in (
        ["query", "-e", "SELEC ?x"],
        ["query", "nope"],
        ["query", "-e", "SELECT * {}", "--endpoint", "http://127.0.0.1:9/sparql"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "mgkg", *argv],
            capture_output=True,
            text=True,
            env={**os.environ, **env_cache},
            cwd=ROOT,
            timeout=60,
        )
        assert done.returncode in (2, 3), done.stderr
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
