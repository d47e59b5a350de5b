"""The HTTP side of ``mgkg serve``: Starlette on uvicorn, with the limits a public endpoint needs.

Why standard parts: the HTTP layer (parsing, keep-alive, chunked bodies, CORS, proxy
headers, connection limits) is where hand-written servers break under attack. uvicorn
(an asyncio server on httptools and uvloop where installed) holds an idle or slow
connection for the price of a small object, not a thread; Starlette gives the request
and response objects and the CORS middleware; uvicorn's proxy-headers middleware reads
``X-Forwarded-For`` only from the proxies given as trusted.

What is added here, and why uvicorn does not do it:

- a **header timeout**: uvicorn times out idle keep-alive connections but not a client
  that sends its request line and headers slowly (one line every few seconds keeps it
  open for ever); :class:`GuardedProtocol` gives every request ``header_timeout``
  seconds from its first byte (or from the connection) to finish its headers, else 408
  and the connection is closed;
- caps on the **request line and headers** (414 past ``MAX_URL`` bytes, 431 past
  ``MAX_HEADERS`` headers or ``MAX_HEADER_BYTES``), which httptools does not impose;
- a **body cap and body timeout** when reading a POST (413, 408).

The routes and pages are :class:`mgkg.web.server.App`'s: each request becomes one call of
``App.handle`` in a worker thread (queries block on the worker pool), and its
:class:`mgkg.web.server.Response` becomes a Starlette response with the common headers.
"""

from __future__ import annotations

import asyncio
import functools
import re
import sys
import time
from typing import TYPE_CHECKING
from urllib.parse import quote

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response as StarletteResponse
from starlette.routing import Route
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

if TYPE_CHECKING:
    from mgkg.web.server import App

MAX_URL = 64 * 1024
MAX_HEADERS = 100
MAX_HEADER_BYTES = 64 * 1024
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0  # seconds from the end of the headers to the end of the body
KEEP_ALIVE = 30
REFUSAL_DELAY = 1.0  # seconds before a 429 goes out
METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"]
EXPOSED = ["X-Query-Time", "X-Result-Truncated", "X-Cache", "X-Warning", "Retry-After"]
COMMON_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Server": "mgkg",
}
REASONS = {408: b"Request Timeout", 414: b"URI Too Long", 431: b"Request Header Fields Too Large"}


class _Rejected(Exception):
    """Raised inside a parser callback: the request breaks a limit (status, message)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header timeout and caps on the request head."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self._head_timer: asyncio.TimerHandle | None = None
        self._rejected: _Rejected | None = None
        self._header_count = 0
        self._header_bytes = 0
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_expired)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_expired(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self._reject_now(408, f"the request headers did not arrive within {self.header_timeout:g} s")

    def _reject_now(self, status: int, message: str) -> None:
        body = message.encode("utf-8") + b"\n"
        head = [
            b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, b"Bad Request")),
            *(name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers),
            b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._rejected is None:
            super().data_received(data)

    def on_message_begin(self) -> None:
        self._header_count = 0
        self._header_bytes = 0
        self._arm()
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        if len(self.url) + len(url) > MAX_URL:
            self._rejected = _Rejected(414, f"the URL is longer than {MAX_URL:,} bytes")
            raise self._rejected
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._header_bytes += len(name) + len(value)
        if self._header_count > MAX_HEADERS or self._header_bytes > MAX_HEADER_BYTES:
            self._rejected = _Rejected(
                431, f"at most {MAX_HEADERS} request headers of {MAX_HEADER_BYTES:,} bytes in all"
            )
            raise self._rejected
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if self._rejected is not None:
            self._reject_now(self._rejected.status, self._rejected.message)
        else:
            self._rejected = _Rejected(400, msg)
            self._reject_now(400, "malformed HTTP request")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def guarded_protocol(header_timeout: float) -> type[GuardedProtocol]:
    return type("MgkgProtocol", (GuardedProtocol,), {"header_timeout": header_timeout})


# ---------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _plain(status: int, message: str, close: bool = False) -> StarletteResponse:
    headers = {**COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8"}
    if close:
        headers["Connection"] = "close"
    return StarletteResponse((message + "\n").encode("utf-8"), status, headers)


def _printable(text: str) -> str:
    return re.sub(r"[^\x20-\x7e]", "?", text)


def make_asgi(app: App, threads: int = 64, quiet: bool = False) -> Starlette:
    """The ASGI application: every request through ``app.handle``, CORS by Starlette."""
    limiter = anyio.CapacityLimiter(threads)
    max_body = app.config.max_request_bytes

    async def endpoint(request: Request) -> StarletteResponse:
        started = time.monotonic()
        scope = request.scope
        raw = scope.get("raw_path") or quote(scope["path"]).encode("ascii")
        target = raw.decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        method = request.method
        body = b""
        if method == "POST":
            length = request.headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > max_body:
                return _plain(413, f"the request body is larger than {max_body:,} bytes", close=True)
            try:
                async with asyncio.timeout(BODY_TIMEOUT):  # no task per request, unlike wait_for
                    body = await _read_body(request, max_body)
            except _TooLarge:
                return _plain(413, f"the request body is larger than {max_body:,} bytes", close=True)
            except TimeoutError:
                return _plain(408, f"the request body did not arrive within {BODY_TIMEOUT:g} s", close=True)
            except ClientDisconnect:
                return _plain(400, "the request body ended early", close=True)
        client = scope["client"][0] if scope.get("client") else ""
        response = await anyio.to_thread.run_sync(
            functools.partial(app.handle, method, target, request.headers, body, client), limiter=limiter
        )
        if response.status == 429:
            # A client over its limits waits a moment for the refusal (costing the server
            # nothing: no thread, no worker), so one that ignores Retry-After and retries in
            # a tight loop cannot keep the server busy answering refusals.
            await asyncio.sleep(REFUSAL_DELAY)
        headers = {**COMMON_HEADERS, **response.headers}
        if response.status not in (204, 304):
            headers["Content-Type"] = response.content_type
        if not quiet:
            elapsed = (time.monotonic() - started) * 1000
            shown = target if len(target) <= 160 else target[:157] + "..."
            print(
                f'{client} - "{method} {_printable(shown)}" {response.status} {elapsed:.0f}ms',
                file=sys.stderr,
                flush=True,
            )
        return StarletteResponse(response.body, response.status, headers)

    return Starlette(
        routes=[Route("/{path:path}", endpoint, methods=METHODS)],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
                allow_headers=["*"],
                expose_headers=EXPOSED,
                max_age=86400,
            )
        ],
    )


def uvicorn_config(asgi, config):
    """uvicorn's settings for ``config`` (a :class:`mgkg.web.server.ServerConfig`)."""
    import uvicorn

    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:  # pragma: no cover - platforms without uvloop
        loop = "asyncio"
    return uvicorn.Config(
        asgi,
        loop=loop,
        http=guarded_protocol(config.header_timeout),
        lifespan="off",
        log_config=None,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=bool(config.trusted_proxies),
        forwarded_allow_ips=list(config.trusted_proxies) or None,
        limit_concurrency=config.max_connections,
        timeout_keep_alive=KEEP_ALIVE,
        timeout_graceful_shutdown=5,
    )


__all__ = ["GuardedProtocol", "make_asgi", "uvicorn_config"]
