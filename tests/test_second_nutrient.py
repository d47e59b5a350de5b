"""A second nutrient added through curation files only: right for it, unchanged for magnesium.

The fixture (``tests/fixtures/second-nutrient/``, fictitious and marked so) adds a
mineral with a mechanism claim, two depression claims (a finding with a daily dose above
the nutrient's upper limit) and two reference values. The module builds the release
with it in a scratch copy of the project, once, and checks doses and units, grades,
summaries, catalog queries, ``explain`` and the views for the new nutrient, and that
magnesium's summaries, flags, query answers and explanations are exactly those of the
committed release.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from conftest import RELEASE, ROOT, copy_project
from mgkg.api import KnowledgeGraph
from mgkg.build.pipeline import ValidationError, build, shacl_check
from mgkg.views.explain import explain, format_text
from mgkg.views.model import build_claim_graph
from mgkg.views.viz import show
from mgkg.vocab import MGKG, QUDT, Base

FIXTURE = ROOT / "tests" / "fixtures" / "second-nutrient"
KG = "https://w3id.org/mgkg/id/"
UNIT = "http://qudt.org/vocab/unit/"
FIXTURE_IDS = ("fixturium", "fixture-", "finding-fixture-", "summary-fixturium")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The project with the fixture's curation files added, built once."""
    root = copy_project(tmp_path_factory.mktemp("second-nutrient") / "project")
    for path in sorted(FIXTURE.glob("*.yaml")):
        shutil.copy(path, root / "graph" / "curation" / path.name)
    build(root=root)
    return root


@pytest.fixture(scope="module")
def graph(project) -> Graph:
    return Graph().parse(project / "graph" / "mgkg.ttl", format="turtle")


@pytest.fixture(scope="module")
def kg(project) -> KnowledgeGraph:
    return KnowledgeGraph.load(project / "graph" / "mgkg.ttl", root=ROOT, memory=True)


@pytest.fixture(scope="module")
def released() -> KnowledgeGraph:
    return KnowledgeGraph.load(RELEASE / "mgkg.ttl", root=ROOT, memory=True)


@pytest.fixture(scope="module")
def claim_graphs(project):
    return build_claim_graph(RELEASE / "mgkg.ttl"), build_claim_graph(project / "graph" / "mgkg.ttl")


def ours(iri: str) -> bool:
    """True for a term the fixture adds (fixturium and its records)."""
    return iri.startswith(KG) and iri[len(KG) :].startswith(FIXTURE_IDS)


def amount(graph: Graph, node: URIRef) -> tuple[float, str, str, str]:
    (value,) = graph.objects(node, QUDT.numericValue)
    (unit,) = graph.objects(node, QUDT.hasUnit)
    (nutrient,) = graph.objects(node, MGKG.amountOf)
    return float(value), str(unit), str(nutrient), str(graph.value(node, RDFS.label))


def test_doses_and_reference_values_carry_their_unit_and_nutrient(graph):
    (dose,) = graph.objects(URIRef(KG + "fixture-trial-2021"), MGKG.dailyDose)
    assert amount(graph, dose) == (50.0, UNIT + "MilliGM-PER-DAY", KG + "fixturium", "50 mg/d of fixturium")
    (qualifier,) = graph.objects(URIRef(KG + "finding-fixture-trial-2021-depression"), MGKG.qualifierDose)
    assert amount(graph, qualifier)[:3] == (50.0, UNIT + "MilliGM-PER-DAY", KG + "fixturium")
    (limit,) = graph.objects(URIRef(KG + "ul-fixturium-adults"), MGKG.referenceAmount)
    assert amount(graph, limit)[:3] == (40.0, UNIT + "MilliGM-PER-DAY", KG + "fixturium")
    # magnesium's amounts are the ones the committed release has
    (tarleton,) = graph.objects(URIRef(KG + "tarleton2017"), MGKG.dailyDose)
    assert amount(graph, tarleton)[:3] == (248.0, UNIT + "MilliGM-PER-DAY", KG + "magnesium")


def test_upper_limits_are_per_nutrient(graph, release_graph):
    flagged = {str(s) for s in graph.subjects(MGKG.exceedsUpperLimit, Literal(True))}
    before = {str(s) for s in release_graph.subjects(MGKG.exceedsUpperLimit, Literal(True))}
    assert {s for s in flagged if not ours(s)} == before  # magnesium: the same flags
    # 50 mg/day is above fixturium's 40 mg/day, though far below magnesium's 350
    assert KG + "fixture-trial-2021" in flagged and KG + "finding-fixture-trial-2021-depression" in flagged


