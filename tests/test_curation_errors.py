"""Bad curation input: a clear error naming file and line, and nothing written.

One case per promise of docs/curation.md. Each test breaks a scratch copy of the
project, runs the real command line and checks the message and that the previous
release files are byte-for-byte untouched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_project
from mgkg.build.export import RELEASE_FILES
from mgkg.build.pipeline import build


@pytest.fixture(scope="module")
def built_template(tmp_path_factory) -> Path:
    """A copy of the project with its release built once for the whole module."""
    root = copy_project(tmp_path_factory.mktemp("template") / "project")
    build(root=root)
    return root


@pytest.fixture
def built(built_template, tmp_path) -> Path:
    """A fresh copy of the built project for one test to break."""
    return Path(shutil.copytree(built_template, tmp_path / "project"))


def run_build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mgkg", "--root", str(root), "build"], capture_output=True, text=True
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {name: (root / "graph" / name).read_bytes() for name in RELEASE_FILES}


def append(root: Path, name: str, text: str) -> int:
    """Append YAML records to a curation file; return the line number of the first new line."""
    path = root / "graph" / "curation" / name
    existing = path.read_text(encoding="utf-8")
    if not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + text, encoding="utf-8")
    return existing.count("\n") + 1


PAGE_PASSAGE = """  passage:
    section: "The Mind-Magnesium Connection: Why This Mineral Matters"
    quote: "It naturally modulates the NMDA receptor"
