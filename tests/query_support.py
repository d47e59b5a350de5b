"""Helpers and fixtures shared by the query tests (catalog, CLI, API, remote).

Import the fixtures into a test module with ``from query_support import engine, query_cache``.
Engines use a cache directory of their own (never the project's ``.cache``), so the tests
leave nothing behind and do not depend on an existing cache.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mgkg.build.catalog import CatalogQuery, load_catalog
from mgkg.query.engine import LocalEngine, Result, compact, run
from mgkg.query.store import open_store

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
RELEASE_TTL = ROOT / "graph" / "mgkg.ttl"


@pytest.fixture(scope="session")
def query_cache(tmp_path_factory) -> Path:
    """A cache directory for embedded stores, shared by the session."""
    return tmp_path_factory.mktemp("mgkg-cache")


@pytest.fixture(scope="session")
def engine(query_cache) -> LocalEngine:
    """The embedded engine over the committed release."""
    return LocalEngine(open_store(RELEASE_TTL, cache_dir=query_cache))


def catalog_queries() -> list[CatalogQuery]:
    return list(load_catalog(QUERIES))


def catalog_names() -> list[str]:
    return [q.name for q in catalog_queries()]


def rows(result: Result) -> list[dict[str, str]]:
    """Rows with compact values: CURIEs for IRIs, lexical forms for literals, '' for unbound."""
    return [{v: compact(t) for v, t in zip(result.variables, row, strict=True)} for row in result.rows]


def answer(engine, name: str, **params: str) -> Result:
    return run(engine, load_catalog(QUERIES).get(name), params)


def table_rows(engine, name: str, **params: str) -> list[dict[str, str]]:
    return rows(answer(engine, name, **params))


def group_concat_separators(text: str) -> list[str]:
    """Separators of the GROUP_CONCAT aggregates of a query (" " when not given)."""
    if "GROUP_CONCAT" not in text.upper():
        return []
    found = [
        m.group(2) if m.group(2) is not None else m.group(3)
        for m in re.finditer(r"""separator\s*=\s*("([^"]*)"|'([^']*)')""", text, re.IGNORECASE)
    ]
    return found or [" "]


def same_answer(a: Result, b: Result, text: str) -> bool:
    """Equal results, up to what SPARQL leaves undefined.

    SPARQL fixes neither the order of rows without ORDER BY nor the order of the values
    inside a GROUP_CONCAT, and two stores (an embedded one and a server) may differ there.
    """
    if a.form != b.form or a.variables != b.variables or a.boolean != b.boolean:
        return False
    if a.is_graph:
        return sorted(map(str, a.triples)) == sorted(map(str, b.triples))
    separators = group_concat_separators(text)

    def normal(row):
        cells = []
        for term in row:
            value = str(term) if term is not None else ""
            for sep in separators:
                if sep and sep in value:
                    value = sep.join(sorted(value.split(sep)))
            cells.append(value)
        return tuple(cells)

    left, right = [normal(r) for r in a.rows], [normal(r) for r in b.rows]
    if "ORDER BY" in text.upper() and not separators:
        return left == right
    return sorted(left) == sorted(right)
