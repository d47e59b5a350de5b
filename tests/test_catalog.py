"""The query catalog: headers, the published RDF, and the expected answer of every query."""

from __future__ import annotations

import re

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from mgkg.build.catalog import (
    CatalogError,
    catalog_graph,
    load_catalog,
    parse_query_text,
    query_form,
    scan,
    variables,
    where_group_start,
)
from mgkg.vocab import SH, Base
from query_support import (
    QUERIES,
    ROOT,
    answer,
    catalog_names,
    catalog_queries,
    engine,
    query_cache,
    same_answer,
    table_rows,
)

__all__ = ["engine", "query_cache"]  # fixtures used below

HEADER = """#+ title: Conditions linked to the NMDA receptor
#+ description: Which conditions are linked to a receptor.
#+ params:
#+   receptor: {type: iri, default: "kg:nmda-receptor", description: "the receptor"}
#+ tags: [mechanism, conditions]
"""
#: The general competency questions (this file); evidence and audit queries are tested elsewhere.
GENERAL_QUERIES = (
    "claim-provenance",
    "claims-by-source-kind",
    "claims-in-page-section",
    "claims-per-condition",
    "commercial-relationships",
    "conditions-linked-to-receptor",
    "describe-entity",
    "disclaimers",
    "entities-without-external-ids",
    "find-entity",
    "form-recommendations",
    "forms-by-absorption",
    "interventions-for-condition",
    "is-edge-asserted",
    "mechanisms-of-action",
    "paths-to-condition",
    "publications",
    "reference-values",
    "safety-and-contraindications",
    "studies-per-condition",
    "study-results",
)
BODY = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nSELECT ?receptor WHERE { ?receptor a ?c }\n"
)


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------


def test_header_is_parsed():
    query = parse_query_text(HEADER + BODY, "x")
    assert query.title == "Conditions linked to the NMDA receptor"
    assert query.description == "Which conditions are linked to a receptor."
    assert query.tags == ("mechanism", "conditions")
    assert query.form == "SELECT"
    (param,) = query.params
    assert (param.name, param.type, param.default, param.description) == (
        "receptor",
        "iri",
        "kg:nmda-receptor",
        "the receptor",
    )
    assert query.header_lines == 5
    assert query.body.startswith("PREFIX rdf:")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", r"x\.rq:1: no header"),
        ("#+ title: t\n", r"x\.rq:1: header needs a non-empty 'description'"),
        ("#+ title: t\n#+ description: d\n#+ tag: [a]\n", r"x\.rq:3: unknown header key 'tag'"),
        (
            "#+ title: t\n#+ description: d\n#+ params:\n#+   receptor: {type: uri}\n",
            r"type must be one of iri",
        ),
        ("#+ title: t\n#+ description: d\n#+ params:\n#+   other: {type: iri}\n", r"no variable \?other"),
        ("#+ title: t\n#+ description: [unclosed\n", r"x\.rq:2: header is not valid YAML"),
        (
            "#+ title: t\n#+ description: d\n#+ params:\n#+   receptor: {type: iri, dflt: 1}\n",
            r"unknown key 'dflt'",
        ),
    ],
)
def test_header_mistakes_name_file_and_line(header, message, tmp_path):
    path = tmp_path / "x.rq"
    path.write_text(header + BODY, encoding="utf-8")
    from mgkg.build.catalog import read_query

    with pytest.raises(CatalogError, match=message):
        read_query(path)


def test_updates_are_not_queries():
    with pytest.raises(CatalogError, match="not updates"):
        parse_query_text("#+ title: t\n#+ description: d\nINSERT DATA { <a:b> <a:c> <a:d> }", "x")


def test_scanner_ignores_comments_strings_and_iris():
    text = (
        '# SELECT in a comment\nPREFIX ask: <http://e/{x}>\nCONSTRUCT { ?s ?p "WHERE {" } WHERE { ?s ?p ?o }'
    )
    assert query_form(text) == "CONSTRUCT"
    assert variables(text) == {"s", "p", "o"}
    assert text[where_group_start(text) :].startswith(" ?s ?p ?o }")
    select = "SELECT * { ?s ?p ?o }"
    assert select[where_group_start(select) :] == " ?s ?p ?o }"
    assert where_group_start("CONSTRUCT { ?s ?p ?o }") is None


