"""``mgkg serve``: the SPARQL endpoint and web app (see docs/server.md).

The server and its dependencies are imported inside the command function, so other
commands never pay for them.
"""

from __future__ import annotations

import argparse
import ipaddress
from pathlib import Path

from mgkg.errors import UsageError
from mgkg.web.settings import (
    DEFAULT_CACHE_ENTRIES,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_HOST,
    DEFAULT_MAX_REQUEST,
    DEFAULT_MAX_RESULT_MB,
    DEFAULT_MAX_ROWS,
    DEFAULT_MEMORY_MB,
    DEFAULT_PARALLEL,
    DEFAULT_PORT,
    DEFAULT_SECONDS_PER_MINUTE,
    DEFAULT_TIMEOUT,
    ServerConfig,
)


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """The server settings the options ask for; a usage mistake raises :class:`UsageError`."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    if args.max_rows < 1:
        raise UsageError("--max-rows must be at least 1")
    if args.max_request_kb < 1:
        raise UsageError("--max-request-kb must be at least 1")
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        raise UsageError(f"--public-url must be an http(s) URL, not {args.public_url!r}")
    if args.header_timeout <= 0:
        raise UsageError("--header-timeout must be more than 0 seconds")
    if args.max_result_mb < 0 or args.client_parallel < 0 or args.client_seconds < 0 or args.cache < 0:
        raise UsageError(
            "--max-result-mb, --client-parallel, --client-seconds and --cache cannot be negative"
        )
    for proxy in args.trusted_proxy or ():
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise UsageError(f"--trusted-proxy expects an IP address or network, not {proxy!r}") from None
    config = ServerConfig(
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_request_bytes=args.max_request_kb * 1024,
        allow_services=tuple(args.allow_service or ()),
        release=Path(args.input) if args.input else None,
        root=Path(args.root).resolve() if getattr(args, "root", None) else None,
        public_url=args.public_url,
        memory_mb=args.worker_memory_mb,
        quiet=args.quiet,
        keep_worker_network=args.keep_worker_network,
        max_result_bytes=args.max_result_mb * 1024 * 1024,
        trusted_proxies=tuple(args.trusted_proxy or ()),
        client_parallel=args.client_parallel,
        client_seconds=args.client_seconds,
        cache_entries=args.cache,
        header_timeout=args.header_timeout,
    )
    if args.workers is not None:
        config.workers = args.workers
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    from mgkg.web.server import serve

    return serve(config_from_args(args))


def add_commands(sub: argparse._SubParsersAction) -> None:
    """The server command: serve."""
    p = sub.add_parser(
        "serve",
        help="serve the SPARQL endpoint and the web app (http://127.0.0.1:8000)",
        description="Serve the release: a read-only SPARQL 1.1 endpoint at /sparql, the web app "
        "(home, query page, graph view, a page per IRI, ontology documentation, downloads) and "
        "/health. Safe to expose: updates and SERVICE are refused, each query runs in a worker "
        "process that is stopped at the time limit, requests and results are capped.",
    )
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks one)"
    )
    p.add_argument("--workers", type=int, help="query worker processes (default: CPUs, 4 to 8)")
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds per query (default {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help=f"rows or triples per answer (default {DEFAULT_MAX_ROWS})",
    )
    p.add_argument(
        "--max-request-kb",
        type=int,
        default=DEFAULT_MAX_REQUEST // 1024,
        help=f"largest request body or query, in KiB (default {DEFAULT_MAX_REQUEST // 1024})",
    )
    p.add_argument(
        "--allow-service",
        action="append",
        metavar="URL",
        help="an endpoint SERVICE may call (repeatable; by default SERVICE is refused)",
    )
    p.add_argument(
        "--keep-worker-network",
        action="store_true",
        help="do not take the query workers off the network (for platforms without network "
        "namespaces; SERVICE is then refused by reading the query alone)",
    )
    p.add_argument(
        "--worker-memory-mb",
        type=int,
        default=DEFAULT_MEMORY_MB,
        help=f"memory a query may add to its worker, in MiB (default {DEFAULT_MEMORY_MB}; 0: no limit)",
    )
    p.add_argument(
        "--max-result-mb",
        type=int,
        default=DEFAULT_MAX_RESULT_MB,
        help=f"largest answer, in MiB; larger ones get 413 (default {DEFAULT_MAX_RESULT_MB}; 0: no limit)",
    )
    p.add_argument(
        "--client-parallel",
        type=int,
        default=DEFAULT_PARALLEL,
        help=f"queries one client (address) may run at once; more get 429 (default {DEFAULT_PARALLEL}; 0: no limit)",
    )
    p.add_argument(
        "--client-seconds",
        type=float,
        default=DEFAULT_SECONDS_PER_MINUTE,
        help="seconds of query time one client may use per minute; more get 429 "
        f"(default {DEFAULT_SECONDS_PER_MINUTE:g}; 0: no limit)",
    )
    p.add_argument(
        "--header-timeout",
        type=float,
        default=DEFAULT_HEADER_TIMEOUT,
        help=f"seconds a client has to send its request headers; slower ones get 408 (default {DEFAULT_HEADER_TIMEOUT:g})",
    )
    p.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="a reverse proxy (address or network) whose X-Forwarded-For names the client (repeatable)",
    )
    p.add_argument(
        "--cache",
        type=int,
        default=DEFAULT_CACHE_ENTRIES,
        help=f"answers kept for identical requests (default {DEFAULT_CACHE_ENTRIES}; 0: no cache)",
    )
    p.add_argument(
        "--public-url", help="the URL clients use, if behind a proxy (for the service description)"
    )
    p.add_argument("--input", help="the release to serve (default: graph/mgkg.ttl)")
    p.add_argument("--quiet", action="store_true", help="no access log")
    p.set_defaults(func=cmd_serve)
