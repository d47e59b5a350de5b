"""Every claim is a nanopublication that parses (rdflib, pyoxigraph) and whose trusty URI checks.

The trusty URIs are checked with ``nanopub-sign`` (the nanopublication Rust toolkit's
Python binding), which recomputes each hash offline.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict

import nanopub_sign
import pyoxigraph
import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from conftest import RELEASE
from mgkg.build.nanopub import claim_nanopub, to_trig, trusty_code
from mgkg.vocab import Base

NP = "http://www.nanopub.org/nschema#"
MGKG = "https://w3id.org/mgkg/ontology#"
TRIG = RELEASE / "nanopub.trig"


@pytest.fixture(scope="module")
def quads() -> list[pyoxigraph.Quad]:
    return list(pyoxigraph.parse(path=str(TRIG), format=pyoxigraph.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def by_nanopub(quads) -> dict[str, list[pyoxigraph.Quad]]:
    """Quads grouped by nanopublication (graph names are ``<np>/<part>``)."""
    groups: dict[str, list[pyoxigraph.Quad]] = defaultdict(list)
    for quad in quads:
        groups[quad.graph_name.value.rsplit("/", 1)[0]].append(quad)
    return groups


def test_every_claim_has_exactly_one_nanopublication(release_graph, by_nanopub):
    claims = set(release_graph.subjects(RDF.type, URIRef(MGKG + "Claim")))
    about = {}
    for np_uri, quads in by_nanopub.items():
        subjects = [q.object.value for q in quads if q.predicate.value == str(DCTERMS.subject)]
        assert len(subjects) == 1, np_uri
        about[subjects[0]] = np_uri
        assert np_uri.startswith("https://w3id.org/mgkg/np/RA")
    assert set(about) == {str(c) for c in claims}
    assert len(by_nanopub) == len(claims) > 200


def test_each_nanopublication_has_four_graphs_and_a_valid_trusty_uri(by_nanopub):
    checked = 0
    for np_uri, quads in by_nanopub.items():
        graphs = {q.graph_name.value.rsplit("/", 1)[1] for q in quads}
        assert graphs == {"Head", "assertion", "provenance", "pubinfo"}, np_uri
        single = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.TRIG).decode("utf-8")
        nanopub_sign.Nanopub(single).check()  # raises when the hash or the structure is wrong
        checked += 1
    assert checked == len(by_nanopub)


def test_a_changed_nanopublication_fails_the_check(by_nanopub):
    np_uri, quads = sorted(by_nanopub.items())[0]
    changed = [
        pyoxigraph.Quad(q.subject, q.predicate, pyoxigraph.Literal("tampered"), q.graph_name)
        if q.predicate.value == "https://schema.org/version"
        else q
        for q in quads
    ]
    data = pyoxigraph.serialize(changed, format=pyoxigraph.RdfFormat.TRIG).decode("utf-8")
    with pytest.raises(Exception, match="hash"):
        nanopub_sign.Nanopub(data).check()


def test_rdflib_parses_the_same_quads(quads):
    dataset = Dataset()
    dataset.parse(TRIG, format="trig")
    parsed = {(s, p, o, g) for s, p, o, g in dataset.quads((None, None, None, None))}
    assert len(parsed) == len(quads)
    assert len({g.identifier for g in dataset.graphs() if str(g.identifier).startswith("https://")}) == len(
        {q.graph_name.value for q in quads}
    )


def test_assertion_is_the_claim_triple_or_the_claim_with_its_polarity(release_graph, by_nanopub):
    seen_negative = 0
    for np_uri, quads in by_nanopub.items():
        claim = URIRef(next(q.object.value for q in quads if q.predicate.value == str(DCTERMS.subject)))
        assertion = [q for q in quads if q.graph_name.value == np_uri + "/assertion"]
        s, p, o = (release_graph.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        polarity = release_graph.value(claim, URIRef(MGKG + "polarity"))
        if polarity == URIRef(MGKG + "PolarityAffirmed"):
            assert len(assertion) == 1
            quad = assertion[0]
            assert (quad.subject.value, quad.predicate.value) == (str(s), str(p))
            assert quad.object.value == str(o)
        else:
            seen_negative += 1
            pairs = {(q.predicate.value, q.object.value) for q in assertion}
            assert (MGKG + "polarity", str(polarity)) in pairs and (str(RDF.object), str(o)) in pairs
        prov = {
            (q.subject.value, q.predicate.value, q.object.value)
            for q in quads
            if q.graph_name.value.endswith("/provenance")
        }
        for source in release_graph.objects(claim, PROV.wasDerivedFrom):
            assert (np_uri + "/assertion", str(PROV.wasDerivedFrom), str(source)) in prov
        grade = release_graph.value(claim, URIRef(MGKG + "evidenceGrade"))
        assert (str(claim), MGKG + "evidenceGrade", str(grade)) in prov
        quote = release_graph.value(claim, URIRef(MGKG + "quotation"))
        if quote is not None:
            assert (str(claim), MGKG + "quotation", str(quote)) in prov
        summary = release_graph.value(predicate=URIRef(MGKG + "summarizes"), object=claim)
        assert (str(summary), MGKG + "summarizes", str(claim)) in prov
        for field in ("certainty", "direction", "plainSummary", "assertsEdge"):
            value = release_graph.value(summary, URIRef(MGKG + field))
            assert (str(summary), MGKG + field, str(value)) in prov, (np_uri, field)
    assert seen_negative > 0


def test_pubinfo_has_licence_creator_date_and_version(by_nanopub):
    np_uri, quads = sorted(by_nanopub.items())[0]
    info = {
        (q.predicate.value, q.object.value)
        for q in quads
        if q.graph_name.value == np_uri + "/pubinfo" and q.subject.value == np_uri
    }
    assert (str(DCTERMS.license), "https://creativecommons.org/licenses/by/4.0/") in info
    assert (str(DCTERMS.creator), "https://w3id.org/mgkg/") in info
    assert any(p == str(DCTERMS.created) and v.startswith("20") for p, v in info)
    assert ("https://schema.org/version", "0.1.0") in info


def test_trusty_code_ignores_the_uri_but_not_the_content():
    ns = "https://example.org/np/"
    g = URIRef(ns + "X/assertion")
    one = [(URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("v"), g)]
    moved = [(q[0], q[1], q[2], URIRef(ns + "Y/assertion")) for q in one]
    assert trusty_code(one, ns + "X", ns) == trusty_code(moved, ns + "Y", ns)
    changed = [(q[0], q[1], Literal("w"), g) for q in one]
    assert trusty_code(one, ns + "X", ns) != trusty_code(changed, ns + "X", ns)


def test_a_literal_with_quotes_and_newlines_round_trips(release_graph):
    claim = next(release_graph.subjects(RDF.type, URIRef(MGKG + "Claim")))
    graph = release_graph
    tricky = Literal('He said "calm"\nthen \\ left', lang="en")
    graph.add((claim, URIRef(MGKG + "qualifierNote"), tricky))
    try:
        quads = claim_nanopub(graph, claim, Base(), "0.1.0", "2026-11-29")
    finally:
        graph.remove((claim, URIRef(MGKG + "qualifierNote"), tricky))
    text = to_trig([quads], Base().prefixes())
    nanopub_sign.Nanopub(text).check()
    parsed = list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TRIG))
    assert any(q.object.value == str(tricky) for q in parsed)


@pytest.mark.slow
def test_export_command_writes_the_release_file(tmp_path):
    out = tmp_path / "np.trig"
    subprocess.run(
        [sys.executable, "-m", "mgkg", "export", "--format", "nanopub", "-o", str(out)], check=True
    )
    assert out.read_bytes() == TRIG.read_bytes()


def test_a_dose_qualifier_travels_with_its_value_unit_and_nutrient(release_graph, by_nanopub):
    """A finding's dose is a node of its own; its nanopublication carries it whole."""
    claim = "https://w3id.org/mgkg/id/finding-tarleton2017-phq9"
    ((np_uri, quads),) = [
        (uri, qs)
        for uri, qs in by_nanopub.items()
        if any(q.object.value == claim for q in qs if "subject" in q.predicate.value)
    ]
    dose = claim + "-dose"
    prov = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in quads
        if q.graph_name.value.endswith("/provenance")
    }
    assert (claim, MGKG + "qualifierDose", dose) in prov
    assert (dose, MGKG + "amountOf", "https://w3id.org/mgkg/id/magnesium") in prov
    assert (dose, "http://qudt.org/schema/qudt/hasUnit", "http://qudt.org/vocab/unit/MilliGM-PER-DAY") in prov
    assert (dose, "http://qudt.org/schema/qudt/numericValue", "248.0") in prov
