"""What the learner-facing views say in words (mgkg.plain), on the committed release.

Each test reads a real relation of the release and checks the sentence a card opens with,
so a change of wording or of the data behind it shows here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mgkg.views import plain
from mgkg.views.model import Summary, build_claim_graph, resolve

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def graph():
    return build_claim_graph(ROOT / "graph" / "mgkg.ttl")


def claims_between(graph, subject: str, obj: str):
    s, o = resolve(graph, subject), resolve(graph, obj)
    return [d["claim"] for _u, _v, d in graph.edges(s, data=True) if _v == o]


def test_answer_opens_with_the_verdict_and_names_the_best_study(graph):
    claim = claims_between(graph, "magnesium supplementation", "insomnia")[0]
    text = plain.answer(claim.summary)
    assert text.startswith(f"Not established: {claim.summary.certainty} certainty.")
    assert "Best study: Abbasi et al. 2012" in text
    assert "46 participants" in text


def test_an_asserted_relation_is_established_and_a_safety_one_is_a_warning(graph):
    warnings = [d["claim"] for *_e, d in graph.edges(data=True) if d["claim"].contraindication]
    assert warnings
    assert all(plain.answer(c.summary).startswith("Safety warning: ") for c in warnings if c.summary)
    asserted = [
        d["claim"].summary
        for *_e, d in graph.edges(data=True)
        if d["claim"].summary
        and d["claim"].summary.asserts
        and d["claim"].summary.evidence_class == "efficacy"
    ]
    assert asserted and all(plain.answer(s).startswith("Established") for s in asserted)


def test_answer_words_for_each_direction():
    def said(**fields) -> str:
        return plain.answer(Summary(iri="x", **fields))

    assert said(certainty="very low", direction="no effect").startswith(
        "Evidence against it: studies found no effect"
    )
    assert said(certainty="very low", direction="mixed").startswith("Not established: the studies disagree")
    assert said(certainty="page assertion only", direction="not assessed").startswith(
        "Not established: only the page says so"
    )
    assert said(certainty="vendor claim only").startswith("Not established: only the vendor's own material")
    assert said(certainty="preclinical only").startswith("Not established in people")
    assert plain.answer(None) is None


def test_a_finding_of_no_effect_is_not_worded_like_an_unsupported_claim(graph):
    findings = [
        d["claim"]
        for *_e, d in graph.edges(data=True)
        if d["claim"].grade_tier == "not-supported" and "no effect" in (d["claim"].polarity or "")
    ]
    assert findings, "the release has findings of no effect"
    for claim in findings:
        assert plain.grade_wording(claim) == "study found no effect (evidence against)"


def test_a_dose_above_the_upper_limit_is_shown_next_to_the_limit(graph):
    limits = graph.graph["upper_limits"]
    magnesium = resolve(graph, "magnesium")
    assert limits[magnesium] == "350 mg/d of magnesium"
    over = [d["claim"] for *_e, d in graph.edges(data=True) if d["claim"].exceeds_upper_limit]
    assert over and all(c.dose and c.dose_nutrient == magnesium for c in over)
    note = plain.dose_note(True, over[0].dose, over[0].dose_nutrient, limits)
    assert (
        note
        == f"Dose {over[0].dose}: above the adult upper limit of 350 mg/d of magnesium (from supplements)."
    )
    assert plain.dose_note(False, over[0].dose, over[0].dose_nutrient, limits) is None
    assert plain.dose_note(True, "2 g/d of zinc", "zinc", limits) == (
        "Dose 2 g/d of zinc: above the adult upper limit for its nutrient."
    )


def test_money_is_said_on_every_claim_from_the_affiliate_page(graph):
    from_page = [
        d["claim"]
        for *_e, d in graph.edges(data=True)
        if any(s.iri.endswith("/taproot-magnesium-page") for s in d["claim"].sources)
    ]
    assert from_page
    for claim in from_page:
        assert "from a page that earns a commission from Hardy Nutritionals" in claim.commercial
    glycinate = claims_between(graph, "magnesium glycinate", "anxiety")
    assert any("Hardy Nutritionals" in note for c in glycinate for note in c.commercial)


def test_safety_includes_the_upper_limits(graph):
    limits = [d["claim"] for *_e, d in graph.edges(data=True) if d["claim"].upper_limit]
    assert limits and all(c.is_safety for c in limits)
    assert any("upper limit" in c.statement for c in limits)


def test_search_synonyms_reach_the_safety_view():
    for phrase in ("upper limit", "safety", "side effects", "kidney"):
        assert plain.SEARCH_SYNONYMS[phrase]["view"] == "safety"


def test_the_glossary_defines_every_word_the_views_use():
    terms = {term for term, _ in plain.GLOSSARY}
    needed = {"claim", "finding", "grade", "rests on", "direct edge", "evidence summary", "upper limit"}
    needed |= {"high", "moderate", "low", "very low"}
    assert needed <= terms
    assert all(meaning.strip() for _term, meaning in plain.GLOSSARY)


@pytest.fixture(scope="module")
def site():
    from mgkg.web.pages import Site

    return Site.load(ROOT / "graph" / "mgkg.ttl")


def test_glossary_page_links_each_question_and_states_the_graphs_grade_definitions(site):
    from mgkg.web.pages import glossary_page

    page = glossary_page(site)
    assert '<a href="/graph?focus=insomnia">Does magnesium help insomnia?</a>' in page
    assert '<a href="/graph?view=safety">Is magnesium safe for me?</a>' in page
    assert '<a href="/graph?view=table">' in page
    moderate = site.index.text(
        site.ontology + "#GradeModerate", "http://www.w3.org/2004/02/skos/core#definition"
    )
    assert moderate and moderate in page
    for term, _meaning in plain.GLOSSARY:
        assert f">{term}</dt>" in page


def test_entity_page_opens_with_safety_and_the_best_supported_answer(site):
    from mgkg.web.pages import resource_page

    page = resource_page(site, site.ids + "insomnia")
    answer = page[page.index('<div class="answer-box">') :]
    assert answer.index("Best-supported of 2 relations") < answer.index("Not established: low certainty.")
    kidney = resource_page(site, site.ids + "label-magnesium-contraindicated-kidney-disease")
    assert kidney.index("⚠ Safety warning: talk to a clinician") < kidney.index(
        "What the body of evidence says"
    )
    glycinate = resource_page(site, site.ids + "glycinate-recommended-anxiety")
    assert (
        "$ Money involved:</strong> from a page that earns a commission from Hardy Nutritionals." in glycinate
    )
