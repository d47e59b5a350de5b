"""Load the curated YAML sources, check every record, and turn them into triples.

Provenance of the inputs: ``graph/curation/*.yaml`` are written by hand from the source
page (``graph/reference/source-page.txt``, verbatim) and from the verified records in
``graph/reference/citations.md``; external identifiers may only come from
``graph/reference/identifiers.tsv``. The format is documented in ``docs/curation.md``.

Why it checks so much: a knowledge graph is only as good as its curation, and a
curator fixing a file needs the file, the line and what to do. Every problem is
collected (not just the first) and reported as ``file:line: message``.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from mgkg.build.ontology import FABIO_TYPES, OntologyIndex, Property
from mgkg.errors import ReportedError
from mgkg.vocab import (
    CURIE,
    DOI,
    FABIO,
    LOCAL_ID,
    MGKG,
    PMCID,
    PMID,
    PRISM,
    QUDT,
    Base,
    expand_curie,
)

NODE_FIELDS = {
    "id",
    "type",
    "label",
    "definition",
    "synonyms",
    "exact",
    "close",
    "note",
    "sources",
    "properties",
    "amount",
}
BIBLIO_FIELDS = {
    "title",
    "authors",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "pmid",
    "pmcid",
    "doi",
    "urls",
    "design",
    "results",
    "printed",
    "dose",
}
CLAIM_FIELDS = {
    "id",
    "subject",
    "predicate",
    "object",
    "value",
    "statement",
    "sources",
    "cites",
    "hedge",
    "passage",
    "qualifiers",
    "note",
    "polarity",
}
POLARITIES = {
    "affirmed": "PolarityAffirmed",
    "no-effect": "PolarityNoEffect",
    "inconclusive": "PolarityInconclusive",
}
PASSAGE_FIELDS = {"section", "quote"}
QUALIFIER_FIELDS = {
    "form": "qualifierForm",
    "population": "qualifierPopulation",
    "dose": "qualifierDose",
    "duration_weeks_min": "qualifierDurationWeeksMin",
    "duration_weeks_max": "qualifierDurationWeeksMax",
    "co_supplements": "qualifierCoSupplement",
    "note": "qualifierNote",
    "secondary_outcome": "secondaryOutcome",
    "indirect_population": "indirectPopulation",
}
#: Record fields that hold nutrient amounts (a mapping, or a list of them), the
#: property that links the record to each amount, and the suffix of the amount's id.
AMOUNT_FIELDS = {"dose": ("dailyDose", "dose"), "amount": ("referenceAmount", "amount")}
AMOUNT_KEYS = ("value", "unit", "nutrient")
AMOUNT_EXAMPLE = "{value: 300, unit: mg/day, nutrient: magnesium}"
#: Magnesium-only fields of earlier releases, and what replaces each.
RETIRED_FIELDS = {
    "dose_mg_per_day": f"qualifier 'dose: {AMOUNT_EXAMPLE}'",
    "elementalMgPerDay": f"the publication field 'dose: {AMOUNT_EXAMPLE}'",
    "amountMgPerDay": f"the reference value field 'amount: {AMOUNT_EXAMPLE}'",
    "qualifierDoseMgPerDay": f"qualifier 'dose: {AMOUNT_EXAMPLE}'",
    "mostLikelyRefersTo": "'refersTo: <the one publication id>', and name the other records the "
    "citation was compared with in its discrepancies ('comparedWith')",
    "matchesRecord": "'refersTo: <the publication id>' (the audit's resolutionStatus says it matches)",
}
#: Up to this many valid names, an unknown name's error lists them all when none is close.
SHOW_ALL_BELOW = 40
#: Initials after a surname in an author list ("Tarleton EK", "da Silva AB").
INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")
#: Classes whose instances may be named in a claim's ``sources``.
SOURCE_CLASS = MGKG.Source


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a curation file, where it is, and what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CurationError(ReportedError):
    """Raised with every problem found; the build writes nothing when it is raised."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' * (count != 1)} in the curated sources:\n{lines}")


# ---------------------------------------------------------------------------
# YAML with line numbers
# ---------------------------------------------------------------------------


