"""The embedded query engine: the release loaded into pyoxigraph, cached on disk.

Why pyoxigraph and a cache: rdflib's SPARQL engine is one to three orders of magnitude
slower (a GROUP BY over 100k triples took over 120 s in rdflib and 29 ms in pyoxigraph),
and parsing the release on every ``mgkg query`` would dominate its
run time. The first query after a build bulk-loads ``graph/mgkg.ttl`` into an on-disk
store under the cache directory, in a directory named by the SHA-256 of the release
bytes (and the pyoxigraph version, whose storage format may change). Later queries open
that store read-only, which is fast and lets several processes share it.

The store is built in a temporary sibling directory and renamed into place only when
complete, so a crash or a concurrent build never leaves a half-loaded store behind; two
processes that build at once both succeed and one of the two copies is kept. Older
entries are pruned. When no cache directory is writable the release is loaded into
memory instead.

Cache directory: ``$MGKG_CACHE_DIR`` if set, else ``.cache/store`` in the project, else
``$XDG_CACHE_HOME/mgkg/store`` (``~/.cache/mgkg/store``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import time
import uuid
from pathlib import Path

import pyoxigraph

from mgkg.errors import DataError
from mgkg.layout import project_root

CACHE_ENV = "MGKG_CACHE_DIR"
READY = "mgkg-store.ready"
KEEP = 3  # cache entries kept (the newest)


def release_file(root: Path | None = None) -> Path:
    return (root or project_root()) / "graph" / "mgkg.ttl"


def cache_dirs(root: Path | None = None) -> list[Path]:
    """Candidate cache directories, most preferred first."""
    if os.environ.get(CACHE_ENV):
        return [Path(os.environ[CACHE_ENV])]
    xdg = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return [(root or project_root()) / ".cache" / "store", xdg / "mgkg" / "store"]


def release_key(data: bytes) -> str:
    """Cache key of a release: content hash plus the pyoxigraph version."""
    return f"{hashlib.sha256(data).hexdigest()[:24]}-ox{pyoxigraph.__version__}"


def _format_for(path: Path) -> pyoxigraph.RdfFormat:
    fmt = pyoxigraph.RdfFormat.from_extension(path.suffix.lstrip(".") or "ttl")
    return fmt or pyoxigraph.RdfFormat.TURTLE


def _read_release(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"no release graph at {path}: run `mgkg build` first") from None
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from None


def memory_store(path: Path, data: bytes | None = None) -> pyoxigraph.Store:
    """The release in an in-memory store (no cache)."""
    store = pyoxigraph.Store()
    try:
        store.bulk_load(input=data if data is not None else _read_release(path), format=_format_for(path))
    except SyntaxError as exc:
        raise DataError(f"{path} does not parse: {exc}") from None
    return store


def open_store(
    release: Path | None = None, cache_dir: Path | None = None, memory: bool = False, root: Path | None = None
) -> pyoxigraph.Store:
    """A read-only store holding ``release`` (default ``graph/mgkg.ttl``), reused while unchanged."""
    path = release or release_file(root)
    data = _read_release(path)
    if memory:
        return memory_store(path, data)
    key = release_key(data)
    for directory in [cache_dir] if cache_dir else cache_dirs(root):
        try:
            return _cached(directory, key, path, data)
        except OSError:
            continue  # not writable (or broken): try the next place
    return memory_store(path, data)


def cached_path(release: Path | None = None, cache_dir: Path | None = None, root: Path | None = None) -> Path:
    """Where the store for ``release`` lives (or would live) in ``cache_dir``."""
    path = release or release_file(root)
    directory = cache_dir or cache_dirs(root)[0]
    return directory / release_key(_read_release(path))


def _cached(directory: Path, key: str, path: Path, data: bytes) -> pyoxigraph.Store:
    target = directory / key
    if (target / READY).is_file():
        with contextlib.suppress(OSError):
            return pyoxigraph.Store.read_only(str(target))
        shutil.rmtree(target, ignore_errors=True)  # unreadable: rebuild below
    directory.mkdir(parents=True, exist_ok=True)
    _build(directory, key, path, data)
    _prune(directory, keep={key})
    return pyoxigraph.Store.read_only(str(target))


def _build(directory: Path, key: str, path: Path, data: bytes) -> None:
    """Load into a temporary directory, mark it complete, then rename it into place."""
    temporary = directory / f".build-{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    target = directory / key
    try:
        store = pyoxigraph.Store(str(temporary))
        try:
            store.bulk_load(input=data, format=_format_for(path))
        except SyntaxError as exc:
            raise DataError(f"{path} does not parse: {exc}") from None
        store.flush()
        del store
        gc.collect()  # close the RocksDB handle before the rename
        (temporary / READY).write_text(f"{path.name}\n{key}\n", encoding="utf-8")
        try:
            temporary.rename(target)
        except OSError:
            if not (target / READY).is_file():  # neither ours nor a complete concurrent build
                raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _prune(directory: Path, keep: set[str]) -> None:
    """Drop all but the newest entries, and temporary builds abandoned over an hour ago."""
    entries = []
    now = time.time()
    for child in directory.iterdir():
        with contextlib.suppress(OSError):
            if child.name.startswith(".build-"):
                if now - child.stat().st_mtime > 3600:
                    shutil.rmtree(child, ignore_errors=True)
            elif child.is_dir() and (child / READY).is_file() and child.name not in keep:
                entries.append((child.stat().st_mtime, child))
    for _, child in sorted(entries, reverse=True)[KEEP - 1 :]:
        shutil.rmtree(child, ignore_errors=True)
