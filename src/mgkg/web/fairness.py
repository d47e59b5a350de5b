"""Per-client limits of the endpoint: parallel queries, query time per minute, crashes.

Why: a public endpoint is shared. One client sending heavy queries back to back must not
take all the workers, and one that keeps crashing the engine (every crash costs a
worker restart) must be slowed down. The Wikidata Query Service's rules are the model:
each client may run 5 queries at once and use 60 s of query time per minute; past that
it gets 429 Too Many Requests with a ``Retry-After`` saying when to come back.

A client is its network address: the peer's, or, behind a reverse proxy configured as
trusted (``--trusted-proxy``), the address that proxy reports in ``X-Forwarded-For``
(uvicorn's proxy-headers middleware resolves it before the request reaches the app).
Query time is worker time: what a query held a worker for, including a query stopped at
the time limit. A client told to retry later (its query was stopped at the time limit or
to make room in the heavy lane: 503 with ``Retry-After``) gets 429 until that time has
passed, so a client that retries at once cannot keep the workers busy. A crash (a worker that died on the query) is charged as a strike; 3
strikes within 10 minutes mean 429 until the oldest one expires.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from mgkg.web.settings import DEFAULT_CRASH_LIMIT, DEFAULT_PARALLEL, DEFAULT_SECONDS_PER_MINUTE

WINDOW = 60.0
CRASH_WINDOW = 600.0


class Limited(Exception):
    """A request over one of its client's limits: answer 429 with ``retry_after``."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, retry_after)


@dataclass
class _Client:
    running: int = 0
    wait_until: float = 0.0  # a Retry-After the client was given and must honour
    spent: deque[tuple[float, float]] = field(default_factory=deque)  # (when, seconds)
    total: float = 0.0  # the sum of ``spent`` (kept, not summed: a busy client has thousands)
    crashes: deque[float] = field(default_factory=deque)

    def charge(self, now: float, seconds: float) -> None:
        self.spent.append((now, seconds))
        self.total += seconds

    def forget_before(self, now: float) -> None:
        while self.spent and self.spent[0][0] <= now - WINDOW:
            self.total -= self.spent.popleft()[1]
        if not self.spent:
            self.total = 0.0  # no rounding drift once the window is empty
        while self.crashes and self.crashes[0] <= now - CRASH_WINDOW:
            self.crashes.popleft()

    def idle(self, now: float) -> bool:
        return not (self.running or self.spent or self.crashes or self.wait_until > now)


class ClientLedger:
    """What each client runs and has used; :meth:`admit` before a query, :meth:`settle` after.

    A limit of 0 switches that limit off.
    """

    def __init__(
        self,
        parallel: int = DEFAULT_PARALLEL,
        seconds_per_minute: float = DEFAULT_SECONDS_PER_MINUTE,
        crash_limit: int = DEFAULT_CRASH_LIMIT,
        clock=time.monotonic,
    ):
        self.parallel = parallel
        self.seconds_per_minute = seconds_per_minute
        self.crash_limit = crash_limit
        self.clock = clock
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()
        self._admitted = 0
        self.refused = 0

    def usage(self, client: str) -> float:
        """Seconds of query time ``client`` used in the last minute (the scheduling priority)."""
        with self._lock:
            state = self._clients.get(client)
            if state is None:
                return 0.0
            state.forget_before(self.clock())
            return state.total

    def typical(self, client: str, unknown: float) -> float:
        """The mean query time of ``client`` in the last minute (``unknown`` for a client
        with none): the order in which waiting queries get a worker, lowest first. The
        best guess of how long a query will take is how long its client's queries took,
        so clients asking cheap questions are served before clients whose queries run
        long, and a new client ranks as if its queries took ``unknown`` seconds."""
        with self._lock:
            state = self._clients.get(client)
            if state is None:
                return unknown
            state.forget_before(self.clock())
            if not state.spent:
                return unknown
            return state.total / len(state.spent)

    def admit(self, client: str) -> None:
        """Count a query of ``client`` as running, or raise :class:`Limited`."""
        now = self.clock()
        with self._lock:
            self._admitted += 1
            if self._admitted % 1024 == 0:
                self._sweep(now)
            state = self._clients.setdefault(client, _Client())
            state.forget_before(now)
            try:
                self._check(state, now)
            except Limited:
                self.refused += 1
                raise
            state.running += 1

    def _check(self, state: _Client, now: float) -> None:
        if state.wait_until > now:
            raise Limited(
                "your last query was stopped (time limit, or to make room for others) and the "
                "answer asked you to wait before the next one",
                math.ceil(state.wait_until - now),
            )
        if self.crash_limit and len(state.crashes) >= self.crash_limit:
            wait = state.crashes[0] + CRASH_WINDOW - now
            raise Limited(
                f"your queries crashed the query engine {len(state.crashes)} times in the last "
                f"{CRASH_WINDOW / 60:g} minutes; queries from your address are refused for a while",
                math.ceil(wait),
            )
        if self.parallel and state.running >= self.parallel:
            raise Limited(
                f"too many queries at once from your address: at most {self.parallel} run in "
                "parallel; wait for one to finish",
                1,
            )
        if self.seconds_per_minute:
            used = state.total
            if used >= self.seconds_per_minute:
                # Wait until enough of the oldest charges fall out of the window.
                excess, wait = used - self.seconds_per_minute, WINDOW
                for when, seconds in state.spent:
                    excess -= seconds
                    if excess < 0:
                        wait = when + WINDOW - now
                        break
                raise Limited(
                    f"your queries used {used:.0f} s of query time in the last minute; the limit is "
                    f"{self.seconds_per_minute:g} s per minute per client",
                    math.ceil(wait),
                )

    def settle(self, client: str, seconds: float, crashed: bool = False, wait: float = 0.0) -> None:
        """A query of ``client`` ended after ``seconds`` of worker time (``crashed``: it
        killed its worker; ``wait``: the client was told to retry after so many seconds,
        and its queries are refused until then)."""
        now = self.clock()
        with self._lock:
            state = self._clients.setdefault(client, _Client())
            state.running = max(0, state.running - 1)
            if wait > 0:
                state.wait_until = max(state.wait_until, now + wait)
            if seconds > 0:
                state.charge(now, seconds)
            if crashed:
                state.crashes.append(now)

    def _sweep(self, now: float) -> None:
        for key in list(self._clients):
            state = self._clients[key]
            state.forget_before(now)
            if state.idle(now):
                del self._clients[key]

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._clients)
