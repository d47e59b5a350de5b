"""``mgkg serve``: the SPARQL endpoint and web app (see docs/server.md).

The server and its dependencies are imported inside the command function, so other
commands never pay for them.
"""

from __future__ import annotations

import argparse
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from mgkg.errors import UsageError
from mgkg.web.settings import DEFAULT_HOST, DEFAULT_PORT, ServerConfig


@dataclass(frozen=True)
class Limit:
    """A numeric option of ``mgkg serve``: the :class:`ServerConfig` field it sets and its rule.

    One row per limit says its default (read from ``ServerConfig``, so the default lives in
    one place), its unit on the command line, and the lowest value that makes sense; the
    parser, the help text and the usage check are all derived from it.
    """

    option: str
    field: str
    help: str
    #: The field's unit per the option's (the option in KiB, the field in bytes: 1024).
    scale: int = 1
    #: The lowest value allowed; ``strict`` means the value must be above it.
    minimum: float = 0
    strict: bool = False
    #: What 0 means, when 0 switches the limit off.
    zero: str | None = None
    #: The unit named in the error message ("seconds").
    unit: str = ""

    def default(self) -> int | float:
        value = getattr(ServerConfig(), self.field)
        return value // self.scale if isinstance(value, int) else value / self.scale

    def check(self, value: float) -> None:
        unit = f" {self.unit}" if self.unit else ""
        if self.strict and value <= self.minimum:
            raise UsageError(f"{self.option} must be more than {self.minimum:g}{unit}")
        if not self.strict and value < self.minimum:
            if self.minimum == 0:
                raise UsageError(f"{self.option} cannot be negative")
            raise UsageError(f"{self.option} must be at least {self.minimum:g}{unit}")

    @property
    def dest(self) -> str:
        return self.option.removeprefix("--").replace("-", "_")


LIMITS: tuple[Limit, ...] = (
    Limit("--timeout", "timeout", "seconds per query", strict=True, unit="seconds"),
    Limit("--max-rows", "max_rows", "rows or triples per answer", minimum=1),
    Limit(
        "--max-request-kb",
        "max_request_bytes",
        "largest request body or query, in KiB",
        scale=1024,
        minimum=1,
    ),
    Limit(
        "--worker-memory-mb",
        "memory_mb",
        "memory a query may add to its worker, in MiB",
        zero="no limit",
    ),
    Limit(
        "--max-result-mb",
        "max_result_bytes",
        "largest answer, in MiB; larger ones get 413",
        scale=1024 * 1024,
        zero="no limit",
    ),
    Limit(
        "--client-parallel",
        "client_parallel",
        "queries one client (address) may run at once; more get 429",
        zero="no limit",
    ),
    Limit(
        "--client-seconds",
        "client_seconds",
        "seconds of query time one client may use per minute; more get 429",
        zero="no limit",
    ),
    Limit(
        "--header-timeout",
        "header_timeout",
        "seconds a client has to send its request headers; slower ones get 408",
        strict=True,
        unit="seconds",
    ),
    Limit("--cache", "cache_entries", "answers kept for identical requests", zero="no cache"),
)


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """The server settings the options ask for; a usage mistake raises :class:`UsageError`."""
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    for limit in LIMITS:
        limit.check(getattr(args, limit.dest))
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        raise UsageError(f"--public-url must be an http(s) URL, not {args.public_url!r}")
    for proxy in args.trusted_proxy or ():
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise UsageError(f"--trusted-proxy expects an IP address or network, not {proxy!r}") from None
    config = ServerConfig(
        host=args.host,
        port=args.port,
        allow_services=tuple(args.allow_service or ()),
        release=Path(args.input) if args.input else None,
        root=Path(args.root).resolve() if getattr(args, "root", None) else None,
        public_url=args.public_url,
        quiet=args.quiet,
        keep_worker_network=args.keep_worker_network,
        trusted_proxies=tuple(args.trusted_proxy or ()),
        **{limit.field: getattr(args, limit.dest) * limit.scale for limit in LIMITS},
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
        "--trusted-proxy",
        action="append",
        metavar="ADDRESS",
        help="a reverse proxy (address or network) whose X-Forwarded-For names the client (repeatable)",
    )
    for limit in LIMITS:
        default = limit.default()
        off = f"; 0: {limit.zero}" if limit.zero else ""
        p.add_argument(
            limit.option,
            type=type(default),
            default=default,
            help=f"{limit.help} (default {default:g}{off})",
        )
    p.add_argument(
        "--public-url", help="the URL clients use, if behind a proxy (for the service description)"
    )
    p.add_argument("--input", help="the release to serve (default: graph/mgkg.ttl)")
    p.add_argument("--quiet", action="store_true", help="no access log")
    p.set_defaults(func=cmd_serve)
