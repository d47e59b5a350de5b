"""The build commands: ``build``, ``validate``, ``export`` and ``stats``."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from mgkg.errors import DataError, UsageError
from mgkg.prefixes import DEFAULT_BASE


def _root(args: argparse.Namespace) -> Path | None:
    return Path(args.root).resolve() if args.root else None


def cmd_build(args: argparse.Namespace) -> int:
    from mgkg.build.pipeline import build
    from mgkg.vocab import Base

    result = build(root=_root(args), base=Base(args.base))
    print(
        f"built mgkg {result.version}: {len(result.graph)} triples, "
        f"{result.derived_edges} direct edges derived from claims"
    )
    for path in result.written:
        print(f"  wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from mgkg.build.pipeline import build
    from mgkg.vocab import Base

    result = build(root=_root(args), base=Base(args.base), write=False)
    print(f"valid: {len(result.graph)} triples; curated sources and SHACL shapes check out")
    return 0


EXPORT_FORMATS = {
    "ttl": "turtle",
    "nt": "nt",
    "jsonld": "json-ld",
    "xml": "xml",
    "kgx": "KGX TSV and JSON Lines (a directory)",
    "nanopub": "TriG nanopublications",
    "sssom": "SSSOM TSV",
}


def cmd_export(args: argparse.Namespace) -> int:
    """Write the release graph in one format, optionally minted under another base IRI."""
    from rdflib import Graph

    from mgkg.build.export import (
        bind_prefixes,
        to_jsonld,
        to_ntriples,
        to_rdfxml,
        to_turtle,
        write_atomically,
    )
    from mgkg.build.pipeline import ontology_version, rebase_graph
    from mgkg.layout import Paths, project_root
    from mgkg.vocab import Base

    base = Base(args.base)
    paths = Paths(_root(args) or project_root())
    source = paths.release / "mgkg.ttl"
    if not source.exists():
        raise DataError(f"no release at {source}: run `mgkg build` first")
    graph = bind_prefixes(rebase_graph(Graph().parse(source, format="turtle"), base), base)
    if args.format == "kgx":
        from mgkg.build.kgx import kgx_files

        if args.output in (None, "-"):
            raise UsageError("--format kgx writes four files: give a directory with -o DIR")
        files = {name.split("/", 1)[1]: text for name, text in kgx_files(graph, base).items()}
        write_atomically(Path(args.output), files)
        print(f"wrote {', '.join(sorted(files))} in {args.output} (KGX)", file=sys.stderr)
        return 0
    if args.format in ("nanopub", "sssom"):
        from mgkg.build.interop import interop_files

        name = {"nanopub": "nanopub.trig", "sssom": "mappings.sssom.tsv"}[args.format]
        version = ontology_version(graph, base)
        text = interop_files(graph, base, version, paths.identifiers, only=name)[name]
    elif args.format == "nt":
        text = to_ntriples(graph)
    elif args.format == "jsonld":
        text = to_jsonld(graph, base)
    elif args.format == "xml":
        text = to_rdfxml(graph, base)
    else:
        text = to_turtle(graph)
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        output = Path(args.output)
        write_atomically(output.parent if str(output.parent) else Path("."), {output.name: text})
        print(f"wrote {output} ({len(graph)} triples, {args.format})", file=sys.stderr)
    return 0


def stats_table(graph) -> list[tuple[str, str, int]]:
    """Counts per class (instances) and per predicate (triples), as (kind, name, count)."""
    from rdflib.namespace import RDF

    def name(term) -> str:
        return graph.namespace_manager.normalizeUri(term)

    classes = Counter(name(o) for o in graph.objects(None, RDF.type))
    predicates = Counter(name(p) for p in graph.predicates())
    rows = [("class", n, c) for n, c in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))]
    rows += [("predicate", n, c) for n, c in sorted(predicates.items(), key=lambda kv: (-kv[1], kv[0]))]
    return rows


def cmd_stats(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from mgkg.layout import Paths, project_root

    path = Path(args.input) if args.input else Paths(_root(args) or project_root()).release / "mgkg.ttl"
    graph = Graph().parse(path)
    print(f"{len(graph)} triples in {path.name}")
    width = max((len(n) for _, n, _ in stats_table(graph)), default=10)
    current = None
    for kind, name, count in stats_table(graph):
        if kind != current:
            print(f"\n{'instances per class' if kind == 'class' else 'triples per predicate'}:")
            current = kind
        print(f"  {name:<{width}}  {count:>6}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The build commands: build, validate, export, stats."""

    p = sub.add_parser("build", help="check the curated sources, derive edges, validate and write graph/")
    p.add_argument("--base", default=DEFAULT_BASE, help=f"IRI base (default {DEFAULT_BASE})")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="run every check of the build without writing anything")
    p.add_argument("--base", default=DEFAULT_BASE, help=f"IRI base (default {DEFAULT_BASE})")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="write the release in one format: RDF, KGX, nanopublications or SSSOM")
    p.add_argument(
        "--format", choices=sorted(EXPORT_FORMATS), default="ttl", help="output format (default ttl)"
    )
    p.add_argument("-o", "--output", help="output file, or directory for kgx (default: standard output)")
    p.add_argument("--base", default=DEFAULT_BASE, help=f"IRI base to mint under (default {DEFAULT_BASE})")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="count instances per class and triples per predicate")
    p.add_argument("--input", help="an RDF file (default: graph/mgkg.ttl)")
    p.set_defaults(func=cmd_stats)
