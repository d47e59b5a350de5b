"""A view of the claim graph as a ``pyvis.network.Network``, for notebook users who know pyvis.

Why not pyvis's own page: its defaults link Bootstrap (and, unless ``in_line``,
vis-network) from a CDN, so a saved page breaks offline, and its template switches
to an ``innerHTML`` popup when a tooltip contains a link, so text from the data could
run as markup. ``mgkg viz`` therefore draws with its own page. This module gives the
same view (same colours, shapes, dashes, arrowheads and widths, from the style tables
in :mod:`mgkg.views.viz`) as a Network object you can restyle, ``save_graph()`` or
``show()``, with its template replaced by ours:

- ``cdn_resources="in_line"``, and the template inlines vis-network (the copy pyvis
  ships) and nothing else: no Bootstrap, no tom-select, no request at all; a
  Content-Security-Policy allows exactly the page's two scripts (by hash) and no
  network;
- nodes, edges and options travel as JSON in ``<script type="application/json">``
  blocks (Jinja's ``tojson`` escapes ``<``, ``>``, ``&``), read with ``JSON.parse``;
- tooltips (``title``) are plain text: vis-network shows a string title with
  ``innerText``, and no code of ours turns it into HTML.

pyvis is imported only here, when a Network is asked for (it imports IPython and
networkx, too slow for the query path).
"""

from __future__ import annotations

import html
from typing import Any

import networkx as nx

from mgkg.views.viz import (
    BASIS_STYLES,
    CONTRAINDICATION_STYLE,
    GRADE_STYLES,
    NODE_STYLES,
    OTHER_STYLE,
    VERDICT_MARKS,
    asset,
    offline_csp,
    select_view,
    view_data,
    vis_file,
)

TEMPLATE_NAME = "mgkg-pyvis.html"


def _template_text() -> str:
    """Our page template with vis-network, our script and the CSP filled in (Jinja syntax kept)."""
    vis_js = vis_file("vis-network.min.js")
    app_js = asset("pyvis.js")
    vis_css = vis_file("vis-network.css")
    for text in (vis_js, app_js, vis_css):
        if "{% endraw %}" in text or "</style" in text.lower():
            raise RuntimeError("an inlined asset would end its element or raw block early")
    csp = offline_csp(vis_js, app_js)
    parts = {"CSP": html.escape(csp, quote=True), "VIS_CSS": vis_css, "VIS_JS": vis_js, "APP_JS": app_js}
    text = asset("pyvis.html")
    for key, value in parts.items():
        text = text.replace("{{" + key + "}}", value, 1)
    return text


def use_offline_template(net: Any) -> Any:
    """Point a pyvis Network at our offline, markup-free template (for files and notebooks)."""
    from jinja2 import DictLoader, Environment

    net.cdn_resources = "in_line"
    net.templateEnv = Environment(loader=DictLoader({TEMPLATE_NAME: _template_text()}), autoescape=True)
    net.path = TEMPLATE_NAME
    net.template = net.templateEnv.get_template(TEMPLATE_NAME)  # what notebook rendering uses
    return net


def _node_title(node: dict[str, Any]) -> str:
    lines = [node["label"]]
    if node.get("types"):
        lines.append(", ".join(node["types"]))
    if node.get("definition"):
        lines.append(node["definition"])
    ids = [x["id"] for x in node.get("external_ids", [])]
    if ids:
        lines.append("identifiers: " + ", ".join(ids))
    return "\n".join(lines)


def _edge_title(edge: dict[str, Any]) -> str:
    grade = edge["grade"]["label"] if edge.get("grade") else "ungraded"
    lines = [
        edge.get("statement")
        or f"{edge['subject']['label']} {edge['predicate']['label']} {edge['object']['label']}",
        f"evidence grade: {grade}" + (" (a direct edge)" if edge.get("asserted_as_edge") else ""),
        "rests on: " + BASIS_STYLES[edge["basis"]][0],
    ]
    if edge.get("passage") and edge["passage"].get("quotation"):
        lines.append(f"page: \u201c{edge['passage']['quotation']}\u201d")
    for verdict in edge.get("verdicts", []):
        lines.append(
            f"citation: {verdict['label']}" + (f" ({verdict['reason']})" if verdict.get("reason") else "")
        )
    return "\n".join(lines)


