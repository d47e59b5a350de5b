"""Shapes that catch corruption: each of many corruptions of the release must produce its own
named SHACL violation.

Each mutation changes a different node of the committed release and names the node the
violation must point at (as focus or value node) and the words of the violation's message.
All mutations go into one copy of the release, validated once (the shapes take seconds per run);
because every expected violation is matched to its own node and message, a mutation that the
shapes miss fails its own case even when the others are caught.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from conftest import ROOT
from mgkg.build.pipeline import ValidationError, shacl_check
from mgkg.build.shapes import ontology_shapes
from mgkg.vocab import FABIO, PRISM, SH, Base

M = Namespace("https://w3id.org/mgkg/ontology#")
ID = Namespace("https://w3id.org/mgkg/id/")
PREFIXES = """PREFIX mgkg: <https://w3id.org/mgkg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


@dataclass(frozen=True)
class Mutation:
    """One corruption: ``apply`` changes the graph and returns the node the violation names."""

    name: str
    apply: Callable[[Graph], URIRef]
    expected: str  # words of the violation's message


def first(graph: Graph, where: str, taken: set[URIRef]) -> URIRef:
    """The first node (by IRI) that ``where`` binds to ?x and no other mutation has taken."""
    rows = sorted(str(row[0]) for row in graph.query(PREFIXES + f"SELECT DISTINCT ?x WHERE {{ {where} }}"))
    for iri in rows:
        if URIRef(iri) not in taken:
            taken.add(URIRef(iri))
            return URIRef(iri)
    raise AssertionError(f"no node left for: {where}")


def replace(graph: Graph, node: URIRef, predicate: URIRef, value) -> None:
    graph.remove((node, predicate, None))
    graph.add((node, predicate, value))


