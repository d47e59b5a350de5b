"""KGX export: the graph's biomedical claims as Biolink Model nodes and edges.

Why: graph-merging pipelines (KG-Hub, Monarch, ROBOKOP, RTX-KG2) take KGX files over
the Biolink Model, not our own vocabulary. This module writes the KGX TSV pair
(``nodes.tsv``, ``edges.tsv``) and the same records as KGX JSON Lines
(``nodes.jsonl``, ``edges.jsonl``), following the KGX format specification, without
the ``kgx`` library (its toolkit downloads the Biolink Model when imported, which an
offline build cannot do).

What is exported, and from where:

- **Categories and predicates** come from the mapping table in the ontology
  (``mgkg:biolinkCategory`` on classes, ``mgkg:biolinkPredicate`` and
  ``mgkg:biolinkObjectDirection`` on relations); a subclass or subproperty without its
  own entry takes its nearest ancestor's. Entities whose class has no category
  (products, organisations, reference values) and claims whose relation has no
  predicate are left out: KGX holds the biomedical part; the RDF release holds all.
- **Node ids** are the entity's preferred external identifier when it has an exact
  match in a prefix its category accepts (``CHEBI:18420`` for magnesium), so the
  files merge with other KGX graphs; otherwise, or when two entities would share an
  id, the local CURIE (``kg:nmda-receptor``). ``iri`` keeps the graph's own IRI,
  ``equivalent_identifiers`` the exact matches, ``xref`` the close ones.
- **One edge per claim** (id ``kg:<claim>``): the claim's subject, mapped predicate
  and object; ``original_predicate`` the mgkg relation; ``negated`` for claims that
  report no effect (claims reporting an inconclusive result are left out: they are
  neither an edge nor its negation); ``knowledge_level`` from the kinds of source the claim rests on
  (``mgkg:biolinkKnowledgeLevel`` on each kind), ``agent_type`` ``manual_agent``
  (every claim is curated by hand); ``primary_knowledge_source`` this graph,
  ``supporting_data_source`` ``infores:pubmed`` when a source has a PMID;
  ``publications`` the PMIDs, DOIs or addresses of its sources. Our own judgement
  travels as ``mgkg_``-prefixed edge properties: the computed evidence grade, whether
  the claim cleared the bar to become a direct edge (``mgkg_asserted_as_edge``), and
  what it rests on. A consumer that keeps only ``mgkg_asserted_as_edge`` edges keeps
  exactly the claims that are direct edges of the RDF release (those with a Biolink
  counterpart).

``infores:pubmed`` is the Information Resource Registry's entry for PubMed.
``infores:mgkg`` names this graph and is *not* registered there (the registry has no
entry for it); it is minted locally, like every ``kg:`` identifier, and says so here
and in the ontology's KGX metadata.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from mgkg.prefixes import compact_iri
from mgkg.vocab import FABIO, MGKG, PRISM, Base

BIOLINK = "https://w3id.org/biolink/vocab/"
#: This graph as a knowledge source. Minted locally: not registered in the Biolink
#: Information Resource Registry.
KNOWLEDGE_SOURCE = "infores:mgkg"
#: PubMed in the Biolink Information Resource Registry (``infores_catalog.yaml``).
PUBMED_SOURCE = "infores:pubmed"
#: Who made each statement: every claim is curated by hand from its source.
AGENT_TYPE = "manual_agent"
#: A claim resting on several kinds of source takes the first of these its kinds give.
KNOWLEDGE_LEVELS = ("knowledge_assertion", "not_provided")
#: Local CURIE prefix for the graph's things (as in the Turtle and JSON-LD release).
LOCAL_PREFIX = "kg"

#: Node id prefixes each category accepts, in the Biolink Model's order of preference
#: (its ``id_prefixes``, restricted to the prefixes this graph's identifiers use; for a
#: category without ``id_prefixes`` those of the categories below it). A category not
#: listed takes local ids. Checked against the Biolink Model by the test suite.
ID_PREFIXES: dict[str, tuple[str, ...]] = {
    "biolink:SmallMolecule": ("CHEBI", "UNII", "PUBCHEM.COMPOUND", "MESH"),
    "biolink:ChemicalEntity": ("CHEBI", "UNII", "PUBCHEM.COMPOUND", "MESH"),
    "biolink:MacromolecularComplex": ("GO",),
    "biolink:AnatomicalEntity": ("UBERON", "GO", "MESH", "NCIT"),
    "biolink:BiologicalProcess": ("GO",),
    "biolink:Disease": ("MONDO", "DOID", "MESH", "NCIT", "HP"),
    "biolink:PhenotypicFeature": ("HP", "NCIT", "MESH"),
    "biolink:DiseaseOrPhenotypicFeature": ("MONDO", "DOID", "HP", "MESH", "NCIT"),
}

NODE_COLUMNS = (
    "id",
    "category",
    "name",
    "description",
    "synonym",
    "equivalent_identifiers",
    "xref",
    "iri",
    "provided_by",
)
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "negated",
    "object_direction_qualifier",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "supporting_data_source",
    "publications",
    "mgkg_evidence_grade",
    "mgkg_asserted_as_edge",
    "mgkg_rests_on",
    "mgkg_summary",
    "mgkg_certainty",
    "mgkg_direction",
)
#: Columns whose values are lists (``|``-joined in TSV, arrays in JSON Lines).
MULTIVALUED = frozenset(
    {
        "category",
        "synonym",
        "equivalent_identifiers",
        "xref",
        "provided_by",
        "supporting_data_source",
        "publications",
        "mgkg_rests_on",
    }
)
#: The KGX release files, relative to the release directory.
FILES = ("kgx/nodes.tsv", "kgx/edges.tsv", "kgx/nodes.jsonl", "kgx/edges.jsonl")


@dataclass
class KgxGraph:
    """KGX records: one dict per node and per edge, sorted by id."""

    nodes: list[dict[str, object]] = field(default_factory=list)
    edges: list[dict[str, object]] = field(default_factory=list)


class _Curies:
    """Full IRI -> CURIE for the prefixes the graph uses (longest namespace first)."""

    def __init__(self, base: Base):
        from mgkg.prefixes import CURIE_PREFIXES

        self.table = {**CURIE_PREFIXES, LOCAL_PREFIX: str(base.ids), "mgkg": str(base.ontology)}
        self.table["biolink"] = BIOLINK

    def __call__(self, iri: str) -> str:
        return compact_iri(iri, self.table) or iri


def _nearest(graph: Graph, start: URIRef, up: URIRef, annotation: URIRef) -> URIRef | None:
    """The nearest of ``start`` and its ancestors (along ``up``) that has ``annotation``."""
    level = [start]
    seen = {start}
    while level:
        found = sorted(t for t in level if graph.value(t, annotation) is not None)
        if found:
            return found[0]
        parents = sorted({p for t in level for p in graph.objects(t, up) if isinstance(p, URIRef)} - seen)
        seen.update(parents)
        level = parents
    return None


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    """One literal, English first, white space folded (TSV cells hold one line)."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    if not values:
        return None
    best = min(values, key=lambda lit: (lit.language not in ("en", None), lit.language or "", str(lit)))
    return " ".join(str(best).split())