def _edge_label(edge: dict[str, Any]) -> str:
    label = edge["predicate"]["label"]
    if edge.get("contraindication"):
        label = f"{CONTRAINDICATION_STYLE['mark']} {label}"
    if edge.get("verdict_tier") in VERDICT_MARKS:
        label += " " + VERDICT_MARKS[edge["verdict_tier"]][0]
    return label


def network_from_view(
    data: dict[str, Any], height: str = "640px", width: str = "100%", **network_options: Any
):
    """A pyvis Network of :func:`mgkg.views.viz.view_data` output, styled like ``mgkg viz``."""
    from pyvis.network import Network

    net = Network(height=height, width=width, directed=True, heading=data["title"], **network_options)
    use_offline_template(net)
    styles = {key: (color, shape) for _c, key, _l, color, shape in (*NODE_STYLES, OTHER_STYLE)}
    iri_of = {}
    for node in data["nodes"]:
        color, shape = styles.get(node["group"], styles["other"])
        iri_of[node["id"]] = node["iri"]
        extra = {"x": node["x"], "y": node["y"], "physics": False} if "x" in node else {}
        net.add_node(
            node["iri"],
            label=node["label"],
            title=_node_title(node),
            shape=shape,
            value=node["value"],
            color={
                "background": color,
                "border": "#374151",
                "highlight": {"background": color, "border": "#111827"},
                "hover": {"background": color, "border": "#111827"},
            },
            font={"color": "#1f2937"},
            **extra,
        )
    for edge in data["edges"]:
        color = GRADE_STYLES.get(edge["grade_tier"], GRADE_STYLES["ungraded"])[1]
        arrow = CONTRAINDICATION_STYLE["arrow"] if edge.get("contraindication") else "arrow"
        options = {
            "id": edge["iri"],
            "title": _edge_title(edge),
            "color": {"color": color, "highlight": color, "hover": color, "opacity": 1},
            "dashes": BASIS_STYLES[edge["basis"]][1],
            "width": 3 if edge.get("asserted_as_edge") else 1.5,
            "arrows": {"to": {"enabled": True, "type": arrow}},
            "font": {"color": "#374151"},
        }
        if data["edge_labels"]:
            options["label"] = _edge_label(edge)
        net.add_edge(iri_of[edge["from"]], iri_of[edge["to"]], **options)
    large = not data["physics"]
    net.options = view_options(large=large, improved_layout=not large and len(data["nodes"]) <= 150)
    return net


def view_options(large: bool, improved_layout: bool) -> dict[str, Any]:
    """vis-network options as the ``mgkg viz`` page sets them (physics off for large views)."""
    return {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 13, "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"min": 8, "max": 34, "label": {"enabled": True, "min": 11, "max": 20}},
        },
        "edges": {
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "font": {"size": 10, "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
        },
        "interaction": {"hover": True, "tooltipDelay": 300, "hideEdgesOnDrag": large},
        "layout": {"randomSeed": 7, "improvedLayout": improved_layout},
        "physics": {"enabled": False}
        if large
        else {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 110, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 500, "fit": True},
        },
    }


def to_pyvis(full: nx.MultiDiGraph, *, height: str = "640px", width: str = "100%", **view: Any):
    """The view ``mgkg viz`` would draw as a Network: the whole graph, or ``focus``
    (+ ``depth``), ``query`` (+ ``params``, with ``terms`` to run it) or ``path=(A, B)``;
    the options of :func:`mgkg.views.viz.select_view`."""
    chosen = select_view(full, **view)
    data = view_data(chosen.graph, chosen.options, paths=chosen.paths, highlight=chosen.highlight)
    return network_from_view(data, height=height, width=width)
