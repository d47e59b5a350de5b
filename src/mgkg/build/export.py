"""Serialize the release: Turtle, N-Triples, JSON-LD and a VoID description, byte-stable.

Why the extra care: rdflib's Turtle writer is deterministic, but its N-Triples and
JSON-LD writers follow set iteration order (which changes between processes), and
its VoID generator numbers partitions in that order too. Each writer here sorts, so
the same sources always give byte-identical files.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.void import generateVoID

from mgkg.build.jsonld_context import CLASS_EXPORTS, jsonld_files
from mgkg.vocab import VOID, Base

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: Data dumps a release offers (VoID lists each as a void:dataDump with its media type).
DUMPS: dict[str, str] = {
    "mgkg.ttl": "text/turtle",
    "mgkg.nt": "application/n-triples",
    "mgkg.jsonld": "application/ld+json",
    "kgx/nodes.tsv": "text/tab-separated-values",
    "kgx/edges.tsv": "text/tab-separated-values",
    "kgx/nodes.jsonl": "application/jsonl",
    "kgx/edges.jsonl": "application/jsonl",
    "nanopub.trig": "application/trig",
    "mappings.sssom.tsv": "text/tab-separated-values",
    **{name: "application/ld+json" for name in CLASS_EXPORTS},
}
RELEASE_FILES = (*DUMPS, "void.ttl", "catalog.ttl")
#: IANA's registry entry of each registered media type, for dcat:mediaType (JSON Lines has
#: no registered type, so its dumps carry only the dct:format string).
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
REGISTERED_MEDIA_TYPES = frozenset(
    {
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "text/tab-separated-values",
        "application/trig",
    }
)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
PAV = Namespace("http://purl.org/pav/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
DCTYPES = Namespace("http://purl.org/dc/dcmitype/")


def bind_prefixes(graph: Graph, base: Base) -> Graph:
    for prefix, namespace in base.prefixes().items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def to_turtle(graph: Graph) -> str:
    return graph.serialize(format="turtle")


def to_ntriples(graph: Graph) -> str:
    """One triple per line, lines sorted (canonical enough for diffs and byte stability)."""
    lines = sorted({line for line in graph.serialize(format="nt").splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def to_rdfxml(graph: Graph, base: Base) -> str:
    """RDF/XML in a stable order.

    rdflib's RDF/XML writer follows set order (different in every process); pyoxigraph's
    writer follows its input, so it is fed the sorted N-Triples.
    """
    import pyoxigraph

    triples = pyoxigraph.parse(to_ntriples(graph).encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.RDF_XML, prefixes=base.prefixes())
    return data.decode("utf-8")


def _sort_jsonld(value: object) -> object:
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if isinstance(value, dict):
        return {k: _sort_jsonld(v) for k, v in value.items()}
    return value


def jsonld_document(graph: Graph, context: dict[str, str]) -> str:
    """Compact JSON-LD of ``graph`` under ``context``, nodes sorted by @id and every list sorted.

    rdflib writes nodes and values in hash order; sorting them makes the same graph give the
    same bytes (the release and the endpoint's JSON-LD answers both use this).
    """
    raw = (
        json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
        if len(graph)
        else {}
    )
    nodes = raw.get("@graph", [raw] if "@id" in raw else [])
    nodes = [{k: v for k, v in node.items() if k != "@context"} for node in nodes]
    document = {
        "@context": context,
        "@graph": sorted((_sort_jsonld(n) for n in nodes), key=lambda n: n.get("@id", "")),
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def to_jsonld(graph: Graph, base: Base) -> str:
    """Compact JSON-LD of the release under its own context (a term per property: short keys,
    IRI and datatype coercion, arrays for multi-valued keys); nodes sorted by @id."""
    return jsonld_files(graph, base, _sort_jsonld)["mgkg.jsonld"]


def void_description(graph: Graph, base: Base, version: str, sizes: dict[str, int] | None = None) -> Graph:
    """VoID statistics from rdflib's generator, renumbered stably, with the HCLS dataset
    description levels: a summary (``void#summary``), this version (``void#mgkg``, which also
    carries the statistics) and one DCAT distribution per dump, each at the IRI ``mgkg serve``
    answers (``{base}graph/NAME``), with its media type and, given ``sizes``, its byte size."""
    dataset = URIRef(base.iri + "void#mgkg")
    generated, _ = generateVoID(graph, dataset=dataset)
    # Renumber partitions by the sorted class/property IRI they describe.
    renames: dict[URIRef, URIRef] = {}
    for kind, predicate in (("class", VOID["class"]), ("property", VOID.property)):
        parts = [(generated.value(p, predicate), p) for p in generated.subjects(predicate, None)]
        for i, (_, part) in enumerate(sorted(parts, key=lambda item: str(item[0]))):
            renames[part] = URIRef(f"{dataset}-{kind}-{i:03d}")
    result = Graph()
    for s, p, o in generated:
        result.add((renames.get(s, s), p, renames.get(o, o) if isinstance(o, URIRef) else o))
    result.add(
        (dataset, DCTERMS.title, Literal("mgkg: magnesium and brain health evidence graph", lang="en"))
    )
    result.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "Claims about magnesium and mental and brain health from a supplement-affiliate web page, "
                "the publications behind them, their evidence and the page's disclaimers and commercial ties.",
                lang="en",
            ),
        )
    )
    result.add((dataset, DCTERMS.license, LICENSE))
    result.add((dataset, VOID.uriSpace, Literal(str(base.ids))))
    result.add((dataset, VOID.vocabulary, URIRef(str(base.ontology))))
    result.add((dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(version)))
    modified = graph.value(base.ontology_iri, DCTERMS.modified)
    for name, media in DUMPS.items():
        dump = URIRef(f"{base.iri}graph/{name}")
        result.add((dataset, VOID.dataDump, dump))
        result.add((dataset, DCAT.distribution, dump))
        result.add((dump, RDF.type, DCAT.Distribution))
        result.add((dump, DCTERMS.title, Literal(f"mgkg {version}: {name}", lang="en")))
        result.add((dump, DCTERMS["format"], Literal(media)))
        if media in REGISTERED_MEDIA_TYPES:
            result.add((dump, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + media)))
        result.add((dump, DCAT.downloadURL, dump))
        result.add((dump, DCTERMS.license, LICENSE))
        result.add((dump, PAV.version, Literal(version)))
        if modified is not None:
            result.add((dump, DCTERMS.issued, modified))
        if sizes and name in sizes:
            result.add((dump, DCAT.byteSize, Literal(sizes[name], datatype=XSD.nonNegativeInteger)))
    result.add((dataset, RDF.type, VOID.Dataset))
    result.add((dataset, RDF.type, DCTYPES.Dataset))
    # Creator and publisher: the project, whose IRI is the base (mgkg serve answers it: the home page).
    project = URIRef(base.iri)
    result.add((project, RDF.type, FOAF.Organization))
    result.add((project, FOAF.name, Literal("The mgkg project", lang="en")))
    result.add((project, FOAF.homepage, project))
    summary = URIRef(base.iri + "void#summary")
    result.add((summary, RDF.type, DCTYPES.Dataset))
    result.add(
        (summary, DCTERMS.title, Literal("mgkg: magnesium and brain health evidence graph", lang="en"))
    )
    result.add((summary, DCTERMS.description, result.value(dataset, DCTERMS.description)))
    result.add((summary, DCTERMS.publisher, project))
    result.add((summary, FOAF.page, project))
    result.add((dataset, DCTERMS.isVersionOf, summary))
    result.add((dataset, PAV.version, Literal(version)))
    result.add((dataset, DCTERMS.creator, project))
    result.add((dataset, DCTERMS.publisher, project))
    result.add((dataset, DCTERMS.conformsTo, URIRef(f"{base.ontology_iri}/{version}")))
    if modified is not None:
        result.add((dataset, DCTERMS.modified, modified))
        result.add((dataset, DCTERMS.issued, modified))
    for prefix, namespace in (("dcat", DCAT), ("pav", PAV), ("foaf", FOAF), ("dcmitype", DCTYPES)):
        result.bind(prefix, namespace, override=True, replace=True)
    return bind_prefixes(result, base)


def serialize_release(
    graph: Graph, base: Base, version: str, others: dict[str, str] | None = None
) -> dict[str, str]:
    """All release files as text, keyed by file name: the graph's serializations, ``others``
    (the interoperability exports, the catalog), and last the VoID description, which gives
    each dump's byte size."""
    bind_prefixes(graph, base)
    files = {
        "mgkg.ttl": to_turtle(graph),
        "mgkg.nt": to_ntriples(graph),
        **jsonld_files(graph, base, _sort_jsonld),  # mgkg.jsonld and the per-class json/*.json
        **(others or {}),
    }
    sizes = {name: len(text.encode("utf-8")) for name, text in files.items()}
    files["void.ttl"] = to_turtle(void_description(graph, base, version, sizes))
    return files


def write_atomically(directory: Path, files: dict[str, str]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place.

    A failure while writing leaves the previous release untouched: nothing is renamed
    until every temporary file has been written completely.
    """
    directory.mkdir(parents=True, exist_ok=True)
    temporaries: list[tuple[Path, Path]] = []
    try:
        for name, text in sorted(files.items()):
            target = directory / name  # a name may have a folder part ("kgx/nodes.tsv")
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.parent / f".{target.name}.tmp"
            temporary.write_text(text, encoding="utf-8")
            temporaries.append((temporary, target))
        for temporary, target in temporaries:
            temporary.replace(target)
    finally:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)
