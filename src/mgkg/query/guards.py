"""The checks a query passes before any engine runs it: no update, no SERVICE, bounded nesting.

Both the endpoint (:mod:`mgkg.web`) and the embedded engine (``mgkg query``) apply them, so
they live below both. Safety: the store is read-only and queried only through ``Store.query`` (which cannot
run updates), so updates are refused with a clear message rather than by luck.
``SERVICE`` makes pyoxigraph send an HTTP request; :func:`check_services` finds every
SERVICE keyword with a scanner whose terminals are the grammar's (comments end at CR or
LF, strings, IRIs and prefixed names with exactly the escapes the engine accepts), so it
reads the query's structure as the engine does, and refuses the query unless each
endpoint is an IRI on the allow-list. A query the scanner cannot fully classify (a stray
quote or backslash) that mentions "service" anywhere is refused. This is the first of two
defences: the worker processes that run queries also have no network at all (see
:mod:`mgkg.web.sandbox`), so a checker mistake still cannot reach another server.
"""

from __future__ import annotations

import re

from mgkg.build.catalog import query_form, scan


class ProtocolError(Exception):
    """A request the protocol rejects: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


MAX_NESTING = 200


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse brackets or quoted triples (``<< >>``) nested deeper than ``limit``:
    pyoxigraph's recursive parser overflows its stack (and crashes the process) on a few
    thousand levels, and no real query comes near."""
    # Only an opening bracket deepens the nesting: a text with few of them cannot nest
    # deeper than their count, and needs no scan (most queries).
    if sum(text.count(opener) for opener in ("(", "{", "[", "<<")) <= limit:
        return
    depth = deepest = 0
    for token in scan(text):
        if token.kind != "other":
            continue
        if token.text in ("(", "{", "[", "<<"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                raise ProtocolError(400, f"the query nests brackets more than {limit} deep")
        elif token.text in (")", "}", "]", ">>"):
            depth = max(0, depth - 1)


def is_update(text: str) -> bool:
    """Whether ``text`` reads as a SPARQL update (first keyword INSERT, DELETE, LOAD, ...)."""
    return query_form(unescape(text)) == "UPDATE"


def looks_like_update(text: str) -> bool:
    """For a text the query parser rejected: does rdflib parse it as an update?"""
    try:
        from rdflib.plugins.sparql.parser import parseUpdate

        parseUpdate(unescape(text))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not an update"
        return False


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape(text: str) -> str:
    """Undo the codepoint escapes SPARQL allows anywhere in a query (§19.2)."""

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _ESCAPE.sub(char, text)


class Refused(ProtocolError):
    """A query the endpoint will not run (SERVICE not allowed, an update)."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(status, message)


#: Characters that open or escape something; left over by the scanner, they mean it could
#: not classify the text around them the way the engine would.
_UNCLASSIFIED = frozenset("\"'\\")


def check_services(text: str, allowed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The SERVICE endpoints of ``text`` if every one is on ``allowed``; else :class:`Refused`.

    Every token ``SERVICE`` (any case) outside strings, IRIs and comments is a SERVICE
    clause: the engine reads the keyword nowhere else. Each must name an allowed endpoint
    as an IRI (a variable or prefixed name is refused: it could be anything). Fail closed:
    when the scanner leaves a quote or backslash it could not place, and the text mentions
    "service" anywhere (also through a \\u escape), the query is refused unread.
    """
    # A SERVICE token is a piece of the text, and case folding maps each character on its
    # own, so a text whose folded form (escapes undone or not) does not contain "service"
    # has no SERVICE clause and needs no scan (most queries).
    if "service" not in text.casefold() and "service" not in unescape(text).casefold():
        return []
    tokens = list(scan(text))
    found: list[str | None] = []
    for i, token in enumerate(tokens):
        if token.kind == "word" and token.text.casefold() == "service":
            following = tokens[i + 1 : i + 3]
            if following and following[0].kind == "word" and following[0].text.casefold() == "silent":
                following = following[1:]
            nxt = following[0] if following else None
            found.append(nxt.text[1:-1] if nxt is not None and nxt.kind == "iri" else None)
    unclassified = any(t.kind == "other" and t.text in _UNCLASSIFIED for t in tokens)
    if unclassified and ("service" in text.casefold() or "service" in unescape(text).casefold()):
        raise Refused(_service_message(allowed, "it could not be checked"))
    for endpoint in found:
        if endpoint is None:
            raise Refused(
                _service_message(allowed, "its endpoint is a variable or a prefixed name, not an IRI")
            )
        if endpoint not in allowed:
            raise Refused(_service_message(allowed, f"<{endpoint}> is not on the allow-list"))
    return [e for e in found if e is not None]


def _service_message(allowed, why: str) -> str:
    if not allowed:
        return (
            f"federated queries (SERVICE) are refused ({why}): queries never make the server or "
            "this program call other servers, unless an endpoint is allow-listed (--allow-service URL)"
        )
    return f"SERVICE refused: {why}; allowed endpoints: " + ", ".join(f"<{a}>" for a in sorted(allowed))
