"""The release: byte-stable, matches a fresh build, parses the same everywhere, SHACL-valid."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from conftest import RELEASE, ROOT, copy_project
from mgkg.build.export import DUMPS, RELEASE_FILES
from mgkg.build.pipeline import ValidationError, assemble, build, shacl_check
from mgkg.layout import Paths
from mgkg.vocab import Base

FORMATS = {
    "mgkg.ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
    "mgkg.nt": ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
    "mgkg.jsonld": ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
    "void.ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A fresh build of a copy of the project."""
    root = copy_project(tmp_path_factory.mktemp("fresh") / "project")
    build(root=root)
    return root


@pytest.mark.slow  # SHACL over the whole release or a full build
def test_committed_release_matches_a_fresh_build(fresh):
    for name in RELEASE_FILES:
        committed = (RELEASE / name).read_bytes()
        rebuilt = (fresh / "graph" / name).read_bytes()
        assert committed == rebuilt, f"graph/{name} differs from a fresh build: run `python build_graph.py`"


def test_the_data_dictionary_is_generated_and_current(fresh):
    """docs/vocabulary.md comes from the build, lists the bibliographic predicates with ranges and
    examples, and every mapping."""
    committed = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    assert committed == (fresh / "docs" / "vocabulary.md").read_text(encoding="utf-8"), (
        "docs/vocabulary.md differs from a fresh build: run `python build_graph.py`"
    )
    publications = committed.split("### `mgkg:Publication`", 1)[1].split("\n### ", 1)[0]
    for predicate in (
        "fabio:hasPubMedId",
        "prism:doi",
        "prism:publicationName",
        "dcterms:title",
        "fabio:hasPublicationYear",
        "dcterms:creator",
        "prism:volume",
    ):
        assert f"| `{predicate}` |" in publications, predicate
    assert "| `fabio:hasPubMedId` | has PubMed ID (FaBiO) | xsd:string |" in publications
    claims = committed.split("### `mgkg:Claim`", 1)[1].split("\n### ", 1)[0]
    assert "| `mgkg:claimSubject` |" in claims and "| `rdf:subject` |" in claims
    sssom_rows = (RELEASE / "mappings.sssom.tsv").read_text(encoding="utf-8").splitlines()
    mappings = [line for line in sssom_rows if line and not line.startswith(("#", "subject_id"))]
    assert committed.split("## Mappings", 1)[1].count("\n| `") == len(mappings)


@pytest.mark.slow
def test_build_is_byte_stable_across_processes(tmp_path):
    """Two builds in separate interpreters with different hash seeds give identical bytes."""
    import os
    import subprocess
    import sys

    digests = []
    for seed in ("1", "4242"):
        root = copy_project(tmp_path / f"p{seed}")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "mgkg", "--root", str(root), "build"],
            check=True,
            env=env,
            capture_output=True,
        )
        digests.append({name: (root / "graph" / name).read_bytes() for name in RELEASE_FILES})
    assert digests[0] == digests[1]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_rdflib_and_pyoxigraph_parse_each_export_to_the_same_triples(name):
    rdflib_format, oxi_format = FORMATS[name]
    graph = Graph().parse(RELEASE / name, format=rdflib_format)
    store = pyoxigraph.Store()
    store.bulk_load(path=str(RELEASE / name), format=oxi_format)
    assert len(graph) == len(store) > 0


@pytest.mark.slow
def test_all_three_data_exports_hold_the_same_graph():
    counts = {
        name: len(Graph().parse(RELEASE / name, format=FORMATS[name][0]))
        for name in ("mgkg.ttl", "mgkg.nt", "mgkg.jsonld")
    }
    assert len(set(counts.values())) == 1, counts
    ttl = Graph().parse(RELEASE / "mgkg.ttl")
    nt = Graph().parse(RELEASE / "mgkg.nt", format="nt")
    assert set(ttl) == set(nt)


