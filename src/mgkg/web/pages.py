"""The web app's pages: home, query, a page per IRI, the ontology documentation, downloads.

Why server-side HTML from the claim model: a learner who opens
``https://w3id.org/mgkg/id/magnesium`` should read its claims with their grades, what
they rest on and their sources, exactly as the graph view's cards show them; the same
model (:mod:`mgkg.views.model`) makes both. The release is read once into a
:class:`Site` when the server starts.

The pages are Jinja2 templates (``mgkg/web/templates/``) that share one base with the site
menu. Safety: autoescaping is on for every template, so text from the data is always
escaped (quotes included) and no page code escapes by hand; links are made only from
local paths or http(s) URLs (:meth:`Site.href`, :func:`mgkg.views.model.safe_url`); the
pages carry no inline script or style element, and :data:`CSP` (sent with every page)
allows scripts, styles and requests from the server's own origin only (plus the little
the query page's YASGUI needs, said there).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2

from mgkg.errors import UserError
from mgkg.prefixes import DEFAULT_BASE, STANDARD_PREFIXES, compact_iri, project_prefixes
from mgkg.views import plain
from mgkg.views.model import (
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
    TripleIndex,
    build_claim_graph,
    external_ids,
    humanize,
    local_name,
    read_rdf,
    safe_url,
)

log = logging.getLogger("mgkg.web.pages")

OWL_NS = STANDARD_PREFIXES["owl"]
DCTERMS_NS = STANDARD_PREFIXES["dcterms"]
XSD_NS = STANDARD_PREFIXES["xsd"]
RDFS_NS = STANDARD_PREFIXES["rdfs"]
SKOS_NS = STANDARD_PREFIXES["skos"]

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
    "json/claims.json": (
        "application/ld+json",
        "every claim and finding as a JSON object (the release context)",
    ),
    "json/publications.json": ("application/ld+json", "every publication as a JSON object"),
    "json/entities.json": ("application/ld+json", "every domain entity as a JSON object"),
}
#: Extensions a resource may be asked for, -> protocol format.
RDF_EXTENSIONS = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".rdf": "rdfxml"}
MAX_REFERENCES = 200
DISCLAIMER = "Medical content is informational only and is not medical advice."


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
        return compact_iri(iri, project_prefixes()) or iri

    def label(self, iri: str) -> str:
        return self.model.label(iri)

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
    def graph_page(self, focus: str | None = None, depth: int = 1, view: str = "graph") -> str:
        """The visualization page (mgkg.views.viz) for the whole graph or an entity's neighbourhood,
        with the site menu, opening in the graph, the Safety view or the claims table."""
        from mgkg.views.viz import show

        key = (focus, depth, view)
        with self.lock:
            if key not in self._viz_cache:
                page = show(graph=self.graph, focus=focus, depth=depth, nav=NAV, start_view=view).html
                if len(self._viz_cache) > 32:
                    self._viz_cache.clear()
                self._viz_cache[key] = page
            return self._viz_cache[key]


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
    from mgkg.build.catalog import load_catalog, where_group_start
    from mgkg.layout import project_root
    from mgkg.query.engine import sparql_term, to_term

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
            except UserError as exc:  # an unresolvable default leaves the variable free
                log.info("example %s: default of ?%s left unbound: %s", query.name, param.name, exc)
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
# Templates, assets and the Content-Security-Policy the pages are written for
# ---------------------------------------------------------------------------

NAV = (
    ("/", "Home"),
    ("/query", "Query"),
    ("/graph", "Graph"),
    ("/glossary", "How to read this"),
    ("/ontology", "Ontology"),
    ("/downloads", "Downloads"),
    ("/sparql", "SPARQL"),
)

#: Files the server offers under ``/assets/`` (from ``mgkg/web/static/``): name -> media type.
#: The YASGUI build is vendored, unchanged but for its remote defaults (see ``make yasgui``).
ASSETS: dict[str, str] = {
    "site.css": "text/css; charset=utf-8",
    "query.js": "text/javascript; charset=utf-8",
    "yasgui/yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui/yasgui.min.css": "text/css; charset=utf-8",
    "yasgui/LICENSE": "text/plain; charset=utf-8",
}

#: ``<style>`` elements the vendored YASGUI adds (its result table's column resizer: the
#: grip rules, and the cursor while dragging), allowed by hash and by nothing looser.
#: tests/test_pages.py recomputes them from the bundle, so a new build cannot drift.
YASGUI_STYLE_HASHES = (
    "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=",
    "sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg=",
)

#: The Content-Security-Policy of every page made here. Everything comes from the server's
#: own origin: no CDN, font, frame or remote request, no inline script. YASGUI (CodeMirror,
#: its result table) positions and sizes elements through ``style`` attributes, so inline
#: style *attributes* are allowed; of ``<style>`` elements only its two known ones are.
CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' " + " ".join(f"'{h}'" for h in YASGUI_STYLE_HASHES),
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ]
)


def _slug(value: str) -> str:
    return quote(value, safe="-._~")


@functools.cache
def environment() -> jinja2.Environment:
    """The pages' templates, read once from the package, with autoescaping on for all of them."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mgkg.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.tests["literal"] = lambda value: isinstance(value, Lit)
    env.filters["urlencode_slug"] = _slug
    env.filters["kind_label"] = kind_label
    from mgkg.views.viz import GRADE_METER

    env.globals.update(xsd_string=XSD_NS + "string", nav=NAV, disclaimer=DISCLAIMER)
    env.globals.update(answer=plain.answer, grade_text=plain.grade_wording, meters=GRADE_METER)
    return env


