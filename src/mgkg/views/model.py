"""RDF -> the claim graph (networkx), the model shared by ``mgkg viz`` and ``mgkg explain``.

Why a model of its own: learners look at entities and at the claims between them,
not at triples. Each node is an entity (a claim's subject or object, or an instance
of a domain class); each edge is one claim (an ``rdf:Statement``/``mgkg:Claim`` whose
subject and object are both IRIs), carrying everything a learner card shows: the
claim in plain words, its grade and why, its citation-audit verdict, the page
passage, the kinds of source it rests on and the sources themselves. Claims with a
literal object (``magnesium nickname "the calm mineral"``) become attributes of their
subject's card.

The reader works on any RDF file pyoxigraph can parse (the release, a user's own
Turtle, the release extended by a user) and on an rdflib ``Graph``. It needs no
ontology: labels fall back to readable local names, never to raw IRIs; terms of the
mgkg ontology are recognised by their local name after ``ontology#``, so graphs built
under another ``--base`` read the same.

Evidence grades and audit verdicts are being added to the graph separately; which
claim properties hold them, and how their values map to a small set of tiers that
viewers style, is decided in one place: :data:`EVIDENCE`.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import networkx as nx

from mgkg.errors import DataError, UsageError
from mgkg.prefixes import CURIE_PREFIXES, DEFAULT_BASE, compact_iri

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
PROV_NS = "http://www.w3.org/ns/prov#"
DCTERMS_NS = "http://purl.org/dc/terms/"

RDF_TYPE = RDF_NS + "type"
RDF_STATEMENT = RDF_NS + "Statement"
RDFS_LABEL = RDFS_NS + "label"
RDFS_COMMENT = RDFS_NS + "comment"
RDFS_SUBCLASS = RDFS_NS + "subClassOf"
SKOS_DEFINITION = SKOS_NS + "definition"
SKOS_PREF = SKOS_NS + "prefLabel"
SKOS_ALT = SKOS_NS + "altLabel"
SKOS_EXACT = SKOS_NS + "exactMatch"
SKOS_CLOSE = SKOS_NS + "closeMatch"
DERIVED_FROM = PROV_NS + "wasDerivedFrom"
DC_TITLE = DCTERMS_NS + "title"

ONTOLOGY_MARK = "ontology#"


# ---------------------------------------------------------------------------
# Evidence: the one place that says where grades and verdicts live and how they tier
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceMapping:
    """Where a claim's grade, the reasons for it and its citation-audit verdicts are read.

    The ontology (``mgkg:EvidenceRubric``) gives each claim ``mgkg:evidenceGrade`` -> a
    grade individual (``mgkg:GradeLow``, label "low"), ``mgkg:gradeComponent`` -> the
    criteria that set it (``mgkg:criterion``, ``mgkg:levelChange``, ``mgkg:explanation``);
    a ``mgkg:CitationVerdict`` points at its claim with ``mgkg:assessedClaim`` and holds
    ``mgkg:verdict`` and ``mgkg:verdictReason``; a ``mgkg:EvidenceLink`` brings a
    ``mgkg:finding`` to an assessed claim with a ``mgkg:stance``. Properties are matched
    by local name (exact names first, then the pattern), so a renamed property still
    reads. A grade or verdict value may be an individual (its label is shown) or a
    literal; it is put in a tier by the first keyword list that matches its label or
    local name. A value that matches none keeps its label in the neutral ``other``
    tier; a claim with no grade at all is ``ungraded``. Viewers style tiers, never
    labels, so a new grade needs one line here.
    """

    grade_names: tuple[str, ...] = ("evidenceGrade", "hasEvidenceGrade", "grade", "gradedAs")
    grade_pattern: re.Pattern = re.compile(r"grade$|^grade|evidencelevel", re.I)
    component_names: tuple[str, ...] = ("gradeComponent",)
    rationale_pattern: re.Pattern = re.compile(r"rationale|reason|justification|gradenote", re.I)
    verdict_names: tuple[str, ...] = ("verdict", "citationVerdict", "auditVerdict", "supportVerdict")
    verdict_pattern: re.Pattern = re.compile(r"verdict$", re.I)
    assessed_names: tuple[str, ...] = ("assessedClaim",)
    #: Ordered: the first tier with a matching keyword wins ("very low" before "low").
    grade_tiers: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("very-low", ("very low", "verylow")),
        (
            "not-supported",
            ("not supported", "unsupported", "no evidence", "insufficient", "contradict", "refuted"),
        ),
        ("preclinical", ("preclinical", "animal", "in vitro", "mechanistic")),
        ("reference", ("reference value", "reference")),
        ("vendor", ("vendor",)),
        ("page", ("page assertion", "page", "assertion only")),
        ("high", ("high", "strong")),
        ("moderate", ("moderate", "medium")),
        ("low", ("low", "weak", "limited")),
    )
    verdict_tiers: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("unresolved", ("not assessable", "unresolv", "not verifiable", "not found", "unverifiable")),
        (
            "not-supported",
            (
                "does not support",
                "not support",
                "unsupported",
                "contradict",
                "disput",
                "misattribut",
                "refut",
            ),
        ),
        ("overstates", ("overstat", "exaggerat")),
        ("partial", ("partial", "partly", "qualif")),
        ("supported", ("support", "confirm", "consistent")),
    )

    def is_grade(self, name: str) -> bool:
        return name in self.grade_names or (
            bool(self.grade_pattern.search(name))
            and name not in self.component_names
            and not self.rationale_pattern.search(name)
            and not name.lower().endswith("rank")
        )

    def is_rationale(self, name: str) -> bool:
        return bool(self.rationale_pattern.search(name))

    def is_verdict(self, name: str) -> bool:
        return name in self.verdict_names or bool(self.verdict_pattern.search(name))

    @staticmethod
    def _tier(text: str, tiers) -> str | None:
        folded = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
        folded = " ".join(re.sub(r"[_\-]+", " ", folded).lower().split())
        for tier, words in tiers:
            if any(word in folded for word in words):
                return tier
        return None

    def grade_tier(self, *texts: str) -> str:
        return next((t for t in (self._tier(x, self.grade_tiers) for x in texts) if t), "other")

    def verdict_tier(self, *texts: str) -> str:
        return next((t for t in (self._tier(x, self.verdict_tiers) for x in texts) if t), "other")


EVIDENCE = EvidenceMapping()

#: Grade tiers, strongest first (ranking in ``explain`` and the legend follow this order).
GRADE_ORDER = (
    "high",
    "moderate",
    "low",
    "reference",
    "very-low",
    "preclinical",
    "page",
    "other",
    "ungraded",
    "vendor",
    "not-supported",
)
#: Verdict tiers, best first.
VERDICT_ORDER = ("supported", "partial", "other", "overstates", "unresolved", "not-supported")

#: Source kinds (local names of the mgkg:SourceKind individuals) -> short keys.
SOURCE_KINDS = {
    "PeerReviewedEvidence": "peer-reviewed",
    "ReferenceValues": "reference-values",
    "PageAssertion": "page",
    "VendorMaterial": "vendor",
}
#: Readable names of the source-kind keys.
SOURCE_KIND_LABELS = {
    "peer-reviewed": "peer-reviewed evidence",
    "reference-values": "reference values",
    "page": "page assertion",
    "vendor": "vendor material",
}
#: What a claim rests on, strongest basis first (the styles of viz follow these keys).
BASIS_ORDER = ("peer-reviewed", "reference-values", "page-only", "vendor-only", "unsourced")
#: Predicates (local names) whose claims are safety warnings, styled as contraindications.
CONTRAINDICATION_PREDICATES = frozenset({"contraindicatedIn", "predisposesTo"})
CONTRAINDICATION_CLASSES = frozenset({"Contraindication"})


# ---------------------------------------------------------------------------
# Reading RDF into a small triple index
# ---------------------------------------------------------------------------


class Lit(NamedTuple):
    """A literal: its lexical value and language tag (IRIs and blank nodes are ``str``)."""

    value: str
    lang: str | None = None
    datatype: str | None = None


Term = str | Lit

_EXTENSIONS = {
    ".ttl": "TURTLE",
    ".turtle": "TURTLE",
    ".nt": "N_TRIPLES",
    ".ntriples": "N_TRIPLES",
    ".nq": "N_QUADS",
    ".trig": "TRIG",
    ".n3": "N3",
    ".rdf": "RDF_XML",
    ".owl": "RDF_XML",
    ".xml": "RDF_XML",
    ".jsonld": "JSON_LD",
    ".json": "JSON_LD",
}


class TripleIndex:
    """Subject -> predicate -> objects, plus class membership; enough for the model."""

    def __init__(self) -> None:
        self.spo: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.instances: dict[str, list[str]] = defaultdict(list)
        self.pos: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.size = 0

    def add(self, s: str, p: str, o: Term) -> None:
        objs = self.spo[s][p]
        if o in objs:
            return
        objs.append(o)
        self.size += 1
        if isinstance(o, str):
            self.pos[p][o].append(s)
            if p == RDF_TYPE:
                self.instances[o].append(s)

    def subjects(self, p: str, o: str) -> list[str]:
        """Subjects with ``p`` -> ``o`` (IRI objects only)."""
        objs = self.pos.get(p)
        return sorted(objs.get(o, [])) if objs else []

    def objects(self, s: str, p: str) -> list[Term]:
        props = self.spo.get(s)
        return props.get(p, []) if props else []

    def iris(self, s: str, p: str) -> list[str]:
        return sorted(o for o in self.objects(s, p) if isinstance(o, str))

    def value(self, s: str, p: str) -> Term | None:
        objs = self.objects(s, p)
        return objs[0] if objs else None

    def text(self, s: str, *predicates: str) -> str | None:
        """The best literal of the first predicate that has one (English, then plain)."""
        for p in predicates:
            lits = [o for o in self.objects(s, p) if isinstance(o, Lit)]
            if lits:
                return min(lits, key=lambda lit: (_lang_rank(lit.lang), lit.value)).value
        return None

    def texts(self, s: str, p: str) -> list[str]:
        return sorted({o.value for o in self.objects(s, p) if isinstance(o, Lit)})

    def properties(self, s: str) -> dict[str, list[Term]]:
        return self.spo.get(s, {})


def _lang_rank(lang: str | None) -> int:
    if lang and lang.lower().startswith("en"):
        return 0
    return 1 if not lang else 2


def _from_oxigraph(term: Any) -> Term:
    kind = type(term).__name__
    if kind == "NamedNode":
        return term.value
    if kind == "BlankNode":
        return "_:" + term.value
    if kind == "Literal":
        return Lit(term.value, term.language, term.datatype.value if term.datatype else None)
    raise DataError(f"unsupported RDF term {term!r} (RDF-star triples are not shown)")


def _from_rdflib(term: Any) -> Term:
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        return Lit(str(term), term.language, str(term.datatype) if term.datatype else None)
    if isinstance(term, BNode):
        return "_:" + str(term)
    return str(term)


def read_rdf(source: Any) -> TripleIndex:
    """Index ``source``: a path to an RDF file, an rdflib ``Graph`` or a ``TripleIndex``."""
    if isinstance(source, TripleIndex):
        return source
    index = TripleIndex()
    if hasattr(source, "triples") and hasattr(source, "namespace_manager"):  # rdflib Graph
        for s, p, o in source:
            index.add(_from_rdflib(s), str(p), _from_rdflib(o))
        return index
    path = Path(source)
    if not path.is_file():
        raise DataError(f"no RDF file at {path}")
    import pyoxigraph

    name = _EXTENSIONS.get(path.suffix.lower())
    if name is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise UsageError(f"{path}: unknown RDF format {path.suffix!r} (known extensions: {known})")
    try:
        for quad in pyoxigraph.parse(path=str(path), format=getattr(pyoxigraph.RdfFormat, name)):
            index.add(_from_oxigraph(quad.subject), quad.predicate.value, _from_oxigraph(quad.object))
    except SyntaxError as exc:
        raise DataError(f"{path}: not valid {name.replace('_', '-').lower()}: {exc}") from exc
    return index


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def local_name(iri: str) -> str:
    """The part after ``#`` or the last ``/`` (or ``:``)."""
    for sep in ("#", "/", ":"):
        if sep in iri.rstrip(sep):
            return iri.rstrip(sep).rsplit(sep, 1)[1]
    return iri