def test_the_new_claims_are_graded_and_summarized_naming_the_nutrient(graph):
    grades = {
        name: str(graph.value(URIRef(KG + name), MGKG.evidenceGrade)).rsplit("#", 1)[-1]
        for name in ("fixturium-blocks-nmda", "finding-fixture-trial-2021-depression", "fixturium-has-ul")
    }
    assert grades == {
        "fixturium-blocks-nmda": "GradePreclinicalOnly",
        "finding-fixture-trial-2021-depression": "GradeModerate",
        "fixturium-has-ul": "GradeReferenceValue",
    }
    summary = URIRef(KG + "summary-fixturium-supplementation-may-alleviate-depressive-disorder")
    plain = str(graph.value(summary, MGKG.plainSummary))
    assert "supports that fixturium supplementation may alleviate depressive disorder" in plain
    assert "gave 50 mg/d of fixturium, above the adult upper limit of 40 mg/d of fixturium" in plain
    assert "magnesium" not in plain
    mechanism = str(graph.value(URIRef(KG + "summary-fixturium-blocks-nmda-receptor"), MGKG.plainSummary))
    assert mechanism.startswith("Not yet replicated in the graph: only 1 publication (Okafor & Lind 2019)")
    # a first author with a two-word surname keeps it whole
    assert graph.value(URIRef(KG + "fixture-trial-2021"), RDFS.label) == Literal(
        "da Costa et al. 2021", lang="en"
    )


def test_magnesium_summaries_are_unchanged(graph, release_graph):
    def summaries(g: Graph) -> dict[str, tuple]:
        return {
            str(s): tuple(
                str(g.value(s, MGKG[p])) for p in ("plainSummary", "certainty", "assertsEdge", "edgeReason")
            )
            for s in g.subjects(RDF.type, MGKG.EvidenceSummary)
            if not ours(str(g.value(s, RDF.subject)))
        }

    before, after = summaries(release_graph), summaries(graph)
    assert before and after == before


def test_catalog_queries_take_the_nutrient(kg, released):
    rows = kg.run("reference-values", nutrient=KG + "fixturium").rows
    assert sorted((r["type"], r["amount"], r["unit"]) for r in rows) == [
        ("RDA", 11.0, "mg/d"),
        ("UL", 40.0, "mg/d"),
    ]
    # the default is magnesium, and magnesium's answer is the release's
    assert kg.run("reference-values").rows == released.run("reference-values").rows
    (study,) = {
        (r["dose"], r["doseUnit"], r["doseNutrient"])
        for r in kg.run("evidence-for-form", form=KG + "magnesium-chloride").rows
        if r["publication"] == "Tarleton et al. 2017, PLoS One"
    }
    assert study == (248.0, "mg/d", KG + "magnesium")
    targets = {r["target"] for r in kg.run("mechanisms-of-action", agent=KG + "fixturium").rows}
    assert targets == {KG + "nmda-receptor"}
    doses = kg.run("interventions-for-condition", condition=KG + "depressive-disorder").rows
    fixture = [r for r in doses if r["claim"] == KG + "finding-fixture-trial-2021-depression"]
    assert [(r["dose"], r["doseUnit"], r["doseNutrient"]) for r in fixture] == [
        (50.0, "mg/d", KG + "fixturium")
    ]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("magnesium", "NMDA receptor"),
        ("magnesium", "depressive disorder"),
        ("magnesium", "insomnia"),
        ("magnesium supplementation", "depressive disorder"),
        ("magnesium", "anxiety"),
    ],
)
def test_magnesium_explanations_are_unchanged(claim_graphs, source, target):
    before, after = claim_graphs
    assert format_text(after, explain(after, source, target)) == format_text(
        before, explain(before, source, target)
    )


def test_without_the_policy_the_new_nutrient_would_crowd_magnesium(claim_graphs):
    """The test above can fail: asked for siblings, the fixture's paths do show up."""
    before, after = claim_graphs
    routes = [
        [after.nodes[n]["entity"].label for n in p.nodes]
        for p in explain(after, "magnesium", "NMDA receptor", include_siblings=True).paths
    ]
    assert ["magnesium", "depressive disorder", "fixturium", "NMDA receptor"] in routes
    assert len(explain(before, "magnesium", "NMDA receptor", include_siblings=True).paths) == 5


def test_explain_the_new_nutrient(claim_graphs):
    _before, after = claim_graphs
    result = explain(after, "fixturium", "NMDA receptor")
    assert [[after.nodes[n]["entity"].label for n in p.nodes] for p in result.paths][0] == [
        "fixturium",
        "NMDA receptor",
    ]
    assert result.paths[0].weakest == "preclinical"


def test_views_of_the_new_nutrient(claim_graphs):
    _before, after = claim_graphs
    view = show(graph=after, focus="fixturium", depth=1)
    data = view.html
    # its supplementation is part of a nutrient's view, with what the supplementation does
    assert "fixturium supplementation" in data and "depressive disorder" in data
    assert "mineral (fixturium" in data  # the legend names the nutrient in view
    assert "mineral (fixturium, magnesium)" in show(graph=after).html


def test_shacl_rejects_a_dose_without_its_nutrient(graph):
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    (dose,) = broken.objects(URIRef(KG + "fixture-trial-2021"), MGKG.dailyDose)
    broken.remove((dose, MGKG.amountOf, None))
    with pytest.raises(ValidationError, match="must name the one nutrient it measures"):
        shacl_check(broken, ROOT / "ontology" / "shapes.ttl", Base())
