"""The report: ``docs/benchmarks.md`` (or the quick report) and its plots, from one run's results."""

from __future__ import annotations

import statistics
from pathlib import Path

from . import generate
from .measure import summary
from .virtuoso import BUFFER_BYTES_PER_TRIPLE

ENGINE_NAMES = {
    "mgkg": "mgkg (embedded: cached on-disk store + result formatting)",
    "mgkg-warm": "mgkg, cache already built (open only)",
    "pyoxigraph": "raw pyoxigraph, same on-disk store",
    "pyoxigraph-mem": "raw pyoxigraph, in-memory store",
    "mgkg-mem": "mgkg on an in-memory store (+ result formatting)",
    "virtuoso": "mgkg query --endpoint against Virtuoso 7.2 (+ result formatting)",
    "rdflib": "rdflib",
}
SHORT = {
    "mgkg": "mgkg",
    "mgkg-warm": "mgkg warm",
    "pyoxigraph": "pyoxigraph (disk)",
    "pyoxigraph-mem": "pyoxigraph (memory)",
    "mgkg-mem": "mgkg (memory)",
    "virtuoso": "Virtuoso",
    "rdflib": "rdflib",
}
LOAD_SHORT = {**SHORT, "mgkg": "mgkg (cold: builds the cache)", "pyoxigraph": "pyoxigraph (memory bulk load)"}
GRAPH_LABEL = {"release": "release", "1e4": "10^4", "1e5": "10^5", "1e6": "10^6", "1e7": "10^7"}


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------


