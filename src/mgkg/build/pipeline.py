"""Build the release: ontology + curated sources -> checked, derived, SHACL-valid RDF.

Stages (each timed by the benchmark suite): load sources, grade and derive, SHACL, serialize.
Nothing is written unless every stage succeeds, and then all release files are
replaced together (see :func:`mgkg.build.export.write_atomically`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, XSD

from mgkg.build.catalog import catalog_graph, catalog_turtle, load_catalog
from mgkg.build.curation import PageText, load_curation, load_verified_ids
from mgkg.build.derive import annotate_source_kinds, derive_edges
from mgkg.build.durations import add_durations_in_days
from mgkg.build.export import RELEASE_FILES, serialize_release, write_atomically
from mgkg.build.grading import Grader
from mgkg.build.interop import interop_files
from mgkg.build.ontology import load_ontology
from mgkg.build.shapes import ontology_shapes
from mgkg.build.synthesis import flag_upper_limit, synthesize
from mgkg.build.vocabulary_doc import vocabulary_markdown
from mgkg.errors import ReportedError
from mgkg.layout import Paths, project_root
from mgkg.vocab import DEFAULT_BASE, SCHEMA, SH, Base


class ValidationError(ReportedError):
    """The release graph does not conform to the SHACL shapes."""

    def __init__(self, report: str, report_graph: Graph | None = None):
        self.report = report
        self.report_graph = report_graph  # the sh:ValidationReport, for tools that read results
        super().__init__("SHACL validation failed:\n" + report)


@dataclass
class BuildResult:
    """The built graph and what was written (empty when only validating)."""

    graph: Graph
    base: Base
    version: str
    derived_edges: int
    files: dict[str, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


def ontology_version(graph: Graph, base: Base) -> str:
    version = graph.value(base.ontology_iri, OWL.versionInfo)
    return str(version) if version is not None else "0"


#: Properties whose literal values are SPARQL texts (the catalog's queries): their project IRIs
#: move with the base too, or a query would ask about the old base's nodes.
QUERY_TEXTS = (SH.select, SH.ask, SH.construct, SCHEMA.text)


def rebase_graph(graph: Graph, base: Base) -> Graph:
    """The same graph with every default-base IRI (in IRIs, SHACL prefix declarations and
    query texts) moved onto ``base``."""
    if base == Base():
        return graph
    moved = Graph()

    def move(term):
        if isinstance(term, URIRef):
            return base.rebase(term)
        if isinstance(term, Literal) and term.datatype == XSD.anyURI:
            return Literal(str(base.rebase(URIRef(str(term)))), datatype=XSD.anyURI)
        return term

    for s, p, o in graph:
        if p in QUERY_TEXTS and isinstance(o, Literal):
            o = Literal(str(o).replace(DEFAULT_BASE, base.iri), lang=o.language, datatype=o.datatype)
        moved.add((move(s), move(p), move(o)))
    return moved


def load_sources(paths: Paths, base: Base) -> Graph:
    """Stage 1: the ontology, the checked curation records and the query catalog in one graph.

    The catalog (one ``sh:SPARQLExecutable`` per ``queries/*.rq``) goes into the release, so
    every store that holds the release can list its example queries with SPARQL; the same
    triples are written alone as ``graph/catalog.ttl`` for the service description.
    """
    ontology = load_ontology(paths.ontology)
    data = load_curation(
        paths.curation,
        ontology=ontology,
        verified_ids=load_verified_ids(*paths.identifiers),
        page=PageText.read(paths.page),
        base=base,
        display_root=paths.root,
    )
    graph = rebase_graph(ontology.graph, base)
    for triple in sorted(data):
        graph.add(triple)
    for triple in sorted(catalog_graph(load_catalog(paths.queries), base)):
        graph.add(triple)
    return graph


def grade_and_derive(graph: Graph, base: Base) -> int:
    """Stage 2: durations in days, source kinds, upper-limit flags, grades, one summary per
    relation, then the direct edges (from summaries only); returns edges added."""
    add_durations_in_days(graph, base)
    annotate_source_kinds(graph, base)
    flag_upper_limit(graph, base)
    grader = Grader(graph, base)
    grader.grade_all()
    return derive_edges(graph, base, synthesize(graph, base, grader))


def assemble(paths: Paths, base: Base) -> tuple[Graph, int]:
    """Stages 1 and 2 (no SHACL, no writing)."""
    graph = load_sources(paths, base)
    return graph, grade_and_derive(graph, base)


def shacl_check(graph: Graph, shapes_path: Path, base: Base) -> None:
    """Validate with pySHACL against shapes.ttl and the shapes generated from the ontology
    (no inference: closure is superlinear and not needed)."""
    from pyshacl import validate  # imported here: pyshacl is slow to import

    shapes = rebase_graph(Graph().parse(shapes_path, format="turtle"), base)
    shapes += ontology_shapes(graph, base)  # ranges, domains and closed records, from the ontology
    conforms, report_graph, report_text = validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False
    )
    if not conforms:
        raise ValidationError(report_text, report_graph)


def build(root: Path | None = None, base: Base | None = None, write: bool = True) -> BuildResult:
    """Check, derive, validate and (unless ``write`` is false) write the release."""
    paths = Paths(root or project_root())
    base = base or Base()
    graph, derived = assemble(paths, base)
    shacl_check(graph, paths.shapes, base)
    version = ontology_version(graph, base)
    result = BuildResult(graph=graph, base=base, version=version, derived_edges=derived)
    catalog = catalog_turtle(paths.queries, base)  # graph/catalog.ttl: the catalog triples of the release
    if write:
        others = interop_files(graph, base, version, paths.identifiers) | {"catalog.ttl": catalog}
        result.files = serialize_release(graph, base, version, others)
        write_atomically(paths.release, result.files)
        result.written = [paths.release / name for name in RELEASE_FILES]
        # The data dictionary, generated from what was just released (docs/vocabulary.md).
        docs = {"vocabulary.md": vocabulary_markdown(graph, base, paths.identifiers)}
        write_atomically(paths.root / "docs", docs)
        result.written.append(paths.root / "docs" / "vocabulary.md")
    return result
