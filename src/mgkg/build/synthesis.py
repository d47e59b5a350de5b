"""Evidence synthesis: one ``mgkg:EvidenceSummary`` per relation, and direct edges from summaries only.

Why a step of its own: a single claim can clear a bar that the whole body of evidence
does not. A 46-person trial may find that magnesium lengthened total sleep time while
the meta-analysis that includes it finds no significant effect; a trial that gave
magnesium with vitamin D says nothing about magnesium alone. So every distinct
(subject, predicate, object) that any claim states gets one summary that weighs all the
claims and findings on it together, like a row of a Cochrane / GRADEpro
Summary-of-Findings table, and only a summary can assert the direct triple.

The body-of-evidence rules and their numbers are data in the ontology
(``mgkg:EvidenceRubric``: ``mgkg:bodyOfEvidenceRule``, ``mgkg:singleStudyMaximum``; the
classes of evidence with their predicates, ``mgkg:edgeBar`` and
``mgkg:assertedOnAuthority``); the per-publication criteria are the grader's
(:mod:`mgkg.build.grading`). ``docs/evidence.md`` works through an example.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD
from rdflib.term import Node

from mgkg.build.grading import DISSENTING, LEVEL_GRADES, SUPPORTING, UNNAMED_NUTRIENT, Grader, Item
from mgkg.vocab import MGKG, QUDT, Base

Triple = tuple[Node, Node, Node]

#: Class of evidence for a predicate listed under none (see ``mgkg:EfficacyEvidence``).
DEFAULT_CLASS = "EfficacyEvidence"
#: Directions that never assert an edge, whatever the grades (the guard test holds the build to this).
BLOCKING_DIRECTIONS = frozenset(
    {"DirectionMixed", "DirectionNoEffect", "DirectionNotAttributable", "DirectionContradicted"}
)
LEVELS = {name: level for level, name in LEVEL_GRADES.items()}


@dataclass
class Summary:
    """The synthesis of all the evidence on one relation (see :func:`synthesize`)."""

    iri: URIRef
    triple: Triple
    claims: list[URIRef]
    findings: list[URIRef]
    evidence_class: str
    certainty: str
    direction: str
    studies: int
    participants: int
    plain: str
    reason: str
    asserts: bool
    superseded: list[URIRef] = field(default_factory=list)
    not_attributable: list[URIRef] = field(default_factory=list)
    blocking: list[URIRef] = field(default_factory=list)


class Synthesizer:
    """Builds the summaries of one graph (graded claims in, summary nodes out)."""

    def __init__(self, graph: Graph, base: Base, grader: Grader | None = None):
        self.g = graph
        self.base = base
        self.m = lambda name: base.rebase(MGKG[name])
        self.grader = grader or Grader(graph, base)
        rubric = self.m("EvidenceRubric")
        self.single_max = self._name(self.g.value(rubric, self.m("singleStudyMaximum")))
        self.class_of: dict[URIRef, str] = {}
        self.bar: dict[str, str] = {}
        self.on_authority: dict[str, bool] = {}
        self.replications: dict[str, int] = {}
        for cls in sorted(self.g.subjects(RDF.type, self.m("EvidenceClass"))):
            name = self._name(cls)
            needed = self.g.value(cls, self.m("replicationsRequired"))
            if needed is not None:
                self.replications[name] = int(needed)
            self.bar[name] = self._name(self.g.value(cls, self.m("edgeBar")))
            flag = self.g.value(cls, self.m("assertedOnAuthority"))
            self.on_authority[name] = flag is not None and bool(flag.toPython())
            for predicate in self.g.objects(cls, self.m("classPredicate")):
                self.class_of[predicate] = name

    # -- small readers ---------------------------------------------------------------

    @staticmethod
    def _name(node: Node | None) -> str:
        return str(node).rsplit("#", 1)[-1] if node is not None else ""

    def _label(self, node: Node) -> str:
        if isinstance(node, Literal):
            return f'"{node}"'
        return str(self.g.value(node, RDFS.label) or node)

    def _names(self, nodes) -> str:
        labels = sorted({self._label(n) for n in nodes})
        if len(labels) <= 1:
            return "".join(labels)
        return ", ".join(labels[:-1]) + " and " + labels[-1]

    def _kinds(self, claim: URIRef) -> set[URIRef]:
        return set(self.g.objects(claim, self.m("restsOn")))

    def _authoritative(self, claim: URIRef) -> bool:
        return self.m("ReferenceValues") in self._kinds(claim)

    def relation_text(self, triple: Triple) -> str:
        s, p, o = triple
        return f"{self._label(s)} {self._label(p)} {self._label(o)}"

    # -- grouping --------------------------------------------------------------------

    def groups(self) -> dict[Triple, list[URIRef]]:
        """Claims by the relation they state, in a stable order."""
        out: dict[Triple, list[URIRef]] = {}
        for claim in sorted(self.g.subjects(RDF.type, self.m("Claim"))):
            triple = (
                self.g.value(claim, RDF.subject),
                self.g.value(claim, RDF.predicate),
                self.g.value(claim, RDF.object),
            )
            if None in triple:
                continue
            out.setdefault(triple, []).append(claim)
        return out

    def summary_iri(self, triple: Triple, taken: set[URIRef]) -> URIRef:
        """``id/summary-<subject>-<predicate>-<object>``; a literal object is slugged, with a hash if needed."""

        def slug(node: Node) -> str:
            text = str(node).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text)
            return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "value"

        iri = self.base.thing("summary-" + "-".join(slug(n) for n in triple))
        if iri in taken:
            digest = hashlib.sha256("\x1f".join(map(str, triple)).encode()).hexdigest()[:8]
            iri = URIRef(f"{iri}-{digest}")
        return iri

    # -- the rules -------------------------------------------------------------------

    def evidence_class(self, predicate: Node) -> str:
        return self.class_of.get(predicate, DEFAULT_CLASS)

    def attributable(self, publication: URIRef, subject: Node) -> bool:
        """False when the publication's arm got magnesium with another active ingredient and no
        magnesium-only comparison exists (unless the relation is about that other ingredient)."""
        co = set(self.g.objects(publication, self.m("coSupplement")))
        if not co or subject in co:
            return True
        flag = self.g.value(publication, self.m("magnesiumOnlyComparison"))
        return flag is not None and bool(flag.toPython())

    def superseded(self, publications: set[URIRef]) -> dict[URIRef, URIRef]:
        """Publications included by a review that is itself in the set -> that review."""
        out = {}
        for review in sorted(publications):
            for study in self.g.objects(review, self.m("includesStudy")):
                if study in publications and study != review:
                    out.setdefault(study, review)
        return out

    def study_count(self, publications: set[URIRef]) -> int:
        return sum(
            int(self.g.value(p, self.m("studiesIncluded")) or 1) if self.grader.is_review_of_trials(p) else 1
            for p in publications
        )

    def participant_count(self, publications: set[URIRef]) -> tuple[int, int]:
        """(participants in the studies that record them, studies that do not)."""
        known = [self.grader.size(p) for p in publications]
        return sum(n for n in known if n is not None), sum(1 for n in known if n is None)

    def authors_cap(self, publications: set[URIRef]) -> tuple[int, list[URIRef]]:
        """The lowest certainty a counted review's own authors report (5 when none does)."""
        cap, by = 5, []
        for pub in sorted(publications):
            grade = self.g.value(pub, self.m("authorsCertainty"))
            if grade is not None and self._name(grade) in LEVELS:
                level = LEVELS[self._name(grade)]
                if level < cap:
                    cap, by = level, [pub]
                elif level == cap:
                    by.append(pub)
        return cap, by

    def reference_links(self, claims: list[URIRef]) -> tuple[list[URIRef], list[URIRef]]:
        """Sources of authoritative findings linked to the claims: (supporting, contradicting)."""
        support, contradict = set(), set()
        for claim in claims:
            for link in self.g.subjects(self.m("assessedClaim"), claim):
                finding = self.g.value(link, self.m("finding"))
                if finding is None or not self._authoritative(finding):
                    continue
                stance = self.g.value(link, self.m("stance"))
                sources = set(self.g.objects(finding, PROV.wasDerivedFrom))
                if stance in {self.m(s) for s in SUPPORTING}:
                    support |= sources
                elif stance == self.m("StanceContradicts"):
                    contradict |= sources
        return sorted(support), sorted(contradict)

    def summarize(self, triple: Triple, claims: list[URIRef], iri: URIRef) -> Summary:
        """Apply the body-of-evidence rules to every claim on ``triple``."""
        subject, predicate, _obj = triple
        cls = self.evidence_class(predicate)
        relation = self.relation_text(triple)
        items: list[Item] = []
        findings: set[URIRef] = set()
        for claim in claims:
            for item in self.grader.items(claim):
                if item not in items:
                    items.append(item)
                if item.finding is not None and item.finding not in claims:
                    findings.add(item.finding)
        for link_claim in claims:
            for link in self.g.subjects(self.m("assessedClaim"), link_claim):
                finding = self.g.value(link, self.m("finding"))
                if finding is not None and finding not in claims:
                    findings.add(finding)
        kinds = set().union(*(self._kinds(c) for c in claims))
        authority = sorted(
            {s for c in claims if self._authoritative(c) for s in self.g.objects(c, PROV.wasDerivedFrom)}
            - {s for s in self.g.subjects(self.m("sourceKind"), self.m("PageAssertion"))}
        )
        linked_support, contradicting = self.reference_links(claims)
        authority = sorted(set(authority) | set(linked_support))

        human = [i for i in items if self.grader.is_human(i.publication)]
        superseded = self.superseded({i.publication for i in human})
        counted = [i for i in human if i.publication not in superseded]
        not_attr = sorted({i.publication for i in counted if not self.attributable(i.publication, subject)})
        attributable = [i for i in counted if i.publication not in not_attr]
        supporting = [i for i in attributable if i.stance in {self.m(s) for s in SUPPORTING}]
        dissenting = [i for i in attributable if i.stance in {self.m(s) for s in DISSENTING}]
        support_start = max((self.grader.starting_level(i.publication) for i in supporting), default=-1)
        # A publication that both supports and dissents (different outcomes or subgroups) is
        # rated down for inconsistency by the grader; it does not block its own support.
        blocking = sorted(
            {i.publication for i in dissenting if self.grader.starting_level(i.publication) >= support_start}
            - {i.publication for i in supporting}
        )
        towards = "DirectionHarm" if cls == "SafetyEvidence" else "DirectionBenefit"
        on_authority = self.on_authority.get(cls, False) and bool(authority)
        if cls in self.replications and not on_authority and not contradicting:
            return self.mechanism(triple, claims, iri, items, sorted(findings))

        notes: list[str] = []
        for trial, review in sorted(superseded.items()):
            notes.append(
                f"{self._label(trial)} is set aside: {self._label(review)}, which includes it, pools this outcome"
            )
        if contradicting:
            direction = "DirectionContradicted"
        elif on_authority:
            direction = towards if cls == "SafetyEvidence" else "DirectionStated"
        elif supporting and blocking:
            direction = "DirectionMixed"
        elif supporting:
            direction = towards
        elif dissenting:
            stances = {i.stance for i in dissenting}
            direction = (
                "DirectionContradicted" if self.m("StanceContradicts") in stances else "DirectionNoEffect"
            )
        elif not_attr:
            direction = "DirectionNotAttributable"
        else:
            direction = "DirectionNotAssessed"

        counted_pubs = {i.publication for i in (attributable or counted)}
        studies = self.study_count(counted_pubs)
        participants, unknown = self.participant_count(counted_pubs)

        study_kinds = kinds - {self.m("ReferenceValues")}
        components: list = []
        if direction == "DirectionContradicted" and contradicting:
            certainty = "GradeNotSupported"
        elif on_authority:
            certainty = "GradeReferenceValue"
        else:
            graded = attributable or counted or items
            certainty, components = self.grader.grade_items(
                graded, study_kinds or kinds, participants or None
            )
        if certainty in LEVELS:
            level = LEVELS[certainty]
            cap, by = self.authors_cap({i.publication for i in supporting})
            if cap < level:
                level = cap
                notes.append(f"capped at the certainty its own authors report ({self._names(by)})")
            if studies == 1 and self.single_max in LEVELS and LEVELS[self.single_max] < level:
                level = LEVELS[self.single_max]
                notes.append(f"a single study cannot reach more than {self._label(self.m(self.single_max))}")
            certainty = LEVEL_GRADES[level]

        bar = self.bar.get(cls, "GradeModerate")
        clears = certainty in LEVELS and bar in LEVELS and LEVELS[certainty] >= LEVELS[bar]
        if direction in BLOCKING_DIRECTIONS:
            asserts = False
        elif on_authority:
            asserts = True
        elif direction == towards:
            asserts = clears
        else:
            asserts = False

        cert_label = self._label(self.m(certainty))
        bar_label = self._label(self.m(bar))
        cls_label = self._label(self.m(cls))
        counts = self.counts_text(studies, participants, unknown)
        sup_names = self._names({i.publication for i in supporting})
        if direction == "DirectionContradicted" and contradicting:
            plain = f"{self._names(contradicting)} says the opposite: it does not hold that {relation}."
            reason = f"Not a fact: {self._names(contradicting)} contradicts it."
        elif on_authority and direction == "DirectionHarm":
            plain = f"{self._names(authority)} states that {relation}; this is a safety precaution."
            reason = (
                f"Asserted on the authority of {self._names(authority)}: safety relations are asserted "
                "when a public reference or a product label states them, as a precaution."
            )
        elif on_authority:
            plain = f"{self._names(authority)} states that {relation}."
            reason = f"Asserted on the authority of {self._names(authority)} (a {cls_label} stated by a public authority)."
        elif direction == "DirectionMixed":
            plain = (
                f"The evidence disagrees: {sup_names} support that {relation}, but {self._names(blocking)} "
                "found no effect or the opposite."
            )
            reason = (
                f"Not a fact: {self._names(blocking)} found no effect or the opposite and weighs at least as much "
                "as the supporting evidence, so the direction is mixed."
            )
        elif direction == "DirectionNotAttributable":
            co = self._names({c for p in not_attr for c in self.g.objects(p, self.m("coSupplement"))})
            nutrient = self.studied_nutrient(not_attr)
            known = nutrient != UNNAMED_NUTRIENT
            plain = (
                f"The only supporting evidence ({self._names(not_attr)}) gave {nutrient} together with {co} and had "
                f"{f'no {nutrient}-only comparison' if known else 'no arm given that nutrient alone'}, "
                f"so it cannot show that {relation}."
            )
            reason = (
                f"Not a fact: the result cannot be credited to {nutrient} (a combined product, "
                f"{f'no {nutrient}-only arm' if known else 'no arm given it alone'})."
            )
        elif direction == "DirectionNoEffect":
            plain = f"The evidence in the graph ({counts}) found no effect: it does not show that {relation}."
            reason = f"Not a fact: the counted evidence ({self._names({i.publication for i in dissenting})}) found no effect."
        elif direction == "DirectionContradicted":
            plain = f"The evidence in the graph ({counts}) points the other way: it does not show that {relation}."
            reason = "Not a fact: the counted evidence contradicts it."
        elif direction == towards:
            plain = (
                f"The evidence in the graph ({counts}) supports that {relation}, with {cert_label} certainty."
            )
            if asserts:
                reason = (
                    f"Asserted: the whole body of evidence supports it with {cert_label} certainty, "
                    f"which reaches the bar for {cls_label} ({bar_label})."
                )
            else:
                rated_down = [
                    c.explanation.rstrip(".")
                    for c in components
                    if c.change < 0 and c.criterion != "CriterionStudyDesign"
                ]
                reason = (
                    f"Not a fact: the evidence supports it, but with {cert_label} certainty, below the bar for "
                    f"{cls_label} ({bar_label})"
                    + (" (rated down: " + "; ".join(rated_down) + ")" if rated_down else "")
                    + "."
                )
        else:
            basis = self.unassessed_basis(kinds, items)
            plain = f"No human study, reference or label in the graph bears on whether {relation}; {basis}."
            reason = f"Not a fact: {basis}."
        if notes:
            reason = reason.rstrip(".") + "; " + "; ".join(notes) + "."
        plain = plain.rstrip(".") + self.upper_limit_note({i.publication for i in human}) + "."
        if not_attr and direction != "DirectionNotAttributable":
            reason = reason.rstrip(".") + (
                f"; {self._names(not_attr)} gave {self.studied_nutrient(not_attr)} with another active ingredient "
                "and is not counted."
            )
        return Summary(
            iri=iri,
            triple=triple,
            claims=list(claims),
            findings=sorted(findings),
            evidence_class=cls,
            certainty=certainty,
            direction=direction,
            studies=studies,
            participants=participants,
            plain=plain,
            reason=reason,
            asserts=asserts,
            superseded=sorted(superseded),
            not_attributable=not_attr,
            blocking=blocking if direction == "DirectionMixed" else [],
        )

    def mechanism(
        self, triple: Triple, claims: list[URIRef], iri: URIRef, items: list[Item], findings: list[URIRef]
    ) -> Summary:
        """A mechanism question: experiments in cells or tissue are direct evidence, so the
        relation is established when enough independent publications show it and none
        finds otherwise (``mgkg:replicationsRequired``)."""
        needed = self.replications["MechanismEvidence"]
        relation = self.relation_text(triple)
        supporting = sorted({i.publication for i in items if i.stance in {self.m(s) for s in SUPPORTING}})
        dissenting = sorted({i.publication for i in items if i.stance in {self.m(s) for s in DISSENTING}})
        kinds = set().union(*(self._kinds(c) for c in claims))
        studies = self.study_count(set(supporting))
        participants, _unknown = self.participant_count(set(supporting))
        common = dict(
            iri=iri, triple=triple, claims=list(claims), findings=findings, evidence_class="MechanismEvidence"
        )
        if dissenting:
            certainty, _ = self.grader.grade_items(items, kinds - {self.m("ReferenceValues")})
            return Summary(
                **common,
                certainty=certainty,
                direction="DirectionMixed" if supporting else "DirectionNoEffect",
                studies=studies,
                participants=participants,
                plain=f"Experiments disagree on whether {relation}: {self._names(dissenting)} found otherwise.",
                reason=f"Not a fact: {self._names(dissenting)} found no effect or the opposite.",
                asserts=False,
                blocking=dissenting if supporting else [],
            )
        if len(supporting) >= needed:
            names = self._names(supporting)
            return Summary(
                **common,
                certainty="GradeReplicatedMechanism",
                direction="DirectionEstablished",
                studies=studies,
                participants=participants,
                plain=f"{len(supporting)} independent studies ({names}) show that {relation}; none finds otherwise.",
                reason=(
                    f"Asserted as established physiology: {len(supporting)} independent publications show it "
                    f"(at least {needed} are needed) and none disagrees; for a mechanism, experiments in cells "
                    "or tissue are direct evidence. It says nothing about what a supplement does in people."
                ),
                asserts=True,
            )
        certainty, _ = self.grader.grade_items(items, kinds - {self.m("ReferenceValues")})
        basis = (
            f"only {len(supporting)} publication ({self._names(supporting)}) shows it"
            if supporting
            else self.unassessed_basis(kinds, items)
        )
        return Summary(
            **common,
            certainty=certainty,
            direction="DirectionNotAssessed" if not supporting else "DirectionBenefit",
            studies=studies,
            participants=participants,
            plain=(
                f"Not yet replicated in the graph: {basis}, so it is not shown that {relation}."
                if supporting
                else f"No experiment or study in the graph shows that {relation}; {basis}."
            ),
            reason=f"Not a fact: {basis}; a mechanism needs {needed} independent publications.",
            asserts=False,
        )

    def studied_nutrient(self, publications: set[URIRef]) -> str:
        """The nutrient these publications gave, named from the data (see ``Grader.studied_nutrient``)."""
        names = sorted({self.grader.studied_nutrient(p) for p in publications} - {UNNAMED_NUTRIENT})
        return " and ".join(names) or UNNAMED_NUTRIENT

    def upper_limit_note(self, publications: set[URIRef]) -> str:
        """Words for the publications flagged ``mgkg:exceedsUpperLimit``, so the flag shows with the summary."""
        flagged = [
            p for p in sorted(publications) if self.g.value(p, self.m("exceedsUpperLimit")) is not None
        ]
        parts = []
        for pub in flagged:
            for dose, limit in doses_above_limit(self.g, self.base, pub):
                parts.append(
                    f"{self._label(pub)} gave {dose.text}, above the adult upper limit of {limit.text}"
                )
        if not parts:
            return ""
        return " (" + "; ".join(parts) + ")"

    @staticmethod
    def counts_text(studies: int, participants: int, unknown: int) -> str:
        text = f"{studies} stud{'y' if studies == 1 else 'ies'}"
        if participants:
            text += f", {participants} participants"
        if unknown:
            text += f"; participant count not recorded for {unknown}"
        return text

    def unassessed_basis(self, kinds: set[URIRef], items: list[Item]) -> str:
        if items:
            return "only preclinical (animal or cell) studies support it"
        if self.m("ReferenceValues") in kinds:
            return "only a reference states it, and an effect needs trial evidence"
        if self.m("VendorMaterial") in kinds:
            return "only the page and the vendor's own material say so"
        return "only the page says so"

    # -- writing ---------------------------------------------------------------------

    def write(self, summary: Summary) -> None:
        g, m, node = self.g, self.m, summary.iri
        s, p, o = summary.triple
        g.add((node, RDF.type, m("EvidenceSummary")))
        g.add(
            (node, RDFS.label, Literal(f"Evidence summary: {self.relation_text(summary.triple)}", lang="en"))
        )
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))
        # The same content for OWL tools, which set RDF reification aside.
        g.add((node, m("claimSubject"), s))
        g.add((node, m("claimPredicate"), p))
        g.add((node, m("claimValue") if isinstance(o, Literal) else m("claimObject"), o))
        for claim in summary.claims + summary.findings:
            g.add((node, m("summarizes"), claim))
        g.add((node, m("evidenceClass"), m(summary.evidence_class)))
        g.add((node, m("certainty"), m(summary.certainty)))
        g.add((node, m("direction"), m(summary.direction)))
        g.add((node, m("studyCount"), Literal(summary.studies, datatype=XSD.integer)))
        g.add((node, m("participantCount"), Literal(summary.participants, datatype=XSD.integer)))
        g.add((node, m("plainSummary"), Literal(summary.plain)))
        g.add((node, m("edgeReason"), Literal(summary.reason)))
        g.add((node, m("assertsEdge"), Literal(summary.asserts, datatype=XSD.boolean)))
        for pub in summary.superseded:
            g.add((node, m("supersededEvidence"), pub))
        for pub in summary.not_attributable:
            g.add((node, m("notAttributableEvidence"), pub))
        for pub in summary.blocking:
            g.add((node, m("blockingEvidence"), pub))

    def run(self) -> list[Summary]:
        summaries, taken = [], set()
        for triple, claims in sorted(self.groups().items(), key=lambda kv: tuple(map(str, kv[0]))):
            iri = self.summary_iri(triple, taken)
            taken.add(iri)
            summary = self.summarize(triple, claims, iri)
            self.write(summary)
            summaries.append(summary)
        return summaries