def category_of(graph: Graph, entity: URIRef, base: Base, curie: _Curies) -> str | None:
    """The Biolink category of ``entity``: that of its most specific mapped class."""
    annotation = base.rebase(MGKG.biolinkCategory)
    best: tuple[int, str] | None = None
    for cls in sorted(graph.objects(entity, RDF.type)):
        depth, level, seen = 0, [cls], {cls}
        while level:
            mapped = sorted(str(graph.value(c, annotation)) for c in level if graph.value(c, annotation))
            if mapped:
                candidate = (depth, curie(mapped[0]))
                best = candidate if best is None or candidate < best else best
                break
            level = sorted({p for c in level for p in graph.objects(c, RDFS.subClassOf)} - seen)
            seen.update(level)
            depth += 1
    return best[1] if best else None


def _publication_ids(graph: Graph, source: URIRef, base: Base, curie: _Curies) -> list[str]:
    pmid = graph.value(source, FABIO.hasPubMedId)
    if pmid is not None:
        return [f"PMID:{pmid}"]
    doi = graph.value(source, PRISM.doi)
    if doi is not None:
        return [f"doi:{doi}"]
    url = graph.value(source, base.rebase(MGKG.sourceUrl))
    if url is not None and str(url).startswith(("http://", "https://")):
        return [str(url)]
    return [curie(str(source))]


