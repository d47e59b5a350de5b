"""CURIE expansion and the IRI base (canonical IRIs for external identifiers; the base is a build option)."""

import pytest
from rdflib import URIRef

from mgkg.errors import UsageError
from mgkg.vocab import DEFAULT_BASE, Base, expand_curie


@pytest.mark.parametrize(
    ("curie", "iri"),
    [
        ("CHEBI:18420", "http://purl.obolibrary.org/obo/CHEBI_18420"),
        ("MESH:D008274", "http://id.nlm.nih.gov/mesh/D008274"),
        ("MONDO:0007743", "http://purl.obolibrary.org/obo/MONDO_0007743"),
        ("HP:0000739", "http://purl.obolibrary.org/obo/HP_0000739"),
        ("biolink:has_side_effect", "https://w3id.org/biolink/vocab/has_side_effect"),
        ("NCIT:C76082", "http://purl.obolibrary.org/obo/NCIT_C76082"),
    ],
)
def test_expand_curie_gives_canonical_iri(curie, iri):
    assert expand_curie(curie) == URIRef(iri)


@pytest.mark.parametrize(
    ("curie", "message"),
    [("CHEBI 18420", "malformed CURIE"), ("FOO:1", "unknown CURIE prefix 'FOO'"), ("CHEBI:", "malformed")],
)
def test_expand_curie_rejects_bad_input(curie, message):
    with pytest.raises(ValueError, match=message):
        expand_curie(curie)


def test_base_mints_things_and_terms():
    base = Base()
    assert base.thing("magnesium") == URIRef("https://w3id.org/mgkg/id/magnesium")
    assert str(base.ontology) == "https://w3id.org/mgkg/ontology#"


def test_rebase_moves_only_default_base_iris():
    base = Base("https://example.org/kg/")
    assert base.rebase(URIRef(DEFAULT_BASE + "id/magnesium")) == URIRef("https://example.org/kg/id/magnesium")
    assert base.rebase(URIRef("http://purl.obolibrary.org/obo/CHEBI_18420")) == URIRef(
        "http://purl.obolibrary.org/obo/CHEBI_18420"
    )


@pytest.mark.parametrize("bad", ["example.org/", "https://example.org/kg", "https://exa mple.org/"])
def test_base_must_be_an_http_iri_ending_in_slash(bad):
    with pytest.raises(UsageError, match="base IRI") as caught:
        Base(bad)
    assert caught.value.exit_code == 2  # a bad --base is the user's to fix, not a bug
