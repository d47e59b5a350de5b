"""The grading rubric, one rule at a time, on small graphs built against the real ontology."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from conftest import ROOT
from mgkg.build.grading import Grader
from mgkg.vocab import MGKG, Base

KG = "https://w3id.org/mgkg/id/"


@pytest.fixture
def graph() -> Graph:
    return Graph().parse(ROOT / "ontology" / "mgkg.ttl")


def publication(g: Graph, name: str, designs: list[str], **props) -> URIRef:
    pub = URIRef(KG + name)
    g.add((pub, RDF.type, MGKG.Publication))
    g.add((pub, RDFS.label, Literal(name, lang="en")))
    for design in designs:
        g.add((pub, MGKG.studyDesign, MGKG[design]))
    for key, value in props.items():
        if isinstance(value, str) and value[0].isupper():
            g.add((pub, MGKG[key], MGKG[value]))
        elif isinstance(value, bool):
            g.add((pub, MGKG[key], Literal(value, datatype=XSD.boolean)))
        elif isinstance(value, int):
            g.add((pub, MGKG[key], Literal(value, datatype=XSD.integer)))
        else:
            g.add((pub, MGKG[key], URIRef(KG + value)))
    return pub


def claim(g: Graph, name: str, sources: list[URIRef] = (), kinds: list[str] = ()) -> URIRef:
    node = URIRef(KG + name)
    g.add((node, RDF.type, MGKG.Claim))
    for source in sources:
        g.add((node, PROV.wasDerivedFrom, source))
    for kind in kinds:
        g.add((node, MGKG.restsOn, MGKG[kind]))
    return node


def link(g: Graph, finding: URIRef, page_claim: URIRef, stance: str, directness: str = "Direct") -> None:
    node = URIRef(f"{finding}-on-{page_claim.split('/')[-1]}")
    g.add((node, RDF.type, MGKG.EvidenceLink))
    g.add((node, MGKG.finding, finding))
    g.add((node, MGKG.assessedClaim, page_claim))
    g.add((node, MGKG.stance, MGKG[stance]))
    g.add((node, MGKG.directness, MGKG[directness]))


def grade(g: Graph, node: URIRef) -> tuple[str, dict[str, tuple[int, str]]]:
    name, components = Grader(g, Base()).grade(node)
    return name, {c.criterion: (c.change, c.explanation) for c in components}


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["PageAssertion"], "GradePageAssertionOnly"),
        (["PageAssertion", "VendorMaterial"], "GradeVendorClaimOnly"),
        (["ReferenceValues"], "GradeReferenceValue"),
    ],
)
def test_claims_without_evidence_get_a_band_by_source_kind(graph, kinds, expected):
    node = claim(graph, "c", kinds=kinds)
    name, components = grade(graph, node)
    assert name == expected
    assert components["CriterionStudyDesign"][0] == 0
    expected_text = (
        "reference values" if expected == "GradeReferenceValue" else "No evidence record is linked"
    )
    assert expected_text in components["CriterionStudyDesign"][1]


def test_blinded_placebo_controlled_large_direct_trial_is_high(graph):
    pub = publication(
        graph,
        "trial",
        ["RandomizedControlledTrial"],
        comparator="PlaceboComparator",
        blinding="DoubleBlind",
        sampleSize=240,
    )
    name, components = grade(graph, claim(graph, "finding", [pub]))
    assert name == "GradeHigh"
    assert components["CriterionStudyDesign"][0] == 4
    assert all(change == 0 for key, (change, _) in components.items() if key != "CriterionStudyDesign")


def test_open_label_no_treatment_trial_starts_lower_and_is_rated_down_for_risk_of_bias(graph):
    pub = publication(
        graph,
        "tarleton",
        ["RandomizedControlledTrial", "OpenLabelTrial"],
        comparator="NoTreatmentComparator",
        blinding="OpenLabel",
        sampleSize=126,
    )
    name, components = grade(graph, claim(graph, "finding", [pub]))
    # open label limits the start (3, not the randomized trial's 4), then -1 for risk of bias
    assert components["CriterionStudyDesign"][0] == 3
    assert name == "GradeLow"
    change, why = components["CriterionRiskOfBias"]
    assert change == -1 and "no placebo" in why and "open label" in why


def test_small_trial_is_rated_down_for_imprecision(graph):
    pub = publication(
        graph,
        "small",
        ["RandomizedControlledTrial"],
        comparator="PlaceboComparator",
        blinding="DoubleBlind",
        sampleSize=46,
    )
    name, components = grade(graph, claim(graph, "finding", [pub]))
    assert name == "GradeModerate"
    assert components["CriterionImprecision"] == (-1, "small: 46 participants, fewer than 100.")


def test_co_supplement_makes_evidence_indirect(graph):
    pub = publication(
        graph,
        "mgb6",
        ["RandomizedControlledTrial"],
        comparator="PlaceboComparator",
        blinding="DoubleBlind",
        sampleSize=300,
        coSupplement="vitamin-b6",
    )
    graph.add((URIRef(KG + "vitamin-b6"), RDFS.label, Literal("vitamin B6", lang="en")))
    name, components = grade(graph, claim(graph, "finding", [pub]))
    assert name == "GradeModerate"
    assert "the studied nutrient was given with vitamin B6" in components["CriterionIndirectness"][1]
    # the words name the nutrient from the data: the study's dose, else what its findings are about
    dose = URIRef(KG + "mgb6-dose")
    graph.add((pub, MGKG.dailyDose, dose))
    graph.add((dose, MGKG.amountOf, URIRef(KG + "zinc")))
    graph.add((URIRef(KG + "zinc"), RDFS.label, Literal("zinc", lang="en")))
    _name, components = grade(graph, claim(graph, "finding", [pub]))
    assert "zinc was given with vitamin B6" in components["CriterionIndirectness"][1]
    graph.remove((pub, MGKG.dailyDose, dose))
    supplementation = URIRef(KG + "zinc-supplementation")
    graph.add((URIRef(KG + "finding"), RDF.subject, supplementation))
    graph.add((supplementation, MGKG.suppliesNutrient, URIRef(KG + "zinc")))
    _name, components = grade(graph, claim(graph, "finding", [pub]))
    assert "zinc was given with vitamin B6" in components["CriterionIndirectness"][1]


def test_page_claim_takes_the_best_supporting_evidence_and_counts_dissent(graph):
    review = publication(
        graph,
        "review",
        ["MetaAnalysis", "SystematicReview"],
        comparator="PlaceboComparator",
        blinding="BlindingNotApplicable",
        sampleSize=151,
        authorsRateEvidenceLow=True,
    )
    null = publication(graph, "null", ["SystematicReview"], studiesIncluded=9, heterogeneousResults=True)
    page = claim(graph, "page-claim", kinds=["PageAssertion"])
    f1 = claim(graph, "review-finding", [review])
    f2 = claim(graph, "null-finding", [null])
    link(graph, f1, page, "StancePartial", "Direct")
    link(graph, f2, page, "StanceNoEffect", "Direct")
    name, components = grade(graph, page)
    assert name == "GradeVeryLow"  # 4 - bias - inconsistency - indirectness
    assert components["CriterionStudyDesign"][0] == 4
    assert "its authors rate the evidence low" in components["CriterionRiskOfBias"][1]
    assert "null" in components["CriterionInconsistency"][1]
    assert "supports only part of the claim" in components["CriterionIndirectness"][1]


def test_only_preclinical_evidence_is_its_own_band(graph):
    rodent = publication(graph, "rodent", ["PreclinicalStudy"], humanStudy=False)
    page = claim(graph, "page-claim", kinds=["PageAssertion"])
    link(graph, claim(graph, "rodent-finding", [rodent]), page, "StanceSupports")
    assert grade(graph, page)[0] == "GradePreclinicalOnly"


def test_human_evidence_that_finds_nothing_means_not_supported(graph):
    review = publication(graph, "ijpm", ["SystematicReview"], studiesIncluded=10)
    page = claim(graph, "page-claim", kinds=["PageAssertion"])
    link(graph, claim(graph, "null-finding", [review]), page, "StanceNoEffect")
    name, components = grade(graph, page)
    assert name == "GradeNotSupported"
    assert "ijpm" in components["CriterionInconsistency"][1]


def test_grades_are_written_with_components_and_used_for_edges(graph):
    from mgkg.build.derive import derive_edges
    from mgkg.build.grading import grade_claims
    from mgkg.build.synthesis import synthesize

    pub = publication(
        graph,
        "trial",
        ["MetaAnalysis"],
        comparator="PlaceboComparator",
        sampleSize=900,
        studiesIncluded=8,
        authorsRateEvidenceLow=False,
    )
    good = claim(graph, "good", [pub])
    weak = claim(graph, "weak", kinds=["PageAssertion"])
    for node in (good, weak):
        graph.add((node, RDF.subject, URIRef(KG + "magnesium")))
        graph.add((node, RDF.predicate, MGKG.mayAlleviate))
        graph.add((node, RDF.object, URIRef(KG + node.split("/")[-1] + "-condition")))
    grade_claims(graph, Base())
    assert graph.value(good, MGKG.evidenceGrade) == MGKG.GradeHigh
    assert len(list(graph.objects(good, MGKG.gradeComponent))) == 5
    derive_edges(graph, Base(), synthesize(graph, Base()))
    assert (URIRef(KG + "magnesium"), MGKG.mayAlleviate, URIRef(KG + "good-condition")) in graph
    assert (URIRef(KG + "magnesium"), MGKG.mayAlleviate, URIRef(KG + "weak-condition")) not in graph
    assert graph.value(weak, MGKG.assertedAsEdge).toPython() is False


def test_active_comparator_leaves_magnesium_uncontrolled(graph):
    pub = publication(
        graph,
        "pouteau",
        ["RandomizedControlledTrial"],
        comparator="ActiveComparator",
        blinding="SingleBlind",
        analyzedSize=264,
    )
    dose = URIRef(KG + "pouteau-dose")
    graph.add((pub, MGKG.dailyDose, dose))
    graph.add((dose, MGKG.amountOf, URIRef(KG + "magnesium")))
    graph.add((URIRef(KG + "magnesium"), RDFS.label, Literal("magnesium", lang="en")))
    name, components = grade(graph, claim(graph, "finding", [pub]))
    assert name == "GradeLow"
    change, why = components["CriterionRiskOfBias"]
    assert change == -2 and "every arm received magnesium and the effect of magnesium itself" in why


def test_meta_analysis_of_observational_studies_starts_as_observational(graph):
    pub = publication(
        graph,
        "obs-ma",
        ["SystematicReview", "MetaAnalysis", "ObservationalStudy"],
        comparator="HealthyControls",
        studiesIncluded=12,
    )
    name, components = grade(graph, claim(graph, "finding", [pub]))
    assert components["CriterionStudyDesign"][0] == 2
    assert name == "GradeLow"


def test_review_of_trials_without_stated_certainty_is_rated_down(graph):
    pub = publication(
        graph, "ma", ["SystematicReview", "MetaAnalysis"], comparator="PlaceboComparator", sampleSize=325
    )
    name, components = grade(graph, claim(graph, "finding", [pub]))
    assert name == "GradeModerate"
    assert "does not state the certainty" in components["CriterionRiskOfBias"][1]
    graph.add((pub, MGKG.authorsRateEvidenceLow, Literal(False, datatype=XSD.boolean)))
    assert grade(graph, URIRef(KG + "finding"))[0] == "GradeHigh"


def test_a_null_finding_is_not_supported_and_never_an_edge(graph):
    pub = publication(
        graph,
        "mah",
        ["MetaAnalysis"],
        comparator="PlaceboComparator",
        sampleSize=151,
        authorsRateEvidenceLow=True,
    )
    node = claim(graph, "tst-finding", [pub])
    graph.add((node, MGKG.polarity, MGKG.PolarityNoEffect))
    assert grade(graph, node)[0] == "GradeNotSupported"


def test_dissent_from_evidence_at_least_as_strong_costs_two_levels(graph):
    trial = publication(
        graph,
        "abbasi",
        ["RandomizedControlledTrial"],
        comparator="PlaceboComparator",
        blinding="DoubleBlind",
        sampleSize=46,
    )
    review = publication(
        graph,
        "mah",
        ["MetaAnalysis"],
        comparator="PlaceboComparator",
        sampleSize=151,
        authorsRateEvidenceLow=True,
    )
    page = claim(graph, "tst", kinds=["PageAssertion"])
    link(graph, claim(graph, "abbasi-tst", [trial]), page, "StanceSupports")
    link(graph, claim(graph, "mah-tst", [review]), page, "StanceNoEffect")
    name, components = grade(graph, page)
    assert components["CriterionInconsistency"][0] == -2
    assert "at least as strong as the anchor" in components["CriterionInconsistency"][1]
    assert name == "GradeVeryLow"  # 4 - imprecision - 2 inconsistency


def test_indirectness_counts_each_reason_up_to_two(graph):
    pub = publication(
        graph,
        "noah",
        ["RandomizedControlledTrial"],
        comparator="PlaceboComparator",
        blinding="DoubleBlind",
        sampleSize=300,
        coSupplement="vitamin-b6",
    )
    page = claim(graph, "page-claim", kinds=["PageAssertion"])
    link(graph, claim(graph, "f", [pub]), page, "StancePartial", "Indirect")
    name, components = grade(graph, page)
    assert components["CriterionIndirectness"][0] == -2
    assert name == "GradeLow"


def test_reference_values_take_precedence_over_linked_studies(graph):
    pub = publication(graph, "firoz", ["BioavailabilityStudy"])
    page = claim(graph, "ods-claim", kinds=["ReferenceValues"])
    link(graph, claim(graph, "firoz-finding", [pub]), page, "StancePartial")
    name, components = grade(graph, page)
    assert name == "GradeReferenceValue"
    assert "firoz" in components["CriterionStudyDesign"][1]


def test_an_anchor_with_mixed_outcomes_is_not_its_own_stronger_dissent(graph):
    review = publication(
        graph,
        "mah",
        ["MetaAnalysis"],
        comparator="PlaceboComparator",
        sampleSize=151,
        authorsRateEvidenceLow=True,
    )
    page = claim(graph, "sleep", kinds=["PageAssertion"])
    link(graph, claim(graph, "mah-sol", [review]), page, "StancePartial")
    link(graph, claim(graph, "mah-tst", [review]), page, "StanceNoEffect")
    name, components = grade(graph, page)
    change, why = components["CriterionInconsistency"]
    assert change == -1 and "mah itself finds no effect" in why and "other linked evidence" not in why
    assert name == "GradeVeryLow"  # 4 - bias - inconsistency - indirectness (partial)