def _node_ids(records: dict[URIRef, dict[str, object]], curie: _Curies) -> dict[URIRef, str]:
    """Preferred external id per entity; local CURIEs for the rest and for clashes."""
    wanted: dict[URIRef, str] = {}
    for iri, record in records.items():
        exact = record["equivalent_identifiers"]
        prefixes = ID_PREFIXES.get(str(record["category"][0]), ())
        for prefix in prefixes:
            hits = sorted(c for c in exact if c.split(":", 1)[0] == prefix)
            if hits:
                wanted[iri] = hits[0]
                break
    taken: dict[str, int] = {}
    for chosen in wanted.values():
        taken[chosen] = taken.get(chosen, 0) + 1
    return {
        iri: wanted[iri] if iri in wanted and taken[wanted[iri]] == 1 else curie(str(iri)) for iri in records
    }


def build_kgx(graph: Graph, base: Base) -> KgxGraph:
    """The KGX nodes and edges of a built release graph (deterministic order)."""
    curie = _Curies(base)
    m = base.rebase
    claims = sorted(graph.subjects(RDF.type, m(MGKG.Claim)))
    entities: dict[URIRef, dict[str, object]] = {}

    def entity(iri: object) -> dict[str, object] | None:
        if not isinstance(iri, URIRef):
            return None
        if iri not in entities:
            category = category_of(graph, iri, base, curie)
            if category is None:
                return None
            entities[iri] = {
                "category": [category],
                "name": _text(graph, iri, RDFS.label),
                "description": _text(graph, iri, SKOS.definition),
                "synonym": sorted({" ".join(str(s).split()) for s in graph.objects(iri, SKOS.altLabel)}),
                "equivalent_identifiers": sorted(curie(str(o)) for o in graph.objects(iri, SKOS.exactMatch)),
                "xref": sorted(curie(str(o)) for o in graph.objects(iri, SKOS.closeMatch)),
                "iri": str(iri),
                "provided_by": [KNOWLEDGE_SOURCE],
            }
        return entities[iri]

    predicate_note, direction_note = m(MGKG.biolinkPredicate), m(MGKG.biolinkObjectDirection)
    level_note = m(MGKG.biolinkKnowledgeLevel)
    raw_edges = []
    for claim in claims:
        subject, relation, obj = (graph.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        if not isinstance(relation, URIRef) or entity(subject) is None or entity(obj) is None:
            continue
        polarity = graph.value(claim, m(MGKG.polarity))
        if polarity == m(MGKG.PolarityInconclusive):
            continue  # neither an edge nor its negation
        mapped = _nearest(graph, relation, RDFS.subPropertyOf, predicate_note)
        if mapped is None:
            continue
        sources = sorted(graph.objects(claim, PROV.wasDerivedFrom))
        publications = sorted({p for s in sources for p in _publication_ids(graph, s, base, curie)})
        from_pubmed = any(p.startswith("PMID:") for p in publications)
        kinds = sorted(graph.objects(claim, m(MGKG.restsOn)))
        given = {str(graph.value(k, level_note)) for k in kinds if graph.value(k, level_note) is not None}
        level = next((lv for lv in KNOWLEDGE_LEVELS if lv in given), "not_provided")
        grade = graph.value(claim, m(MGKG.evidenceGrade))
        asserted = graph.value(claim, m(MGKG.assertedAsEdge))
        # The certainty a consumer should read: the body of evidence on the relation.
        summary = _own_summary(graph, claim, m)
        certainty = graph.value(summary, m(MGKG.certainty)) if summary is not None else None
        direction_of_evidence = graph.value(summary, m(MGKG.direction)) if summary is not None else None
        direction = graph.value(mapped, direction_note)
        raw_edges.append(
            {
                "id": curie(str(claim)),
                "subject": subject,
                "predicate": curie(str(graph.value(mapped, predicate_note))),
                "object": obj,
                "original_predicate": curie(str(relation)),
                "negated": polarity == m(MGKG.PolarityNoEffect),
                "object_direction_qualifier": str(direction) if direction is not None else None,
                "knowledge_level": level,
                "agent_type": AGENT_TYPE,
                "primary_knowledge_source": KNOWLEDGE_SOURCE,
                "supporting_data_source": [PUBMED_SOURCE] if from_pubmed else [],
                "publications": publications,
                # The claim's own grade, and its relation's summary: certainty and direction
                # of the whole body of evidence, which decide the edge.
                "mgkg_evidence_grade": curie(str(grade)) if grade is not None else None,
                "mgkg_asserted_as_edge": bool(asserted.toPython()) if asserted is not None else False,
                "mgkg_rests_on": [curie(str(k)) for k in kinds],
                "mgkg_summary": curie(str(summary)) if summary is not None else None,
                "mgkg_certainty": curie(str(certainty)) if certainty is not None else None,
                "mgkg_direction": curie(str(direction_of_evidence))
                if direction_of_evidence is not None
                else None,
            }
        )
    # Nodes: entities that some exported edge touches.
    used = {e["subject"] for e in raw_edges} | {e["object"] for e in raw_edges}
    records = {iri: entities[iri] for iri in sorted(used)}
    ids = _node_ids(records, curie)
    nodes = sorted(({"id": ids[iri], **record} for iri, record in records.items()), key=lambda n: n["id"])
    for edge in raw_edges:
        edge["subject"], edge["object"] = ids[edge["subject"]], ids[edge["object"]]
    edges = sorted(raw_edges, key=lambda e: e["id"])
    return KgxGraph(nodes=nodes, edges=edges)


def _own_summary(graph: Graph, claim: URIRef, m) -> URIRef | None:
    """The summary of the claim's own relation (a claim may also count as evidence in the
    summary of a related one, e.g. a finding on symptoms in that of the disorder)."""
    triple = tuple(graph.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))
    for summary in sorted(graph.subjects(m(MGKG.summarizes), claim)):
        if tuple(graph.value(summary, p) for p in (RDF.subject, RDF.predicate, RDF.object)) == triple:
            return summary
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(_cell(v) for v in value)
    return " ".join(str(value).replace("|", "/").split())


