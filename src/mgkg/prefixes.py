"""The one prefix map: the IRI base, every CURIE prefix, and expanding and compacting IRIs.

Why a module of its own: the command line's start-up path (``mgkg query``) must not pay
for importing rdflib, so the strings every module shares live here, and
:mod:`mgkg.vocab` builds rdflib namespaces from them.
"""

import re

#: The IRI base: terms under ``{base}ontology#``, things under ``{base}id/``.
DEFAULT_BASE = "https://w3id.org/mgkg/"

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

#: Standard vocabularies the graph uses, in the order they are bound.
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "cito": "http://purl.org/spar/cito/",
    "fabio": "http://purl.org/spar/fabio/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "obo": "http://purl.obolibrary.org/obo/",
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "qudt": "http://qudt.org/schema/qudt/",
    "unit": "http://qudt.org/vocab/unit/",
    "sh": "http://www.w3.org/ns/shacl#",  # the query catalog's nodes in the release
}


def prefix_map(base_iri: str = DEFAULT_BASE) -> dict[str, str]:
    """The graph's prefixes under ``base_iri``: mgkg (terms), kg (things), then the standard ones."""
    return {"mgkg": base_iri + "ontology#", "kg": base_iri + "id/", **STANDARD_PREFIXES}


def result_prefixes(base_iri: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for query answers written as Turtle or JSON-LD: the graph's plus ``mgkgq``, the
    catalog's namespace (``graph/catalog.ttl`` names each query ``mgkgq:NAME``)."""
    return {**prefix_map(base_iri), "mgkgq": base_iri + "query/"}


def project_prefixes(base_iri: str = DEFAULT_BASE) -> dict[str, str]:
    """Every prefix a user may write: external identifiers (CHEBI, MESH, ...) and the graph's own."""
    return {**CURIE_PREFIXES, **prefix_map(base_iri)}


def compact_iri(iri: str, prefixes: dict[str, str]) -> str | None:
    """``iri`` as PREFIX:LOCAL with the longest matching namespace of ``prefixes``, or None.

    Ties between prefixes for the same namespace go to the alphabetically first prefix, so
    the same IRI always gets the same short name.
    """
    for prefix, namespace in sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def expand_iri(value: str, base_iri: str = DEFAULT_BASE) -> str | None:
    """A full IRI for ``<iri>``, ``http(s)://...``, ``urn:...`` or a CURIE with a known prefix; else None."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", value) or value.startswith("urn:"):
        return value
    match = re.match(r"^([A-Za-z][A-Za-z0-9.\-_]*)?:([^\s]*)$", value)
    if match:
        prefixes = project_prefixes(base_iri)
        prefix = match.group(1) or ""
        if prefix in prefixes:
            return prefixes[prefix] + match.group(2)
    return None
