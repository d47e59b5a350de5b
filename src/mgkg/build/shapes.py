"""SHACL shapes generated from the ontology, validated together with ``ontology/shapes.ttl``.

Why generate: each property's ``rdfs:domain`` and ``rdfs:range`` and each record class's
properties are stated once, in the ontology. Hand-written shapes that repeat them drift
(a new property is declared but never checked); shapes derived at validation time cannot.
They are derived from the graph being validated, which carries its ontology, so anyone
holding the release can regenerate the same shapes from it alone.

What is generated:

- one *range* shape per declared object or data property with a range: every value is an
  IRI of the range class, or a literal of the range datatype;
- one *domain* shape per declared property with a domain: every subject is of that class;
- a *closed* shape for each record class in :data:`CLOSED_CLASSES`: its instances use only
  properties whose domain is the class or an ancestor, properties with no domain, and the
  few generic ones in :data:`ALWAYS_ALLOWED`.

Hand-written rules that span several nodes (a claim's object against its predicate's
range, every direct edge backed by a summary, every term declared) stay in shapes.ttl.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from mgkg.prefixes import compact_iri
from mgkg.vocab import SH, Base

#: Classes whose instances are records the build writes field by field, so the set of
#: properties they may carry is known (domain entities and sources are open: they take
#: identifiers and bibliographic fields from outside vocabularies as those are added).
CLOSED_CLASSES = (
    "Claim",
    "EvidenceSummary",
    "EvidenceLink",
    "CitationAudit",
    "Discrepancy",
    "CitationVerdict",
    "GradeComponent",
    "StudyResult",
    "ReferenceValue",
    "CommercialRelationship",
    "Disclaimer",
    "PrintedCitation",
)

#: Properties any record may carry: its type, names, notes and provenance, and RDF reification.
ALWAYS_ALLOWED = (
    RDF.type,
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    SKOS.definition,
    PROV.wasDerivedFrom,
    RDF.subject,
    RDF.predicate,
    RDF.object,
)

_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty)


def _ancestors(graph: Graph, cls: URIRef) -> set[URIRef]:
    seen, stack = {cls}, [cls]
    while stack:
        for parent in graph.objects(stack.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


class _Writer:
    """Adds shapes to one graph; names them after the property or class they check."""

    def __init__(self, base: Base):
        self.base = base
        self.ns = Namespace(base.iri + "shapes#")
        self.prefixes = base.prefixes()
        self.graph = Graph()

    def name(self, term: URIRef) -> str:
        return compact_iri(str(term), self.prefixes) or str(term)

    def shape(self, kind: str, term: URIRef) -> URIRef:
        node = self.ns[f"{kind}-{self.name(term).replace(':', '-')}"]
        self.graph.add((node, RDF.type, SH.NodeShape))
        self.graph.add(
            (node, RDFS.comment, Literal(f"Generated from the ontology: the {kind} of {self.name(term)}."))
        )
        return node

    def property_constraint(self, shape: URIRef, path: URIRef, *pairs: tuple[URIRef, object]) -> None:
        # Blank nodes only inside the shapes graph, which is never part of the release.
        constraint = BNode()
        self.graph.add((shape, SH.property, constraint))
        self.graph.add((constraint, SH.path, path))
        for predicate, value in pairs:
            self.graph.add((constraint, predicate, value))


def ontology_shapes(graph: Graph, base: Base) -> Graph:
    """Range, domain and closed shapes for the ontology that ``graph`` carries."""
    out = _Writer(base)
    classes = set(graph.subjects(RDF.type, OWL.Class))
    declared = sorted({p for kind in _KINDS for p in graph.subjects(RDF.type, kind) if isinstance(p, URIRef)})
    for prop in declared:
        kind = OWL.ObjectProperty if (prop, RDF.type, OWL.ObjectProperty) in graph else OWL.DatatypeProperty
        for range_ in sorted(r for r in graph.objects(prop, RDFS.range) if isinstance(r, URIRef)):
            if kind == OWL.ObjectProperty and range_ in classes:
                check = [(SH["class"], range_), (SH.nodeKind, SH.IRI)]
                wanted = f"an IRI of class {out.name(range_)}"
            elif kind == OWL.DatatypeProperty and str(range_).startswith(str(XSD)):
                check = [(SH.datatype, range_)]
                wanted = f"a literal of datatype {out.name(range_)}"
            else:
                continue
            shape = out.shape("range", prop)
            out.graph.add((shape, SH.targetSubjectsOf, prop))
            message = Literal(f"a value of {out.name(prop)} must be {wanted} (its rdfs:range)")
            out.property_constraint(shape, prop, *check, (SH.message, message))
        for domain in sorted(d for d in graph.objects(prop, RDFS.domain) if isinstance(d, URIRef)):
            if domain not in classes:
                continue
            shape = out.shape("domain", prop)
            out.graph.add((shape, SH.targetSubjectsOf, prop))
            out.graph.add((shape, SH["class"], domain))
            out.graph.add(
                (
                    shape,
                    SH.message,
                    Literal(f"a subject of {out.name(prop)} must be a {out.name(domain)} (its rdfs:domain)"),
                )
            )
    for name in CLOSED_CLASSES:
        cls = base.ontology[name]
        if cls not in classes:
            continue
        ancestors = _ancestors(graph, cls)
        allowed = set(ALWAYS_ALLOWED)
        for prop in declared + sorted(graph.subjects(RDF.type, OWL.AnnotationProperty)):
            domains = set(graph.objects(prop, RDFS.domain))
            if not domains or domains & ancestors:
                allowed.add(prop)
        shape = out.shape("closed", cls)
        out.graph.add((shape, SH.targetClass, cls))
        out.graph.add((shape, SH.closed, Literal(True)))
        for prop in sorted(allowed):
            out.property_constraint(shape, prop)
        out.graph.add(
            (
                shape,
                SH.message,
                Literal(f"a {out.name(cls)} uses a property declared for another class (closed shape)"),
            )
        )
    return out.graph