def render(template: str, title: str, active: str = "", **context) -> str:
    """A complete page: ``template`` (which extends base.html) filled with ``context``."""
    defaults = {"stylesheets": (), "scripts": (), "page_class": ""}
    return (
        environment().get_template(template).render({**defaults, **context, "title": title, "active": active})
    )


def error_page(status: int, title: str, message: str) -> str:
    return render("error.html", title, status=status, message=message)


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
CURL_EXAMPLE = (
    "PREFIX mgkg: <https://w3id.org/mgkg/ontology#>\n"
    "SELECT ?claim WHERE { ?claim mgkg:restsOn mgkg:VendorMaterial }"
)


def home_page(site: Site, counts: dict[str, int] | None, endpoint: str) -> str:
    return render(
        "home.html",
        "Home",
        "/",
        counts=counts,
        count_labels=COUNT_LABELS,
        examples=len(site.examples),
        endpoint=endpoint,
        curl_example=CURL_EXAMPLE,
        ids=site.ids,
        downloads=list(site.downloads.values()),
    )


def glossary_page(site: Site) -> str:
    """How to read the views: the guided start (questions that open the right view), the
    glossary and the grades by colour, pattern and words."""
    from mgkg.views.viz import GRADE_METER, GRADE_STYLES

    questions = []
    for q in plain.QUESTIONS:
        href = "/graph?" + urlencode({"focus": q["focus"]} if q.get("focus") else {"view": q["view"]})
        questions.append({**q, "href": href})
    return render(
        "glossary.html",
        "How to read this",
        "/glossary",
        questions=questions,
        glossary=plain.GLOSSARY,
        grades=[(t, GRADE_STYLES[t][0], GRADE_METER[t]) for t in GRADE_ORDER],
        meanings={**dict(plain.GLOSSARY), **_grade_definitions(site)},
    )


def _grade_definitions(site: Site) -> dict[str, str]:
    """Each grade's definition as the graph's rubric states it (mgkg:EvidenceGrade
    individuals), keyed by the tier's legend label, so the table says what the data says."""
    from mgkg.views.model import EVIDENCE, mgkg_name
    from mgkg.views.viz import GRADE_STYLES

    found: dict[str, str] = {}
    for cls, members in site.index.instances.items():
        if mgkg_name(cls) != "EvidenceGrade":
            continue
        for grade in sorted(members):
            label, definition = site.label(grade), site.index.text(grade, SKOS_DEFINITION)
            tier = EVIDENCE.grade_tier(label)
            if definition and tier in GRADE_STYLES:
                found.setdefault(GRADE_STYLES[tier][0], definition)
    return found


def downloads_page(site: Site) -> str:
    return render("downloads.html", "Downloads", "/downloads", downloads=list(site.downloads.values()))


def query_page(site: Site, text: str, autorun: bool, max_rows: int, timeout: float) -> str:
    """YASGUI over the endpoint, the catalog as one-click examples; without JavaScript, a
    form that sends the query to /sparql and opens the answer in a chosen format."""

    current = next((e for e in site.examples if e.text == text), None)
    data = {
        "base": site.base,
        "endpoint": "/sparql",
        "autorun": autorun,
        "text": text,
        "example": current.name if current else None,
        "examples": {
            e.name: {"title": e.title, "description": e.description, "text": e.text} for e in site.examples
        },
        "prefixes": {**project_prefixes(), "kg": site.ids, "mgkg": site.ontology + "#"},
    }
    return render(
        "query.html",
        "Query",
        "/query",
        stylesheets=["/assets/yasgui/yasgui.min.css"],
        scripts=["/assets/yasgui/yasgui.min.js", "/assets/query.js"],
        page_class="query",
        examples=site.examples,
        current=current.name if current else None,
        description=current.description if current else "",
        text=text,
        max_rows=max_rows,
        timeout=timeout,
        data=data,
    )


