"""The ontology: a full OWL header, defined terms, and alignments only to verified identifiers."""

from __future__ import annotations

import csv

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from conftest import ROOT
from mgkg.build.ontology import load_ontology

ONTOLOGY = URIRef("https://w3id.org/mgkg/ontology")
MGKG = "https://w3id.org/mgkg/ontology#"


def verified_iris() -> set[str]:
    iris = set()
    for name in ("identifiers.tsv", "identifiers-extra.tsv"):
        with (ROOT / "graph" / "reference" / name).open(encoding="utf-8") as handle:
            iris |= {row["iri"] for row in csv.DictReader(handle, delimiter="\t") if row["verified"] == "yes"}
    return iris


def test_header_has_title_version_licence_creators_and_dates():
    graph = Graph().parse(ROOT / "ontology" / "mgkg.ttl")
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    for predicate in (
        DCTERMS.title,
        DCTERMS.description,
        OWL.versionIRI,
        OWL.versionInfo,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.created,
        DCTERMS.modified,
    ):
        assert graph.value(ONTOLOGY, predicate) is not None, f"ontology header lacks {predicate}"
    assert isinstance(graph.value(ONTOLOGY, DCTERMS.license), URIRef), "licence must be an IRI"
    assert str(graph.value(ONTOLOGY, OWL.versionIRI)).endswith(str(graph.value(ONTOLOGY, OWL.versionInfo)))


def test_required_classes_exist():
    index = load_ontology(ROOT / "ontology" / "mgkg.ttl")
    for name in (
        "Mineral",
        "SupplementForm",
        "Salt",
        "Chelate",
        "Cofactor",
        "Receptor",
        "Neurotransmitter",
        "Hormone",
        "PhysiologicalSystem",
        "BiologicalProcess",
        "AnatomicalStructure",
        "Condition",
        "Disorder",
        "Symptom",
        "AdverseEffect",
        "Contraindication",
        "Publication",
        "WebSource",
        "Organization",
        "Product",
        "Claim",
        "PrintedCitation",
        "StudyDesign",
    ):
        assert name in index.classes, f"class mgkg:{name} missing"
    # Claims are typed rdf:Statement in the data, not by a subclass axiom (OWL 2 DL reserves rdf:).
    assert index.is_a(index.classes["Claim"], URIRef("http://www.w3.org/ns/prov#Entity"))
    assert not index.is_a(index.classes["Claim"], RDF.Statement)
    assert index.is_a(index.classes["Chelate"], index.classes["SupplementForm"])


def test_every_term_has_label_and_definition():
    graph = Graph().parse(ROOT / "ontology" / "mgkg.ttl")
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in graph.subjects(RDF.type, kind):
            assert graph.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
            assert graph.value(term, SKOS.definition) is not None, f"{term} has no skos:definition"


def test_object_properties_have_domain_or_range_where_meaningful():
    index = load_ontology(ROOT / "ontology" / "mgkg.ttl")
    for prop in index.properties.values():
        if prop.kind == "datatype" and prop.name != "attribute":
            assert prop.range is not None, f"mgkg:{prop.name} has no rdfs:range"


def test_claim_predicates_map_to_standard_relations():
    graph = Graph().parse(ROOT / "ontology" / "mgkg.ttl")
    index = load_ontology(ROOT / "ontology" / "mgkg.ttl")
    for name in (
        "mayAlleviate",
        "hasSideEffect",
        "contraindicatedIn",
        "participatesIn",
        "correlatedWith",
        "directlyInteractsWith",
        "predisposesTo",
        "contributesTo",
    ):
        iri = index.properties[name].iri
        # Properties map by rdfs:subPropertyOf (their own or an ancestor's), never by SKOS, which
        # would make them skos:Concepts; a relation weaker than any standard one maps for KGX only.
        assert not set(graph.objects(iri, SKOS.exactMatch)) | set(graph.objects(iri, SKOS.closeMatch))
        mapped = set(graph.transitive_objects(iri, RDFS.subPropertyOf)) | set(
            graph.objects(iri, URIRef(MGKG + "biolinkPredicate"))
        )
        assert any(
            str(m).startswith(("http://purl.obolibrary.org/obo/RO_", "https://w3id.org/biolink/vocab/"))
            for m in mapped
        ), f"mgkg:{name} is not mapped to RO or Biolink"


def test_every_external_mapping_is_verified_or_explained(release_graph):
    """Each skos:exactMatch/closeMatch target is a verified identifier, or the term says why not."""
    verified = verified_iris()
    offenders = []
    for predicate in (SKOS.exactMatch, SKOS.closeMatch):
        for subject, target in release_graph.subject_objects(predicate):
            if (
                str(target) not in verified
                and release_graph.value(subject, URIRef(MGKG + "localTermNote")) is None
            ):
                offenders.append(f"{subject} -> {target}")
    assert not offenders, "unverified external identifiers:\n" + "\n".join(sorted(offenders))


def test_no_two_nodes_share_a_label(release_graph):
    """A label names one thing: a property and a class, or two grade components, never share one.
    Quantity values are exempt: two doses of 500 mg/d of magnesium are the same amount."""
    quantities = set(release_graph.subjects(RDF.type, URIRef(MGKG + "NutrientAmount")))
    seen: dict[str, str] = {}
    shared = []
    for node, label in sorted(release_graph.subject_objects(RDFS.label)):
        if node in quantities:
            continue
        key = str(label).casefold()
        if key in seen and seen[key] != str(node):
            shared.append(f"{label!r}: {seen[key]} and {node}")
        seen.setdefault(key, str(node))
    assert not shared, "\n".join(shared[:20])
