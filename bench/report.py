"""The report: ``docs/benchmarks.md`` (or the quick report) and its plots, from one run's results."""

from __future__ import annotations

import statistics
from pathlib import Path

from .measure import summary

ENGINE_NAMES = {
    "mgkg": "mgkg (embedded: cached on-disk store + result formatting)",
    "mgkg-warm": "mgkg, cache already built (open only)",
    "pyoxigraph": "raw pyoxigraph, same on-disk store",
    "pyoxigraph-mem": "raw pyoxigraph, in-memory store",
    "rdflib": "rdflib",
}
SHORT = {
    "mgkg": "mgkg",
    "mgkg-warm": "mgkg warm",
    "pyoxigraph": "pyoxigraph (disk)",
    "pyoxigraph-mem": "pyoxigraph (memory)",
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


def largest(names: list[str]) -> str | None:
    order = ["release", "1e4", "1e5", "1e6", "1e7"]
    present = [n for n in order if n in names]
    return present[-1] if present else None


def headline(results: dict) -> dict:
    """The numbers the issue's targets are about (largest graph measured)."""
    out: dict = {}
    queries = results.get("queries", {})
    g = largest(list(queries))
    if g:
        engines = queries[g]
        out["query_graph"] = g
        vs_rdflib = query_ratios(engines, "rdflib", "mgkg")
        out["vs_rdflib"] = vs_rdflib
        out["vs_rdflib_median"] = median_ratio(vs_rdflib)
        out["slower_than_rdflib"] = [(n, r) for n, r, b in vs_rdflib if r < 1 and not b]
        ours_q = engines.get("mgkg", {}).get("queries", {})
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
    colours = {
        "mgkg": "#1d4ed8",
        "mgkg-warm": "#60a5fa",
        "pyoxigraph": "#16a34a",
        "pyoxigraph-mem": "#86efac",
        "rdflib": "#dc2626",
    }
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
        for engine in ("mgkg", "pyoxigraph", "pyoxigraph-mem", "rdflib"):
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
        g = largest(list(queries))
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
        "release and on graphs generated in its shape at 10^4 to 10^6 triples (10^7 for loading). "
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
                f"catalog queries ≥ 20× faster than rdflib at the median ({GRAPH_LABEL[qg]})",
                x(med, bound) + (" (a lower bound: rdflib hit its budget)" if bound else ""),
                status(med is not None and med >= 20),
            ]
        )
        late = h.get("rdflib_answered_ours_timed_out", [])
        never = [f"`{n}` ({x(r)})" for n, r in slower] + [
            f"`{n}` (rdflib {t(rt)}, mgkg > {t(b)})" for n, rt, b in late
        ]
        rows.append(
            [
                f"… and never slower than rdflib ({GRAPH_LABEL[qg]})",
                ("slower on " + ", ".join(never)) if never else "never slower",
                status(not never),
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
        vm, _b = h["vs_memory_median"]
        if vm is not None:
            rows.append(
                [
                    f"(reference, not a target) mgkg vs raw pyoxigraph on an in-memory store ({GRAPH_LABEL[qg]})",
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
            ]
        )
    add(table(["graph", "triples", "Turtle", "generated in"], rows))

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
        add(
            "Every query of `queries/*.rq` with its default parameters, on every graph, each engine in its own "
            "process, producing the same answer document: **mgkg** is our path as `mgkg query NAME "
            "--format json` runs it (bind parameters, `LocalEngine.run`, `mgkg.query.engine.serialize`; "
            "N-Triples for CONSTRUCT); **pyoxigraph** runs `Store.query` with the same bound terms on the "
            "same read-only on-disk store and serializes with pyoxigraph; **pyoxigraph (memory)** does the "
            "same on an in-memory store; **rdflib** runs `Graph.query` with `initBindings` and its own "
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
                        for e in ("mgkg", "pyoxigraph", "pyoxigraph-mem", "rdflib")
                    ],
                    x(med, bound),
                    str(slower),
                    x(over),
                    x(mem),
                ]
            )
        add(
            table(
                [
                    "graph",
                    "mgkg (sum)",
                    "pyoxigraph disk (sum)",
                    "pyoxigraph memory (sum)",
                    "rdflib (sum)",
                    "rdflib/mgkg (median)",
                    "queries where rdflib is faster",
                    "mgkg/raw disk (median)",
                    "mgkg/raw memory (median)",
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
        for g in [n for n in ("1e6", "1e5") if n in queries][:1] or [largest(list(queries))]:
            engines = queries[g]
            add(f"\n### Every query at {graph_label(g, graphs)}\n\n")
            rows = []
            ours = engines.get("mgkg", {}).get("queries", {})
            for name in sorted(ours):
                cells = [f"`{name}`", str(ours[name].get("rows", "–"))]
                for engine in ("mgkg", "pyoxigraph", "pyoxigraph-mem", "rdflib"):
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
                        "pyoxigraph disk",
                        "pyoxigraph memory",
                        "rdflib",
                        "rdflib/mgkg",
                        "mgkg/raw",
                    ],
                    rows,
                )
            )

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
        "```sh\nmake bench        # this document, its plots and bench/results/full.json (30-45 minutes)\n"
        "make bench-quick  # the CI mode: under a minute, .cache/bench/quick/report.md, exits 1 on a failed guard\n"
        "python -m bench.generate --triples 1e6 -o big.ttl   # a generated graph on its own\n```\n\n"
        "See `bench/README.md` for what each suite does and how to run one alone.\n"
    )
    return "".join(parts)


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


