"""The KGX export validates against the Biolink Model that the ``biolink-model`` package bundles.

The model YAML is loaded from the installed package with linkml-runtime's SchemaView
(no network: the ``kgx`` library is not used because its toolkit downloads the model).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from importlib import resources

import pytest
from linkml_runtime.utils.schemaview import SchemaView
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from conftest import RELEASE, ROOT
from mgkg.build.kgx import (
    EDGE_COLUMNS,
    ID_PREFIXES,
    KNOWLEDGE_SOURCE,
    MULTIVALUED,
    NODE_COLUMNS,
    PUBMED_SOURCE,
    build_kgx,
    to_tsv,
)
from mgkg.vocab import Base

MGKG = "https://w3id.org/mgkg/ontology#"
KGX = RELEASE / "kgx"
#: Required columns of the KGX format (its specification) and of Biolink's Association.
REQUIRED_NODE_COLUMNS = {"id", "category"}
REQUIRED_EDGE_COLUMNS = {
    "id",
    "subject",
    "predicate",
    "object",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
}


@pytest.fixture(scope="module")
def biolink() -> SchemaView:
    path = resources.files("biolink_model") / "schema" / "biolink_model.yaml"
    return SchemaView(str(path))


def element(curie: str) -> str:
    """biolink:SmallMolecule -> 'small molecule'; biolink:has_part -> 'has part'."""
    assert curie.startswith("biolink:"), curie
    local = curie.split(":", 1)[1]
    if "_" in local or local.islower():
        return local.replace("_", " ")
    out = ""
    for i, ch in enumerate(local):
        out += (" " + ch.lower()) if ch.isupper() and i else ch.lower()
    return out


def read_tsv(name: str) -> list[dict[str, str]]:
    with (KGX / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (KGX / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def nodes() -> list[dict]:
    return read_jsonl("nodes.jsonl")


@pytest.fixture(scope="module")
def edges() -> list[dict]:
    return read_jsonl("edges.jsonl")


def test_required_columns_and_ids(nodes, edges):
    node_rows, edge_rows = read_tsv("nodes.tsv"), read_tsv("edges.tsv")
    assert set(node_rows[0]) >= REQUIRED_NODE_COLUMNS and set(edge_rows[0]) >= REQUIRED_EDGE_COLUMNS
    for row in node_rows:
        assert all(row[c] for c in REQUIRED_NODE_COLUMNS), row
    for row in edge_rows:
        assert all(row[c] for c in REQUIRED_EDGE_COLUMNS), row
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    assert len({e["id"] for e in edges}) == len(edges)
    for edge in edges:  # every edge end is a node of the file
        assert edge["subject"] in ids and edge["object"] in ids, edge["id"]
    assert len(nodes) > 50 and len(edges) > 150


def test_tsv_and_jsonl_hold_the_same_records(nodes, edges):
    for rows, records, columns in (
        (read_tsv("nodes.tsv"), nodes, NODE_COLUMNS),
        (read_tsv("edges.tsv"), edges, EDGE_COLUMNS),
    ):
        assert len(rows) == len(records)
        for row, record in zip(rows, records, strict=True):
            for column in columns:
                value = record.get(column)
                if column in MULTIVALUED:
                    assert (row[column].split("|") if row[column] else []) == (value or []), (column, row)
                elif isinstance(value, bool):
                    assert row[column] == str(value).lower()
                else:
                    assert row[column] == ("" if value is None else str(value)), (column, row["id"])


def test_every_category_and_predicate_exists_in_the_model(biolink, nodes, edges):
    for node in nodes:
        for category in node["category"]:
            cls = biolink.get_class(element(category))
            assert cls is not None, f"{node['id']}: no Biolink class {category}"
            assert not cls.mixin and not cls.abstract and not cls.deprecated, category
    related_to = "related to"
    for edge in edges:
        slot = biolink.get_slot(element(edge["predicate"]))
        assert slot is not None, f"{edge['id']}: no Biolink slot {edge['predicate']}"
        assert related_to in biolink.slot_ancestors(slot.name), f"{edge['predicate']} is not a predicate"
        assert not slot.mixin and not slot.abstract and not slot.deprecated, edge["predicate"]
        assert "canonical_predicate" in slot.annotations or slot.inverse is None, edge["predicate"]


def _constraint(biolink: SchemaView, slot: str, which: str) -> str | None:
    for name in biolink.slot_ancestors(slot):  # own value first, then the nearest ancestor's
        value = getattr(biolink.get_slot(name), which)
        if value:
            return value
    return None


def domain_range_problems(biolink: SchemaView, nodes: list[dict], edges: list[dict]) -> list[str]:
    """Edges whose subject (object) category is not under their predicate's domain (range)."""
    category = {n["id"]: n["category"][0] for n in nodes}
    problems = []
    for edge in edges:
        slot = element(edge["predicate"])
        for end, which in (("subject", "domain"), ("object", "range")):
            wanted = _constraint(biolink, slot, which)
            if wanted is None or biolink.get_class(wanted) is None:
                continue
            have = element(category[edge[end]])
            if wanted not in biolink.class_ancestors(have, mixins=True):
                problems.append(
                    f"{edge['id']}: {end} {have!r} is not a {wanted!r} ({edge['predicate']} {which})"
                )
    return problems