"""

CASES = {
    "unknown entity": (
        "claims.yaml",
        "- id: test-bad-entity\n  subject: magnesium\n  predicate: mayAlleviate\n  object: anxeity-disorder\n"
        "  statement: x.\n  sources: [taproot-magnesium-page]\n" + PAGE_PASSAGE,
        3,
        r"unknown entity 'anxeity-disorder'",
    ),
    "unknown predicate": (
        "claims.yaml",
        "- id: test-bad-predicate\n  subject: magnesium\n  predicate: cures\n  object: insomnia\n"
        "  statement: x.\n  sources: [taproot-magnesium-page]\n" + PAGE_PASSAGE,
        2,
        r"unknown predicate 'cures'",
    ),
    "claim without source": (
        "claims.yaml",
        "- id: test-no-source\n  subject: magnesium\n  predicate: mayAlleviate\n  object: insomnia\n"
        "  statement: x.\n",
        0,
        r"claim 'test-no-source' has no source",
    ),
    "quote not on the page": (
        "claims.yaml",
        "- id: test-bad-quote\n  subject: magnesium\n  predicate: mayAlleviate\n  object: insomnia\n"
        "  statement: x.\n  sources: [taproot-magnesium-page]\n  passage:\n"
        '    section: "The Mind-Magnesium Connection: Why This Mineral Matters"\n'
        '    quote: "magnesium cures everything"\n',
        8,
        r"quote not found on the page",
    ),
    "malformed PMID": (
        "publications.yaml",
        "- id: test-bad-pmid\n  type: JournalArticle\n  title: T\n  authors: [A B]\n  year: 2020\n"
        "  design: [NarrativeReview]\n  pmid: PMID28654669\n",
        6,
        r"malformed PMID 'PMID28654669'",
    ),
    "malformed DOI": (
        "publications.yaml",
        "- id: test-bad-doi\n  type: JournalArticle\n  title: T\n  authors: [A B]\n  year: 2020\n"
        "  design: [NarrativeReview]\n  doi: https://doi.org/10.1/x\n",
        6,
        r"malformed DOI",
    ),
    "malformed CURIE": (
        "entities.yaml",
        "- id: test-bad-curie\n  type: Mineral\n  label: x\n  definition: x.\n  exact: [CHEBI 18420]\n",
        4,
        r"malformed CURIE 'CHEBI 18420'",
    ),
    "unverified CURIE without a note": (
        "entities.yaml",
        "- id: test-unverified\n  type: Mineral\n  label: x\n  definition: x.\n  exact: [CHEBI:99999999]\n",
        4,
        r"CHEBI:99999999 not in the verified identifier table",
    ),
    "duplicate id": (
        "entities.yaml",
        "- id: magnesium\n  type: Mineral\n  label: x\n  definition: x.\n  exact: [CHEBI:18420]\n",
        0,
        r"duplicate id 'magnesium' \(first defined at graph/curation/entities.yaml:\d+\)",
    ),
    "unknown class": (
        "entities.yaml",
        "- id: test-bad-class\n  type: Minerals\n  label: x\n  definition: x.\n  note: local.\n",
        1,
        r"unknown class 'Minerals' \(did you mean 'Mineral'\?\)",
    ),
    "unknown field": (
        "entities.yaml",
        "- id: test-bad-field\n  type: Mineral\n  lable: x\n  definition: x.\n  note: local.\n",
        2,
        r"unknown field 'lable' \(did you mean 'label'\?\)",
    ),
    "value outside the property's range": (
        "claims.yaml",
        "- id: test-bad-value\n  subject: magnesium\n  predicate: enzymaticReactionCount\n  value: many\n"
        "  statement: x.\n  sources: [taproot-magnesium-page]\n" + PAGE_PASSAGE,
        3,
        r"expected an integer, got 'many'",
    ),
    "misspelt predicate lists the closest names": (
        "claims.yaml",
        "- id: test-misspelt-predicate\n  subject: magnesium\n  predicate: mayAleviate\n  object: insomnia\n"
        "  statement: x.\n  sources: [taproot-magnesium-page]\n" + PAGE_PASSAGE,
        2,
        r"unknown predicate 'mayAleviate' \(did you mean 'mayAlleviate'",
    ),
    "misspelt study design lists study designs only": (
        "publications.yaml",
        "- id: test-bad-design\n  type: JournalArticle\n  title: T\n  authors: [A B]\n  year: 2020\n"
        "  design: [RandomisedControlledTrial]\n",
        5,
        r"design: unknown entity 'RandomisedControlledTrial' \(did you mean 'RandomizedControlledTrial'",
    ),
    "dose without its nutrient": (
        "claims-evidence.yaml",
        "- id: test-dose-no-nutrient\n  subject: magnesium-supplementation\n  predicate: mayAlleviate\n"
        "  object: insomnia\n  statement: x.\n  sources: [tarleton2017]\n  qualifiers:\n"
        "    dose: {value: 25, unit: mg/day}\n",
        7,
        r"qualifier 'dose': missing 'nutrient'",
    ),
    "retired magnesium-only dose": (
        "claims-evidence.yaml",
        "- id: test-dose-retired\n  subject: magnesium-supplementation\n  predicate: mayAlleviate\n"
        "  object: insomnia\n  statement: x.\n  sources: [tarleton2017]\n  qualifiers:\n"
        "    dose_mg_per_day: 25\n",
        7,
        r"qualifier 'dose_mg_per_day' was retired: use qualifier 'dose: \{value: 300, unit: mg/day",
    ),
    "retired several-records citation link": (
        "publications.yaml",
        "- id: test-cite-retired\n  type: PrintedCitation\n  label: T\n  printed: T\n"
        "  sources: [taproot-magnesium-page]\n  properties:\n    mostLikelyRefersTo: [noah2021, pouteau2018]\n",
        6,
        r"property 'mostLikelyRefersTo' was retired: use 'refersTo: <the one publication id>'.*'comparedWith'",
    ),
    "unknown unit lists the units": (
        "publications.yaml",
        "- id: test-bad-unit\n  type: JournalArticle\n  title: T\n  authors: [A B]\n  year: 2020\n"
        "  dose: {value: 25, unit: mg, nutrient: magnesium}\n",
        5,
        r"field 'dose': unknown unit 'mg' \(did you mean .*'mg/d'",
    ),
    "dose of something that is not a nutrient": (
        "publications.yaml",
        "- id: test-bad-nutrient\n  type: JournalArticle\n  title: T\n  authors: [A B]\n  year: 2020\n"
        "  dose: {value: 25, unit: mg/day, nutrient: nmda-receptor}\n",
        5,
        r"field 'dose' nutrient: 'nmda-receptor' is not a Nutrient",
    ),
    "YAML syntax error": (
        "claims.yaml",
        "- id: test-yaml\n  subject: [magnesium\n",
        2,
        r"YAML error",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_names_file_and_line_and_writes_nothing(built, case):
    project = built
    before = snapshot(project)
    name, text, offset, pattern = CASES[case]
    first = append(project, name, text)
    result = run_build(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    match = re.search(rf"graph/curation/{re.escape(name)}:(\d+): .*{pattern}", result.stderr)
    assert match, result.stderr
    line = int(match.group(1))
    if case == "YAML syntax error":
        assert first <= line <= first + 2
    else:
        assert line == first + offset, f"reported line {line}, expected {first + offset}"
    assert snapshot(project) == before, "a failed build must leave the previous release untouched"


def test_every_problem_is_reported_not_just_the_first(project):
    append(project, "claims.yaml", CASES["unknown entity"][1] + CASES["unknown predicate"][1])
    result = run_build(project)
    assert "unknown entity 'anxeity-disorder'" in result.stderr
    assert "unknown predicate 'cures'" in result.stderr
    assert re.search(r"\d+ problems in the curated sources", result.stderr)


def test_validate_writes_nothing(project):
    result = subprocess.run(
        [sys.executable, "-m", "mgkg", "--root", str(project), "validate"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert not (project / "graph" / "mgkg.ttl").exists()