# ---------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------


def test_catalog_has_at_least_15_queries_with_complete_headers():
    queries = catalog_queries()
    assert len(queries) >= 15
    assert set(GENERAL_QUERIES) <= {q.name for q in queries}
    for query in queries:
        assert query.title and query.description and query.tags, query.name
        for param in query.params:
            assert param.default is not None, f"{query.name}: parameter {param.name} has no default"
            assert param.description, f"{query.name}: parameter {param.name} has no description"


def test_every_catalog_query_has_a_test():
    """A query name must appear in some test file (its expected answer)."""
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    missing = [name for name in catalog_names() if f'"{name}"' not in tests]
    assert not missing, (
        f"catalog queries without a test of their expected answer: {missing} "
        "(name each in a tests/test_*.py that checks its answer)"
    )


def test_every_query_declares_its_prefixes_and_runs_with_its_defaults(engine):
    for query in catalog_queries():
        declared, used = set(), set()
        tokens = list(scan(query.body))
        for i, token in enumerate(tokens):
            if token.kind == "word" and token.text.upper() == "PREFIX" and i + 1 < len(tokens):
                declared.add(tokens[i + 1].text.split(":")[0])
            elif token.kind == "word" and ":" in token.text:
                used |= {part.split(":")[0] for part in re.split(r"[/|^]", token.text) if ":" in part}
        assert used <= declared, f"{query.name}: undeclared prefixes {sorted(used - declared)}"
        result = answer(engine, query.name)
        assert result.form == query.form


def test_substitution_and_values_binding_agree(engine):
    """The VALUES block both engines bind with and pyoxigraph's substitutions give the same rows, so the
    choice of VALUES (faster: pyoxigraph plans with the values known) changes no answer."""
    from mgkg.query.engine import materialize, prepare

    for query in catalog_queries():
        prepared = prepare(query, {}, engine)
        if not prepared.bindings:
            continue
        with_values = engine.run(prepared)
        assert "VALUES" in prepared.with_values() and prepared.with_values() != query.text
        substitutions = {pyoxigraph.Variable(k): v for k, v in prepared.bindings.items()}
        try:
            answer = engine.store.query(query.text, substitutions=substitutions)
        except RuntimeError as exc:  # substitutes projected variables only
            assert "projection" in str(exc), query.name
            continue
        assert same_answer(materialize(answer, query.form), with_values, query.text), query.name


def test_a_parameter_in_the_values_block_is_only_ever_its_value(engine):
    """The VALUES block is text: quotes, braces, escapes and newlines in a value must stay in the value."""
    from mgkg.query.engine import adhoc_query, prepare

    hostile = "x\" ) } } UNION { ?s ?p ?o } #\n\\\"\\u0022 ''' é"
    query = adhoc_query("SELECT ?t ?n WHERE { BIND(1 AS ?n) }")
    result = engine.run(prepare(query, {"t": hostile}, engine, {"t": "string"}))
    assert [(row[0].value, row[1].value) for row in result.rows] == [(hostile, "1")]


def test_general_queries_project_their_parameters(engine):
    """pyoxigraph substitutes only projected variables; the general queries all project theirs."""
    from mgkg.query.engine import prepare

    for name in GENERAL_QUERIES:
        query = load_catalog(QUERIES).get(name)
        prepared = prepare(query, {}, engine)
        substitutions = {pyoxigraph.Variable(k): v for k, v in prepared.bindings.items()}
        engine.store.query(query.text, substitutions=substitutions or None)  # raises if not projected


def _longest_chain(store: pyoxigraph.Store, predicate: str) -> int:
    """The number of steps of the longest ``predicate`` chain in the release (its hierarchy's depth)."""
    up: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, pyoxigraph.NamedNode(predicate), None):
        up.setdefault(quad.subject.value, set()).add(quad.object.value)

    def depth(node: str, seen: frozenset[str]) -> int:
        return max((1 + depth(p, seen | {node}) for p in up.get(node, ()) if p not in seen), default=0)

    return max((depth(node, frozenset()) for node in up), default=0)


