"""A typo in a query gets a warning, an undeclared prefix a sentence, SERVICE a refusal,
on the command line's embedded engine (and the checks as functions)."""

from __future__ import annotations

import pytest

from mgkg.cli import main
from mgkg.query.terms import (
    named_terms,
    undeclared_prefix_message,
    undeclared_prefixes,
    unknown_term_warnings,
)
from query_support import query_cache

__all__ = ["query_cache"]  # fixture used below

MGKG = "https://w3id.org/mgkg/ontology#"
KG = "https://w3id.org/mgkg/id/"
NAMESPACES = {"mgkg": MGKG, "kg": KG}
GRAPH = {MGKG + "Claim", MGKG + "studyDesign", MGKG + "Publication", KG + "magnesium"}


def warnings_for(text: str) -> list[str]:
    return unknown_term_warnings(
        text, NAMESPACES, GRAPH.__contains__, lambda ns: [i for i in GRAPH if i.startswith(ns)]
    )


def test_named_terms_expand_the_querys_own_prefixes_and_skip_declarations():
    text = (
        f"PREFIX m: <{MGKG}>\nBASE <http://b/>\nSELECT * {{ ?c a m:Claim ; <{KG}magnesium> ?x ; <rel> ?y }}"
    )
    assert [(t.shown, t.iri) for t in named_terms(text)] == [
        ("m:Claim", MGKG + "Claim"),
        (f"<{KG}magnesium>", KG + "magnesium"),
    ]


def test_known_terms_get_no_warning():
    assert warnings_for(f"PREFIX mgkg: <{MGKG}> SELECT * {{ ?c a mgkg:Claim ; mgkg:studyDesign ?d }}") == []


def test_a_misspelt_predicate_class_and_thing_are_named_with_the_closest_term():
    text = (
        f"PREFIX mgkg: <{MGKG}> PREFIX kg: <{KG}>\n"
        "SELECT * { ?c a mgkg:Clam ; mgkg:studyDesgin ?d . kg:magnesum ?p ?o }"
    )
    assert warnings_for(text) == [
        "mgkg:Clam is not a term of this graph (no triple uses it); did you mean mgkg:Claim?",
        "mgkg:studyDesgin is not a term of this graph (no triple uses it); did you mean mgkg:studyDesign?",
        "kg:magnesum is not a term of this graph (no triple uses it); did you mean kg:magnesium?",
    ]


def test_a_misspelt_namespace_is_named():
    text = "PREFIX m: <https://w3id.org/mgkg/ontolgy#> SELECT * { ?c a m:Claim }"
    assert warnings_for(text) == [
        "m:Claim is in the namespace <https://w3id.org/mgkg/ontolgy#>, not the graph's "
        f"<{MGKG}> (did you mean mgkg:Claim?)"
    ]


def test_other_vocabularies_and_strings_are_left_alone():
    text = (
        'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT * { ?s rdfs:label "mgkg:Clam" '
        f'FILTER(STRSTARTS(STR(?s), "{MGKG}Nothing")) }} # mgkg:Clam'
    )
    assert warnings_for(text) == []


def test_undeclared_prefixes_are_named_in_one_sentence():
    text = "PREFIX kg: <x:> SELECT * { ?c a mgkg:Claim ; kg:a ?x ; foo:bar ?y . ?c mgkg:b ?z }"
    assert undeclared_prefixes(text) == ["mgkg", "foo"]
    assert undeclared_prefix_message(text, {"mgkg": MGKG}) == (
        "the prefixes are not declared: mgkg:, foo:; add "
        f"`PREFIX mgkg: <{MGKG}>` and `PREFIX foo: <...namespace IRI...>`"
    )
    assert undeclared_prefix_message("SELECT * { ?s ?p ?o }", {}) is None


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _cache(query_cache, monkeypatch):
    monkeypatch.setenv("MGKG_CACHE_DIR", str(query_cache))


def run(capsys, text: str) -> tuple[int, str, str]:
    code = main(["query", "-e", text, "--format", "csv"])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_warns_about_a_typo_and_still_answers(capsys):
    code, out, err = run(capsys, f"PREFIX mgkg: <{MGKG}> SELECT ?d WHERE {{ ?c mgkg:studyDesgin ?d }}")
    assert code == 0
    assert out.strip() == "d"  # the header only: no row matched
    assert err == (
        "mgkg query: warning: mgkg:studyDesgin is not a term of this graph (no triple uses it); "
        "did you mean mgkg:studyDesign?\n"
    )


def test_cli_is_quiet_when_every_term_is_known(capsys):
    code, out, err = run(capsys, f"PREFIX mgkg: <{MGKG}> SELECT (COUNT(*) AS ?n) WHERE {{ ?c a mgkg:Claim }}")
    assert code == 0 and err == ""
    assert int(out.splitlines()[1]) > 100


def test_cli_names_an_undeclared_prefix(capsys):
    code, out, err = run(capsys, "SELECT ?c WHERE { ?c a mgkg:Claim }")
    assert code == 2 and out == ""
    assert err == (
        "mgkg query: <expression>:1:34: syntax error: the prefix is not declared: mgkg:; "
        f"add `PREFIX mgkg: <{MGKG}>`\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { #\rSERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
def test_cli_refuses_service_like_the_endpoint(capsys, text):
    code, out, err = run(capsys, text)
    assert code == 2 and out == ""
    assert err.startswith("mgkg query: <expression>: federated queries (SERVICE) are refused")
