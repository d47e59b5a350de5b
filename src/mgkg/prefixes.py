"""Constants and prefix tables that must be importable without rdflib.

Why a module of its own: the command line's start-up path (``mgkg query``) must not pay
for importing rdflib, so the strings every module shares live here, and
:mod:`mgkg.vocab` builds rdflib namespaces from them.
"""

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
}


def prefix_map(base_iri: str = DEFAULT_BASE) -> dict[str, str]:
    """The graph's prefixes under ``base_iri``: mgkg (terms), kg (things), then the standard ones."""
    return {"mgkg": base_iri + "ontology#", "kg": base_iri + "id/", **STANDARD_PREFIXES}