# ---------------------------------------------------------------------------
# A resource (/id/...)
# ---------------------------------------------------------------------------


def kind_label(key: str) -> str:
    return SOURCE_KIND_LABELS.get(key, key.replace("-", " "))


def _claims_of(site: Site, iris: Iterable[str]) -> list[Claim]:
    out = []
    for iri in sorted(set(iris)):
        if site.model.is_claim(iri) and all(
            site.index.value(iri, RDF_NS + p) is not None for p in ("subject", "predicate", "object")
        ):
            out.append(site.model.claim(iri))
    return sorted(out, key=lambda c: (GRADE_ORDER.index(c.grade_tier), c.statement.lower(), c.iri))


def resource_page(site: Site, iri: str) -> str:
    ix = site.index
    with site.lock:
        label = site.label(iri)
        in_graph = iri in site.graph
        entity = site.graph.nodes[iri]["entity"] if in_graph else None
        claim = None
        if site.model.is_claim(iri) and ix.value(iri, RDF_NS + "subject") is not None:
            claim = site.model.claim(iri)
        about = _claims_of(site, ix.subjects(RDF_NS + "subject", iri) + ix.subjects(RDF_NS + "object", iri))
        seen = {a.iri for a in about}
        # The same count as the graph view's card: claims drawn as lines plus claims stating a value.
        drawn = sum(1 for c in about if isinstance(c.object, str) and c.object in site.graph)
        claim_count = {"all": len(about), "drawn": drawn, "stated": len(about) - drawn}
        # The body of evidence first: one summary per relation, its claims under it.
        summaries = [
            {"summary": summary, "triple": triple, "claims": _claims_of(site, claims)}
            for summary, triple, claims in site.model.summaries_about(iri)
        ]
        grouped = {c.iri for entry in summaries for c in entry["claims"]}
        about = [c for c in about if c.iri not in grouped]
        derived = [c for c in _claims_of(site, ix.subjects(DERIVED_FROM, iri)) if c.iri not in seen]
        props = ix.properties(iri)
        statements = [
            (p, sorted(props[p], key=lambda o: (isinstance(o, Lit), str(o))))
            for p in sorted(props, key=lambda p: (site.label(p).lower(), p))
        ]
        refs = sorted(
            ((s, p) for p, by_object in ix.pos.items() for s in by_object.get(iri, [])),
            key=lambda sp: (site.label(sp[1]).lower(), site.label(sp[0]).lower(), sp[0]),
        )
        own_summary = site.model.summary_node(iri) if claim is None else None
        limits = site.model.upper_limits()
        best = next(
            (e for e in summaries if (e["summary"].evidence_class or "").lower() != "safety"),
            None,
        )
        safety = [e for e in summaries if (e["summary"].evidence_class or "").lower() == "safety"]
        return render(
            "resource.html",
            label,
            site=site,
            iri=iri,
            own_summary=own_summary,
            best=best,
            safety=safety,
            dose_note=plain.dose_note(claim.exceeds_upper_limit, claim.dose, claim.dose_nutrient, limits)
            if claim is not None
            else None,
            types=ix.iris(iri, RDF_TYPE),
            definition=ix.text(iri, SKOS_DEFINITION, DCTERMS_NS + "description", RDFS_COMMENT),
            synonyms=ix.texts(iri, SKOS_ALT),
            ids=external_ids(entity) if entity is not None else [],
            note=entity.note if entity is not None else None,
            claim=claim,
            claim_summary=site.model.summary(claim.iri) if claim is not None else None,
            summaries=summaries,
            claim_count=claim_count,
            about=about,
            derived=derived,
            statements=statements,
            references=refs[:MAX_REFERENCES],
            reference_count=len(refs),
            slug=_slug(iri[len(site.ids) :]) if iri.startswith(site.ids) else "",
            query_link=urlencode({"query": f"DESCRIBE <{iri}>"}),
            graph_link=urlencode({"focus": iri}) if in_graph else None,
        )


def not_found_page(site: Site, iri: str) -> str:
    import difflib

    slug = iri[len(site.ids) :] if iri.startswith(site.ids) else iri
    slugs = sorted(k[len(site.ids) :] for k in site.known if k.startswith(site.ids))
    close = difflib.get_close_matches(slug, slugs, n=5, cutoff=0.6)
    return render("not_found.html", "Not found", iri=iri, close=close)


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
TERM_KINDS = ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")


