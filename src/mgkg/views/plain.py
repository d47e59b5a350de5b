"""What the learner-facing views say in plain words: the answer a card opens with, grade
wording that cannot be misread, the upper-limit note, search synonyms, the glossary and
the guided start.

Why one module: the graph view's cards (:mod:`mgkg.views.viz`) and the web pages
(:mod:`mgkg.web.pages`) must say the same thing about the same claim, so the sentences are
made here from the model (:mod:`mgkg.views.model`) and nowhere else. Every sentence is
generated from data already in the graph (an evidence summary's certainty, direction,
counts and best study); none is written per claim.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the model imports this module; the types are for readers and checkers
    from mgkg.views.model import Claim, Summary

#: Directions (labels of mgkg:EvidenceDirection) that mean the evidence goes against a relation.
AGAINST = ("no effect", "contradicted")


def answer(summary: Summary | None) -> str | None:
    """One plain sentence that answers "is this so?" for a relation, from its evidence summary.

    The verdict comes first ("Established", "Not established", "Safety warning", "Studies
    found no effect"), then the certainty, then the best study the summary weighs.
    """
    if summary is None:
        return None
    certainty = (summary.certainty or "").strip()
    direction = (summary.direction or "").strip().lower()
    klass = (summary.evidence_class or "").strip().lower()
    if klass == "safety":
        lead = "Safety warning: " + (
            summary.plain or "a precaution recorded on the authority of a public reference or product label."
        )
    elif summary.asserts and certainty == "reference value":
        lead = "Established: a reference value stated by a public authority."
    elif summary.asserts and direction.startswith("established"):
        lead = f"Established as a mechanism in the laboratory ({certainty}), not as an effect in people."
    elif summary.asserts and klass == "association":
        lead = f"Established as an association, not as cause and effect: {certainty} certainty."
    elif summary.asserts:
        lead = f"Established: {certainty} certainty." if certainty else "Established."
    elif direction in AGAINST:
        lead = f"Evidence against it: studies found {direction}" + (
            f" ({certainty} certainty)." if certainty else "."
        )
    elif direction == "mixed":
        lead = f"Not established: the studies disagree ({certainty} certainty)."
    elif direction == "not attributable":
        lead = "Not established: the only support gave it together with another active ingredient."
    elif direction.startswith("stated"):
        lead = "A reference fact stated by a public authority."
    elif certainty == "page assertion only":
        lead = "Not established: only the page says so; no study in the graph bears on it."
    elif certainty == "vendor claim only":
        lead = "Not established: only the vendor's own material says so."
    elif certainty == "preclinical only":
        lead = "Not established in people: only laboratory or animal studies."
    else:
        lead = f"Not established: {certainty} certainty." if certainty else "Not established."
    if summary.best and klass != "safety":
        size = []
        if summary.studies:
            size.append(f"{summary.studies} stud{'y' if summary.studies == 1 else 'ies'}")
        if summary.participants:
            size.append(f"{summary.participants:,} participants")
        lead += f" Best study: {summary.best}" + (f"; in all {', '.join(size)}." if size else ".")
    return lead


def grade_wording(claim: Claim) -> str:
    """The grade as a learner should read it. A finding that reports no effect is evidence
    *against* a relation: it is not labelled like a claim nobody supports."""
    if claim.grade is None:
        return "ungraded"
    polarity = (claim.polarity or "").lower()
    if claim.grade.tier == "not-supported" and ("no effect" in polarity or "inconclusive" in polarity):
        return "study found no effect (evidence against)"
    return claim.grade.label


def dose_note(exceeds: bool, dose: str | None, nutrient: str | None, limits: dict[str, str]) -> str | None:
    """The dose next to the upper limit it passes: 'Dose 500 mg/d of magnesium: above the adult
    upper limit of 350 mg/d of magnesium (from supplements).' Whether it passes is the build's
    flag (mgkg:exceedsUpperLimit); the limit is the graph's adult UL for the dose's nutrient."""
    if not exceeds or not dose:
        return None
    limit = limits.get(nutrient or "")
    if limit is None:
        return f"Dose {dose}: above the adult upper limit for its nutrient."
    return f"Dose {dose}: above the adult upper limit of {limit} (from supplements)."


#: Words learners type -> what they mean in the graph: a view ("safety") and words that
#: entity labels or definitions contain. Searching "upper limit" must find the UL.
SEARCH_SYNONYMS: dict[str, dict[str, Any]] = {
    "safety": {"view": "safety", "words": ["contraindication", "side effect", "interaction", "UL"]},
    "warning": {"view": "safety", "words": ["contraindication", "side effect"]},
    "warnings": {"view": "safety", "words": ["contraindication", "side effect"]},
    "side effects": {"view": "safety", "words": ["diarrhoea", "side effect", "adverse"]},
    "side effect": {"view": "safety", "words": ["diarrhoea", "side effect", "adverse"]},
    "upper limit": {"view": "safety", "words": ["UL", "upper intake level"]},
    "maximum dose": {"view": "safety", "words": ["UL", "upper intake level"]},
    "too much": {"view": "safety", "words": ["UL", "hypermagnesemia"]},
    "overdose": {"view": "safety", "words": ["UL", "hypermagnesemia"]},
    "kidney": {"view": "safety", "words": ["kidney", "renal"]},
    "kidneys": {"view": "safety", "words": ["kidney", "renal"]},
    "drug interaction": {"view": "safety", "words": ["interaction", "antibiotic", "bisphosphonate"]},
    "medication": {"view": "safety", "words": ["antibiotic", "bisphosphonate", "diuretic", "proton pump"]},
    "sleep": {"words": ["insomnia", "sleep"]},
    "money": {"view": "money", "words": ["Hardy", "affiliate"]},
    "commission": {"view": "money", "words": ["Hardy", "affiliate"]},
    "affiliate": {"view": "money", "words": ["Hardy", "affiliate"]},
}

#: The glossary: every word the views use that a learner may not know (term, meaning).
GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "claim",
        "One statement about two things, as a source makes it: 'magnesium may alleviate insomnia'. "
        "Every line in the graph is a claim, with the source it comes from.",
    ),
    (
        "finding",
        "A claim taken from a study's result (a trial, a review), with its design, size and dose. "
        "Findings are the evidence the page's claims are weighed against.",
    ),
    (
        "evidence summary",
        "What the whole body of evidence in the graph says about one relation (for example "
        "magnesium supplementation → may alleviate → insomnia): its certainty, direction, number of studies "
        "and participants, and one plain sentence. A card opens with it.",
    ),
    (
        "grade",
        "How much a claim can be trusted, computed from its evidence by a published rubric "
        "(GRADE-style), never typed by hand. The levels follow.",
    ),
    ("high", "Further research is very unlikely to change the estimate (several good trials agree)."),
    ("moderate", "Good evidence, but further research may change the estimate."),
    ("low", "Limited evidence: further research is likely to change the estimate."),
    ("very low", "Very uncertain: small, indirect or inconsistent studies."),
    ("reference value", "A value set by a public authority (an intake recommendation or upper limit)."),
    ("preclinical only", "Only laboratory or animal studies: says nothing yet about people."),
    ("page assertion only", "Only the web page says it; no study in the graph bears on it."),
    ("vendor claim only", "Only the seller's own material says it."),
    ("not supported", "Human evidence was linked, but none of it supports the claim."),
    (
        "study found no effect",
        "A study's own result that found no effect: evidence against a relation, not an unsupported claim.",
    ),
    (
        "rests on",
        "The kinds of source a claim comes from: peer-reviewed evidence, reference values, "
        "the page's own assertion, or vendor material.",
    ),
    (
        "direct edge",
        "A relation the graph states as a fact (a thick line), because the whole body of evidence "
        "on it reaches the bar (moderate certainty or better, or an authority's safety warning).",
    ),
    (
        "safety warning",
        "A contraindication, drug interaction, side effect or upper limit: shown first and in bold, with ⚠.",
    ),
    (
        "upper limit",
        "The Tolerable Upper Intake Level: the most of a nutrient from supplements a day that is "
        "unlikely to cause harm (for magnesium, 350 mg/day for adults).",
    ),
    ("commercial relationship", "Money behind a source: the page earns a commission on a vendor's products."),
)

#: The guided start: worked questions and the view that answers each (used by the graph
#: view's "Start with a question" panel and the glossary page).
QUESTIONS: tuple[dict[str, str], ...] = (
    {
        "question": "Does magnesium help insomnia?",
        "focus": "insomnia",
        "hint": "Open insomnia: its card answers first, trials of taking magnesium on top.",
    },
    {
        "question": "Is the page's ADHD citation real?",
        "focus": "attention deficit hyperactivity disorder",
        "hint": "Open ADHD: each claim says whether its printed citation supports it.",
    },
    {
        "question": "Which form should I take, and whose advice is it?",
        "focus": "magnesium glycinate",
        "hint": "Open magnesium glycinate: the recommendation's card says who earns money from it.",
    },
    {
        "question": "Is magnesium safe for me?",
        "view": "safety",
        "hint": "The Safety view: contraindications, interactions, side effects and the upper limit.",
    },
    {
        "question": "Where is every claim in one list?",
        "view": "table",
        "hint": "The claims table: every claim with its grade and sources, sortable.",
    },
)
