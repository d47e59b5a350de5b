"""Self-contained, offline HTML views of the claim graph for learners.

One HTML file, no network request at all: the vis-network library that pyvis ships
(``pyvis/lib/vis-9.1.2``) is read from pyvis's package data *without importing pyvis*
and inlined together with our own small template, stylesheet and script
(``mgkg/views/assets``). pyvis itself does not draw the page: its ``cdn_resources="in_line"``
still links Bootstrap from a CDN, its tooltips put data into ``innerHTML``, its
undirected graphs build in quadratic time and it imports IPython on import
(:mod:`mgkg.views.pyvis_view` gives notebook users a pyvis Network with those replaced).

Safety: the graph travels as JSON in a ``<script type="application/json">`` block
with ``<``, ``>`` and ``&`` escaped, and the page builds every card with DOM calls
and ``textContent``, never ``innerHTML``; links are made only from http(s) URLs. A
Content-Security-Policy allows exactly the page's own scripts (by SHA-256) and
nothing from the network, so even a mistake could neither run injected script nor
fetch anything.

Visual encoding (one table each, below): node colour and shape by class; edge colour
by evidence grade tier, dash by what the claim rests on, a bar arrowhead and ⚠ for
contraindications, a mark after the label for the citation-audit verdict, width for
claims asserted as direct edges; node size by degree or by evidence count. Above
``physics_threshold`` nodes, positions are precomputed with networkx and physics is
off, so large graphs open and pan smoothly.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import networkx as nx

from mgkg.errors import DataError, UsageError
from mgkg.views.model import (
    BASIS_ORDER,
    GRADE_ORDER,
    SOURCE_KIND_LABELS,
    claim_record,
    entity_record,
    evidence_count,
    mgkg_name,
)

VIS_VERSION = "vis-9.1.2"
#: Above this many nodes physics is off and positions come from networkx.
PHYSICS_THRESHOLD = 400
#: Above this many claims edge labels are left off the canvas (still in the cards).
EDGE_LABEL_LIMIT = 1500

# ---------------------------------------------------------------------------
# Styles: the one place the visual encoding is defined
# ---------------------------------------------------------------------------

#: Node classes in precedence order: (mgkg class local name, key, legend label, colour, shape).
#: A node takes the first row whose class is among its types or their superclasses.
NODE_STYLES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Mineral", "mineral", "mineral", "#1d4ed8", "star"),
    ("SupplementForm", "form", "supplement form", "#60a5fa", "hexagon"),
    ("Cofactor", "cofactor", "nutrient cofactor", "#0891b2", "dot"),
    ("Nutrient", "nutrient", "nutrient", "#06b6d4", "dot"),
    ("Neurotransmitter", "neurotransmitter", "neurotransmitter", "#7c3aed", "diamond"),
    ("Hormone", "hormone", "hormone", "#db2777", "diamond"),
    ("Receptor", "receptor", "receptor", "#9333ea", "square"),
    ("ChemicalEntity", "chemical", "other chemical", "#0d9488", "diamond"),
    ("PhysiologicalSystem", "system", "system or axis", "#ea580c", "square"),
    ("AnatomicalStructure", "anatomy", "anatomical structure", "#a16207", "square"),
    ("BiologicalProcess", "process", "biological process", "#16a34a", "dot"),
    ("Contraindication", "contraindication", "contraindication / risk", "#7f1d1d", "triangleDown"),
    ("AdverseEffect", "adverse", "adverse effect", "#b91c1c", "triangleDown"),
    ("Disorder", "disorder", "disorder", "#dc2626", "triangle"),
    ("Symptom", "symptom", "symptom or mental state", "#f97316", "triangle"),
    ("NutritionalStatus", "status", "nutritional status", "#ca8a04", "triangle"),
    ("Condition", "condition", "condition", "#ef4444", "triangle"),
    ("Intervention", "intervention", "intervention", "#0f766e", "star"),
    ("ReferenceValue", "reference", "reference value", "#0369a1", "dot"),
    ("Product", "product", "product", "#64748b", "hexagon"),
    ("Organization", "organization", "organization", "#475569", "square"),
    ("CommercialRelationship", "commercial", "commercial relationship", "#be185d", "square"),
    ("Source", "source", "source", "#94a3b8", "dot"),
)
OTHER_STYLE = ("", "other", "other", "#9ca3af", "dot")

#: Evidence grade tiers (see ``mgkg.views.model.EVIDENCE``): tier -> (legend label, colour).
GRADE_STYLES: dict[str, tuple[str, str]] = {
    "high": ("high", "#15803d"),
    "moderate": ("moderate", "#4d7c0f"),
    "low": ("low", "#ca8a04"),
    "reference": ("reference value", "#0369a1"),
    "very-low": ("very low", "#ea580c"),
    "preclinical": ("preclinical only", "#7c3aed"),
    "page": ("page assertion only", "#78716c"),
    "other": ("other grade", "#334155"),
    "ungraded": ("ungraded", "#a8a29e"),
    "vendor": ("vendor claim only", "#db2777"),
    "not-supported": ("not supported", "#b91c1c"),
}
#: What a claim rests on -> (legend label, vis dash pattern; false = solid).
BASIS_STYLES: dict[str, tuple[str, Any]] = {
    "peer-reviewed": ("peer-reviewed evidence", False),
    "reference-values": ("reference values", False),
    "page-only": ("page assertion only", [8, 5]),
    "vendor-only": ("vendor material only", [2, 5]),
    "unsourced": ("no source kind", [1, 3]),
}
#: Citation-audit verdict tier -> (mark after the edge label, legend label).
VERDICT_MARKS: dict[str, tuple[str, str]] = {
    "supported": ("✓", "citation supports the sentence"),
    "partial": ("◐", "citation partly supports it"),
    "overstates": ("↑", "sentence overstates the citation"),
    "not-supported": ("✗", "citation does not support it"),
    "unresolved": ("?", "citation could not be checked"),
    "other": ("•", "other verdict"),
}
CONTRAINDICATION_STYLE = {"mark": "⚠", "arrow": "bar", "label": "contraindication or risk"}

assert set(GRADE_STYLES) == set(GRADE_ORDER), "every grade tier needs a style"  # noqa: S101
assert set(BASIS_STYLES) == set(BASIS_ORDER), "every basis needs a style"  # noqa: S101


def node_style(ancestors: list[str]) -> tuple[str, str, str, str, str]:
    names = {mgkg_name(c) for c in ancestors}
    return next((row for row in NODE_STYLES if row[0] in names), OTHER_STYLE)


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------


def layout_positions(
    graph: nx.MultiDiGraph, seed: int = 7, spacing: float = 70.0
) -> dict[str, tuple[float, float]]:
    """Deterministic positions in pixels: each connected component laid out by networkx
    (spring layout up to 300 nodes, spectral layout spread by rank above: spring layout
    is quadratic per iteration), then components packed in rows, largest first."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    components = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    boxes = []
    for comp in components:
        size = len(comp)
        local = {comp[0]: (0.0, 0.0)} if size == 1 else _component_layout(simple.subgraph(comp), seed)
        radius = spacing * math.sqrt(size) * 0.6 if size > 1 else spacing * 0.3
        boxes.append((comp, local, radius))
    total_width = sum((2 * r + spacing) ** 2 for _c, _l, r in boxes) ** 0.5 * 1.2
    positions: dict[str, tuple[float, float]] = {}
    x = y = 0.0
    row_height = 0.0
    for comp, local, radius in boxes:
        width = 2 * radius + spacing
        if x > 0 and x + width > total_width:
            x, y = 0.0, y + row_height
            row_height = 0.0
        cx, cy = x + width / 2, y + width / 2
        for node in comp:
            px, py = local[node]
            positions[node] = (round(cx + px * radius, 1), round(cy + py * radius, 1))
        x += width
        row_height = max(row_height, width)
    return positions


