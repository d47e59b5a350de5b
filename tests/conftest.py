"""Shared fixtures: the repository root, a scratch copy of the project, the release graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "graph"


#: Test modules that belong to a tier as a whole (see the markers in pyproject.toml).
MODULE_TIERS = {
    "test_server.py": "server",
    "test_server_conneg.py": "server",
    "test_server_safety.py": "server",
    "test_remote.py": "server",
    "test_virtuoso.py": "server",
    "test_server_attacks.py": "server",
    "test_server_fairness.py": "server",
    "test_curation_errors.py": "slow",  # every case runs a whole build
    "test_second_nutrient.py": "slow",  # builds the release with a second nutrient
    "test_bench.py": "bench",
    "test_owl.py": "slow",  # a JVM run of the OWL API and an OWL RL closure of the release
    "test_shapes_mutations.py": "slow",  # validates a corrupted copy of the release
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark whole modules by tier, so a new test in them needs no decorator to be tiered."""
    for item in items:
        path = item.path
        if path.parent.name == "browser":
            item.add_marker(pytest.mark.browser)
        tier = MODULE_TIERS.get(path.name)
        if tier:
            item.add_marker(getattr(pytest.mark, tier))


def copy_project(target: Path) -> Path:
    """Copy what a build reads (ontology, curation, reference) into ``target``."""
    shutil.copytree(ROOT / "ontology", target / "ontology")
    shutil.copytree(ROOT / "graph" / "curation", target / "graph" / "curation")
    shutil.copytree(ROOT / "graph" / "reference", target / "graph" / "reference")
    shutil.copytree(ROOT / "queries", target / "queries")  # the build publishes graph/catalog.ttl
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the project that a test may break and rebuild."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def release_graph() -> Graph:
    """The committed release, parsed by rdflib."""
    return Graph().parse(RELEASE / "mgkg.ttl", format="turtle")


@pytest.fixture(scope="session")
def store() -> pyoxigraph.Store:
    """The committed release in an in-memory pyoxigraph store, for SPARQL checks."""
    store = pyoxigraph.Store()
    store.bulk_load(path=str(RELEASE / "mgkg.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    return store


PREFIXES = """
PREFIX mgkg: <https://w3id.org/mgkg/ontology#>
PREFIX kg: <https://w3id.org/mgkg/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX fabio: <http://purl.org/spar/fabio/>
PREFIX prism: <http://prismstandard.org/namespaces/basic/2.0/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX mesh: <http://id.nlm.nih.gov/mesh/>
PREFIX biolink: <https://w3id.org/biolink/vocab/>
PREFIX qudt: <http://qudt.org/schema/qudt/>
"""


def select(store: pyoxigraph.Store, query: str) -> list[dict[str, str]]:
    """Run a SELECT with the project prefixes; rows as {variable: plain value}."""
    result = store.query(PREFIXES + query)
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        rows.append({n: (solution[n].value if solution[n] is not None else None) for n in names})
    return rows


def ask(store: pyoxigraph.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))
