"""Upload the release to a triple store: Graph Store Protocol, or SPARQL UPDATE where that is all there is.

``push(endpoint, ...)`` replaces the target graph (the default graph, or ``graph``) with
the release, so pushing twice leaves the same data:

- ``gsp``: HTTP ``PUT {endpoint}?graph=IRI`` (or ``?default``) with the Turtle file
  (SPARQL 1.1 Graph Store HTTP Protocol). Endpoints: Oxigraph ``/store``, Fuseki
  ``/DATASET/data``, GraphDB ``/repositories/ID/rdf-graphs/service``, Virtuoso
  ``/sparql-graph-crud`` (``-auth``), RDF4J ``/repositories/ID/rdf-graphs/service``.
- ``update``: ``POST`` of ``DROP SILENT GRAPH`` (or ``CLEAR SILENT DEFAULT``) followed by
  ``INSERT DATA`` (SPARQL 1.1 Update, form-encoded), in one request for a release of
  this size (stores that run a request as one transaction replace the graph
  atomically), in chunks of CHUNK triples beyond that. Endpoints: Oxigraph ``/update``,
  Fuseki ``/DATASET/update``, GraphDB ``/repositories/ID/statements``, QLever.
- ``auto`` (default): ``gsp``, and ``update`` at the same URL when the server answers
  that it does not do Graph Store PUT there (HTTP 404, 405, 415 or 501).

Credentials go as HTTP Basic or Digest, whichever the server's challenge asks for (sending
Basic up front makes Virtuoso answer 401 without a challenge, so nothing is sent unasked).
Stdlib ``urllib`` only: no dependency beyond the ones the package already has.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from mgkg.errors import DataError, EngineError, UsageError, UserError

CHUNK = 50_000
MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
}
NOT_SUPPORTED = (404, 405, 415, 501)


@dataclass
class PushReport:
    method: str
    url: str
    graph: str | None
    triples: int
    requests: int

    def describe(self) -> str:
        target = f"graph <{self.graph}>" if self.graph else "the default graph"
        how = (
            "Graph Store Protocol PUT"
            if self.method == "gsp"
            else f"SPARQL UPDATE ({self.requests} request(s))"
        )
        return f"pushed {self.triples} triples into {target} at {self.url} by {how}"


class _Unsupported(Exception):
    def __init__(self, code: int, detail: str):
        super().__init__(f"HTTP {code}: {detail}")
        self.code = code


def push(
    release: Path,
    endpoint: str,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    method: str = "auto",
    timeout: float = 120,
) -> PushReport:
    """Replace ``graph`` (default: the default graph) at ``endpoint`` with the triples of ``release``."""
    if method not in ("auto", "gsp", "update"):
        raise UsageError(f"unknown push method {method!r} (auto, gsp, update)")
    if not endpoint.startswith(("http://", "https://")):
        raise UsageError(f"endpoint {endpoint!r} is not an http(s) URL")
    if graph is not None:
        _check_iri(graph)
    try:
        data = release.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {release}: {exc.strerror or exc}") from None
    media_type = MEDIA_TYPES.get(release.suffix.lower())
    if media_type is None:
        raise UsageError(f"{release}: unknown RDF file type (use .ttl, .nt, .jsonld or .rdf)")
    triples = _ntriples(data, media_type, release)
    opener = _opener(endpoint, user, password)
    if method in ("auto", "gsp"):
        try:
            _gsp_put(opener, endpoint, graph, data, media_type, timeout)
            return PushReport("gsp", endpoint, graph, len(triples), 1)
        except _Unsupported as exc:
            if method == "gsp":
                raise EngineError(f"{endpoint}: Graph Store PUT is not supported here ({exc})") from None
            gsp_failure = str(exc)
    else:
        gsp_failure = None
    try:
        requests = _update(opener, endpoint, graph, triples, timeout)
    except (_Unsupported, UserError) as exc:
        if isinstance(exc, UserError) and not gsp_failure:
            raise
        detail = str(exc).removeprefix(f"{endpoint}: ")
        tried = f"Graph Store PUT gave {gsp_failure}; " if gsp_failure else ""
        raise EngineError(
            f"{endpoint}: {tried}SPARQL UPDATE gave {detail}: is this the store's Graph Store or update URL?"
        ) from None
    return PushReport("update", endpoint, graph, len(triples), requests)


def _check_iri(iri: str) -> None:
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        raise UsageError(f"--graph {iri!r} is not an IRI ({exc})") from None
    if ":" not in iri:
        raise UsageError(f"--graph {iri!r} is not an absolute IRI")


def _ntriples(data: bytes, media_type: str, release: Path) -> list[str]:
    """The release as N-Triples lines (sorted): what INSERT DATA sends, and the count reported."""
    import pyoxigraph

    fmt = pyoxigraph.RdfFormat.from_media_type(media_type)
    try:
        triples = [quad.triple for quad in pyoxigraph.parse(input=data, format=fmt)]
    except SyntaxError as exc:
        raise DataError(f"{release} does not parse: {exc}") from None
    text = (
        pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES).decode("utf-8")
        if triples
        else ""
    )
    lines = sorted({line for line in text.splitlines() if line.strip()})
    if len(lines) > CHUNK and "_:" in text:
        # Blank nodes in separate INSERT DATA requests would become different nodes.
        raise UsageError(
            f"{release} has blank nodes and more than {CHUNK} triples: push it with the Graph "
            "Store Protocol (--method gsp)"
        )
    return lines


def _opener(endpoint: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, endpoint, user, password or "")
        handlers += [
            urllib.request.HTTPBasicAuthHandler(manager),
            urllib.request.HTTPDigestAuthHandler(manager),
        ]
    return urllib.request.build_opener(*handlers)


def _send(opener, request: urllib.request.Request, timeout: float, url: str) -> None:
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = _detail(exc)
        if exc.code in NOT_SUPPORTED:
            raise _Unsupported(exc.code, detail) from None
        if exc.code in (401, 403):
            raise EngineError(f"{url}: HTTP {exc.code} {detail} (check --user and --password)") from None
        raise EngineError(f"{url}: HTTP {exc.code}: {detail}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        text = reason.strerror if isinstance(reason, OSError) and reason.strerror else str(reason)
        raise EngineError(f"cannot reach {url}: {text}") from None
    except (TimeoutError, OSError) as exc:
        raise EngineError(
            f"{url}: {exc.strerror if getattr(exc, 'strerror', None) else exc or 'timed out'}"
        ) from None


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        body = exc.read().decode("utf-8", "replace")
    except OSError:
        body = ""
    line = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return (line[:200] if line else str(exc.reason)) or "error"


def _http_request(url: str, data: bytes, method: str, content_type: str) -> urllib.request.Request:
    """An HTTP request; push() accepts only http(s) endpoints, so no file: or custom schemes."""
    return urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content_type})  # noqa: S310


def _gsp_put(opener, endpoint: str, graph: str | None, data: bytes, media_type: str, timeout: float) -> None:
    query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    url = endpoint + ("&" if "?" in endpoint else "?") + query
    _send(opener, _http_request(url, data, "PUT", media_type), timeout, endpoint)


def _update(opener, endpoint: str, graph: str | None, triples: list[str], timeout: float) -> int:
    clear = f"DROP SILENT GRAPH <{graph}>" if graph else "CLEAR SILENT DEFAULT"
    chunks = [triples[i : i + CHUNK] for i in range(0, len(triples), CHUNK)] or [[]]
    for number, chunk in enumerate(chunks):
        body = "\n".join(chunk)
        insert = (
            f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}" if graph else f"INSERT DATA {{\n{body}\n}}"
        )
        operation = f"{clear} ;\n{insert}" if number == 0 else insert
        data = urllib.parse.urlencode({"update": operation}).encode("ascii")
        request = _http_request(endpoint, data, "POST", "application/x-www-form-urlencoded")
        _send(opener, request, timeout, endpoint)
    return len(chunks)
