"""The SPARQL 1.1 Protocol without the server: formats, content negotiation, request
parameters and the safety checks a public endpoint applies before running a query.

Why a module of its own: every rule here is a pure function of the request, so it is
tested directly (``tests/test_server_conneg.py``) as well as through a real server, and
``mgkg.web.server`` (HTTP) and ``mgkg.web.workers`` (the worker processes) share it.

Content negotiation (RFC 9110 §12.5.1): each ``Accept`` range carries a quality ``q``
(default 1; ``q=0`` means "not this"); an offered media type takes the ``q`` of the most
specific range that matches it (``type/subtype`` over ``type/*`` over ``*/*``); the
offer with the highest ``q`` wins and ties go to the server's order, which puts the
standard SPARQL result types first. A missing or empty ``Accept`` gets the default
(SPARQL JSON results for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE). A
``format`` (or ``output``, ``results``) parameter overrides ``Accept``; it may be a
short name (``json``, ``csv``, ``turtle``, ``json-ld``, ...) or a media type, and
SPARQLWrapper's ``json``/``xml`` on a CONSTRUCT mean JSON-LD/RDF-XML.

The query checks (no update, no SERVICE, bounded nesting) live in :mod:`mgkg.query.guards`,
because the embedded engine applies them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from mgkg.query.formats import MEDIA_TYPES
from mgkg.query.guards import (  # re-exported: the server and workers use them from here
    MAX_NESTING,
    ProtocolError,
    Refused,
    check_nesting,
    check_services,
    is_update,
    looks_like_update,
    unescape,
)

# ---------------------------------------------------------------------------
# Formats and media types
# ---------------------------------------------------------------------------

TABULAR = "tabular"  # SELECT, ASK
GRAPH = "graph"  # CONSTRUCT, DESCRIBE

FORMATS: dict[str, tuple[str, ...]] = {
    TABULAR: ("json", "xml", "csv", "tsv"),
    GRAPH: ("ttl", "nt", "jsonld", "rdfxml"),
}
#: Media types each kind of result can be sent as, in the server's order of preference
#: (the standard types first, then aliases clients are known to send).
OFFERS: dict[str, tuple[tuple[str, str], ...]] = {
    TABULAR: (
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("application/json", "json"),
        ("application/xml", "xml"),
        ("text/xml", "xml"),
        ("application/javascript", "json"),
        ("text/javascript", "json"),
    ),
    GRAPH: (
        ("text/turtle", "ttl"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdfxml"),
        ("application/turtle", "ttl"),
        ("application/x-turtle", "ttl"),
        ("text/n3", "ttl"),  # Turtle is N3
        ("application/n3", "ttl"),
        ("text/rdf+n3", "ttl"),
        ("text/plain", "nt"),  # N-Triples' historical type
        ("application/json", "jsonld"),
        ("application/x-json+ld", "jsonld"),
        ("application/xml", "rdfxml"),
        ("text/xml", "rdfxml"),
    ),
}
#: Names a ``format`` parameter may use -> format, per kind.
FORMAT_NAMES: dict[str, dict[str, str]] = {
    TABULAR: {
        "json": "json",
        "srj": "json",
        "sparql-results+json": "json",
        "xml": "xml",
        "srx": "xml",
        "sparql-results+xml": "xml",
        "csv": "csv",
        "tsv": "tsv",
    },
    GRAPH: {
        "turtle": "ttl",
        "ttl": "ttl",
        "n3": "ttl",
        "nt": "nt",
        "ntriples": "nt",
        "n-triples": "nt",
        "json-ld": "jsonld",
        "jsonld": "jsonld",
        "json": "jsonld",  # SPARQLWrapper's JSON on a CONSTRUCT
        "rdf": "rdfxml",
        "rdfxml": "rdfxml",
        "rdf+xml": "rdfxml",
        "rdf/xml": "rdfxml",
        "xml": "rdfxml",  # SPARQLWrapper's default (XML) on a CONSTRUCT
    },
}
FORMAT_PARAMETERS = ("format", "output", "results")
HTML = "text/html"


def kind_of(form: str) -> str:
    return GRAPH if form in ("CONSTRUCT", "DESCRIBE") else TABULAR


# ---------------------------------------------------------------------------
# Accept
# ---------------------------------------------------------------------------

MAX_ACCEPT_RANGES = 64
_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_RANGE = re.compile(rf"^\s*({_TCHARS}|\*)/({_TCHARS}|\*)\s*$")


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        return 0 if self.type == "*" else 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type == "*" or (self.type == main and self.subtype in ("*", sub))


def parse_accept(header: str | None) -> list[MediaRange]:
    """The ranges of an ``Accept`` header (malformed entries are skipped; at most 64)."""
    ranges: list[MediaRange] = []
    for order, item in enumerate((header or "").split(",")[:MAX_ACCEPT_RANGES]):
        kind, *params = item.split(";")
        match = _RANGE.match(kind)
        if not match:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0  # an unreadable quality is not a preference
                break
        main, sub = match.group(1).lower(), match.group(2).lower()
        if main == "*" and sub != "*":
            continue
        ranges.append(MediaRange(main, sub, q, order))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The ``q`` the client gives ``media_type`` (most specific matching range); 0 if none."""
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity > best.specificity):
            best = r
    return best.q if best else 0.0


