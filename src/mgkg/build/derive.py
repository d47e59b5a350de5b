"""Derive direct edges from claim nodes (the rule is ``mgkg:derivationRule`` in the ontology).

Why a separate step: claims are the primary data. A consumer who reads only direct
triples (``kg:magnesium mgkg:mayAlleviate kg:depressive-disorder``) must not be misled,
so a triple is asserted only when the summary of all the evidence on it says so
(:mod:`mgkg.build.synthesis`), never because one claim cleared a bar. Every claim records
whether its triple was asserted (``mgkg:assertedAsEdge``) and what kinds of source it
rests on (``mgkg:restsOn``).
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from mgkg.build.synthesis import Summary
from mgkg.vocab import MGKG, Base


def annotate_source_kinds(graph: Graph, base: Base) -> None:
    """Add ``claim mgkg:restsOn kind`` for the kind of every source of every claim, and type a
    claim derived from a publication ``mgkg:Finding``."""
    kind = base.rebase(MGKG.sourceKind)
    rests_on = base.rebase(MGKG.restsOn)
    publication, finding = base.rebase(MGKG.Publication), base.rebase(MGKG.Finding)
    for claim in sorted(graph.subjects(RDF.type, base.rebase(MGKG.Claim))):
        for source in graph.objects(claim, PROV.wasDerivedFrom):
            for k in graph.objects(source, kind):
                if isinstance(k, URIRef):
                    graph.add((claim, rests_on, k))
            if (source, RDF.type, publication) in graph:
                graph.add((claim, RDF.type, finding))


def derive_edges(graph: Graph, base: Base, summaries: list[Summary]) -> int:
    """Assert (S P O) for each summary that asserts its edge; mark every claim; return edges added.

    A claim is marked ``mgkg:assertedAsEdge true`` when its relation's summary asserted
    the triple and the claim itself affirms it (a no-effect finding on an asserted
    relation stays false: it did not produce the edge).
    """
    asserted = base.rebase(MGKG.assertedAsEdge)
    polarity = base.rebase(MGKG.polarity)
    affirmed = base.rebase(MGKG.PolarityAffirmed)
    added = 0
    for summary in summaries:
        for claim in summary.claims:
            value = graph.value(claim, polarity)
            ok = summary.asserts and value in (None, affirmed)
            graph.add((claim, asserted, Literal(ok, datatype=XSD.boolean)))
        if summary.asserts and summary.triple not in graph:
            graph.add(summary.triple)
            added += 1
    return added