@dataclass(frozen=True)
class Amount:
    """A nutrient amount read back from the graph, in its own unit and in SI (kg/s)."""

    nutrient: URIRef
    nutrient_label: str
    value: Decimal
    si: Decimal
    text: str  # "500 mg/d of magnesium"


def read_amount(graph: Graph, base: Base, node: URIRef) -> Amount | None:
    """One ``mgkg:NutrientAmount``; None when it lacks its number, unit, multiplier or nutrient
    (SHACL rejects such an amount, and a partial one must not be compared)."""
    value = graph.value(node, QUDT.numericValue)
    unit = graph.value(node, QUDT.hasUnit)
    nutrient = graph.value(node, base.rebase(MGKG.amountOf))
    factor = graph.value(unit, QUDT.conversionMultiplier) if unit is not None else None
    if value is None or factor is None or not isinstance(nutrient, URIRef):
        return None
    number = Decimal(str(value))
    label = graph.value(nutrient, RDFS.label)
    return Amount(
        nutrient=nutrient,
        nutrient_label=str(label) if label is not None else str(nutrient),
        value=number,
        si=number * Decimal(str(factor)),
        text=str(graph.value(node, RDFS.label) or f"{number} {unit}"),
    )


def upper_limits(graph: Graph, base: Base) -> dict[URIRef, Amount]:
    """Each nutrient's adult Tolerable Upper Intake Level: of its reference values of type UL,
    the one with the highest minimum age, so the flag follows the curated value."""
    m = lambda name: base.rebase(MGKG[name])  # noqa: E731
    found: dict[URIRef, tuple[int, Amount]] = {}
    for ref in sorted(graph.subjects(RDF.type, m("ReferenceValue"))):
        kind = graph.value(ref, m("referenceValueType"))
        node = graph.value(ref, m("referenceAmount"))
        if kind is None or not str(kind).rsplit("#", 1)[-1].upper().endswith("UL") or node is None:
            continue
        amount = read_amount(graph, base, node)
        if amount is None:
            continue
        age = int(graph.value(ref, m("ageMinYears")) or 0)
        if amount.nutrient not in found or age > found[amount.nutrient][0]:
            found[amount.nutrient] = (age, amount)
    return {nutrient: amount for nutrient, (_age, amount) in found.items()}