def negotiate(accept: str | None, offers: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The (media type, format) to answer with, or None when nothing offered is acceptable.

    A wildcard match answers with the canonical media type of the format it picked.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    best: tuple[float, int, tuple[str, str]] | None = None
    for position, (media_type, fmt) in enumerate(offers):
        q = quality(ranges, media_type)
        if q > 0 and (best is None or q > best[0]):
            best = (q, position, (media_type, fmt))
    if best is None:
        return None
    media_type, fmt = best[2]
    explicit = any(r.specificity == 2 and r.matches(media_type) for r in ranges)
    return (media_type if explicit else MEDIA_TYPES.get(fmt, media_type)), fmt


def prefers_html(accept: str | None, offers: tuple[tuple[str, str], ...]) -> bool:
    """True when the client ranks HTML strictly above every data format offered (a browser)."""
    ranges = parse_accept(accept)
    if not ranges:
        return False
    html = max(quality(ranges, HTML), quality(ranges, "application/xhtml+xml"))
    data = max((quality(ranges, m) for m, _ in offers), default=0.0)
    return html > data


# ---------------------------------------------------------------------------
# The format parameter
# ---------------------------------------------------------------------------


def format_from_parameter(values: list[str], kind: str) -> tuple[str, str] | None:
    """(media type, format) named by ``format``/``output``/``results`` values, or None if absent.

    SPARQLWrapper repeats the parameter (``format=tsv&format=text/tab-separated-values``):
    the first value that names a format of this kind wins.
    """
    values = [v.strip() for v in values if v and v.strip()]
    if not values:
        return None
    known_anywhere = False
    for value in values:
        lowered = value.lower().split(";")[0].strip()
        for k in (TABULAR, GRAPH):
            fmt = FORMAT_NAMES[k].get(lowered) or next((f for m, f in OFFERS[k] if m == lowered), None)
            if fmt is None:
                continue
            known_anywhere = True
            if k == kind:
                media = lowered if "/" in lowered else MEDIA_TYPES[fmt]
                return media, fmt
    names = ", ".join(FORMATS[kind])
    if known_anywhere:
        other = "SELECT and ASK" if kind == GRAPH else "CONSTRUCT and DESCRIBE"
        mine = "CONSTRUCT and DESCRIBE" if kind == GRAPH else "SELECT and ASK"
        raise ProtocolError(
            406, f"format {values[0]!r} is for {other} results; {mine} results come as {names}"
        )
    raise ProtocolError(400, f"unknown format {values[0]!r} (formats: {names})")


def choose_format(form: str, accept: str | None, format_values: list[str]) -> tuple[str, str]:
    """(media type, format) for a result of ``form``; ProtocolError 406 when none fits."""
    kind = kind_of(form)
    chosen = format_from_parameter(format_values, kind)
    if chosen is not None:
        return chosen
    chosen = negotiate(accept, OFFERS[kind])
    if chosen is None:
        offered = ", ".join(MEDIA_TYPES[f] for f in FORMATS[kind])
        raise ProtocolError(
            406, f"none of the accepted media types ({accept}) fits a {form} result; offered: {offered}"
        )
    return chosen


def any_acceptable(accept: str | None) -> bool:
    """Whether the client accepts some result format (of either kind)."""
    return any(negotiate(accept, OFFERS[k]) is not None for k in (TABULAR, GRAPH))


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------

MAX_FIELDS = 200


@dataclass
class QueryRequest:
    """A protocol request: the query and its dataset, format and other parameters."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)


READ_ONLY = (
    "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, "
    "ADD, MOVE, COPY) are refused"
)


def parse_form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS)
    except ValueError as exc:  # too many fields
        raise ProtocolError(400, f"malformed parameters: {exc}") from None


def query_request(
    method: str, url_query: str, content_type: str | None = None, body: bytes = b""
) -> QueryRequest | None:
    """The query request of a GET or POST, or None for a GET without ``query`` (service
    description). ProtocolError for updates (403), bad encodings and parameters (400) and
    unsupported bodies (415)."""
    params = parse_form(url_query)
    media = (content_type or "").split(";")[0].strip().lower()
    text: str | None = None
    if method == "POST":
        if media == "application/sparql-update":
            raise ProtocolError(403, READ_ONLY)
        if media == "application/x-www-form-urlencoded":
            try:
                form = parse_form(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the form body is not UTF-8") from None
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not UTF-8") from None
            if "query" in params:
                raise ProtocolError(400, "give the query either in the body or as ?query=, not both")
        else:
            raise ProtocolError(
                415,
                f"unsupported request body {media or '(no Content-Type)'}: POST "
                "application/x-www-form-urlencoded (query=...) or application/sparql-query",
            )
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise ProtocolError(403, READ_ONLY)
    if text is None:
        queries = params.get("query", [])
        if len(queries) > 1:
            raise ProtocolError(400, "more than one query parameter")
        if not queries:
            if method == "POST":
                raise ProtocolError(400, "no query: give query=... (form) or a application/sparql-query body")
            return None
        text = queries[0]
    if not text.strip():
        raise ProtocolError(400, "the query is empty")
    formats = [v for name in FORMAT_PARAMETERS for v in params.get(name, [])]
    return QueryRequest(text, params.get("default-graph-uri", []), params.get("named-graph-uri", []), formats)


# ---------------------------------------------------------------------------
# Query checks (cheap ones run in the server, the parser-based ones in a worker)
# ---------------------------------------------------------------------------

__all__ = [
    "FORMATS",
    "MAX_NESTING",
    "GRAPH",
    "MEDIA_TYPES",
    "OFFERS",
    "TABULAR",
    "ProtocolError",
    "QueryRequest",
    "Refused",
    "check_nesting",
    "check_services",
    "choose_format",
    "kind_of",
    "negotiate",
    "parse_accept",
    "prefers_html",
    "query_request",
    "is_update",
    "looks_like_update",
    "unescape",
]
