"""The SSSOM mapping set is valid (checked with the ``sssom`` package) and says how each mapping was verified."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS
from sssom.constants import SchemaValidationType
from sssom.parsers import parse_sssom_table
from sssom.validators import validate

from conftest import RELEASE, ROOT
from mgkg.build.mappings import read_identifier_tables

SSSOM = RELEASE / "mappings.sssom.tsv"
CHECKS = [
    SchemaValidationType.JsonSchema,
    SchemaValidationType.PrefixMapCompleteness,
    SchemaValidationType.StrictCurieFormat,
]
#: Required by the SSSOM schema: per mapping, and for the mapping set.
REQUIRED_COLUMNS = {"subject_id", "predicate_id", "object_id", "mapping_justification"}
REQUIRED_METADATA = {"mapping_set_id", "license", "curie_map"}


def rows() -> list[dict[str, str]]:
    lines = [line for line in SSSOM.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def problems(path) -> list:
    report = validate(parse_sssom_table(path), CHECKS, fail_on_error=False)
    return [result for check in report.values() for result in check.results]


def test_the_mapping_set_validates():
    assert problems(SSSOM) == []
    msdf = parse_sssom_table(SSSOM)
    assert set(msdf.metadata) | {"curie_map"} >= REQUIRED_METADATA
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/mgkg/graph/mappings.sssom.tsv"
    assert set(msdf.df.columns) >= REQUIRED_COLUMNS


def test_a_malformed_row_is_caught(tmp_path):
    broken = tmp_path / "broken.sssom.tsv"
    text = SSSOM.read_text(encoding="utf-8")
    broken.write_text(text.replace("\tCHEBI:18420\t", "\tNOPREFIX:18420\t", 1), encoding="utf-8")
    assert "NOPREFIX:18420" in broken.read_text(encoding="utf-8")
    assert problems(broken), "an undeclared prefix must fail the prefix-map check"


def test_every_skos_mapping_is_a_row_with_its_verification(release_graph):
    table = rows()
    expected = sum(1 for p in (SKOS.exactMatch, SKOS.closeMatch) for _ in release_graph.subject_objects(p))
    mgkg = "https://w3id.org/mgkg/ontology#"
    expected += sum(  # an mgkg relation under an external one (RO, Biolink, Dublin Core)
        1
        for s, o in release_graph.subject_objects(RDFS.subPropertyOf)
        if str(s).startswith(mgkg) and not str(o).startswith(mgkg)
    )
    assert len(table) == expected > 150
    verified = read_identifier_tables(
        [
            ROOT / "graph" / "reference" / "identifiers.tsv",
            ROOT / "graph" / "reference" / "identifiers-extra.tsv",
        ]
    )
    for row in table:
        assert {k for k, v in row.items() if v} >= REQUIRED_COLUMNS, row
        assert row["predicate_id"] in {"skos:exactMatch", "skos:closeMatch", "rdfs:subPropertyOf"}
        assert row["mapping_justification"] == "semapv:ManualMappingCuration"
        assert row["comment"].startswith(("verified: ", "not in the verified identifier table")), row
        assert "as above" not in row["comment"].lower()
    magnesium = [r for r in table if r["subject_id"] == "kg:magnesium"]
    chebi = next(r for r in magnesium if r["object_id"] == "CHEBI:18420")
    assert chebi["predicate_id"] == "skos:exactMatch" and chebi["object_label"] == "magnesium(2+)"
    record = verified["http://purl.obolibrary.org/obo/CHEBI_18420"]
    assert chebi["comment"] == "verified: " + record["source"]
    close = next(r for r in magnesium if r["object_id"] == "CHEBI:25107")
    assert close["predicate_id"] == "skos:closeMatch"
    # ontology relations are mapped too (under RO and Biolink relations whose definitions cover them)
    assert any(
        r["subject_id"] == "mgkg:directlyInteractsWith"
        and r["predicate_id"] == "rdfs:subPropertyOf"
        and r["object_id"] == "RO:0002436"
        for r in table
    )
    assert (
        URIRef("https://w3id.org/mgkg/id/magnesium"),
        SKOS.exactMatch,
        URIRef(record["iri"]),
    ) in release_graph


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["sssom"])
def test_export_command_writes_the_release_file(tmp_path, fmt):
    out = tmp_path / "m.sssom.tsv"
    subprocess.run([sys.executable, "-m", "mgkg", "export", "--format", fmt, "-o", str(out)], check=True)
    assert out.read_bytes() == SSSOM.read_bytes()
