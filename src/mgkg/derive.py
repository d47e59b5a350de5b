"""Derive direct edges from claim nodes (the rule is ``mgkg:derivationRule`` in the ontology).

Why a separate step: claims are the primary data. A consumer who reads only direct
triples (``kg:magnesium mgkg:mayAlleviate kg:depressive-disorder``) must not be misled,
so only claims whose computed evidence grade clears the documented bar
(``mgkg:clearsEdgeBar`` on the grade) become direct triples. Every claim records whether
it did (``mgkg:assertedAsEdge``) and what kinds of source it rests on (``mgkg:restsOn``).
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from .vocab import MGKG, Base


def annotate_source_kinds(graph: Graph, base: Base) -> None:
    """Add ``claim mgkg:restsOn kind`` for the kind of every source of every claim."""
    kind = base.rebase(MGKG.sourceKind)
    rests_on = base.rebase(MGKG.restsOn)
    for claim in sorted(graph.subjects(RDF.type, base.rebase(MGKG.Claim))):
        for source in graph.objects(claim, PROV.wasDerivedFrom):
            for k in graph.objects(source, kind):
                if isinstance(k, URIRef):
                    graph.add((claim, rests_on, k))


def derive_edges(graph: Graph, base: Base) -> int:
    """Assert (S P O) for each graded claim whose grade clears the bar; return edges added."""
    grade_of = base.rebase(MGKG.evidenceGrade)
    clears = base.rebase(MGKG.clearsEdgeBar)
    asserted = base.rebase(MGKG.assertedAsEdge)
    added = 0
    for claim in sorted(graph.subjects(RDF.type, base.rebase(MGKG.Claim))):
        grade = graph.value(claim, grade_of)
        bar = graph.value(grade, clears) if grade is not None else None
        triple = (
            graph.value(claim, RDF.subject),
            graph.value(claim, RDF.predicate),
            graph.value(claim, RDF.object),
        )
        ok = bar is not None and bool(bar.toPython()) and None not in triple
        graph.add((claim, asserted, Literal(ok, datatype=XSD.boolean)))
        if ok and triple not in graph:
            graph.add(triple)
            added += 1
    return added
