"""Measurements that run in their own process: ``python -m bench.worker TASK 'JSON-ARGS'``.

Every engine is measured in a fresh process, so that one engine's imports, caches and
memory never count against another, and peak memory (``ru_maxrss``) belongs to one
engine and one task. A task prints JSON lines on stdout: ``{"event": "result", ...}``
for a one-shot task, ``{"event": "start"|"done", "query": NAME, ...}`` per catalog query
(so the parent can stop a query that runs past its budget and record a lower bound).

Tasks:

- ``load``: load one graph with one engine (``mgkg`` cold: our embedded path building its
  on-disk cache; ``mgkg-warm``: our path opening that cache; ``pyoxigraph``: raw
  in-memory bulk load; ``rdflib``: ``Graph.parse``); time, peak and baseline RSS.
- ``queries``: run catalog queries with one engine (``mgkg``: our path, engine plus
  result formatting; ``mgkg-mem``: the same on an in-memory store; ``virtuoso``: the same
  against a Virtuoso holding the graph; ``pyoxigraph``: raw ``Store.query`` on the same on-disk store plus
  pyoxigraph's own serializer; ``pyoxigraph-mem``: the same on an in-memory store;
  ``rdflib``: ``Graph.query`` plus rdflib's serializer; rdflib and the in-memory engines
  run each query in a forked child that is killed at the budget).
- ``build``: the build of the real graph split into its stages.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def emit(**fields) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def rss_mb() -> float:
    """Current resident set size (MB)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """Peak resident set size of this process so far (MB).

    ``VmHWM`` rather than ``getrusage().ru_maxrss``: Linux keeps ``ru_maxrss`` across
    ``execve``, so a worker started from a large parent would report the parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------


def task_load(engine: str, path: str, cache_dir: str | None = None) -> None:
    source = Path(path)
    if engine in ("mgkg", "mgkg-warm"):
        from mgkg.query.store import open_store

        base = rss_mb()
        started = time.perf_counter()
        store = open_store(source, cache_dir=Path(cache_dir))
        seconds = time.perf_counter() - started
        triples = len(store)
    elif engine == "pyoxigraph":
        import pyoxigraph as ox

        base = rss_mb()
        started = time.perf_counter()
        store = ox.Store()
        store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE)
        seconds = time.perf_counter() - started
        triples = len(store)
    elif engine == "rdflib":
        from rdflib import Graph

        base = rss_mb()
        started = time.perf_counter()
        graph = Graph()
        graph.parse(str(source), format="turtle")
        seconds = time.perf_counter() - started
        triples = len(graph)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    emit(event="result", seconds=seconds, peak_mb=peak_mb(), base_mb=base, triples=triples)


# ---------------------------------------------------------------------------
# queries
# ---------------------------------------------------------------------------


def _catalog(names: list[str] | None):
    from mgkg.build.catalog import load_catalog

    catalog = load_catalog(ROOT / "queries")
    queries = list(catalog)
    if names:
        wanted = set(names)
        queries = [q for q in queries if q.name in wanted]
    return queries


def _timed_runs(run, repeats: int, budget: float) -> tuple[list[float], object]:
    """Run ``run()`` until ``repeats`` samples or the budget is spent; drop a warm-up run
    when there are more than three samples. Returns (seconds per run, last output)."""
    samples: list[float] = []
    output = None
    spent = 0.0
    wanted = repeats + 1 if repeats >= 3 else max(1, repeats)  # a warm-up run only when it can be spared
    while len(samples) < wanted:
        started = time.perf_counter()
        output = run()
        elapsed = time.perf_counter() - started
        samples.append(elapsed)
        spent += elapsed
        if spent + elapsed > budget:
            break
    if len(samples) > 3:
        samples = samples[1:]
    return samples, output


def _count_rows(form: str, data: bytes) -> int:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return sum(1 for line in data.splitlines() if line.strip() and not line.startswith(b"#"))
    parsed = json.loads(data)
    if "boolean" in parsed:
        return int(bool(parsed["boolean"]))
    # A solution that binds nothing is not counted: rdflib answers a GROUP BY over no matches
    # with one empty solution where SPARQL 1.1 (section 11) has no group and so no row, and
    # no catalog query projects a row with every variable unbound.
    return sum(1 for binding in parsed["results"]["bindings"] if binding)


def task_queries(
    engine: str,
    path: str,
    cache_dir: str,
    repeats: int = 5,
    budget: float | dict[str, float] = 30.0,
    names: list[str] | None = None,
    endpoint: str | None = None,
    graph: str | None = None,
    server_limit: float = 0.0,
) -> None:
    """``budget``: seconds per query (or per query name), after which it stops repeating
    (and, for the engines in ``FORKED``, is killed: a lower bound). ``endpoint`` and
    ``graph``: the SPARQL endpoint and default graph of the ``virtuoso`` engine (started and
    loaded by the parent); ``server_limit``: that server's own per-query time limit, at
    which it answers with what it has so far (such an answer is recorded as past the budget)."""
    from mgkg.query import engine as q
    from mgkg.query.store import cached_path, open_store

    source = Path(path)
    started = time.perf_counter()
    store = open_store(source, cache_dir=Path(cache_dir))  # our cache (built by the load suite)
    local = q.LocalEngine(store)
    queries = _catalog(names)
    prepared = {query.name: q.prepare(query, {}, local) for query in queries}
    extra_ready: dict[str, float] = {}
    if engine == "mgkg":
        runner = _mgkg_runner(q, local, queries)
    elif engine == "mgkg-mem":  # our path on an in-memory store (a long-lived process's choice)
        from mgkg.query.store import memory_store

        runner = _mgkg_runner(q, q.LocalEngine(memory_store(source)), queries)
    elif engine == "virtuoso":  # our path against the store: mgkg query --endpoint --graph
        remote = q.RemoteEngine(endpoint, graph=graph, timeout=600)
        runner = _mgkg_runner(q, remote, queries)
        # the fixed cost of one request (HTTP, SPARQLWrapper, parsing the answer): ASK {}
        ask = q.Prepared("ASK {}", "ASK")
        trip, _ = _timed_runs(lambda: remote.run(ask), 7, 5.0)
        extra_ready["round_trip"] = sorted(trip)[len(trip) // 2]
    elif engine in ("pyoxigraph", "pyoxigraph-mem"):
        import pyoxigraph as ox

        if engine == "pyoxigraph":
            raw = ox.Store.read_only(str(cached_path(source, cache_dir=Path(cache_dir))))
        else:
            raw = ox.Store()
            raw.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE)
        runner = _raw_runner(ox, raw, prepared)
    elif engine == "rdflib":
        import gc

        from rdflib import Graph

        del store, local  # close our store: only rdflib runs (in forked children) from here
        gc.collect()
        graph = Graph()
        graph.parse(str(source), format="turtle")
        runner = _rdflib_runner(graph, prepared)
    else:
        raise ValueError(f"unknown engine {engine!r}")
    emit(event="ready", seconds=time.perf_counter() - started, peak_mb=peak_mb(), **extra_ready)
    for query in queries:
        seconds = budget.get(query.name, 30.0) if isinstance(budget, dict) else budget
        emit(event="start", query=query.name, budget=seconds)
        run = runner(query.name)
        if engine in FORKED:
            _forked(query.name, query.form, run, repeats, seconds)
            continue
        try:
            samples, output = _timed_runs(run, repeats, seconds)
        except Exception as exc:  # noqa: BLE001 (an engine's failure is data; the next query still runs)
            if server_limit and any(mark in str(exc) for mark in SERVER_TIMEOUTS):
                emit(event="done", query=query.name, timeout=seconds)  # stopped at the server's limit
            else:
                emit(event="done", query=query.name, error=f"{type(exc).__name__}: {exc}"[:300])
            continue
        if server_limit and max(samples) >= 0.95 * server_limit:
            # The server stopped the query at its limit and answered with what it had
            # (Virtuoso's "anytime" answers): a lower bound, not an answer to compare.
            emit(event="done", query=query.name, timeout=seconds)
            continue
        emit(event="done", query=query.name, times=samples, rows=_count_rows(query.form, output))


# How a server says it stopped a query at its time limit having nothing to answer yet
# (Virtuoso: SQL state S1T00, "SR171: Transaction timed out").
SERVER_TIMEOUTS = ("S1T00", "SR171")

# Engines whose queries run in a forked child killed at the budget: the child shares the
# loaded graph copy-on-write, so a query past its budget costs no reload (rdflib's parse
# and an in-memory store's bulk load take minutes at 10^7; the on-disk stores reopen in
# about a second, so their worker is simply restarted).
FORKED = ("rdflib", "mgkg-mem", "pyoxigraph-mem")


def _mgkg_runner(q, local, queries):
    """Our path, as ``mgkg query NAME --format json|nt`` runs it: bind, run, serialize."""
    by_name = {query.name: query for query in queries}

    def runner(name: str):
        query = by_name[name]
        fmt = "nt" if query.form in ("CONSTRUCT", "DESCRIBE") else "json"

        def run() -> bytes:
            result = local.run(q.prepare(query, {}, local))
            return q.serialize(result, fmt)

        return run

    return runner


def _raw_runner(ox, store, prepared):
    """Raw pyoxigraph: ``Store.query`` on the text our path sends (the parameters bound as a
    VALUES block opening the WHERE group, as ``Prepared.with_values`` writes it), serialized by
    pyoxigraph itself: the difference from our path is our layer, not the query's plan."""

    def runner(name: str):
        text = prepared[name].with_values()

        def run() -> bytes:
            answer = store.query(text)
            if isinstance(answer, ox.QueryTriples):
                return answer.serialize(format=ox.RdfFormat.N_TRIPLES)
            return answer.serialize(format=ox.QueryResultsFormat.JSON)

        return run

    return runner


