"""Compute every claim's evidence grade from its evidence records, by the rubric in the ontology.

Why code and not curation: a grade typed by hand cannot be checked; a grade computed
from design, size, blinding, comparator, consistency and directness can be, and every
step is kept as a ``mgkg:GradeComponent`` so "why is this graded low?" is a query. The
rubric's numbers (starting level per design, the imprecision threshold, which grades
clear the direct-edge bar) are read from ``ontology/mgkg.ttl`` (``mgkg:EvidenceRubric``);
the rules are written out there and in ``docs/evidence.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from mgkg.vocab import MGKG, Base

LEVEL_GRADES = {4: "GradeHigh", 3: "GradeModerate", 2: "GradeLow", 1: "GradeVeryLow"}
SUPPORTING = ("StanceSupports", "StancePartial")
DISSENTING = ("StanceNoEffect", "StanceContradicts")
UNCONTROLLED_COMPARATORS = ("NoTreatmentComparator", "ActiveComparator", "NoComparator")
UNBLINDED = ("OpenLabel", "SingleBlind")
#: What explanations call the nutrient a study gave when the data does not name it.
UNNAMED_NUTRIENT = "the studied nutrient"


@dataclass(frozen=True)
class Item:
    """One piece of evidence for a claim: a publication, with the link's stance and directness.

    ``finding`` is the claim the publication's result is recorded as (the claim itself
    for a finding, the linked finding otherwise); ``indirect`` says why the finding
    answers a narrower question (a secondary outcome, another population), if it does.
    """

    publication: URIRef
    stance: URIRef
    directness: URIRef
    finding: URIRef | None = None
    indirect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Component:
    criterion: str
    change: int
    explanation: str
    based_on: tuple[URIRef, ...] = ()


class Grader:
    """Applies the rubric to one graph. Construct once per build; call :meth:`grade_all`."""

    def __init__(self, graph: Graph, base: Base):
        self.g = graph
        self.base = base
        self.m = lambda name: base.rebase(MGKG[name])
        criterion = self.m("CriterionImprecision")
        self.threshold = int(self.g.value(criterion, self.m("threshold")))

    # -- reading the records -------------------------------------------------------

    def _int(self, subject: URIRef, name: str) -> int | None:
        value = self.g.value(subject, self.m(name))
        return int(value) if value is not None else None

    def _true(self, subject: URIRef, name: str) -> bool:
        value = self.g.value(subject, self.m(name))
        return value is not None and bool(value.toPython())

    def studied_nutrient(self, pub: URIRef) -> str:
        """The nutrient a study gave, named from the data so explanations fit any nutrient: its
        daily dose's nutrient (``mgkg:dailyDose`` -> ``mgkg:amountOf``), else what its findings
        are about (a nutrient, or what a supplementation supplies); neutral words otherwise."""
        found = {
            n for d in self.g.objects(pub, self.m("dailyDose")) for n in self.g.objects(d, self.m("amountOf"))
        }
        if not found:
            nutrient_types = {self.m(c) for c in ("Nutrient", "Mineral", "Cofactor")}
            for finding in self.g.subjects(PROV.wasDerivedFrom, pub):
                for subject in self.g.objects(finding, RDF.subject):
                    found |= set(self.g.objects(subject, self.m("suppliesNutrient")))
                    if set(self.g.objects(subject, RDF.type)) & nutrient_types:
                        found.add(subject)
        return " and ".join(sorted(self._label(n) for n in found)) or UNNAMED_NUTRIENT

    def _label(self, node: URIRef) -> str:
        return str(self.g.value(node, RDFS.label) or node)

    def is_publication(self, node: URIRef) -> bool:
        return (node, RDF.type, self.m("Publication")) in self.g

    def starting_level(self, publication: URIRef) -> int:
        """Highest level among the designs, unless a limiting design caps it (see the ontology)."""
        levels, limits = [], []
        for design in self.g.objects(publication, self.m("studyDesign")):
            level = self.g.value(design, self.m("startingLevel"))
            if level is None:
                continue
            levels.append(int(level))
            if self._true(design, "limitsStartingLevel"):
                limits.append(int(level))
        if limits:
            return min(limits)
        return max(levels) if levels else 1

    def is_review_of_trials(self, publication: URIRef) -> bool:
        designs = set(self.g.objects(publication, self.m("studyDesign")))
        reviews = {self.m("SystematicReview"), self.m("MetaAnalysis")}
        limited = any(self._true(d, "limitsStartingLevel") for d in designs)
        return bool(designs & reviews) and not limited

    def is_human(self, publication: URIRef) -> bool:
        human = self.g.value(publication, self.m("humanStudy"))
        if human is not None:
            return bool(human.toPython())
        return self.starting_level(publication) > 0

    def size(self, publication: URIRef) -> int | None:
        size = self._int(publication, "sampleSize")
        return size if size is not None else self._int(publication, "analyzedSize")

    def finding_indirectness(self, finding: URIRef) -> tuple[str, ...]:
        """Why a finding answers a narrower question than a general relation (secondary outcome, population)."""
        reasons = []
        if self._true(finding, "secondaryOutcome"):
            reasons.append("a secondary outcome of its study")
        population = self.g.value(finding, self.m("indirectPopulation"))
        if population is not None:
            reasons.append(f"studied in another population ({population})")
        return tuple(reasons)

    def items(self, claim: URIRef) -> list[Item]:
        """Publications a claim rests on directly, plus those of findings linked to it."""
        polarity = self.g.value(claim, self.m("polarity"))
        own = "StanceSupports" if polarity in (None, self.m("PolarityAffirmed")) else "StanceNoEffect"
        indirect = self.finding_indirectness(claim)
        items = [
            Item(
                source,
                self.m(own),
                self.m("Indirect") if indirect else self.m("Direct"),
                claim,
                indirect,
            )
            for source in sorted(self.g.objects(claim, PROV.wasDerivedFrom))
            if self.is_publication(source)
        ]
        for link in sorted(self.g.subjects(self.m("assessedClaim"), claim)):
            if (link, RDF.type, self.m("EvidenceLink")) not in self.g:
                continue
            finding = self.g.value(link, self.m("finding"))
            stance = self.g.value(link, self.m("stance"))
            directness = self.g.value(link, self.m("directness"))
            indirect = self.finding_indirectness(finding)
            if indirect:
                directness = self.m("Indirect")
            for source in sorted(self.g.objects(finding, PROV.wasDerivedFrom)):
                if self.is_publication(source):
                    items.append(Item(source, stance, directness, finding, indirect))
        return items

    # -- the rubric ------------------------------------------------------------------

    def grade(self, claim: URIRef) -> tuple[str, list[Component]]:
        """The grade of one claim from the evidence linked to it."""
        return self.grade_items(self.items(claim), set(self.g.objects(claim, self.m("restsOn"))))

    def grade_items(
        self, items: list[Item], kinds: set[URIRef], pooled: int | None = None
    ) -> tuple[str, list[Component]]:
        """The rubric over a set of evidence items and source kinds (a claim's, or a whole relation's).

        ``pooled`` is the number of participants across all the counted studies of a
        relation; when given, imprecision judges the body of evidence by it, as GRADE
        does, rather than the anchor study alone.
        """
        if self.m("ReferenceValues") in kinds:
            pubs = tuple(sorted({i.publication for i in items}))
            also = f" Linked study evidence: {', '.join(self._label(p) for p in pubs)}." if pubs else ""
            return "GradeReferenceValue", [
                Component(
                    "CriterionStudyDesign",
                    0,
                    "Rests on reference values from a public authority, which take precedence over study grades."
                    + also,
                    pubs,
                )
            ]
        if not items:
            if self.m("VendorMaterial") in kinds:
                grade, why = "GradeVendorClaimOnly", "rests only on the vendor's own material"
            else:
                grade, why = "GradePageAssertionOnly", "rests only on the page's assertion"
            return grade, [
                Component("CriterionStudyDesign", 0, f"No evidence record is linked to this claim; it {why}.")
            ]

        human = [i for i in items if self.is_human(i.publication)]
        if not human:
            pubs = tuple(sorted({i.publication for i in items}))
            names = ", ".join(self._label(p) for p in pubs)
            return "GradePreclinicalOnly", [
                Component(
                    "CriterionStudyDesign",
                    0,
                    f"Only preclinical (non-human) evidence is linked: {names}.",
                    pubs,
                )
            ]
        supporting = [i for i in human if i.stance in {self.m(s) for s in SUPPORTING}]
        dissenting = [i for i in human if i.stance in {self.m(s) for s in DISSENTING}]
        if not supporting:
            pubs = tuple(sorted({i.publication for i in dissenting}))
            names = ", ".join(self._label(p) for p in pubs)
            return "GradeNotSupported", [
                Component(
                    "CriterionInconsistency",
                    0,
                    f"Linked human evidence finds no effect or the opposite: {names}.",
                    pubs,
                )
            ]

        anchor = max(
            supporting,
            key=lambda i: (
                self.starting_level(i.publication),
                self.size(i.publication) or 0,
                str(i.publication),
            ),
        )
        pub = anchor.publication
        name = self._label(pub)
        start = self.starting_level(pub)
        designs = (
            ", ".join(sorted(self._label(d) for d in self.g.objects(pub, self.m("studyDesign"))))
            or "design not recorded"
        )
        components = [
            Component(
                "CriterionStudyDesign", start, f"Starts at level {start} from {name} ({designs}).", (pub,)
            )
        ]
        components.append(self._risk_of_bias(pub, name))
        components.append(self._imprecision(pub, name, pooled))
        components.append(self._inconsistency(pub, name, start, dissenting))
        components.append(self._indirectness(anchor, name))
        level = max(1, min(4, start + sum(c.change for c in components[1:])))
        return LEVEL_GRADES[level], components

    def _risk_of_bias(self, pub: URIRef, name: str) -> Component:
        reasons = []
        comparator = self.g.value(pub, self.m("comparator"))
        if comparator == self.m("ActiveComparator"):
            return Component(
                "CriterionRiskOfBias",
                -2,
                f"{name}: active comparator, so every arm received {self.studied_nutrient(pub)} and the "
                f"effect of {self.studied_nutrient(pub)} itself is uncontrolled (no placebo or untreated group).",
                (pub,),
            )
        if comparator in {self.m(c) for c in UNCONTROLLED_COMPARATORS}:
            reasons.append(f"no placebo (comparator: {self._label(comparator)})")
        blinding = self.g.value(pub, self.m("blinding"))
        if blinding in {self.m(b) for b in UNBLINDED}:
            reasons.append(f"{self._label(blinding)} allocation")
        if self._true(pub, "authorsRateEvidenceLow"):
            reasons.append("its authors rate the evidence low")
        elif self.is_review_of_trials(pub) and self.g.value(pub, self.m("authorsRateEvidenceLow")) is None:
            reasons.append("the record does not state the certainty of the reviewed evidence")
        if self._true(pub, "industryFunded"):
            reasons.append("industry-funded")
        conflict = self.g.value(pub, self.m("conflictOfInterest"))
        if conflict is not None:
            reasons.append(f"conflict of interest: {conflict}")
        reviewed = self.risk_of_bias_from_reviews(pub)
        if reviewed:
            reasons.append(reviewed)
        return _judged("CriterionRiskOfBias", pub, name, reasons, -1, "no risk-of-bias concern recorded")

    def risk_of_bias_from_reviews(self, pub: URIRef) -> str | None:
        """The risk of bias a review that includes ``pub`` reports for its trials, in words, if any."""
        for review in sorted(self.g.subjects(self.m("includesStudy"), pub)):
            rating = self.g.value(review, self.m("includedStudiesRiskOfBias"))
            if rating is not None:
                return f"rated at {rating} risk of bias by {self._label(review)}, the review that includes it"
        return None

    def _imprecision(self, pub: URIRef, name: str, pooled: int | None = None) -> Component:
        size = self.size(pub)
        studies = self._int(pub, "studiesIncluded")
        if pooled is not None and pooled > (size or 0):
            return self._participants(pub, pooled, f"{pooled} participants across the counted studies")
        if size is not None:
            return self._participants(pub, size, f"{name}: {size} participants")
        if studies is not None and studies >= 5:
            return Component(
                "CriterionImprecision",
                0,
                f"{name}: {studies} studies (participant count not recorded).",
                (pub,),
            )
        return Component("CriterionImprecision", -1, f"{name}: participant count not recorded.", (pub,))

    def _participants(self, pub: URIRef, count: int, text: str) -> Component:
        """One rule for a study's own size and a relation's pooled size: below the threshold costs a level."""
        if count < self.threshold:
            return Component("CriterionImprecision", -1, f"{text}, fewer than {self.threshold}.", (pub,))
        return Component("CriterionImprecision", 0, f"{text}.", (pub,))

    def _inconsistency(self, pub: URIRef, name: str, start: int, dissenting: list[Item]) -> Component:
        reasons = []
        dissenters = {i.publication for i in dissenting}
        others = sorted(dissenters - {pub})
        strong = [p for p in others if self.starting_level(p) >= start]
        if others:
            reasons.append(
                "other linked evidence finds no effect or the opposite: "
                + ", ".join(self._label(p) for p in others)
            )
        if pub in dissenters:
            reasons.append(f"{name} itself finds no effect on some of what the claim says")
        if self._true(pub, "heterogeneousResults"):
            reasons.append(f"{name} reports heterogeneous or contradictory results")
        if strong:
            reasons.append(
                "the disagreeing evidence is at least as strong as the anchor ("
                + ", ".join(self._label(p) for p in strong)
                + ")"
            )
            return Component("CriterionInconsistency", -2, "; ".join(reasons) + ".", (pub, *others))
        if reasons:
            return Component("CriterionInconsistency", -1, "; ".join(reasons) + ".", (pub, *others))
        return Component("CriterionInconsistency", 0, "The linked human evidence agrees.", (pub,))

    def _indirectness(self, anchor: Item, name: str) -> Component:
        pub = anchor.publication
        reasons = []
        if anchor.indirect:
            reasons.append("; ".join(anchor.indirect))
        elif anchor.directness == self.m("Indirect"):
            reasons.append("answers a different question (population, form, comparator or outcome)")
        if anchor.stance == self.m("StancePartial"):
            reasons.append("supports only part of the claim")
        co = sorted(self._label(c) for c in self.g.objects(pub, self.m("coSupplement")))
        if co:
            reasons.append(f"{self.studied_nutrient(pub)} was given with " + ", ".join(co))
        return _judged("CriterionIndirectness", pub, name, reasons, -min(2, len(reasons)), "direct evidence")

    # -- writing the result --------------------------------------------------------------

    def grade_all(self) -> dict[URIRef, str]:
        """Add ``mgkg:evidenceGrade`` and the components to every claim; return grade names."""
        grades: dict[URIRef, str] = {}
        slugs = {
            "CriterionStudyDesign": "design",
            "CriterionRiskOfBias": "risk-of-bias",
            "CriterionImprecision": "imprecision",
            "CriterionInconsistency": "inconsistency",
            "CriterionIndirectness": "indirectness",
        }
        for claim in sorted(self.g.subjects(RDF.type, self.m("Claim"))):
            grade, components = self.grade(claim)
            grades[claim] = grade
            self.g.add((claim, self.m("evidenceGrade"), self.m(grade)))
            claim_id = str(claim).rsplit("/", 1)[-1]
            for component in components:
                node = URIRef(f"{claim}-grade-{slugs[component.criterion]}")
                self.g.add((claim, self.m("gradeComponent"), node))
                self.g.add((node, RDF.type, self.m("GradeComponent")))
                criterion_label = self._label(self.m(component.criterion))
                self.g.add(
                    (
                        node,
                        RDFS.label,
                        # the claim's id keeps the label distinct from other claims' components
                        Literal(f"{criterion_label} ({component.change:+d}), claim {claim_id}", lang="en"),
                    )
                )
                self.g.add((node, self.m("criterion"), self.m(component.criterion)))
                self.g.add((node, self.m("levelChange"), Literal(component.change, datatype=XSD.integer)))
                self.g.add((node, self.m("explanation"), Literal(component.explanation)))
                for pub in component.based_on:
                    self.g.add((node, self.m("basedOn"), pub))
        return grades


def _judged(
    criterion: str, pub: URIRef, name: str, reasons: list[str], change: int, otherwise: str
) -> Component:
    """A criterion judged on the anchor study by a list of reasons: ``change`` if any, else 0 with ``otherwise``."""
    if reasons:
        return Component(criterion, change, f"{name}: " + "; ".join(reasons) + ".", (pub,))
    return Component(criterion, 0, f"{name}: {otherwise}.", (pub,))


def grade_claims(graph: Graph, base: Base) -> dict[URIRef, str]:
    """Grade every claim in ``graph`` in place (see :class:`Grader`)."""
    return Grader(graph, base).grade_all()