def t(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms" if seconds < 0.1 else f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def ts(s: dict | None) -> str:
    """Median (min–max, n)."""
    if not s:
        return "–"
    if s["n"] == 1:
        return t(s["median"])
    return f"{t(s['median'])} ({t(s['min'])}–{t(s['max'])})"


def mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MB"


def x(ratio: float | None, bound: bool = False) -> str:
    if ratio is None:
        return "–"
    text = f"{ratio:.0f}×" if ratio >= 100 else f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"
    return ("> " + text) if bound else text


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def median_of(entry: dict | None) -> float | None:
    if not entry or not entry.get("times"):
        return None
    return summary(entry["times"])["median"]


def graph_label(name: str, graphs: dict) -> str:
    triples = graphs.get(name, {}).get("triples")
    return f"{GRAPH_LABEL.get(name, name)} ({triples:,} triples)" if triples else GRAPH_LABEL.get(name, name)


# ---------------------------------------------------------------------------
# Derived numbers
# ---------------------------------------------------------------------------


def query_ratios(engines: dict, num: str, den: str) -> list[tuple[str, float, bool]]:
    """Per query: (name, num/den, is-lower-bound). A timeout of ``num`` gives a lower bound."""
    a = engines.get(num, {}).get("queries", {})
    b = engines.get(den, {}).get("queries", {})
    out = []
    for name in sorted(b):
        mb_ = median_of(b[name])
        if not mb_:
            continue
        ma = median_of(a.get(name))
        if ma:
            out.append((name, ma / mb_, False))
        elif a.get(name, {}).get("timeout"):
            out.append((name, a[name]["timeout"] / mb_, True))
    return out


def median_ratio(ratios: list[tuple[str, float, bool]]) -> tuple[float | None, bool]:
    if not ratios:
        return None, False
    values = sorted(r for _n, r, _b in ratios)
    med = statistics.median(values)
    # lower bounds can only raise the true values: the median is then a lower bound too
    return med, any(b for _n, _r, b in ratios)


TARGET = "1e6"  # the size the catalog's targets are set at


#: How the explanations name the path rdflib is compared with.
PATH_WORDS = {"mgkg": "on-disk path", "mgkg-mem": "in-memory path"}


def graph_generator(info: dict) -> str:
    """The generator version a graph was made by (results from before it was recorded: 1)."""
    return str(info.get("generator", "1"))


def target_graph(names: list[str]) -> str | None:
    """The graph the targets are judged on: 10^6 when measured, else the largest."""
    return TARGET if TARGET in names else largest(names)


def largest(names: list[str]) -> str | None:
    order = ["release", "1e4", "1e5", "1e6", "1e7"]
    present = [n for n in order if n in names]
    return present[-1] if present else None


def headline(results: dict) -> dict:
    """The numbers the targets are about (at 10^6, else the largest graph measured)."""
    out: dict = {}
    queries = results.get("queries", {})
    g = target_graph(list(queries))
    if g:
        engines = queries[g]
        out["query_graph"] = g
        # rdflib holds the graph in memory, so it is judged against our in-memory path (what
        # `mgkg serve`'s workers run) when that was measured; the on-disk path is a reference.
        path = "mgkg-mem" if engines.get("mgkg-mem", {}).get("queries") else "mgkg"
        out["rdflib_path"] = path
        vs_rdflib = query_ratios(engines, "rdflib", path)
        out["vs_rdflib"] = vs_rdflib
        out["vs_rdflib_median"] = median_ratio(vs_rdflib)
        out["vs_rdflib_disk_median"] = median_ratio(query_ratios(engines, "rdflib", "mgkg"))
        out["slower_than_rdflib"] = [(n, r) for n, r, b in vs_rdflib if r < 1 and not b]
        ours_q = engines.get(path, {}).get("queries", {})
        rdf_q = engines.get("rdflib", {}).get("queries", {})
        # our budget ran out where rdflib answered: slower, by at least budget / rdflib's time
        out["rdflib_answered_ours_timed_out"] = [
            (n, median_of(rdf_q[n]), ours_q[n]["timeout"])
            for n in sorted(ours_q)
            if ours_q[n].get("timeout")
            and median_of(rdf_q.get(n))
            and median_of(rdf_q[n]) < ours_q[n]["timeout"]
        ]
        engine_alone = query_ratios(engines, "rdflib", "pyoxigraph-mem")
        out["engine_alone"] = median_ratio(engine_alone)
        out["engine_alone_min"] = min(engine_alone, key=lambda r: r[1]) if engine_alone else None
        out["overhead"] = query_ratios(engines, "mgkg", "pyoxigraph")
        out["overhead_median"] = median_ratio(out["overhead"])
        out["vs_memory"] = query_ratios(engines, "mgkg", "pyoxigraph-mem")
        out["vs_memory_median"] = median_ratio(out["vs_memory"])
        out["disk_vs_memory"] = median_ratio(query_ratios(engines, "pyoxigraph", "pyoxigraph-mem"))
        ours = engines.get("mgkg", {}).get("queries", {})
        out["ours_timeouts"] = [n for n, r in ours.items() if r.get("timeout")]
        out["both_timeout"] = [
            n
            for n in out["ours_timeouts"]
            if engines.get("rdflib", {}).get("queries", {}).get(n, {}).get("timeout")
        ]
    load = results.get("load", {})
    lg = largest([k for k, v in load.items() if v.get("rdflib", {}).get("time")])
    if lg:
        per = load[lg]
        out["load_graph"] = lg
        ours, rdf = per["mgkg"]["time"], per["rdflib"]["time"]
        out["load_speed"] = rdf["median"] / ours["median"] if ours and rdf else None
        if per["mgkg"].get("peak_mb") and per["rdflib"].get("peak_mb"):
            out["load_memory"] = per["mgkg"]["peak_mb"]["median"] / per["rdflib"]["peak_mb"]["median"]
        raw = per.get("pyoxigraph", {}).get("time")
        out["load_overhead"] = ours["median"] / raw["median"] if ours and raw else None
    commands = results.get("coldstart", {}).get("commands", {})
    query = next((v for k, v in commands.items() if k.startswith("mgkg query")), None)
    base = commands.get("python -c 'import rdflib'")
    if query and base:
        out["coldstart"] = query["median"] / base["median"]
    servers = results.get("endpoint", {}).get("servers", {})
    ours, ox = servers.get("mgkg serve", {}).get("runs"), servers.get("oxigraph server", {}).get("runs")
    if ours and ox:
        out["endpoint"] = {
            k: ours[k]["throughput"] / ox[k]["throughput"] for k in ours if k in ox and ox[k]["throughput"]
        }
    return out


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------


COLOURS = {
    "mgkg": "#1d4ed8",
    "mgkg-warm": "#60a5fa",
    "mgkg-mem": "#7c3aed",
    "pyoxigraph": "#16a34a",
    "pyoxigraph-mem": "#86efac",
    "virtuoso": "#f59e0b",
    "rdflib": "#dc2626",
}
QUERY_ENGINES = ("mgkg", "mgkg-mem", "pyoxigraph", "pyoxigraph-mem", "virtuoso", "rdflib")


def plots(results: dict, images: Path) -> list[str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    images.mkdir(parents=True, exist_ok=True)
    made = []
    graphs = results.get("graphs", {})
    colours = COLOURS
    load = results.get("load", {})
    if load:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        for engine in ("mgkg", "mgkg-warm", "pyoxigraph", "rdflib"):
            xs, ys, ms = [], [], []
            for g, per in load.items():
                entry = per.get(engine, {})
                if entry.get("time"):
                    xs.append(graphs[g]["triples"])
                    ys.append(entry["time"]["median"])
                    ms.append(entry["peak_mb"]["median"])
            if xs:
                order = sorted(range(len(xs)), key=xs.__getitem__)
                xs, ys, ms = [xs[i] for i in order], [ys[i] for i in order], [ms[i] for i in order]
                axes[0].plot(xs, ys, "o-", label=LOAD_SHORT[engine], color=colours[engine])
                if engine != "mgkg-warm":
                    axes[1].plot(xs, ms, "o-", label=LOAD_SHORT[engine], color=colours[engine])
        axes[0].set(
            xscale="log",
            yscale="log",
            xlabel="triples",
            ylabel="load time (s, median)",
            title="Loading a graph",
        )
        axes[1].set(
            xscale="log",
            yscale="log",
            xlabel="triples",
            ylabel="peak RSS (MB)",
            title="Peak memory while loading",
        )
        for ax in axes:
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(images / "bench-load.png", dpi=110)
        plt.close(fig)
        made.append("bench-load.png")
    queries = results.get("queries", {})
    if queries:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        for engine in QUERY_ENGINES:
            xs, total, med, bound = [], [], [], []
            for g, engines in queries.items():
                per = engines.get(engine, {}).get("queries")
                if not per:
                    continue
                values = [median_of(r) or r.get("timeout") or 0 for r in per.values()]
                xs.append(graphs[g]["triples"])
                total.append(sum(values))
                med.append(statistics.median(values))
                bound.append(any(r.get("timeout") for r in per.values()))
            if not xs:
                continue
            order = sorted(range(len(xs)), key=xs.__getitem__)
            xs = [xs[i] for i in order]
            total, med, bound = [total[i] for i in order], [med[i] for i in order], [bound[i] for i in order]
            axes[0].plot(xs, total, "o-", label=SHORT[engine], color=colours[engine])
            axes[1].plot(xs, med, "o-", label=SHORT[engine], color=colours[engine])
            for xi, yi, b in zip(xs, total, bound, strict=True):
                if b:
                    axes[0].annotate(
                        "≥",
                        (xi, yi),
                        textcoords="offset points",
                        xytext=(4, 4),
                        fontsize=9,
                        color=colours[engine],
                    )
        axes[0].set(
            xscale="log",
            yscale="log",
            xlabel="triples",
            ylabel="s (sum of per-query medians)",
            title="The whole catalog (≥: budget hit)",
        )
        axes[1].set(
            xscale="log",
            yscale="log",
            xlabel="triples",
            ylabel="s (median over queries)",
            title="A typical catalog query",
        )
        for ax in axes:
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(images / "bench-queries.png", dpi=110)
        plt.close(fig)
        made.append("bench-queries.png")
        g = target_graph(list(queries))
        ratios = sorted(query_ratios(queries[g], "rdflib", "mgkg"), key=lambda r: r[1])
        over = dict((n, r) for n, r, _b in query_ratios(queries[g], "mgkg", "pyoxigraph"))
        if ratios:
            fig, axes = plt.subplots(1, 2, figsize=(11, 0.28 * len(ratios) + 1.5), sharey=True)
            names = [n for n, _r, _b in ratios]
            axes[0].barh(
                names,
                [r for _n, r, _b in ratios],
                color=["#f59e0b" if b else ("#dc2626" if r < 1 else "#1d4ed8") for _n, r, b in ratios],
            )
            axes[0].axvline(1, color="black", lw=0.8)
            axes[0].axvline(20, color="grey", lw=0.8, ls="--")
            axes[0].set(
                xscale="log",
                xlabel="rdflib time / mgkg time (orange: rdflib hit its budget)",
                title=f"mgkg vs rdflib, {GRAPH_LABEL[g]}",
            )
            axes[1].barh(names, [over.get(n, float("nan")) for n in names], color="#16a34a")
            axes[1].axvline(1.3, color="grey", lw=0.8, ls="--")
            axes[1].set(xlabel="mgkg time / raw pyoxigraph time (same store)", title="Our overhead")
            for ax in axes:
                ax.grid(True, axis="x", which="both", alpha=0.3)
                ax.tick_params(axis="y", labelsize=8)
            fig.tight_layout()
            fig.savefig(images / "bench-query-ratios.png", dpi=110)
            plt.close(fig)
            made.append("bench-query-ratios.png")
        big = largest(list(queries))
        if big and scale_of(big) > scale_of(TARGET):
            made.append(_per_query_plot(plt, queries[big], big, images))
    viz = results.get("viz", {}).get("views", {})
    if viz and any("mgkg_browser" in v for v in viz.values()):
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        sizes = sorted(int(k) for k in viz)
        for kind, colour in (("mgkg", colours["mgkg"]), ("pyvis", colours["rdflib"])):
            gen = []
            for n in sizes:
                v = viz[str(n)]
                gen.append(
                    v["mgkg_generate"]["median"] if kind == "mgkg" else v["pyvis_generate"].get("seconds")
                )
            axes[0].plot(sizes, [g if g else float("nan") for g in gen], "o-", color=colour, label=kind)
            inter = []
            for n in sizes:
                b = viz[str(n)].get(f"{kind}_browser", {})
                runs = b.get("runs", [])
                value = (
                    b.get("interactive", {}) and b["interactive"]["median"] if b.get("interactive") else None
                )
                if value is None and runs:
                    value = runs[0].get("timeout")
                inter.append(value if value else float("nan"))
            axes[1].plot(
                sizes, inter, "o-", color=colour, label=kind + (" (defaults)" if kind == "pyvis" else "")
            )
        axes[0].set(
            xscale="log", yscale="log", xlabel="entities in the view", ylabel="s", title="Generating the page"
        )
        axes[1].set(
            xscale="log",
            yscale="log",
            xlabel="entities in the view",
            ylabel="s from navigation",
            title="Until the first frame in headless Chromium (cap = budget)",
        )
        for ax in axes:
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(images / "bench-viz.png", dpi=110)
        plt.close(fig)
        made.append("bench-viz.png")
    return made


def scale_of(name: str) -> float:
    return {"release": 0.0, "1e4": 1e4, "1e5": 1e5, "1e6": 1e6, "1e7": 1e7}.get(name, 0.0)


def _per_query_plot(plt, engines: dict, graph: str, images: Path) -> str:
    """Every catalog query on one graph, each engine a bar; a query past its budget is drawn
    at the budget, hatched (a lower bound)."""
    present = [e for e in QUERY_ENGINES if engines.get(e, {}).get("queries")]
    names = sorted({n for e in present for n in engines[e]["queries"]})
    height = 0.8 / max(1, len(present))
    fig, ax = plt.subplots(figsize=(11, 0.42 * len(names) + 1.6))
    for i, engine in enumerate(present):
        per = engines[engine]["queries"]
        for j, name in enumerate(names):
            r = per.get(name, {})
            value, bound = median_of(r), False
            if value is None and r.get("timeout"):
                value, bound = r["timeout"], True
            if value is None:
                continue
            ax.barh(
                j + (i - (len(present) - 1) / 2) * height,
                value,
                height=height,
                color=COLOURS[engine],
                hatch="///" if bound else None,
                edgecolor="black" if bound else COLOURS[engine],
                linewidth=0.3,
                label=SHORT[engine],
            )
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1.0, color="grey", lw=0.8, ls="--")
    ax.set(
        xscale="log",
        xlabel="s (median; hatched: past the budget, drawn at the budget)",
        title=f"Every catalog query at {GRAPH_LABEL[graph]} triples",
    )
    ax.grid(True, axis="x", which="both", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    seen = dict(zip(labels, handles, strict=True))
    ax.legend(seen.values(), seen.keys(), fontsize=8, loc="lower right")
    fig.tight_layout()
    name = f"bench-queries-{graph}.png"
    fig.savefig(images / name, dpi=100)
    plt.close(fig)
    return name


# ---------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------


def status(ok: bool | None) -> str:
    return "pending" if ok is None else ("**met**" if ok else "**missed**")


def write(results: dict, out: Path, images: Path, data: Path) -> None:
    made = plots(results, images)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(results, made, images, out, data), encoding="utf-8")


def _rel(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path, start)


def render(results: dict, made: list[str], images: Path, out: Path, data: Path) -> str:
    h = headline(results)
    graphs = results.get("graphs", {})
    full = results.get("mode") == "full"
    m = results.get("machine", {})
    parts: list[str] = []
    add = parts.append
    add("# Benchmarks\n\n")
    add(
        "<!-- generated by `make bench` (bench/report.py) from bench/results/full.json: do not edit by hand -->\n\n"
        if full
        else "<!-- generated by `make bench-quick` (bench/report.py) -->\n\n"
    )
    add(
        "Why mgkg builds with rdflib but queries with pyoxigraph, loads the release into a cached "
        "store, precomputes layouts for large views and serves from worker processes: measured here, "
        "every engine against its baseline **in the same run on the same machine**, on the real "
        "release and on graphs generated in its shape at 10^4 to 10^7 triples (the targets are set at "
        "10^6). "
        "Ratios are what to compare across machines; absolute times are this machine's.\n\n"
    )
    add(
        f"Run: {results.get('mode')} mode, {results.get('started')}, "
        f"{results.get('duration_seconds', 0) / 60:.1f} minutes. Raw numbers: `{_rel(data, out.parent)}`.\n\n"
    )
    add(
        "Machine: "
        + ", ".join(
            filter(
                None,
                [
                    f"{m.get('cpus')} CPUs ({m.get('cpu')})",
                    f"{m.get('memory_gb')} GB RAM",
                    m.get("platform"),
                    f"Python {m.get('python')}",
                ],
            )
        )
        + ". "
    )
    add("Versions: " + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()))
    if m.get("chromium"):
        add(f", {m['chromium']}")
    if m.get("oxigraph_server"):
        add(f", Oxigraph server {m['oxigraph_server']}")
    add(".\n\n")

    # ---- targets
    add("## Targets\n\n")
    rows = []
    qg = h.get("query_graph")
    if qg:
        med, bound = h["vs_rdflib_median"]
        slower = h["slower_than_rdflib"]
        rows.append(
            [
                f"catalog queries ≥ 20× faster than rdflib at the median ({GRAPH_LABEL[qg]}"
                + (", both in memory)" if h["rdflib_path"] == "mgkg-mem" else ")"),
                x(med, bound) + (" (a lower bound: rdflib hit its budget)" if bound else "")
                if med is not None
                else "rdflib not measured in this run",
                status(med >= 20) if med is not None else "**not measured**",
            ]
        )
        late = h.get("rdflib_answered_ours_timed_out", [])
        never = [f"`{n}` ({x(r)})" for n, r in slower] + [
            f"`{n}` (rdflib {t(rt)}, mgkg > {t(b)})" for n, rt, b in late
        ]
        measured_rdflib = bool(h.get("vs_rdflib"))
        rows.append(
            [
                f"… and never slower than rdflib ({GRAPH_LABEL[qg]})",
                ("slower on " + ", ".join(never))
                if never
                else ("never slower" if measured_rdflib else "rdflib not measured in this run"),
                status(not never) if measured_rdflib else "**not measured**",
            ]
        )
        dm, d_bound = h["vs_rdflib_disk_median"]
        if h["rdflib_path"] == "mgkg-mem" and dm is not None:
            rows.append(
                [
                    f"(reference, not a target) rdflib / our on-disk path, `mgkg query`'s ({GRAPH_LABEL[qg]})",
                    x(dm, d_bound) + " at the median",
                    "–",
                ]
            )
        om, _b = h["overhead_median"]
        rows.append(
            [
                f"our overhead over raw pyoxigraph ≤ 1.3× at the median ({GRAPH_LABEL[qg]}), same on-disk store",
                x(om),
                status(om is not None and om <= 1.3),
            ]
        )
        mm, _b = median_ratio(
            query_ratios(results.get("queries", {}).get(qg, {}), "mgkg-mem", "pyoxigraph-mem")
        )
        if mm is not None:
            rows.append(
                [
                    f"our overhead over raw pyoxigraph ≤ 1.3× at the median ({GRAPH_LABEL[qg]}), both in memory",
                    x(mm),
                    status(mm <= 1.3),
                ]
            )
            mem_q = results["queries"][qg].get("mgkg-mem", {}).get("queries", {})
            over = [n for n, r in mem_q.items() if (median_of(r) or r.get("timeout") or 0) >= 1.0]
            rows.append(
                [
                    f"every catalog query under 1 s in memory ({GRAPH_LABEL[qg]})",
                    f"{len(mem_q) - len(over)} of {len(mem_q)}"
                    + (f"; not: {', '.join(over)}" if over else ""),
                    status(not over),
                ]
            )
        vm, _b = h["vs_memory_median"]
        if vm is not None:
            rows.append(
                [
                    f"(reference, not a target) our on-disk path vs raw pyoxigraph in memory ({GRAPH_LABEL[qg]})",
                    x(vm),
                    "–",
                ]
            )
        ea, ea_bound = h.get("engine_alone", (None, False))
        if ea is not None:
            low = h.get("engine_alone_min")
            rows.append(
                [
                    "(reference, not a target) the engines alone: rdflib / raw pyoxigraph in memory "
                    f"({GRAPH_LABEL[qg]})",
                    x(ea, ea_bound)
                    + " at the median"
                    + (f"; lowest {x(low[1])} (`{low[0]}`)" if low else ""),
                    "–",
                ]
            )
    big = largest(list(results.get("queries", {})))
    if big and scale_of(big) > scale_of(TARGET):
        rows.append(_scale_target(results, big))
    if h.get("load_graph"):
        lg = GRAPH_LABEL[h["load_graph"]]
        rows.append(
            [
                f"load ≥ 5× faster than rdflib ({lg})",
                x(h.get("load_speed")),
                status(h.get("load_speed") is not None and h["load_speed"] >= 5),
            ]
        )
        rows.append(
            [
                f"load peak memory ≤ 0.7× rdflib's ({lg})",
                x(h.get("load_memory")),
                status(h.get("load_memory") is not None and h["load_memory"] <= 0.7),
            ]
        )
    if "endpoint" in h:
        worst = min(h["endpoint"].values())
        rows.append(
            [
                "endpoint throughput ≥ 1.0× the Oxigraph server's (every query and client count)",
                ", ".join(f"{k}: {x(v)}" for k, v in h["endpoint"].items()),
                status(worst >= 1.0),
            ]
        )
    elif results.get("endpoint", {}).get("pending"):
        rows.append(["endpoint throughput ≥ 1.0× the Oxigraph server's", "pending", "pending"])
    if "coldstart" in h:
        rows.append(
            [
                '`mgkg query` cold start ≤ 2× `python -c "import rdflib"`',
                x(h["coldstart"]),
                status(h["coldstart"] <= 2),
            ]
        )
    modules = results.get("coldstart", {}).get("modules", {})
    if modules:
        heavy = [k for k in ("pyvis", "pyshacl", "networkx") if modules.get(k)]
        rows.append(
            [
                "pyvis, pyshacl, networkx off the query path",
                "imported: " + ", ".join(heavy) if heavy else "none imported",
                status(not heavy),
            ]
        )
    add(table(["target", "measured", ""], rows))
    add(
        "\nWhere a target is missed, [Why targets are missed](#why-targets-are-missed) says why, with the "
        "measurement that shows it.\n\n"
    )

    # ---- graphs
    add("## The graphs\n\n")
    add(
        "`bench/generate.py` scales the release's shape (same classes, predicates, claim and evidence "
        "structure, label text from the release with one word replaced and entities qualified, new "
        "identifiers; see its docstring); the same seed gives byte-identical Turtle.\n\n"
    )
    rows = []
    for name, info in graphs.items():
        rows.append(
            [
                GRAPH_LABEL.get(name, name),
                f"{info['triples']:,}",
                f"{info['bytes'] / 2**20:.1f} MB",
                t(info.get("seconds")) if info.get("seconds") else ("cached" if info.get("cached") else "–"),
                "–" if name == "release" else graph_generator(info),
            ]
        )
    add(table(["graph", "triples", "Turtle", "generated in", "generator"], rows))
    older = [
        GRAPH_LABEL.get(n, n)
        for n, info in graphs.items()
        if n != "release" and graph_generator(info) != generate.GENERATOR_VERSION
    ]
    if older:
        add(
            f"\n{', '.join(older)}: measured on a graph from an earlier generator (the *generator* "
            f"column; this one is version {generate.GENERATOR_VERSION}, see `GENERATOR_VERSION` in "
            "`bench/generate.py` for what changed); compare those numbers with other graphs' with care.\n"
        )

    # ---- load
    load = results.get("load", {})
    if load:
        add("\n## Loading\n\n")
        add(
            "Each engine in its own process, medians (min–max) of repeated runs. **mgkg** is the embedded "
            "path (`mgkg.query.store.open_store`: hash the file, bulk-load it into an on-disk store under the "
            "cache, open it read-only), the cost of the first query after a build; **mgkg warm** opens "
            "that cache, the cost of every later query; **pyoxigraph** is a raw in-memory "
            "`Store().bulk_load`; **rdflib** is `Graph().parse`. Peak RSS is the process's (interpreter "
            "and imports included; their size is the baseline column).\n\n"
        )
        again = results.get("refreshed", {}).get("load", {})
        if again:
            add(
                "**Measured again**: "
                + "; ".join(f"{GRAPH_LABEL.get(g, g)} on {at}" for g, at in again.items())
                + (
                    f"; the other graphs are from the run of {results.get('started', '?')}"
                    if set(load) - set(again)
                    else ""
                )
                + ".\n\n"
            )
        rows = []
        for name, per in load.items():
            rdf = per.get("rdflib", {})
            for engine in ("mgkg", "mgkg-warm", "pyoxigraph", "rdflib"):
                e = per.get(engine, {})
                if e.get("skipped"):
                    rows.append(
                        [GRAPH_LABEL[name], LOAD_SHORT[engine], "not run: " + e["skipped"], "", "", ""]
                    )
                    continue
                if not e.get("time"):
                    rows.append(
                        [
                            GRAPH_LABEL[name],
                            LOAD_SHORT[engine],
                            "failed: " + "; ".join(e.get("errors", [])),
                            "",
                            "",
                            "",
                        ]
                    )
                    continue
                speed = rdf["time"]["median"] / e["time"]["median"] if rdf.get("time") else None
                mem = e["peak_mb"]["median"] / rdf["peak_mb"]["median"] if rdf.get("peak_mb") else None
                rows.append(
                    [
                        GRAPH_LABEL[name],
                        LOAD_SHORT[engine],
                        ts(e["time"]),
                        mb(e["peak_mb"]["median"]),
                        mb(e["base_mb"]["median"]),
                        f"{x(speed)} / {x(mem)}" if engine != "rdflib" and speed else "",
                    ]
                )
        add(table(["graph", "engine", "time", "peak RSS", "baseline RSS", "vs rdflib: speed / memory"], rows))
        if "bench-load.png" in made:
            add(
                f"\n![Load time and peak memory against graph size]({_rel(images / 'bench-load.png', out.parent)})\n"
            )

    # ---- queries
    queries = results.get("queries", {})
    if queries:
        add("\n## Catalog queries\n\n")
        again = {
            g: v for g, v in results.get("refreshed", {}).get("queries", {}).items() if isinstance(v, dict)
        }
        if again:
            which = "; ".join(
                f"{graph_label(g, graphs)} on {v['at']}: {', '.join(v['engines'])}" for g, v in again.items()
            )
            older = [g for g in queries if g not in again]
            add(
                f"**Measured again** after the catalog's queries were rewritten: {which}."
                + (
                    f" The other graphs ({', '.join(GRAPH_LABEL.get(g, g) for g in older)}) are from the run "
                    f"of {results.get('started', '?')}, with the queries and release as they were then; "
                    "compare ratios within one graph only."
                    if older
                    else ""
                )
                + "\n\n"
            )
        add(
            "Every query of `queries/*.rq` with its default parameters, on every graph, each engine in its own "
            "process, producing the same answer document: **mgkg** is our path as `mgkg query NAME "
            "--format json` runs it (bind parameters, `LocalEngine.run`, `mgkg.query.engine.serialize`; "
            "N-Triples for CONSTRUCT); **pyoxigraph** runs `Store.query` on the text our path sends (the "
            "parameters as a VALUES block opening the WHERE group) on the "
            "same read-only on-disk store and serializes with pyoxigraph; **pyoxigraph (memory)** does the "
            "same on an in-memory store; **mgkg (memory)** is our path on an in-memory store (what a "
            "long-lived process would use); **Virtuoso** is our path against Virtuoso 7.2 (`mgkg query "
            "--endpoint --graph`, HTTP included), started on a new database and loaded with `mgkg push` or its bulk loader ([Virtuoso](#virtuoso)); "
            "**rdflib** runs `Graph.query` with `initBindings` and its own "
            "serializer. A query repeats up to 5 times (a warm-up run is dropped) until its budget is "
            "spent; rdflib runs each query in a forked child killed at its budget (25× our median, "
            f"between {results['config']['rdflib_budget'][0]:g} and {results['config']['rdflib_budget'][1]:g} s), "
            f"the pyoxigraph engines get {results['config']['budget']:g} s; "
            "**“> budget” is a lower bound**, and so is any ratio computed from it. Row counts are "
            "compared across engines.\n\n"
        )
        rows = []
        for g, engines in queries.items():
            vs = query_ratios(engines, "rdflib", "mgkg")
            med, bound = median_ratio(vs)
            over, _ = median_ratio(query_ratios(engines, "mgkg", "pyoxigraph"))
            mem, _ = median_ratio(query_ratios(engines, "mgkg", "pyoxigraph-mem"))
            totals = {}
            for engine, data_ in engines.items():
                per = data_.get("queries", {})
                totals[engine] = (
                    sum(median_of(r) or r.get("timeout") or 0 for r in per.values()),
                    any(r.get("timeout") for r in per.values()),
                )
            slower = sum(1 for _n, r, b in vs if r < 1 and not b)
            rows.append(
                [
                    graph_label(g, graphs),
                    *[
                        ("≥ " if totals.get(e, (0, False))[1] else "") + t(totals[e][0])
                        if e in totals
                        else "–"
                        for e in ("mgkg", "mgkg-mem", "pyoxigraph", "pyoxigraph-mem", "virtuoso", "rdflib")
                    ],
                    x(med, bound),
                    str(slower),
                    x(over),
                    x(mem),
                    x(median_ratio(query_ratios(engines, "mgkg-mem", "pyoxigraph-mem"))[0]),
                ]
            )
        add(
            table(
                [
                    "graph",
                    "mgkg (sum)",
                    "mgkg memory (sum)",
                    "pyoxigraph disk (sum)",
                    "pyoxigraph memory (sum)",
                    "Virtuoso (sum)",
                    "rdflib (sum)",
                    "rdflib/mgkg (median)",
                    "queries where rdflib is faster",
                    "mgkg/raw disk (median)",
                    "mgkg/raw memory (median)",
                    "mgkg memory/raw memory (median)",
                ],
                rows,
            )
        )
        for image, alt in (
            ("bench-queries.png", "Catalog time against graph size"),
            ("bench-query-ratios.png", "Per-query ratios on the largest graph"),
        ):
            if image in made:
                add(f"\n![{alt}]({_rel(images / image, out.parent)})\n")
        detailed = [n for n in (TARGET, "1e7") if n in queries] or [largest(list(queries))]
        for g in detailed:
            engines = queries[g]
            add(f"\n### Every query at {graph_label(g, graphs)}\n\n")
            add(_run_note(results, g, engines))
            rows = []
            ours = engines.get("mgkg", {}).get("queries", {})
            for name in sorted(ours):
                cells = [f"`{name}`", _rows(engines, name)]
                for engine in ("mgkg", "mgkg-mem", "pyoxigraph", "pyoxigraph-mem", "virtuoso", "rdflib"):
                    r = engines.get(engine, {}).get("queries", {}).get(name)
                    if r is None:
                        cells.append("–")
                    elif r.get("times"):
                        cells.append(ts(summary(r["times"])))
                    elif r.get("timeout"):
                        cells.append(f"> {t(r['timeout'])}")
                    else:
                        cells.append("error: " + str(r.get("error", ""))[:60])
                mo = median_of(ours[name])
                rr = engines.get("rdflib", {}).get("queries", {}).get(name, {})
                rm = median_of(rr)
                raw = median_of(engines.get("pyoxigraph", {}).get("queries", {}).get(name))
                if mo and rm:
                    cells.append(x(rm / mo))
                elif mo and rr.get("timeout"):
                    cells.append(x(rr["timeout"] / mo, True))
                else:
                    cells.append("–")
                cells.append(x(mo / raw) if mo and raw else "–")
                rows.append(cells)
            add(
                table(
                    [
                        "query",
                        "rows",
                        "mgkg",
                        "mgkg memory",
                        "pyoxigraph disk",
                        "pyoxigraph memory",
                        "Virtuoso",
                        "rdflib",
                        "rdflib/mgkg",
                        "mgkg/raw",
                    ],
                    rows,
                )
            )
            if f"bench-queries-{g}.png" in made:
                image = images / f"bench-queries-{g}.png"
                add(f"\n![Every catalog query at {GRAPH_LABEL[g]}]({_rel(image, out.parent)})\n")

    # ---- the slowest queries, pattern by pattern
    patterns = results.get("patterns", {})
    if patterns.get("patterns"):
        add(f"\n### The slowest five at {graph_label(patterns['graph'], graphs)}, pattern by pattern\n\n")
        add(
            "pyoxigraph has no EXPLAIN; this is its equivalent in numbers: each triple pattern of the "
            "query (parameters bound), how many triples match it alone on an in-memory store and how "
            "long finding them takes. A query is fast when it starts from its smallest patterns and "
            "joins the large ones by bound variables; the largest few are listed.\n\n"
        )
        for name, rows in patterns["patterns"].items():
            seconds = patterns.get("seconds", {}).get(name)
            add(f"`{name}` ({t(seconds) if seconds else '–'}):\n\n")
            top = sorted(rows, key=lambda r: -r["matches"])[:6]
            add(
                table(
                    ["pattern", "matches", "time"],
                    [[f"`{r['pattern'][:110]}`", f"{r['matches']:,}", t(r["seconds"])] for r in top],
                )
            )
            add("\n")

    add(scale_section(results))
    add(virtuoso_section(results))

    # ---- build
    build = results.get("build", {})
    if build.get("stages"):
        add("\n## Building the real graph\n\n")
        add(
            "`mgkg build`'s stages as `mgkg.build.pipeline.build` runs them, in a fresh process each time (the "
            "release files written to a temporary directory); `mgkg validate` is the whole command "
            "(everything but writing), interpreter start included.\n\n"
        )
        rows = [[stage, ts(s)] for stage, s in build["stages"].items()]
        total = sum(s["median"] for s in build["stages"].values())
        rows.append(["**total of the stages**", t(total)])
        if build.get("validate_cli"):
            rows.append(["`mgkg validate` (command, wall time)", ts(build["validate_cli"])])
        add(table(["stage", "time"], rows))
        add(f"\n{build.get('triples', 0):,} triples; peak RSS {mb(build.get('peak_mb'))}.\n")

    # ---- viz
    viz = results.get("viz", {})
    if viz.get("views"):
        add("\n## Visualization\n\n")
        add(
            f"Views of the first N entities met walking out from magnesium in the claim graph of the "
            f"{GRAPH_LABEL.get(viz_graph(results), '')} graph ({viz.get('claim_graph', {}).get('nodes', 0):,} "
            f"entities, {viz.get('claim_graph', {}).get('edges', 0):,} claims; building that claim graph took "
            f"{t(viz.get('claim_graph_seconds'))}). **mgkg**: `mgkg.views.viz` (physics in the browser up to 400 "
            "entities, then frozen; above, a networkx layout computed in Python and physics off). **pyvis "
            "defaults**: `pyvis.network.Network()` (undirected, Barnes-Hut physics, 1,000 stabilization "
            'iterations) with `add_node`/`add_edge` and `generate_html`, `cdn_resources="in_line"` being '
            "the only change (with the default the page loads vis-network from a CDN and never draws "
            "offline). Browser times count from navigation start in headless Chromium (offline context), "
            "measured by the same injected hook on both pages: *interactive* is the first frame drawn "
            "(vis-network draws nothing while it stabilizes), *settled* is the layout at rest; *pan frame* "
            "is the median draw time while the mouse pans.\n\n"
        )
        rows = []
        for _size, v in sorted(viz["views"].items(), key=lambda kv: int(kv[0])):
            for kind in ("mgkg", "pyvis"):
                gen = (
                    v["mgkg_generate"] and ts(v["mgkg_generate"])
                    if kind == "mgkg"
                    else (
                        t(v["pyvis_generate"].get("seconds"))
                        if v["pyvis_generate"].get("seconds") is not None
                        else f"> {v['pyvis_generate'].get('timeout', '?')} s"
                    )
                )
                b = v.get(f"{kind}_browser", {})
                run = (b.get("runs") or [{}])[0]
                if not b:
                    inter = settled = pan = "not measured"
                elif run.get("timeout"):
                    inter = f"> {run['timeout']:g} s"
                    settled = pan = "–"
                else:
                    inter = t(run.get("interactive"))
                    settled = t(run.get("settled")) if run.get("settled") else "not within 5 s more"
                    pan = f"{run['pan_frame_ms']:.0f} ms" if run.get("pan_frame_ms") is not None else "–"
                rows.append(
                    [
                        f"{v['nodes']:,} / {v['edges']:,}",
                        "mgkg" if kind == "mgkg" else "pyvis defaults",
                        gen,
                        f"{v[f'{kind}_bytes'] / 2**20:.1f} MB",
                        inter,
                        settled,
                        pan,
                    ]
                )
        add(
            table(
                ["entities / claims", "page", "generate", "page size", "interactive", "settled", "pan frame"],
                rows,
            )
        )
        if "bench-viz.png" in made:
            add(
                f"\n![Viz generation and time to interactive]({_rel(images / 'bench-viz.png', out.parent)})\n"
            )
        if isinstance(viz.get("browser"), str):
            add(f"\nBrowser: {viz['browser']}.\n")

    # ---- endpoint
    endpoint = results.get("endpoint", {})
    add("\n## The endpoint\n\n")
    if endpoint.get("pending"):
        add(f"**Pending**: {endpoint['pending']}.\n")
    elif endpoint.get("error"):
        add(f"**Failed**: {endpoint['error']}\n")
    elif endpoint.get("servers"):
        refreshed = results.get("refreshed", {})
        if "endpoint" in refreshed.get("suites", []):
            add(f"Measured {refreshed['at']} (`make bench-endpoint`), after the rest of this report.\n\n")
        add(
            f"`mgkg serve` (defaults: {endpoint.get('cpus')} CPUs → its default worker count; its answer "
            "cache off for the comparison, `--cache 0`, and on as a separate server) against the "
            "Oxigraph server (`oxigraph load` + `oxigraph serve`) on the same data "
            f"({GRAPH_LABEL.get(results['config']['endpoint_graph'], '')}), one server at a time, loopback. "
            "Clients are threads on keep-alive connections, each from a loopback address of its own "
            "(so that `mgkg serve` sees distinct clients), sending the same form-encoded POST (SPARQL "
            f"JSON results) back to back for {results['config']['endpoint_duration']:g} s after a "
            f"{results['config'].get('endpoint_warmup', 1.0):g} s warm-up: "
            + ", ".join(f"{k} = `{v}`" for k, v in endpoint.get("queries", {}).items())
            + ".\n\n"
        )
        rows = []
        for name, server in endpoint["servers"].items():
            if "error" in server:
                rows.append([name, "failed: " + server["error"], "", "", "", "", ""])
                continue
            for key, r in server["runs"].items():
                rows.append(
                    [
                        name,
                        key.split("/")[0],
                        key.split("/")[1],
                        f"{r['throughput']:,.0f}/s",
                        t(r["p50"]),
                        t(r["p99"]),
                        str(r["errors"]),
                    ]
                )
        add(table(["server", "query", "clients", "throughput", "p50", "p99", "errors"], rows))
        if "endpoint" in h:
            add(
                "\nThroughput ratio mgkg/Oxigraph, cache off: "
                + ", ".join(f"{k} {x(v)}" for k, v in h["endpoint"].items())
                + ".\n"
            )
        cached = endpoint["servers"].get("mgkg serve (cache on)", {}).get("runs")
        oxigraph = endpoint["servers"].get("oxigraph server", {}).get("runs")
        if cached and oxigraph:
            add(
                "Cache on (identical requests answered from the cache): "
                + ", ".join(
                    f"{k} {x(cached[k]['throughput'] / oxigraph[k]['throughput'])}"
                    for k in cached
                    if k in oxigraph and oxigraph[k]["throughput"]
                )
                + ".\n"
            )
        profile = endpoint.get("profile")
        servers = endpoint["servers"]
        if (
            profile
            and "runs" in servers.get("mgkg serve (cache on)", {})
            and "runs" in servers.get("mgkg serve", {})
        ):
            hit = servers["mgkg serve (cache on)"]["runs"].get("cheap/1", {}).get("p50")
            whole = servers["mgkg serve"]["runs"].get("cheap/1", {}).get("p50")
            ox_p50 = servers.get("oxigraph server", {}).get("runs", {}).get("cheap/1", {}).get("p50")
            if hit and whole:
                counted = hit + profile["pool_round_trip"] + profile["worker"]
                add(
                    "\nWhere a cheap request's time goes (one client, cache off, medians): "
                    f"{t(whole)} in all. The HTTP layer and the server's own work, measured as a cache "
                    f"hit: {t(hit)}; the round trip to a worker (pipes, pickling; an `ASK {{}}`): "
                    f"{t(profile['pool_round_trip'])}; in the worker, the query's checks, the engine and "
                    f"its JSON writer: {t(profile['worker'])}, of which pyoxigraph alone (query and "
                    f"writer) {t(profile['engine_and_writer'])}. These parts add up to {t(counted)}; the "
                    f"other {t(max(0.0, whole - counted))} is not attributed (hand-overs between the "
                    "server's event loop, the thread that waits on the worker and the worker process, "
                    "on cores shared with the clients)."
                    + (
                        f" The Oxigraph server answers the whole request in {t(ox_p50)}: the HTTP layer "
                        f"alone takes {hit / ox_p50:.1f}× that, so a cheap query cannot reach 1× through "
                        "a Python HTTP layer and a worker process; heavy queries, where the engine's time "
                        "dominates, do."
                        if ox_p50
                        else ""
                    )
                    + "\n"
                )
        mixed = endpoint.get("mixed")
        if mixed:
            add(
                f"\nThe mixed load test (`python -m bench.endpoint`: SPARQL GET and POST in JSON, CSV and "
                f"Turtle, a resource page, the home page) on `mgkg serve`, {mixed['clients']} clients: "
                f"{mixed['requests']:,} requests, {mixed['throughput']:,.0f}/s, p50 {t(mixed['p50'])}, "
                f"p95 {t(mixed['p95'])}, p99 {t(mixed['p99'])}, {mixed['errors']} errors.\n"
            )

    # ---- cold start
    cold = results.get("coldstart", {})
    if cold.get("commands"):
        add("\n## Cold start\n\n")
        add("Wall time of whole processes (interleaved repeats; the store cache already built):\n\n")
        add(table(["command", "time"], [[f"`{k}`", ts(v)] for k, v in cold["commands"].items()]))
        if cold.get("modules"):
            add(
                "\nLoaded by `mgkg query`: "
                + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in cold["modules"].items())
                + ".\n"
            )
        if cold.get("imports"):
            add(
                "\nLargest imports on that path (`python -X importtime`, cumulative): "
                + ", ".join(f"`{n}` {t(s)}" for n, s in cold["imports"][:8])
                + ".\n"
            )

    # ---- why
    add("\n## Why targets are missed\n\n")
    add(explanations(results, h))

    checks = results.get("checks", [])
    if checks:
        add("\n## Regression guards (ratios only)\n\n")
        add(
            table(
                ["guard", "result", ""],
                [[c["check"], c["detail"], "ok" if c["ok"] else "**FAIL**"] for c in checks],
            )
        )
    add("\n## Reproducing\n\n")
    add(
        "```sh\nmake bench        # this document, its plots and bench/results/full.json (about an hour on 2 cores)\n"
        "make bench-quick  # the CI mode: under a minute, .cache/bench/quick/report.md, exits 1 on a failed guard\n"
        "python -m bench.generate --triples 1e6 -o big.ttl   # a generated graph on its own\n```\n\n"
        "See `bench/README.md` for what each suite does and how to run one alone.\n"
    )
    return "".join(parts)


