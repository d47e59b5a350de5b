"""``mgkg viz`` and ``mgkg explain``: the learner's views of the claim graph.

Heavy imports (networkx, the graph model, the HTML renderer) happen inside the command
functions, so other commands never pay for them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mgkg.errors import DataError, UsageError


def _root(args: argparse.Namespace) -> Path | None:
    return Path(args.root).resolve() if getattr(args, "root", None) else None


def _params(pairs: list[str] | None) -> dict[str, str]:

    params = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {pair!r}")
        params[name.strip()] = value
    return params


def _source(args: argparse.Namespace):
    from mgkg.views.viz import default_release

    return Path(args.input) if args.input else default_release(_root(args))


def cmd_viz(args: argparse.Namespace) -> int:
    from mgkg.views.viz import show

    if args.depth is not None and not args.focus:
        raise UsageError("--depth goes with --focus ENTITY")
    if args.param and not args.query:
        raise UsageError("--param goes with --query NAME")
    view = show(
        _source(args),
        focus=args.focus,
        depth=1 if args.depth is None else args.depth,
        query=args.query,
        params=_params(args.param),
        path=tuple(args.path) if args.path else None,
        k=args.k,
        max_hops=args.max_hops,
        include_siblings=args.include_siblings,
        size_by=args.size_by,
        physics_threshold=args.physics_threshold,
        title=args.title,
        root=_root(args),
    )
    out = view.save(args.output)
    print(f"wrote {out} ({view.nodes} entities, {view.edges} claims): {view.title}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from mgkg.views.explain import explain, format_json, format_text, paths_for_view
    from mgkg.views.model import build_claim_graph

    graph = build_claim_graph(_source(args))
    result = explain(
        graph,
        args.source,
        args.target,
        k=args.k,
        max_hops=args.max_hops,
        include_siblings=args.include_siblings,
    )
    text = format_json(graph, result) if args.format == "json" else format_text(graph, result)
    sys.stdout.write(text)
    if args.html:
        from mgkg.views.explain import RANKING
        from mgkg.views.viz import ViewOptions, VizView, render_html, view_data

        view, listing = paths_for_view(graph, result)
        options = ViewOptions(
            title=f"paths from {result.source_label} to {result.target_label}", subtitle=RANKING
        )
        data = view_data(view, options, paths=listing, highlight=[result.source, result.target])
        page = VizView(render_html(data), data["counts"]["nodes"], data["counts"]["edges"], options.title)
        page.save(args.html)
        print(f"wrote {args.html} ({page.nodes} entities, {page.edges} claims)", file=sys.stderr)
    if not result.paths:
        raise DataError(
            f"no path between {result.source_label!r} and {result.target_label!r} "
            f"within {args.max_hops} claims"
        )
    return 0


SIBLINGS_HELP = "also show paths through a shared target of two agents (A -> X <- B), left out by default"


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The learner commands: viz, explain."""
    p = sub.add_parser(
        "viz",
        help="write one offline HTML page that draws the claim graph (or a part of it)",
        description="Write a self-contained HTML view (no network requests): the whole graph, "
        "an entity's neighbourhood (--focus), a catalog query's subgraph (--query) or the "
        "explanation paths between two entities (--path).",
    )
    p.add_argument("--input", help="any RDF file (default: graph/mgkg.ttl)")
    p.add_argument(
        "-o", "--output", default="mgkg-graph.html", help="HTML file to write (default mgkg-graph.html)"
    )
    view = p.add_mutually_exclusive_group()
    view.add_argument(
        "--focus", metavar="ENTITY", help="an entity (label, id or IRI): show its neighbourhood"
    )
    view.add_argument("--query", metavar="NAME", help="a catalog query: show the subgraph its answer names")
    view.add_argument(
        "--path", nargs=2, metavar=("A", "B"), help="show the ranked paths between two entities"
    )
    p.add_argument("--depth", type=int, help="with --focus: how many claims away (default 1)")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="with --query: a query parameter")
    p.add_argument("-k", type=int, default=5, help="with --path: how many paths (default 5)")
    p.add_argument("--max-hops", type=int, default=4, help="with --path: longest path in claims (default 4)")
    p.add_argument("--include-siblings", action="store_true", help="with --path: " + SIBLINGS_HELP)
    p.add_argument(
        "--size-by",
        choices=("degree", "evidence"),
        default="degree",
        help="node size: number of claims (degree) or of distinct sources (evidence)",
    )
    p.add_argument(
        "--physics-threshold",
        type=int,
        default=400,
        help="above this many entities, use a precomputed layout with physics off (default 400)",
    )
    p.add_argument("--title", help="page title")
    p.set_defaults(func=cmd_viz)

    p = sub.add_parser(
        "explain",
        help="ranked, evidence-annotated paths between two entities",
        description="Paths between two entities over the claims, strongest evidence first; each hop "
        "with its claims, grade and why, page passage and sources.",
    )
    p.add_argument("source", metavar="A", help="an entity: label, synonym, id (kg:magnesium) or IRI")
    p.add_argument("target", metavar="B", help="another entity")
    p.add_argument("--input", help="any RDF file (default: graph/mgkg.ttl)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--html", metavar="FILE", help="also write the path view as an offline HTML page")
    p.add_argument("-k", type=int, default=5, help="how many paths (default 5)")
    p.add_argument("--max-hops", type=int, default=4, help="longest path, in claims (default 4)")
    p.add_argument("--include-siblings", action="store_true", help=SIBLINGS_HELP)
    p.set_defaults(func=cmd_explain)