def _component_layout(sub: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    try:
        if len(sub) <= 300:
            pos = nx.spring_layout(sub, seed=seed, iterations=80)
        else:
            pos = nx.spectral_layout(sub)
            pos = _spread_by_rank(pos)
    except ImportError:  # networkx layouts need numpy (and scipy for large graphs)
        nodes = list(sub)
        pos = {
            n: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
            for i, n in enumerate(nodes)
        }
    xs = [float(p[0]) for p in pos.values()]
    ys = [float(p[1]) for p in pos.values()]
    scale = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    mx, my = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((float(p[0]) - mx) / scale, (float(p[1]) - my) / scale) for n, p in pos.items()}


def _spread_by_rank(pos: dict) -> dict:
    """Replace coordinates by their ranks: keeps the spectral order, spreads the clumps."""
    nodes = sorted(pos)
    rx = {n: i for i, n in enumerate(sorted(nodes, key=lambda n: (float(pos[n][0]), n)))}
    ry = {n: i for i, n in enumerate(sorted(nodes, key=lambda n: (float(pos[n][1]), n)))}
    size = max(len(nodes) - 1, 1)
    return {n: (2 * rx[n] / size - 1, 2 * ry[n] / size - 1) for n in nodes}


# ---------------------------------------------------------------------------
# The view's data
# ---------------------------------------------------------------------------