def _rows(engines: dict, name: str) -> str:
    """The answer's size, from the first engine that finished the query (they agree, or a
    guard says otherwise)."""
    for engine in QUERY_ENGINES:
        r = engines.get(engine, {}).get("queries", {}).get(name, {})
        if "rows" in r:
            return f"{r['rows']:,}"
    return "–"


def _run_note(results: dict, graph: str, engines: dict) -> str:
    """How this graph was measured: repeats and budgets when they differ from the rest."""
    config = results.get("config", {})
    special = config.get("graph_queries", {}).get(graph)
    note = ""
    if special:
        repeats = int(special.get("repeats", config.get("query_repeats", 5)))
        note += (
            "At this size each engine runs each query "
            + (
                "once"
                if repeats == 1
                else f"{repeats} times" + (" after a warm-up run" if repeats >= 3 else "")
            )
            + (" (so the time includes a cold start of the store's caches)" if repeats == 1 else "")
            + f", with a budget of {special.get('budget', config.get('budget')):g} s per query: a whole catalog "
            "run per engine is then bounded, and “> budget” marks a lower bound. "
        )
    skipped = [SHORT[e] for e in (special or {}).get("skip", [])]
    if skipped:
        note += (
            f"Not run at this size: {', '.join(skipped)} (the references for our overhead, judged at "
            f"{GRAPH_LABEL[TARGET]}, left out to keep the run bounded; both store kinds are measured here "
            "through our path). "
        )
    if "rdflib" not in engines and scale_of(graph) > scale_of(TARGET):
        estimate = rdflib_estimate(results, graph)
        note += "rdflib is not run here" + (f": {estimate}" if estimate else "") + ". "
    return note + "\n\n" if note else ""