def test_bounded_hierarchy_paths_reach_the_top_of_the_ontology(engine):
    """Catalog queries climb class and property hierarchies by bounded paths (``a|a/rdfs:subClassOf|...``),
    which every SPARQL store evaluates alike; ``rdfs:subClassOf*`` there made Virtuoso 7.2 drop rows.
    The bound must cover the ontology: deepen the paths in queries/*.rq if this fails."""
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    for local, predicate in (("subClassOf", rdfs + "subClassOf"), ("subPropertyOf", rdfs + "subPropertyOf")):
        step = rf"(?:a/)?rdfs:{local}(?:/rdfs:{local})*"
        first = "a" if local == "subClassOf" else step  # a type, or the property itself (FILTER IN)
        steps = [
            max(path.split("|"), key=lambda alternative: alternative.count("/")).count(f"rdfs:{local}")
            for query in catalog_queries()
            for path in re.findall(rf"{first}(?:\s*\|\s*{step})+", query.text)
        ]
        assert steps, f"no bounded rdfs:{local} path in the catalog"
        bound = min(steps)  # the shortest bound in use must still reach the top
        depth = _longest_chain(engine.store, predicate)
        assert depth <= bound, (
            f"the ontology's rdfs:{local} hierarchy is {depth} steps deep; the catalog's bounded paths "
            f"reach {bound}: add steps to them"
        )


def test_json_results_are_written_as_pyoxigraph_writes_them():
    """SPARQL JSON is written in Python (faster than a round trip through pyoxigraph's writer), and must
    be the same bytes pyoxigraph writes, escapes and all."""
    from mgkg.query.engine import materialize, serialize

    store = pyoxigraph.Store()
    odd = "".join(chr(i) for i in range(0x30)) + '\x7f\u2028\u2029é😀</script>/\\"'
    subject, predicate = (
        pyoxigraph.NamedNode("https://example.org/s"),
        pyoxigraph.NamedNode("https://example.org/p"),
    )
    decimal = pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    for obj in (
        pyoxigraph.Literal(odd),
        pyoxigraph.Literal("x", language="en-GB"),
        pyoxigraph.Literal("1.50", datatype=decimal),
        pyoxigraph.NamedNode("https://example.org/o?a=1&b=\u00e9"),
        pyoxigraph.BlankNode("b1"),
    ):
        store.add(pyoxigraph.Quad(subject, predicate, obj))
    text = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?o"
    expected = store.query(text).serialize(format=pyoxigraph.QueryResultsFormat.JSON)
    ours = serialize(materialize(store.query(text), "SELECT"), "json")
    assert ours == expected + b"\n"
    ask = serialize(materialize(store.query("ASK { ?s ?p ?o }"), "ASK"), "json")
    assert ask == store.query("ASK { ?s ?p ?o }").serialize(format=pyoxigraph.QueryResultsFormat.JSON) + b"\n"


def test_unread_answers_are_written_by_pyoxigraph_as_read_rows_would_be(engine):
    """An answer nobody has read goes to pyoxigraph's writer; it must be the document the rows
    written in Python give, in every format, and the rows must still be there afterwards."""
    from mgkg.query.engine import RESULT_FORMATS, Result, prepare, serialize

    for query in catalog_queries():
        if query.form != "SELECT":
            continue
        prepared = prepare(query, {}, engine)
        read = engine.run(prepared)
        rows = read.rows  # read in Python: serialize writes them itself
        assert rows, f"{query.name}: no rows on the release"
        for fmt in RESULT_FORMATS:
            unread = engine.run(prepared)
            assert unread.take_unread() is not None  # nothing read it yet
            native = serialize(engine.run(prepared), fmt)
            assert native == serialize(read, fmt), f"{query.name} as {fmt}"
        after = engine.run(prepared)
        first = serialize(after, "json")
        assert after.rows == rows and serialize(after, "json") == first, query.name
        assert serialize(Result("SELECT", read.variables, rows), "csv") == serialize(
            engine.run(prepared), "csv"
        )
        assert engine.run(prepared).limited(3).rows == rows[:3]


def test_a_query_failing_while_its_answer_is_read_names_the_query(engine):
    """pyoxigraph evaluates as the answer is read, so an error can come after ``run``: it is still a
    clear error naming the query (here a SERVICE the engine cannot call), never a traceback."""
    from mgkg.errors import DataError
    from mgkg.query.engine import LocalEngine, Prepared, serialize

    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    local = LocalEngine(engine.store, allow_services=("http://127.0.0.1:9/sparql",))
    for read in (lambda r: r.rows, lambda r: serialize(r, "json"), lambda r: r.limited(1)):
        with pytest.raises(DataError, match=r"^<bad>: the query failed"):
            read(local.run(Prepared(text, "SELECT", source="<bad>")))


