"""Where a project's inputs and outputs live: the one place that knows the checkout's layout.

Kept free of heavy imports so the command line's start-up path (``mgkg query``) can find the
release without loading rdflib.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def project_root() -> Path:
    """The checkout this package runs from (src/mgkg/layout.py -> repository root)."""
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Paths:
    """Where a project's inputs and outputs live, relative to its root."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "mgkg.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def curation(self) -> Path:
        return self.root / "graph" / "curation"

    @property
    def identifiers(self) -> tuple[Path, Path]:
        reference = self.root / "graph" / "reference"
        return reference / "identifiers.tsv", reference / "identifiers-extra.tsv"

    @property
    def page(self) -> Path:
        return self.root / "graph" / "reference" / "source-page.txt"

    @property
    def release(self) -> Path:
        return self.root / "graph"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def release_file(self) -> Path:
        return self.root / "graph" / "mgkg.ttl"