class Located(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def at(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """Safe loader whose mappings are :class:`Located`; rejects duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_records(path: Path, display: str) -> list[Located]:
    """Read one curation file: a YAML list of mappings, each with its line number."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise CurationError([Problem(display, line, f"YAML error: {exc.problem or exc}")]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CurationError([Problem(display, 1, f"cannot read file: {exc}")]) from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise CurationError([Problem(display, 1, "the file must be a YAML list of records")])
    bad = [i for i, item in enumerate(data) if not isinstance(item, Located)]
    if bad:
        raise CurationError(
            [Problem(display, 1, f"item {i + 1} is not a mapping (a record needs id: ...)") for i in bad]
        )
    return data


def decimal_literal(value: int | float | Decimal) -> Literal:
    """An xsd:decimal in canonical form ("4.0", "-0.919"), the same in every serialization."""
    text = format(Decimal(str(value)), "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


# ---------------------------------------------------------------------------
# Reference material: verified identifiers and the page text
# ---------------------------------------------------------------------------


def load_verified_ids(*paths: Path) -> set[str]:
    """CURIEs marked verified (``yes``) in the identifier tables.

    ``identifiers.tsv`` is the project's verified table as received;
    ``identifiers-extra.tsv`` (same columns) adds the few vocabulary terms the project
    verified itself, each with the address it was read at.
    """
    verified: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(handle, delimiter="\t")
            verified |= {row["id"].strip() for row in rows if row.get("verified", "").strip() == "yes"}
    return verified


_EMPHASIS = re.compile(r"\*+")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Fold white space and drop Markdown emphasis, so quotes match as a reader sees them."""
    return _SPACE.sub(" ", _EMPHASIS.sub("", text)).strip()


@dataclass(frozen=True)
class PageText:
    """The source page, normalized for quote and section checks."""

    text: str
    lines: frozenset[str]

    @classmethod
    def read(cls, path: Path) -> PageText:
        raw = path.read_text(encoding="utf-8")
        lines = frozenset(normalize_text(line) for line in raw.splitlines() if line.strip())
        return cls(text=normalize_text(raw), lines=lines)


# ---------------------------------------------------------------------------
# The loader
# ---------------------------------------------------------------------------


@dataclass
class _Node:
    """What pass one learns about a record: its IRI, classes and where it is defined."""

    iri: URIRef
    classes: set[URIRef]
    path: str
    line: int


@dataclass
class Curation:
    """Turns checked records into an rdflib graph; collects problems as it goes."""

    ontology: OntologyIndex
    base: Base
    verified_ids: set[str]
    page: PageText
    graph: Graph = field(default_factory=Graph)
    problems: list[Problem] = field(default_factory=list)
    nodes: dict[str, _Node] = field(default_factory=dict)
    page_source: str | None = None
    amounts: list[tuple[URIRef, int | float, URIRef, URIRef]] = field(default_factory=list)

    # -- helpers --------------------------------------------------------------

    def _problem(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def _ont(self, name: str) -> URIRef:
        return self.base.rebase(MGKG[name])

    def _add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.graph.add((s, self.base.rebase(p), o if isinstance(o, Literal) else self.base.rebase(o)))

    def _suggest(self, name: str, options: Iterable[str]) -> str:
        """The closest valid names, so a curator sees what was meant; every name when none is
        close and the list is short (predicates, study designs, units), since then the
        curator needs the choices, not a guess."""
        choices = sorted(set(options))
        close = difflib.get_close_matches(name, choices, n=3)
        if close:
            names = [repr(c) for c in close]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            return f" (did you mean {listed}?)"
        if choices and len(choices) <= SHOW_ALL_BELOW:
            return f" (valid: {', '.join(choices)})"
        return ""

    def _names_in_range(self, range_: URIRef | None) -> list[str]:
        """Ids and ontology individuals that fit ``range_`` (all of them without a range)."""
        if range_ is None:
            return [*self.nodes, *self.ontology.individuals]
        names = [
            n for n, node in self.nodes.items() if any(self.ontology.is_a(c, range_) for c in node.classes)
        ]
        names += [
            n
            for n, iri in self.ontology.individuals.items()
            if any(self.ontology.is_a(c, range_) for c in self.ontology.individual_types(iri))
        ]
        return names or [*self.nodes, *self.ontology.individuals]

    @staticmethod
    def _as_list(value: Any) -> list[Any]:
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def _text(self, record: Located, key: str, path: str, required: bool = False) -> str | None:
        value = record.get(key)
        if value is None:
            if required:
                self._problem(path, record.line, f"record {record.get('id')!r}: missing field {key!r}")
            return None
        if not isinstance(value, str) or not value.strip():
            self._problem(path, record.at(key), f"field {key!r} must be non-empty text")
            return None
        return value.strip()

    # -- pass one: ids and types ------------------------------------------------

    def _classes_of(self, record: Located, path: str) -> set[URIRef]:
        classes: set[URIRef] = set()
        for name in self._as_list(record.get("type")):
            if not isinstance(name, str):
                self._problem(path, record.at("type"), f"type must be a class name, got {name!r}")
            elif name in self.ontology.classes:
                classes.add(self.ontology.classes[name])
            elif name in FABIO_TYPES:
                classes.update({FABIO_TYPES[name], MGKG.Publication})
            else:
                hint = self._suggest(name, [*self.ontology.classes, *FABIO_TYPES])
                self._problem(path, record.at("type"), f"unknown class {name!r}{hint}")
        return classes

    def register(self, records: list[Located], path: str, claims: bool) -> None:
        """Pass one: check ids, remember each record's IRI and classes."""
        for record in records:
            rid = record.get("id")
            if not isinstance(rid, str) or not LOCAL_ID.match(rid):
                self._problem(
                    path,
                    record.at("id"),
                    f"id {rid!r} must be lower-case letters, digits and single hyphens",
                )
                continue
            if rid in self.nodes:
                first = self.nodes[rid]
                self._problem(
                    path,
                    record.at("id"),
                    f"duplicate id {rid!r} (first defined at {first.path}:{first.line})",
                )
                continue
            if claims:
                classes = {MGKG.Claim}
            else:
                if "type" not in record:
                    self._problem(path, record.line, f"record {rid!r}: missing field 'type'")
                classes = self._classes_of(record, path)
            self.nodes[rid] = _Node(self.base.thing(rid), classes, path, record.line)

    # -- values -------------------------------------------------------------------

    def _reference(self, value: Any, path: str, line: int, what: str, range_: URIRef | None) -> URIRef | None:
        """Resolve an id or an ontology individual; check it against ``range_``."""
        if not isinstance(value, str):
            self._problem(path, line, f"{what}: expected an id, got {value!r}")
            return None
        if value in self.nodes:
            node = self.nodes[value]
            if range_ is not None and not any(self.ontology.is_a(c, range_) for c in node.classes):
                self._problem(
                    path,
                    line,
                    f"{what}: {value!r} is not a {self._range_label(range_)} (it is {self._type_names(node.classes)})",
                )
            return node.iri
        if value in self.ontology.individuals:
            iri = self.ontology.individuals[value]
            types = self.ontology.individual_types(iri)
            if range_ is not None and not any(self.ontology.is_a(c, range_) for c in types):
                self._problem(path, line, f"{what}: {value!r} is not a {self._range_label(range_)}")
            return iri
        hint = self._suggest(value, self._names_in_range(range_))
        self._problem(path, line, f"{what}: unknown entity {value!r}{hint}")
        return None

    def _range_label(self, range_: URIRef) -> str:
        return str(range_).split("#")[-1].split("/")[-1]

    def _type_names(self, classes: set[URIRef]) -> str:
        return ", ".join(sorted(self._range_label(c) for c in classes)) or "untyped"

    def _literal(self, value: Any, prop: Property, path: str, line: int) -> Literal | None:
        """Type a YAML scalar by the property's range; report values that do not fit."""
        datatype = self.ontology.literal_datatype(prop)
        where = f"property {prop.name!r}"
        if datatype in (XSD.integer,):
            if isinstance(value, bool) or not isinstance(value, int):
                self._problem(path, line, f"{where}: expected an integer, got {value!r}")
                return None
            return Literal(value, datatype=XSD.integer)
        if datatype == XSD.decimal:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self._problem(path, line, f"{where}: expected a number, got {value!r}")
                return None
            return decimal_literal(value)
        if datatype == XSD.boolean:
            if not isinstance(value, bool):
                self._problem(path, line, f"{where}: expected true or false, got {value!r}")
                return None
            return Literal(value, datatype=XSD.boolean)
        if datatype == XSD.anyURI:
            if not isinstance(value, str) or not re.match(r"^https?://\S+$", value):
                self._problem(path, line, f"{where}: expected an http(s) URL, got {value!r}")
                return None
            return Literal(value, datatype=XSD.anyURI)
        if datatype == XSD.date:
            if isinstance(value, dt.date):
                return Literal(value.isoformat(), datatype=XSD.date)
            self._problem(path, line, f"{where}: expected a date YYYY-MM-DD, got {value!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float) or str(value).strip() == "":
            self._problem(path, line, f"{where}: expected text, got {value!r}")
            return None
        return Literal(str(value).strip())

    def _emit(self, subject: URIRef, prop: Property, raw: Any, path: str, line: int, what: str) -> None:
        """One triple per value: an entity reference for object properties, else a typed literal."""
        for value in self._as_list(raw):
            if prop.kind == "object":
                target = self._reference(value, path, line, what, prop.range)
                if target is not None:
                    self._add(subject, prop.iri, target)
            elif (literal := self._literal(value, prop, path, line)) is not None:
                self._add(subject, prop.iri, literal)

    def _properties(self, subject: URIRef, record: Located, path: str) -> None:
        props = record.get("properties")
        if props is None:
            return
        if not isinstance(props, Located):
            self._problem(path, record.at("properties"), "properties must be a mapping of property: value")
            return
        for key, raw in props.items():
            line = props.at(key)
            prop = self.ontology.properties.get(key)
            if key in RETIRED_FIELDS:
                self._problem(path, line, f"property {key!r} was retired: use {RETIRED_FIELDS[key]}")
                continue
            if prop is None:
                self._problem(
                    path, line, f"unknown property {key!r}{self._suggest(key, self.ontology.properties)}"
                )
                continue
            self._emit(subject, prop, raw, path, line, f"property {key!r}")

    def _mappings(self, subject: URIRef, record: Located, path: str) -> None:
        unverified = []
        for key, predicate in (("exact", SKOS.exactMatch), ("close", SKOS.closeMatch)):
            for curie in self._as_list(record.get(key)):
                if not isinstance(curie, str) or not CURIE.match(curie):
                    self._problem(
                        path,
                        record.at(key),
                        f"malformed CURIE {curie!r} (expected PREFIX:LOCAL, e.g. CHEBI:18420)",
                    )
                    continue
                try:
                    iri = expand_curie(curie)
                except ValueError as exc:
                    self._problem(path, record.at(key), str(exc))
                    continue
                if curie not in self.verified_ids:
                    unverified.append(curie)
                self._add(subject, predicate, iri)
        note = record.get("note")
        if unverified and not note:
            self._problem(
                path,
                record.at("exact" if "exact" in record else "close"),
                f"record {record['id']!r}: {', '.join(unverified)} not in the verified identifier "
                "table; add a 'note' that says where it was verified, or remove it",
            )

    # -- pass two: nodes ------------------------------------------------------------

    def emit_node(self, record: Located, path: str) -> None:
        rid = record["id"]
        node = self.nodes[rid]
        subject = node.iri
        allowed = NODE_FIELDS | BIBLIO_FIELDS
        for key in record:
            if key not in allowed:
                self._problem(
                    path, record.at(key), f"unknown field {key!r}{self._suggest(str(key), allowed)}"
                )
        for cls in sorted(node.classes):
            self._add(subject, RDF.type, cls)
        is_publication = MGKG.Publication in node.classes
        label = self._text(record, "label", path, required=not is_publication)
        if is_publication and label is None:
            label = self._publication_label(record)
        if label:
            self._add(subject, RDFS.label, Literal(label, lang="en"))
        is_domain = any(self.ontology.is_a(c, MGKG.BiomedicalEntity) for c in node.classes)
        definition = self._text(record, "definition", path, required=is_domain)
        if definition:
            self._add(subject, SKOS.definition, Literal(definition, lang="en"))
        for synonym in self._as_list(record.get("synonyms")):
            if isinstance(synonym, str) and synonym.strip():
                self._add(subject, SKOS.altLabel, Literal(synonym.strip(), lang="en"))
            else:
                self._problem(path, record.at("synonyms"), f"synonym {synonym!r} must be text")
        self._mappings(subject, record, path)
        if (note := self._text(record, "note", path)) is not None:
            # On a domain entity the note says why it has no (or only a loose) external
            # identifier; on any other record it is a plain note, as on claims.
            self._add(subject, MGKG.localTermNote if is_domain else RDFS.comment, Literal(note, lang="en"))
        elif is_domain and not record.get("exact") and not record.get("close"):
            self._problem(
                path,
                record.line,
                f"record {rid!r} has no external identifier: add exact/close CURIEs from the "
                "verified table, or a 'note' saying it is a local term and what was searched",
            )
        for source in self._as_list(record.get("sources")):
            target = self._reference(source, path, record.at("sources"), "sources", SOURCE_CLASS)
            if target is not None:
                self._add(subject, PROV.wasDerivedFrom, target)
        self._properties(subject, record, path)
        for key, (prop_name, _suffix) in AMOUNT_FIELDS.items():
            if key in record:
                self._record_amount(record, node, key, prop_name, path)
        if is_publication or MGKG.PrintedCitation in node.classes or record.keys() & BIBLIO_FIELDS:
            self._bibliographic(subject, record, path, is_publication)
        if node.classes & {MGKG.Publication, MGKG.PrintedCitation} and not any(
            True for _ in self.graph.objects(subject, self._ont("sourceKind"))
        ):
            kind = MGKG.PeerReviewedEvidence if is_publication else MGKG.PageAssertion
            self._add(subject, MGKG.sourceKind, kind)

    @staticmethod
    def _publication_label(record: Located) -> str:
        authors = [a for a in Curation._as_list(record.get("authors")) if isinstance(a, str)]
        year = record.get("year", "n.d.")
        if not authors:
            return f"{record.get('title', record['id'])} ({year})"
        surnames = [Curation._surname(a) for a in authors]
        if len(surnames) == 1:
            return f"{surnames[0]} {year}"
        if len(surnames) == 2:
            return f"{surnames[0]} & {surnames[1]} {year}"
        return f"{surnames[0]} et al. {year}"

    @staticmethod
    def _surname(author: str) -> str:
        """The surname of an author as PubMed prints it ("da Silva AB" -> "da Silva"): every
        word before the trailing initials, so a surname of several words stays whole."""
        words = author.split()
        if len(words) > 1 and INITIALS.match(words[-1]):
            return " ".join(words[:-1])
        return author.strip()

    # -- nutrient amounts ---------------------------------------------------------------

    def _record_amount(self, record: Located, node: _Node, key: str, prop_name: str, path: str) -> None:
        """A node record's ``dose``/``amount``: only where the ontology's domain allows it."""
        prop = self.ontology.properties[prop_name]
        domains = [d for d in self.ontology.graph.objects(prop.iri, RDFS.domain) if isinstance(d, URIRef)]
        if domains and not any(self.ontology.is_a(c, d) for c in node.classes for d in domains):
            self._problem(
                path,
                record.at(key),
                f"record {record['id']!r}: field {key!r} is only for a {self._range_label(domains[0])} "
                f"(this record is {self._type_names(node.classes)})",
            )
            return
        self._amounts(record["id"], node.iri, prop_name, record[key], path, record.at(key), f"field {key!r}")

    def _amounts(
        self, owner_id: str, owner: URIRef, prop_name: str, raw: Any, path: str, line: int, what: str
    ) -> None:
        """One ``mgkg:NutrientAmount`` per mapping: a number, a unit of the ontology and the
        nutrient it measures (all three required, so no amount is of an unknown nutrient)."""
        items = self._as_list(raw)
        suffix = AMOUNT_FIELDS["amount" if prop_name == "referenceAmount" else "dose"][1]
        for number, item in enumerate(items, start=1):
            where = item.line if isinstance(item, Located) else line
            if not isinstance(item, Located):
                self._problem(
                    path, where, f"{what}: expected a mapping such as {AMOUNT_EXAMPLE}, got {item!r}"
                )
                continue
            for key in item:
                if key not in AMOUNT_KEYS:
                    self._problem(
                        path,
                        item.at(key),
                        f"{what}: unknown key {key!r}{self._suggest(str(key), AMOUNT_KEYS)}",
                    )
            missing = [k for k in AMOUNT_KEYS if k not in item]
            if missing:
                self._problem(
                    path, where, f"{what}: missing {', '.join(map(repr, missing))} (write {AMOUNT_EXAMPLE})"
                )
                continue
            value = item["value"]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                self._problem(
                    path, item.at("value"), f"{what}: value must be a number of 0 or more, got {value!r}"
                )
                continue
            unit = self.ontology.units.get(str(item["unit"]))
            if unit is None:
                hint = self._suggest(str(item["unit"]), self.ontology.units)
                self._problem(path, item.at("unit"), f"{what}: unknown unit {item['unit']!r}{hint}")
                continue
            nutrient = self._reference(
                item["nutrient"], path, item.at("nutrient"), f"{what} nutrient", MGKG.Nutrient
            )
            if nutrient is None:
                continue
            amount_id = f"{owner_id}-{suffix}" + (f"-{number}" if len(items) > 1 else "")
            if amount_id in self.nodes:
                self._problem(path, where, f"{what}: the amount's id {amount_id!r} is already a record's id")
                continue
            amount = self.base.thing(amount_id)
            self._add(owner, MGKG[prop_name], amount)
            self._add(amount, RDF.type, MGKG.NutrientAmount)
            self._add(amount, QUDT.numericValue, decimal_literal(value))
            self._add(amount, QUDT.hasUnit, unit)
            self._add(amount, MGKG.amountOf, nutrient)
            self.amounts.append((amount, value, unit, nutrient))

    def label_amounts(self) -> None:
        """Label every amount ("300 mg/d of magnesium") once all nutrients have their labels."""
        for amount, value, unit, nutrient in self.amounts:
            symbol = self.ontology.graph.value(unit, QUDT.symbol) or unit
            name = self.graph.value(nutrient, RDFS.label) or nutrient
            number = format(Decimal(str(value)), "f")
            self._add(amount, RDFS.label, Literal(f"{number} {symbol} of {name}", lang="en"))

    def _bibliographic(self, subject: URIRef, record: Located, path: str, is_publication: bool) -> None:
        if is_publication and not isinstance(record.get("year"), int):
            self._problem(path, record.at("year"), f"record {record['id']!r}: 'year' must be an integer year")
        texts = {
            "title": DCTERMS.title,
            "journal": PRISM.publicationName,
            "volume": PRISM.volume,
            "issue": PRISM.issueIdentifier,
            "pages": PRISM.pageRange,
            "printed": MGKG.printedText,
        }
        for key, predicate in texts.items():
            value = record.get(key)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, str | int):
                    self._problem(path, record.at(key), f"field {key!r} must be text")
                else:
                    self._add(subject, predicate, Literal(str(value).strip()))
        authors = self._as_list(record.get("authors"))
        for author in authors:
            if not isinstance(author, str) or not author.strip():
                self._problem(path, record.at("authors"), f"author {author!r} must be text")
            else:
                self._add(subject, DCTERMS.creator, Literal(author.strip()))
        if authors and all(isinstance(a, str) for a in authors):
            self._add(subject, MGKG.authorList, Literal(", ".join(a.strip() for a in authors)))
        year = record.get("year")
        if isinstance(year, int) and not isinstance(year, bool):
            self._add(subject, FABIO.hasPublicationYear, Literal(f"{year:04d}", datatype=XSD.gYear))
            self._add(subject, MGKG.publicationYear, Literal(year, datatype=XSD.integer))
        checks = (
            (
                "pmid",
                PMID,
                FABIO.hasPubMedId,
                "digits only, e.g. 28654669",
                "https://pubmed.ncbi.nlm.nih.gov/",
            ),
            (
                "pmcid",
                PMCID,
                FABIO.hasPubMedCentralId,
                "PMC followed by digits",
                "https://www.ncbi.nlm.nih.gov/pmc/articles/",
            ),
            ("doi", DOI, PRISM.doi, "bare DOI such as 10.1371/journal.pone.0180067", "https://doi.org/"),
        )
        for key, pattern, predicate, expected, resolver in checks:
            value = record.get(key)
            if value is None:
                continue
            text = str(value).strip()
            if isinstance(value, bool) or not pattern.match(text):
                self._problem(
                    path, record.at(key), f"malformed {key.upper()} {value!r} (expected {expected})"
                )
                continue
            self._add(subject, predicate, Literal(text))
            self._add(subject, RDFS.seeAlso, URIRef(resolver + text))
        for url in self._as_list(record.get("urls")):
            if isinstance(url, str) and re.match(r"^https?://\S+$", url.strip()):
                self._add(subject, MGKG.sourceUrl, Literal(url.strip(), datatype=XSD.anyURI))
            else:
                self._problem(path, record.at("urls"), f"url {url!r} must be an http(s) URL")
        for design in self._as_list(record.get("design")):
            target = self._reference(design, path, record.at("design"), "design", MGKG.StudyDesign)
            if target is not None:
                self._add(subject, MGKG.studyDesign, target)
        self._results(subject, record, path)

    def _results(self, subject: URIRef, record: Located, path: str) -> None:
        results = self._as_list(record.get("results"))
        for number, result in enumerate(results, start=1):
            if not isinstance(result, Located):
                self._problem(path, record.at("results"), "each result must be a mapping")
                continue
            node = self.base.thing(f"{record['id']}-result-{number}")
            self._add(subject, MGKG.hasResult, node)
            self._add(node, RDF.type, MGKG.StudyResult)
            self._add(node, PROV.wasDerivedFrom, subject)
            outcome = result.get("outcome")
            label = f"{self._publication_label(record) if 'authors' in record else record['id']}: {outcome}"
            self._add(node, RDFS.label, Literal(label, lang="en"))
            for key, value in result.items():
                prop = self.ontology.properties.get(key)
                if prop is None or prop.kind != "datatype":
                    self._problem(
                        path,
                        result.at(key),
                        f"unknown result field {key!r}{self._suggest(key, ['outcome', 'effectMeasure', 'effectValue', 'ciLower', 'ciUpper', 'pValue', 'statisticallySignificant'])}",
                    )
                elif (literal := self._literal(value, prop, path, result.at(key))) is not None:
                    self._add(node, prop.iri, literal)

    # -- pass two: claims -------------------------------------------------------------

    def emit_claim(self, record: Located, path: str) -> None:
        rid = record["id"]
        claim = self.nodes[rid].iri
        for key in record:
            if key not in CLAIM_FIELDS:
                self._problem(
                    path, record.at(key), f"unknown field {key!r}{self._suggest(str(key), CLAIM_FIELDS)}"
                )
        self._add(claim, RDF.type, RDF.Statement)
        self._add(claim, RDF.type, MGKG.Claim)
        statement = self._text(record, "statement", path, required=True)
        if statement:
            self._add(claim, RDFS.label, Literal(statement, lang="en"))

        subject = None
        if "subject" not in record:
            self._problem(path, record.line, f"claim {rid!r}: missing field 'subject'")
        else:
            subject = self._reference(
                record["subject"], path, record.at("subject"), f"claim {rid!r} subject", None
            )
        self._claim_predicate_object(record, path, claim, subject)

        sources = self._as_list(record.get("sources"))
        if not sources:
            self._problem(path, record.line, f"claim {rid!r} has no source: add 'sources: [...]'")
        for source in sources:
            target = self._reference(
                source, path, record.at("sources"), f"claim {rid!r} sources", SOURCE_CLASS
            )
            if target is not None:
                self._add(claim, PROV.wasDerivedFrom, target)
        for cite in self._as_list(record.get("cites")):
            target = self._reference(
                cite, path, record.at("cites"), f"claim {rid!r} cites", MGKG.PrintedCitation
            )
            if target is not None:
                self._add(claim, MGKG.citesAsPrinted, target)
        if (hedge := self._text(record, "hedge", path)) is not None:
            self._add(claim, MGKG.hedge, Literal(hedge))
        polarity = record.get("polarity", "affirmed")
        if polarity in POLARITIES:
            self._add(claim, MGKG.polarity, MGKG[POLARITIES[polarity]])
        else:
            self._problem(
                path,
                record.at("polarity"),
                f"claim {rid!r}: polarity must be one of {', '.join(POLARITIES)}, got {polarity!r}",
            )
        if (note := self._text(record, "note", path)) is not None:
            self._add(claim, RDFS.comment, Literal(note, lang="en"))
        self._passage(record, path, claim, from_page=self.page_source in sources)
        self._qualifiers(record, path, claim)

    def _claim_predicate_object(
        self, record: Located, path: str, claim: URIRef, subject: URIRef | None
    ) -> None:
        rid = record["id"]
        name = record.get("predicate")
        prop = self.ontology.properties.get(name) if isinstance(name, str) else None
        usable = {n for n, p in self.ontology.properties.items() if p.domain_relation or p.attribute}
        if prop is None or not (prop.domain_relation or prop.attribute):
            hint = self._suggest(str(name), usable)
            self._problem(path, record.at("predicate"), f"claim {rid!r}: unknown predicate {name!r}{hint}")
            return
        self._add(claim, RDF.predicate, prop.iri)
        self._add(claim, MGKG.claimPredicate, prop.iri)  # the same content, for OWL tools
        if subject is not None:
            self._add(claim, RDF.subject, subject)
            self._add(claim, MGKG.claimSubject, subject)
            domains = [d for d in self.ontology.graph.objects(prop.iri, RDFS.domain) if isinstance(d, URIRef)]
            subject_node = self.nodes.get(record["subject"])
            if (
                domains
                and subject_node
                and not any(self.ontology.is_a(c, d) for c in subject_node.classes for d in domains)
            ):
                self._problem(
                    path,
                    record.at("subject"),
                    f"claim {rid!r}: subject {record['subject']!r} ({self._type_names(subject_node.classes)}) "
                    f"is outside the domain of {name!r} ({self._range_label(domains[0])})",
                )
        if prop.domain_relation:
            if "value" in record or "object" not in record:
                self._problem(
                    path,
                    record.line,
                    f"claim {rid!r}: predicate {name!r} takes an 'object' (an id), not a 'value'",
                )
                return
            target = self._reference(
                record["object"], path, record.at("object"), f"claim {rid!r} object", prop.range
            )
            if target is not None:
                self._add(claim, RDF.object, target)
                self._add(claim, MGKG.claimObject, target)
        else:
            if "object" in record or "value" not in record:
                self._problem(
                    path,
                    record.line,
                    f"claim {rid!r}: attribute {name!r} takes a 'value' (a literal), not an 'object'",
                )
                return
            literal = self._literal(record["value"], prop, path, record.at("value"))
            if literal is not None:
                self._add(claim, RDF.object, literal)
                self._add(claim, MGKG.claimValue, literal)

    def _passage(self, record: Located, path: str, claim: URIRef, from_page: bool) -> None:
        rid = record["id"]
        passage = record.get("passage")
        if passage is None:
            if from_page:
                self._problem(
                    path,
                    record.line,
                    f"claim {rid!r} comes from the page but has no 'passage' (section and quote)",
                )
            return
        if not isinstance(passage, Located):
            self._problem(path, record.at("passage"), "passage must be a mapping with 'section' and 'quote'")
            return
        for key in passage:
            if key not in PASSAGE_FIELDS:
                self._problem(path, passage.at(key), f"unknown passage field {key!r}")
        section = self._text(passage, "section", path, required=True)
        quote = self._text(passage, "quote", path, required=True)
        if section:
            if from_page and normalize_text(section) not in self.page.lines:
                hint = self._suggest(normalize_text(section), self.page.lines)
                self._problem(
                    path,
                    passage.at("section"),
                    f"claim {rid!r}: section {section!r} is not a line of the page{hint}",
                )
            self._add(claim, MGKG.pageSection, Literal(normalize_text(section)))
        if quote:
            if from_page and normalize_text(quote) not in self.page.text:
                self._problem(
                    path, passage.at("quote"), f"claim {rid!r}: quote not found on the page: {quote!r}"
                )
            self._add(claim, MGKG.quotation, Literal(normalize_text(quote)))

    def _qualifiers(self, record: Located, path: str, claim: URIRef) -> None:
        qualifiers = record.get("qualifiers")
        if qualifiers is None:
            return
        if not isinstance(qualifiers, Located):
            self._problem(path, record.at("qualifiers"), "qualifiers must be a mapping")
            return
        for key, raw in qualifiers.items():
            line = qualifiers.at(key)
            if key in RETIRED_FIELDS:
                self._problem(path, line, f"qualifier {key!r} was retired: use {RETIRED_FIELDS[key]}")
                continue
            if key not in QUALIFIER_FIELDS:
                self._problem(
                    path, line, f"unknown qualifier {key!r}{self._suggest(str(key), QUALIFIER_FIELDS)}"
                )
                continue
            if key in AMOUNT_FIELDS:
                self._amounts(
                    record["id"], claim, QUALIFIER_FIELDS[key], raw, path, line, f"qualifier {key!r}"
                )
                continue
            prop = self.ontology.properties[QUALIFIER_FIELDS[key]]
            self._emit(claim, prop, raw, path, line, f"qualifier {key!r}")


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def is_claims_file(path: Path) -> bool:
    """Files named ``claims*.yaml`` hold claim records; every other file holds nodes."""
    return path.stem.startswith("claims")


def curation_files(directory: Path) -> Iterator[Path]:
    """The curation files in a stable order (claims last: they refer to everything)."""
    files = sorted(directory.glob("*.yaml"))
    yield from (f for f in files if not is_claims_file(f))
    yield from (f for f in files if is_claims_file(f))


def load_curation(
    directory: Path,
    ontology: OntologyIndex,
    verified_ids: set[str],
    page: PageText,
    base: Base,
    display_root: Path | None = None,
) -> Graph:
    """Read, check and convert every curation file; raise :class:`CurationError` on problems."""
    curation = Curation(ontology=ontology, base=base, verified_ids=verified_ids, page=page)
    loaded: list[tuple[str, list[Located], bool]] = []
    problems: list[Problem] = []
    for path in curation_files(directory):
        display = str(path.relative_to(display_root)) if display_root else str(path)
        try:
            records = read_records(path, display)
        except CurationError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append((display, records, is_claims_file(path)))
    if problems:
        raise CurationError(problems)
    for display, records, claims in loaded:
        curation.register(records, display, claims)
    pages = [rid for rid, node in curation.nodes.items() if MGKG.WebSource in node.classes]
    for display, records, claims in loaded:
        if not claims:
            for record in records:
                if record.get("id") in curation.nodes and curation.nodes[record["id"]].path == display:
                    curation.emit_node(record, display)
    page_sources = sorted(
        rid
        for rid in pages
        if (curation.nodes[rid].iri, base.rebase(MGKG.sourceKind), base.rebase(MGKG.PageAssertion))
        in curation.graph
    )
    if len(page_sources) == 1:
        curation.page_source = page_sources[0]
    elif loaded:
        curation._problem(
            loaded[0][0],
            1,
            f"exactly one WebSource must have sourceKind PageAssertion (the source page); found {page_sources or 'none'}",
        )
    for display, records, claims in loaded:
        if claims:
            for record in records:
                rid = record.get("id")
                if (
                    rid in curation.nodes
                    and curation.nodes[rid].path == display
                    and curation.nodes[rid].line == record.line
                ):
                    curation.emit_claim(record, display)
    if curation.problems:
        raise CurationError(curation.problems)
    curation.label_amounts()
    return curation.graph
