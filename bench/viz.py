"""Visualization: page generation and time until the page is interactive in headless Chromium.

Views of N entities (100, 1,000, 5,000) are the first N entities met in a breadth-first
walk from magnesium over the claim graph of a generated graph, so every view is one
connected neighbourhood as ``mgkg viz --focus`` would draw it.

Two pages per view, drawing the same entities and claims:

- **mgkg**: ``mgkg.views.viz.view_data`` + ``render_html`` (physics in the browser up to 400
  entities, then frozen; above that positions precomputed with networkx, physics off);
- **pyvis defaults**: ``pyvis.network.Network()`` with its defaults (undirected, Barnes-Hut
  physics with 1,000 stabilization iterations), ``add_node``/``add_edge`` per entity and
  claim, ``generate_html``. The one change: ``cdn_resources="in_line"``, because the
  default (``"local"``) loads vis-network from a CDN and an offline page never draws.

Both pages are measured the same way, by a script injected before the page's own
(Playwright ``add_init_script``) that wraps ``vis.Network``; times count from navigation
start, capped at a budget:

- **interactive**: the first frame drawn (vis-network draws nothing while it runs its
  stabilization iterations; pyvis shows a loading bar meanwhile);
- **settled**: the layout is at rest (physics off from the start, switched off by the
  page, or vis-network's ``stabilized`` event), waited for a few seconds more;
- **pan frame**: after the first frame, the mouse pans the view and the median draw
  time per frame is recorded (smooth panning needs well under 50 ms).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from .measure import ROOT, environment, summary

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

HOOK = r"""
(() => {
  const B = window.__bench = {created: null, firstDraw: null, iterationsDone: null, stabilized: null,
                              physicsOff: null, interactive: null, settled: null, initialPhysics: null, draws: []};
  const holder = {};
  Object.defineProperty(window, "vis", {configurable: true, get() { return holder; }, set(_v) {}});
  let Wrapped;
  Object.defineProperty(holder, "Network", {configurable: true, enumerable: true,
    get() { return Wrapped; },
    set(Real) {
      Wrapped = class extends Real {
        constructor(container, data, options) {
          super(container, {nodes: [], edges: []}, options);   // listeners first, then the data
          const p = options && options.physics;
          B.initialPhysics = !(p === false || (p && typeof p === "object" && p.enabled === false));
          let start = 0;
          this.on("beforeDrawing", () => { start = performance.now(); });
          this.on("afterDrawing", () => {
            const now = performance.now();
            B.draws.push(now - start);
            if (B.firstDraw === null) { B.firstDraw = now; }
            if (B.interactive === null) { B.interactive = now; }
            if (B.settled === null && (!B.initialPhysics || B.physicsOff !== null)) { B.settled = now; }
          });
          this.on("stabilizationIterationsDone", () => {
            if (B.iterationsDone === null) { B.iterationsDone = performance.now(); }
          });
          this.on("stabilized", () => {
            if (B.stabilized === null) { B.stabilized = performance.now(); }
            if (B.settled === null) { B.settled = performance.now(); }
          });
          const setOptions = this.setOptions.bind(this);
          this.setOptions = (o) => {
            if (o && o.physics && (o.physics === false || o.physics.enabled === false) && B.physicsOff === null) {
              B.physicsOff = performance.now();
            }
            return setOptions(o);
          };
          this.setData(data);
          B.created = performance.now();
        }
      };
    }});
})();
"""


def bfs_views(graph, sizes: list[int], start: str) -> dict[int, object]:
    import networkx as nx

    undirected = nx.Graph(graph)
    order = [start] + [v for _u, v in nx.bfs_edges(undirected, start)]
    seen = set(order)
    order += [n for n in sorted(graph) if n not in seen]  # other components, if a view needs more
    return {n: graph.subgraph(order[:n]).copy() for n in sizes if n <= len(order)}


def mgkg_page(view, title: str) -> str:
    from mgkg.views.viz import ViewOptions, render_html, view_data

    return render_html(view_data(view, ViewOptions(title=title)))


def pyvis_items(view) -> tuple[list[tuple[str, dict]], list[tuple[str, str, dict]]]:
    """Nodes and edges as a pyvis user would add them: label and a hover title."""
    nodes = [
        (str(n), {"label": view.nodes[n]["entity"].label, "title": view.nodes[n]["entity"].label})
        for n in sorted(view)
    ]
    edges = [
        (str(u), str(v), {"title": data["claim"].predicate_label})
        for u, v, _k, data in sorted(view.edges(keys=True, data=True), key=lambda e: e[2])
    ]
    return nodes, edges


def pyvis_page(nodes, edges, fast: bool = False) -> str:
    """pyvis with its defaults (in-line resources); ``fast`` fills the edge list directly,
    which gives the same page without pyvis's quadratic duplicate check."""
    from pyvis.network import Edge, Network

    net = Network(cdn_resources="in_line")
    for node, options in nodes:
        net.add_node(node, **options)
    if fast:
        net.edges = [Edge(u, v, False, **options).options for u, v, options in edges]
    else:
        for u, v, options in edges:
            net.add_edge(u, v, **options)
    return net.generate_html()


