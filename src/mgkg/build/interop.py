"""The release files for other tools: KGX (Biolink), nanopublications and SSSOM mappings.

Why a module of its own: these files are views of the built graph in other
communities' formats, written by the build next to the RDF release (and replaced with
it in one step), so each is rebuilt byte for byte from the same sources. Which
formats exist and their media types are listed once, in :data:`mgkg.build.export.DUMPS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from mgkg.vocab import Base


def interop_files(
    graph: Graph, base: Base, version: str, identifier_tables: Sequence[Path], only: str | None = None
) -> dict[str, str]:
    """KGX, nanopublication and SSSOM files of a built release graph, keyed by release path.

    ``identifier_tables`` are the verified identifier tables the SSSOM comments cite;
    ``only`` (a release path) computes just that file's format.
    """
    files: dict[str, str] = {}
    if only is None or only.startswith("kgx/"):
        from mgkg.build.kgx import kgx_files

        files |= kgx_files(graph, base)
    if only in (None, "nanopub.trig"):
        from mgkg.build.nanopub import nanopub_trig

        files["nanopub.trig"] = nanopub_trig(graph, base, version)
    if only in (None, "mappings.sssom.tsv"):
        from mgkg.build.mappings import sssom_tsv

        files["mappings.sssom.tsv"] = sssom_tsv(graph, base, version, identifier_tables)
    return files