def rdflib_estimate(results: dict, graph: str) -> str:
    """What rdflib would need at ``graph``, scaled linearly from its largest measured load
    (its memory and parse time grow with the triples; the catalog's time grows at least as fast)."""
    load = results.get("load", {})
    graphs = results.get("graphs", {})
    measured = [g for g, per in load.items() if per.get("rdflib", {}).get("time")]
    if not measured or graph not in graphs:
        return ""
    base = largest(measured)
    factor = graphs[graph]["triples"] / graphs[base]["triples"]
    rdf = load[base]["rdflib"]
    memory = rdf["peak_mb"]["median"] * factor
    seconds = rdf["time"]["median"] * factor
    catalog = results.get("queries", {}).get(base, {}).get("rdflib", {}).get("queries", {})
    total = sum(median_of(r) or r.get("timeout") or 0 for r in catalog.values())
    late = sum(1 for r in catalog.values() if r.get("timeout"))
    machine_gb = results.get("machine", {}).get("memory_gb")
    text = (
        f"scaled from its measured load at {GRAPH_LABEL[base]} ({t(rdf['time']['median'])}, "
        f"{mb(rdf['peak_mb']['median'])} peak), parsing {GRAPH_LABEL[graph]} would take about "
        f"{seconds / 60:.0f} minutes and {memory / 1024:.1f} GB"
        + (f" of this machine's {machine_gb} GB" if machine_gb else "")
    )
    if catalog:
        text += (
            f", and its catalog at {GRAPH_LABEL[base]} already took ≥ {t(total)} with {late} of "
            f"{len(catalog)} queries past their budget, so at {GRAPH_LABEL[graph]} nearly every query "
            "would only give a lower bound"
        )
    return text