@dataclass
class ViewOptions:
    title: str = "mgkg: magnesium and brain health"
    subtitle: str = ""
    size_by: str = "degree"  # or "evidence"
    physics_threshold: int = PHYSICS_THRESHOLD
    edge_labels: bool | None = None  # None: on up to EDGE_LABEL_LIMIT claims


#: Legend groups that name their members from the data ("mineral (magnesium, zinc)"), up to
#: this many names: the nutrients a view is about, whichever they are.
NAMED_GROUPS = {"mineral": 3}


def legend_label(key: str, label: str, names: list[str]) -> str:
    """A legend entry's words: the class, and for :data:`NAMED_GROUPS` the members it shows."""
    limit = NAMED_GROUPS.get(key)
    if not limit or not names:
        return label
    shown = sorted(set(names))
    more = f", +{len(shown) - limit}" if len(shown) > limit else ""
    return f"{label} ({', '.join(shown[:limit])}{more})"


def view_data(
    graph: nx.MultiDiGraph,
    options: ViewOptions | None = None,
    paths: list[dict[str, Any]] | None = None,
    highlight: list[str] | None = None,
) -> dict[str, Any]:
    """Everything the page needs, as JSON-ready data (deterministic order)."""
    options = options or ViewOptions()
    if options.size_by not in ("degree", "evidence"):
        raise UsageError(f"--size-by must be 'degree' or 'evidence', not {options.size_by!r}")
    nodes = sorted(graph)
    ids = {iri: f"n{i}" for i, iri in enumerate(nodes)}
    large = len(nodes) > options.physics_threshold
    positions = layout_positions(graph) if large else {}
    edge_labels = (
        options.edge_labels
        if options.edge_labels is not None
        else (graph.number_of_edges() <= EDGE_LABEL_LIMIT)
    )
    group_counts: Counter = Counter()
    group_names: dict[str, list[str]] = {}
    out_nodes = []
    for iri in nodes:
        entity = graph.nodes[iri]["entity"]
        _cls, key, *_ = node_style(entity.ancestors)
        group_counts[key] += 1
        group_names.setdefault(key, []).append(entity.label)
        value = evidence_count(graph, iri) if options.size_by == "evidence" else graph.degree(iri)
        node = {
            **entity_record(entity),
            "id": ids[iri],
            "group": key,
            "value": value,
            "degree": graph.degree(iri),
            "evidence_count": evidence_count(graph, iri),
        }
        if iri in positions:
            node["x"], node["y"] = positions[iri]
        out_nodes.append(node)
    out_edges = []
    tiers: Counter = Counter()
    bases: Counter = Counter()
    verdicts: Counter = Counter()
    grade_labels: dict[str, set[str]] = {}
    contra = 0
    edge_ids = {}
    sources: list[dict[str, Any]] = []  # each source once; claims refer to it by index
    source_index: dict[str, int] = {}
    grade_definitions: dict[str, str] = {}
    for i, (u, v, key, data) in enumerate(sorted(graph.edges(keys=True, data=True), key=lambda e: e[2])):
        claim = data["claim"]
        edge_ids[key] = f"e{i}"
        record = claim_record(graph, claim)
        tiers[claim.grade_tier] += 1
        bases[claim.basis] += 1
        if claim.grade:
            grade_labels.setdefault(claim.grade_tier, set()).add(claim.grade.label)
        if claim.verdict:
            verdicts[claim.verdict.tier] += 1
        contra += claim.contraindication
        out_edges.append(
            {
                **_intern(record, sources, source_index, grade_definitions),
                "id": f"e{i}",
                "from": ids[u],
                "to": ids[v],
            }
        )
    legend = {
        "groups": [
            {
                "key": key,
                "label": legend_label(key, label, group_names.get(key, [])),
                "color": color,
                "shape": shape,
                "count": group_counts[key],
            }
            for _c, key, label, color, shape in (*NODE_STYLES, OTHER_STYLE)
            if group_counts[key]
        ],
        "grades": [
            {
                "key": t,
                "label": GRADE_STYLES[t][0],
                "color": GRADE_STYLES[t][1],
                "count": tiers[t],
                "labels": sorted(grade_labels.get(t, ())),
            }
            for t in GRADE_ORDER
            if tiers[t]
        ],
        "bases": [
            {"key": b, "label": BASIS_STYLES[b][0], "dashes": BASIS_STYLES[b][1], "count": bases[b]}
            for b in BASIS_ORDER
            if bases[b]
        ],
        "verdicts": [
            {"key": t, "mark": VERDICT_MARKS[t][0], "label": VERDICT_MARKS[t][1], "count": verdicts[t]}
            for t in VERDICT_MARKS
            if verdicts[t]
        ],
        "contraindication": {**CONTRAINDICATION_STYLE, "count": contra},
    }
    styles = {
        "groups": {
            key: {"color": color, "shape": shape} for _c, key, _l, color, shape in (*NODE_STYLES, OTHER_STYLE)
        },
        "grades": {t: GRADE_STYLES[t][1] for t in GRADE_STYLES},
        "bases": {b: BASIS_STYLES[b][1] for b in BASIS_STYLES},
        "verdicts": {t: VERDICT_MARKS[t][0] for t in VERDICT_MARKS},
        "contraindication": CONTRAINDICATION_STYLE,
        "kinds": SOURCE_KIND_LABELS,
    }
    for path in paths or []:
        path["node_ids"] = [ids[n] for n in path.pop("node_iris")]
        path["edge_ids"] = [edge_ids[k] for k in path.pop("claim_iris") if k in edge_ids]
    return {
        "title": options.title,
        "subtitle": options.subtitle,
        "counts": {"nodes": len(out_nodes), "edges": len(out_edges)},
        "physics": not large,
        "edge_labels": edge_labels,
        "size_by": options.size_by,
        "nodes": out_nodes,
        "edges": out_edges,
        "sources": sources,
        "grade_definitions": grade_definitions,
        "legend": legend,
        "styles": styles,
        "paths": paths or [],
        "highlight": [ids[n] for n in highlight or [] if n in ids],
    }