def test_domain_and_range_are_respected(biolink, nodes, edges):
    problems = domain_range_problems(biolink, nodes, edges)
    assert not problems, "\n".join(problems)


def test_the_domain_check_catches_a_wrong_category(biolink):
    nodes = [
        {"id": "X:1", "category": ["biolink:NamedThing"]},
        {"id": "X:2", "category": ["biolink:Disease"]},
        {"id": "X:3", "category": ["biolink:SmallMolecule"]},
    ]
    wrong = {"id": "e1", "subject": "X:1", "predicate": "biolink:ameliorates_condition", "object": "X:2"}
    right = {**wrong, "id": "e2", "subject": "X:3"}
    assert domain_range_problems(biolink, nodes, [right]) == []
    assert len(domain_range_problems(biolink, nodes, [wrong])) == 1
    backwards = {**right, "id": "e3", "subject": "X:2", "object": "X:3"}  # a molecule is not a condition
    assert len(domain_range_problems(biolink, nodes, [backwards])) == 2


def test_columns_are_biolink_slots_with_valid_values(biolink, nodes, edges):
    node_slots = set(biolink.class_slots("named thing")) | {"equivalent identifiers"}
    for column in NODE_COLUMNS:
        assert element("biolink:" + column) in node_slots | set(biolink.all_slots()), column
    association = set(biolink.class_slots("association")) | set(biolink.all_slots())
    for column in EDGE_COLUMNS:
        if not column.startswith("mgkg_"):
            assert element("biolink:" + column) in association, column
    enums = {
        "knowledge_level": "KnowledgeLevelEnum",
        "agent_type": "AgentTypeEnum",
        "object_direction_qualifier": "DirectionQualifierEnum",
    }
    for column, enum in enums.items():
        allowed = set(biolink.get_enum(enum).permissible_values)
        used = {e[column] for e in edges if column in e}
        assert used and used <= allowed, (column, used - allowed)
    for edge in edges:
        assert edge["primary_knowledge_source"] == KNOWLEDGE_SOURCE
        assert set(edge.get("supporting_data_source", [])) <= {PUBMED_SOURCE}
        assert all(p.startswith(("PMID:", "doi:", "http", "kg:")) for p in edge["publications"]), edge
        assert edge["original_predicate"].startswith("mgkg:")


def test_node_ids_use_prefixes_their_category_accepts(biolink):
    for category, prefixes in ID_PREFIXES.items():
        cls = element(category)
        accepted = list(biolink.get_class(cls).id_prefixes)
        if not accepted:  # e.g. disease or phenotypic feature: those of the classes below it
            accepted = [
                p for child in biolink.class_descendants(cls) for p in biolink.get_class(child).id_prefixes
            ]
        assert set(prefixes) <= set(accepted), (category, set(prefixes) - set(accepted))
        if biolink.get_class(cls).id_prefixes:  # the model's order of preference
            assert list(prefixes) == [p for p in accepted if p in prefixes], category


def test_mapping_table_terms_exist_in_the_model(biolink):
    """Every biolink: term the ontology's mapping table names is in the bundled model."""
    ontology = Graph().parse(ROOT / "ontology" / "mgkg.ttl")
    for annotation, lookup in (
        ("biolinkCategory", biolink.get_class),
        ("biolinkPredicate", biolink.get_slot),
    ):
        values = list(ontology.objects(None, URIRef(MGKG + annotation)))
        assert values, annotation
        for value in values:
            curie = "biolink:" + str(value).rsplit("/", 1)[1]
            assert lookup(element(curie)) is not None, curie
    levels = {str(o) for o in ontology.objects(None, URIRef(MGKG + "biolinkKnowledgeLevel"))}
    assert levels <= set(biolink.get_enum("KnowledgeLevelEnum").permissible_values)


