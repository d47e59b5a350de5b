"""Claims as nanopublications: one TriG nanopublication per claim, with a trusty URI.

Why: a claim is the unit others cite ("this page says magnesium may alleviate
anxiety; graded low"). A nanopublication makes each one a citable, self-describing
package of four named graphs, following the nanopublication guidelines:

- **head**: the nanopublication and its three parts;
- **assertion**: the claim's own triple (subject, relation, object). A claim that
  reports no effect or an inconclusive result would be misstated by that triple, so
  its assertion is the claim node itself (``rdf:Statement`` with subject, predicate,
  object and ``mgkg:polarity``);
- **provenance**: the assertion ``prov:wasDerivedFrom`` the claim node and each of its
  sources; the claim's description from the release (quotation, page section, grade,
  edge decision, what it rests on, qualifiers, printed citation); each source's
  bibliographic description (type, title, authors, year, PMID, DOI, kind, design);
  the grade's label and definition; and each grade component in full (criterion,
  level change, explanation);
- **pubinfo**: licence, creator, date of the release, release version, and the claim
  the nanopublication is about.

Identifiers are trusty URIs (``{base}np/RA…``): the SHA-256 of the nanopublication's
normalized quads, computed offline exactly as the nanopublication tools check it (the
nanopub's own URI replaced by a blank in the hash input, quads sorted by graph,
subject, predicate, language, datatype, object). The same content always gets the
same identifier, and a changed claim gets a new one. The date is the release date
(the ontology's ``dcterms:modified``), so the file is byte-stable.

The TriG is written here, one triple per line in sorted order, with literals always
written as ``"lexical form"^^datatype`` (or ``@lang``), so what is hashed is exactly
what a reader parses back.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from mgkg.errors import DataError
from mgkg.vocab import MGKG, SCHEMA, Base

NP = "http://www.nanopub.org/nschema#"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: Claim properties that are not copied into the provenance graph (the assertion holds them).
_NOT_COPIED = {RDF.subject, RDF.predicate, RDF.object}
#: What a source's description in the provenance graph holds: what it is and where to find it.
_SOURCE_FIELDS = (
    str(RDF.type),
    str(RDFS.label),
    str(DCTERMS.title),
    str(DCTERMS.creator),
    "http://purl.org/spar/fabio/hasPubMedId",
    "http://purl.org/spar/fabio/hasPublicationYear",
    "http://prismstandard.org/namespaces/basic/2.0/doi",
    "authorList",
    "sourceKind",
    "sourceUrl",
    "studyDesign",
)
_PLACEHOLDER = "RA-placeholder"

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]  # subject, predicate, object, graph


def _normalize(quads: Iterable[Quad], uri: str, namespace: str) -> str:
    """The trusty-URI hash input: the nanopub URI replaced by ``namespace + ' '``."""
    blank = namespace + " "

    def iri(term: str) -> str:
        return blank if term == uri else term.replace(uri, blank)

    rows = []
    for s, p, o, g in quads:
        if isinstance(o, Literal):
            lang = o.language or ""
            datatype = str(RDF.langString) if lang else str(o.datatype or XSD.string)
            value = str(o).replace("\\", "\\\\").replace("\n", "\\n")
        else:
            lang, datatype, value = "", "", iri(str(o))
        rows.append((iri(str(g)), iri(str(s)), str(p).replace(uri, blank), lang, datatype, value))
    rows.sort()
    out = []
    for g, s, p, lang, datatype, value in rows:
        obj = f"@{lang} {value}" if lang else f"^{datatype} {value}" if datatype else value
        out.append(f"{g}\n{s}\n{p}\n{obj}\n")
    return "".join(out)


def trusty_code(quads: Iterable[Quad], uri: str, namespace: str) -> str:
    """``RA`` + the URL-safe base64 SHA-256 (no padding) of the normalized quads."""
    digest = hashlib.sha256(_normalize(quads, uri, namespace).encode("utf-8")).digest()
    return "RA" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


#: What a nanopublication's provenance says of the evidence summary of its claim's relation.
_SUMMARY_FIELDS = (
    "certainty",
    "direction",
    "studyCount",
    "participantCount",
    "plainSummary",
    "edgeReason",
    "assertsEdge",
)


def _copy(graph: Graph, subject: URIRef, skip: set[URIRef] | None = None) -> list[tuple]:
    """The triples about ``subject`` (no blank nodes), minus ``skip`` predicates."""
    return sorted(
        (subject, p, o)
        for p, o in graph.predicate_objects(subject)
        if p not in (skip or set()) and not isinstance(o, BNode)
    )


def claim_nanopub(graph: Graph, claim: URIRef, base: Base, version: str, created: str) -> list[Quad]:
    """The quads of one claim's nanopublication, under its trusty URI."""
    m = base.rebase
    namespace = f"{base.iri}np/"
    temp = namespace + _PLACEHOLDER
    np_uri = URIRef(temp)
    head, assertion, provenance, pubinfo = (
        URIRef(f"{temp}/{part}") for part in ("Head", "assertion", "provenance", "pubinfo")
    )
    quads: list[Quad] = [
        (np_uri, RDF.type, URIRef(NP + "Nanopublication"), head),
        (np_uri, URIRef(NP + "hasAssertion"), assertion, head),
        (np_uri, URIRef(NP + "hasProvenance"), provenance, head),
        (np_uri, URIRef(NP + "hasPublicationInfo"), pubinfo, head),
    ]
    triple = tuple(graph.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))
    polarity = graph.value(claim, m(MGKG.polarity))
    if polarity in (None, m(MGKG.PolarityAffirmed)):
        quads.append((*triple, assertion))
    else:  # "no effect" or "inconclusive": the bare triple would say the opposite
        quads += [
            (claim, RDF.type, RDF.Statement, assertion),
            (claim, RDF.subject, triple[0], assertion),
            (claim, RDF.predicate, triple[1], assertion),
            (claim, RDF.object, triple[2], assertion),
            (claim, m(MGKG.polarity), polarity, assertion),
        ]
    quads.append((assertion, PROV.wasDerivedFrom, claim, provenance))
    quads += [(*t, provenance) for t in _copy(graph, claim, _NOT_COPIED)]
    # A dose qualifier is a node of its own (value, unit, nutrient): copy it whole, so the
    # nanopublication says what the dose is without the rest of the graph.
    for dose in sorted(o for o in graph.objects(claim, m(MGKG.qualifierDose)) if isinstance(o, URIRef)):
        quads += [(*t, provenance) for t in _copy(graph, dose)]
    fields = {URIRef(f if "/" in f else str(m(MGKG[f]))) for f in _SOURCE_FIELDS}
    for source in sorted(o for o in graph.objects(claim, PROV.wasDerivedFrom) if isinstance(o, URIRef)):
        quads.append((assertion, PROV.wasDerivedFrom, source, provenance))
        quads += [(*t, provenance) for t in _copy(graph, source) if t[1] in fields]
    # The bodies of evidence the claim counts in: the summary of its own relation and of
    # any related one it is weighed in (certainty, direction, studies, participants, the
    # plain sentence, whether it is a direct edge and why).
    summary_fields = {m(MGKG[f]) for f in _SUMMARY_FIELDS} | {RDF.type, RDFS.label}
    for summary in sorted(s for s in graph.subjects(m(MGKG.summarizes), claim) if isinstance(s, URIRef)):
        quads.append((summary, m(MGKG.summarizes), claim, provenance))
        quads += [(*t, provenance) for t in _copy(graph, summary) if t[1] in summary_fields]
    # The grade and why: the grade's label and definition, each component in full.
    grade = graph.value(claim, m(MGKG.evidenceGrade))
    if isinstance(grade, URIRef):
        quads += [(*t, provenance) for t in _copy(graph, grade) if t[1] in (RDFS.label, SKOS.definition)]
    for part in sorted(o for o in graph.objects(claim, m(MGKG.gradeComponent)) if isinstance(o, URIRef)):
        quads += [(*t, provenance) for t in _copy(graph, part)]
    label = graph.value(claim, RDFS.label)
    quads += [
        (np_uri, DCTERMS.license, LICENSE, pubinfo),
        (np_uri, DCTERMS.creator, URIRef(base.iri), pubinfo),
        (np_uri, DCTERMS.created, Literal(f"{created}T00:00:00Z", datatype=XSD.dateTime), pubinfo),
        (np_uri, DCTERMS.subject, claim, pubinfo),
        (np_uri, DCTERMS.isPartOf, URIRef(base.iri + "void#mgkg"), pubinfo),
        (np_uri, SCHEMA.version, Literal(version), pubinfo),
        (URIRef(base.iri), RDFS.label, Literal("The mgkg project", lang="en"), pubinfo),
    ]
    if label is not None:
        quads.append(
            (np_uri, RDFS.label, Literal(f"Nanopublication of the claim: {label}", lang="en"), pubinfo)
        )
    code = trusty_code(quads, temp, namespace)
    final = namespace + code

    def rename(term):
        if isinstance(term, URIRef) and str(term).startswith(temp):
            return URIRef(final + str(term)[len(temp) :])
        return term

    return [tuple(rename(t) for t in quad) for quad in quads]  # type: ignore[misc]


