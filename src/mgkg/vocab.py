"""Namespaces, the CURIE prefix map and the IRI base.

Why one module: every IRI the graph writes is minted here, so a change of base or of
a prefix expansion happens in one place. The prefix expansions follow
``graph/reference/identifiers-notes.md`` (OBO PURLs, ``id.nlm.nih.gov/mesh``, Biolink
``w3id.org/biolink/vocab``), which were checked against Bioregistry and the Biolink
prefix map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/mgkg/"

FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")
OBO = Namespace("http://purl.obolibrary.org/obo/")
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")

#: CURIE prefix -> IRI prefix, for the external identifiers curation may use.
CURIE_PREFIXES: dict[str, str] = {
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "ECO": "http://purl.obolibrary.org/obo/ECO_",
    "OBI": "http://purl.obolibrary.org/obo/OBI_",
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "PUBCHEM.COMPOUND": "https://pubchem.ncbi.nlm.nih.gov/compound/",
    "HGNC": "https://identifiers.org/hgnc:",
    "UniProtKB": "http://purl.uniprot.org/uniprot/",
    "UNII": "https://precision.fda.gov/uniisearch/srs/unii/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "fabio": "http://purl.org/spar/fabio/",
    "schema": "https://schema.org/",
}

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
            raise ValueError(f"base IRI must be an http(s) IRI ending in '/': {self.iri!r}")

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
        return {
            "mgkg": str(self.ontology),
            "kg": str(self.ids),
            "rdf": str(RDF),
            "rdfs": str(RDFS),
            "owl": str(OWL),
            "xsd": str(XSD),
            "skos": str(SKOS),
            "dcterms": str(DCTERMS),
            "prov": str(PROV),
            "cito": str(CITO),
            "fabio": str(FABIO),
            "prism": str(PRISM),
            "schema": str(SCHEMA),
            "vann": str(VANN),
            "void": str(VOID),
            "obo": str(OBO),
            "mesh": str(MESH),
            "biolink": str(BIOLINK),
        }


#: The default ontology namespace, for code that reads the shipped ontology file.
MGKG = Base().ontology
