"""rdflib namespaces, identifier syntax and the IRI base of a build.

Why one module: every IRI the build writes is minted here, from the one prefix map in
:mod:`mgkg.prefixes`, so a change of base or of a prefix expansion happens in one place. The prefix expansions follow
``graph/reference/identifiers-notes.md`` (OBO PURLs, ``id.nlm.nih.gov/mesh``, Biolink
``w3id.org/biolink/vocab``), which were checked against Bioregistry and the Biolink
prefix map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Namespace, URIRef

from mgkg.errors import UsageError
from mgkg.prefixes import CURIE_PREFIXES, DEFAULT_BASE, STANDARD_PREFIXES, prefix_map

FABIO = Namespace(STANDARD_PREFIXES["fabio"])
PRISM = Namespace(STANDARD_PREFIXES["prism"])
SCHEMA = Namespace(STANDARD_PREFIXES["schema"])
VOID = Namespace(STANDARD_PREFIXES["void"])
SH = Namespace(STANDARD_PREFIXES["sh"])  # the shapes, and the catalog queries in the release
QUDT = Namespace(STANDARD_PREFIXES["qudt"])


#: Local-id syntax for every curated record (becomes the last IRI segment).
LOCAL_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURIE = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9.]*):(?P<local>[A-Za-z0-9_.-]+)$")
PMID = re.compile(r"^[1-9][0-9]{0,8}$")
PMCID = re.compile(r"^PMC[0-9]+$")
DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")


def expand_curie(curie: str) -> URIRef:
    """Return the canonical IRI of ``curie``; ``ValueError`` when malformed or unknown."""
    match = CURIE.match(curie)
    if not match:
        raise ValueError(f"malformed CURIE {curie!r} (expected PREFIX:LOCAL, e.g. CHEBI:18420)")
    prefix = match["prefix"]
    if prefix not in CURIE_PREFIXES:
        known = ", ".join(sorted(CURIE_PREFIXES))
        raise ValueError(f"unknown CURIE prefix {prefix!r} in {curie!r} (known: {known})")
    return URIRef(CURIE_PREFIXES[prefix] + match["local"])


@dataclass(frozen=True)
class Base:
    """The IRI base of one build: ``{base}ontology#`` for terms, ``{base}id/`` for things."""

    iri: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^\s<>\"]+/$", self.iri):
            raise UsageError(f"base IRI must be an http(s) IRI ending in '/': {self.iri!r}")

    @property
    def ontology(self) -> Namespace:
        return Namespace(self.iri + "ontology#")

    @property
    def ontology_iri(self) -> URIRef:
        return URIRef(self.iri + "ontology")

    @property
    def ids(self) -> Namespace:
        return Namespace(self.iri + "id/")

    def thing(self, local_id: str) -> URIRef:
        return self.ids[local_id]

    def rebase(self, term: URIRef) -> URIRef:
        """Move an IRI written against the default base onto this base."""
        text = str(term)
        if self.iri != DEFAULT_BASE and text.startswith(DEFAULT_BASE):
            return URIRef(self.iri + text[len(DEFAULT_BASE) :])
        return term

    def prefixes(self) -> dict[str, str]:
        """Prefix map for Turtle and the JSON-LD context (deterministic order)."""
        return prefix_map(self.iri)


#: The default ontology namespace, for code that reads the shipped ontology file.
MGKG = Base().ontology
