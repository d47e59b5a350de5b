"""What a researcher reads as data rather than prose: symptom-disorder links, durations in
days, the terms of the page's own offer, and one "refers to" link per printed citation.

Checked on the committed release with SPARQL, as a researcher would query it.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import ROOT, ask, select

ID = "https://w3id.org/mgkg/id/"

#: A catalog-style question: the evidence summaries on a disorder *or on its symptoms*
#: (depressive symptoms count for depressive disorder), with the condition each is about.
EVIDENCE_ON_DISORDER_AND_SYMPTOMS = """
SELECT ?condition ?conditionLabel ?summary ?certainty WHERE {
  VALUES ?disorder { %s }
  ?condition mgkg:symptomOf? ?disorder .
  ?condition rdfs:label ?conditionLabel .
  ?summary a mgkg:EvidenceSummary ; rdf:object ?condition ; mgkg:certainty ?certainty .
}
ORDER BY ?condition ?summary
"""


def test_symptoms_link_to_the_disorders_their_definitions_name(store):
    pairs = {
        (row["s"].removeprefix(ID), row["d"].removeprefix(ID))
        for row in select(store, "SELECT ?s ?d WHERE { ?s mgkg:symptomOf ?d }")
    }
    assert pairs == {
        ("anxiety", "anxiety-disorder"),
        ("panic-attack", "panic-disorder"),
        ("depressive-symptoms", "depressive-disorder"),
        ("hyperactivity", "adhd"),
        ("mood-instability", "bipolar-disorder"),
        ("early-morning-awakening", "insomnia"),
    }
    # every link runs from a symptom to a disorder, and no condition is typed a skos:Concept
    assert not ask(
        store,
        "ASK { ?s mgkg:symptomOf ?d . FILTER NOT EXISTS { ?s a mgkg:Symptom . ?d a mgkg:Disorder } }",
    )
    assert not ask(store, "ASK { ?c a skos:Concept }")
    assert ask(
        store,
        "ASK { mgkg:symptomOf a owl:ObjectProperty ; rdfs:domain mgkg:Symptom ; rdfs:range mgkg:Disorder }",
    )


def test_evidence_on_a_disorder_takes_in_its_symptoms(store):
    rows = select(store, EVIDENCE_ON_DISORDER_AND_SYMPTOMS % "kg:depressive-disorder")
    conditions = {row["condition"].removeprefix(ID) for row in rows}
    assert conditions == {"depressive-disorder", "depressive-symptoms"}
    # the symptom side brings evidence the disorder alone does not have
    on_symptoms = {row["summary"] for row in rows if row["condition"] == ID + "depressive-symptoms"}
    on_disorder = {row["summary"] for row in rows if row["condition"] == ID + "depressive-disorder"}
    assert on_symptoms and on_disorder and not on_symptoms & on_disorder
    # a disorder without linked symptoms answers with its own summaries only
    rows = select(store, EVIDENCE_ON_DISORDER_AND_SYMPTOMS % "kg:autism-spectrum-disorder")
    assert {row["condition"].removeprefix(ID) for row in rows} <= {"autism-spectrum-disorder"}


def test_durations_are_numbers_of_days_beside_the_curated_weeks(store):
    rows = select(
        store,
        "SELECT ?x ?weeks ?days WHERE { ?x mgkg:durationWeeks ?weeks . OPTIONAL { ?x mgkg:durationDays ?days } }",
    )
    assert len(rows) >= 6
    for row in rows:
        assert row["days"] is not None, row["x"]
        assert Decimal(row["days"]) == Decimal(row["weeks"]) * 7, row
    # typed numbers: a researcher compares trials by length in one unit
    assert ask(store, 'ASK { kg:tarleton2017 mgkg:durationDays "42.0"^^xsd:decimal }')
    long_trials = {
        row["p"].removeprefix(ID)
        for row in select(store, "SELECT ?p WHERE { ?p mgkg:durationDays ?d FILTER (?d >= 56) }")
    }
    assert {"abbasi2012", "pouteau2018"} <= long_trials and "tarleton2017" not in long_trials


def test_the_pages_takes_n_weeks_statements_keep_their_words_and_gain_days(store):
    rows = select(
        store,
        """SELECT ?min ?max ?quote WHERE { kg:supplementation-mood-6-12-weeks mgkg:qualifierDurationDaysMin ?min ;
             mgkg:qualifierDurationDaysMax ?max ; mgkg:quotation ?quote }""",
    )
    assert [(Decimal(r["min"]), Decimal(r["max"])) for r in rows] == [(Decimal(42), Decimal(84))]
    assert "6 to 12 weeks" in rows[0]["quote"]
    # every claim duration in weeks has its days, and none is left without
    assert not ask(
        store,
        """ASK { { ?c mgkg:qualifierDurationWeeksMin ?w FILTER NOT EXISTS { ?c mgkg:qualifierDurationDaysMin ?d } }
                 UNION { ?c mgkg:qualifierDurationWeeksMax ?w FILTER NOT EXISTS { ?c mgkg:qualifierDurationDaysMax ?d } } }""",
    )


def test_the_discount_is_data_on_the_relationship_the_page_discloses(store):
    rows = select(
        store,
        """SELECT ?percent ?vendor ?offer ?page WHERE {
             ?page mgkg:disclosesRelationship kg:taproot-hardy-affiliate .
             kg:taproot-hardy-affiliate prov:wasDerivedFrom ?page ; mgkg:discountPercent ?percent ;
               mgkg:discountAppliesTo ?vendor ; mgkg:offerText ?offer ; mgkg:discountCode "Taproot" }""",
    )
    assert [(Decimal(r["percent"]), r["vendor"], r["page"]) for r in rows] == [
        (Decimal(15), ID + "hardy-nutritionals", ID + "taproot-magnesium-page")
    ]
    assert ask(store, 'ASK { kg:taproot-hardy-affiliate mgkg:discountPercent "15.0"^^xsd:decimal }')
    page = (ROOT / "graph" / "reference" / "source-page.txt").read_text(encoding="utf-8")
    assert rows[0]["offer"] in page and "15%" in rows[0]["offer"]
    # the page's sentence stays a claim, which (page only) is not asserted as an edge
    assert ask(
        store,
        """ASK { kg:affiliate-discount-15-percent rdf:subject kg:taproot-hardy-affiliate ;
                 rdf:predicate mgkg:discountPercent ; mgkg:assertedAsEdge false }""",
    )