def doses_above_limit(
    graph: Graph, base: Base, publication: URIRef, limits: dict[URIRef, Amount] | None = None
) -> list[tuple[Amount, Amount]]:
    """The publication's daily doses above the adult upper limit of the same nutrient
    (compared in SI units, so mg/day and g/day compare correctly), each with that limit."""
    limits = upper_limits(graph, base) if limits is None else limits
    above = []
    for node in sorted(graph.objects(publication, base.rebase(MGKG.dailyDose))):
        dose = read_amount(graph, base, node)
        if dose is not None and dose.nutrient in limits and dose.si > limits[dose.nutrient].si:
            above.append((dose, limits[dose.nutrient]))
    return above


def flag_upper_limit(graph: Graph, base: Base) -> list[URIRef]:
    """Mark publications (and their findings) whose daily dose of a nutrient exceeds that
    nutrient's adult upper limit (:func:`upper_limits`)."""
    m = lambda name: base.rebase(MGKG[name])  # noqa: E731
    limits = upper_limits(graph, base)
    if not limits:
        return []
    flagged = []
    for pub in sorted(set(graph.subjects(m("dailyDose"), None))):
        if doses_above_limit(graph, base, pub, limits):
            flagged.append(pub)
            graph.add((pub, m("exceedsUpperLimit"), Literal(True, datatype=XSD.boolean)))
            for finding in graph.subjects(PROV.wasDerivedFrom, pub):
                if (finding, RDF.type, m("Claim")) in graph:
                    graph.add((finding, m("exceedsUpperLimit"), Literal(True, datatype=XSD.boolean)))
    return flagged


def synthesize(graph: Graph, base: Base, grader: Grader | None = None) -> list[Summary]:
    """Add one ``mgkg:EvidenceSummary`` per relation to ``graph`` (claims must be graded first)."""
    return Synthesizer(graph, base, grader).run()
