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


def test_virtuoso_buffers_follow_the_graph_within_the_machine():
    from bench import virtuoso

    assert virtuoso.memory_for(10_000, 24.0) == 0.5, "a floor for small graphs"
    assert 1.5 <= virtuoso.memory_for(10_000_000, 24.0) <= 2.5, "about 200 bytes a triple"
    assert virtuoso.memory_for(10**9, 24.0) == 8.0, "never more than a third of the machine"


def test_virtuoso_bulk_loader_loads_every_triple(tmp_path, template):
    """ld_dir + rdf_loader_run through isql-vt, into the named graph the catalog queries."""
    from bench import virtuoso

    if not virtuoso.available():
        pytest.fail(f"Virtuoso is not installed: apt-get install {virtuoso.DEB_PACKAGE} (make test does)")
    data = tmp_path / "data"
    data.mkdir()
    graph = data / "g.ttl"
    generate.generate(10_000, graph, template=template)
    expected = len(ox.Dataset(ox.parse(path=str(graph), format=ox.RdfFormat.TURTLE)))
    server = virtuoso.start(tmp_path / "db", allowed=(data,))
    try:
        assert virtuoso.bulk_load(server, graph) == expected
        assert virtuoso.bulk_load(server, graph) == expected, "loading again replaces the graph"
        state = virtuoso.status(server)
    finally:
        server.stop()
    assert state["buffers"] == int(0.5 * 85_000) and 0 < state["buffers_used"] <= state["buffers"]
    assert state["hwm_mb"] >= state["rss_mb"] > 0


def _engine(times: dict[str, float], rows: int = 10, timeout: set[str] = frozenset()) -> dict:
    return {
        "queries": {
            n: ({"timeout": 15.0} if n in timeout else {"times": [v, v, v], "rows": rows})
            for n, v in times.items()
        },
        "info": {"peak_mb": 100.0, "ready_seconds": 1.0},
    }


def _results() -> dict:
    """A full run's results in miniature: 10^6 with every engine, 10^7 without rdflib."""
    names = ["a", "b", "c"]
    at6 = {
        "mgkg": _engine(dict(zip(names, (0.2, 0.5, 2.0), strict=True))),
        "mgkg-mem": _engine(dict(zip(names, (0.1, 0.2, 1.5), strict=True))),
        "pyoxigraph": _engine(dict(zip(names, (0.1, 0.4, 1.0), strict=True))),
        "pyoxigraph-mem": _engine(dict(zip(names, (0.05, 0.1, 1.2), strict=True))),
        "rdflib": _engine(dict(zip(names, (5.0, 9.0, 1.0), strict=True))),
        "virtuoso": _engine(dict(zip(names, (0.3, 0.4, 6.0), strict=True))),
    }
    at6["virtuoso"]["info"].update(
        round_trip=0.004,
        virtuoso={
            "method": "bulk loader",
            "seconds": 26.0,
            "triples": 1_000_000,
            "memory_gb": 0.5,
            "after_load": {"buffers": 42500, "buffers_used": 4000, "hwm_mb": 1100.0, "rss_mb": 1000.0},
        },
    )
    at7 = {k: v for k, v in at6.items() if k != "rdflib"}
    at7["mgkg-mem"] = _engine(dict(zip(names, (1.0, 2.0, 15.0), strict=True)), timeout={"c"})
    at7["mgkg-mem"]["info"]["peak_mb"] = 5000.0
    load = {
        g: {
            "mgkg": {"time": {"median": s, "n": 1}, "peak_mb": {"median": m}, "base_mb": {"median": 26}},
            "mgkg-warm": {
                "time": {"median": s / 50, "n": 1},
                "peak_mb": {"median": m / 4},
                "base_mb": {"median": 26},
            },
            "pyoxigraph": {
                "time": {"median": s / 2, "n": 1},
                "peak_mb": {"median": m * 2},
                "base_mb": {"median": 21},
            },
            **(
                {
                    "rdflib": {
                        "time": {"median": 45.0, "n": 1},
                        "peak_mb": {"median": 1500.0},
                        "base_mb": {"median": 28},
                    }
                }
                if g == "1e6"
                else {"rdflib": {"skipped": "rdflib is not run above 10^6"}}
            ),
        }
        for g, s, m in (("1e6", 6.0, 950.0), ("1e7", 53.0, 2200.0))
    }
    return {
        "mode": "full",
        "started": "2026-12-02 20:00 UTC",
        "config": {
            "rdflib_budget": [5.0, 15.0],
            "budget": 15.0,
            "graph_queries": {"1e7": {"repeats": 1, "budget": 15.0}},
        },
        "machine": {"memory_gb": 23.5, "cpus": 2},
        "graphs": {"1e6": {"triples": 1_000_000, "bytes": 6e7}, "1e7": {"triples": 10_000_000, "bytes": 6e8}},
        "load": load,
        "queries": {"1e6": at6, "1e7": at7},
    }