def ontology_page(site: Site) -> str:
    ix = site.index
    ns = site.ontology + "#"
    with site.lock:
        by_kind: dict[str, list[str]] = {k: [] for k in TERM_KINDS}
        individuals: dict[str, list[str]] = {}
        for term in sorted(s for s in ix.spo if s.startswith(ns)):
            types = ix.iris(term, RDF_TYPE)
            kinds = [t[len(OWL_NS) :] for t in types if t.startswith(OWL_NS)]
            kind = next((k for k in TERM_KINDS if k in kinds), None)
            if kind:
                by_kind[kind].append(term)
            else:
                for t in types or [""]:
                    individuals.setdefault(t, []).append(term)
        head = ix.properties(site.ontology)
        meta = [(p, head[p]) for p in sorted(head, key=lambda p: site.label(p).lower()) if p != RDF_TYPE]

        def entries(terms: list[str], kind: str) -> list[dict]:
            return [_term_entry(site, t, kind) for t in sorted(terms, key=lambda t: local_name(t).lower())]

        toc = (
            ("classes", "Classes", len(by_kind["Class"])),
            ("object-properties", "Object properties", len(by_kind["ObjectProperty"])),
            ("datatype-properties", "Datatype properties", len(by_kind["DatatypeProperty"])),
            ("annotation-properties", "Annotation properties", len(by_kind["AnnotationProperty"])),
            ("individuals", "Individuals", sum(len(v) for v in individuals.values())),
        )
        return render(
            "ontology.html",
            "Ontology",
            "/ontology",
            site=site,
            heading=ix.text(site.ontology, DCTERMS_NS + "title", RDFS_LABEL) or "mgkg ontology",
            namespace=ns,
            toc=toc,
            meta=meta,
            tree=_class_tree(site, by_kind["Class"]),
            classes=entries(by_kind["Class"], "class"),
            properties=[
                (heading.lower().replace(" ", "-"), heading, entries(by_kind[kind], "property"))
                for kind, heading in PROPERTY_KINDS
            ],
            individuals=[
                (cls, entries(individuals[cls], "individual"))
                for cls in sorted(individuals, key=lambda c: site.label(c).lower() if c else "")
            ],
        )


def _class_tree(site: Site, classes: list[str]) -> list[dict]:
    """The subclass hierarchy as nested {name, label, children} (a cycle is cut where it closes)."""
    members = set(classes)
    children: dict[str, list[str]] = {}
    roots = []
    for cls in classes:
        parents = [p for p in site.index.iris(cls, RDFS_SUBCLASS) if p in members]
        if not parents:
            roots.append(cls)
        for parent in parents:
            children.setdefault(parent, []).append(cls)

    def branch(cls: str, seen: frozenset[str]) -> dict:
        kids = sorted(
            (c for c in children.get(cls, []) if c not in seen), key=lambda c: site.label(c).lower()
        )
        return {
            "name": local_name(cls),
            "label": site.label(cls),
            "children": [branch(k, seen | {cls}) for k in kids],
        }

    return [branch(r, frozenset()) for r in sorted(roots, key=lambda c: site.label(c).lower())]


def _term_entry(site: Site, term: str, kind: str) -> dict:
    """What the ontology page says about one term: its definition and facts, as data."""
    ix = site.index
    facts: list[tuple[str, list]] = []

    def fact(title: str, values: list) -> None:
        if values:
            facts.append((title, values))

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
    instances = len(ix.instances.get(term, [])) if kind == "class" else 0
    instances_query = urlencode(
        {
            "query": f"PREFIX rdfs: <{RDFS_NS}>\nSELECT ?instance ?label WHERE {{\n  ?instance a <{term}> .\n"
            "  OPTIONAL { ?instance rdfs:label ?label }\n} ORDER BY ?label"
        }
    )
    shown = {RDF_TYPE, RDFS_LABEL, SKOS_DEFINITION, RDFS_COMMENT, RDFS_SUBCLASS, SKOS_ALT, *MAPPINGS}
    shown.update(RDFS_NS + x for x in ("subPropertyOf", "domain", "range"))
    shown.add(OWL_NS + "inverseOf")
    other = [(p, values) for p, values in sorted(ix.properties(term).items()) if p not in shown]
    synonyms = ix.texts(term, SKOS_ALT)
    return {
        "iri": term,
        "name": local_name(term),
        "kind": kind,
        "definition": ix.text(term, SKOS_DEFINITION, RDFS_COMMENT),
        "comment": ix.text(term, RDFS_COMMENT) if ix.text(term, SKOS_DEFINITION) else None,
        "facts": facts,
        "synonyms": synonyms,
        "instances": instances,
        "instances_query": instances_query,
        "other": other,
    }


__all__ = [
    "ASSETS",
    "CSP",
    "DOWNLOADS",
    "RDF_EXTENSIONS",
    "Site",
    "detect_base",
    "downloads_page",
    "error_page",
    "glossary_page",
    "home_page",
    "humanize",
    "not_found_page",
    "ontology_page",
    "query_page",
    "render",
    "resource_page",
]