def explanations(results: dict, h: dict) -> str:
    """What the measurements say about each missed target (numbers from this run)."""
    out: list[str] = []
    queries = results.get("queries", {})
    g = h.get("query_graph")
    if g:
        engines = queries[g]
        dvm, _ = h.get("disk_vs_memory", (None, False))
        om, _ = h["overhead_median"]
        vm, _ = h["vs_memory_median"]
        if dvm:
            out.append(
                f"- **The on-disk store, not our layer, is most of the gap to raw pyoxigraph.** On the same "
                f"read-only on-disk store our path costs {x(om)} raw pyoxigraph at the median (binding, "
                f"turning solutions into Python tuples, writing JSON); raw pyoxigraph itself answers "
                f"{x(dvm)} slower from the on-disk store (RocksDB) than from an in-memory store, so against "
                f"an in-memory store mgkg is at {x(vm)}. The cache exists for cold start (`mgkg query` opens it "
                f"in milliseconds instead of parsing the release every time); a long-lived process (the "
                f"notebook API, the server's workers) would answer faster from memory. Proposed to the "
                f"query owners: `KnowledgeGraph.load()` and the server's workers bulk-load into an in-memory "
                f"store (the release loads in tens of milliseconds), keeping the on-disk cache for the "
                f"command line{_memory_cost(results)}.\n"
            )
        fixed = [(n, r) for n, r, _b in h["overhead"] if r > 1.3]
        if fixed:
            ours_q = engines.get("mgkg", {}).get("queries", {})
            raw_q = engines.get("pyoxigraph", {}).get("queries", {})
            tiny = [n for n, _r in fixed if (median_of(raw_q.get(n)) or 1) < 0.002]
            per_row = sorted(
                (median_of(ours_q[n]) - median_of(raw_q[n])) / ours_q[n]["rows"]
                for n in ours_q
                if median_of(ours_q.get(n)) and median_of(raw_q.get(n)) and ours_q[n].get("rows", 0) >= 1000
            )
            row_cost = f"about {t(statistics.median(per_row))} per row at the median" if per_row else ""
            out.append(
                f"- **Our layer costs a fixed amount per query plus an amount per row**: {len(fixed)} of "
                f"{len(h['overhead'])} queries are over 1.3× raw pyoxigraph on the same store at {GRAPH_LABEL[g]}"
                + (
                    f" ({len(tiny)} of them answer in under 2 ms, where the fixed part dominates)"
                    if tiny
                    else ""
                )
                + ". Fixed: each call of `mgkg.query.engine.prepare` rescans the query text for its variables and "
                "form (0.1-0.2 ms; cacheable per catalog query). Per row"
                + (f" ({row_cost}, over the queries returning 1,000 rows or more)" if row_cost else "")
                + ": `mgkg.query.engine.serialize` turns every solution into Python tuples, builds SPARQL JSON in "
                "Python and parses it back into pyoxigraph to write the chosen format, where pyoxigraph "
                "writes SPARQL JSON, XML, CSV and TSV straight from its own solutions. Proposed to the query "
                "owners: cache the scan on `CatalogQuery`, and let `mgkg query` (and the server's workers) "
                "serialize tabular formats from pyoxigraph's answer directly, keeping the Python values for "
                "the notebook API.\n"
            )
        slow = sorted(
            (
                (n, median_of(r))
                for n, r in engines.get("mgkg", {}).get("queries", {}).items()
                if median_of(r)
            ),
            key=lambda kv: -kv[1],
        )[:6]
        timeouts = h.get("ours_timeouts", [])
        if slow or timeouts:
            out.append(
                f"- **A few catalog queries grow faster than the graph.** Slowest on mgkg at {GRAPH_LABEL[g]}: "
                + ", ".join(f"`{n}` {t(s)}" for n, s in slow)
                + (("; past the budget: " + ", ".join(f"`{n}`" for n in timeouts)) if timeouts else "")
                + ". These are the catalog's own query shapes (aggregating over every claim, property paths to "
                "conditions, DISTINCT over unions), measured with the engines as they are.\n"
            )
        prof = results.get("profiles", {})
        variants = prof.get("variants", {})
        if variants:
            rows = [[*k.split(" | "), ts(v.get("time")), str(v.get("rows"))] for k, v in variants.items()]
            out.append(
                "- **`studies-per-condition` is a join-order problem, fixed by moving one pattern.** "
                "pyoxigraph joins the publication type test (`?publication a mgkg:Publication`) after the "
                "UNION of the two branches; written inside each branch, the same query returns the same rows "
                f"{_speedup(variants)}. Measured at {GRAPH_LABEL.get(prof.get('graph'), '')}:\n\n"
                + _indent(table(["query", "store", "time", "rows"], rows))
                + "\n  Proposed to the query owners: rewrite `queries/studies-per-condition.rq` so (and check "
                "the other UNION queries the same way).\n"
            )
        slower = h.get("slower_than_rdflib", [])
        late = h.get("rdflib_answered_ours_timed_out", [])
        if slower or late:
            mem = engines.get("pyoxigraph-mem", {}).get("queries", {})
            disk = engines.get("pyoxigraph", {}).get("queries", {})
            items = []
            for n, _r in slower:
                items.append(
                    f"`{n}` (mgkg {t(median_of(engines['mgkg']['queries'][n]))}, raw pyoxigraph on disk "
                    f"{t(median_of(disk.get(n)))}, in memory {t(median_of(mem.get(n)))}, rdflib "
                    f"{t(median_of(engines['rdflib']['queries'][n]))})"
                )
            for n, rt, b in late:
                items.append(
                    f"`{n}` (rdflib {t(rt)}; mgkg and raw pyoxigraph > {t(b)}: the join order above)"
                )
            out.append(
                "- **Where rdflib is faster**: "
                + "; ".join(items)
                + ". `describe-entity` gathers every triple of one entity and of every claim about it (a "
                "CONSTRUCT over a UNION with three OPTIONALs): rdflib answers it from its in-memory "
                "dictionaries and pyoxigraph, even in memory, is no faster on this shape; the on-disk store "
                "triples pyoxigraph's time and our conversion (Python terms, sorted N-Triples) adds the rest.\n"
            )
        ea, ea_bound = h.get("engine_alone", (None, False))
        med, bound = h["vs_rdflib_median"]
        if ea is not None and med is not None and med < 20 <= ea:
            out.append(
                f"- **The 20× target is met by the engines, not by our path**: rdflib against raw pyoxigraph "
                f"in memory is {x(ea, ea_bound)} at the median at {GRAPH_LABEL[g]}; our path keeps "
                f"{x(med, bound)} because of the on-disk store and our per-query cost (above). rdflib's "
                f"times are lower bounds where it hit its budget (25× our median, at most "
                f"{results['config']['rdflib_budget'][1]:g} s), so the true ratios are higher.\n"
            )
        both = h.get("both_timeout", [])
        if both:
            out.append(
                "- Queries where both mgkg and rdflib hit their budgets give no ratio: "
                + ", ".join(f"`{n}`" for n in both)
                + ".\n"
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
