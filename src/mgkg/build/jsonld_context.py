"""The JSON-LD context of the release: a term definition for every property the graph uses.

Why term definitions: with prefixes alone, a JSON reader meets keys like ``mgkg:sampleSize``
whose value is sometimes a string and sometimes an object, and a key that is an array on one
node and a single value on the next. Here each property gets a short key (its local name),
object properties are coerced to IRIs (``"@type": "@id"``), data properties to their range
datatype (numbers stay JSON numbers' lexical forms), English labels to plain strings, and
every property that has more than one value on any node is a ``"@set"`` so it is an array
everywhere. The prefixes stay in the context, so IRIs are still compact.
"""

from __future__ import annotations

import json
from collections import Counter

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from mgkg.prefixes import compact_iri
from mgkg.vocab import Base

#: Datatypes written as JSON numbers and booleans (decimals stay strings: a JSON number would
#: read back as xsd:double).
NATIVE = frozenset({XSD.integer, XSD.boolean})
#: Keys JSON-LD reserves or the context already uses for prefixes.
_RESERVED = {"id", "type", "graph", "context", "value", "language"}


def _local(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri:
            iri = iri.rsplit(separator, 1)[1]
    return iri.replace(":", "_")


def release_context(graph: Graph, base: Base) -> dict[str, object]:
    """Prefixes plus one term per predicate of ``graph`` (rdf:type excepted: it is ``@type``)."""
    prefixes = base.prefixes()
    context: dict[str, object] = dict(prefixes)
    predicates = sorted({p for p in graph.predicates() if isinstance(p, URIRef) and p != RDF.type})
    object_kind = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    # One shape per key: a predicate with two values on some node is a set on every node.
    counts = Counter((s, p) for s, p, _ in graph)
    multi = {p for (_, p), n in counts.items() if n > 1}
    context["@type"] = {"@container": "@set"}  # JSON-LD 1.1: a node's types are always an array
    taken = set(prefixes) | _RESERVED
    for predicate in predicates:
        name = _local(str(predicate))
        if name in taken or not name:
            curie = compact_iri(str(predicate), prefixes) or str(predicate)
            name = curie.replace(":", "_")
        taken.add(name)
        term: dict[str, object] = {"@id": compact_iri(str(predicate), prefixes) or str(predicate)}
        values = list(graph.objects(None, predicate))
        if predicate in object_kind or (values and all(isinstance(v, URIRef) for v in values)):
            term["@type"] = "@id"
        elif values and all(isinstance(v, Literal) for v in values):
            datatypes = {v.datatype for v in values}
            languages = {v.language for v in values}
            if datatypes <= NATIVE:
                pass  # JSON numbers and booleans: they read back as xsd:integer and xsd:boolean
            elif len(datatypes) == 1 and None not in datatypes:
                term["@type"] = compact_iri(str(next(iter(datatypes))), prefixes)
            elif datatypes == {None} and len(languages) == 1 and None not in languages:
                term["@language"] = next(iter(languages))
        if predicate in multi:
            term["@container"] = "@set"
        context[name] = term
    return context


def compact_nodes(graph: Graph, context: dict[str, object]) -> list[dict[str, object]]:
    """The node objects of ``graph`` compacted with ``context`` (one pass over the triples).

    Written here rather than run through a JSON-LD processor because the context is ours: each
    predicate has exactly one term, so compaction is a lookup per triple. PyLD took seconds on
    the release and grows with it; this is linear. The release test parses the result back with
    rdflib's JSON-LD parser and compares the graphs.
    """
    prefixes = {k: v for k, v in context.items() if isinstance(v, str)}
    # A term's @id is the predicate compacted the same way as below, so it is the lookup key.
    terms = {str(t["@id"]): (name, t) for name, t in context.items() if isinstance(t, dict) and "@id" in t}

    def short(term) -> str:
        if isinstance(term, BNode):
            return f"_:{term}"
        return compact_iri(str(term), prefixes) or str(term)

    def encode(value, term: dict) -> object:
        if not isinstance(value, Literal):
            return short(value) if term.get("@type") == "@id" else {"@id": short(value)}
        if value.language is not None:
            if term.get("@language") == value.language:
                return str(value)
            return {"@value": str(value), "@language": value.language}
        if value.datatype in NATIVE and "@type" not in term:
            native = value.toPython()
            if isinstance(native, bool | int) and json.dumps(native) == str(value):
                return native
        if value.datatype is None:
            return str(value) if "@type" not in term and "@language" not in term else {"@value": str(value)}
        if term.get("@type") == short(value.datatype):
            return str(value)
        return {"@value": str(value), "@type": short(value.datatype)}

    nodes: dict[object, dict[str, object]] = {}
    for s, p, o in graph:
        node = nodes.setdefault(s, {"@id": short(s)})
        if p == RDF.type:
            node.setdefault("@type", []).append(short(o))
            continue
        name, term = terms[short(p)]
        if term.get("@container") == "@set":
            node.setdefault(name, []).append(encode(o, term))
        else:
            node[name] = encode(o, term)
    return list(nodes.values())


#: The framed exports: one JSON-LD file per main class (subclasses included), for readers who
#: want a list of objects and never touch RDF. Each node is the same object as in mgkg.jsonld.
CLASS_EXPORTS = {
    "json/claims.json": "Claim",
    "json/publications.json": "Publication",
    "json/entities.json": "BiomedicalEntity",
}


def _document(context: dict[str, object], nodes: list[dict[str, object]]) -> str:
    document = {"@context": context, "@graph": sorted(nodes, key=lambda n: str(n["@id"]))}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def jsonld_files(graph: Graph, base: Base, sort_node) -> dict[str, str]:
    """``mgkg.jsonld`` (every node) and the per-class exports, all under the release context;
    ``sort_node`` puts a node's arrays in a stable order."""
    context = release_context(graph, base)
    nodes = {str(n["@id"]): sort_node(n) for n in compact_nodes(graph, context)}
    files = {"mgkg.jsonld": _document(context, list(nodes.values()))}
    prefixes = base.prefixes()
    for name, local in CLASS_EXPORTS.items():
        members = set()
        stack = [base.ontology[local]]
        classes = set(stack)
        while stack:  # the class and its subclasses
            for sub in graph.subjects(RDFS.subClassOf, stack.pop()):
                if sub not in classes:
                    classes.add(sub)
                    stack.append(sub)
        for cls in classes:
            members.update(graph.subjects(RDF.type, cls))
        keys = {compact_iri(str(m), prefixes) or str(m) for m in members if isinstance(m, URIRef)}
        files[name] = _document(context, [nodes[k] for k in keys])
    return files