def _scale_target(results: dict, graph: str) -> list[str]:
    """The target row for the largest graph: loading, memory and every catalog query measured
    on every engine run there (a query past its budget counts as measured: a lower bound)."""
    engines = results["queries"][graph]
    load = results.get("load", {}).get(graph, {})
    loaded = [e for e in ("mgkg", "pyoxigraph") if load.get(e, {}).get("time")]
    answered = timed_out = failed = refused = 0
    for engine, data in engines.items():
        for r in data.get("queries", {}).values():
            answered += bool(r.get("times"))
            timed_out += bool(r.get("timeout"))
            if r.get("error"):  # a store's refusal is its answer; our path failing is not
                refused += engine == "virtuoso"
                failed += engine != "virtuoso"
        failed += "error" in data
    ok = bool(loaded) and not failed and answered + timed_out > 0
    return [
        f"{GRAPH_LABEL[graph]}: load, memory and every catalog query measured on every engine but rdflib",
        f"load: {', '.join(LOAD_SHORT[e] for e in loaded) or 'not measured'}; {len(engines)} engines × the "
        f"catalog: {answered} answered, {timed_out} past the budget, {refused} refused by Virtuoso, "
        f"{failed} failed",
        status(ok),
    ]


def scale_section(results: dict) -> str:
    """The largest graph: load, memory of each engine, the memory ceiling of this machine."""
    graphs = results.get("graphs", {})
    load = results.get("load", {})
    queries = results.get("queries", {})
    big = largest([g for g in load if g in graphs])
    if not big or scale_of(big) <= scale_of(TARGET):
        return ""
    per = load[big]
    triples = graphs[big]["triples"]
    machine_gb = results.get("machine", {}).get("memory_gb")
    out = [f"\n## At {GRAPH_LABEL[big]} triples: load, memory, the ceiling\n\n"]
    rows = []
    for engine, what in (
        ("mgkg", "mgkg, building the on-disk cache (load)"),
        ("mgkg-warm", "mgkg, opening that cache (load)"),
        ("pyoxigraph", "pyoxigraph, in-memory bulk load (load)"),
    ):
        e = per.get(engine, {})
        if e.get("time"):
            extra = f"; the store takes {mb(e['store_mb'])} on disk" if e.get("store_mb") else ""
            rows.append([what, ts(e["time"]), mb(e["peak_mb"]["median"]) + extra])
    for engine in QUERY_ENGINES:
        info = queries.get(big, {}).get(engine, {}).get("info", {})
        if info.get("peak_mb") and engine != "virtuoso":  # Virtuoso's memory: its own section
            rows.append(
                [
                    f"{SHORT[engine]}, ready to query (catalog run)",
                    t(info.get("ready_seconds")),
                    mb(info["peak_mb"]) + ("; Virtuoso's own process below" if engine == "virtuoso" else ""),
                ]
            )
    if rows:
        out.append(table(["what", "time", "peak RSS"], rows))
    memory_peaks = [
        (per.get("pyoxigraph", {}).get("peak_mb") or {}).get("median"),
        queries.get(big, {}).get("pyoxigraph-mem", {}).get("info", {}).get("peak_mb"),
        queries.get(big, {}).get("mgkg-mem", {}).get("info", {}).get("peak_mb"),
    ]
    memory_peaks = [m for m in memory_peaks if m]
    if memory_peaks and machine_gb:
        worst = max(memory_peaks)
        per_triple = worst * 2**20 / triples
        ceiling = 0.75 * machine_gb * 2**30 / per_triple
        warm = (per.get("mgkg-warm", {}).get("peak_mb") or {}).get("median")
        out.append(
            f"\n**The memory ceiling on this {machine_gb} GB machine.** An in-memory store of this graph's "
            f"shape peaks at {mb(worst)} for {triples:,} triples (the largest of the in-memory peaks above), "
            f"about {per_triple:,.0f} bytes a triple, growing linearly (the load table above: "
            + ", ".join(
                f"{GRAPH_LABEL[g]} {mb(p['pyoxigraph']['peak_mb']['median'])}"
                for g, p in load.items()
                if p.get("pyoxigraph", {}).get("peak_mb") and g != "release"
            )
            + f"). With three quarters of the machine for one such process, the in-memory path holds "
            f"about {ceiling / 1e6:,.0f} million triples here; two processes (the server's workers each "
            f"hold their own store) halve that. Beyond it the on-disk store is the embedded choice: it "
            + (f"opens in {mb(warm)} of resident memory at {GRAPH_LABEL[big]} and " if warm else "")
            + "is bounded by disk, not memory, at the price of slower queries (the catalog tables above); "
            "past that, a store (Virtuoso below, or the Oxigraph server: docs/deploy.md).\n"
        )
    estimate = rdflib_estimate(results, big)
    if estimate:
        out.append(f"\n**rdflib is not run at {GRAPH_LABEL[big]}**: {estimate}.\n")
    return "".join(out)


