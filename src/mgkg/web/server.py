"""``mgkg serve``: the SPARQL endpoint and the web app, in one small standard-library server.

What it answers (all read-only):

- ``/sparql``: the SPARQL 1.1 Protocol (GET ``?query=``, POST form, POST
  ``application/sparql-query``), results by ``Accept`` or ``format=``
  (:mod:`mgkg.web.protocol`), a service description with the example queries on a GET
  without a query, CORS for browser clients;
- ``/`` home, ``/query`` the query page, ``/graph`` the graph view (:mod:`mgkg.views.viz`),
  ``/id/X`` a page for every IRI under the base (HTML, or RDF by ``Accept`` or by
  ``.ttl``/``.nt``/``.jsonld``/``.rdf``), ``/ontology`` the ontology documentation (RDF
  likewise), ``/downloads`` the release files, ``/health`` a real query.

Safe by default: queries run in worker processes (:mod:`mgkg.web.workers`) that are killed
at the time limit and have no network, SERVICE is refused unless allow-listed, updates are
refused, request bodies, answers (rows and bytes) and each client's share are capped
(:mod:`mgkg.web.fairness`), malformed queries get 400 with the parser's message, and no client
ever sees a stack trace (they go to the server's log). The HTTP layer is Starlette on
uvicorn (:mod:`mgkg.web.app`): slow and idle connections cost little and time out.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import html
import json
import logging
import re
import socket
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from mgkg.errors import DataError, UsageError, UserError
from mgkg.web import protocol as sp
from mgkg.web.pages import ASSETS, CSP, OWL_NS
from mgkg.web.settings import ServerConfig

log = logging.getLogger("mgkg.web.server")

COUNTS_TTL = 60.0
PAGE_CACHE = 256  # rendered resource pages kept (the release does not change while served)

CSP_PAGES = CSP  # the pages' policy lives with the pages (mgkg.web.pages)
PAGE_OFFERS: tuple[tuple[str, str], ...] = (
    ("text/html", "html"),
    ("application/xhtml+xml", "html"),
    *sp.OFFERS[sp.GRAPH],
)


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def text_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, (message.rstrip("\n") + "\n").encode("utf-8"), headers=headers or {})


def html_response(status: int, page: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status,
        page.encode("utf-8"),
        "text/html; charset=utf-8",
        {"Content-Security-Policy": CSP_PAGES, **(headers or {})},
    )


# ---------------------------------------------------------------------------
# The application: routes -> responses
# ---------------------------------------------------------------------------


class App:
    """The endpoint and pages over one release; :meth:`handle` turns a request into a Response."""

    def __init__(self, config: ServerConfig, site, pool, public_url: str, release_hash: str = ""):
        from mgkg.web.cache import AnswerCache
        from mgkg.web.fairness import ClientLedger

        self.config = config
        self.site = site
        self.pool = pool
        self.public_url = public_url.rstrip("/")
        self.ledger = ClientLedger(config.client_parallel, config.client_seconds, config.client_crashes)
        self.cache = AnswerCache(config.cache_entries, release_hash)
        self._description: dict[str, bytes] = {}
        self._counts: tuple[float, dict[str, int] | None] | None = None
        self._pages: OrderedDict[str, str] = OrderedDict()
        self._assets = _load_assets(site)

    @property
    def endpoint(self) -> str:
        return self.public_url + "/sparql"

    # -- dispatch ---------------------------------------------------------------
    def handle(self, method: str, target: str, headers, body: bytes, client: str = "") -> Response:
        """One request: ``headers`` a case-insensitive mapping, ``client`` the client's address."""
        parts = urlsplit(target)
        path = parts.path
        if method == "OPTIONS":  # CORS preflights are answered before this (by the middleware)
            return Response(204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
        if path == "/sparql":
            if method not in ("GET", "HEAD", "POST"):
                return text_response(405, "use GET or POST", {"Allow": "GET, HEAD, POST, OPTIONS"})
            return self.sparql(method, parts.query, headers, body, client)
        if method not in ("GET", "HEAD"):
            return text_response(405, f"{path} answers GET only", {"Allow": "GET, HEAD, OPTIONS"})
        if path == "/":
            return self.home()
        if path == "/query":
            return self.query_page(parts.query)
        if path == "/graph":
            return self.graph(parts.query, headers)
        if path.startswith("/id/"):
            return self.resource(path[len("/id/") :], headers)
        if path == "/ontology" or (
            path.startswith("/ontology.") and path[len("/ontology") :] in _rdf_extensions()
        ):
            return self.ontology(path[len("/ontology") :], headers)
        if path == "/glossary":
            from mgkg.web.pages import glossary_page

            return html_response(200, glossary_page(self.site))
        if path == "/downloads":
            from mgkg.web.pages import downloads_page

            return html_response(200, downloads_page(self.site))
        if path.startswith("/downloads/"):
            return self.download(path[len("/downloads/") :], headers)
        if path.startswith("/graph/"):  # the dump IRIs the VoID description publishes ({base}graph/NAME)
            return self.download(path[len("/graph/") :], headers)
        if path.startswith("/ontology/"):  # the ontology's version IRI ({base}ontology/VERSION)
            return self.ontology_version(path[len("/ontology/") :], headers)
        if path == "/health":
            return self.health()
        if path.startswith("/assets/"):
            return self.asset(path[len("/assets/") :])
        if path == "/favicon.ico":
            return Response(200, FAVICON, "image/png", {"Cache-Control": "max-age=86400"})
        return self.not_found(headers, f"no page at {path}")

    def not_found(self, headers, message: str) -> Response:
        from mgkg.web.pages import error_page

        if sp.prefers_html(headers.get("Accept"), sp.OFFERS[sp.TABULAR]):
            return html_response(404, error_page(404, "Not found", message))
        return text_response(404, message)

    # -- SPARQL -----------------------------------------------------------------
    def sparql(self, method: str, url_query: str, headers, body: bytes, client: str = "") -> Response:
        accept = headers.get("Accept")
        try:
            request = sp.query_request(method, url_query, headers.get("Content-Type"), body)
        except sp.ProtocolError as exc:
            return text_response(exc.status, exc.message, _vary())
        if request is None:
            if sp.prefers_html(accept, sp.OFFERS[sp.GRAPH]):
                return Response(303, headers={"Location": "/query", **_vary()})
            return self.service_description(accept, sp.parse_form(url_query))
        if method == "GET" and sp.prefers_html(accept, sp.OFFERS[sp.TABULAR]) and not request.formats:
            return Response(
                303, headers={"Location": "/query?query=" + quote(request.query, safe=""), **_vary()}
            )
        if len(request.query.encode("utf-8")) > self.config.max_request_bytes:
            return text_response(413, f"the query is longer than {self.config.max_request_bytes:,} bytes")
        if not request.formats and not sp.any_acceptable(accept):
            offered = ", ".join(sp.MEDIA_TYPES.values())
            return text_response(
                406, f"none of the accepted media types ({accept}) is offered: {offered}", _vary()
            )
        key = (request.query, accept, request.formats, request.default_graphs, request.named_graphs)
        cached = self.cache.get(key)
        if cached is not None:
            return self._answer(cached, "hit")
        from mgkg.web.fairness import Limited

        try:
            self.ledger.admit(client)
        except Limited as exc:
            return text_response(429, exc.message, {**_vary(), "Retry-After": str(exc.retry_after)})
        elapsed, crashed, wait = 0.0, False, 0
        try:
            reply = self.run_query(
                request.query,
                accept,
                request.formats,
                request.default_graphs,
                request.named_graphs,
                client=client,
            )
            elapsed, crashed, wait = reply.elapsed, reply.crashed, reply.retry_after or 0
        finally:
            self.ledger.settle(client, elapsed, crashed, wait)
        if reply.status != 200:
            extra = _vary()
            if reply.retry_after:
                extra["Retry-After"] = str(reply.retry_after)
            return text_response(reply.status, reply.message, extra)
        self.cache.put(key, reply)
        return self._answer(reply, "miss" if self.cache.enabled else "")

    def _answer(self, reply, cache: str) -> Response:
        extra = {**_vary(), "X-Query-Time": f"{reply.elapsed:.3f}"}
        if cache:
            extra["X-Cache"] = cache
        if reply.truncated:
            extra["X-Result-Truncated"] = f"true; rows={reply.rows}"
        if reply.headers.get("X-Warning"):
            extra["X-Warning"] = reply.headers["X-Warning"]
        return Response(200, reply.body, reply.content_type, extra)

    def run_query(
        self,
        text: str,
        accept: str | None = None,
        formats: list[str] | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        timeout: float | None = None,
        client: str | None = None,
    ):
        """Run one query on the pool (``client``: whose share it uses; None: the server's own)."""
        from mgkg.web.workers import PoolError, Reply

        job = {
            "query": text,
            "accept": accept,
            "formats": formats or [],
            "default_graphs": default_graphs or [],
            "named_graphs": named_graphs or [],
            "max_rows": self.config.max_rows,
            "max_bytes": self.config.max_result_bytes,
        }
        priority = self.ledger.typical(client, self.config.cheap_seconds) if client is not None else 0.0
        try:
            return self.pool.run(job, timeout or self.config.timeout, client=client or "", priority=priority)
        except PoolError as exc:
            return Reply(
                exc.status,
                message=exc.message,
                elapsed=exc.elapsed,
                retry_after=exc.retry_after,
                crashed=exc.crashed,
            )

    def select_json(self, text: str, timeout: float | None = None) -> list[dict[str, Any]]:
        """Rows of a SELECT run through the pool (for the home page and /health)."""
        reply = self.run_query(text, formats=["json"], timeout=timeout)
        if reply.status != 200:
            raise RuntimeError(reply.message)
        data = json.loads(reply.body)
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    def service_description(self, accept: str | None, params: dict[str, list[str]]) -> Response:
        formats = [v for n in sp.FORMAT_PARAMETERS for v in params.get(n, [])]
        try:
            media, fmt = sp.choose_format("CONSTRUCT", accept, formats)
        except sp.ProtocolError as exc:
            return text_response(exc.status, exc.message, _vary())
        if fmt not in self._description:
            self._description[fmt] = service_description(self.site, self.endpoint, fmt, self.config)
        content_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
        return Response(200, self._description[fmt], content_type, _vary())

    # -- pages ------------------------------------------------------------------
    def home(self) -> Response:
        from mgkg.web.pages import home_page

        return html_response(200, home_page(self.site, self.counts(), self.endpoint))

    def counts(self) -> dict[str, int] | None:
        """The home page's counts, by a real query (kept for COUNTS_TTL seconds: the release
        does not change while it is served)."""
        from mgkg.web.pages import COUNTS_QUERY

        cached = self._counts
        if cached is not None and time.monotonic() - cached[0] < COUNTS_TTL:
            return cached[1]
        try:
            rows = self.select_json(COUNTS_QUERY.format(base=self.site.base))
            counts = {k: int(v) for k, v in rows[0].items()} if rows else None
        except (RuntimeError, ValueError, KeyError) as exc:
            log.warning("home page counts unavailable: %s", exc)
            return None
        self._counts = (time.monotonic(), counts)
        return counts

    def query_page(self, url_query: str) -> Response:
        from mgkg.web.pages import query_page

        try:
            params = sp.parse_form(url_query)
        except sp.ProtocolError as exc:
            return text_response(exc.status, exc.message)
        text = (params.get("query") or [""])[0]
        example = (params.get("example") or [""])[0]
        autorun = bool(text.strip())
        if example:
            chosen = next((e for e in self.site.examples if e.name == example), None)
            if chosen is None:
                return self.not_found({"Accept": "text/html"}, f"no example query named {example!r}")
            text, autorun = chosen.text, True
        if not text:
            first = next((e for e in self.site.examples if e.name == "forms-by-absorption"), None)
            text = first.text if first else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
        return html_response(
            200, query_page(self.site, text, autorun, self.config.max_rows, self.config.timeout)
        )

    def graph(self, url_query: str, headers) -> Response:
        try:
            params = sp.parse_form(url_query)
        except sp.ProtocolError as exc:
            return text_response(exc.status, exc.message)
        focus = (params.get("focus") or [None])[0] or None
        try:
            depth = int((params.get("depth") or ["1"])[0])
        except ValueError:
            depth = -1
        if not 0 <= depth <= 3:
            return text_response(400, "depth must be 0, 1, 2 or 3")
        view = (params.get("view") or ["graph"])[0]
        from mgkg.views.viz import START_VIEWS

        if view not in START_VIEWS:
            return text_response(400, f"view must be one of {', '.join(START_VIEWS)}")
        try:
            page = self.site.graph_page(focus, depth, view)
        except UserError as exc:
            return self.not_found(headers, str(exc))
        # The page carries its own policy (scripts allowed by hash); the header repeats it
        # and adds what only a header can say (who may frame the page).
        return Response(
            200,
            page.encode("utf-8"),
            "text/html; charset=utf-8",
            {"Content-Security-Policy": page_policy(page)},
        )

    def resource(self, rest: str, headers) -> Response:
        from mgkg.web.pages import RDF_EXTENSIONS, not_found_page, resource_page

        slug = unquote(rest)
        iri = self.site.resource_iri(slug)
        forced = None
        if not self.site.exists(iri):
            stem, dot, ext = slug.rpartition(".")
            if dot and "." + ext in RDF_EXTENSIONS and self.site.exists(self.site.resource_iri(stem)):
                iri, forced = self.site.resource_iri(stem), RDF_EXTENSIONS["." + ext]
            elif sp.prefers_html(headers.get("Accept"), sp.OFFERS[sp.GRAPH]) or not headers.get("Accept"):
                return html_response(404, not_found_page(self.site, iri))
            else:
                return text_response(404, f"nothing in the graph is called <{iri}>")
        return self.rdf_or_html(
            headers, forced, lambda: self.site.describe(iri), lambda: self.cached_page(iri, resource_page)
        )

    def cached_page(self, key: str, render) -> str:
        with self.site.lock:
            page = self._pages.get(key)
            if page is None:
                page = render(self.site, key)
                self._pages[key] = page
                if len(self._pages) > PAGE_CACHE:
                    self._pages.popitem(last=False)
            else:
                self._pages.move_to_end(key)
            return page

    def ontology(self, ext: str, headers) -> Response:
        from mgkg.web.pages import RDF_EXTENSIONS, ontology_page

        return self.rdf_or_html(
            headers, RDF_EXTENSIONS.get(ext), self.site.ontology_triples, lambda: ontology_page(self.site)
        )

    def ontology_version(self, rest: str, headers) -> Response:
        """The version IRI answers as the ontology when it names the version this server holds
        (``/ontology/0.1.0``, or with an RDF extension ``/ontology/0.1.0.ttl``)."""
        from mgkg.web.pages import RDF_EXTENSIONS

        ext = next((e for e in RDF_EXTENSIONS if rest.endswith(e)), "")
        version_iri = f"{self.site.base}ontology/{rest[: len(rest) - len(ext)]}"
        held = self.site.index.iris(self.site.base + "ontology", OWL_NS + "versionIRI")
        if version_iri not in held:
            return self.not_found(headers, f"this server holds the ontology version {', '.join(held)}")
        return self.ontology(ext, headers)

    def rdf_or_html(self, headers, forced: str | None, triples, page) -> Response:
        vary = _vary()
        if forced is None:
            chosen = sp.negotiate(headers.get("Accept"), PAGE_OFFERS)
            if chosen is None:
                offered = ", ".join(m for m, _ in PAGE_OFFERS[:6])
                return text_response(406, f"offered: {offered}", vary)
            media, fmt = chosen
            if fmt == "html":
                return html_response(200, page(), vary)
        else:
            fmt = forced
            media = sp.MEDIA_TYPES[fmt]
        with self.site.lock:
            body = rdf_bytes(triples(), fmt)
        content_type = media + ("; charset=utf-8" if media.startswith("text/") else "")
        return Response(200, body, content_type, vary)

    def download(self, name: str, headers) -> Response:
        item = self.site.downloads.get(unquote(name))
        if item is None:
            return self.not_found(headers, f"no download called {name!r}")
        content_type = item.media_type + ("; charset=utf-8" if item.media_type.startswith("text/") else "")
        return Response(
            200,
            item.data,
            content_type,
            {
                "Last-Modified": email.utils.formatdate(item.modified, usegmt=True),
                "Cache-Control": "max-age=300",
            },
        )

    def asset(self, name: str) -> Response:
        found = self._assets.get(name)
        if found is None:
            return text_response(404, f"no asset {name!r}")
        data, media = found
        return Response(200, data, media, {"Cache-Control": "max-age=300"})

    def health(self) -> Response:
        started = time.monotonic()
        try:
            rows = self.select_json("SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }", timeout=5)
            triples = int(rows[0]["triples"])
            ok = triples > 0
            detail = None if ok else "the store is empty"
        except (RuntimeError, ValueError, KeyError, IndexError) as exc:
            ok, triples, detail = False, 0, str(exc)
        status = {
            "status": "ok" if ok else "failing",
            "triples": triples,
            "query_ms": round((time.monotonic() - started) * 1000, 1),
            "workers": {"size": self.pool.size, "alive": self.pool.alive, "idle": self.pool.idle},
            "timeouts": self.pool.timeouts,
            "replaced": self.pool.replaced,
        }
        if detail:
            status["detail"] = detail
        body = (json.dumps(status, indent=2) + "\n").encode()
        return Response(200 if ok else 503, body, "application/json", {"Cache-Control": "no-store"})


def _vary() -> dict[str, str]:
    return {"Vary": "Accept"}


_META_CSP = re.compile(r'<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"', re.IGNORECASE)


def page_policy(page: str) -> str:
    """The Content-Security-Policy header for a page that declares its own in a ``<meta>``
    (the graph view: its scripts allowed by hash), with ``frame-ancestors`` added, which a
    ``<meta>`` policy cannot set. A page without one gets the site's policy."""
    found = _META_CSP.search(page)
    if found is None:
        return CSP_PAGES
    policy = html.unescape(found.group(1)).strip().rstrip(";")
    return f"{policy}; frame-ancestors 'self'"


def _rdf_extensions() -> tuple[str, ...]:
    from mgkg.web.pages import RDF_EXTENSIONS

    return tuple(RDF_EXTENSIONS)


def rdf_bytes(triples, fmt: str) -> bytes:
    """Triples (terms of mgkg.views.model) serialized like query answers (sorted, project prefixes)."""
    import pyoxigraph as ox

    from mgkg.query.engine import Result
    from mgkg.views.model import Lit
    from mgkg.web.workers import serialize

    def term(value):
        if isinstance(value, Lit):
            if value.lang:
                return ox.Literal(value.value, language=value.lang)
            return ox.Literal(value.value, datatype=ox.NamedNode(value.datatype) if value.datatype else None)
        if value.startswith("_:"):
            return ox.BlankNode(value[2:])
        return ox.NamedNode(value)

    converted = [ox.Triple(term(s), ox.NamedNode(p), term(o)) for s, p, o in triples]
    return serialize(Result("CONSTRUCT", triples=converted), fmt)


def service_description(site, endpoint: str, fmt: str, config: ServerConfig) -> bytes:
    """The SPARQL 1.1 Service Description, with the catalog's example queries."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    void = Namespace("http://rdfs.org/ns/void#")
    schema = Namespace("https://schema.org/")
    graph = Graph()
    graph.bind("sd", sd)
    graph.bind("formats", formats)
    graph.bind("void", void)
    graph.bind("schema", schema)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, service))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    if config.allow_services:
        graph.add((service, sd.feature, sd.BasicFederatedQuery))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        graph.add((service, sd.resultFormat, formats[name]))
    graph.add((service, DCTERMS.title, Literal("mgkg: magnesium and brain health evidence graph", lang="en")))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                f"Read-only. Updates and SERVICE are refused"
                f"{' (except ' + ', '.join(config.allow_services) + ')' if config.allow_services else ''}; "
                f"each query stops after {config.timeout:g} s; at most {config.max_rows} rows per answer.",
                lang="en",
            ),
        )
    )
    dataset = BNode("dataset")
    default = BNode("default")
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, default))
    graph.add((default, RDF.type, sd.Graph))
    graph.add((default, void.triples, Literal(site.index.size)))
    graph.add((dataset, DCTERMS.source, URIRef(site.base + "void#mgkg")))
    catalog = site.release.parent / "catalog.ttl"
    if catalog.is_file():
        graph.parse(catalog, format="turtle")
        shacl = Namespace("http://www.w3.org/ns/shacl#")
        for example in set(graph.subjects(RDF.type, shacl.SPARQLExecutable)):
            graph.add((example, schema.target, service))
    if fmt == "rdfxml":
        return graph.serialize(format="xml", encoding="utf-8")
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", encoding="utf-8", auto_compact=True)
    return graph.serialize(format="nt" if fmt == "nt" else "turtle", encoding="utf-8")


def _load_assets(site) -> dict[str, tuple[bytes, str]]:
    folder = resources.files("mgkg.web") / "static"
    assets: dict[str, tuple[bytes, str]] = {}
    for name, media in ASSETS.items():
        data = (folder / name).read_bytes()
        if name == "site.css":
            data += grade_css().encode("utf-8")
        assets[name] = (data, media)
    return assets


def grade_css() -> str:
    """Colours of the evidence grade tiers and verdicts, from the visualization's tables."""
    from mgkg.views.viz import GRADE_STYLES

    lines = ["\n/* evidence grade tiers: generated from mgkg.views.viz.GRADE_STYLES */"]
    for tier, (_label, colour) in GRADE_STYLES.items():
        lines.append(f".grade.tier-{tier} {{ background: {colour}; }}")
    return "\n".join(lines) + "\n"


def _favicon() -> bytes:
    """A 16x16 PNG (a blue square) made here, so the icon costs no file and no request elsewhere."""
    import struct
    import zlib

    width = height = 16
    row = b"\x00" + bytes((29, 78, 216, 255)) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


FAVICON = _favicon()


# ---------------------------------------------------------------------------
# Starting and stopping
# ---------------------------------------------------------------------------


@dataclass
class RunningServer:
    """A started server: ``url``; ``close()`` stops the server and its workers."""

    server: Any  # uvicorn.Server
    sockets: list[socket.socket]
    app: App
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.sockets[0].getsockname()[:2]
        return f"http://{_url_host(host)}:{port}"

    def serve_forever(self) -> None:
        self.server.run(sockets=self.sockets)

    def close(self) -> None:
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=15)
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()
        self.app.pool.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):  # noqa: S104 - a display name for "all interfaces"
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def build(config: ServerConfig, log=None) -> RunningServer:
    """Bind the port, load the release, start the workers; the server is not yet serving."""
    from mgkg.layout import project_root
    from mgkg.query.engine import LocalEngine
    from mgkg.query.store import open_store, release_file
    from mgkg.web.pages import Site
    from mgkg.web.workers import PoolError, QueryPool, WorkerSettings

    root = config.root or project_root()
    release = (config.release or release_file(root)).resolve()
    if not release.is_file():
        raise DataError(f"no release graph at {release}: run `mgkg build` first")
    if config.workers < 1:
        raise UsageError("--workers must be at least 1")
    if config.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    for endpoint in config.allow_services:
        if not re.match(r"^https?://[^\s<>\"]+$", endpoint):
            raise UsageError(f"--allow-service expects an http(s) URL, not {endpoint!r}")
    _allow_open_files(config.max_connections + 256)
    sock = _listen(config.host, config.port)
    try:
        cache = config.cache_dir
        store = open_store(release, cache)  # builds the on-disk store once, before the workers open it
        site = Site.load(release, root, LocalEngine(store))
        del store
        settings = WorkerSettings(
            str(release),
            tuple(config.allow_services),
            config.memory_mb,
            isolate_network=not (config.keep_worker_network or config.allow_services),
        )
        pool = QueryPool(settings, config.workers, log=log, cheap_seconds=config.cheap_seconds)
    except PoolError as exc:
        sock.close()
        hint = ""
        if "cannot leave the network" in exc.message or "network namespaces" in exc.message:
            hint = (
                ". The workers run without a network so that no query can make the server call "
                "another one; where this platform cannot isolate them, start with "
                "--keep-worker-network (SERVICE is then refused by reading the query alone)"
            )
        raise DataError(f"cannot start the query workers: {exc.message}{hint}") from None
    except BaseException:
        sock.close()
        raise
    import uvicorn

    from mgkg.web.app import make_asgi, uvicorn_config

    host, port = sock.getsockname()[:2]
    public = config.public_url or f"http://{_url_host(host)}:{port}"
    app = App(config, site, pool, public, hashlib.sha256(release.read_bytes()).hexdigest())
    server = uvicorn.Server(uvicorn_config(make_asgi(app, quiet=config.quiet), config))
    return RunningServer(server, [sock], app)