def mutations(taken: set[URIRef]) -> list[Mutation]:
    """The corruptions; ``taken`` keeps each on its own node."""

    def pick(where: str) -> Callable[[Graph], URIRef]:
        return lambda g: first(g, where, taken)

    def node_where(where: str, change: Callable[[Graph, URIRef], None]) -> Callable[[Graph], URIRef]:
        def apply(g: Graph) -> URIRef:
            node = pick(where)(g)
            change(g, node)
            return node

        return apply

    def add_triple(s: URIRef, p: URIRef, o) -> Callable[[Graph], URIRef]:
        def apply(g: Graph) -> URIRef:
            g.add((s, p, o))
            return s

        return apply

    def typo_class(g: Graph) -> URIRef:
        node = pick("?x a mgkg:Symptom")(g)
        g.add((node, RDF.type, M.Clam))
        return M.Clam

    def typo_property(g: Graph) -> URIRef:
        node = pick("?x a mgkg:Publication")(g)
        g.add((node, M.studyDesgin, M.RandomizedControlledTrial))
        return M.studyDesgin

    def undeclare(g: Graph) -> URIRef:
        g.remove((M.hedge, RDF.type, OWL.DatatypeProperty))
        return M.hedge

    def edge_without_summary(g: Graph) -> URIRef:
        g.add((ID.magnesium, M.mayAlleviate, ID["abdominal-cramps"]))
        return ID.magnesium

    def edge_outside_range(g: Graph) -> URIRef:
        g.add((ID["magnesium-oxide"], M.hasSideEffect, ID["nmda-receptor"]))
        return ID["magnesium-oxide"]

    def retarget(g: Graph, claim: URIRef, target: URIRef) -> None:
        replace(g, claim, RDF.object, target)
        replace(g, claim, M.claimObject, target)

    def duplicate_summary(g: Graph) -> URIRef:
        original = pick("?x a mgkg:EvidenceSummary ; mgkg:assertsEdge false")(g)
        copy = URIRef(str(original) + "-copy")
        for p, o in list(g.predicate_objects(original)):
            g.add((copy, p, o))
        return copy

    def drop_edge(g: Graph) -> URIRef:
        summary = pick(
            "?x a mgkg:EvidenceSummary ; mgkg:assertsEdge true ; rdf:predicate mgkg:predisposesTo"
        )(g)
        s, p, o = (g.value(summary, t) for t in (RDF.subject, RDF.predicate, RDF.object))
        g.remove((s, p, o))
        return summary

    def two_audits(g: Graph) -> URIRef:
        citation = pick("?x a mgkg:PrintedCitation")(g)
        extra = ID["audit-extra"]
        g.add((extra, RDF.type, M.CitationAudit))
        g.add((extra, RDFS.label, Literal("extra audit", lang="en")))
        g.add((extra, M.audits, citation))
        g.add((extra, M.resolutionStatus, M.ResolutionMatches))
        return citation

    def undisclose(g: Graph) -> URIRef:
        """The page's own offer stands without a summary only while the page discloses it."""
        relationship = pick("?x a mgkg:CommercialRelationship ; mgkg:discountPercent ?d")(g)
        g.remove((None, M.disclosesRelationship, relationship))
        return relationship

    def use_deprecated(g: Graph) -> URIRef:
        """A link an earlier release used; the violation names the deprecated property."""
        g.add((ID["cite-nih-2024"], M.mostLikelyRefersTo, ID["noah2021"]))
        return M.mostLikelyRefersTo

    def german_label(g: Graph, node: URIRef) -> None:
        replace(g, node, RDFS.label, Literal("Magnesiumoxid", lang="de"))

    return [
        Mutation(
            "a string where a number belongs",
            node_where(
                "?x a mgkg:Publication ; mgkg:sampleSize ?n",
                lambda g, n: replace(g, n, M.sampleSize, Literal("120")),
            ),
            "value of mgkg:sampleSize must be a literal of datatype xsd:integer",
        ),
        Mutation("an unknown class (typo)", typo_class, "every class a node is typed with is declared"),
        Mutation("an unknown property (typo)", typo_property, "every predicate used is declared"),
        Mutation("a property whose declaration is gone", undeclare, "every predicate used is declared"),
        Mutation(
            "an undeclared predicate in a claim",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:mayImprove",
                lambda g, c: (
                    replace(g, c, RDF.predicate, M.mayCure),
                    replace(g, c, M.claimPredicate, M.mayCure),
                ),
            ),
            "a claim's predicate is a declared domain relation or attribute",
        ),
        Mutation(
            "a direct edge with no summary behind it",
            edge_without_summary,
            "every direct edge is backed by an evidence summary that asserts it",
        ),
        Mutation(
            "a direct edge outside its range",
            edge_outside_range,
            "value of mgkg:hasSideEffect must be an IRI of class mgkg:AdverseEffect",
        ),
        Mutation(
            "a page-only claim flipped to an edge",
            node_where(
                "?x a mgkg:Claim ; mgkg:assertedAsEdge false ; mgkg:polarity mgkg:PolarityAffirmed ;"
                " mgkg:restsOn mgkg:PageAssertion ; rdf:predicate/rdfs:subPropertyOf* mgkg:domainRelation ."
                " ?s mgkg:summarizes ?x ; mgkg:assertsEdge false",
                lambda g, c: replace(g, c, M.assertedAsEdge, Literal(True)),
            ),
            "a claim marked as a direct edge is summarized by a summary that asserts the edge",
        ),
        Mutation(
            "a claim object that does not exist",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:mayAlleviate",
                lambda g, c: retarget(g, c, ID["no-such-condition"]),
            ),
            "a claim's subject and object exist in the graph",
        ),
        Mutation(
            "a claim object outside its predicate's range",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:mayAlleviate",
                lambda g, c: retarget(g, c, ID["nmda-receptor"]),
            ),
            "a claim's object is an instance of its predicate's range",
        ),
        Mutation(
            "a claim value of the wrong datatype",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:discountPercent",
                lambda g, c: (
                    replace(g, c, RDF.object, Literal("15 percent")),
                    replace(g, c, M.claimValue, Literal("15 percent")),
                ),
            ),
            "a claim's object is an instance of its predicate's range (or a literal of its datatype)",
        ),
        Mutation(
            "a claim subject outside its predicate's domain",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:hasSupplementForm",
                lambda g, c: (
                    replace(g, c, RDF.subject, ID["abdominal-cramps"]),
                    replace(g, c, M.claimSubject, ID["abdominal-cramps"]),
                ),
            ),
            "a claim's subject is an instance of its predicate's domain",
        ),
        Mutation(
            "OWL claim content that disagrees with rdf:object",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:hasSideEffect",
                lambda g, c: replace(g, c, M.claimObject, ID["nmda-receptor"]),
            ),
            "claimObject or claimValue repeat rdf:subject, rdf:predicate and rdf:object",
        ),
        Mutation(
            "OWL claim content missing",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:absorptionRank",
                lambda g, c: g.remove((c, M.claimValue, None)),
            ),
            "claimObject or claimValue repeat rdf:subject, rdf:predicate and rdf:object",
        ),
        Mutation(
            "a claim without a source",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:linkedTo",
                lambda g, c: g.remove((c, PROV.wasDerivedFrom, None)),
            ),
            "a claim is derived from at least one source",
        ),
        Mutation(
            "a claim with two grades",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:contraindicatedIn",
                lambda g, c: g.add((c, M.evidenceGrade, M.GradeHigh)),
            ),
            "every claim has exactly one computed evidence grade",
        ),
        Mutation(
            "a claim without its edge flag",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:crosses",
                lambda g, c: g.remove((c, M.assertedAsEdge, None)),
            ),
            "mgkg:assertedAsEdge",
        ),
        Mutation(
            "a no-effect claim asserted as an edge",
            node_where(
                "?x mgkg:polarity mgkg:PolarityNoEffect",
                lambda g, c: replace(g, c, M.assertedAsEdge, Literal(True)),
            ),
            "a claim that reports no effect or an inconclusive result is never asserted as a direct edge",
        ),
        Mutation(
            "a page claim without its quotation",
            node_where(
                "?x a mgkg:Claim ; mgkg:quotation ?q ; rdf:predicate mgkg:negativelyRegulates",
                lambda g, c: g.remove((c, M.quotation, None)),
            ),
            "a claim derived from the source page quotes it",
        ),
        Mutation(
            "a cited claim without a citation verdict",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:hasReferenceValue . FILTER NOT EXISTS { ?v mgkg:assessedClaim ?x }",
                lambda g, c: g.add((c, M.citesAsPrinted, first(g, "?x a mgkg:PrintedCitation", set()))),
            ),
            "a page claim that cites a printed citation has a citation verdict",
        ),
        Mutation(
            "a node without a label",
            node_where("?x a mgkg:Receptor", lambda g, n: g.remove((n, RDFS.label, None))),
            "every node needs exactly one rdfs:label with @en",
        ),
        Mutation(
            "a label in the wrong language",
            node_where("?x a mgkg:Salt", german_label),
            "every node needs exactly one rdfs:label with @en",
        ),
        Mutation(
            "an ontology term without a definition",
            add_triple(M.NotDefined, RDF.type, OWL.Class),
            "ontology terms need an English skos:definition",
        ),
        Mutation(
            "an entity without identifiers or a note",
            node_where(
                "?x a mgkg:Hormone",
                lambda g, n: [
                    g.remove((n, p, None)) for p in (SKOS.exactMatch, SKOS.closeMatch, M.localTermNote)
                ],
            ),
            "an entity without external identifiers must say why",
        ),
        Mutation(
            "a year as text",
            node_where(
                "?x a mgkg:Publication ; mgkg:publicationYear ?y",
                lambda g, n: replace(g, n, M.publicationYear, Literal("2017")),
            ),
            "value of mgkg:publicationYear must be a literal of datatype xsd:integer",
        ),
        Mutation(
            "a PMID with its prefix",
            node_where(
                "?x a mgkg:Publication ; <http://purl.org/spar/fabio/hasPubMedId> ?y",
                lambda g, n: replace(g, n, FABIO.hasPubMedId, Literal("PMID:12345")),
            ),
            "does not match pattern",
        ),
        Mutation(
            "a DOI as a URL",
            node_where(
                "?x a mgkg:Publication ; <http://prismstandard.org/namespaces/basic/2.0/doi> ?y",
                lambda g, n: replace(g, n, PRISM.doi, Literal("https://doi.org/10.1000/x")),
            ),
            "does not match pattern",
        ),
        Mutation(
            "a publication without a FaBiO type",
            node_where(
                "?x a mgkg:Publication , <http://purl.org/spar/fabio/ReviewArticle>",
                lambda g, n: g.remove((n, RDF.type, FABIO.ReviewArticle)),
            ),
            "a publication is typed with a FaBiO class",
        ),
        Mutation(
            "a printed citation with two audits",
            two_audits,
            "every printed citation has exactly one citation audit",
        ),
        Mutation("two summaries of one relation", duplicate_summary, "one evidence summary per relation"),
        Mutation(
            "an asserting summary whose edge is gone",
            drop_edge,
            "an evidence summary that asserts its edge has its direct triple",
        ),
        Mutation(
            "a mixed summary with its edge",
            node_where(
                "?x a mgkg:EvidenceSummary ; mgkg:assertsEdge true ; rdf:predicate mgkg:blocks",
                lambda g, s: replace(g, s, M.direction, M.DirectionMixed),
            ),
            "never on a summary whose direction is mixed",
        ),
        Mutation(
            "a publication's field on a claim (closed record)",
            node_where(
                "?x a mgkg:Claim ; rdf:predicate mgkg:participatesIn",
                lambda g, c: g.add((c, M.sampleSize, Literal(40, datatype=XSD.integer))),
            ),
            "a mgkg:Claim uses a property declared for another class",
        ),
        Mutation(
            "a property outside its domain",
            node_where(
                "?x a mgkg:WebSource",
                lambda g, n: g.add((n, M.durationWeeks, Literal(12, datatype=XSD.decimal))),
            ),
            "a subject of mgkg:durationWeeks must be a mgkg:Publication",
        ),
        Mutation(
            "an evidence link with a verdict for a stance",
            node_where("?x a mgkg:EvidenceLink", lambda g, n: replace(g, n, M.stance, M.VerdictSupports)),
            "value of mgkg:stance must be an IRI of class mgkg:Stance",
        ),
        Mutation(
            "a grade component's level change as text",
            node_where(
                "?x a mgkg:GradeComponent", lambda g, n: replace(g, n, M.levelChange, Literal("minus one"))
            ),
            "value of mgkg:levelChange must be a literal of datatype xsd:integer",
        ),
        Mutation(
            "a reference value of an unknown type",
            node_where(
                "?x a mgkg:ReferenceValue", lambda g, n: replace(g, n, M.referenceValueType, Literal("RDA2"))
            ),
            "not in",
        ),
        Mutation(
            "a discrepancy without its field",
            node_where("?x a mgkg:Discrepancy", lambda g, n: g.remove((n, M.discrepancyField, None))),
            "mgkg:discrepancyField",
        ),
        Mutation(
            "a source without its kind",
            node_where("?x a mgkg:WebSource", lambda g, n: g.remove((n, M.sourceKind, None))),
            "every source says what kind of authority it carries",
        ),
        Mutation(
            "a study result's effect as text",
            node_where(
                "?x a mgkg:StudyResult ; mgkg:effectValue ?v",
                lambda g, n: replace(g, n, M.effectValue, Literal("large")),
            ),
            "value of mgkg:effectValue must be a literal of datatype xsd:decimal",
        ),
        Mutation(
            "an offer's terms on a relationship its source no longer discloses",
            undisclose,
            "every direct edge is backed by an evidence summary that asserts it",
        ),
        Mutation(
            "an offer's terms on a node that is not a disclosed relationship",
            add_triple(ID["hardy-nutritionals"], M.discountPercent, Literal("20.0", datatype=XSD.decimal)),
            "every direct edge is backed by an evidence summary that asserts it",
        ),
        Mutation(
            "a printed citation that refers to two publications",
            node_where(
                "?x a mgkg:PrintedCitation ; mgkg:refersTo ?r",
                lambda g, n: g.add((n, M.refersTo, ID["mah2021"])),
            ),
            "a printed citation refers to one publication",
        ),
        Mutation(
            "a deprecated citation link in the data",
            use_deprecated,
            "a deprecated property is used",
        ),
        Mutation(
            "a duration in days that disagrees with the weeks",
            node_where(
                "?x a mgkg:Publication ; mgkg:durationDays ?d",
                lambda g, n: replace(g, n, M.durationDays, Literal("8.0", datatype=XSD.decimal)),
            ),
            "a duration in days equals the curated duration times its days per unit",
        ),
        Mutation(
            "a claim's duration in days without the weeks it counts",
            node_where(
                "?x a mgkg:Claim ; mgkg:qualifierDurationWeeksMin ?w",
                lambda g, n: g.remove((n, M.qualifierDurationWeeksMin, None)),
            ),
            "a duration in days equals the curated duration times its days per unit",
        ),
    ]