def _intern(
    record: dict[str, Any], table: list[dict[str, Any]], index: dict[str, int], definitions: dict[str, str]
) -> dict[str, Any]:
    """Replace source records by indexes into ``table`` and grade definitions by their label
    (a large graph repeats the same few sources and grades thousands of times)."""

    def ref(source: dict[str, Any]) -> int:
        if source["iri"] not in index:
            index[source["iri"]] = len(table)
            table.append(source)
        return index[source["iri"]]

    record["sources"] = [ref(s) for s in record["sources"]]
    for verdict in record["verdicts"]:
        verdict["compared_with"] = [ref(s) for s in verdict["compared_with"]]
    for evidence in record["evidence"]:
        evidence["sources"] = [ref(s) for s in evidence["sources"]]
    grade = record["grade"]
    if grade and grade.get("definition"):
        definitions.setdefault(grade["label"], grade["definition"])
        grade["definition"] = None
    return record


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def asset(name: str) -> str:
    return (resources.files("mgkg.views") / "assets" / name).read_text(encoding="utf-8")


def vis_file(name: str) -> str:
    """A file of the vis-network build pyvis ships, located without importing pyvis."""
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("mgkg viz needs the pyvis package (it ships vis-network): pip install pyvis")
    path = Path(next(iter(spec.submodule_search_locations))) / "lib" / VIS_VERSION / name
    if not path.is_file():
        raise DataError(f"pyvis is installed but has no {VIS_VERSION}/{name}; reinstall pyvis>=0.3.2")
    text = path.read_text(encoding="utf-8")
    # the source map is not shipped; a browser with developer tools open would request it
    return re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", text)


