"""Durations in days, computed from the durations as curated.

Why: sources print durations in their own unit ("8 weeks", "6 to 12 weeks") and the
curation keeps that unit, but a researcher comparing trials wants one unit to compare
as numbers. The ontology says, as data, which property gives which curated duration in
days and how many days one unit is (``mgkg:countsDaysOf`` and ``mgkg:daysPerUnit`` on the
days property); this module applies that table and the shapes check it with the same
table, so the conversion is stated once.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from mgkg.build.curation import decimal_literal
from mgkg.vocab import MGKG, Base


def day_conversions(graph: Graph, base: Base) -> list[tuple[URIRef, URIRef, Decimal]]:
    """(curated property, days property, days per unit) for each days property the ontology declares."""
    counts, per_unit = base.rebase(MGKG.countsDaysOf), base.rebase(MGKG.daysPerUnit)
    table = []
    for days_prop, source_prop in sorted(graph.subject_objects(counts)):
        factor = graph.value(days_prop, per_unit)
        if not isinstance(factor, Literal) or not isinstance(source_prop, URIRef):
            raise ValueError(f"{days_prop} needs one mgkg:daysPerUnit number and a property to count")
        table.append((source_prop, days_prop, Decimal(str(factor))))
    return table


def add_durations_in_days(graph: Graph, base: Base) -> int:
    """Add the value in days beside every curated duration; returns how many were added."""
    added = 0
    for source_prop, days_prop, factor in day_conversions(graph, base):
        for subject, value in sorted(graph.subject_objects(source_prop)):
            days = Decimal(str(value)) * factor
            graph.add((subject, days_prop, decimal_literal(days)))
            added += 1
    return added
