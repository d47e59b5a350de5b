"""The benchmark code itself (never timings): the generator's determinism and shape, and that
the quick mode writes its report.

Speed and memory are measured only by ``make bench`` / ``make bench-quick`` as ratios
against a baseline in the same run; nothing here asserts a time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402

RELEASE = ROOT / "graph" / "mgkg.ttl"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

pytestmark = pytest.mark.skipif(not RELEASE.is_file(), reason="no release: run `mgkg build` first")


@pytest.fixture(scope="module")
def template():
    return generate.load_template(RELEASE)


def shape(path: Path) -> tuple[int, Counter, Counter, list[ox.Triple]]:
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    classes = Counter(t.object.value for t in triples if t.predicate == RDF_TYPE)
    predicates = Counter(t.predicate.value for t in triples)
    return len(triples), classes, predicates, triples


@pytest.fixture(scope="module")
def release_shape():
    return shape(RELEASE)


@pytest.mark.parametrize("target", [10_000, 40_000])
def test_generated_graph_has_the_release_shape(tmp_path, template, release_shape, target):
    out = tmp_path / "g.ttl"
    info = generate.generate(target, out, template=template)
    count, classes, predicates, _ = shape(out)
    _, release_classes, release_predicates, _ = release_shape
    assert count == info["triples"], "the reported count is the file's"
    assert abs(count - target) <= 0.02 * target, f"{count} triples for a target of {target}"
    assert set(classes) == set(release_classes), set(classes) ^ set(release_classes)
    assert set(predicates) == set(release_predicates), set(predicates) ^ set(release_predicates)


def test_byte_identical_for_the_same_seed_and_different_for_another(tmp_path, template):
    a, b, c = tmp_path / "a.ttl", tmp_path / "b.ttl", tmp_path / "c.ttl"
    generate.generate(30_000, a, seed=7, template=template)
    generate.generate(30_000, b, seed=7, template=template)
    generate.generate(30_000, c, seed=8, template=template)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_a_fresh_template_gives_the_same_bytes(tmp_path, template):
    """Determinism across template loads (no dependence on hash seeds or set order)."""
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    generate.generate(20_000, a, template=template)
    generate.generate(20_000, b, template=generate.load_template(RELEASE))
    assert a.read_bytes() == b.read_bytes()


def test_the_release_is_replica_zero_and_copies_are_distinct(tmp_path, template, release_shape):
    out = tmp_path / "g.ttl"
    # three releases' worth (at least 40,000 triples), so the release is copied at least twice
    generate.generate(max(40_000, 3 * len(release_shape[3])), out, template=template)
    _, classes, _, triples = shape(out)
    generated = set(triples)
    release = release_shape[3]
    assert all(t in generated for t in release), "the release is part of every graph at least its size"
    _, release_classes, _, _ = release_shape
    claim = "https://w3id.org/mgkg/ontology#Claim"
    assert classes[claim] >= 2.5 * release_classes[claim], "claims are copied, not shared"
    # entity copies get distinct, readable labels
    entities = {iri for iri, record in template.records.items() if record.entity}
    labels = Counter(
        t.object.value
        for t in triples
        if t.predicate == LABEL and re.sub(r"-r\d+$", "", t.subject.value) in entities
    )
    repeated = [label for label, n in labels.items() if n > 1]
    assert len(repeated) <= 0.02 * len(labels), repeated[:10]


def test_every_release_class_is_a_record_or_an_entity(template):
    for record in template.records.values():
        assert record.classes, f"{record.iri} has no class"
    assert template.hubs, "the most-claimed entities are found"
    assert all(template.records[h].entity for h in template.hubs)


def test_quick_mode_writes_its_report(tmp_path):
    """The quick mode (restricted to the release for speed) writes a report and its data."""
    out = tmp_path / "report.md"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--graphs",
            "release",
            "--only",
            "load,queries,coldstart,viz",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    for heading in ("## Targets", "## Loading", "## Catalog queries", "## Cold start", "## Visualization"):
        assert heading in text, heading
    try:
        import matplotlib  # noqa: F401  (plots need the bench extra)
    except ImportError:
        pass
    else:
        assert (tmp_path / "img" / "bench-load.png").is_file()
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    ours = results["queries"]["release"]["mgkg"]["queries"]
    assert ours and all("rows" in r for r in ours.values()), "every catalog query ran on our path"
    correctness = [c for c in results["checks"] if "row counts" in c["check"] or "runs on mgkg" in c["check"]]
    assert correctness and all(c["ok"] for c in correctness), correctness