def mgkg_name(iri: str) -> str | None:
    """The local name of an mgkg ontology term under any base, else ``None``."""
    if isinstance(iri, str) and ONTOLOGY_MARK in iri and not iri.startswith("_:"):
        return iri.split(ONTOLOGY_MARK, 1)[1]
    return None


def humanize(iri: str) -> str:
    """A readable label from an IRI's local name: ``nmda-receptor`` -> ``nmda receptor``."""
    name = local_name(iri)
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    name = re.sub(r"[_\-]+", " ", name).strip()
    if not name or iri.startswith("_:"):
        return "(unnamed)"
    words = [w.lower() if w[:1].isupper() and w[1:].islower() else w for w in name.split()]
    return " ".join(words)


def compact(iri: str) -> str:
    """A CURIE for display (``CHEBI:18420``, ``kg:magnesium``); the IRI when none fits."""
    if iri.startswith(DEFAULT_BASE + "id/"):
        return "kg:" + iri[len(DEFAULT_BASE) + 3 :]
    if mgkg_name(iri) is not None:
        return "mgkg:" + mgkg_name(iri)
    external = compact_iri(iri, CURIE_PREFIXES)
    if external is not None:
        return external
    if "/id/" in iri:
        return "kg:" + iri.rsplit("/id/", 1)[1]
    return iri


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL, else ``None`` (never ``javascript:`` and the like)."""
    if url and re.match(r"^https?://[^\s\"'<>`]+$", url.strip(), re.I):
        return url.strip()
    return None


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


@dataclass
class Source:
    iri: str
    label: str
    kind: str | None  # a key of SOURCE_KINDS' values, or None
    kind_label: str | None = None
    title: str | None = None
    authors: str | None = None
    year: str | None = None
    journal: str | None = None
    design: str | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    key_result: str | None = None

    def links(self) -> list[tuple[str, str]]:
        """(text, url) pairs: PubMed, DOI and the source's own address, each http(s)."""
        out = []
        if self.pmid and re.fullmatch(r"[0-9]+", self.pmid):
            out.append((f"PMID {self.pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"))
        if self.doi and re.fullmatch(r"10\.[0-9]{4,9}/[^\s\"'<>`]+", self.doi):
            out.append((f"doi:{self.doi}", "https://doi.org/" + quote(self.doi, safe="/()._-;:")))
        if safe_url(self.url):
            out.append(("web page", safe_url(self.url)))
        return out

    def citation(self) -> str:
        """A short human citation: 'Abbasi 2012, RCT (PMID 23853635)'."""
        parts = [self.label]
        if self.design:
            parts.append(self.design)
        ids = [f"PMID {self.pmid}" if self.pmid else None, f"doi:{self.doi}" if self.doi else None]
        ids = [i for i in ids if i]
        text = ", ".join(parts)
        return f"{text} ({'; '.join(ids)})" if ids else text


