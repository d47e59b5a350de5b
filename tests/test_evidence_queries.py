"""Expected answers of the evidence and citation-audit catalog queries.

Each test runs a catalog query by name through the notebook API (the embedded engine
over graph/mgkg.ttl) and pins what citations.md §2 and the grading rubric say the
answer must contain.
"""

from __future__ import annotations

import pytest

import mgkg.api as kg

KG = "https://w3id.org/mgkg/id/"


@pytest.fixture(scope="module")
def graph():
    return kg.load()


def local(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_page_claims_with_verdicts(graph):
    rows = graph.run("page-claims-with-verdicts").rows
    by_claim = {local(r["claim"]): r for r in rows}
    noah = by_claim["supplementation-reduces-stress-young-adults"]
    assert (noah["resolution"], noah["verdict"]) == ("no record found", "overstates")
    assert "placebo" in noah["reason"]
    assert by_claim["supplementation-improves-depression-rct"]["resolution"] == "matches a record"
    assert by_claim["supplementation-improves-depression-rct"]["verdict"] == "supports"
    assert by_claim["supplementation-b6-reduces-hyperactivity"]["verdict"] == "does not support"
    assert by_claim["supplementation-total-sleep-time-older-adults"]["verdict"] == "overstates"
    assert by_claim["supplementation-sleep-onset-latency-older-adults"]["verdict"] == "supports"
    assert by_claim["nutratek-protects-from-stomach-acid"]["verdict"] == "not assessable"
    # weakest verdicts first
    order = ["does not support", "overstates", "not assessable", "partially supports", "supports"]
    ranks = [order.index(r["verdict"]) for r in rows]
    assert ranks == sorted(ranks)
    # only one of the five study citations matches a record as printed
    matches = {local(r["citation"]) for r in rows if r["resolution"] == "matches a record"}
    assert matches == {"cite-tarleton-2017"}


def test_citation_discrepancies_reproduce_the_noah_findings(graph):
    rows = [r for r in graph.run("citation-discrepancies").rows if local(r["citation"]) == "cite-noah-2022"]
    fields = {r["field"]: r for r in rows}
    assert {
        "year",
        "journal",
        "comparator",
        "co-supplement",
        "duration",
        "design",  # the citation field; "study design" is the grading criterion's label
        "population",
        "identifier",
    } <= set(fields)
    assert fields["year"]["pageValue"] == "2022" and "2021" in fields["year"]["recordValue"]
    assert (
        fields["journal"]["pageValue"] == "Nutrients"
        and "Stress and Health" in fields["journal"]["recordValue"]
    )
    assert (
        "placebo" in fields["comparator"]["pageValue"]
        and "No placebo arm" in fields["comparator"]["recordValue"]
    )
    assert "vitamin B6 30 mg/day" in fields["co-supplement"]["recordValue"]
    assert fields["duration"]["pageValue"] == "4-week" and fields["duration"]["recordValue"].startswith(
        "8 weeks"
    )
    cited = {local(r["citation"]) for r in graph.run("citation-discrepancies").rows}
    assert {"cite-noah-2022", "cite-abbasi-2022", "cite-effatpanah-2023", "cite-sun-2023"} <= cited


def test_strongest_evidence_per_condition(graph):
    rows = graph.run("strongest-evidence-per-condition").rows
    best = {}
    for r in rows:
        best.setdefault(r["conditionLabel"], r["grade"])
    assert best["depressive disorder"] == "moderate"
    # Abbasi 2012 takes the moderate-to-high risk of bias Mah & Pitre report for it: low
    assert best["insomnia"] == "low"
    assert best["psychological stress"] == "very low"
    depression = [r for r in rows if r["conditionLabel"] == "depressive disorder"]
    assert any(
        r["anchor"].startswith("Moabedi et al. 2023") and int(r["participants"]) == 325 for r in depression
    )
    grade_order = ["high", "moderate", "low", "very low"]
    firsts = [grade_order.index(r["grade"]) for r in rows]
    assert firsts == sorted(firsts)


def test_claims_without_independent_evidence(graph):
    vendor = {local(r["claim"]) for r in graph.run("claims-without-independent-evidence").rows}
    assert {
        "nutratek-protects-from-stomach-acid",
        "nutratek-chelation-72-hours",
        "des-uses-nutratek",
    } <= vendor
    assert "mg-blocks-nmda-receptor" not in vendor
    page_only = {
        local(r["claim"])
        for r in graph.run("claims-without-independent-evidence", grade="mgkg:GradePageAssertionOnly").rows
    }
    assert {
        "oxide-laxative-effect",
        "mg-contraindicated-kidney-disease",
    } <= page_only
    # the NMDA block now rests on the 1984 patch-clamp study (preclinical), not the page alone
    assert "mg-blocks-nmda-receptor" not in page_only
    assert not vendor & page_only


def test_evidence_for_form(graph):
    rows = graph.run("evidence-for-form").rows  # default: magnesium L-threonate
    by_finding = {local(r["finding"]): r for r in rows}
    assert by_finding["finding-slutsky2010-brain-mg"]["grade"] == "preclinical only"
    zhang = by_finding["finding-zhang2022-memory"]
    assert "phosphatidylserine" in zhang["coSupplements"] and int(zhang["participants"]) == 109
    assert by_finding["finding-liu2016-sleep"]["grade"] == "not supported"
    assert len(rows) == len(by_finding), "one row per finding"
    oxide = {local(r["finding"]) for r in graph.run("evidence-for-form", form="kg:magnesium-oxide").rows}
    assert {"finding-firoz2001-oxide-absorption", "finding-abbasi2012-sleep-onset-latency"} <= oxide


def test_safety_evidence(graph):
    rows = {local(r["claim"]): r for r in graph.run("safety-evidence").rows}
    ul = rows["mg-ul-supplemental-adults"]
    assert (ul["topic"], ul["grade"], ul["kinds"]) == (
        "upper intake level",
        "reference value",
        "reference values",
    )
    kidney = rows["mg-contraindicated-kidney-disease"]
    assert kidney["topic"] == "contraindication" and kidney["grade"] == "page assertion only"
    assert rows["kidney-disease-hypermagnesemia"]["topic"] == "risk"
    assert rows["supplemental-mg-diarrhoea-limiting-effect"]["grade"] == "reference value"


def test_why_this_grade(graph):
    rows = graph.run("why-this-grade").rows  # default: the page's older-adults sleep claim
    assert [r["criterion"] for r in rows] == [
        "study design",
        "risk of bias",
        "imprecision",
        "inconsistency",
        "indirectness",
    ]
    assert {r["grade"] for r in rows} == {"very low"}
    changes = {r["criterion"]: int(r["levelChange"]) for r in rows}
    assert changes["study design"] == 4 and changes["inconsistency"] == -1
    assert "Arab" in rows[3]["explanation"]
    tarleton = graph.run("why-this-grade", claim="kg:finding-tarleton2017-phq9").rows
    # an open-label trial without placebo starts at 3, not 4, then -1 for risk of bias
    assert {r["grade"] for r in tarleton} == {"low"}
    design = next(r for r in tarleton if r["criterion"] == "study design")
    assert int(design["levelChange"]) == 3
    bias = next(r for r in tarleton if r["criterion"] == "risk of bias")
    assert int(bias["levelChange"]) == -1 and "no placebo" in bias["explanation"]


# ---------------------------------------------------------------------------
# Evidence summaries (one per relation) and the edges derived from them
# ---------------------------------------------------------------------------


def test_summary_of_findings_has_one_row_per_relation(graph):
    rows = graph.run("summary-of-findings").rows
    relations = graph.sparql(
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX mgkg: <https://w3id.org/mgkg/ontology#> "
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
        "{ ?c a mgkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }"
    ).rows[0]["n"]
    assert len(rows) == relations
    by_summary = {local(r["summary"]): r for r in rows}
    tst = by_summary["summary-magnesium-supplementation-may-improve-total-sleep-time"]
    assert (tst["certainty"], tst["direction"], tst["edge"]) == ("not supported", "no effect", False)
    assert "found no effect" in tst["plainSummary"]
    depression = by_summary["summary-magnesium-supplementation-may-alleviate-depressive-disorder"]
    assert (depression["certainty"], depression["direction"], depression["edge"]) == (
        "moderate",
        "benefit",
        True,
    )
    assert (depression["studies"], depression["participants"]) == (
        9,
        451,
    )  # Moabedi 7 RCTs (325) + Tarleton (126)
    conduct = by_summary["summary-magnesium-supplementation-may-alleviate-conduct-problems"]
    assert (conduct["direction"], conduct["edge"]) == ("not attributable", False)
    assert "vitamin D" in conduct["plainSummary"]
    memory = by_summary["summary-magnesium-l-threonate-may-improve-memory"]
    assert memory["edge"] is False
    # asserted relations come first
    edges = [r["edge"] for r in rows]
    assert edges == sorted(edges, reverse=True)


def test_edges_and_why_lists_every_direct_edge_with_its_reason(graph):
    rows = graph.run("edges-and-why").rows
    asserted = graph.sparql(
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX mgkg: <https://w3id.org/mgkg/ontology#> "
        "SELECT ?s ?p ?o WHERE { ?x a mgkg:EvidenceSummary ; mgkg:assertsEdge true ; "
        "rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }"
    ).rows
    assert {(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows} == {
        (str(r["s"]), str(r["p"]), str(r["o"])) for r in asserted
    }
    efficacy = {r["relation"] for r in rows if r["evidenceClass"] == "efficacy"}
    assert efficacy == {
        "magnesium may alleviate depressive disorder",
        "magnesium supplementation may alleviate depressive disorder",
    }
    assert all(r["why"].startswith("Asserted") for r in rows)
    assert all(r["certainty"] in {"moderate", "high"} for r in rows if r["evidenceClass"] == "efficacy")
    association = [r for r in rows if r["evidenceClass"] == "association"]
    assert [r["relation"] for r in association] == [
        "magnesium deficiency correlated with condition attention deficit hyperactivity disorder"
    ]


def test_safety_profile_asserts_kidney_and_interactions_on_authority(graph):
    rows = {r["relation"]: r for r in graph.run("safety-profile").rows}
    for drug in (
        "tetracycline antibiotics",
        "quinolone antibiotics",
        "bisphosphonates",
        "diuretics",
        "proton-pump inhibitors",
    ):
        row = rows[f"magnesium supplementation interacts with {drug}"]
        assert row["edge"] is True and row["direction"] == "harm"
        assert "UK Summary of Product Characteristics" in row["authorities"]
    for subject in ("magnesium", "magnesium supplementation"):
        for condition in ("kidney disease", "impaired kidney function"):
            assert rows[f"{subject} contraindicated in {condition}"]["edge"] is True
    assert rows["impaired kidney function predisposes to hypermagnesemia"]["edge"] is True
    assert "precaution" in rows["magnesium supplementation interacts with diuretics"]["plainSummary"]


def test_contested_relations_are_where_page_and_evidence_disagree(graph):
    rows = graph.run("contested-relations").rows
    by_claim = {local(r["claim"]): r for r in rows}
    tst = by_claim["supplementation-total-sleep-time-older-adults"]
    assert tst["direction"] == "no effect"
    assert "Abbasi et al. 2012, J Res Med Sci is set aside" in tst["why"]
    assert by_claim["citrate-poorly-absorbed"]["direction"] == "contradicted"
    assert "NIH Office of Dietary Supplements" in by_claim["citrate-poorly-absorbed"]["why"]
    assert by_claim["mg-alleviates-anxiety"]["direction"] == "mixed"
    assert "mg-relevant-depression-treatment" not in by_claim
    assert {r["direction"] for r in rows} <= {"mixed", "no effect", "contradicted", "not attributable"}


def test_summaries_for_entity_feed_an_entity_page(graph):
    rows = graph.run("summaries-for-entity", entity="kg:total-sleep-time").rows
    assert [local(r["summary"]) for r in rows] == [
        "summary-magnesium-supplementation-may-improve-total-sleep-time"
    ]
    claims = {local(c) for c in rows[0]["claims"].split()}
    assert {"finding-abbasi2012-sleep-time", "finding-mah2021-total-sleep-time"} <= claims
    # By default: depressive disorder, whose efficacy edges are the only ones that hold.
    default = graph.run("summaries-for-entity").rows
    assert {r["entity"] for r in default} == {"https://w3id.org/mgkg/id/depressive-disorder"}
    assert default[0]["edge"] is True and default[0]["certainty"] == "moderate"
    kidney = graph.run("summaries-for-entity", entity="kg:kidney-disease").rows
    assert {r["relation"] for r in kidney if r["edge"]} >= {
        "magnesium contraindicated in kidney disease",
        "magnesium supplementation contraindicated in kidney disease",
    }
