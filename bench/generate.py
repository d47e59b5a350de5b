"""Scale the release graph's shape to any number of triples, deterministically by seed.

``python -m bench.generate --triples 1000000 --seed 1 -o big.ttl``

How (the release is the template; nothing is invented from scratch):

- The **ontology part** (every triple whose subject is not under ``{base}id/``: classes,
  properties, the rubric, the controlled vocabularies) is written once.
- The **data part** is written again and again as *replicas*. Replica 0 is the release
  itself, so the catalog queries' default parameters (``kg:nmda-receptor``,
  ``kg:tarleton2017``, ...) name the same things at every scale. Replica ``r`` >= 1 copies
  every **record** (claims, grade components, evidence links, publications and their
  results, printed citations, audits, discrepancies, verdicts, reference values, web
  pages, disclaimers, commercial relationships, products) under a new IRI (``X-r{r}``),
  so the claim and evidence structure, predicates and per-class proportions are those of
  the release. **Entities** (conditions, processes, chemicals, forms, organizations...)
  are shared with replica 0 with probability ``share`` (decided per entity and replica
  by the seed), otherwise copied as a new entity with a qualified label ("chronic
  anxiety", "hippocampal synaptic plasticity"): a larger graph has more claims about the
  same hubs and a longer tail of entities. The three most-claimed entities (magnesium,
  magnesium supplementation, magnesium L-threonate) are always shared, as hubs would be.
- **Text** stays realistic and distinct: copied free text (labels, quotations,
  explanations, titles, definitions) has one word replaced by another word of the
  release's own vocabulary, and names the copied entity's new label where it named the
  entity; identifiers (PMID, PMCID, DOI, external ``skos:exactMatch`` IRIs) get new
  digits; sample sizes and years are jittered. String interning in the stores therefore
  sees about as many distinct strings as a real graph of that size would hold.
- A **partial replica** (the last one, and replica 0 itself below the release's size)
  keeps a stratified sample of the root records of each class (claims, publications,
  printed citations, entities, ...); owned records (a claim's grade components and
  evidence links, a publication's results, an audit's discrepancies) follow their owner,
  and triples that would point at a record left out are dropped.

The output is Turtle (the release's format and prefixes), written by pyoxigraph from
triples in a fixed order: the same release, target and seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

#: Bumped whenever the same inputs would give another graph; it names the cache file and is
#: recorded with every measurement. 2: evidence summaries and nutrient amounts are records
#: (in version 1 they were shared between copies like entities, so a shared summary gathered
#: the subjects and objects of every copy).
GENERATOR_VERSION = "2"
ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "graph" / "mgkg.ttl"
DEFAULT_SEED = 20261129
DEFAULT_SHARE = 0.5
HUBS = 3  # most-claimed entities, always shared

BASE = "https://w3id.org/mgkg/"
KG = BASE + "id/"
MGKG = BASE + "ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FABIO = "http://purl.org/spar/fabio/"
PRISM = "http://prismstandard.org/namespaces/basic/2.0/"
RDF_TYPE = RDF + "type"

#: Classes whose instances are records: copied under a new IRI in every replica.
RECORD_CLASSES = frozenset(
    MGKG + name
    for name in (
        "Claim",
        "EvidenceSummary",
        "NutrientAmount",
        "GradeComponent",
        "EvidenceLink",
        "Publication",
        "StudyResult",
        "Discrepancy",
        "CitationVerdict",
        "PrintedCitation",
        "CitationAudit",
        "ReferenceValue",
        "Disclaimer",
        "WebSource",
        "CommercialRelationship",
        "Product",
    )
) | {RDF + "Statement", FABIO + "JournalArticle", FABIO + "ReviewArticle"}

#: Owned records follow their owner into a partial replica: class -> (direction, predicate).
#: "in": the owner points at the record; "out": the record points at its owner.
OWNERSHIP = {
    MGKG + "GradeComponent": ("in", MGKG + "gradeComponent"),
    MGKG + "StudyResult": ("in", MGKG + "hasResult"),
    MGKG + "Disclaimer": ("in", MGKG + "hasDisclaimer"),
    MGKG + "Discrepancy": ("out", MGKG + "discrepancyOf"),
    MGKG + "CitationVerdict": ("out", MGKG + "assessedClaim"),
    MGKG + "EvidenceLink": ("out", MGKG + "assessedClaim"),
    MGKG + "CitationAudit": ("out", MGKG + "audits"),
}

LABEL_PREDICATES = frozenset({RDFS + "label", SKOS + "altLabel"})
#: Literals whose digits are renumbered per replica (identifiers must stay distinct).
IDENTIFIER_PREDICATES = frozenset(
    {
        FABIO + "hasPubMedId",
        FABIO + "hasPubMedCentralId",
        PRISM + "doi",
        MGKG + "registration",
        MGKG + "printedPmid",
        MGKG + "discountCode",
    }
)
#: External identifier links whose target IRI gets new digits when the entity is copied.
MATCH_PREDICATES = frozenset({SKOS + "exactMatch", SKOS + "closeMatch"})
SIZE_PREDICATES = frozenset({MGKG + "sampleSize", MGKG + "analyzedSize", MGKG + "studiesIncluded"})
YEAR_PREDICATES = frozenset({MGKG + "publicationYear", FABIO + "hasPublicationYear", MGKG + "printedYear"})
MIN_TEXT = 30  # literals at least this long get a word replaced in copies

#: Qualifiers that make a copied entity's label a plausible new entity, by kind of class.
QUALIFIERS = {
    "condition": (
        "chronic",
        "acute",
        "paediatric",
        "late-life",
        "postpartum",
        "perimenopausal",
        "stress-induced",
        "treatment-resistant",
        "subclinical",
        "comorbid",
        "seasonal",
        "nocturnal",
        "mild",
        "severe",
        "refractory",
        "secondary",
        "primary",
        "idiopathic",
        "recurrent",
        "early-onset",
        "late-onset",
        "persistent",
        "transient",
        "episodic",
        "diet-related",
        "drug-induced",
        "menstrual",
        "geriatric",
        "adolescent",
        "post-viral",
        "exercise-induced",
        "work-related",
        "sleep-related",
        "residual",
        "prodromal",
        "atypical",
        "mixed",
        "familial",
        "sporadic",
        "situational",
    ),
    "process": (
        "hippocampal",
        "cortical",
        "hypothalamic",
        "neuronal",
        "glial",
        "synaptic",
        "peripheral",
        "central",
        "mitochondrial",
        "prefrontal",
        "amygdalar",
        "striatal",
        "cerebellar",
        "thalamic",
        "brainstem",
        "spinal",
        "astrocytic",
        "microglial",
        "endothelial",
        "intestinal",
        "renal",
        "hepatic",
        "muscular",
        "cardiac",
        "vascular",
        "retinal",
        "cochlear",
        "olfactory",
        "pineal",
        "pituitary",
        "adrenal",
        "dopaminergic",
        "serotonergic",
        "cholinergic",
        "noradrenergic",
        "circadian",
        "nocturnal",
        "postprandial",
        "basal",
        "evoked",
    ),
    "chemical": (
        "buffered",
        "liposomal",
        "micronized",
        "sustained-release",
        "chelated",
        "ionized",
        "intracellular",
        "extracellular",
        "serum",
        "plasma",
        "erythrocyte",
        "free",
        "protein-bound",
        "dietary",
        "supplemental",
        "synthetic",
        "food-derived",
        "fortified",
        "encapsulated",
        "effervescent",
        "enteric-coated",
        "slow-release",
        "water-soluble",
        "anhydrous",
        "hydrated",
        "pharmaceutical-grade",
        "organic",
        "inorganic",
        "marine",
        "plant-derived",
        "fermented",
        "colloidal",
        "nano-sized",
        "stabilized",
        "cross-linked",
        "amino-acid",
        "mineral-rich",
        "trace",
        "bioavailable",
        "combined",
    ),
    "other": (
        "regional",
        "national",
        "international",
        "community",
        "clinical",
        "academic",
        "commercial",
        "independent",
        "online",
        "hospital",
        "university",
        "public",
        "private",
        "nonprofit",
        "multicentre",
        "outpatient",
        "inpatient",
        "residential",
        "primary-care",
        "specialist",
        "rural",
        "urban",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "coastal",
        "metropolitan",
        "federal",
        "state",
        "county",
        "municipal",
        "veterans",
        "school-based",
        "workplace",
        "family",
        "youth",
        "senior",
        "integrated",
    ),
}
CLASS_KINDS = {
    "condition": {
        "Condition",
        "Disorder",
        "Symptom",
        "AdverseEffect",
        "Contraindication",
        "NutritionalStatus",
    },
    "process": {"BiologicalProcess", "AnatomicalStructure", "PhysiologicalSystem"},
    "chemical": {
        "ChemicalEntity",
        "Neurotransmitter",
        "Hormone",
        "Salt",
        "Chelate",
        "Nutrient",
        "Cofactor",
        "Mineral",
        "Metabolite",
        "Receptor",
        "SupplementForm",
    },
}

_WORD = re.compile(r"\b[a-z]{5,}\b")
_DIGITS = re.compile(r"\d+")


# ---------------------------------------------------------------------------
# N-Triples terms as strings (fast, and the order of the output is ours)
# ---------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def iri_nt(iri: str) -> str:
    return f"<{iri}>"


def literal_nt(value: str, language: str | None, datatype: str | None) -> str:
    text = f'"{_escape(value)}"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype != XSD + "string":
        return f"{text}^^<{datatype}>"
    return text


@dataclass
class Lit:
    value: str
    language: str | None
    datatype: str | None

    def nt(self, value: str | None = None) -> str:
        return literal_nt(self.value if value is None else value, self.language, self.datatype)


@dataclass
class Record:
    """One data subject of the release: its triples, classes and role in replication."""

    iri: str
    triples: list[tuple[str, object]] = field(default_factory=list)  # (predicate, object)
    classes: set[str] = field(default_factory=set)
    entity: bool = False
    kind: str = "other"
    owner: str | None = None
    label: str | None = None


# ---------------------------------------------------------------------------
# The template: the release split into ontology, records and entities
# ---------------------------------------------------------------------------


@dataclass
class Template:
    ontology: list[str]  # N-Triples lines, written once
    records: dict[str, Record]
    order: list[str]  # record IRIs in output order
    roots: dict[str, list[str]]  # stratum (class) -> root record IRIs
    owned: dict[str, list[str]]  # owner -> records it owns (transitively resolved at use)
    hubs: set[str]
    vocabulary: list[str]
    prefixes: dict[str, str]
    mentions: dict[tuple[str, int], list[str]]  # (record, triple index) -> entity IRIs named in the text
    release_sha: str
    _vocabulary_cache: dict[str, frozenset[str]] = field(default_factory=dict)
    _coverage: list[str] | None = None

    @property
    def entities(self) -> list[str]:
        return [iri for iri in self.order if self.records[iri].entity]

    def closure(self, chosen: Iterable[str]) -> set[str]:
        """The chosen records and everything they own."""
        result = set(chosen)
        stack = list(result)
        while stack:
            for child in self.owned.get(stack.pop(), []):
                if child not in result:
                    result.add(child)
                    stack.append(child)
        return result

    def linked(self, root: str) -> set[str]:
        """Records that a root record (or one it owns) points at."""
        return {
            o
            for iri in self.closure([root])
            for _p, o in self.records[iri].triples
            if isinstance(o, str) and o in self.records
        }

    def vocabulary_of(self, root: str) -> frozenset[str]:
        """Predicates and classes used by a root record and the records it owns."""
        if root not in self._vocabulary_cache:
            used = set()
            for iri in self.closure([root]):
                for p, o in self.records[iri].triples:
                    used.add(p)
                    if p == RDF_TYPE:
                        used.add(o)
            self._vocabulary_cache[root] = frozenset(used)
        return self._vocabulary_cache[root]

    @property
    def coverage_roots(self) -> list[str]:
        """Roots in the order the coverage pass tries them: most vocabulary first."""
        if self._coverage is None:
            roots = [iri for stratum in sorted(self.roots) for iri in self.roots[stratum]]
            self._coverage = sorted(roots, key=lambda iri: (-len(self.vocabulary_of(iri)), iri))
        return self._coverage


def read_prefixes(text: str) -> dict[str, str]:
    prefixes = {}
    for match in re.finditer(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.", text, re.MULTILINE):
        prefixes[match.group(1) or ""] = match.group(2)
    return {k: v for k, v in prefixes.items() if k}


def load_template(release: Path = RELEASE) -> Template:
    data = release.read_bytes()
    ontology: list[str] = []
    records: dict[str, Record] = {}
    for t in ox.parse(input=data, format=ox.RdfFormat.TURTLE):
        s, p, o = t.subject, t.predicate, t.object
        if isinstance(s, ox.BlankNode):
            raise ValueError("the generator expects no blank nodes in the release")
        if not s.value.startswith(KG):
            ontology.append(f"{iri_nt(s.value)} {iri_nt(p.value)} {_term_nt(o)} .\n")
            continue
        record = records.setdefault(s.value, Record(s.value))
        if isinstance(o, ox.NamedNode):
            obj: object = o.value
        elif isinstance(o, ox.Literal):
            obj = Lit(o.value, o.language, None if o.language else o.datatype.value)
        else:
            raise ValueError(f"unexpected object {o!r}")
        record.triples.append((p.value, obj))
        if p.value == RDF_TYPE and isinstance(obj, str):
            record.classes.add(obj)
        if p.value == RDFS + "label" and isinstance(obj, Lit):
            record.label = obj.value
    ontology.sort()
    for record in records.values():
        record.triples.sort(key=lambda po: (po[0], _sort_key(po[1])))
        record.entity = not (record.classes & RECORD_CLASSES)
        names = {c.rsplit("#", 1)[-1] for c in record.classes}
        record.kind = next((k for k, members in CLASS_KINDS.items() if names & members), "other")
    # ownership (a record's owner is itself a record; resolved transitively when sampling)
    incoming: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record in records.values():
        for p, o in record.triples:
            if isinstance(o, str) and o in records:
                incoming[(o, p)].append(record.iri)
    owned: dict[str, list[str]] = defaultdict(list)
    for record in records.values():
        for cls in sorted(record.classes):
            if cls not in OWNERSHIP:
                continue
            direction, predicate = OWNERSHIP[cls]
            if direction == "in":
                owners = sorted(incoming.get((record.iri, predicate), []))
            else:
                owners = sorted(o for p, o in record.triples if p == predicate and isinstance(o, str))
            owners = [o for o in owners if o in records and o != record.iri]
            if owners:
                record.owner = owners[0]
                owned[owners[0]].append(record.iri)
                break
    roots: dict[str, list[str]] = defaultdict(list)
    order = sorted(records)
    for iri in order:
        record = records[iri]
        if record.owner is None:
            roots[min(record.classes) if record.classes else "untyped"].append(iri)
    # hubs: the entities most claims are about
    claimed = Counter()
    for record in records.values():
        for p, o in record.triples:
            if p in (RDF + "subject", RDF + "object") and isinstance(o, str) and o in records:
                claimed[o] += 1
    hubs = {iri for iri, _n in sorted(claimed.items(), key=lambda kv: (-kv[1], kv[0])) if records[iri].entity}
    hubs = set(sorted(hubs, key=lambda iri: (-claimed[iri], iri))[:HUBS])
    # which entity labels each claim's text names (its own subject and object)
    mentions: dict[tuple[str, int], list[str]] = {}
    for record in records.values():
        ends = [
            o
            for p, o in record.triples
            if p in (RDF + "subject", RDF + "object") and isinstance(o, str) and o in records
        ]
        ends = [e for e in ends if records[e].entity and records[e].label and e not in hubs]
        if not ends:
            continue
        for i, (_p, o) in enumerate(record.triples):
            if isinstance(o, Lit) and o.datatype in (None, XSD + "string"):
                named = [e for e in ends if records[e].label.lower() in o.value.lower()]
                if named:
                    mentions[(record.iri, i)] = named
    words = set()
    for record in records.values():
        for _p, o in record.triples:
            if isinstance(o, Lit) and o.datatype in (None, XSD + "string"):
                words.update(_WORD.findall(o.value))
    prefixes = read_prefixes(data[:8192].decode("utf-8", "replace"))
    return Template(
        ontology=ontology,
        records=records,
        order=order,
        roots=dict(roots),
        owned=dict(owned),
        hubs=hubs,
        vocabulary=sorted(words),
        prefixes=prefixes,
        mentions=mentions,
        release_sha=hashlib.sha256(data).hexdigest(),
    )


def _term_nt(term) -> str:
    if isinstance(term, ox.NamedNode):
        return iri_nt(term.value)
    if isinstance(term, ox.Literal):
        return literal_nt(term.value, term.language, None if term.language else term.datatype.value)
    raise ValueError(f"unexpected term {term!r}")


def _sort_key(obj: object) -> str:
    return obj if isinstance(obj, str) else f"{obj.value}\x00{obj.language}\x00{obj.datatype}"


# ---------------------------------------------------------------------------
# Replicas
# ---------------------------------------------------------------------------


def _unit(seed: int, *parts: object) -> float:
    """A stable pseudo-random number in [0, 1) for (seed, parts): independent of order."""
    return zlib.crc32(":".join(map(str, (seed, *parts))).encode("utf-8")) / 2**32


class Replicator:
    """Writes replica ``r`` of the template's data part as N-Triples lines."""

    def __init__(self, template: Template, seed: int = DEFAULT_SEED, share: float = DEFAULT_SHARE):
        self.t = template
        self.seed = seed
        self.share = share

    def shared(self, iri: str, r: int) -> bool:
        """Whether entity ``iri`` is replica 0's own entity in replica ``r``."""
        if r == 0 or iri in self.t.hubs:
            return True
        return _unit(self.seed, "share", r, iri) < self.share

    def node(self, iri: str, r: int) -> str:
        record = self.t.records.get(iri)
        if record is None or r == 0 or (record.entity and self.shared(iri, r)):
            return iri
        return f"{iri}-r{r}"

    def variant_label(self, record: Record, label: str, r: int) -> str:
        words = QUALIFIERS[record.kind]
        n = len(words)
        offset = zlib.crc32(record.iri.encode("utf-8"))
        first = words[(r - 1 + offset) % n]
        cycle = (r - 1) // n
        parts = []
        if cycle:
            parts.append(words[(cycle - 1 + offset // n) % n])
            if cycle > n:
                parts.append(str(cycle // n))
        return " ".join([*parts, first, label])

    def included(self, r: int, fraction: float) -> set[str]:
        """Records of a replica that keeps ``fraction`` of each stratum's roots (owned follow)."""
        if fraction >= 1:
            return set(self.t.records)
        rng = random.Random(f"{self.seed}:sample:{r}")  # noqa: S311 (benchmark data, not security)
        chosen: set[str] = set()
        # first one root for each predicate and class not yet covered, so that even a
        # sample has every predicate and class of the release; then the stratified rest
        covered: set[str] = set()
        for root in self.t.coverage_roots:
            vocabulary = self.t.vocabulary_of(root)
            if not vocabulary <= covered:
                chosen.add(root)
                chosen.update(self.t.linked(root))  # so its links are not dropped
                covered |= vocabulary
        for stratum in sorted(self.t.roots):
            roots = [iri for iri in self.t.roots[stratum] if iri not in chosen]
            k = round(fraction * len(self.t.roots[stratum])) - (len(self.t.roots[stratum]) - len(roots))
            chosen.update(rng.sample(roots, max(0, min(k, len(roots)))))
        return self.t.closure(chosen)

    def lines(self, r: int, fraction: float = 1.0) -> list[str]:
        """The replica's triples as N-Triples lines (no duplicates, fixed order)."""
        t = self.t
        keep = self.included(r, fraction)
        rng = random.Random(f"{self.seed}:text:{r}")  # noqa: S311
        vocabulary = t.vocabulary
        out: list[str] = []
        for iri in t.order:
            record = t.records[iri]
            if iri not in keep:
                continue
            same = record.entity and self.shared(iri, r)
            subject = iri_nt(self.node(iri, r))
            year_shift = int(_unit(self.seed, "year", r, iri) * 9) - 4 if r else 0
            size_factor = 0.5 + 1.5 * _unit(self.seed, "size", r, iri) if r else 1.0
            for i, (p, o) in enumerate(record.triples):
                if isinstance(o, str):
                    target = t.records.get(o)
                    if target is not None:
                        if target.iri not in keep:
                            continue  # a record left out of this (partial) replica
                        mapped = self.node(o, r)
                        if same and mapped == o and r:
                            continue  # replica 0 already has this triple
                        obj = iri_nt(mapped)
                    else:
                        if same and r:
                            continue
                        obj = iri_nt(_renumber(o, r)) if r and p in MATCH_PREDICATES else iri_nt(o)
                    out.append(f"{subject} <{p}> {obj} .\n")
                    continue
                if same and r:
                    continue
                out.append(
                    f"{subject} <{p}> {self.literal(record, i, p, o, r, rng, vocabulary, year_shift, size_factor)} .\n"
                )
        return out

    def literal(self, record, i, p, lit: Lit, r, rng, vocabulary, year_shift, size_factor) -> str:
        if r == 0:
            return lit.nt()
        value = lit.value
        if p in LABEL_PREDICATES and record.entity:
            return lit.nt(self.variant_label(record, value, r))
        if p in IDENTIFIER_PREDICATES:
            return lit.nt(_renumber(value, r))
        if p in YEAR_PREDICATES and _DIGITS.fullmatch(value):
            return lit.nt(str(int(value) + year_shift))
        if p in SIZE_PREDICATES and _DIGITS.fullmatch(value):
            return lit.nt(str(max(1, round(int(value) * size_factor))))
        if lit.datatype not in (None, XSD + "string"):
            return lit.nt()
        named = self.t.mentions.get((record.iri, i))
        if named:
            for entity in named:
                if not self.shared(entity, r):
                    label = self.t.records[entity].label
                    new = self.variant_label(self.t.records[entity], label, r)
                    value = re.sub(
                        re.escape(label), lambda _m, new=new: new, value, count=1, flags=re.IGNORECASE
                    )
        if len(value) >= MIN_TEXT:
            words = value.split(" ")
            positions = [k for k, w in enumerate(words) if len(w) >= 5 and w.isalpha() and w.islower()]
            if positions:
                words[rng.choice(positions)] = rng.choice(vocabulary)
                value = " ".join(words)
        return lit.nt(value)


def _renumber(text: str, r: int) -> str:
    """The same text with its last group of digits replaced by other digits of the same width."""
    matches = list(_DIGITS.finditer(text))
    if not matches:
        return f"{text}-r{r}"
    m = matches[-1]
    width = len(m.group())
    number = (int(m.group()) + r * 7919) % (10**width)
    digits = str(number).zfill(width)
    if width > 1 and digits[0] == "0" and m.group()[0] != "0":
        digits = "1" + digits[1:]
    return text[: m.start()] + digits + text[m.end() :]


# ---------------------------------------------------------------------------
# Whole graphs
# ---------------------------------------------------------------------------


@dataclass
class Plan:
    """How a target size is met: whole replicas, then one partial replica."""

    target: int
    whole: int
    fraction: float
    triples: int = 0


def generate_lines(
    target: int, seed: int = DEFAULT_SEED, share: float = DEFAULT_SHARE, template: Template | None = None
) -> Iterator[list[str]]:
    """N-Triples lines of a graph of about ``target`` triples, in chunks (ontology, then replicas)."""
    template = template or load_template()
    rep = Replicator(template, seed, share)
    yield template.ontology
    total = len(template.ontology)
    r = 0
    while total < target:
        lines = rep.lines(r)
        if total + len(lines) <= target:
            yield lines
            total += len(lines)
            r += 1
            continue
        remaining = target - total
        fraction = remaining / len(lines)
        partial = rep.lines(r, fraction)
        for _ in range(6):  # dropped links make a sample a little smaller than its fraction
            if not partial or abs(len(partial) - remaining) <= max(10, remaining * 0.01):
                break
            fraction = min(1.0, fraction * remaining / len(partial))
            partial = rep.lines(r, fraction)
        yield partial
        return


def generate(
    target: int,
    out: Path,
    seed: int = DEFAULT_SEED,
    share: float = DEFAULT_SHARE,
    template: Template | None = None,
) -> dict[str, object]:
    """Write a Turtle graph of about ``target`` triples to ``out``; return what was written."""
    template = template or load_template()
    started = time.perf_counter()
    counts = {"triples": 0, "replicas": 0}
    out.parent.mkdir(parents=True, exist_ok=True)

    def triples() -> Iterable[ox.Triple]:
        for chunk in generate_lines(target, seed, share, template):
            counts["triples"] += len(chunk)
            counts["replicas"] += 1
            yield from ox.parse(input="".join(chunk).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)

    temporary = out.with_name(out.name + ".tmp")
    ox.serialize(triples(), output=str(temporary), format=ox.RdfFormat.TURTLE, prefixes=template.prefixes)
    temporary.replace(out)
    return {
        "path": str(out),
        "generator": GENERATOR_VERSION,
        "target": target,
        "triples": counts["triples"],
        "replicas": counts["replicas"] - 1,
        "seed": seed,
        "share": share,
        "bytes": out.stat().st_size,
        "seconds": round(time.perf_counter() - started, 2),
    }


def cache_name(target: int, seed: int, share: float, template: Template) -> str:
    key = f"{GENERATOR_VERSION}:{template.release_sha}:{target}:{seed}:{share}"
    return f"mgkg-{target}-s{seed}-{hashlib.sha256(key.encode()).hexdigest()[:10]}.ttl"


def cached(
    target: int,
    directory: Path,
    seed: int = DEFAULT_SEED,
    share: float = DEFAULT_SHARE,
    template: Template | None = None,
) -> tuple[Path, dict[str, object] | None]:
    """The generated graph for (release, target, seed, share), generated once into ``directory``."""
    template = template or load_template()
    path = directory / cache_name(target, seed, share, template)
    if path.is_file():
        return path, None
    return path, generate(target, path, seed, share, template)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=float, required=True, help="target size, e.g. 1e6")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--share", type=float, default=DEFAULT_SHARE, help="chance an entity is shared")
    parser.add_argument("--release", type=Path, default=RELEASE)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    info = generate(int(args.triples), args.output, args.seed, args.share, load_template(args.release))
    print(" ".join(f"{k}={v}" for k, v in info.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
