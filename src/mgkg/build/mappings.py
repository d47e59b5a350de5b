"""The external identifier mappings as an SSSOM mapping set (TSV with its YAML metadata).

Why: tools that align vocabularies (OxO, the Mondo and Biolink pipelines, ``sssom``
itself) exchange mappings as SSSOM, and the graph's ``skos:exactMatch`` /
``skos:closeMatch`` links are exactly such mappings. Each row says how the mapping
was made (``semapv:ManualMappingCuration``: chosen by hand) and, in ``comment``, how
its target was verified: where the identifier and its label were read, from the
project's verified identifier tables (``graph/reference/identifiers*.tsv``), or the
subject's own note when the target is explained there instead. ``object_label`` is
the label as read in that source.

Rows are sorted and the metadata is written in a fixed order, so the file is
byte-stable; the publication date is the release date (the ontology's
``dcterms:modified``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from mgkg.errors import DataError
from mgkg.prefixes import CURIE_PREFIXES, STANDARD_PREFIXES, compact_iri
from mgkg.vocab import MGKG, Base

SEMAPV = "https://w3id.org/semapv/vocab/"
JUSTIFICATION = "semapv:ManualMappingCuration"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "comment",
)
#: Mapping predicates: SKOS between concepts (entities, designs), rdfs:subPropertyOf from an mgkg
#: relation to an external one whose definition covers it (RO, Biolink).
PREDICATES = {
    SKOS.exactMatch: "skos:exactMatch",
    SKOS.closeMatch: "skos:closeMatch",
    RDFS.subPropertyOf: "rdfs:subPropertyOf",
}


def read_identifier_tables(paths: Iterable[Path]) -> dict[str, dict[str, str]]:
    """Verified rows of the identifier tables by IRI; "as above" sources spelled out.

    The first row for an IRI is its record; later rows about the same IRI (the tables'
    notes on IRI patterns) do not replace it.
    """
    rows: dict[str, dict[str, str]] = {}
    for path in paths:
        previous = ""
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                source = " ".join((row.get("source") or "").split())
                if source.lower().startswith("as above"):
                    source = f"{previous}; {source[len('as above') :].strip(' ;,')}".rstrip("; ")
                else:
                    previous = source
                if (row.get("verified") or "").strip() == "yes":
                    rows.setdefault(row["iri"].strip(), {**row, "source": source})
    return rows


def curie_map(base: Base) -> dict[str, str]:
    """Prefixes of every subject, predicate and object the set uses."""
    used = {**CURIE_PREFIXES, "kg": str(base.ids), "mgkg": str(base.ontology), "semapv": SEMAPV}
    for prefix in ("cito", "skos", "obo", "rdfs", "dcterms"):
        used[prefix] = STANDARD_PREFIXES[prefix]
    return dict(sorted(used.items()))


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    curie = compact_iri(iri, prefixes)
    if curie is None:
        raise DataError(f"no CURIE prefix for mapping target {iri}")
    return curie


def _one_line(text: object) -> str:
    return " ".join(str(text).split()) if text is not None else ""


def mapping_rows(graph: Graph, base: Base, verified: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    prefixes = curie_map(base)
    note = base.rebase(MGKG.localTermNote)
    rows = []
    for predicate, predicate_id in PREDICATES.items():
        for subject, target in graph.subject_objects(predicate):
            if not isinstance(subject, URIRef) or not isinstance(target, URIRef):
                continue
            internal = str(target).startswith(str(base.ontology))
            external = not str(subject).startswith(str(base.ontology))
            if predicate == RDFS.subPropertyOf and (internal or external):
                continue  # a link inside the ontology, or between external terms: not a mapping
            record = verified.get(str(target))
            if record is not None:
                comment = f"verified: {record['source']}"
            else:
                explained = graph.value(subject, note) or graph.value(subject, SKOS.definition)
                comment = f"not in the verified identifier table; the subject's note: {_one_line(explained)}"
            rows.append(
                {
                    "subject_id": _compact(str(subject), prefixes),
                    "subject_label": _one_line(graph.value(subject, RDFS.label)),
                    "predicate_id": predicate_id,
                    "object_id": _compact(str(target), prefixes),
                    "object_label": _one_line(record["label_in_source"]) if record else "",
                    "mapping_justification": JUSTIFICATION,
                    "comment": comment,
                }
            )
    return sorted(rows, key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))


def sssom_tsv(graph: Graph, base: Base, version: str, identifier_tables: Iterable[Path]) -> str:
    """The SSSOM TSV: a ``#``-commented YAML metadata block, then one row per mapping."""
    rows = mapping_rows(graph, base, read_identifier_tables(identifier_tables))
    released = graph.value(base.ontology_iri, DCTERMS.modified)
    used = {r[c].split(":", 1)[0] for r in rows for c in ("subject_id", "predicate_id", "object_id")}
    used.add(JUSTIFICATION.split(":", 1)[0])
    metadata = {
        "curie_map": {p: ns for p, ns in curie_map(base).items() if p in used},
        "mapping_set_id": f"{base.iri}graph/mappings.sssom.tsv",
        "mapping_set_version": version,
        "mapping_set_title": "mgkg: external identifier mappings",
        "mapping_set_description": (
            "The skos:exactMatch and skos:closeMatch links of the magnesium and brain health evidence "
            "graph's entities and ontology terms, and the rdfs:subPropertyOf links of its relations, to ChEBI, MeSH, MONDO, HPO, GO, UBERON, NCIT, OBI, RO, "
            "Biolink, PubChem, UNII, CiTO and schema.org identifiers, each curated by hand and verified "
            "against the source named in its comment."
        ),
        "license": LICENSE,
        "creator_label": ["The mgkg project"],
        "mapping_provider": base.iri,
    }
    if released is not None:
        metadata["publication_date"] = str(released)
    header = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000)
    lines = ["#" + line for line in header.splitlines()]
    lines.append("\t".join(COLUMNS))
    lines += ["\t".join(row[c].replace("\t", " ") for c in COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"