def _allow_open_files(wanted: int) -> None:
    """Raise this process's open-file limit to ``wanted`` if the hard limit allows: each
    connection is a file, and a common default soft limit (1,024) is below the number of
    connections the server accepts."""
    try:
        import resource
    except ImportError:  # not on this platform
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound now so that a port in use is one clear error at start."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        reason = (exc.strerror or str(exc)).lower()
        raise DataError(f"cannot listen on {host}:{port}: {reason} (try --port)") from None
    sock.setblocking(False)
    return sock


def start(config: ServerConfig) -> RunningServer:
    """Build and serve in a background thread (tests, notebooks); ``close()`` stops it."""
    running = build(config)
    running.thread = threading.Thread(target=running.serve_forever, name="mgkg-serve", daemon=True)
    running.thread.start()
    return running


def serve(config: ServerConfig) -> int:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    import signal

    started = time.monotonic()
    running = build(config)
    url = running.url if not config.public_url else config.public_url.rstrip("/")
    print(
        f"mgkg serve: {url}/  (SPARQL endpoint {url}/sparql; {config.workers} query workers, "
        f"{config.timeout:g} s per query; ready in {time.monotonic() - started:.1f} s; Ctrl-C stops)",
        flush=True,
    )
    if config.allow_services or config.keep_worker_network:
        print(
            "mgkg serve: the query workers keep network access"
            + (" to call the allow-listed SERVICE endpoints" if config.allow_services else "")
            + "; other SERVICE clauses are refused by reading the query",
            flush=True,
        )
    if config.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"mgkg serve: listening on {config.host}, reachable from the network: read-only, "
            "SERVICE refused unless --allow-service",
            flush=True,
        )

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    # uvicorn catches SIGINT and SIGTERM, shuts down gracefully, then raises the signal
    # again: both end here as KeyboardInterrupt.
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        running.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        print("mgkg serve: stopping", file=sys.stderr, flush=True)
        signal.signal(signal.SIGTERM, previous)
        running.close()
    return 0


__all__ = ["App", "RunningServer", "ServerConfig", "build", "serve", "start"]