def _pyvis_generation_worker(spec: str) -> None:
    """Child process: time pyvis's default generation for a dumped view (see ``run``)."""
    data = json.loads(Path(spec).read_text(encoding="utf-8"))
    started = time.perf_counter()
    import pyvis.network  # noqa: F401  (its import is part of the cost)

    imported = time.perf_counter() - started
    started = time.perf_counter()
    pyvis_page([tuple(n) for n in data["nodes"]], [tuple(e) for e in data["edges"]])
    print(json.dumps({"seconds": time.perf_counter() - started, "import_seconds": imported}))


def time_pyvis_generation(nodes, edges, work: Path, budget: float) -> dict:
    spec = work / "pyvis-view.json"
    spec.write_text(json.dumps({"nodes": nodes, "edges": edges}), encoding="utf-8")
    try:
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-c",
                "import sys; from bench.viz import _pyvis_generation_worker as w; w(sys.argv[1])",
                str(spec),
            ],
            cwd=ROOT,
            env=environment(),
            capture_output=True,
            text=True,
            timeout=budget,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": budget}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1][:300]}
    return json.loads(lines[-1])


def open_page(browser, path: Path, budget: float, settle_budget: float = 5.0) -> dict:
    """Open ``path`` offline; time until interactive; then pan and record frame times."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, offline=True, service_workers="block"
    )
    failed: list[str] = []
    errors: list[str] = []
    try:
        context.add_init_script(HOOK)
        page = context.new_page()
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.resolve().as_uri(), wait_until="commit")
        outcome: dict = {}
        # polled from here: the mgkg page's CSP forbids the eval that wait_for_function uses
        deadline = time.monotonic() + budget
        while page.evaluate("window.__bench ? window.__bench.interactive : null") is None:
            if time.monotonic() > deadline:
                outcome["timeout"] = budget
                break
            page.wait_for_timeout(100)
        if "timeout" not in outcome:
            settle_until = time.monotonic() + settle_budget
            while page.evaluate("window.__bench.settled") is None and time.monotonic() < settle_until:
                page.wait_for_timeout(100)
        state = page.evaluate(
            "({interactive: __bench.interactive, settled: __bench.settled, created: __bench.created,"
            " iterationsDone: __bench.iterationsDone, stabilized: __bench.stabilized, physics: __bench.initialPhysics})"
        )
        outcome.update(
            {k: (v / 1000 if isinstance(v, int | float) and k != "physics" else v) for k, v in state.items()}
        )
        if "timeout" not in outcome:
            canvas = page.locator("canvas").first.bounding_box()
            if canvas:
                page.evaluate("__bench.draws.length = 0")
                x, y = canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2
                page.mouse.move(x, y)
                page.mouse.down()
                for step in range(1, 21):
                    page.mouse.move(x + 12 * step, y + 6 * step)
                page.mouse.up()
                page.wait_for_timeout(300)
                frames = page.evaluate("__bench.draws.slice()")
                if frames:
                    outcome["pan_frame_ms"] = sorted(frames)[len(frames) // 2]
        outcome["failed_requests"] = len(failed)
        outcome["page_errors"] = len(errors)
        return outcome
    finally:
        context.close()


def run(
    graph_path: Path,
    sizes: list[int],
    work: Path,
    repeats: int,
    browser_budget: float,
    pyvis_budget: float,
    browser_repeats: int = 1,
) -> dict:
    """The whole viz suite on the claim graph of ``graph_path``."""
    from mgkg.views.model import build_claim_graph

    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"source": graph_path.name, "views": {}}
    started = time.perf_counter()
    graph = build_claim_graph(graph_path)
    result["claim_graph_seconds"] = time.perf_counter() - started
    result["claim_graph"] = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    views = bfs_views(graph, sizes, "https://w3id.org/mgkg/id/magnesium")
    pages: dict[tuple[int, str], Path] = {}
    for size, view in views.items():
        entry: dict = {"nodes": view.number_of_nodes(), "edges": view.number_of_edges()}
        samples = []
        html = ""
        for _ in range(repeats):
            t0 = time.perf_counter()
            html = mgkg_page(view, f"{size} entities around magnesium")
            samples.append(time.perf_counter() - t0)
        entry["mgkg_generate"] = summary(samples)
        entry["mgkg_bytes"] = len(html.encode("utf-8"))
        pages[(size, "mgkg")] = work / f"mgkg-{size}.html"
        pages[(size, "mgkg")].write_text(html, encoding="utf-8")
        nodes, edges = pyvis_items(view)
        entry["pyvis_generate"] = time_pyvis_generation(nodes, edges, work, pyvis_budget)
        page = pyvis_page(nodes, edges, fast=True)
        entry["pyvis_bytes"] = len(page.encode("utf-8"))
        pages[(size, "pyvis")] = work / f"pyvis-{size}.html"
        pages[(size, "pyvis")].write_text(page, encoding="utf-8")
        result["views"][str(size)] = entry
    if not CHROMIUM.exists():
        result["browser"] = f"skipped: no Chromium at {CHROMIUM}"
        return result
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for (size, kind), path in pages.items():
                runs = [open_page(browser, path, browser_budget) for _ in range(browser_repeats)]
                done = [
                    r["interactive"] for r in runs if "timeout" not in r and r.get("interactive") is not None
                ]
                entry = result["views"][str(size)]
                entry[f"{kind}_browser"] = {
                    "runs": runs,
                    "interactive": summary(done),
                    "timeout": browser_budget if len(done) < len(runs) else None,
                }
        finally:
            browser.close()
    return result