def test_jsonld_is_compact_with_the_project_context():
    document = json.loads((RELEASE / "mgkg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["kg"] == "https://w3id.org/mgkg/id/"
    assert document["@context"]["mgkg"] == "https://w3id.org/mgkg/ontology#"
    ids = [node["@id"] for node in document["@graph"]]
    assert "kg:magnesium" in ids
    assert ids == sorted(ids)


def test_void_counts_the_release_and_links_dumps_and_licence(release_graph):
    void = Graph().parse(RELEASE / "void.ttl")
    VOID = "http://rdfs.org/ns/void#"
    dataset = URIRef("https://w3id.org/mgkg/void#mgkg")
    assert (dataset, RDF.type, URIRef(VOID + "Dataset")) in void
    assert int(void.value(dataset, URIRef(VOID + "triples"))) == len(release_graph)
    dumps = {str(o) for o in void.objects(dataset, URIRef(VOID + "dataDump"))}
    assert dumps == {f"https://w3id.org/mgkg/graph/{n}" for n in DUMPS}
    assert {"mgkg.ttl", "kgx/edges.tsv", "nanopub.trig", "mappings.sssom.tsv"} <= set(DUMPS)
    for name, media in DUMPS.items():  # each dump with its media type
        dump = URIRef(f"https://w3id.org/mgkg/graph/{name}")
        assert str(void.value(dump, URIRef("http://purl.org/dc/terms/format"))) == media, name
        assert (RELEASE / name).is_file(), name
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


def test_void_has_the_hcls_dataset_description_items():
    """Summary, version and distribution levels of the HCLS dataset description guidelines."""
    void = Graph().parse(RELEASE / "void.ttl")
    dct, dcat, pav = DCTERMS, Namespace("http://www.w3.org/ns/dcat#"), Namespace("http://purl.org/pav/")
    summary = URIRef("https://w3id.org/mgkg/void#summary")
    version = URIRef("https://w3id.org/mgkg/void#mgkg")
    for node, required in (
        (summary, (dct.title, dct.description, dct.publisher)),
        (
            version,
            (
                dct.title,
                dct.description,
                dct.creator,
                dct.publisher,
                dct.license,
                dct.issued,
                dct.isVersionOf,
                pav.version,
                dcat.distribution,
            ),
        ),
    ):
        for predicate in required:
            assert void.value(node, predicate) is not None, f"{node} lacks {predicate}"
    assert isinstance(void.value(version, dct.creator), URIRef)
    assert isinstance(void.value(summary, dct.publisher), URIRef)
    assert void.value(summary, pav.version) is None  # a summary is about no version in particular
    distributions = set(void.objects(version, dcat.distribution))
    assert {URIRef(f"https://w3id.org/mgkg/graph/{n}") for n in DUMPS} == distributions
    for dump in distributions:
        name = str(dump).rsplit("/graph/", 1)[1]
        assert (dump, RDF.type, dcat.Distribution) in void
        assert void.value(dump, dcat.downloadURL) == dump
        assert int(void.value(dump, dcat.byteSize)) == (RELEASE / name).stat().st_size, name
        assert void.value(dump, pav.version) == void.value(version, pav.version)
        media = void.value(dump, dcat.mediaType)
        if DUMPS[name] != "application/jsonl":  # JSON Lines has no IANA-registered type
            assert media == URIRef("https://www.iana.org/assignments/media-types/" + DUMPS[name]), name


@pytest.mark.slow  # SHACL over the whole release or a full build
def test_release_conforms_to_the_shapes(release_graph):
    shacl_check(release_graph, ROOT / "ontology" / "shapes.ttl", Base())


@pytest.mark.slow  # SHACL over the whole release or a full build
def test_shapes_reject_a_claim_without_a_source(release_graph):
    broken = Graph()
    for triple in release_graph:
        broken.add(triple)
    claim = next(release_graph.subjects(RDF.type, URIRef("https://w3id.org/mgkg/ontology#Claim")))
    broken.remove((claim, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))
    with pytest.raises(ValidationError, match="derived from at least one source"):
        shacl_check(broken, ROOT / "ontology" / "shapes.ttl", Base())


MGKG_NS = "https://w3id.org/mgkg/ontology#"


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


@pytest.mark.slow  # SHACL over the whole release or a full build
def test_shapes_reject_a_page_claim_without_its_quotation(release_graph):
    broken = _copy(release_graph)
    claim = URIRef("https://w3id.org/mgkg/id/mg-blocks-nmda-receptor")
    broken.remove((claim, URIRef(MGKG_NS + "quotation"), None))
    with pytest.raises(ValidationError, match="quotes it") as failure:
        shacl_check(broken, ROOT / "ontology" / "shapes.ttl", Base())
    assert "mg-blocks-nmda-receptor" in failure.value.report


@pytest.mark.slow  # SHACL over the whole release or a full build
def test_shapes_reject_a_null_finding_asserted_as_an_edge(release_graph):
    from rdflib import Literal
    from rdflib.namespace import XSD

    broken = _copy(release_graph)
    claim = URIRef("https://w3id.org/mgkg/id/finding-mah2021-total-sleep-time")
    asserted = URIRef(MGKG_NS + "assertedAsEdge")
    broken.set((claim, asserted, Literal(True, datatype=XSD.boolean)))
    with pytest.raises(ValidationError, match="never asserted as a direct edge"):
        shacl_check(broken, ROOT / "ontology" / "shapes.ttl", Base())


@pytest.mark.slow  # SHACL over the whole release or a full build
def test_shapes_reject_an_unaudited_printed_citation(release_graph):
    broken = _copy(release_graph)
    broken.remove((None, URIRef(MGKG_NS + "audits"), URIRef("https://w3id.org/mgkg/id/cite-noah-2022")))
    with pytest.raises(ValidationError, match="exactly one citation audit"):
        shacl_check(broken, ROOT / "ontology" / "shapes.ttl", Base())


@pytest.mark.slow
def test_base_is_a_build_option(project):
    graph, _ = assemble(Paths(project), Base("https://example.org/kg/"))
    subjects = {str(s) for s in graph.subjects()}
    assert "https://example.org/kg/id/magnesium" in subjects
    assert not any(s.startswith("https://w3id.org/mgkg/") for s in subjects)
    shacl_check(graph, project / "ontology" / "shapes.ttl", Base("https://example.org/kg/"))


def run_cli(*args: str, seed: str = "0"):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, "-m", "mgkg", *args], capture_output=True, env=env)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "xml"])
def test_export_is_deterministic_and_holds_the_release(fmt):
    first, second = (
        run_cli("export", "--format", fmt, seed="1"),
        run_cli("export", "--format", fmt, seed="77"),
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}[fmt]
    assert len(Graph().parse(data=first.stdout, format=rdflib_format)) == len(
        Graph().parse(RELEASE / "mgkg.ttl")
    )
    if fmt in ("ttl", "nt", "jsonld"):
        release_name = {"ttl": "mgkg.ttl", "nt": "mgkg.nt", "jsonld": "mgkg.jsonld"}[fmt]
        assert first.stdout == (RELEASE / release_name).read_bytes()