# ---------------------------------------------------------------------------
# The catalog as RDF (graph/catalog.ttl)
# ---------------------------------------------------------------------------


def test_release_publishes_the_catalog_as_sparql_executables():
    graph = Graph().parse(ROOT / "graph" / "catalog.ttl", format="turtle")
    executables = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert {str(e).rsplit("/", 1)[1] for e in executables} == set(catalog_names())
    node = URIRef("https://w3id.org/mgkg/query/conditions-linked-to-receptor")
    assert (node, RDF.type, SH.SPARQLSelectExecutable) in graph
    query = load_catalog(QUERIES).get("conditions-linked-to-receptor")
    assert graph.value(node, SH.select) == Literal(query.body)
    param = URIRef(f"{node}#param-receptor")
    assert graph.value(param, SH.defaultValue) == URIRef("https://w3id.org/mgkg/id/nmda-receptor")
    assert graph.value(param, SH.nodeKind) == SH.IRI
    ask = URIRef("https://w3id.org/mgkg/query/is-edge-asserted")
    assert (ask, RDF.type, SH.SPARQLAskExecutable) in graph


def test_an_endpoint_can_list_the_examples_with_sparql():
    store = pyoxigraph.Store()
    store.bulk_load(path=str(ROOT / "graph" / "catalog.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    found = {
        s["id"].value
        for s in store.query(
            "PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX dcterms: <http://purl.org/dc/terms/> "
            "SELECT ?id WHERE { ?q a sh:SPARQLExecutable ; dcterms:identifier ?id }"
        )
    }
    assert found == set(catalog_names())


def test_catalog_under_another_base_moves_the_query_iris():
    graph = catalog_graph(load_catalog(QUERIES), Base("https://example.org/kg/"))
    node = URIRef("https://example.org/kg/query/describe-entity")
    text = str(graph.value(node, SH.construct))
    assert "https://example.org/kg/ontology#" in text and "w3id.org/mgkg" not in text


# ---------------------------------------------------------------------------
# Expected answers, one test per catalog query (robust to the curation growing)
# ---------------------------------------------------------------------------


def test_mechanisms_of_action(engine):
    rows = table_rows(engine, "mechanisms-of-action")
    assert {r["agent"] for r in rows} == {"kg:magnesium"}
    assert {
        "relation": "mgkg:blocks",
        "target": "kg:nmda-receptor",
        "claim": "kg:mg-blocks-nmda-receptor",
        "nextEffect": "kg:synaptic-plasticity",
    }.items() <= next(r for r in rows if r["claim"] == "kg:mg-blocks-nmda-receptor").items()
    firing = [r for r in rows if r["target"] == "kg:excessive-neuronal-firing"]
    assert any(
        r["nextEffect"] == "kg:anxiety" and r["nextClaim"] == "kg:excessive-firing-linked-anxiety"
        for r in firing
    )
    assert rows == sorted(rows, key=lambda r: r["target"]) or [r["target"] for r in rows] == sorted(
        r["target"] for r in rows
    )
    threonate = table_rows(engine, "mechanisms-of-action", agent="magnesium L-threonate")
    assert any(r["target"] == "kg:synaptic-plasticity" for r in threonate)


def test_conditions_linked_to_receptor(engine):
    rows = table_rows(engine, "conditions-linked-to-receptor")
    expected = {
        "receptor": "kg:nmda-receptor",
        "condition": "kg:anxiety",
        "route": "same passage",
        "via": "kg:excessive-neuronal-firing",
        "receptorClaim": "kg:mg-blocks-nmda-receptor",
        "viaClaim": "kg:mg-prevents-excessive-neuronal-firing",
        "conditionClaim": "kg:excessive-firing-linked-anxiety",
    }
    assert expected in rows
    assert {"kg:agitation", "kg:neuronal-damage"} <= {r["condition"] for r in rows}
    assert "kg:synaptic-plasticity" not in {r["condition"] for r in rows}  # a process, not a condition


def test_paths_to_condition(engine):
    rows = table_rows(engine, "paths-to-condition")
    paths = [r["path"] for r in rows]
    assert "magnesium -[may alleviate]-> anxiety" in paths
    assert "magnesium -[negatively regulates]-> excessive neuronal firing -[linked to]-> anxiety" in paths
    assert [int(r["hops"]) for r in rows] == sorted(int(r["hops"]) for r in rows)
    assert all(r["start"] == "kg:magnesium" and r["condition"] == "kg:anxiety" for r in rows)
    adhd = table_rows(engine, "paths-to-condition", start="kg:magnesium-supplementation", condition="ADHD")
    assert "magnesium supplementation -[may alleviate]-> attention deficit hyperactivity disorder" in [
        r["path"] for r in adhd
    ]


def test_studies_per_condition(engine):
    rows = table_rows(engine, "studies-per-condition")
    tarleton = [
        r
        for r in rows
        if r["condition"] == "kg:depressive-symptoms" and r["publication"] == "kg:tarleton2017"
    ]
    assert tarleton and all(r["year"] == "2017" and r["n"] == "126" for r in tarleton)
    assert {"mgkg:RandomizedControlledTrial", "mgkg:CrossoverTrial"} <= {r["design"] for r in tarleton}
    sleep = {r["publication"]: r for r in rows if r["condition"] == "kg:sleep-quality"}
    assert {"kg:abbasi2012", "kg:mah2021"} <= set(sleep)
    assert sleep["kg:mah2021"]["studies"] == "3"
    for condition in {r["condition"] for r in rows}:
        years = [int(r["year"]) for r in rows if r["condition"] == condition and r["year"]]
        assert years == sorted(years)


def test_forms_by_absorption(engine):
    rows = table_rows(engine, "forms-by-absorption")
    ranking = list(dict.fromkeys(r["form"] for r in rows))
    assert ranking[-1] == "kg:magnesium-oxide", ranking  # lowest
    assert (
        ranking.index("kg:magnesium-glycinate")
        < ranking.index("kg:magnesium-citrate")
        < ranking.index("kg:magnesium-oxide")
    )
    oxide = [r for r in rows if r["form"] == "kg:magnesium-oxide"]
    assert {r["percent"] for r in oxide} == {"4"}
    assert {
        "property": "mgkg:fractionalAbsorptionPercent",
        "says": "4",
        "claim": "kg:oxide-absorption-4-percent",
        "source": "kg:taproot-magnesium-page",
    }.items() <= next(r for r in oxide if r["claim"] == "kg:oxide-absorption-4-percent").items()
    assert any(
        r["says"] == "more easily absorbed" and r["source"] == "kg:nih-ods-magnesium-consumer"
        for r in rows
        if r["form"] == "kg:magnesium-citrate"
    )
    scores = [float(r["score"]) for r in rows if r["score"]]
    assert scores == sorted(scores, reverse=True)


def test_safety_and_contraindications(engine):
    rows = table_rows(engine, "safety-and-contraindications")
    triples = {(r["subject"], r["relation"], r["condition"], r["claim"]) for r in rows}
    assert (
        "kg:magnesium",
        "mgkg:contraindicatedIn",
        "kg:kidney-disease",
        "kg:mg-contraindicated-kidney-disease",
    ) in triples
    assert (
        "kg:kidney-disease",
        "mgkg:predisposesTo",
        "kg:hypermagnesemia",
        "kg:kidney-disease-hypermagnesemia",
    ) in triples
    assert (
        "kg:magnesium-oxide",
        "mgkg:hasSideEffect",
        "kg:laxative-effect",
        "kg:oxide-laxative-effect",
    ) in triples
    assert any(
        r["condition"] == "kg:diarrhoea"
        and r["source"] == "kg:nutri-facts-magnesium-safety"
        and r["kind"] == "mgkg:ReferenceValues"
        for r in rows
    )


def test_claims_in_page_section(engine):
    rows = table_rows(engine, "claims-in-page-section")
    assert {r["heading"] for r in rows} == {"The Mind-Magnesium Connection: Why This Mineral Matters"}
    block = next(r for r in rows if r["claim"] == "kg:mg-blocks-nmda-receptor")
    assert block["quotation"].startswith("It naturally modulates the NMDA receptor")
    assert block["object"] == "kg:nmda-receptor" and block["section"] == "The Mind-Magnesium Connection"
    gut = table_rows(engine, "claims-in-page-section", section="gut-brain")
    assert gut and all("Gut-Brain" in r["heading"] for r in gut)
    assert "kg:microbiome-produces-serotonin" in {r["claim"] for r in gut}


def test_entities_without_external_ids(engine):
    rows = table_rows(engine, "entities-without-external-ids")
    entities = {r["entity"] for r in rows}
    assert {"kg:magnesium-lactate", "kg:excessive-neuronal-firing"} <= entities
    assert "kg:magnesium" not in entities and "kg:nmda-receptor" not in entities
    assert all(r["hasNote"] == "true" and r["note"] for r in rows), [
        r["entity"] for r in rows if not r["note"]
    ]


def test_reference_values(engine):
    rows = table_rows(engine, "reference-values")
    by_value = {r["value"]: r for r in rows}
    assert by_value["kg:rda-magnesium-men-31-plus"]["amount"] == "420"
    assert {r["unit"] for r in rows} == {"mg/d"} and {r["nutrient"] for r in rows} == {"kg:magnesium"}
    assert by_value["kg:rda-magnesium-men-31-plus"]["sex"] == "male"
    assert by_value["kg:ul-supplemental-magnesium-adults"]["amount"] == "350"
    assert by_value["kg:ul-supplemental-magnesium-adults"]["type"] == "UL"
    types = [r["type"] for r in rows]
    assert types == sorted(types)


def test_claims_by_source_kind(engine):
    vendor = table_rows(engine, "claims-by-source-kind")
    assert "kg:nutratek-highly-absorbable" in {r["claim"] for r in vendor}
    assert {r["asserted"] for r in vendor} == {"false"}  # the derivation rule: vendor claims are never edges
    reference = table_rows(engine, "claims-by-source-kind", kind="mgkg:ReferenceValues")
    men = next(r for r in reference if r["claim"] == "kg:mg-rda-men-31-plus")
    assert men["asserted"] == "true" and men["onlyThisKind"] == "true"


def test_commercial_relationships(engine):
    rows = table_rows(engine, "commercial-relationships")
    affiliate = [r for r in rows if r["relationship"] == "kg:taproot-hardy-affiliate"]
    assert affiliate
    assert {
        (r["source"], r["beneficiary"], r["counterparty"], r["code"], r["discountPercent"], r["commission"])
        for r in affiliate
    } == {
        (
            "kg:taproot-magnesium-page",
            "kg:taproot-therapy-collective",
            "kg:hardy-nutritionals",
            "Taproot",
            "15",
            "true",
        )
    }
    assert {"kg:nutratek", "kg:daily-essential-nutrients"} <= {r["product"] for r in affiliate}


def test_disclaimers(engine):
    rows = table_rows(engine, "disclaimers")
    assert {
        "kg:disclaimer-medical-advice",
        "kg:disclaimer-fda",
        "kg:disclaimer-kidney-health",
        "kg:disclaimer-affiliate",
        "kg:disclaimer-individual-results",
    } <= {r["disclaimer"] for r in rows}
    kidney = next(r for r in rows if r["disclaimer"] == "kg:disclaimer-kidney-health")
    assert "hypermagnesemia" in kidney["text"]


def test_form_recommendations(engine):
    rows = table_rows(engine, "form-recommendations")
    advice = {(r["form"], r["advice"], r["purpose"]) for r in rows}
    assert ("kg:magnesium-glycinate", "recommended for", "kg:anxiety") in advice
    assert ("kg:magnesium-oxide", "not recommended for", "kg:mental-health") in advice
    oxide = next(r for r in rows if r["form"] == "kg:magnesium-oxide")
    assert "very poor absorption" in oxide["quotation"]


def test_publications(engine):
    rows = table_rows(engine, "publications")
    tarleton = [r for r in rows if r["publication"] == "kg:tarleton2017"]
    assert {(r["year"], r["pmid"], r["doi"], r["journal"]) for r in tarleton} == {
        ("2017", "28654669", "10.1371/journal.pone.0180067", "PLoS One")
    }
    assert "mgkg:CrossoverTrial" in {r["design"] for r in tarleton}
    years = [int(r["year"]) for r in rows if r["year"]]
    assert years == sorted(years)
    assert not any(r["publication"].startswith("kg:cite-") for r in rows)  # printed citations are not records


def test_study_results(engine):
    rows = table_rows(engine, "study-results")
    phq9 = next(r for r in rows if r["outcome"].startswith("PHQ-9"))
    assert (float(phq9["value"]), float(phq9["ciLower"]), float(phq9["ciUpper"])) == (-6.0, -7.9, -4.2)
    assert phq9["p"] == "<0.001" and phq9["significant"] == "true"
    assert phq9["publication"] == "kg:tarleton2017" and phq9["n"] == "126" and float(phq9["dose"]) == 248
    assert phq9["doseUnit"] == "mg/d" and phq9["doseNutrient"] == "kg:magnesium"


def test_describe_entity(engine):
    result = answer(engine, "describe-entity")
    assert result.form == "CONSTRUCT"
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in result.triples}
    nmda = "https://w3id.org/mgkg/id/nmda-receptor"
    assert (
        nmda,
        "http://www.w3.org/2004/02/skos/core#exactMatch",
        "http://purl.obolibrary.org/obo/GO_0017146",
    ) in triples
    assert (
        "https://w3id.org/mgkg/id/mg-blocks-nmda-receptor",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#object",
        nmda,
    ) in triples
    glutamate = answer(engine, "describe-entity", entity="glutamate")
    assert any(t.subject.value == "https://w3id.org/mgkg/id/glutamate" for t in glutamate.triples)


