"""The web app's pages: home, query, a page per IRI, the ontology documentation, downloads.

Why server-side HTML from the claim model: a learner who opens
``https://w3id.org/mgkg/id/magnesium`` should read its claims with their grades, what
they rest on and their sources, exactly as the graph view's cards show them; the same
model (:mod:`mgkg.graphmodel`) makes both. The release is read once into a
:class:`Site` when the server starts.

Safety: every piece of text from the data goes through :func:`esc` (HTML-escaped, quotes
included), links are made only from local paths or http(s) URLs
(:func:`mgkg.graphmodel.safe_url`), and the pages carry no inline script or style (the
server's Content-Security-Policy allows scripts and styles from its own ``/assets`` only).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from .graphmodel import (
    DERIVED_FROM,
    GRADE_ORDER,
    RDF_NS,
    RDF_TYPE,
    RDFS_COMMENT,
    RDFS_LABEL,
    RDFS_SUBCLASS,
    SKOS_ALT,
    SKOS_DEFINITION,
    SOURCE_KIND_LABELS,
    Claim,
    Lit,
    Model,
    Source,
    TripleIndex,
    build_claim_graph,
    external_ids,
    humanize,
    local_name,
    read_rdf,
    safe_url,
)
from .vocab import DEFAULT_BASE

OWL_NS = "http://www.w3.org/2002/07/owl#"
DCTERMS_NS = "http://purl.org/dc/terms/"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"

#: Release files offered for download: name -> (media type, description).
DOWNLOADS: dict[str, tuple[str, str]] = {
    "mgkg.ttl": ("text/turtle", "the release: ontology, data and derived direct edges (Turtle)"),
    "mgkg.nt": ("application/n-triples", "the same graph as sorted N-Triples"),
    "mgkg.jsonld": ("application/ld+json", "the same graph as compact JSON-LD"),
    "void.ttl": ("text/turtle", "VoID statistics, licence (CC BY 4.0) and dump links"),
    "catalog.ttl": ("text/turtle", "the example query catalog as SHACL SPARQL executables"),
    "kgx/nodes.tsv": ("text/tab-separated-values", "KGX nodes (Biolink categories), TSV"),
    "kgx/edges.tsv": ("text/tab-separated-values", "KGX edges: one per claim, Biolink predicates, grade"),
    "kgx/nodes.jsonl": ("application/jsonl", "KGX nodes as JSON Lines"),
    "kgx/edges.jsonl": ("application/jsonl", "KGX edges as JSON Lines"),
    "nanopub.trig": ("application/trig", "one nanopublication per claim (TriG, trusty URIs)"),
    "mappings.sssom.tsv": ("text/tab-separated-values", "the external identifier mappings (SSSOM)"),
}
#: Extensions a resource may be asked for, -> protocol format.
RDF_EXTENSIONS = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".rdf": "rdfxml"}
MAX_REFERENCES = 200
DISCLAIMER = "Medical content is informational only and is not medical advice."


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# ---------------------------------------------------------------------------
# The site: the release read once
# ---------------------------------------------------------------------------


@dataclass
class Example:
    name: str
    title: str
    description: str
    form: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass
class Download:
    name: str
    media_type: str
    description: str
    data: bytes
    modified: float


@dataclass
class Site:
    """Everything the pages are made from."""

    release: Path
    base: str
    index: TripleIndex
    model: Model
    graph: object  # the claim graph (networkx MultiDiGraph)
    examples: list[Example] = field(default_factory=list)
    downloads: dict[str, Download] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)  # IRIs under the base that occur in the data
    lock: threading.RLock = field(default_factory=threading.RLock)
    _viz_cache: dict[tuple, str] = field(default_factory=dict)

    @classmethod
    def load(cls, release: Path, root: Path | None = None, engine=None) -> Site:
        index = read_rdf(release)
        base = detect_base(index)
        graph = build_claim_graph(index)
        model = Model(index)
        known = {s for s in index.spo if s.startswith(base)}
        for objects in index.pos.values():
            known.update(o for o in objects if o.startswith(base))
        site = cls(release, base, index, model, graph, known=known)
        site.downloads = _downloads(release.parent)
        site.examples = load_examples(root, engine, base)
        return site

    # -- names and links ------------------------------------------------------
    @property
    def ids(self) -> str:
        return self.base + "id/"

    @property
    def ontology(self) -> str:
        return self.base + "ontology"

    def href(self, iri: str) -> str | None:
        """A link for ``iri``: a local path for IRIs under the base, the IRI itself if http(s)."""
        if iri.startswith(self.ids):
            return "/id/" + quote(iri[len(self.ids) :], safe="-._~")
        if iri == self.ontology:
            return "/ontology"
        if iri.startswith(self.ontology + "#"):
            return "/ontology#" + quote(iri[len(self.ontology) + 1 :], safe="-._~")
        return safe_url(iri)

    def curie(self, iri: str) -> str:
        """A short name: ``kg:x``, ``mgkg:X``, ``xsd:date``, ``CHEBI:18420``; else the IRI."""
        if iri.startswith(self.ids):
            return "kg:" + iri[len(self.ids) :]
        if iri.startswith(self.ontology + "#"):
            return "mgkg:" + iri[len(self.ontology) + 1 :]
        best = max(
            (ns for ns in _PREFIXES if iri.startswith(ns) and len(iri) > len(ns)), key=len, default=None
        )
        return f"{_PREFIXES[best]}:{iri[len(best) :]}" if best else iri

    def label(self, iri: str) -> str:
        return self.model.label(iri)

    def link(self, iri: str, text: str | None = None, css: str = "") -> str:
        """An <a> to ``iri`` showing its label (plain text when it cannot be linked)."""
        shown = esc(text if text is not None else self.label(iri))
        href = self.href(iri)
        cls = f' class="{esc(css)}"' if css else ""
        if href is None:
            return f"<span{cls}>{shown}</span>"
        external = "" if href.startswith("/") else ' rel="noopener noreferrer"'
        return f'<a href="{esc(href)}"{cls}{external}>{shown}</a>'

    def term_html(self, term) -> str:
        if isinstance(term, Lit):
            extra = ""
            if term.lang:
                extra = f' <span class="lang">@{esc(term.lang)}</span>'
            elif term.datatype and term.datatype != XSD_NS + "string":
                extra = f' <span class="datatype">{esc(self.curie(term.datatype))}</span>'
            return f'<span class="literal">{esc(term.value)}</span>{extra}'
        if isinstance(term, str) and term.startswith("_:"):
            return f"<code>{esc(term)}</code>"
        return self.link(term) + f' <code class="curie">{esc(self.curie(term))}</code>'

    # -- resources ------------------------------------------------------------
    def resource_iri(self, slug: str) -> str:
        return self.ids + slug

    def exists(self, iri: str) -> bool:
        return iri in self.known

    def describe(self, iri: str) -> list[tuple[str, str, object]]:
        """The triples about ``iri``: it as subject, and as object (who refers to it)."""
        out = [(iri, p, o) for p, objs in self.index.properties(iri).items() for o in objs]
        for p, by_object in self.index.pos.items():
            for s in by_object.get(iri, []):
                out.append((s, p, iri))
        return out

    def ontology_triples(self) -> list[tuple[str, str, object]]:
        return [
            (s, p, o)
            for s, props in self.index.spo.items()
            if s == self.ontology or s.startswith(self.ontology + "#")
            for p, objs in props.items()
            for o in objs
        ]

    # -- the graph view ---------------------------------------------------------
    def graph_page(self, focus: str | None = None, depth: int = 1) -> str:
        """The visualization page (mgkg.viz) for the whole graph or an entity's neighbourhood."""
        from .viz import show

        key = (focus, depth)
        with self.lock:
            if key not in self._viz_cache:
                page = show(graph=self.graph, focus=focus, depth=depth).html
                if len(self._viz_cache) > 32:
                    self._viz_cache.clear()
                self._viz_cache[key] = page
            return self._viz_cache[key]