@pytest.fixture(scope="module")
def outcome(release_graph) -> tuple[list[tuple[str, URIRef, str]], list[tuple[str, set[URIRef]]]]:
    """Apply every mutation to one copy of the release, validate once, and return
    (the mutations with their nodes, the violations as (text, nodes))."""
    graph = Graph()
    for triple in release_graph:
        graph.add(triple)
    applied = [(m.name, m.apply(graph), m.expected) for m in mutations(set())]
    with pytest.raises(ValidationError) as caught:
        shacl_check(graph, ROOT / "ontology" / "shapes.ttl", Base())
    report = caught.value.report_graph
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        text = " ".join(str(m) for m in report.objects(result, SH.resultMessage))
        text += " " + " ".join(str(p) for p in report.objects(result, SH.resultPath))
        nodes = {n for p in (SH.focusNode, SH.value) for n in report.objects(result, p)}
        violations.append((text.replace(str(M), "mgkg:"), nodes))
    return applied, violations


def test_there_are_at_least_thirty_corruptions():
    assert len(mutations(set())) >= 30


@pytest.mark.parametrize("name", [m.name for m in mutations(set())])
def test_corruption_fails_validation_with_its_violation(outcome, name):
    applied, violations = outcome
    (_, node, expected) = next(item for item in applied if item[0] == name)
    matching = [text for text, nodes in violations if node in nodes and expected in text]
    assert matching, f"{name}: no violation on {node} saying {expected!r}; on that node: " + repr(
        [text for text, nodes in violations if node in nodes]
    )


def test_no_shape_is_defined_twice(release_graph):
    """A shape written twice validates twice and drifts apart on the next edit."""
    text = (ROOT / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    written = re.findall(r"^(shapes:\w+) a sh:NodeShape", text, flags=re.MULTILINE)
    assert len(written) == len(set(written)), sorted(n for n in written if written.count(n) > 1)
    generated = {str(s) for s in ontology_shapes(release_graph, Base()).subjects(RDF.type, SH.NodeShape)}
    prefix = "https://w3id.org/mgkg/shapes#"
    assert not generated & {prefix + n.split(":")[1] for n in written}


def test_every_property_with_a_range_gets_a_generated_shape(release_graph):
    shapes = ontology_shapes(release_graph, Base())
    checked = set(shapes.objects(None, SH.targetSubjectsOf))
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in release_graph.subjects(RDF.type, kind):
            range_ = release_graph.value(prop, RDFS.range)
            if range_ is not None and range_ != RDFS.Literal:
                assert prop in checked, f"{prop} has a range but no generated shape"