def test_claims_map_as_the_ontology_says(edges, nodes):
    by_id = {e["id"]: e for e in edges}
    magnesium = next(n for n in nodes if n["iri"] == "https://w3id.org/mgkg/id/magnesium")
    assert magnesium["id"] == "CHEBI:18420" and magnesium["category"] == ["biolink:SmallMolecule"]
    assert "CHEBI:25107" in magnesium["xref"]
    # a subproperty takes its ancestor's predicate and direction (reduces < negativelyRegulates)
    reduces = [e for e in edges if e["original_predicate"] == "mgkg:reduces"]
    assert reduces and all(e["predicate"] == "biolink:affects" for e in reduces)
    assert all(e["object_direction_qualifier"] == "decreased" for e in reduces)
    # the edge decision and grade travel with every edge; asserted ones are the direct edges
    asserted = [e for e in edges if e["mgkg_asserted_as_edge"]]
    assert asserted and all(e["mgkg_evidence_grade"].startswith("mgkg:Grade") for e in edges)
    # an edge stands on its relation's body of evidence, whatever one claim's own grade
    assert {e["mgkg_certainty"] for e in asserted} <= {
        "mgkg:GradeHigh",
        "mgkg:GradeModerate",
        "mgkg:GradeLow",
        "mgkg:GradeReferenceValue",
        "mgkg:GradeReplicatedMechanism",
    }
    page_only = [e for e in edges if e["mgkg_rests_on"] == ["mgkg:PageAssertion"]]
    assert page_only and all(e["knowledge_level"] == "not_provided" for e in page_only)
    assert any(e.get("negated") for e in edges)
    assert any(e.get("supporting_data_source") == [PUBMED_SOURCE] for e in edges)
    assert "kg:magnesium-has-reference-value-rda-adult-men" not in by_id  # no Biolink predicate


def test_edges_match_the_release_claims(release_graph, edges):
    """Each exported edge is a claim of the release with the same ends and relation."""
    base = Base()
    claims = set(release_graph.subjects(RDF.type, URIRef(MGKG + "Claim")))
    for edge in edges[:40]:
        claim = URIRef(str(base.ids) + edge["id"].split(":", 1)[1])
        assert claim in claims
        relation = release_graph.value(claim, RDF.predicate)
        assert edge["original_predicate"] == "mgkg:" + str(relation).split("#", 1)[1]


def test_asserted_edges_are_the_direct_edges_of_the_release(release_graph, edges):
    """``mgkg_asserted_as_edge`` marks exactly the exported claims whose triple the release asserts."""
    base = Base()
    for edge in edges:
        claim = URIRef(str(base.ids) + edge["id"].split(":", 1)[1])
        triple = tuple(release_graph.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        asserted = release_graph.value(claim, URIRef(MGKG + "assertedAsEdge")).toPython()
        assert edge["mgkg_asserted_as_edge"] is asserted, edge["id"]
        if asserted:
            assert triple in release_graph, edge["id"]


def test_edges_carry_their_relations_evidence_summary(release_graph, edges):
    """Certainty and direction come from the summary of the claim's relation, not the claim."""
    base = Base()
    summarizes = URIRef(MGKG + "summarizes")
    for edge in edges:
        claim = URIRef(str(base.ids) + edge["id"].split(":", 1)[1])
        triple = tuple(release_graph.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        summary = next(
            s
            for s in release_graph.subjects(summarizes, claim)
            if tuple(release_graph.value(s, p) for p in (RDF.subject, RDF.predicate, RDF.object)) == triple
        )
        assert edge["mgkg_summary"] == "kg:" + str(summary).rsplit("/", 1)[1]
        certainty = release_graph.value(summary, URIRef(MGKG + "certainty"))
        direction = release_graph.value(summary, URIRef(MGKG + "direction"))
        assert edge["mgkg_certainty"] == "mgkg:" + str(certainty).split("#", 1)[1], edge["id"]
        assert edge["mgkg_direction"] == "mgkg:" + str(direction).split("#", 1)[1], edge["id"]
        # An edge decided for the relation is asserted for every claim that affirms it.
        asserts = release_graph.value(summary, URIRef(MGKG + "assertsEdge")).toPython()
        assert edge["mgkg_asserted_as_edge"] is (asserts and not edge["negated"]), edge["id"]


def test_tsv_cells_stay_on_one_line():
    text = to_tsv([{"id": "x", "name": "a\tb\nc|d", "synonym": ["p", "q"]}], ("id", "name", "synonym"))
    assert text == "id\tname\tsynonym\nx\ta b c/d\tp|q\n"


@pytest.mark.slow
def test_export_command_writes_the_kgx_files(tmp_path, release_graph):
    out = tmp_path / "kgx"
    subprocess.run(
        [sys.executable, "-m", "mgkg", "export", "--format", "kgx", "-o", str(out)],
        check=True,
        capture_output=True,
    )
    for name in ("nodes.tsv", "edges.tsv", "nodes.jsonl", "edges.jsonl"):
        assert (out / name).read_bytes() == (KGX / name).read_bytes(), name
    usage = subprocess.run(
        [sys.executable, "-m", "mgkg", "export", "--format", "kgx"], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "-o DIR" in usage.stderr
    again = build_kgx(release_graph, Base())
    assert [n["id"] for n in again.nodes] == [n["id"] for n in read_jsonl("nodes.jsonl")]