def to_tsv(records: Iterable[dict[str, object]], columns: tuple[str, ...]) -> str:
    """KGX TSV: a header, then one line per record; lists joined by ``|``, empty cells empty."""
    lines = ["\t".join(columns)]
    for record in records:
        lines.append("\t".join(_cell(record.get(c)) for c in columns))
    return "\n".join(lines) + "\n"


def to_jsonl(records: Iterable[dict[str, object]], columns: tuple[str, ...]) -> str:
    """KGX JSON Lines: one object per line, empty values left out, keys in column order."""
    lines = []
    for record in records:
        kept = {c: record[c] for c in columns if record.get(c) not in (None, [], "")}
        lines.append(json.dumps(kept, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


def kgx_files(graph: Graph, base: Base) -> dict[str, str]:
    """The four KGX release files, keyed by their path under the release directory."""
    kgx = build_kgx(graph, base)
    return {
        "kgx/nodes.tsv": to_tsv(kgx.nodes, NODE_COLUMNS),
        "kgx/edges.tsv": to_tsv(kgx.edges, EDGE_COLUMNS),
        "kgx/nodes.jsonl": to_jsonl(kgx.nodes, NODE_COLUMNS),
        "kgx/edges.jsonl": to_jsonl(kgx.edges, EDGE_COLUMNS),
    }