def _prefix_map() -> dict[str, str]:
    from .catalog import project_prefixes

    return {ns: prefix for prefix, ns in sorted(project_prefixes().items(), reverse=True)}


_PREFIXES = _prefix_map()


def detect_base(index: TripleIndex) -> str:
    """The IRI base of a release: its owl:Ontology IRI without the trailing 'ontology'."""
    for iri in index.instances.get(OWL_NS + "Ontology", []):
        if iri.endswith("/ontology"):
            return iri[: -len("ontology")]
    return DEFAULT_BASE


def _downloads(directory: Path) -> dict[str, Download]:
    found = {}
    for name, (media_type, description) in DOWNLOADS.items():
        path = directory / name
        if path.is_file():
            found[name] = Download(name, media_type, description, path.read_bytes(), path.stat().st_mtime)
    return found


def load_examples(root: Path | None, engine, base: str) -> list[Example]:
    """The catalog queries as runnable examples: header removed, parameter defaults bound
    in a VALUES block at the start of the WHERE group (so they run on any endpoint)."""
    from .catalog import load_catalog, where_group_start
    from .query import sparql_term, to_term
    from .store import project_root

    catalog = load_catalog((root or project_root()) / "queries")
    examples = []
    for query in catalog:
        text = f"# {query.title}\n" + query.body
        bindings = {}
        for param in query.params:
            if param.default is None:
                continue
            try:
                bindings[param.name] = to_term(param.default, param.type, param.name, engine)
            except Exception:  # noqa: S112 - an unresolvable default leaves the variable free
                continue
        if bindings:
            position = where_group_start(text)
            if position is not None:
                names = sorted(bindings)
                block = (
                    "\n  # parameters: change these values to ask about something else\n"
                    f"  VALUES ({' '.join('?' + n for n in names)}) "
                    f"{{ ({' '.join(sparql_term(bindings[n]) for n in names)}) }}\n"
                )
                text = text[:position] + block + text[position:]
        examples.append(Example(query.name, query.title, query.description, query.form, text, query.tags))
    return examples


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------

