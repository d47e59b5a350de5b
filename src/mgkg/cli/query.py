"""The query commands: ``mgkg queries``, ``mgkg query``, ``mgkg push``.

Exit codes: 0 success; 1 the release is missing or a query failed while running;
2 a user mistake (SPARQL syntax error, unknown query name or parameter, missing or
ill-typed parameter, wrong format for the query form); 3 a remote endpoint could not be
reached or failed. Every user mistake prints one line (``mgkg query: ...``), never a
traceback. Heavy modules are imported inside the command functions.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from mgkg.errors import UsageError

FORMAT_CHOICES = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld")
PASSWORD_ENV = "MGKG_PASSWORD"  # noqa: S105 (the name of an environment variable)


def _root(args: argparse.Namespace) -> Path:
    from mgkg.layout import project_root

    return Path(args.root).resolve() if getattr(args, "root", None) else project_root()


def _write(data: bytes) -> None:
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:  # `mgkg query ... | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def cmd_queries(args: argparse.Namespace) -> int:
    from mgkg.build.catalog import load_catalog

    catalog = load_catalog(_root(args) / "queries")
    queries = catalog.with_tag(args.tag) if args.tag else list(catalog)
    if args.tag and not queries:
        tags = sorted({t for query in catalog for t in query.tags})

        raise UsageError(f"no query is tagged {args.tag!r} (tags: {', '.join(tags)})")
    width = max((len(query.name) for query in queries), default=4)
    lines = []
    for query in queries:
        params = " ".join(f"{p.name}={p.default}" if p.default is not None else p.name for p in query.params)
        lines.append(f"{query.name:<{width}}  {query.title}")
        if args.verbose:
            lines.append(f"{'':<{width}}  {query.description}")
            for p in query.params:
                default = f", default {p.default}" if p.default is not None else ", required"
                lines.append(f"{'':<{width}}    --param {p.name}=...  ({p.type}{default}) {p.description}")
            lines.append(f"{'':<{width}}  {query.form}; tags: {', '.join(query.tags)}")
        elif params:
            lines[-1] += f"  [{params}]"
    lines.append(f"({len(queries)} queries; `mgkg query NAME` runs one, -v shows descriptions)")
    _write(("\n".join(lines) + "\n").encode("utf-8"))
    return 0


def _params(pairs: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """``NAME=VALUE`` or ``NAME:TYPE=VALUE`` pairs -> (values, types)."""

    params: dict[str, str] = {}
    types: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name, _, kind = name.strip().lstrip("?$").partition(":")
        if not sep or not name:
            raise UsageError(
                f"--param {pair!r}: expected NAME=VALUE (e.g. --param receptor=kg:nmda-receptor)"
            )
        if name in params:
            raise UsageError(f"--param {name}: given twice")
        params[name] = value
        if kind:
            types[name] = kind
    return params, types


def _target(args: argparse.Namespace):
    from mgkg.build.catalog import load_catalog, read_query
    from mgkg.query.engine import adhoc_query

    if args.expression is not None and args.target:
        raise UsageError("give a query name, a FILE.rq or -e 'SPARQL', not both")
    if args.expression is not None:
        return adhoc_query(args.expression)
    if not args.target:
        raise UsageError("which query? give a catalog name (see `mgkg queries`), a FILE.rq or -e 'SPARQL'")
    path = Path(args.target)
    if args.target.endswith(".rq") or os.sep in args.target or path.is_file():
        if not path.is_file():
            raise UsageError(f"no such query file: {args.target}")
        return read_query(path, require_header=False)
    return load_catalog(_root(args) / "queries").get(args.target)


def _engine(args: argparse.Namespace):
    from mgkg.query.engine import LocalEngine, RemoteEngine

    if args.endpoint:
        password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
        return RemoteEngine(
            args.endpoint, graph=args.graph, user=args.user, password=password, timeout=args.timeout
        )
    from mgkg.query.store import open_store

    release = Path(args.input) if args.input else None
    return LocalEngine(open_store(release, root=_root(args)))


def cmd_query(args: argparse.Namespace) -> int:
    from mgkg.query.engine import check_format, default_format, prepare, serialize

    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    if args.graph and not args.endpoint:
        raise UsageError("--graph selects a graph of a remote store: use it with --endpoint")
    query = _target(args)
    fmt = args.format or default_format(query.form)
    check_format(query.form, fmt)
    engine = _engine(args)
    values, types = _params(args.param)
    prepared = prepare(query, values, engine, types)
    if args.show_query:
        shown = prepared.with_values() if args.endpoint else prepared.text
        bound = (
            "".join(f"# ?{k} = {v}\n" for k, v in sorted(prepared.bindings.items()))
            if not args.endpoint
            else ""
        )
        _write((bound + shown.rstrip("\n") + "\n").encode("utf-8"))
        return 0
    try:
        result = engine.run(prepared).limited(args.limit)
    except KeyboardInterrupt:
        print("mgkg query: interrupted", file=sys.stderr)
        return 130
    # A misspelt term matches nothing and SPARQL says nothing: say it here.
    for warning in getattr(engine, "term_warnings", lambda _text: [])(prepared.text):
        print(f"mgkg query: warning: {warning}", file=sys.stderr)
    _write(serialize(result, fmt))
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from mgkg.query.push import push
    from mgkg.query.store import release_file

    release = Path(args.file) if args.file else release_file(_root(args))
    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    report = push(
        release,
        args.endpoint,
        graph=args.graph,
        user=args.user,
        password=password,
        method=args.method,
        timeout=args.timeout,
    )
    print(report.describe())
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The query commands: queries, query, push."""

    p = sub.add_parser("queries", help="list the catalog of competency questions (queries/*.rq)")
    p.add_argument("--tag", help="only queries with this tag")
    p.add_argument("-v", "--verbose", action="store_true", help="show descriptions and parameters")
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser(
        "query",
        help="run a catalog query, a .rq file or SPARQL text (embedded store or --endpoint)",
        description="Run a catalog query by NAME, a FILE.rq, or -e 'SPARQL', on the embedded store "
        "(graph/mgkg.ttl) or on a remote SPARQL endpoint. Exit codes: 0 ok, 1 query failed, "
        "2 user mistake (syntax, name, parameter, format), 3 endpoint unreachable or failing.",
    )
    p.add_argument("target", nargs="?", help="catalog query name (see `mgkg queries`) or a .rq file")
    p.add_argument("-e", "--expression", metavar="SPARQL", help="SPARQL query text")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME (IRI, CURIE such as kg:nmda-receptor, label, string or number); "
        "NAME:TYPE=VALUE sets the type (iri, string, integer, decimal) for -e queries; repeatable",
    )
    p.add_argument(
        "-f",
        "--format",
        choices=FORMAT_CHOICES,
        help="table (default), csv, tsv, json, xml for SELECT/ASK; ttl (default), nt, jsonld "
        "for CONSTRUCT/DESCRIBE",
    )
    p.add_argument("--limit", type=int, metavar="N", help="keep the first N rows (or triples)")
    p.add_argument("--input", metavar="FILE", help="RDF file for the embedded store (default graph/mgkg.ttl)")
    p.add_argument(
        "--endpoint", metavar="URL", help="run on this SPARQL endpoint instead of the embedded store"
    )
    p.add_argument(
        "--graph", metavar="IRI", help="with --endpoint: query this named graph as the default graph"
    )
    p.add_argument("--user", help="with --endpoint: HTTP user")
    p.add_argument("--password", help=f"with --endpoint: HTTP password (or ${PASSWORD_ENV})")
    p.add_argument("--timeout", type=float, default=60, help="with --endpoint: seconds to wait (default 60)")
    p.add_argument(
        "--show-query", action="store_true", help="print the query with its bindings, do not run it"
    )
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "push",
        help="upload the release to a triple store (Graph Store Protocol, or SPARQL UPDATE)",
        description="Replace the default graph (or --graph) of a store with graph/mgkg.ttl. --endpoint is "
        "the store's Graph Store Protocol URL (Oxigraph /store, Fuseki /DATASET/data) or its SPARQL "
        "UPDATE URL (Oxigraph /update); with --method auto a store that refuses Graph Store PUT gets "
        "SPARQL UPDATE at the same URL.",
    )
    p.add_argument("--endpoint", required=True, metavar="URL", help="Graph Store or SPARQL UPDATE URL")
    p.add_argument("--graph", metavar="IRI", help="named graph to replace (default: the default graph)")
    p.add_argument("--user", help="HTTP user")
    p.add_argument("--password", help=f"HTTP password (or ${PASSWORD_ENV})")
    p.add_argument(
        "--method",
        choices=("auto", "gsp", "update"),
        default="auto",
        help="Graph Store Protocol PUT, SPARQL UPDATE, or auto (default)",
    )
    p.add_argument("--file", metavar="FILE", help="RDF file to upload (default graph/mgkg.ttl)")
    p.add_argument("--timeout", type=float, default=120, help="seconds to wait (default 120)")
    p.set_defaults(func=cmd_push)