@dataclass
class Grade:
    """A claim's evidence grade, its tier (see :data:`EVIDENCE`) and why it is what it is."""

    label: str
    tier: str
    iri: str | None = None
    definition: str | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    """A citation-audit verdict on a claim: does the cited record support the sentence?"""

    label: str
    tier: str
    reason: str | None = None
    compared_with: list[Source] = field(default_factory=list)


@dataclass
class Evidence:
    """A finding (a claim derived from publications) linked to the claim, with its stance."""

    statement: str
    stance: str | None = None
    directness: str | None = None
    grade: str | None = None
    sources: list[Source] = field(default_factory=list)
    exceeds_upper_limit: bool = False
    dose: str | None = None  # the finding's daily dose in words ("500 mg/d of magnesium")


@dataclass
class Summary:
    """What the whole body of evidence says about a claim's relation (an ``mgkg:EvidenceSummary``).

    Shown before the claim itself, because it, not the claim, decides whether the
    relation is a fact: ``asserts`` and ``reason`` say so in plain words.
    """

    iri: str
    certainty: str | None = None
    direction: str | None = None
    evidence_class: str | None = None
    studies: int | None = None
    participants: int | None = None
    plain: str | None = None
    reason: str | None = None
    asserts: bool | None = None
    claims: int = 0


