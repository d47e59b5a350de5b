"""``mgkg explain``: ranked, evidence-annotated paths between two entities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RELEASE
from mgkg.cli import main
from mgkg.errors import UserError
from mgkg.views.explain import RANKING, explain, format_text, hop_graph, to_json
from mgkg.views.model import build_claim_graph

PREFIXES = """
@prefix mgkg: <https://w3id.org/mgkg/ontology#> .
@prefix kg: <https://w3id.org/mgkg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix fabio: <http://purl.org/spar/fabio/> .
"""

#: mg -> insomnia directly, but only by a vendor; mg -> sleep -> insomnia by two graded
#: findings from a trial (the second claim points backwards: insomnia ... sleep).
TOY = (
    PREFIXES
    + """
kg:mg a mgkg:Mineral ; rdfs:label "magnesium"@en .
kg:sleep a mgkg:BiologicalProcess ; rdfs:label "sleep"@en .
kg:insomnia a mgkg:Disorder ; rdfs:label "insomnia"@en .
kg:island a mgkg:Disorder ; rdfs:label "island"@en .
kg:trial a mgkg:Publication ; rdfs:label "Abbasi 2012"@en ; fabio:hasPubMedId "23853635" ;
    mgkg:sourceKind mgkg:PeerReviewedEvidence .
kg:shop a mgkg:WebSource ; rdfs:label "a vendor page"@en ; mgkg:sourceKind mgkg:VendorMaterial .
mgkg:GradeHigh rdfs:label "high"@en .
mgkg:GradeVendorClaimOnly rdfs:label "vendor claim only"@en .
kg:vendor-claim a mgkg:Claim ; rdfs:label "A vendor says magnesium cures insomnia."@en ;
    rdf:subject kg:mg ; rdf:predicate mgkg:mayAlleviate ; rdf:object kg:insomnia ;
    mgkg:evidenceGrade mgkg:GradeVendorClaimOnly ; prov:wasDerivedFrom kg:shop .
kg:mg-sleep a mgkg:Claim ; rdfs:label "Magnesium improved sleep in a trial."@en ;
    rdf:subject kg:mg ; rdf:predicate mgkg:mayImprove ; rdf:object kg:sleep ;
    mgkg:evidenceGrade mgkg:GradeHigh ; prov:wasDerivedFrom kg:trial .
kg:insomnia-sleep a mgkg:Claim ; rdfs:label "Insomnia disturbs sleep."@en ;
    rdf:subject kg:insomnia ; rdf:predicate mgkg:negativelyRegulates ; rdf:object kg:sleep ;
    mgkg:evidenceGrade mgkg:GradeHigh ; prov:wasDerivedFrom kg:trial .
"""
)


@pytest.fixture
def toy(tmp_path: Path):
    path = tmp_path / "toy.ttl"
    path.write_text(TOY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def release():
    return build_claim_graph(RELEASE / "mgkg.ttl")


def test_strong_evidence_outranks_a_short_vendor_path(toy):
    graph = build_claim_graph(toy)
    result = explain(graph, "magnesium", "insomnia")
    routes = [[graph.nodes[n]["entity"].label for n in p.nodes] for p in result.paths]
    assert routes == [["magnesium", "sleep", "insomnia"], ["magnesium", "insomnia"]]
    assert result.paths[0].cost < result.paths[1].cost
    assert result.paths[0].weakest == "high" and result.paths[1].weakest == "vendor"
    ((claim, forward),) = result.paths[0].hops[1].claims
    assert claim.statement == "Insomnia disturbs sleep." and forward is False  # points the other way


def test_text_output_annotates_every_hop(toy):
    graph = build_claim_graph(toy)
    text = format_text(graph, explain(graph, "magnesium", "insomnia"))
    assert text.startswith("Paths from magnesium (kg:mg) to insomnia (kg:insomnia): 2 found")
    assert "1. magnesium —may improve→ sleep ←negatively regulates— insomnia" in text
    assert "grade: high" in text and "grade: vendor claim only" in text
    assert "source: Abbasi 2012 (PMID 23853635)" in text
    assert "(claim points the other way)" in text


def test_json_output(toy):
    graph = build_claim_graph(toy)
    data = to_json(graph, explain(graph, "kg:mg", "insomnia", k=1))
    assert data["from"]["label"] == "magnesium" and len(data["paths"]) == 1
    hop = data["paths"][0]["hops"][0]
    assert hop["claims"][0]["grade"]["label"] == "high"
    assert hop["claims"][0]["sources"][0]["links"][0]["url"] == "https://pubmed.ncbi.nlm.nih.gov/23853635/"
    json.dumps(data)


def test_max_hops_and_no_path(toy):
    graph = build_claim_graph(toy)
    assert len(explain(graph, "magnesium", "insomnia", max_hops=1).paths) == 1
    assert explain(graph, "magnesium", "island").paths == []


def test_hop_graph_keeps_the_best_claim_per_pair(toy):
    graph = build_claim_graph(toy)
    simple = hop_graph(graph)
    assert simple.number_of_edges() == 3


def test_user_mistakes(toy):
    graph = build_claim_graph(toy)
    with pytest.raises(UserError, match="did you mean: 'insomnia'"):
        explain(graph, "magnesium", "insomnai")
    with pytest.raises(UserError, match="same entity"):
        explain(graph, "magnesium", "kg:mg")


# ---------------------------------------------------------------------------
# On the release, through the command line
# ---------------------------------------------------------------------------


def test_explain_magnesium_insomnia(capsys):
    assert main(["explain", "magnesium", "insomnia"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Paths from magnesium (kg:magnesium) to insomnia")
    assert "1. magnesium" in out and "grade:" in out and "source:" in out
    assert "PMID" in out or "doi:" in out  # at least one hop rests on a study
    # each claim first says whether the whole body of evidence makes its relation a fact
    assert "the relation: not a fact in this graph — The evidence in the graph" in out


def test_explain_json_is_ranked(capsys):
    assert main(["explain", "magnesium", "insomnia", "--format", "json", "-k", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    costs = [p["cost"] for p in data["paths"]]
    assert costs == sorted(costs) and 1 <= len(costs) <= 3
    for path in data["paths"]:
        assert len(path["hops"]) <= 4
        for hop in path["hops"]:
            assert hop["claims"] and all("grade_tier" in c and "sources" in c for c in hop["claims"])


def test_explain_html_writes_the_path_view(tmp_path, capsys):
    out = tmp_path / "paths.html"
    assert main(["explain", "magnesium", "insomnia", "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '"paths":[{' in page and "paths from magnesium to insomnia" in page


def test_explain_unknown_entity(capsys):
    assert main(["explain", "magnesium", "insomnai"]) == 2
    assert "did you mean" in capsys.readouterr().err


def test_explain_no_path_exits_1(toy, capsys):
    assert main(["explain", "--input", str(toy), "magnesium", "island"]) == 1
    captured = capsys.readouterr()
    assert "none within 4 claims" in captured.out and "no path" in captured.err


def test_release_paths_only_use_claims(release):
    result = explain(release, "magnesium", "insomnia")
    for path in result.paths:
        for hop in path.hops:
            for claim, forward in hop.claims:
                ends = (claim.subject, claim.object)
                assert ends == ((hop.start, hop.end) if forward else (hop.end, hop.start))


#: Two agents meet at a shared target: mg -> depression <- zn -> NMDA receptor (all graded
#: high), next to a direct mg -> NMDA receptor step that only the page asserts.
SIBLINGS = (
    PREFIXES
    + """