def virtuoso_section(results: dict) -> str:
    """Virtuoso: how each graph was loaded, its memory, and the catalog against the embedded engine."""
    graphs = results.get("graphs", {})
    queries = results.get("queries", {})
    measured = [g for g, e in queries.items() if "virtuoso" in e]
    if not measured:
        return ""
    measured.sort(key=scale_of)
    out = ["\n## Virtuoso\n\n"]
    out.append(
        "Virtuoso Open Source 7.2 (Debian's `virtuoso-opensource`) on a new database for each graph, "
        "from a configuration of its own (`bench/virtuoso.py`). Small graphs go in with `mgkg push` (the "
        "Graph Store Protocol, one HTTP request); from 10^6 triples with Virtuoso's bulk loader "
        "(`ld_dir`, `rdf_loader_run`, `checkpoint` through `isql-vt`), which reads the file from disk "
        "as docs/deploy.md gives it. Page buffers are sized to the graph: about "
        f"{BUFFER_BYTES_PER_TRIPLE} bytes a triple, at "
        "least 0.5 GB and at most a third of the machine's memory, at Virtuoso's rule of 85,000 8 kB "
        "buffers per GB (`NumberOfBuffers`) with three quarters of them allowed dirty "
        "(`MaxDirtyBuffers`); the table says how many the data used. The server stops a query at the "
        "budget (`MaxQueryExecutionTime`; it then answers with what it has, recorded as “> budget”, "
        "never compared). The catalog runs through our `RemoteEngine` (`mgkg query --endpoint "
        "--graph`), HTTP and result parsing included; *round trip* is one `ASK {}` through it.\n\n"
    )
    rows = []
    for g in measured:
        v = queries[g]["virtuoso"]
        if "error" in v:
            rows.append([graph_label(g, graphs), "failed: " + v["error"][:120]] + [""] * 7)
            continue
        info = v.get("info", {})
        load = info.get("virtuoso", {})
        after = load.get("after_queries") or load.get("after_load") or {}
        used = max(
            (load.get("after_load") or {}).get("buffers_used", 0),
            (load.get("after_queries") or {}).get("buffers_used", 0),
        )
        per = v.get("queries", {})
        mem = queries[g].get("mgkg-mem", {})
        ratio, bound = median_ratio(query_ratios(queries[g], "virtuoso", "mgkg-mem"))
        expected = graphs.get(g, {}).get("triples")
        rows.append(
            [
                graph_label(g, graphs),
                f"{load.get('method', '?')}: {t(load.get('seconds'))}",
                f"{load.get('triples', 0):,}"
                + ("" if not expected or load.get("triples") == expected else f" (file: {expected:,})"),
                f"{load.get('memory_gb', 0):g} GB; {used * 8 / 1024:,.0f} MB used",
                mb(after.get("hwm_mb")),
                t(info.get("round_trip")),
                ("≥ " if any(r.get("timeout") for r in per.values()) else "")
                + t(sum(median_of(r) or r.get("timeout") or 0 for r in per.values())),
                (x(ratio, bound) if mem else "–"),
                f"{sum(1 for r in per.values() if r.get('timeout'))} / "
                f"{sum(1 for r in per.values() if r.get('error'))}",
            ]
        )
    out.append(
        table(
            [
                "graph",
                "load",
                "triples in Virtuoso",
                "buffers given; used",
                "Virtuoso peak RSS",
                "round trip",
                "catalog (sum)",
                "Virtuoso / mgkg memory (median)",
                "past budget / errors",
            ],
            rows,
        )
    )
    checks = {c["check"]: c for c in results.get("checks", [])}
    agree = [
        f"{GRAPH_LABEL[g]}: {checks[k]['detail']}"
        for g in measured
        if (k := f"queries {g}: engines agree on row counts") in checks
    ]
    if agree:
        out.append(
            "\nRow counts against the embedded engine (every engine that finished a query): "
            + "; ".join(agree)
            + ". The per-query tables above give Virtuoso's time beside the embedded engine's.\n"
        )
    return "".join(out)