@dataclass
class Claim:
    iri: str
    subject: str
    predicate: str
    object: Term
    predicate_label: str
    statement: str
    hedge: str | None = None
    grade: Grade | None = None
    verdicts: list[Verdict] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    asserted: bool | None = None
    section: str | None = None
    quotation: str | None = None
    qualifiers: list[tuple[str, str]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    printed: list[str] = field(default_factory=list)
    contraindication: bool = False
    summary: Summary | None = None
    exceeds_upper_limit: bool = False
    dose: str | None = None  # the claim's daily dose in words ("500 mg/d of magnesium")

    @property
    def grade_tier(self) -> str:
        return self.grade.tier if self.grade else "ungraded"

    @property
    def verdict(self) -> Verdict | None:
        """The worst of the claim's citation verdicts (what a learner must not miss)."""
        if not self.verdicts:
            return None
        return max(self.verdicts, key=lambda v: VERDICT_ORDER.index(v.tier))

    @property
    def verdict_tier(self) -> str:
        return self.verdict.tier if self.verdict else "none"

    @property
    def basis(self) -> str:
        kinds = set(self.kinds)
        if "peer-reviewed" in kinds:
            return "peer-reviewed"
        if "reference-values" in kinds:
            return "reference-values"
        if "vendor" in kinds:
            return "vendor-only"
        if "page" in kinds:
            return "page-only"
        return "unsourced"

    def all_sources(self) -> list[Source]:
        """The claim's own sources and those of the findings linked to it, once each."""
        seen: dict[str, Source] = {}
        for source in self.sources + [s for e in self.evidence for s in e.sources]:
            seen.setdefault(source.iri, source)
        return list(seen.values())


@dataclass
class Entity:
    iri: str
    label: str
    definition: str | None = None
    synonyms: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)  # direct rdf:type IRIs
    type_labels: list[str] = field(default_factory=list)
    ancestors: list[str] = field(default_factory=list)  # types and their superclasses
    exact: list[str] = field(default_factory=list)
    close: list[str] = field(default_factory=list)
    note: str | None = None
    attributes: list[tuple[str, str, str]] = field(default_factory=list)  # (predicate, value, basis)
    supplies: list[str] = field(default_factory=list)  # nutrients an intervention supplies

    @property
    def curie(self) -> str:
        return compact(self.iri)