def _to_rdflib(term):
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _rdflib_runner(graph, prepared):
    """rdflib: ``Graph.query`` with ``initBindings`` for the parameters, rdflib's serializer."""
    from rdflib import Variable

    def runner(name: str):
        p = prepared[name]
        bindings = {Variable(k): _to_rdflib(v) for k, v in p.bindings.items()}

        def run() -> bytes:
            result = graph.query(p.text, initBindings=bindings)
            if result.type == "CONSTRUCT" or result.type == "DESCRIBE":
                return result.graph.serialize(format="nt", encoding="utf-8")
            return result.serialize(format="json")

        return run

    return runner


def _forked(name: str, form: str, run, repeats: int, budget: float) -> None:
    """Run one query in a forked child (the graph is shared copy-on-write); kill it at the budget."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        try:
            samples, output = _timed_runs(run, repeats, budget)
            message = {"times": samples, "rows": _count_rows(form, output)}
        except Exception as exc:  # noqa: BLE001 (report any engine failure as data)
            message = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(message))
        os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + budget + 0.2 + 0.05 * budget  # a little grace to report
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        emit(event="done", query=name, timeout=budget)
        return
    with os.fdopen(read_end) as result:
        text = result.read()
    message = json.loads(text) if text else {"error": f"child exited with status {status}"}
    emit(event="done", query=name, **message)


# ---------------------------------------------------------------------------
# build stages
# ---------------------------------------------------------------------------


def task_build(out_dir: str) -> None:
    """The real build, stage by stage, as :func:`mgkg.build.pipeline.build` runs it (nothing written
    under graph/: the release files go to ``out_dir``)."""
    times: dict[str, float] = {}
    started = time.perf_counter()
    from mgkg.build.catalog import catalog_turtle
    from mgkg.build.export import serialize_release, write_atomically
    from mgkg.build.pipeline import grade_and_derive, load_sources, shacl_check
    from mgkg.layout import Paths, project_root
    from mgkg.vocab import Base

    times["imports"] = time.perf_counter() - started
    paths, base = Paths(project_root()), Base()

    started = time.perf_counter()
    graph = load_sources(paths, base)
    times["load sources"] = time.perf_counter() - started

    started = time.perf_counter()
    grade_and_derive(graph, base)
    times["grade and derive"] = time.perf_counter() - started

    started = time.perf_counter()
    import pyshacl  # noqa: F401  (shacl_check imports it on first use: timed on its own)

    times["SHACL (import pyshacl)"] = time.perf_counter() - started
    started = time.perf_counter()
    shacl_check(graph, paths.shapes, base)
    times["SHACL (validate)"] = time.perf_counter() - started

    started = time.perf_counter()
    from mgkg.build.pipeline import ontology_version

    files = serialize_release(graph, base, ontology_version(graph, base))
    files["catalog.ttl"] = catalog_turtle(paths.root / "queries", base)
    write_atomically(Path(out_dir), files)
    times["serialize"] = time.perf_counter() - started
    emit(event="result", stages=times, triples=len(graph), peak_mb=peak_mb())


def task_variants(
    path: str, cache_dir: str, texts: dict[str, str], repeats: int = 3, budget: float = 60.0
) -> None:
    """Run query texts (a catalog query and rewrites of it) on the on-disk and in-memory stores."""
    import pyoxigraph as ox

    from mgkg.query.store import open_store

    stores = {"mgkg store (disk)": open_store(Path(path), cache_dir=Path(cache_dir))}
    memory = ox.Store()
    memory.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    stores["in memory"] = memory
    out: dict = {}
    for label, text in texts.items():
        for kind, store in stores.items():
            samples, rows = _timed_runs(lambda s=store, t=text: list(s.query(t)), repeats, budget)
            out[f"{label} | {kind}"] = {"times": samples, "rows": len(rows)}
    emit(event="result", variants=out)


def _triple_patterns(text: str) -> list[str]:
    """The distinct triple patterns of a query's basic graph patterns, in SPARQL syntax
    (property paths included), from rdflib's algebra of the query."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, CompValue):
            if node.name == "BGP":
                found.extend(" ".join(term.n3() for term in triple) for triple in node.triples)
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(prepareQuery(text).algebra)
    return list(dict.fromkeys(found))


def task_patterns(path: str, names: list[str]) -> None:
    """EXPLAIN in numbers: for each triple pattern of each named catalog query, with the
    query's default parameters bound, how many triples match it on an in-memory store and
    how long finding them takes. pyoxigraph has no EXPLAIN; the patterns that match most
    are where a join order can go wrong."""
    import pyoxigraph as ox

    from mgkg.query import engine as q

    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    local = q.LocalEngine(store)
    out: dict = {}
    for query in _catalog(names):
        prepared = q.prepare(query, {}, local)
        bound = {f"?{name}": q.sparql_term(term) for name, term in prepared.bindings.items()}
        rows = []
        for pattern in _triple_patterns(query.text):
            concrete = " ".join(bound.get(part, part) for part in pattern.split(" "))
            started = time.perf_counter()
            answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {concrete} }}")
            matches = int(next(iter(answer))[0].value)
            rows.append({"pattern": concrete, "matches": matches, "seconds": time.perf_counter() - started})
        out[query.name] = rows
    emit(event="result", patterns=out)


TASKS = {
    "patterns": task_patterns,
    "load": task_load,
    "queries": task_queries,
    "build": task_build,
    "variants": task_variants,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    task, args = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    TASKS[task](**args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
