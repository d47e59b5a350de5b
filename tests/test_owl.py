"""The ontology and the release as OWL tools read them: OWL 2 DL (the OWL API's profile
checker) and an OWL 2 RL closure (owlrl) with no inconsistency and no unexpected type.

Why both: the profile check finds undeclared terms, punning across property kinds and
reserved vocabulary misused as classes; the RL closure finds what the axioms *mean* against
the data (a domain or range that would retype a node, two disjoint classes sharing a node).
Each check is also run on a planted error, so it is known to fail when it should.

The OWL API comes from Debian's ``libowlapi-java`` (``make test`` installs it) and runs
``tools/owl/OwlDlCheck.java`` as a single-file Java program.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from conftest import RELEASE, ROOT

MGKG = Namespace("https://w3id.org/mgkg/ontology#")
ID = Namespace("https://w3id.org/mgkg/id/")
OWLAPI_JAR = Path("/usr/share/java/owlapi-distribution.jar")
CHECKER = ROOT / "tools" / "owl" / "OwlDlCheck.java"
#: RDF reification, which OWL 2 has no place for: OWL tools set it aside, and the release
#: repeats its content as mgkg:claimSubject / claimPredicate / claimObject / claimValue.
REIFICATION = (RDF.subject, RDF.predicate, RDF.object)
#: Logging bindings that would compete with slf4j-nop on the class path.
_NOT_ON_CLASSPATH = re.compile(r"slf4j-(?!api|nop)|-over-slf4j|jul-to-slf4j|-[0-9][0-9.~+a-z]*\.jar$")


def owlapi_classpath() -> str:
    """The OWL API jar and the jars of the Debian packages it depends on."""
    if shutil.which("java") is None or not OWLAPI_JAR.exists():
        pytest.fail("the OWL API is not installed: run `make test`, or `apt-get install libowlapi-java`")
    depends = subprocess.run(
        ["dpkg-query", "-W", "-f=${Depends}", "libowlapi-java"], capture_output=True, text=True, check=True
    ).stdout
    jars = [str(OWLAPI_JAR)]
    for package in sorted({item.split("|")[0].split()[0] for item in depends.split(",") if item.strip()}):
        listing = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True).stdout
        jars += [
            line
            for line in listing.splitlines()
            if re.fullmatch(r"/usr/share/java/[^/]+\.jar", line) and not _NOT_ON_CLASSPATH.search(line)
        ]
    return ":".join(jars)


def profile_violations(paths: Iterable[Path]) -> dict[str, list[str]]:
    """OWL 2 DL violations per file, from one run of the checker."""
    paths = list(paths)
    run = subprocess.run(
        ["java", "-cp", owlapi_classpath(), str(CHECKER), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode != 101, run.stdout + run.stderr
    result: dict[str, list[str]] = {}
    current = None
    for line in run.stdout.splitlines():
        if line.startswith("== "):
            current = result.setdefault(line[3:], [])
        elif current is not None and not line.startswith("violations "):
            current.append(line)
    assert set(result) == {str(p) for p in paths}, run.stdout + run.stderr
    return result


def without_reification(graph: Graph) -> Graph:
    """The graph minus rdf:Statement typing and rdf:subject/predicate/object."""
    kept = Graph()
    for triple in graph:
        s, p, o = triple
        if p in REIFICATION or (p == RDF.type and o == RDF.Statement):
            continue
        kept.add(triple)
    return kept


@pytest.fixture(scope="module")
def violations(tmp_path_factory) -> dict[str, list[str]]:
    """Profile violations of the ontology, the release (as OWL reads it) and a planted error."""
    folder = tmp_path_factory.mktemp("owl")
    release = folder / "release.ttl"
    without_reification(Graph().parse(RELEASE / "mgkg.ttl")).serialize(release, format="turtle")
    planted = folder / "planted.ttl"
    text = (ROOT / "ontology" / "mgkg.ttl").read_text(encoding="utf-8")
    planted.write_text(
        text
        + "\nmgkg:Typo rdfs:subClassOf mgkg:Claim .\n"  # an undeclared class
        + "mgkg:nickname rdfs:subPropertyOf skos:altLabel .\n",  # data property under an annotation one
        encoding="utf-8",
    )
    found = profile_violations([ROOT / "ontology" / "mgkg.ttl", release, planted])
    return {"ontology": found[str(ROOT / "ontology" / "mgkg.ttl")], "release": found[str(release)]} | {
        "planted": found[str(planted)]
    }


def test_ontology_is_owl2_dl(violations):
    assert violations["ontology"] == [], "\n".join(violations["ontology"])


def test_release_is_owl2_dl_as_owl_tools_read_it(violations):
    assert violations["release"] == [], "\n".join(violations["release"][:40])


def test_profile_check_catches_planted_errors(violations):
    planted = "\n".join(violations["planted"])
    assert "Use of undeclared class: <https://w3id.org/mgkg/ontology#Typo>" in planted, planted
    assert "skos/core#altLabel" in planted, planted


def test_only_reification_is_set_aside_and_claim_content_survives(release_graph):
    """What the OWL 2 DL check leaves out is only RDF reification, and OWL tools still get every
    claim's (and summary's) subject, predicate and object from the mgkg:claim* properties."""
    kept = without_reification(release_graph)
    assert len(release_graph) - len(kept) == sum(
        1 for p in REIFICATION for _ in release_graph.subject_objects(p)
    ) + sum(1 for _ in release_graph.subjects(RDF.type, RDF.Statement))
    nodes = set(release_graph.subjects(RDF.subject, None))
    assert len(nodes) > 400
    for node in nodes:
        s, p, o = (release_graph.value(node, term) for term in REIFICATION)
        assert kept.value(node, MGKG.claimSubject) == s, node
        assert kept.value(node, MGKG.claimPredicate) == p, node
        carrier = MGKG.claimValue if isinstance(o, Literal) else MGKG.claimObject
        assert list(kept.objects(node, carrier)) == [o], node
        other = MGKG.claimObject if carrier == MGKG.claimValue else MGKG.claimValue
        assert kept.value(node, other) is None, node


# -- OWL 2 RL closure -----------------------------------------------------------------------


def _superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    seen, stack = {cls}, [cls]
    while stack:
        for parent in graph.objects(stack.pop(), RDFS.subClassOf):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def rl_findings(graph: Graph) -> tuple[list[str], list[str]]:
    """(inconsistencies, unexpected types) after an OWL 2 RL closure of a copy of ``graph``.

    A type is unexpected when a node of the data gets a class that is not one of its asserted
    classes or their superclasses: a domain or range the data does not agree with."""
    closed = Graph()
    for triple in graph:
        closed.add(triple)
    asserted = {s: set(closed.objects(s, RDF.type)) for s in set(closed.subjects(RDF.type, None))}
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    errors = sorted(str(m) for e in closed.subjects(RDF.type, ERRNS.ErrorMessage) for m in closed.objects(e))
    errors = [e for e in errors if e != str(ERRNS.ErrorMessage)]
    unexpected = []
    for node in set(closed.subjects(RDF.type, None)):
        if not str(node).startswith(str(ID)):
            continue
        expected = {OWL.Thing, OWL.NamedIndividual, RDFS.Resource}
        for cls in asserted.get(node, ()):
            expected |= _superclasses(closed, cls)
        unexpected += [f"{node} a {t}" for t in closed.objects(node, RDF.type) if t not in expected]
    return errors, sorted(unexpected)


def test_owl_rl_closure_of_release_is_consistent_with_no_unexpected_type(release_graph):
    errors, unexpected = rl_findings(release_graph)
    assert errors == [], "\n".join(errors[:20])
    assert unexpected == [], "\n".join(unexpected[:20])


def test_owl_rl_closure_catches_planted_errors():
    graph = Graph().parse(ROOT / "ontology" / "mgkg.ttl")
    source, claim, condition = ID["a-source"], ID["a-claim"], ID["a-condition"]
    graph.add((claim, RDF.type, MGKG.Claim))
    graph.add((claim, RDF.type, MGKG.Source))  # Claim and Source are disjoint
    graph.add((condition, RDF.type, MGKG.Condition))
    graph.add((source, RDF.type, MGKG.WebSource))
    graph.add((source, MGKG.mayAlleviate, condition))  # a web page alleviating a condition
    errors, unexpected = rl_findings(graph)
    assert any("Claim" in e and "Source" in e for e in errors), errors
    assert f"{source} a {MGKG.BiomedicalEntity}" in unexpected, unexpected