class Model:
    """Builds entities and claims from a :class:`TripleIndex`."""

    def __init__(self, index: TripleIndex, evidence: EvidenceMapping = EVIDENCE):
        self.index = index
        self.evidence = evidence
        self._sources: dict[str, Source] = {}
        self._assessed = sorted(p for p in index.pos if local_name(p) in evidence.assessed_names)
        self._summarizes = sorted(p for p in index.pos if mgkg_name(p) == "summarizes")

    # -- names and classes --------------------------------------------------
    def label(self, iri: Term) -> str:
        if isinstance(iri, Lit):
            return iri.value
        return self.index.text(iri, RDFS_LABEL, SKOS_PREF, DC_TITLE) or humanize(iri)

    def ancestors(self, classes: Iterable[str]) -> list[str]:
        seen: list[str] = []
        stack = list(classes)
        while stack:
            cls = stack.pop(0)
            if cls in seen:
                continue
            seen.append(cls)
            stack.extend(self.index.iris(cls, RDFS_SUBCLASS))
        return seen

    def is_claim(self, iri: str) -> bool:
        types = self.index.iris(iri, RDF_TYPE)
        return any(t == RDF_STATEMENT or mgkg_name(t) == "Claim" for t in types)

    def claim_iris(self) -> list[str]:
        found = set(self.index.instances.get(RDF_STATEMENT, []))
        for cls, members in self.index.instances.items():
            if mgkg_name(cls) == "Claim":
                found.update(members)
        return sorted(
            c
            for c in found
            if self.index.value(c, RDF_NS + "subject") is not None
            and self.index.value(c, RDF_NS + "predicate") is not None
            and self.index.value(c, RDF_NS + "object") is not None
        )

    def domain_instances(self) -> list[str]:
        """Instances of mgkg:BiomedicalEntity or any of its subclasses (any base)."""
        roots = [c for c in self.index.spo if mgkg_name(c) == "BiomedicalEntity"]
        roots += [c for c in self.index.instances if mgkg_name(c) == "BiomedicalEntity"]
        classes = set(roots)
        children: dict[str, list[str]] = defaultdict(list)
        for s, props in self.index.spo.items():
            for sup in props.get(RDFS_SUBCLASS, []):
                if isinstance(sup, str):
                    children[sup].append(s)
        stack = list(classes)
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in classes:
                    classes.add(child)
                    stack.append(child)
        # Without the ontology, the class names of the shipped ontology still count.
        for cls in self.index.instances:
            if mgkg_name(cls) in DOMAIN_CLASS_NAMES:
                classes.add(cls)
        return sorted(
            {i for cls in classes for i in self.index.instances.get(cls, []) if not i.startswith("_:")}
        )

    # -- entities -----------------------------------------------------------
    def entity(self, iri: str) -> Entity:
        ix = self.index
        types = ix.iris(iri, RDF_TYPE)
        return Entity(
            iri=iri,
            label=self.label(iri),
            definition=ix.text(iri, SKOS_DEFINITION, DCTERMS_NS + "description", RDFS_COMMENT),
            synonyms=ix.texts(iri, SKOS_ALT),
            types=types,
            type_labels=sorted({self.label(t) for t in types}),
            ancestors=self.ancestors(types),
            exact=ix.iris(iri, SKOS_EXACT),
            close=ix.iris(iri, SKOS_CLOSE),
            note=ix.text(iri, *[p for p in ix.properties(iri) if mgkg_name(p) == "localTermNote"]),
            supplies=sorted(
                str(o)
                for p in ix.properties(iri)
                if mgkg_name(p) == "suppliesNutrient"
                for o in ix.iris(iri, p)
            ),
        )

    # -- sources ------------------------------------------------------------
    def source(self, iri: str) -> Source:
        if iri in self._sources:
            return self._sources[iri]
        ix = self.index
        props = ix.properties(iri)
        by_name = {mgkg_name(p) or local_name(p): p for p in props}

        def text(*names: str) -> str | None:
            for name in names:
                if name in by_name:
                    value = ix.text(iri, by_name[name])
                    if value:
                        return value
            return None

        def ref(name: str) -> str | None:
            if name in by_name:
                iris = ix.iris(iri, by_name[name])
                return iris[0] if iris else None
            return None

        kind_iri = ref("sourceKind")
        kind = SOURCE_KINDS.get(mgkg_name(kind_iri) or "") if kind_iri else None
        design = ref("studyDesign")
        url = text("sourceUrl", "url")
        if url is None and by_name.get("url"):
            url = next(iter(ix.iris(iri, by_name["url"])), None)
        source = Source(
            iri=iri,
            label=self.label(iri),
            kind=kind,
            kind_label=self.label(kind_iri) if kind_iri else None,
            title=text("title", "printedTitle"),
            authors=text("authorList", "printedAuthors"),
            year=text("publicationYear", "hasPublicationYear", "printedYear"),
            journal=text("printedJournal"),
            design=self.label(design) if design else None,
            pmid=text("hasPubMedId", "printedPmid"),
            doi=text("doi"),
            url=url,
            key_result=text("keyResult"),
        )
        self._sources[iri] = source
        return source

    # -- claims -------------------------------------------------------------
    def _named(self, iri: str, names: Iterable[str]) -> list[str]:
        """Predicates of ``iri`` whose local name is one of ``names``."""
        wanted = set(names)
        return sorted(p for p in self.index.properties(iri) if local_name(p) in wanted)

    def _value_label(self, value: Term) -> tuple[str, str | None, list[str]]:
        """(label, iri, texts to tier by) for a grade or verdict value."""
        if isinstance(value, Lit):
            return value.value, None, [value.value]
        return self.label(value), value, [self.label(value), local_name(value)]

    def grade(self, claim: str) -> Grade | None:
        ix, ev = self.index, self.evidence
        props = sorted(ix.properties(claim), key=lambda p: (local_name(p) not in ev.grade_names, p))
        prop = next((p for p in props if ev.is_grade(local_name(p))), None)
        if prop is None:
            return None
        value = ix.value(claim, prop)
        label, iri, texts = self._value_label(value)
        grade = Grade(label, ev.grade_tier(*texts), iri, ix.text(iri, SKOS_DEFINITION) if iri else None)
        for p in self._named(claim, ev.component_names):
            components = []
            for comp in ix.iris(claim, p):
                change = next(
                    (
                        o.value
                        for q in self._named(comp, ["levelChange"])
                        for o in ix.objects(comp, q)
                        if isinstance(o, Lit)
                    ),
                    None,
                )
                criterion = next(
                    (self.label(o) for q in self._named(comp, ["criterion"]) for o in ix.iris(comp, q)), None
                )
                explanation = ix.text(comp, *self._named(comp, ["explanation"]))
                head = criterion or self.label(comp)
                if change is not None and criterion:
                    head += f" ({int(change):+d})" if change.lstrip("+-").isdigit() else f" ({change})"
                order = 0 if "design" in head.lower() else 1
                components.append((order, head, f"{head}: {explanation}" if explanation else head))
            grade.reasons.extend(text for _o, _h, text in sorted(components))
        for p in sorted(ix.properties(claim)):
            if ev.is_rationale(local_name(p)):
                grade.reasons.extend(ix.texts(claim, p))
        return grade

    def verdicts(self, claim: str) -> list[Verdict]:
        """Verdicts pointing at the claim (``assessedClaim``) or held by it (``verdict``)."""
        ix, ev = self.index, self.evidence
        holders = [claim]
        for p in self._assessed:
            holders += [
                h
                for h in ix.subjects(p, claim)
                if any(ev.is_verdict(local_name(q)) for q in ix.properties(h))
            ]
        out = []
        for holder in holders:
            for p in sorted(ix.properties(holder)):
                if not ev.is_verdict(local_name(p)) or ev.is_rationale(local_name(p)):
                    continue
                for value in ix.objects(holder, p):
                    if not isinstance(value, Lit) and self.is_claim(value):
                        continue
                    label, iri, texts = self._value_label(value)
                    reason = next(
                        (
                            t
                            for q in sorted(ix.properties(holder))
                            if ev.is_rationale(local_name(q))
                            for t in ix.texts(holder, q)
                        ),
                        None,
                    )
                    compared = [
                        self.source(c)
                        for q in self._named(holder, ["comparedWith"])
                        for c in ix.iris(holder, q)
                    ]
                    out.append(
                        Verdict(label, ev.verdict_tier(*texts), reason if holder != claim else None, compared)
                    )
        return out

    def evidence_links(self, claim: str) -> list[Evidence]:
        """Findings linked to the claim by evidence links (``assessedClaim`` + ``finding``)."""
        ix = self.index
        out = []
        for p in self._assessed:
            for link in ix.subjects(p, claim):
                findings = [f for q in self._named(link, ["finding"]) for f in ix.iris(link, q)]
                for finding in findings:
                    stance = next(
                        (self.label(o) for q in self._named(link, ["stance"]) for o in ix.iris(link, q)), None
                    )
                    direct = next(
                        (self.label(o) for q in self._named(link, ["directness"]) for o in ix.iris(link, q)),
                        None,
                    )
                    grade = self.grade(finding)
                    out.append(
                        Evidence(
                            statement=self.label(finding),
                            stance=stance,
                            directness=direct,
                            grade=grade.label if grade else None,
                            sources=[self.source(s) for s in ix.iris(finding, DERIVED_FROM)],
                            exceeds_upper_limit=self._flag(finding, "exceedsUpperLimit"),
                            dose=self.dose(finding),
                        )
                    )
        return sorted(out, key=lambda e: e.statement)

    def dose(self, claim: str) -> str | None:
        """The label of a claim's dose qualifier (a nutrient amount), so text names its nutrient."""
        return next(
            (self.label(o) for p in self._named(claim, ["qualifierDose"]) for o in self.index.iris(claim, p)),
            None,
        )

    def _flag(self, iri: str, name: str) -> bool:
        value = next((self.index.value(iri, p) for p in self._named(iri, [name])), None)
        return isinstance(value, Lit) and value.value.strip().lower() in ("true", "1")

    def summary(self, claim: str) -> Summary | None:
        """The evidence summary of the claim's own relation (the one with its subject, predicate, object)."""
        ix = self.index
        triple = tuple(ix.value(claim, RDF_NS + x) for x in ("subject", "predicate", "object"))
        for p in self._summarizes:
            for node in ix.subjects(p, claim):
                if tuple(ix.value(node, RDF_NS + x) for x in ("subject", "predicate", "object")) == triple:
                    return self._summary_node(node, p)
        return None

    def summaries_about(self, iri: str) -> list[tuple[Summary, tuple[str, str, Term], list[str]]]:
        """Evidence summaries of the relations with ``iri`` at one end: each with its
        (subject, predicate, object) and the claims it weighs, safety first, then the
        relations that are facts, then the rest (for the page of an entity)."""
        ix = self.index
        found = []
        for position in ("subject", "object"):
            for node in sorted(ix.subjects(RDF_NS + position, iri)):
                weighed = [(p, ix.iris(node, p)) for p in self._summarizes if ix.iris(node, p)]
                if not weighed:
                    continue  # a claim, not a summary
                summary = self._summary_node(node, weighed[0][0])
                triple = tuple(ix.value(node, RDF_NS + x) for x in ("subject", "predicate", "object"))
                found.append((summary, triple, sorted({c for _, cs in weighed for c in cs})))

        def order(item):
            summary, triple, _ = item
            safety = (summary.evidence_class or "").lower() == "safety"
            return (
                not safety,
                not summary.asserts,
                self.label(triple[1]).lower(),
                self.label(triple[2]).lower(),
            )

        return sorted(found, key=order)

    def _summary_node(self, node: str, summarizes: str) -> Summary:
        ix = self.index

        def value(name: str) -> Term | None:
            return next((ix.value(node, q) for q in self._named(node, [name])), None)

        def label(name: str) -> str | None:
            term = value(name)
            return self.label(term) if term is not None else None

        def number(name: str) -> int | None:
            term = value(name)
            return int(term.value) if isinstance(term, Lit) and term.value.isdigit() else None

        plain, reason = value("plainSummary"), value("edgeReason")
        return Summary(
            iri=node,
            certainty=label("certainty"),
            direction=label("direction"),
            evidence_class=label("evidenceClass"),
            studies=number("studyCount"),
            participants=number("participantCount"),
            plain=plain.value if isinstance(plain, Lit) else None,
            reason=reason.value if isinstance(reason, Lit) else None,
            asserts=self._flag(node, "assertsEdge"),
            claims=len(ix.iris(node, summarizes)),
        )

    def claim(self, iri: str) -> Claim:
        ix = self.index
        subject = ix.value(iri, RDF_NS + "subject")
        predicate = ix.value(iri, RDF_NS + "predicate")
        obj = ix.value(iri, RDF_NS + "object")
        claim = Claim(
            iri=iri,
            subject=subject,
            predicate=predicate,
            object=obj,
            predicate_label=self.label(predicate),
            statement=ix.text(iri, RDFS_LABEL)
            or f"{self.label(subject)} {self.label(predicate)} {self.label(obj)}",
            grade=self.grade(iri),
            verdicts=self.verdicts(iri),
            evidence=self.evidence_links(iri),
            summary=self.summary(iri),
            exceeds_upper_limit=self._flag(iri, "exceedsUpperLimit"),
            dose=self.dose(iri),
        )
        kinds: set[str] = set()
        for p in sorted(ix.properties(iri)):
            name = mgkg_name(p) or local_name(p)
            if name == "wasDerivedFrom":
                for src in ix.iris(iri, p):
                    source = self.source(src)
                    claim.sources.append(source)
                    if source.kind:
                        kinds.add(source.kind)
            elif name == "restsOn":
                kinds.update(
                    SOURCE_KINDS[k] for k in (mgkg_name(o) for o in ix.iris(iri, p)) if k in SOURCE_KINDS
                )
            elif name == "assertedAsEdge":
                value = ix.value(iri, p)
                claim.asserted = isinstance(value, Lit) and value.value.strip().lower() in ("true", "1")
            elif name == "pageSection":
                claim.section = ix.text(iri, p)
            elif name == "quotation":
                claim.quotation = ix.text(iri, p)
            elif name == "hedge":
                claim.hedge = ix.text(iri, p)
            elif name == "citesAsPrinted":
                for cit in ix.iris(iri, p):
                    claim.printed.append(ix.text(cit, *self._named(cit, ["printedText"])) or self.label(cit))
            elif name.startswith("qualifier"):
                for value in ix.objects(iri, p):
                    text = self.label(value)
                    if isinstance(value, Lit) and re.fullmatch(r"-?[0-9]+\.0+", text):
                        text = text.split(".")[0]
                    claim.qualifiers.append((re.sub(r"^qualifier:\s*", "", self.label(p)), text))
        claim.kinds = sorted(kinds, key=list(SOURCE_KINDS.values()).index)
        claim.sources.sort(key=lambda s: (s.kind != "peer-reviewed", s.label))
        claim.contraindication = mgkg_name(predicate) in CONTRAINDICATION_PREDICATES or (
            isinstance(obj, str)
            and any(mgkg_name(t) in CONTRAINDICATION_CLASSES for t in ix.iris(obj, RDF_TYPE))
        )
        return claim