def test_is_edge_asserted(engine):
    assert answer(engine, "is-edge-asserted").boolean is True
    vendor = answer(
        engine,
        "is-edge-asserted",
        subject="kg:hardy-nutritionals",
        predicate="mgkg:manufactures",
        object="kg:nutratek",
    )
    assert vendor.boolean is False  # a vendor claim stays a claim (mgkg:derivationRule)


def test_interventions_for_condition(engine):
    rows = table_rows(engine, "interventions-for-condition")
    young = next(r for r in rows if r["claim"] == "kg:supplementation-reduces-stress-young-adults")
    assert young["intervention"] == "kg:magnesium-supplementation"
    assert young["population"] == "healthy young adults"
    assert float(young["weeksMin"]) == float(young["weeksMax"]) == 4
    adhd = table_rows(engine, "interventions-for-condition", condition="kg:adhd")
    b6 = next(r for r in adhd if r["claim"] == "kg:supplementation-b6-reduces-adhd-symptoms")
    assert b6["coSupplement"] == "kg:vitamin-b6" and b6["population"] == "children with ADHD"


def test_find_entity(engine):
    rows = table_rows(engine, "find-entity")
    matches = {(r["entity"], r["matched"]) for r in rows}
    assert ("kg:insomnia", "poor sleep") in matches  # a synonym
    assert ("kg:sleep-quality", "sleep quality") in matches
    assert not any(r["class"] == "mgkg:Claim" for r in rows)
    nmda = table_rows(engine, "find-entity", text="nmda")
    assert {r["entity"] for r in nmda} >= {"kg:nmda-receptor"}


def test_claim_provenance(engine):
    (row,) = [r for r in table_rows(engine, "claim-provenance") if r["source"] == "kg:taproot-magnesium-page"]
    assert row["kind"] == "mgkg:PageAssertion" and row["predicate"] == "mgkg:blocks"
    assert row["section"] == "The Mind-Magnesium Connection: Why This Mineral Matters"
    cited = table_rows(engine, "claim-provenance", claim="kg:supplementation-improves-depression-rct")
    assert any(r["printed"].startswith("Tarleton, E. K., et al. (2017)") for r in cited)


def test_claims_per_condition(engine):
    rows = table_rows(engine, "claims-per-condition")
    counts = [int(r["claims"]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    anxiety = next(r for r in rows if r["condition"] == "kg:anxiety")
    assert int(anxiety["claims"]) >= 3
    for r in rows:
        assert int(r["edges"]) <= int(r["claims"]) and int(r["pageOnly"]) <= int(r["claims"])
    kidney = next(r for r in rows if r["condition"] == "kg:impaired-kidney-function")
    assert int(kidney["referenceValues"]) >= 1
