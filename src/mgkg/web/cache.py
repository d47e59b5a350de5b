"""A small cache of answers to identical requests on the served release.

Why: the release does not change while it is served, so the same query text asked for in
the same format has the same answer; notebooks, dashboards and the query page's examples
ask the same questions again and again. An entry is keyed by the release's hash (a
server restarted on a new release starts empty anyway; the hash makes the rule
explicit), the query text, the ``Accept`` header and ``format`` values, and the dataset
parameters. Only complete 200 answers of at most ``MAX_ENTRY_BYTES`` are kept, the
least recently used leave first, and the whole cache holds at most ``MAX_TOTAL_BYTES``.
Answers served from the cache carry ``X-Cache: hit``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

MAX_ENTRY_BYTES = 1 << 20
MAX_TOTAL_BYTES = 64 << 20


class AnswerCache:
    def __init__(self, entries: int, release_hash: str):
        self.entries = entries
        self.release_hash = release_hash
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.entries > 0

    def _key(self, request: tuple) -> str:
        """A digest of the release and the request (a query may be 1 MB long: keys stay small)."""
        return hashlib.sha256(repr((self.release_hash, request)).encode("utf-8")).hexdigest()

    def get(self, request: tuple):
        """The cached reply for ``request`` (query, accept, formats, default and named graphs)."""
        if not self.enabled:
            return None
        key = self._key(request)
        with self._lock:
            reply = self._items.get(key)
            if reply is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return reply

    def put(self, request: tuple, reply) -> None:
        if not self.enabled or reply.status != 200 or len(reply.body) > MAX_ENTRY_BYTES:
            return
        key = self._key(request)
        with self._lock:
            if key in self._items:
                return
            self._items[key] = reply
            self._bytes += len(reply.body)
            while len(self._items) > self.entries or self._bytes > MAX_TOTAL_BYTES:
                _key, old = self._items.popitem(last=False)
                self._bytes -= len(old.body)