#: Class names of the shipped ontology that are domain classes, so a user's Turtle
#: without the ontology still has its entities recognised.
DOMAIN_CLASS_NAMES = frozenset(
    {
        "BiomedicalEntity",
        "ChemicalEntity",
        "Nutrient",
        "Mineral",
        "Cofactor",
        "SupplementForm",
        "Salt",
        "Chelate",
        "Neurotransmitter",
        "Hormone",
        "Metabolite",
        "Receptor",
        "AnatomicalStructure",
        "PhysiologicalSystem",
        "BiologicalProcess",
        "Condition",
        "Disorder",
        "Symptom",
        "NutritionalStatus",
        "AdverseEffect",
        "Contraindication",
        "Intervention",
        "DrugClass",
    }
)


def build_claim_graph(source: Any, evidence: EvidenceMapping = EVIDENCE) -> nx.MultiDiGraph:
    """The claim graph of ``source`` (a path, an rdflib Graph or a TripleIndex).

    Nodes are entity IRIs with attribute ``entity`` (:class:`Entity`); edges are keyed
    by claim IRI with attribute ``claim`` (:class:`Claim`). ``G.graph`` holds the
    number of triples read and the claims with literal objects per subject.
    """
    index = read_rdf(source)
    model = Model(index, evidence)
    graph = nx.MultiDiGraph(triples=index.size)
    claims = [model.claim(c) for c in model.claim_iris()]
    nodes = set(model.domain_instances())
    for claim in claims:
        if isinstance(claim.subject, str) and not claim.subject.startswith("_:"):
            nodes.add(claim.subject)
            if isinstance(claim.object, str) and not claim.object.startswith("_:"):
                nodes.add(claim.object)
    for iri in sorted(nodes):
        graph.add_node(iri, entity=model.entity(iri))
    for claim in claims:
        if claim.subject not in nodes:
            continue
        if isinstance(claim.object, str) and claim.object in nodes:
            graph.add_edge(claim.subject, claim.object, key=claim.iri, claim=claim)
        else:
            entity: Entity = graph.nodes[claim.subject]["entity"]
            entity.attributes.append((claim.predicate_label, model.label(claim.object), claim.basis))
    graph.graph["literal_claims"] = sum(len(graph.nodes[n]["entity"].attributes) for n in graph)
    return graph


