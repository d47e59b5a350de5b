"""Read ``ontology/mgkg.ttl`` as the schema the curation files are checked against.

Why: the ontology is the one place where classes, properties and controlled
individuals are declared. The loader asks this index whether a ``type``, a claim
``predicate`` or a ``properties`` key exists and what range its value must have, so a
new term is added to the ontology once and is usable everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from mgkg.vocab import FABIO, MGKG, QUDT

#: FaBiO classes a publication record may name as its ``type`` (verified in
#: identifiers.tsv), mapped to their IRIs.
FABIO_TYPES = {
    name: FABIO[name]
    for name in ("JournalArticle", "ReviewArticle", "ClinicalTrialReport", "SystematicReview")
}


@dataclass(frozen=True)
class Property:
    """A property declared in the ontology, with what the loader needs to type values."""

    iri: URIRef
    name: str
    kind: str  # "object", "datatype" or "annotation"
    range: URIRef | None
    domain_relation: bool  # usable as a claim predicate with an entity object
    attribute: bool  # usable as a claim predicate with a literal object


@dataclass
class OntologyIndex:
    """Names declared in the ontology, by local name."""

    graph: Graph
    classes: dict[str, URIRef] = field(default_factory=dict)
    properties: dict[str, Property] = field(default_factory=dict)
    individuals: dict[str, URIRef] = field(default_factory=dict)
    superclasses: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    #: Units of measure (``qudt:Unit`` individuals) by every name a curator may write:
    #: their symbol ("mg/d") and alternative labels ("mg/day").
    units: dict[str, URIRef] = field(default_factory=dict)

    def is_a(self, cls: URIRef, ancestor: URIRef) -> bool:
        """True when ``cls`` is ``ancestor`` or one of its (transitive) subclasses."""
        return cls == ancestor or ancestor in self.superclasses.get(cls, set())

    def individual_types(self, iri: URIRef) -> set[URIRef]:
        return set(self.graph.objects(iri, RDF.type))

    def literal_datatype(self, prop: Property) -> URIRef:
        """The XSD datatype a literal value of ``prop`` gets (string when unspecified)."""
        if prop.range is not None and str(prop.range).startswith(str(XSD)):
            return prop.range
        return XSD.string


def _closure(pairs: dict[URIRef, set[URIRef]]) -> dict[URIRef, set[URIRef]]:
    """Transitive closure of a child -> parents map (the ontology is small)."""
    result: dict[URIRef, set[URIRef]] = {}
    for start in pairs:
        seen: set[URIRef] = set()
        stack = list(pairs[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(pairs.get(node, ()))
        result[start] = seen
    return result


def load_ontology(path: Path) -> OntologyIndex:
    """Parse the ontology file and index its mgkg terms by local name."""
    graph = Graph()
    graph.parse(path, format="turtle")
    index = OntologyIndex(graph=graph)
    ns = str(MGKG)

    def local(term: URIRef) -> str | None:
        text = str(term)
        return text[len(ns) :] if text.startswith(ns) else None

    parents: dict[URIRef, set[URIRef]] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and (name := local(cls)):
            index.classes[name] = cls
        parents.setdefault(cls, set()).update(
            p for p in graph.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef)
        )
    index.superclasses = _closure(parents)

    prop_parents: dict[URIRef, set[URIRef]] = {}
    kinds = {
        OWL.ObjectProperty: "object",
        OWL.DatatypeProperty: "datatype",
        OWL.AnnotationProperty: "annotation",
    }
    declared: dict[URIRef, str] = {}
    for kind_iri, kind in kinds.items():
        for prop in graph.subjects(RDF.type, kind_iri):
            if isinstance(prop, URIRef) and local(prop):
                declared[prop] = kind
                prop_parents[prop] = set(graph.objects(prop, RDFS.subPropertyOf))
    super_props = _closure(prop_parents)
    for prop, kind in declared.items():
        ranges = [r for r in graph.objects(prop, RDFS.range) if isinstance(r, URIRef)]
        ancestors = super_props.get(prop, set())
        index.properties[local(prop)] = Property(
            iri=prop,
            name=local(prop),
            kind=kind,
            range=ranges[0] if ranges else None,
            domain_relation=kind == "object"
            and (prop == MGKG.domainRelation or MGKG.domainRelation in ancestors),
            attribute=kind == "datatype" and MGKG.attribute in ancestors,
        )

    for subject, cls in graph.subject_objects(RDF.type):
        if cls in index.superclasses and isinstance(subject, URIRef) and (name := local(subject)):
            index.individuals[name] = subject
    for unit in graph.subjects(RDF.type, QUDT.Unit):
        for name in [*graph.objects(unit, QUDT.symbol), *graph.objects(unit, SKOS.altLabel)]:
            index.units[str(name)] = unit
    return index