NAV = (
    ("/", "Home"),
    ("/query", "Query"),
    ("/graph", "Graph"),
    ("/ontology", "Ontology"),
    ("/downloads", "Downloads"),
)


def layout(title: str, body: str, active: str = "", scripts: Iterable[str] = (), head: str = "") -> str:
    nav = "".join(
        f'<a href="{href}"{" aria-current=page" if href == active else ""}>{esc(text)}</a>'
        for href, text in NAV
    )
    script_tags = "".join(f'<script src="{esc(s)}" defer></script>' for s in scripts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{esc(title)} · mgkg</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="icon" href="/favicon.ico">
{head}{script_tags}
</head>
<body>
<header class="site"><a class="brand" href="/">mgkg</a><nav>{nav}<a href="/sparql">SPARQL</a></nav></header>
<main>
{body}
</main>
<footer class="site"><p>{esc(DISCLAIMER)} Data: CC BY 4.0. <a href="/health">health</a></p></footer>
</body>
</html>
"""


def error_page(status: int, title: str, message: str) -> str:
    body = f'<h1>{esc(title)}</h1><p class="error" data-status="{status}">{esc(message)}</p><p><a href="/">Home</a></p>'
    return layout(title, body)


# ---------------------------------------------------------------------------
# Home, downloads, query
# ---------------------------------------------------------------------------

COUNTS_QUERY = """PREFIX mgkg: <{base}ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?triples ?claims ?edges ?entities ?publications ?classes ?properties WHERE {{
  {{ SELECT (COUNT(*) AS ?triples) WHERE {{ ?s ?p ?o }} }}
  {{ SELECT (COUNT(DISTINCT ?c) AS ?claims) WHERE {{ ?c a mgkg:Claim }} }}
  {{ SELECT (COUNT(DISTINCT ?c) AS ?edges) WHERE {{ ?c mgkg:assertedAsEdge true }} }}
  {{ SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE {{
       ?e a ?cls . FILTER EXISTS {{ ?cls rdfs:subClassOf* mgkg:BiomedicalEntity }} }} }}
  {{ SELECT (COUNT(DISTINCT ?pub) AS ?publications) WHERE {{ ?pub a mgkg:Publication }} }}
  {{ SELECT (COUNT(DISTINCT ?k) AS ?classes) WHERE {{ ?k a owl:Class }} }}
  {{ SELECT (COUNT(DISTINCT ?q) AS ?properties) WHERE {{
       VALUES ?t {{ owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }} ?q a ?t }} }}
}}"""

COUNT_LABELS = (
    ("triples", "triples"),
    ("entities", "biomedical entities"),
    ("claims", "claims"),
    ("edges", "claims asserted as direct edges"),
    ("publications", "publications"),
    ("classes", "ontology classes"),
    ("properties", "ontology properties"),
)


def home_page(site: Site, counts: dict[str, int] | None, endpoint: str) -> str:
    if counts:
        rows = "".join(
            f'<tr><th scope="row">{esc(label)}</th><td data-count="{esc(key)}">{counts.get(key, 0):,}</td></tr>'
            for key, label in COUNT_LABELS
        )
        count_html = (
            f'<table class="counts">{rows}</table><p class="note">Counted by a SPARQL query just now.</p>'
        )
    else:
        count_html = '<p class="error">The counts could not be computed right now.</p>'
    files = "".join(
        f'<li><a href="/downloads/{esc(d.name)}">{esc(d.name)}</a> — {esc(d.description)}</li>'
        for d in site.downloads.values()
    )
    example = "PREFIX mgkg: <https://w3id.org/mgkg/ontology#>\nSELECT ?claim WHERE { ?claim mgkg:restsOn mgkg:VendorMaterial }"
    body = f"""
<h1>The open evidence graph for magnesium and brain health</h1>
<p class="lead">mgkg records what a supplement-affiliate web page claims about magnesium and
mental health, next to the real publications behind each claim, what they actually found,
how strong that evidence is (a published grading rubric), and where money is involved.
Every statement is a claim with its grade and sources; an OWL ontology links magnesium to
receptors, neurotransmitters, hormones, brain processes, conditions and supplement forms.</p>
<div class="cards">
 <section class="card"><h2><a href="/query">Query</a></h2><p>{len(site.examples)} worked example
   questions, one click each, or your own SPARQL; results with labels and links.</p></section>
 <section class="card"><h2><a href="/graph">Graph</a></h2><p>Every entity and every claim, coloured by
   evidence grade, with cards that say why.</p></section>
 <section class="card"><h2><a href="/ontology">Ontology</a></h2><p>Classes and properties with their
   definitions.</p></section>
 <section class="card"><h2><a href="/id/magnesium">magnesium</a></h2><p>Start from one entity: its claims,
   grades and sources.</p></section>
</div>
<h2>In numbers</h2>
{count_html}
<h2>SPARQL endpoint</h2>
<p>SPARQL 1.1 Protocol at <a href="/sparql"><code>{esc(endpoint)}</code></a> (GET or POST; JSON, XML, CSV,
TSV, Turtle, N-Triples, JSON-LD, RDF/XML by <code>Accept</code> or <code>format=</code>). It is read-only,
does not run federated (SERVICE) queries, and stops any query after its time limit.</p>
<pre class="code">curl -H 'Accept: text/csv' --data-urlencode 'query={esc(example)}' {esc(endpoint)}</pre>
<p>IRIs dereference here: <code>{esc(site.ids)}magnesium</code> is answered at
<a href="/id/magnesium">/id/magnesium</a> (HTML, or Turtle, N-Triples, JSON-LD by <code>Accept</code>).</p>
<h2>Downloads</h2>
<ul class="downloads">{files}</ul>
"""
    return layout("Home", body, "/")


def downloads_page(site: Site) -> str:
    rows = "".join(
        f'<tr><td><a href="/downloads/{esc(d.name)}">{esc(d.name)}</a></td><td>{esc(d.description)}</td>'
        f"<td><code>{esc(d.media_type)}</code></td><td class=num>{len(d.data):,} bytes</td></tr>"
        for d in site.downloads.values()
    )
    body = f"""<h1>Downloads</h1>
<p>The release files, rebuilt byte for byte from the curated sources. Licence: CC BY 4.0.</p>
<table class="data"><thead><tr><th>file</th><th>what</th><th>media type</th><th>size</th></tr></thead>
<tbody>{rows}</tbody></table>"""
    return layout("Downloads", body, "/downloads")


def query_page(site: Site, text: str, autorun: bool, max_rows: int, timeout: float) -> str:
    from .viz import json_for_script

    items = "".join(
        f'<li><button type="button" class="example" data-example="{esc(e.name)}" title="{esc(e.description)}">'
        f'{esc(e.title)}</button> <span class="form">{esc(e.form)}</span></li>'
        for e in site.examples
    )
    data = {
        "base": site.base,
        "endpoint": "/sparql",
        "autorun": autorun,
        "examples": {
            e.name: {"title": e.title, "description": e.description, "text": e.text} for e in site.examples
        },
        "prefixes": {"kg": site.ids, "mgkg": site.ontology + "#"},
    }
    body = f"""<h1>Query the graph</h1>
<div class="query-layout">
<aside class="examples" aria-label="Example queries">
<h2>Examples</h2>
<p class="note">One click runs a question from the catalog; edit it and run again.</p>
<ul id="example-list">{items}</ul>
</aside>
<section class="editor">
<form id="query-form" method="get" action="/query">
<label for="query-text">SPARQL</label>
<textarea id="query-text" name="query" rows="14" spellcheck="false">{esc(text)}</textarea>
<div class="actions"><button type="submit" id="run">Run</button>
<span id="links"></span></div>
</form>
<p id="status" role="status" aria-live="polite"></p>
<p id="description" class="note"></p>
<div id="results"></div>
<noscript><p>Without JavaScript, send the query to <a href="/sparql">/sparql</a>, e.g.
<code>/sparql?query=...&amp;format=csv</code>.</p></noscript>
<p class="note">Limits: {max_rows:,} rows per answer, {timeout:g} s per query; read-only; no SERVICE.</p>
</section>
</div>
<script type="application/json" id="query-data">{json_for_script(data)}</script>"""
    return layout("Query", body, "/query", scripts=["/assets/query.js"])


# ---------------------------------------------------------------------------
# A resource (/id/...)
# ---------------------------------------------------------------------------

TIER_NAMES = {
    "high": "high",
    "moderate": "moderate",
    "low": "low",
    "reference": "reference value",
    "very-low": "very low",
    "preclinical": "preclinical only",
    "page": "page assertion only",
    "vendor": "vendor claim only",
    "not-supported": "not supported",
    "other": "other grade",
    "ungraded": "ungraded",
}


def kind_label(key: str) -> str:
    return SOURCE_KIND_LABELS.get(key, key.replace("-", " "))


def grade_html(claim: Claim) -> str:
    if claim.grade is None:
        return '<span class="grade tier-ungraded">ungraded</span>'
    title = f' title="{esc(claim.grade.definition)}"' if claim.grade.definition else ""
    return f'<span class="grade tier-{esc(claim.grade.tier)}"{title}>{esc(claim.grade.label)}</span>'


def source_html(site: Site, source: Source) -> str:
    parts = [site.link(source.iri, source.label)]
    details = ", ".join(esc(x) for x in (source.design, source.year) if x)
    if details:
        parts.append(f'<span class="muted">({details})</span>')
    for text, url in source.links():
        parts.append(f'<a class="ext" href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>')
    return " ".join(parts)


def claims_table(site: Site, claims: list[Claim], caption: str) -> str:
    if not claims:
        return ""
    rows = []
    for claim in claims:
        verdict = claim.verdict
        verdict_html = (
            f'<span class="verdict verdict-{esc(verdict.tier)}" title="{esc(verdict.reason or "")}">'
            f"{esc(verdict.label)}</span>"
            if verdict
            else '<span class="muted">—</span>'
        )
        kinds = ", ".join(esc(kind_label(k)) for k in claim.kinds) or '<span class="muted">—</span>'
        sources = "<br>".join(source_html(site, s) for s in claim.sources) or '<span class="muted">—</span>'
        rows.append(
            f'<tr class="claim"><td>{site.link(claim.iri, claim.statement)}</td><td>{grade_html(claim)}</td>'
            f"<td>{kinds}</td><td>{verdict_html}</td><td>{sources}</td></tr>"
        )
    return (
        f'<table class="data claims"><caption>{esc(caption)} ({len(claims)})</caption>'
        "<thead><tr><th>claim</th><th>evidence grade</th><th>rests on</th><th>citation check</th>"
        f"<th>sources</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _claims_of(site: Site, iris: Iterable[str]) -> list[Claim]:
    out = []
    for iri in sorted(set(iris)):
        if site.model.is_claim(iri) and all(
            site.index.value(iri, RDF_NS + p) is not None for p in ("subject", "predicate", "object")
        ):
            out.append(site.model.claim(iri))
    return sorted(out, key=lambda c: (GRADE_ORDER.index(c.grade_tier), c.statement.lower(), c.iri))


def claim_panel(site: Site, claim: Claim) -> str:
    obj = site.term_html(claim.object) if isinstance(claim.object, Lit) else site.link(claim.object)
    parts = [
        f'<p class="statement">{esc(claim.statement)}</p>',
        f'<p class="triple">{site.link(claim.subject)} → {site.link(claim.predicate, claim.predicate_label)} → {obj}</p>',
        "<dl class=facts>",
        f"<dt>evidence grade</dt><dd>{grade_html(claim)}</dd>",
    ]
    if claim.grade and claim.grade.reasons:
        reasons = "".join(f"<li>{esc(r)}</li>" for r in claim.grade.reasons)
        parts.append(f"<dt>why this grade</dt><dd><ul>{reasons}</ul></dd>")
    if claim.kinds:
        parts.append(f"<dt>rests on</dt><dd>{esc(', '.join(kind_label(k) for k in claim.kinds))}</dd>")
    if claim.asserted is not None:
        parts.append(
            "<dt>direct edge</dt><dd>"
            + ("yes: the grade clears the bar" if claim.asserted else "no: it stays a claim")
            + "</dd>"
        )
    if claim.hedge:
        parts.append(f"<dt>hedge</dt><dd>{esc(claim.hedge)}</dd>")
    if claim.section or claim.quotation:
        parts.append(
            f"<dt>page passage</dt><dd>{esc(claim.section or '')}"
            + (f"<blockquote>{esc(claim.quotation)}</blockquote>" if claim.quotation else "")
            + "</dd>"
        )
    for verdict in claim.verdicts:
        compared = "; ".join(source_html(site, s) for s in verdict.compared_with)
        parts.append(
            f'<dt>citation check</dt><dd><span class="verdict verdict-{esc(verdict.tier)}">{esc(verdict.label)}</span>'
            + (f" — {esc(verdict.reason)}" if verdict.reason else "")
            + (f"<br>compared with {compared}" if compared else "")
            + "</dd>"
        )
    if claim.printed:
        parts.append("<dt>printed citation</dt>" + "".join(f"<dd>{esc(p)}</dd>" for p in claim.printed))
    for name, value in claim.qualifiers:
        parts.append(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>")
    if claim.sources:
        parts.append("<dt>sources</dt>" + "".join(f"<dd>{source_html(site, s)}</dd>" for s in claim.sources))
    parts.append("</dl>")
    if claim.evidence:
        rows = "".join(
            f"<tr><td>{esc(e.statement)}</td><td>{esc(e.stance or '')}</td><td>{esc(e.directness or '')}</td>"
            f"<td>{esc(e.grade or '')}</td><td>{'<br>'.join(source_html(site, s) for s in e.sources)}</td></tr>"
            for e in claim.evidence
        )
        parts.append(
            '<table class="data evidence"><caption>Evidence linked to this claim</caption><thead><tr>'
            "<th>finding</th><th>stance</th><th>directness</th><th>grade</th><th>sources</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    return '<section class="claim-panel">' + "".join(parts) + "</section>"


def resource_page(site: Site, iri: str) -> str:
    ix = site.index
    with site.lock:
        label = site.label(iri)
        types = ix.iris(iri, RDF_TYPE)
        type_html = " ".join(site.link(t, css="type") for t in types)
        definition = ix.text(iri, SKOS_DEFINITION, DCTERMS_NS + "description", RDFS_COMMENT)
        parts = [
            f'<h1 id="label">{esc(label)}</h1>',
            f'<p class="iri"><code>{esc(iri)}</code> {type_html}</p>',
        ]
        if definition:
            parts.append(f'<p class="definition">{esc(definition)}</p>')
        synonyms = ix.texts(iri, SKOS_ALT)
        if synonyms:
            parts.append(f'<p class="muted">also: {esc(", ".join(synonyms))}</p>')
        in_graph = iri in site.graph
        if in_graph:
            entity = site.graph.nodes[iri]["entity"]
            ids = external_ids(entity)
            if ids:
                links = ", ".join(
                    (
                        f'<a href="{esc(x["url"])}" rel="noopener noreferrer">{esc(x["id"])}</a>'
                        if x["url"]
                        else esc(x["id"])
                    )
                    + (' <span class="muted">(close match)</span>' if x["match"] == "close" else "")
                    for x in ids
                )
                parts.append(f'<p class="ids">identifiers: {links}</p>')
            if entity.note:
                parts.append(f'<p class="note">{esc(entity.note)}</p>')
        if site.model.is_claim(iri) and ix.value(iri, RDF_NS + "subject") is not None:
            parts.append(claim_panel(site, site.model.claim(iri)))
        about = _claims_of(
            site,
            ix.subjects(RDF_NS + "subject", iri) + ix.subjects(RDF_NS + "object", iri),
        )
        parts.append(claims_table(site, about, "Claims about it"))
        derived = [
            c for c in _claims_of(site, ix.subjects(DERIVED_FROM, iri)) if c.iri not in {a.iri for a in about}
        ]
        parts.append(claims_table(site, derived, "Claims that rest on it"))
        parts.append(statements_table(site, iri))
        parts.append(references_table(site, iri))
        slug = quote(iri[len(site.ids) :], safe="-._~") if iri.startswith(site.ids) else ""
        formats = " · ".join(
            f'<a href="/id/{esc(slug)}{ext}">{name}</a>'
            for ext, name in (
                (".ttl", "Turtle"),
                (".nt", "N-Triples"),
                (".jsonld", "JSON-LD"),
                (".rdf", "RDF/XML"),
            )
        )
        query = urlencode({"query": f"DESCRIBE <{iri}>"})
        more = [f"as RDF: {formats}", f'<a href="/query?{esc(query)}">query it</a>']
        if in_graph:
            more.append(f'<a href="/graph?{esc(urlencode({"focus": iri}))}">see it in the graph</a>')
        parts.append(f'<p class="more">{" · ".join(more)}</p>')
    return layout(label, "\n".join(p for p in parts if p))


def statements_table(site: Site, iri: str) -> str:
    props = site.index.properties(iri)
    if not props:
        return ""
    rows = []
    for p in sorted(props, key=lambda p: (site.label(p).lower(), p)):
        values = sorted(props[p], key=lambda o: (isinstance(o, Lit), str(o)))
        cells = "<br>".join(site.term_html(o) for o in values)
        rows.append(f"<tr><th scope=row>{site.link(p)}</th><td>{cells}</td></tr>")
    return (
        '<table class="data statements"><caption>All statements</caption>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def references_table(site: Site, iri: str) -> str:
    refs = sorted(
        ((s, p) for p, by_object in site.index.pos.items() for s in by_object.get(iri, [])),
        key=lambda sp: (site.label(sp[1]).lower(), site.label(sp[0]).lower(), sp[0]),
    )
    if not refs:
        return ""
    shown = refs[:MAX_REFERENCES]
    rows = "".join(f"<tr><td>{site.link(s)}</td><td>{site.link(p)}</td></tr>" for s, p in shown)
    more = f"<p class=note>and {len(refs) - len(shown):,} more</p>" if len(refs) > len(shown) else ""
    return (
        f'<table class="data references"><caption>Referred to by ({len(refs):,})</caption>'
        f"<thead><tr><th>what</th><th>how</th></tr></thead><tbody>{rows}</tbody></table>{more}"
    )


def not_found_page(site: Site, iri: str) -> str:
    import difflib

    slug = iri[len(site.ids) :] if iri.startswith(site.ids) else iri
    slugs = sorted(k[len(site.ids) :] for k in site.known if k.startswith(site.ids))
    close = difflib.get_close_matches(slug, slugs, n=5, cutoff=0.6)
    hint = (
        "<p>Did you mean "
        + ", ".join(f'<a href="/id/{esc(quote(c, safe="-._~"))}">{esc(c)}</a>' for c in close)
        + "?</p>"
        if close
        else ""
    )
    body = f"<h1>Not found</h1><p>Nothing in the graph is called <code>{esc(iri)}</code>.</p>{hint}"
    return layout("Not found", body)


# ---------------------------------------------------------------------------
# The ontology
# ---------------------------------------------------------------------------

PROPERTY_KINDS = (
    ("ObjectProperty", "Object properties"),
    ("DatatypeProperty", "Datatype properties"),
    ("AnnotationProperty", "Annotation properties"),
)
MAPPINGS = (
    OWL_NS + "equivalentClass",
    OWL_NS + "equivalentProperty",
    SKOS_NS + "exactMatch",
    SKOS_NS + "closeMatch",
    SKOS_NS + "broadMatch",
    SKOS_NS + "narrowMatch",
    SKOS_NS + "relatedMatch",
    RDFS_NS + "seeAlso",
)


def ontology_page(site: Site) -> str:
    ix = site.index
    ns = site.ontology + "#"
    with site.lock:
        terms = sorted(s for s in ix.spo if s.startswith(ns))
        by_kind: dict[str, list[str]] = {
            "Class": [],
            "ObjectProperty": [],
            "DatatypeProperty": [],
            "AnnotationProperty": [],
        }
        individuals: dict[str, list[str]] = {}
        for term in terms:
            types = ix.iris(term, RDF_TYPE)
            kinds = [t[len(OWL_NS) :] for t in types if t.startswith(OWL_NS)]
            kind = next(
                (
                    k
                    for k in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")
                    if k in kinds
                ),
                None,
            )
            if kind:
                by_kind[kind].append(term)
            else:
                for t in types or [""]:
                    individuals.setdefault(t, []).append(term)
        head = ix.properties(site.ontology)
        meta = []
        for p in sorted(head, key=lambda p: site.label(p).lower()):
            if p == RDF_TYPE:
                continue
            values = "<br>".join(site.term_html(o) for o in head[p])
            meta.append(f"<tr><th scope=row>{site.link(p)}</th><td>{values}</td></tr>")
        title = ix.text(site.ontology, DCTERMS_NS + "title", RDFS_LABEL) or "mgkg ontology"
        toc = " · ".join(
            f'<a href="#{anchor}">{esc(name)} ({n})</a>'
            for anchor, name, n in (
                ("classes", "Classes", len(by_kind["Class"])),
                ("object-properties", "Object properties", len(by_kind["ObjectProperty"])),
                ("datatype-properties", "Datatype properties", len(by_kind["DatatypeProperty"])),
                ("annotation-properties", "Annotation properties", len(by_kind["AnnotationProperty"])),
                ("individuals", "Individuals", sum(len(v) for v in individuals.values())),
            )
        )
        formats = " · ".join(
            f'<a href="/ontology{ext}">{name}</a>'
            for ext, name in (
                (".ttl", "Turtle"),
                (".nt", "N-Triples"),
                (".jsonld", "JSON-LD"),
                (".rdf", "RDF/XML"),
            )
        )
        parts = [
            f"<h1>{esc(title)}</h1>",
            f'<p class="iri"><code>{esc(site.ontology)}</code> · namespace <code>{esc(ns)}</code> (prefix <code>mgkg:</code>) · as RDF: {formats}</p>',
            f'<p class="toc">{toc}</p>',
            f'<table class="data statements"><tbody>{"".join(meta)}</tbody></table>',
            '<h2 id="classes">Classes</h2>',
            _class_tree(site, by_kind["Class"]),
            "".join(
                _term_entry(site, t, "class")
                for t in sorted(by_kind["Class"], key=lambda t: local_name(t).lower())
            ),
        ]
        for kind, heading in PROPERTY_KINDS:
            anchor = heading.lower().replace(" ", "-")
            parts.append(f'<h2 id="{anchor}">{esc(heading)}</h2>')
            parts.append(
                "".join(
                    _term_entry(site, t, "property")
                    for t in sorted(by_kind[kind], key=lambda t: local_name(t).lower())
                )
            )
        parts.append('<h2 id="individuals">Individuals</h2>')
        for cls in sorted(individuals, key=lambda c: site.label(c).lower() if c else ""):
            heading = site.link(cls) if cls else "untyped"
            parts.append(f"<h3>{heading}</h3>")
            parts.append(
                "".join(
                    _term_entry(site, t, "individual")
                    for t in sorted(individuals[cls], key=lambda t: local_name(t).lower())
                )
            )
    return layout("Ontology", "\n".join(parts), "/ontology")


def _class_tree(site: Site, classes: list[str]) -> str:
    ix = site.index
    members = set(classes)
    children: dict[str, list[str]] = {}
    roots = []
    for cls in classes:
        parents = [p for p in ix.iris(cls, RDFS_SUBCLASS) if p in members]
        if not parents:
            roots.append(cls)
        for parent in parents:
            children.setdefault(parent, []).append(cls)

    def branch(cls: str, seen: frozenset[str]) -> str:
        name = local_name(cls)
        kids = sorted(
            (c for c in children.get(cls, []) if c not in seen), key=lambda c: site.label(c).lower()
        )
        inner = "".join(branch(k, seen | {cls}) for k in kids)
        return (
            f'<li><a href="#{esc(name)}">{esc(site.label(cls))}</a>'
            + (f"<ul>{inner}</ul>" if inner else "")
            + "</li>"
        )

    items = "".join(branch(r, frozenset()) for r in sorted(roots, key=lambda c: site.label(c).lower()))
    return f'<ul class="tree">{items}</ul>'


def _term_entry(site: Site, term: str, kind: str) -> str:
    ix = site.index
    name = local_name(term)
    definition = ix.text(term, SKOS_DEFINITION, RDFS_COMMENT)
    facts = []

    def fact(title: str, values: list) -> None:
        if values:
            facts.append(
                f"<dt>{esc(title)}</dt><dd>{', '.join(site.term_html(v) if isinstance(v, Lit) else site.link(v) for v in values)}</dd>"
            )

    fact("subclass of", ix.iris(term, RDFS_SUBCLASS))
    if kind == "class":
        fact("subclasses", ix.subjects(RDFS_SUBCLASS, term))
    fact(
        "type",
        [t for t in ix.iris(term, RDF_TYPE) if not t.startswith(OWL_NS)] if kind != "individual" else [],
    )
    fact("sub-property of", ix.iris(term, RDFS_NS + "subPropertyOf"))
    fact("domain", ix.iris(term, RDFS_NS + "domain"))
    fact("range", ix.iris(term, RDFS_NS + "range"))
    fact("inverse of", ix.iris(term, OWL_NS + "inverseOf"))
    for p in MAPPINGS:
        fact(site.label(p), ix.iris(term, p))
    synonyms = ix.texts(term, SKOS_ALT)
    if synonyms:
        facts.append(f"<dt>also</dt><dd>{esc(', '.join(synonyms))}</dd>")
    if kind == "class":
        count = len(ix.instances.get(term, []))
        if count:
            query = urlencode(
                {
                    "query": f"PREFIX rdfs: <{RDFS_NS}>\nSELECT ?instance ?label WHERE {{\n  ?instance a <{term}> .\n"
                    "  OPTIONAL { ?instance rdfs:label ?label }\n} ORDER BY ?label"
                }
            )
            facts.append(
                f'<dt>instances</dt><dd><a href="/query?{esc(query)}">{count:,} (query them)</a></dd>'
            )
    other = []
    shown = {RDF_TYPE, RDFS_LABEL, SKOS_DEFINITION, RDFS_COMMENT, RDFS_SUBCLASS, SKOS_ALT, *MAPPINGS}
    shown.update(RDFS_NS + x for x in ("subPropertyOf", "domain", "range"))
    shown.add(OWL_NS + "inverseOf")
    for p, values in sorted(ix.properties(term).items()):
        if p not in shown:
            other.append(f"<dt>{site.link(p)}</dt><dd>{'<br>'.join(site.term_html(v) for v in values)}</dd>")
    comment = ix.text(term, RDFS_COMMENT) if ix.text(term, SKOS_DEFINITION) else None
    return (
        f'<section class="term {esc(kind)}" id="{esc(name)}"><h3>{esc(site.label(term))} '
        f'<code class="curie">mgkg:{esc(name)}</code></h3>'
        + (f'<p class="definition">{esc(definition)}</p>' if definition else "")
        + (f'<p class="muted">{esc(comment)}</p>' if comment else "")
        + (f'<dl class="facts">{"".join(facts + other)}</dl>' if facts or other else "")
        + "</section>"
    )


__all__ = [
    "DOWNLOADS",
    "RDF_EXTENSIONS",
    "Site",
    "detect_base",
    "downloads_page",
    "error_page",
    "home_page",
    "humanize",
    "not_found_page",
    "ontology_page",
    "query_page",
    "resource_page",
]