def claims(graph: nx.MultiDiGraph) -> Iterator[Claim]:
    for _u, _v, data in graph.edges(data=True):
        yield data["claim"]


def evidence_count(graph: nx.MultiDiGraph, node: str) -> int:
    """Distinct sources behind the claims touching ``node``."""
    sources = set()
    for _u, _v, data in list(graph.in_edges(node, data=True)) + list(graph.out_edges(node, data=True)):
        sources.update(s.iri for s in data["claim"].sources)
    return len(sources)


# ---------------------------------------------------------------------------
# Finding entities and subgraphs
# ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", text).lower().split())


def resolve(graph: nx.MultiDiGraph, name: str) -> str:
    """The node IRI that ``name`` means: an IRI, a CURIE (``kg:x``), a slug, a label or synonym.

    Raises :class:`UserError` naming the closest labels when nothing matches, and the
    candidates when a name is ambiguous.
    """
    if name in graph:
        return name
    wanted = _fold(name.split(":", 1)[1] if name.startswith("kg:") else name)
    by_slug: dict[str, list[str]] = defaultdict(list)
    by_label: dict[str, list[str]] = defaultdict(list)
    by_synonym: dict[str, list[str]] = defaultdict(list)
    for iri, data in graph.nodes(data=True):
        entity: Entity = data["entity"]
        by_slug[_fold(local_name(iri))].append(iri)
        by_label[_fold(entity.label)].append(iri)
        for syn in entity.synonyms:
            by_synonym[_fold(syn)].append(iri)
    for table in (by_slug, by_label, by_synonym):
        hits = sorted(set(table.get(wanted, [])))
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            options = ", ".join(f"{graph.nodes[h]['entity'].label} ({compact(h)})" for h in hits)
            raise UsageError(f"{name!r} is ambiguous: {options}; give the id (kg:...)")
    labels = sorted(set(by_label) | set(by_slug))
    close = difflib.get_close_matches(wanted, labels, n=5, cutoff=0.6)
    close += [lab for lab in labels if wanted and wanted in lab and lab not in close][: 5 - len(close)]
    hint = f" (did you mean: {', '.join(repr(c) for c in close)}?)" if close else ""
    raise UsageError(f"unknown entity {name!r}{hint}")