def _virtuoso_gaps(queries: dict) -> str:
    """Where Virtuoso is slower than the embedded engine, and by how much, on the largest graph
    it ran the catalog on."""
    measured = [g for g, e in queries.items() if e.get("virtuoso", {}).get("queries")]
    large = sorted((g for g in measured if scale_of(g) >= scale_of(TARGET)), key=scale_of)
    return "".join(_virtuoso_gap(queries, g) for g in (large or [largest(measured)] if measured else []))


def _virtuoso_gap(queries: dict, g: str) -> str:
    engines = queries[g]
    base = "mgkg-mem" if engines.get("mgkg-mem", {}).get("queries") else "mgkg"
    ratios = query_ratios(engines, "virtuoso", base)
    if not ratios:
        return ""
    far = engines["virtuoso"]
    trip = far.get("info", {}).get("round_trip")
    slower = sorted(((n, r, b) for n, r, b in ratios if r > 1), key=lambda item: -item[1])
    faster = [(n, r) for n, r, b in ratios if r < 1 and not b]
    late = sorted(n for n, r in far["queries"].items() if r.get("timeout"))
    med, bound = median_ratio(ratios)
    return (
        f"- **Virtuoso against the embedded engine** ({SHORT[base]}) at {GRAPH_LABEL[g]}: {x(med, bound)} "
        f"the embedded time at the median; slower on {len(slower)} of {len(ratios)} queries"
        + (" (most: " + ", ".join(f"`{n}` {x(r, b)}" for n, r, b in slower[:6]) + ")" if slower else "")
        + (
            f", faster on {len(faster)} (most: "
            + ", ".join(f"`{n}` {x(r)}" for n, r in sorted(faster, key=lambda item: item[1])[:4])
            + ")"
            if faster
            else ""
        )
        + (("; past the budget: " + ", ".join(f"`{n}`" for n in late)) if late else "")
        + ". "
        + _virtuoso_errors(far["queries"])
        + (
            f"Each request pays a fixed {t(trip)} of round trip (an `ASK {{}}` through the same "
            "client: HTTP, SPARQLWrapper, parsing the answer); the rest is Virtuoso's own work per query "
            "(translating and planning it, evaluating it, sending the rows), which is what separates "
            "the two engines on the lookups the embedded engine answers in about a millisecond.\n"
            if trip
            else "\n"
        )
    )


def _virtuoso_errors(per: dict) -> str:
    """Queries Virtuoso refused, grouped by its error (its SQL state and message)."""
    import re

    by_error: dict[str, list[str]] = {}
    for name, r in sorted(per.items()):
        if r.get("error"):
            found = re.search(r"Virtuoso (\w+ Error .+?)\.?$", r["error"].splitlines()[0])
            by_error.setdefault(found.group(1) if found else r["error"][:120], []).append(name)
    if not by_error:
        return ""
    return (
        "It refused "
        + "; ".join(
            f"{', '.join(f'`{n}`' for n in names)} with “{error}”" for error, names in by_error.items()
        )
        + ". "
        + (
            "SR478 and SR319 are Virtuoso's limits on one value in its temporary columns: those queries "
            "GROUP_CONCAT a list that grows with the graph (here, entities shared by many copies), and "
            "the joined string outgrows it; the embedded engine has no such limit. "
            if any("SR478" in e or "SR319" in e for e in by_error)
            else ""
        )
        + (
            "Virtuoso estimates a query's cost before running it and refuses one whose estimate "
            "exceeds `MaxQueryCostEstimationTime` (400 s here, the packaged default): its estimate for "
            "the joins of a multi-step path query is far above what the embedded engine takes. "
            if any("estimated execution time" in e for e in by_error)
            else ""
        )
    )


def _memory_cost(results: dict) -> str:
    """The memory an in-memory store costs against the opened cache, on the largest graph loaded by both."""
    load = results.get("load", {})
    for g in ("1e7", "1e6", "1e5"):
        per = load.get(g, {})
        mem, warm = per.get("pyoxigraph", {}).get("peak_mb"), per.get("mgkg-warm", {}).get("peak_mb")
        if mem and warm:
            return (
                f"; the price is memory (at {GRAPH_LABEL[g]}: {mb(mem['median'])} peak for the in-memory "
                f"store against {mb(warm['median'])} for the opened cache)"
            )
    return ""


def _indent(text: str) -> str:
    return "".join("  " + line + "\n" for line in text.splitlines())


def _speedup(variants: dict) -> str:
    def best(prefix: str) -> float | None:
        times = [v["time"]["median"] for k, v in variants.items() if k.startswith(prefix) and v.get("time")]
        return min(times) if times else None

    before, after = best("studies-per-condition as written"), best("type test inside")
    return f"({x(before / after)} faster)" if before and after else ""


def viz_graph(results: dict) -> str:
    return results.get("config", {}).get("viz_graph", "")


def _split(engines: dict, ours: str, raw: str) -> dict:
    """Our layer's cost over the raw engine on the same store, split the way it arises: a
    fixed part per query (the median difference over queries the raw engine answers in under
    2 ms) and a part per row (the median difference per row over answers of 1,000 rows or more)."""
    a = engines.get(ours, {}).get("queries", {})
    b = engines.get(raw, {}).get("queries", {})
    pairs = [(n, median_of(a.get(n)), median_of(b.get(n)), a[n].get("rows", 0)) for n in a if n in b]
    pairs = [(n, x_, y, r) for n, x_, y, r in pairs if x_ and y]
    fixed = [x_ - y for _n, x_, y, _r in pairs if y < 0.002]
    per_row = [(x_ - y) / r for _n, x_, y, r in pairs if r >= 1000]
    over = [(n, x_ / y) for n, x_, y, _r in pairs if x_ / y > 1.3]
    return {
        "fixed": statistics.median(fixed) if fixed else None,
        "per_row": statistics.median(per_row) if per_row else None,
        "over": over,
        "tiny": [n for n, x_, y, _r in pairs if y < 0.002 and x_ / y > 1.3],
        "big": [n for n, x_, y, r in pairs if r >= 1000 and x_ / y > 1.3],
        "count": len(pairs),
    }


def _split_text(split: dict) -> str:
    """The split in words: each measured part, with how many of the queries over 1.3× it explains."""
    parts = []
    for key, what, which, why in (
        ("fixed", "a fixed cost of {} per query", "tiny", "answer in under 2 ms, where it dominates"),
        ("per_row", "{} per row of the answer", "big", "return 1,000 rows or more"),
    ):
        if split[key] is not None:
            many = f" ({len(split[which])} of the queries over 1.3× {why})" if split[which] else ""
            parts.append(what.format(t(split[key])) + many)
    return (" Measured split: " + ", and ".join(parts) + ".") if parts else ""


def _growth(queries: dict, engine: str, small: str, big: str) -> list[tuple[str, float, bool]]:
    """Per query: time at ``big`` / time at ``small`` on one engine (a lower bound when the
    query ran past its budget at ``big``)."""
    a = queries.get(big, {}).get(engine, {}).get("queries", {})
    b = queries.get(small, {}).get(engine, {}).get("queries", {})
    out = []
    for name, r in b.items():
        before = median_of(r)
        after = median_of(a.get(name))
        if before and after:
            out.append((name, after / before, False))
        elif before and a.get(name, {}).get("timeout"):
            out.append((name, a[name]["timeout"] / before, True))
    return out


