"""The one table of result formats and their media types, shared by the CLI and the endpoint.

Format names are short (``json``, ``ttl``, ...) and each has exactly one canonical media
type; the endpoint's negotiation (:mod:`mgkg.web.protocol`) maps the aliases clients send
onto these names.
"""

from __future__ import annotations

#: Result format -> canonical media type (``table`` is the CLI's aligned text).
MEDIA_TYPES: dict[str, str] = {
    "table": "text/plain",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