kg:mg a mgkg:Mineral ; rdfs:label "magnesium"@en .
kg:zn a mgkg:Mineral ; rdfs:label "zinc"@en .
kg:dep a mgkg:Disorder ; rdfs:label "depression"@en .
kg:nmda a mgkg:Receptor ; rdfs:label "NMDA receptor"@en .
mgkg:GradeHigh rdfs:label "high"@en .
mgkg:GradePageAssertionOnly rdfs:label "page assertion only"@en .
kg:mg-dep a mgkg:Claim ; rdf:subject kg:mg ; rdf:predicate mgkg:mayAlleviate ; rdf:object kg:dep ;
    mgkg:evidenceGrade mgkg:GradeHigh .
kg:zn-dep a mgkg:Claim ; rdf:subject kg:zn ; rdf:predicate mgkg:mayAlleviate ; rdf:object kg:dep ;
    mgkg:evidenceGrade mgkg:GradeHigh .
kg:zn-nmda a mgkg:Claim ; rdf:subject kg:zn ; rdf:predicate mgkg:blocks ; rdf:object kg:nmda ;
    mgkg:evidenceGrade mgkg:GradeHigh .
kg:mg-nmda a mgkg:Claim ; rdf:subject kg:mg ; rdf:predicate mgkg:blocks ; rdf:object kg:nmda ;
    mgkg:evidenceGrade mgkg:GradePageAssertionOnly .
"""
)


@pytest.fixture
def siblings(tmp_path: Path):
    path = tmp_path / "siblings.ttl"
    path.write_text(SIBLINGS, encoding="utf-8")
    return build_claim_graph(path)


def routes(graph, result):
    return [[graph.nodes[n]["entity"].label for n in p.nodes] for p in result.paths]


def test_a_shared_target_of_two_agents_is_not_an_explanation(siblings):
    result = explain(siblings, "magnesium", "NMDA receptor")
    assert routes(siblings, result) == [["magnesium", "NMDA receptor"]]
    # nor is it when the path is asked the other way round
    assert routes(siblings, explain(siblings, "NMDA receptor", "magnesium")) == [
        ["NMDA receptor", "magnesium"]
    ]


def test_include_siblings_brings_them_back_ranked_strongest_first(siblings):
    result = explain(siblings, "magnesium", "NMDA receptor", include_siblings=True)
    # the three-hop path graded high throughout outranks the one page-asserted hop
    assert routes(siblings, result) == [
        ["magnesium", "depression", "zinc", "NMDA receptor"],
        ["magnesium", "NMDA receptor"],
    ]
    assert [p.weakest for p in result.paths] == ["high", "page"]
    assert result.paths[0].cost > result.paths[1].cost  # ranked by evidence, not by cost


def test_explain_states_its_ranking_in_one_sentence(siblings, capsys):
    text = format_text(siblings, explain(siblings, "magnesium", "NMDA receptor"))
    assert RANKING in text.splitlines()
    assert RANKING.count(". ") == 0 and RANKING.endswith(".")
    assert to_json(siblings, explain(siblings, "magnesium", "dep"))["ranking"] == RANKING


def test_include_siblings_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "siblings.ttl"
    path.write_text(SIBLINGS, encoding="utf-8")
    assert main(["explain", "magnesium", "NMDA receptor", "--input", str(path)]) == 0
    assert "1 found" in capsys.readouterr().out
    page = tmp_path / "paths.html"
    args = [
        "explain",
        "magnesium",
        "NMDA receptor",
        "--input",
        str(path),
        "--include-siblings",
        "--html",
        str(page),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2 found" in out and "1. magnesium —may alleviate→ depression ←may alleviate— zinc" in out
    assert "Ranked strongest first" in page.read_text(encoding="utf-8")  # the path view says it too