@pytest.mark.slow
def test_export_under_another_base(tmp_path):
    out = tmp_path / "kg.nt"
    result = run_cli("export", "--format", "nt", "--base", "https://example.org/kg/", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "<https://example.org/kg/id/magnesium>" in text and "w3id.org/mgkg/" not in text


def test_export_without_a_release_says_so(tmp_path):
    result = run_cli("--root", str(tmp_path), "export")
    assert result.returncode == 1
    assert b"run `mgkg build` first" in result.stderr and b"Traceback" not in result.stderr


def test_every_dump_is_offered_on_the_downloads_page():
    from mgkg.web.pages import DOWNLOADS

    for name, media in DUMPS.items():
        assert name in DOWNLOADS and DOWNLOADS[name][0] == media, name


def test_findings_are_exactly_the_claims_from_publications(store):
    from conftest import select

    rows = select(
        store,
        """SELECT ?claim (EXISTS { ?claim a mgkg:Finding } AS ?finding)
                  (EXISTS { ?claim prov:wasDerivedFrom/a mgkg:Publication } AS ?published)
           WHERE { ?claim a mgkg:Claim }""",
    )
    assert sum(r["finding"] == "true" for r in rows) > 50
    assert all(r["finding"] == r["published"] for r in rows), [
        r for r in rows if r["finding"] != r["published"]
    ]


def test_jsonld_keys_have_term_definitions_and_one_shape():
    """Plain-JSON users get short keys defined in the context, and each key is an array on every
    node or on none (types included)."""
    document = json.loads((RELEASE / "mgkg.jsonld").read_text(encoding="utf-8"))
    context = document["@context"]
    arrays: dict[str, set[bool]] = {}
    for node in document["@graph"]:
        for key, value in node.items():
            arrays.setdefault(key, set()).add(isinstance(value, list))
            if key not in ("@id", "@type"):
                assert ":" not in key and isinstance(context.get(key), dict), key
    assert {k for k, shapes in arrays.items() if len(shapes) > 1} == set()
    assert arrays["@type"] == {True}
    assert context["hasPubMedId"]["@id"] == "fabio:hasPubMedId"
    assert context["blocks"] == {"@id": "mgkg:blocks", "@type": "@id"}
    assert context["hasResult"] == {"@id": "mgkg:hasResult", "@type": "@id", "@container": "@set"}
    assert context["durationWeeks"]["@type"] == "xsd:decimal"
    tarleton = next(n for n in document["@graph"] if n["@id"] == "kg:tarleton2017")
    assert tarleton["analyzedSize"] == 112 and tarleton["humanStudy"] is True


def test_per_class_json_exports_hold_each_instance_as_in_the_release(store):
    from conftest import select

    everything = {
        n["@id"]: n for n in json.loads((RELEASE / "mgkg.jsonld").read_text(encoding="utf-8"))["@graph"]
    }
    for name, cls in (
        ("claims", "mgkg:Claim"),
        ("publications", "mgkg:Publication"),
        ("entities", "mgkg:BiomedicalEntity"),
    ):
        nodes = json.loads((RELEASE / "json" / f"{name}.json").read_text(encoding="utf-8"))["@graph"]
        expected = {
            r["x"].replace("https://w3id.org/mgkg/id/", "kg:")
            for r in select(store, f"SELECT DISTINCT ?x WHERE {{ ?x a/rdfs:subClassOf* {cls} }}")
        }
        assert {n["@id"] for n in nodes} == expected and len(expected) > 20, name
        assert all(n == everything[n["@id"]] for n in nodes), name