def json_for_script(data: Any) -> str:
    """JSON safe to put inside a <script> element (no ``</script>``, ``<!--``, U+2028)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def offline_csp(*scripts: str) -> str:
    """A Content-Security-Policy that runs exactly ``scripts`` (by hash) and fetches nothing."""
    for script in scripts:
        if "</script" in script.lower():
            raise RuntimeError("an inlined script contains '</script'")  # would end the element early
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_sha256(script) for script in scripts),
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def render_html(data: dict[str, Any]) -> str:
    """The page: template + inlined vis-network + our CSS/JS + the data, with a strict CSP."""
    vis_js = vis_file("vis-network.min.js")
    app_js = asset("viz.js")
    csp = offline_csp(vis_js, app_js)
    parts = {
        "CSP": html.escape(csp, quote=True),
        "TITLE": html.escape(data["title"]),
        "VIS_CSS": vis_file("vis-network.css"),
        "APP_CSS": asset("viz.css"),
        "DATA": json_for_script(data),
        "VIS_JS": vis_js,
        "APP_JS": app_js,
    }
    template = asset("viz.html")
    # one pass: text from data is never scanned for placeholders again
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m.group(1)], template)


# ---------------------------------------------------------------------------
# Entry points: views, and an object notebooks display inline
# ---------------------------------------------------------------------------


@dataclass
class VizView:
    """A rendered view. In Jupyter or VS Code it displays inline (a sandboxed iframe)."""

    html: str
    nodes: int
    edges: int
    title: str = ""
    height: int = 640

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        # srcdoc keeps the page (and its CSP) in its own document; sandbox without
        # allow-same-origin keeps it away from the notebook's cookies and storage.
        return (
            f'<iframe title="{html.escape(self.title)}" style="width:100%;height:{int(self.height)}px;'
            f'border:1px solid #ddd" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<VizView {self.title!r}: {self.nodes} entities, {self.edges} claims>"


def default_release(root: Path | None = None) -> Path:
    from mgkg.layout import Paths, project_root

    path = Paths(root or project_root()).release / "mgkg.ttl"
    if not path.is_file():
        raise DataError(f"no release at {path}: run `mgkg build` first, or give --input FILE")
    return path


def load_graph(source: Any = None, root: Path | None = None) -> nx.MultiDiGraph:
    from mgkg.views.model import build_claim_graph

    return build_claim_graph(source if source is not None else default_release(root))


def answer_terms(result: Any) -> list[str]:
    """IRIs in a query result (rows of SELECT, subjects and objects of CONSTRUCT triples)."""
    terms: list[str] = []
    if result.is_graph:
        for triple in result.triples:
            terms += [t.value for t in (triple.subject, triple.object) if type(t).__name__ == "NamedNode"]
    else:
        for row in result.rows:
            terms += [t.value for t in row if t is not None and type(t).__name__ == "NamedNode"]
    return terms


def query_terms(name: str, params: dict[str, str], source: Path, root: Path | None) -> list[str]:
    """IRIs in the answer of catalog query ``name`` (rows of SELECT, triples of CONSTRUCT)."""
    from mgkg.build.catalog import load_catalog
    from mgkg.layout import Paths, project_root
    from mgkg.query import engine as q
    from mgkg.query.store import open_store

    paths = Paths(root or project_root())
    engine = q.LocalEngine(open_store(source, memory=True, root=paths.root))
    return answer_terms(q.run(engine, load_catalog(paths.queries).get(name), params, None))


@dataclass
class View:
    """A chosen view of the claim graph, ready for :func:`view_data`."""

    graph: nx.MultiDiGraph
    options: ViewOptions
    paths: list[dict[str, Any]] | None = None
    highlight: list[str] | None = None


def select_view(
    full: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    query: str | None = None,
    params: dict[str, str] | None = None,
    terms: Any = None,
    path: tuple[str, str] | None = None,
    k: int = 5,
    max_hops: int = 4,
    include_siblings: bool = False,
    size_by: str = "degree",
    physics_threshold: int = PHYSICS_THRESHOLD,
    title: str | None = None,
) -> View:
    """The whole graph, ``focus`` (+ ``depth``), a query's answer or ``path=(A, B)``.

    ``terms(query, params)`` returns the IRIs of a query's answer (it runs the query
    where the caller's graph lives: a release file, an embedded store or an endpoint).
    """
    chosen = [name for name, value in (("--focus", focus), ("--query", query), ("--path", path)) if value]
    if len(chosen) > 1:
        raise UsageError(f"choose one view: {' or '.join(chosen)}")
    options = ViewOptions(size_by=size_by, physics_threshold=physics_threshold)
    if focus:
        from mgkg.views.model import focus_subgraph, resolve

        center = resolve(full, focus)
        label = full.nodes[center]["entity"].label
        options.title = title or f"{label}: everything within {depth} claim{'s' if depth != 1 else ''}"
        return View(focus_subgraph(full, center, depth), options, highlight=[center])
    if query:
        from mgkg.views.model import subgraph_for_terms

        options.title = title or f"query {query}"
        options.subtitle = ", ".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        return View(subgraph_for_terms(full, terms(query, params or {})), options)
    if path:
        from mgkg.views.explain import RANKING, explain, paths_for_view

        result = explain(full, path[0], path[1], k=k, max_hops=max_hops, include_siblings=include_siblings)
        view, paths_data = paths_for_view(full, result)
        options.title = title or f"paths from {result.source_label} to {result.target_label}"
        options.subtitle = RANKING
        return View(view, options, paths=paths_data, highlight=[result.source, result.target])
    options.title = title or options.title
    return View(full, options)


def show(
    source: Any = None,
    *,
    focus: str | None = None,
    depth: int = 1,
    query: str | None = None,
    params: dict[str, str] | None = None,
    path: tuple[str, str] | None = None,
    k: int = 5,
    max_hops: int = 4,
    include_siblings: bool = False,
    size_by: str = "degree",
    physics_threshold: int = PHYSICS_THRESHOLD,
    title: str | None = None,
    root: Path | None = None,
    graph: nx.MultiDiGraph | None = None,
) -> VizView:
    """Render a view: the whole graph, ``focus`` (+ ``depth``), ``query`` or ``path=(A, B)``.

    ``source`` is an RDF file (default: the release), an rdflib Graph, or omitted when
    ``graph`` (a claim graph from :func:`mgkg.views.model.build_claim_graph`) is given.
    The returned :class:`VizView` displays inline in notebooks; ``.save(path)`` writes it.
    """
    full = graph if graph is not None else load_graph(source, root)

    def terms(name: str, query_params: dict[str, str]) -> list[str]:
        release = Path(source) if isinstance(source, str | Path) else default_release(root)
        return query_terms(name, query_params, release, root)

    view = select_view(
        full,
        focus=focus,
        depth=depth,
        query=query,
        params=params,
        terms=terms,
        path=path,
        k=k,
        max_hops=max_hops,
        include_siblings=include_siblings,
        size_by=size_by,
        physics_threshold=physics_threshold,
        title=title,
    )
    data = view_data(view.graph, view.options, paths=view.paths, highlight=view.highlight)
    return VizView(render_html(data), data["counts"]["nodes"], data["counts"]["edges"], view.options.title)