def explanations(results: dict, h: dict) -> str:
    """What the measurements say about each missed target (numbers from this run)."""
    out: list[str] = []
    queries = results.get("queries", {})
    graphs = results.get("graphs", {})
    patterns = results.get("patterns", {})
    g = h.get("query_graph")
    if g:
        engines = queries[g]
        label = GRAPH_LABEL[g]
        mem_q = engines.get("mgkg-mem", {}).get("queries", {})
        raw_mem = engines.get("pyoxigraph-mem", {}).get("queries", {})
        if mem_q:
            timed = {n: median_of(r) or r.get("timeout") for n, r in mem_q.items()}
            over = sorted(((n, v) for n, v in timed.items() if v and v >= 1.0), key=lambda kv: -kv[1])
            if over:
                rows = []
                for n, v in over:
                    raw = median_of(raw_mem.get(n))
                    bound = not median_of(mem_q.get(n))
                    rows_n = mem_q[n].get("rows") or raw_mem.get(n, {}).get("rows")
                    if raw and raw >= 1.0:
                        where = f"the engine: raw pyoxigraph alone takes {t(raw)}"
                        biggest = max(
                            patterns.get("patterns", {}).get(n, []) if patterns.get("graph") == g else [],
                            key=lambda r: r["matches"],
                            default=None,
                        )
                        if biggest:
                            where += f"; its largest pattern matches {biggest['matches']:,} triples"
                    elif raw:
                        where = f"our layer: {t(v - raw)} of it (raw pyoxigraph {t(raw)})"
                    else:
                        where = "raw pyoxigraph did not finish either"
                    rows.append(
                        [f"`{n}`", f"{rows_n:,}" if rows_n else "–", ("> " if bound else "") + t(v), where]
                    )
                out.append(
                    f"- **Not every catalog query is under 1 s in memory at {label}**: "
                    f"{len(timed) - len(over)} of {len(timed)} are. Where the rest spend their time "
                    "(our path on an in-memory store against raw pyoxigraph on the same kind of store):\n\n"
                    + _indent(table(["query", "rows", "mgkg memory", "where the time goes"], rows))
                    + "\n  Where the engine alone is over 1 s the cost is pyoxigraph's evaluation of the "
                    "query as written (the rows it must produce and the joins to reach them: the "
                    "pattern tables above); where it is under, the rest is our layer (next point).\n"
                )
        for ours, raw, where in (
            ("mgkg-mem", "pyoxigraph-mem", "both in memory"),
            ("mgkg", "pyoxigraph", "on the same on-disk store"),
        ):
            ratio, _ = median_ratio(query_ratios(engines, ours, raw))
            if ratio is None or ratio <= 1.3:
                continue
            split = _split(engines, ours, raw)
            out.append(
                f"- **Our overhead over raw pyoxigraph, {where}, is {x(ratio)} at the median** "
                f"(target 1.3×): {len(split['over'])} of {split['count']} queries are over 1.3×. Our "
                "path binds the parameters, runs the query, turns every solution into Python terms and "
                "writes the answer document; raw pyoxigraph writes its own." + _split_text(split) + "\n"
            )
        dvm, _ = h.get("disk_vs_memory", (None, False))
        om, _ = h["overhead_median"]
        vm, _ = h["vs_memory_median"]
        if dvm:
            out.append(
                f"- **The on-disk store answers {x(dvm)} slower than memory** (raw pyoxigraph, median over "
                f"the catalog at {label}): the on-disk store (RocksDB) is what `mgkg query` opens, so that a "
                f"command starts in milliseconds instead of parsing the release; against an in-memory store "
                f"our on-disk path is at {x(vm)}. A long-lived process answers from memory (the *mgkg "
                f"memory* column){_memory_cost(results)}.\n"
            )
        big = largest(list(queries))
        if big and scale_of(big) > scale_of(g):
            factor = graphs[big]["triples"] / graphs[g]["triples"] if big in graphs and g in graphs else 10
            for engine in ("mgkg-mem", "mgkg"):
                growth = _growth(queries, engine, g, big)
                if not growth:
                    continue
                med, bound = median_ratio(growth)
                faster = sorted(
                    ((n, r, b) for n, r, b in growth if r > 2 * factor), key=lambda item: -item[1]
                )[:8]
                rows_growth = [
                    b["rows"] / a["rows"]
                    for n, a in queries[g].get(engine, {}).get("queries", {}).items()
                    if a.get("rows")
                    and (b := queries[big].get(engine, {}).get("queries", {}).get(n, {})).get("rows")
                ]
                late = [
                    n for n, r in queries[big].get(engine, {}).get("queries", {}).items() if r.get("timeout")
                ]
                out.append(
                    f"- **From {label} to {GRAPH_LABEL[big]}** ({factor:.0f}× the triples), {SHORT[engine]}'s "
                    f"time per query grew {x(med, bound)} at the median"
                    + (
                        "; most, over twice the graph's growth: "
                        + ", ".join(f"`{n}` {x(r, b)}" for n, r, b in faster)
                        if faster
                        else "; no query grew more than twice as fast as the graph"
                    )
                    + (
                        f"; the answers themselves grew {x(statistics.median(rows_growth))} at the median "
                        "(rows)"
                        if rows_growth
                        else ""
                    )
                    + (
                        f"; past the {GRAPH_LABEL[big]} budget: " + ", ".join(f"`{n}`" for n in sorted(late))
                        if late
                        else ""
                    )
                    + ". Growth past the graph's comes from answers that grow faster than the graph (pairs "
                    "and paths between entities shared across copies), from joins that start from a large "
                    f"pattern, and from the measurement itself: one cold run at {GRAPH_LABEL[big]} against the "
                    f"median of warm runs at {label}.\n"
                )
                break
        out.append(_virtuoso_gaps(queries))
        prof = results.get("profiles", {})
        variants = prof.get("variants", {})
        if variants:
            rows = [[*k.split(" | "), ts(v.get("time")), str(v.get("rows"))] for k, v in variants.items()]
            out.append(
                "- **`studies-per-condition` was a join-order problem, fixed by moving one pattern.** "
                "pyoxigraph joins the publication type test (`?publication a mgkg:Publication`) after the "
                "UNION of the two branches; written inside each branch, the same query returns the same rows "
                f"{_speedup(variants)}. Measured at {GRAPH_LABEL.get(prof.get('graph'), '')}:\n\n"
                + _indent(table(["query", "store", "time", "rows"], rows))
            )
        slower = h.get("slower_than_rdflib", [])
        late = h.get("rdflib_answered_ours_timed_out", [])
        if slower or late:
            mem = engines.get("pyoxigraph-mem", {}).get("queries", {})
            disk = engines.get("pyoxigraph", {}).get("queries", {})
            items = []
            for n, _r in slower:
                items.append(
                    f"`{n}` (mgkg {t(median_of(engines[h['rdflib_path']]['queries'][n]))}, raw pyoxigraph on disk "
                    f"{t(median_of(disk.get(n)))}, in memory {t(median_of(mem.get(n)))}, rdflib "
                    f"{t(median_of(engines['rdflib']['queries'][n]))})"
                )
            for n, rt, b in late:
                items.append(f"`{n}` (rdflib {t(rt)}; mgkg > {t(b)})")
            out.append(
                "- **Where rdflib is faster**: "
                + "; ".join(items)
                + ". Where raw pyoxigraph in memory is also slower than rdflib, the engine's plan for the "
                "query is the cause; where only our on-disk path is, the on-disk store and our layer are "
                "(the two points above).\n"
            )
        ea, ea_bound = h.get("engine_alone", (None, False))
        med, bound = h["vs_rdflib_median"]
        if ea is not None and med is not None and med < 20:
            out.append(
                f"- **20× rdflib at the median**: our {PATH_WORDS[h['rdflib_path']]} keeps {x(med, bound)} at {label}; the "
                f"engines alone (rdflib against raw pyoxigraph in memory) are at {x(ea, ea_bound)}"
                + (
                    ", so the target is met by the engine and lost to the on-disk store and our layer (above)"
                    if ea >= 20
                    else ", so the target is missed by the engine itself on this catalog"
                )
                + f". rdflib's times are lower bounds where it hit its budget (25× our median, at most "
                f"{results['config']['rdflib_budget'][1]:g} s), so the true ratios are higher.\n"
            )
        both = h.get("both_timeout", [])
        if both:
            out.append(
                "- Queries where both mgkg and rdflib hit their budgets give no ratio: "
                + ", ".join(f"`{n}`" for n in both)
                + ".\n"
            )
    if h.get("load_speed") is not None and h["load_speed"] < 5:
        per = results.get("load", {}).get(h["load_graph"], {})
        ours, raw, rdf = (per.get(e, {}).get("time") or {} for e in ("mgkg", "pyoxigraph", "rdflib"))
        if ours and raw and rdf:
            out.append(
                f"- **Load at {GRAPH_LABEL[h['load_graph']]}: {x(h['load_speed'])} rdflib** (target 5×). Our "
                f"cold load hashes the file and bulk-loads it into the on-disk store: {ts(ours)} against "
                f"{ts(raw)} for pyoxigraph's in-memory bulk load of the same file and {ts(rdf)} for rdflib; "
                "the on-disk store's writes are the difference. Every later start opens the cache (the "
                "*mgkg warm* rows). On this shared machine the spread of the repeats is part of the "
                "number: compare the min–max columns.\n"
            )
    if h.get("load_memory") and h["load_memory"] > 0.7:
        out.append(
            "- **Load memory**: our path reads the whole file into memory to hash it and hands the bytes "
            "to the bulk loader, which also buffers; a streaming hash and `bulk_load(path=...)` would cut "
            "the peak.\n"
        )
    if "endpoint" in h and min(h["endpoint"].values()) < 1.0:
        ep = results.get("endpoint", {}).get("servers", {})
        ours_p50 = ep.get("mgkg serve", {}).get("runs", {})
        ox_p50 = ep.get("oxigraph server", {}).get("runs", {})
        cheap = next((k for k in ours_p50 if k.startswith("cheap/1")), None)
        detail = ""
        if cheap and cheap in ox_p50:
            extra = ours_p50[cheap]["p50"] - ox_p50[cheap]["p50"]
            detail = (
                f" On the cheap query with one client each request takes {t(ours_p50[cheap]['p50'])} against "
                f"{t(ox_p50[cheap]['p50'])}: about {t(extra)} of fixed cost per request."
            )
        out.append(
            "- **Endpoint throughput**: `mgkg serve` answers over uvicorn (Python, asyncio) and hands each "
            "query to a worker process over a pipe (so that a runaway query can be killed: pyoxigraph cannot interrupt one); the "
            "Oxigraph server is compiled Rust answering in process. The engine and its writers are the same "
            "(pyoxigraph, in memory); what differs is the fixed cost of each request: the HTTP layer in "
            "Python, a thread hop, and the round trip to the worker."
            + detail
            + " On 2 CPUs the clients, the server and the workers share the same cores. The safety design "
            "(worker processes, timeouts, per-client limits) costs this fixed overhead; heavier queries, "
            "where the engine's own time dominates, pass 1× (the engine runs in memory; the Oxigraph "
            "server reads its on-disk store), and identical requests answered from the cache skip the "
            "worker (the cache-on ratios above).\n"
        )
    if "coldstart" in h and h["coldstart"] > 2:
        imports = results.get("coldstart", {}).get("imports", [])
        out.append(
            "- **Cold start**: `mgkg query` imports rdflib (through `mgkg.vocab`, which `mgkg.cli` "
            "imports for the build commands' defaults) and the build modules; largest imports: "
            + ", ".join(f"`{n}` {t(s)}" for n, s in imports[:5])
            + ".\n"
        )
    if not out:
        return "Every target measured in this run is met.\n"
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.report RESULTS.json [OUT.md]``: rewrite a report from saved results."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    data = Path(args[0])
    results = json.loads(data.read_text(encoding="utf-8"))
    from .run import checks

    results["checks"] = checks(results)  # the guards as the current code states them
    root = Path(__file__).resolve().parents[1]
    default = (
        root / "docs" / "benchmarks.md" if results.get("mode") == "full" else data.with_name("report.md")
    )
    out = Path(args[1]) if len(args) > 1 else default
    write(results, out, out.parent / "img", data)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