def test_report_judges_targets_at_1e6_and_reports_1e7_and_virtuoso(tmp_path):
    """10^7 is measured beside 10^6 without becoming the graph the targets are judged on; the
    rdflib estimate, the memory ceiling and Virtuoso's load come from the numbers given."""
    from bench import report
    from bench.run import checks

    results = _results()
    results["checks"] = checks(results)
    text = report.render(results, [], tmp_path / "img", tmp_path / "b.md", tmp_path / "r.json")
    targets = text.split("## Targets")[1].split("## ")[0]
    assert "(10^6)" in targets and "(10^7)" not in targets
    assert "every catalog query under 1 s in memory (10^6) | 2 of 3; not: c" in targets
    assert (
        "5 engines × the catalog: 14 answered, 1 past the budget, 0 refused by Virtuoso, 0 failed | **met**"
        in targets
    )
    assert "### Every query at 10^7" in text and "rdflib is not run here" in text
    # rdflib at 10^7, scaled from 10^6: 45 s x 10 = 7.5 minutes, 1,500 MB x 10 = 14.6 GB
    assert "about 8 minutes and 14.6 GB" in text
    # ceiling: 5,000 MB at 10^7 (the largest in-memory peak) -> 0.75 x 23.5 GB / 524 bytes
    assert "5,000 MB for 10,000,000 triples" in text and "about 36 million triples" in text
    virtuoso = text.split("## Virtuoso")[1].split("\n## ")[0]
    assert "bulk loader: 26.0 s" in virtuoso and "0.5 GB; 31 MB used" in virtuoso
    assert "engines agree on row counts" not in virtuoso and "agree" in virtuoso
    why = text.split("## Why targets are missed")[1]
    assert "`c` | 10 | 1.50 s | the engine: raw pyoxigraph alone takes 1.20 s" in why
    assert "From 10^6 to 10^7" in why and "past the 10^7 budget: `c`" in why


def test_a_partial_run_replaces_only_the_graphs_it_measured():
    from bench import run

    previous = _results()
    partial = {
        "started": "2026-12-02 21:00 UTC",
        "machine": previous["machine"],
        "graphs": {"1e7": previous["graphs"]["1e7"]},
        "load": {"1e7": previous["load"]["1e6"]},
        "queries": {"1e7": {"mgkg": _engine({"a": 9.0})}},
    }
    merged = run.merge_partial(_results(), partial, {"load", "queries"}, run.FULL)
    assert merged["load"]["1e6"] == previous["load"]["1e6"], "other graphs' loading is kept"
    assert merged["queries"]["1e6"] == previous["queries"]["1e6"]
    assert set(merged["queries"]["1e7"]) == {"mgkg"}, "one graph's engines come from one run"
    assert merged["refreshed"]["queries"]["1e7"] == {"engines": ["mgkg"], "at": "2026-12-02 21:00 UTC"}
    assert merged["refreshed"]["load"] == {"1e7": "2026-12-02 21:00 UTC"}
