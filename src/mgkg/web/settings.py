"""The server's settings: one dataclass and its defaults, read by ``mgkg serve`` and the app alike.

Kept free of heavy imports so that building the command line's parser (for any command)
takes its defaults from here without importing the server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_REQUEST = 1 << 20  # bytes of a request body (and, with the URL, of a query)
DEFAULT_MEMORY_MB = 2048
DEFAULT_MAX_CONNECTIONS = 1024
DEFAULT_MAX_RESULT_MB = 64
DEFAULT_CACHE_ENTRIES = 256
DEFAULT_CHEAP_SECONDS = 0.25
#: Per-client limits (0: off): queries at once, query seconds per minute, crashes per 10 min.
DEFAULT_PARALLEL = 5
DEFAULT_SECONDS_PER_MINUTE = 60.0
DEFAULT_CRASH_LIMIT = 3
DEFAULT_HEADER_TIMEOUT = 10.0


def default_workers() -> int:
    return max(4, min(8, os.cpu_count() or 1))


@dataclass
class ServerConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = field(default_factory=default_workers)
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_request_bytes: int = DEFAULT_MAX_REQUEST
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    allow_services: tuple[str, ...] = ()
    release: Path | None = None
    root: Path | None = None
    cache_dir: Path | None = None
    public_url: str | None = None
    memory_mb: int = DEFAULT_MEMORY_MB
    quiet: bool = False
    #: Run the query workers without a network of their own. Needed to call allow-listed
    #: SERVICE endpoints; otherwise only where the platform cannot isolate them.
    keep_worker_network: bool = False
    #: Largest answer in bytes (413 beyond, naming the limit; 0: no limit).
    max_result_bytes: int = DEFAULT_MAX_RESULT_MB * 1024 * 1024
    #: Seconds a client has to send its request headers (slow clients are cut off).
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    #: Reverse proxies whose X-Forwarded-For names the client (addresses or networks).
    trusted_proxies: tuple[str, ...] = ()
    #: Per-client limits (0: off): queries at once, query seconds per minute, crashes per 10 min.
    client_parallel: int = DEFAULT_PARALLEL
    client_seconds: float = DEFAULT_SECONDS_PER_MINUTE
    client_crashes: int = DEFAULT_CRASH_LIMIT
    #: A query still running after this many seconds moves to the heavy lane.
    cheap_seconds: float = DEFAULT_CHEAP_SECONDS
    #: Answers kept for identical requests (0: no cache).
    cache_entries: int = DEFAULT_CACHE_ENTRIES