def focus_subgraph(graph: nx.MultiDiGraph, center: str, depth: int) -> nx.MultiDiGraph:
    """Entities within ``depth`` claims of ``center`` (either direction), with all their claims.

    A nutrient and the interventions that supply it (``mgkg:suppliesNutrient``) count as
    one centre: claims about "magnesium supplementation" are claims about taking
    magnesium, so a view of a nutrient includes its supplementation and what it does
    (supplement forms that supply it stay one claim away, as before).
    """
    if depth < 0:
        raise UsageError("--depth must be 0 or more")
    undirected = nx.Graph(graph)  # adjacency only (simple graph: linear time)
    centres = {center} | {
        n
        for n in graph
        if center in graph.nodes[n]["entity"].supplies
        and any(local_name(c) == "Intervention" for c in graph.nodes[n]["entity"].ancestors)
    }
    centres |= {n for n in graph.nodes[center]["entity"].supplies if n in graph}
    nodes: set[str] = set()
    for start in sorted(centres):
        nodes |= set(nx.single_source_shortest_path_length(undirected, start, cutoff=depth))
    return graph.subgraph(nodes).copy()


def subgraph_for_terms(graph: nx.MultiDiGraph, terms: Iterable[str]) -> nx.MultiDiGraph:
    """The subgraph a set of IRIs (e.g. a query's result) names.

    Claim IRIs bring their edge and both ends; entity IRIs bring their node. When the
    terms name no claim, the claims among the named entities are shown (the induced
    subgraph), so a query that lists entities still shows how they connect.
    """
    terms = set(terms)
    claim_edges = [(u, v, k) for u, v, k in graph.edges(keys=True) if k in terms]
    nodes = {n for n in terms if n in graph}
    for u, v, _k in claim_edges:
        nodes.update((u, v))
    if claim_edges:
        sub = nx.MultiDiGraph(**graph.graph)
        for n in sorted(nodes):
            sub.add_node(n, **graph.nodes[n])
        for u, v, k in claim_edges:
            sub.add_edge(u, v, key=k, **graph.edges[u, v, k])
        return sub
    return graph.subgraph(nodes).copy()


# ---------------------------------------------------------------------------
# Plain records (JSON-ready), shared by the viewer's cards and ``explain --format json``
# ---------------------------------------------------------------------------


def source_record(source: Source) -> dict[str, Any]:
    return {
        "iri": source.iri,
        "label": source.label,
        "kind": source.kind,
        "kind_label": source.kind_label,
        "title": source.title,
        "authors": source.authors,
        "year": source.year,
        "design": source.design,
        "pmid": source.pmid,
        "doi": source.doi,
        "key_result": source.key_result,
        "links": [{"text": text, "url": url} for text, url in source.links()],
    }


def summary_record(summary: Summary | None) -> dict[str, Any] | None:
    """The evidence summary of a claim's relation, JSON-ready (``None`` when the graph has none)."""
    if summary is None:
        return None
    return {
        "iri": summary.iri,
        "certainty": summary.certainty,
        "direction": summary.direction,
        "evidence_class": summary.evidence_class,
        "studies": summary.studies,
        "participants": summary.participants,
        "plain": summary.plain,
        "reason": summary.reason,
        "asserts_edge": summary.asserts,
        "claims": summary.claims,
    }


def claim_record(graph: nx.MultiDiGraph, claim: Claim) -> dict[str, Any]:
    def end(term: Term) -> dict[str, Any]:
        if isinstance(term, str) and term in graph:
            return {"iri": term, "label": graph.nodes[term]["entity"].label}
        return {
            "iri": term if isinstance(term, str) else None,
            "label": term.value if isinstance(term, Lit) else humanize(term),
        }

    grade = claim.grade
    return {
        "iri": claim.iri,
        "curie": compact(claim.iri),
        "statement": claim.statement,
        "subject": end(claim.subject),
        "predicate": {"iri": claim.predicate, "label": claim.predicate_label},
        "object": end(claim.object),
        "hedge": claim.hedge,
        "grade": {
            "label": grade.label,
            "tier": grade.tier,
            "definition": grade.definition,
            "reasons": grade.reasons,
        }
        if grade
        else None,
        "grade_tier": claim.grade_tier,
        "verdicts": [
            {
                "label": v.label,
                "tier": v.tier,
                "reason": v.reason,
                "compared_with": [source_record(s) for s in v.compared_with],
            }
            for v in claim.verdicts
        ],
        "verdict_tier": claim.verdict_tier,
        "basis": claim.basis,
        "rests_on": claim.kinds,
        "asserted_as_edge": claim.asserted,
        "summary": summary_record(claim.summary),
        "exceeds_upper_limit": claim.exceeds_upper_limit,
        "dose": claim.dose,
        "contraindication": claim.contraindication,
        "passage": {"section": claim.section, "quotation": claim.quotation}
        if claim.section or claim.quotation
        else None,
        "qualifiers": [{"name": k, "value": v} for k, v in claim.qualifiers],
        "printed_citations": claim.printed,
        "sources": [source_record(s) for s in claim.sources],
        "evidence": [
            {
                "statement": e.statement,
                "stance": e.stance,
                "directness": e.directness,
                "grade": e.grade,
                "exceeds_upper_limit": e.exceeds_upper_limit,
                "dose": e.dose,
                "sources": [source_record(s) for s in e.sources],
            }
            for e in claim.evidence
        ],
    }


def external_ids(entity: Entity) -> list[dict[str, Any]]:
    """External identifiers with display CURIEs and (http(s) only) links."""
    out = []
    for match, iris in (("exact", entity.exact), ("close", entity.close)):
        for iri in iris:
            out.append({"id": compact(iri), "url": safe_url(iri), "match": match})
    return out


def entity_record(entity: Entity) -> dict[str, Any]:
    return {
        "iri": entity.iri,
        "curie": entity.curie,
        "label": entity.label,
        "definition": entity.definition,
        "synonyms": entity.synonyms,
        "types": entity.type_labels,
        "external_ids": external_ids(entity),
        "note": entity.note,
        "attributes": [{"name": n, "value": v, "basis": b} for n, v, b in entity.attributes],
    }