# ---------------------------------------------------------------------------
# TriG writer
# ---------------------------------------------------------------------------

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def _string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return re.sub(r"[\x00-\x1f\x7f]", lambda c: f"\\u{ord(c.group()):04X}", out)


class _Writer:
    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def term(self, term) -> str:
        if isinstance(term, Literal):
            if term.language:
                return f'"{_string(str(term))}"@{term.language}'
            return f'"{_string(str(term))}"^^{self.term(term.datatype or XSD.string)}'
        text = str(term)
        for prefix, namespace in self.prefixes:
            if text.startswith(namespace) and _LOCAL.match(text[len(namespace) :]):
                return f"{prefix}:{text[len(namespace) :]}"
        if re.search(r'[\x00-\x20<>"{}|^`\\]', text):
            raise DataError(f"not an IRI that TriG can write: {text!r}")
        return f"<{text}>"


def to_trig(nanopubs: list[list[Quad]], prefixes: dict[str, str]) -> str:
    """TriG: prefixes, then each nanopub's graphs (head first), one sorted triple a line."""
    writer = _Writer(prefixes)
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items())]
    for quads in nanopubs:
        graphs: dict[URIRef, list[str]] = {}
        for s, p, o, g in quads:
            graphs.setdefault(g, []).append(f"  {writer.term(s)} {writer.term(p)} {writer.term(o)} .")
        order = sorted(graphs, key=lambda g: (not str(g).endswith("/Head"), str(g)))
        for g in order:
            lines += ["", f"{writer.term(g)} {{", *sorted(set(graphs[g])), "}"]
    return "\n".join(lines) + "\n"


def nanopub_trig(graph: Graph, base: Base, version: str) -> str:
    """Every claim's nanopublication, in claim order, as one TriG document."""
    created = graph.value(base.ontology_iri, DCTERMS.modified)
    if created is None:
        raise DataError("the ontology has no dcterms:modified date (the nanopublications' date)")
    claims = sorted(graph.subjects(RDF.type, base.rebase(MGKG.Claim)))
    nanopubs = [claim_nanopub(graph, c, base, version, str(created)) for c in claims]
    prefixes = {
        **base.prefixes(),
        "np": NP,
        "this": f"{base.iri}np/",
    }
    return to_trig(nanopubs, prefixes)
