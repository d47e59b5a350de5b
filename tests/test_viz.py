"""The claim-graph model and the offline HTML views (no browser here; see tests/browser)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from browser.hostile import HOSTILE, HOSTILE_LABEL
from browser.hostile import HOSTILE_PREFIXES as PREFIXES
from conftest import RELEASE, ROOT, select
from mgkg.cli import main
from mgkg.errors import UserError
from mgkg.views.model import (
    EVIDENCE,
    GRADE_ORDER,
    EvidenceMapping,
    build_claim_graph,
    claim_record,
    claims,
    compact,
    focus_subgraph,
    humanize,
    resolve,
    safe_url,
)
from mgkg.views.viz import (
    BASIS_STYLES,
    GRADE_STYLES,
    NODE_STYLES,
    VizView,
    json_for_script,
    render_html,
    show,
    view_data,
)


@pytest.fixture(scope="module")
def graph():
    return build_claim_graph(RELEASE / "mgkg.ttl")


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# The model against the release, counted independently with SPARQL
# ---------------------------------------------------------------------------


def expected_counts(store) -> tuple[int, int]:
    edges = select(
        store,
        """
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?c a mgkg:Claim ; rdf:subject ?s ; rdf:object ?o . FILTER(isIRI(?s) && isIRI(?o)) }""",
    )
    nodes = select(
        store,
        """
        SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
          { ?c a mgkg:Claim ; rdf:subject ?e . FILTER(isIRI(?e)) }
          UNION { ?c a mgkg:Claim ; rdf:subject ?s ; rdf:object ?e . FILTER(isIRI(?s) && isIRI(?e)) }
          UNION { ?e a ?cls . ?cls rdfs:subClassOf* mgkg:BiomedicalEntity . FILTER(isIRI(?e)) } }""",
    )
    return int(nodes[0]["n"]), int(edges[0]["n"])


def test_model_counts_match_sparql(graph, store):
    assert (graph.number_of_nodes(), graph.number_of_edges()) == expected_counts(store)
    assert graph.number_of_nodes() > 50 and graph.number_of_edges() > 100


def test_every_label_is_a_label_not_an_iri(graph):
    for _iri, data in graph.nodes(data=True):
        assert "://" not in data["entity"].label
    for claim in claims(graph):
        assert "://" not in claim.predicate_label and "://" not in claim.statement


def test_claims_carry_what_a_card_shows(graph):
    page_claims = [c for c in claims(graph) if c.quotation]
    assert page_claims and all(c.section for c in page_claims)
    assert any(s.pmid for c in claims(graph) for s in c.all_sources())
    assert {c.basis for c in claims(graph)} <= set(BASIS_STYLES)
    assert any(c.basis == "vendor-only" for c in claims(graph))
    assert any(c.contraindication for c in claims(graph))
    magnesium = graph.nodes[resolve(graph, "magnesium")]["entity"]
    assert magnesium.definition and any("CHEBI_18420" in x for x in magnesium.exact)


def test_claims_carry_their_relations_summary_and_the_upper_limit_flag(graph):
    by_iri = {c.iri.rsplit("/", 1)[-1]: c for c in claims(graph)}
    page = by_iri["supplementation-total-sleep-time-older-adults"]
    assert page.summary and page.summary.asserts is False
    assert page.summary.direction == "no effect" and "is set aside" in page.summary.reason
    abbasi = by_iri["finding-abbasi2012-sleep-time"]
    assert abbasi.exceeds_upper_limit and abbasi.summary.iri == page.summary.iri
    assert not by_iri["finding-tarleton2017-phq9"].exceeds_upper_limit
    record = claim_record(graph, by_iri["mg-relevant-depression-treatment"])
    assert record["summary"]["asserts_edge"] is True and record["summary"]["certainty"] == "moderate"
    assert record["summary"]["reason"].startswith("Asserted")
    linked = claim_record(graph, page)["evidence"]
    assert any(e["exceeds_upper_limit"] for e in linked)  # Abbasi's 500 mg/day, wherever the finding is shown


def test_every_grade_and_verdict_of_the_ontology_has_a_tier(store):
    """A grade or verdict added to the ontology must map to a styled tier (EVIDENCE, one place)."""
    grades = select(store, "SELECT ?g ?label WHERE { ?g a mgkg:EvidenceGrade ; rdfs:label ?label }")
    for row in grades:
        assert EVIDENCE.grade_tier(row["label"], row["g"].rsplit("#", 1)[1]) not in ("other", "ungraded"), row
    verdicts = select(store, "SELECT ?v ?label WHERE { ?v a mgkg:Verdict ; rdfs:label ?label }")
    for row in verdicts:
        assert EVIDENCE.verdict_tier(row["label"], row["v"].rsplit("#", 1)[1]) != "other", row
    assert set(GRADE_STYLES) == set(GRADE_ORDER)


def test_graded_claims_explain_their_grade(graph):
    graded = [c for c in claims(graph) if c.grade]
    if not graded:
        pytest.skip("the release has no evidence grades yet")
    assert all(c.grade.tier in GRADE_ORDER for c in graded)
    assert any(c.grade.reasons for c in graded)


# ---------------------------------------------------------------------------
# Grades and verdicts read through the mapping, and the neutral ungraded style
# ---------------------------------------------------------------------------


def small(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "small.ttl"
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


def test_ungraded_claims_get_the_neutral_style(tmp_path):
    g = build_claim_graph(
        small(
            tmp_path,
            """
        kg:a a mgkg:Mineral . kg:b a mgkg:Disorder .
        kg:c a mgkg:Claim ; rdf:subject kg:a ; rdf:predicate mgkg:mayAlleviate ; rdf:object kg:b .
    """,
        )
    )
    (claim,) = claims(g)
    assert claim.grade is None and claim.grade_tier == "ungraded" and claim.basis == "unsourced"
    data = view_data(g)
    assert data["edges"][0]["grade_tier"] == "ungraded"
    assert [x["key"] for x in data["legend"]["grades"]] == ["ungraded"]
    # labels come from local names when the file has none, never the IRI
    assert {n["label"] for n in data["nodes"]} == {"a", "b"}
    assert data["edges"][0]["predicate"]["label"] == "may alleviate"


def test_a_differently_named_grade_property_still_reads(tmp_path):
    g = build_claim_graph(
        small(
            tmp_path,
            """
        kg:a a mgkg:Mineral . kg:b a mgkg:Symptom .
        kg:c a rdf:Statement ; rdf:subject kg:a ; rdf:predicate ex:helps ; rdf:object kg:b ;
             ex:hasGrade "Moderate certainty" ; ex:gradeRationale "Two small RCTs." ;
             ex:auditVerdict ex:partly .
        ex:partly rdfs:label "partially supports"@en .
    """,
        )
    )
    (claim,) = claims(g)
    assert (claim.grade.label, claim.grade.tier) == ("Moderate certainty", "moderate")
    assert claim.grade.reasons == ["Two small RCTs."]
    assert claim.verdict.tier == "partial"


def test_citation_verdicts_and_evidence_links_reach_the_claim(tmp_path):
    g = build_claim_graph(
        small(
            tmp_path,
            """
        kg:a a mgkg:Mineral . kg:b a mgkg:Disorder .
        kg:c a mgkg:Claim ; rdf:subject kg:a ; rdf:predicate mgkg:mayAlleviate ; rdf:object kg:b ;
             mgkg:evidenceGrade mgkg:GradeLow ; mgkg:gradeComponent kg:c-design .
        mgkg:GradeLow rdfs:label "low"@en ; skos:definition "Level 2."@en .
        kg:c-design mgkg:criterion mgkg:CriterionStudyDesign ; mgkg:levelChange 4 ;
             mgkg:explanation "Starts at level 4 from an RCT." .
        mgkg:CriterionStudyDesign rdfs:label "study design"@en .
        kg:v a mgkg:CitationVerdict ; mgkg:assessedClaim kg:c ; mgkg:verdict mgkg:VerdictOverstates ;
             mgkg:verdictReason "The trial was open label." ; mgkg:comparedWith kg:pub .
        mgkg:VerdictOverstates rdfs:label "overstates"@en .
        kg:pub rdfs:label "Smith 2020"@en ; fabio:hasPubMedId "123" ; prism:doi "10.1000/abc" .
        kg:link a mgkg:EvidenceLink ; mgkg:assessedClaim kg:c ; mgkg:finding kg:f ; mgkg:stance kg:sup .
        kg:sup rdfs:label "supports"@en .
        kg:f a mgkg:Claim ; rdfs:label "Smith found less insomnia."@en ; prov:wasDerivedFrom kg:pub ;
             rdf:subject kg:a ; rdf:predicate mgkg:mayAlleviate ; rdf:object kg:b .
    """,
        )
    )
    claim = g.edges["https://w3id.org/mgkg/id/a", "https://w3id.org/mgkg/id/b", "https://w3id.org/mgkg/id/c"][
        "claim"
    ]
    assert (claim.grade.label, claim.grade.tier, claim.grade.definition) == ("low", "low", "Level 2.")
    assert claim.grade.reasons == ["study design (+4): Starts at level 4 from an RCT."]
    (verdict,) = claim.verdicts
    assert (verdict.tier, verdict.reason) == ("overstates", "The trial was open label.")
    assert verdict.compared_with[0].links()[0] == ("PMID 123", "https://pubmed.ncbi.nlm.nih.gov/123/")
    (evidence,) = claim.evidence
    assert evidence.stance == "supports" and evidence.sources[0].doi == "10.1000/abc"


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("very low", "very-low"),
        ("GradeVeryLow", "very-low"),
        ("low", "low"),
        ("high", "high"),
        ("not supported", "not-supported"),
        ("vendor claim only", "vendor"),
        ("page assertion only", "page"),
        ("reference value", "reference"),
        ("preclinical only", "preclinical"),
        ("B+", "other"),
    ],
)
def test_grade_tiers(text, tier):
    assert EvidenceMapping().grade_tier(text) == tier


# ---------------------------------------------------------------------------
# Names and finding entities
# ---------------------------------------------------------------------------


def test_resolve_by_label_slug_curie_and_synonym(graph):
    iri = resolve(graph, "magnesium")
    assert resolve(graph, "kg:magnesium") == resolve(graph, iri) == resolve(graph, "Mg2+") == iri
    assert resolve(graph, "NMDA receptor") == resolve(graph, "nmda-receptor")


def test_unknown_entity_suggests_close_labels(graph):
    with pytest.raises(UserError, match=r"unknown entity 'magnesum' \(did you mean: 'magnesium'"):
        resolve(graph, "magnesum")


def test_helpers():
    assert humanize("https://w3id.org/mgkg/id/nmda-receptor") == "nmda receptor"
    assert humanize("https://w3id.org/mgkg/ontology#mayAlleviate") == "may alleviate"
    assert compact("http://purl.obolibrary.org/obo/CHEBI_18420") == "CHEBI:18420"
    assert compact("https://w3id.org/mgkg/id/magnesium") == "kg:magnesium"
    assert (
        safe_url("javascript:alert(1)") is None
        and safe_url("https://doi.org/10.1/x") == "https://doi.org/10.1/x"
    )


def test_focus_subgraph(graph):
    center = resolve(graph, "NMDA receptor")
    sub = focus_subgraph(graph, center, 1)
    assert center in sub and set(sub) == {center} | set(graph.successors(center)) | set(
        graph.predecessors(center)
    )
    assert len(focus_subgraph(graph, center, 2)) >= len(sub)


# ---------------------------------------------------------------------------
# The page: offline, escaped, deterministic
# ---------------------------------------------------------------------------


def page_parts(page: str) -> tuple[str, list[str]]:
    data = re.search(r'<script type="application/json" id="mgkg-data">(.*?)</script>', page, re.S).group(1)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    return data, scripts


def test_page_loads_nothing_from_the_network(graph):
    page = render_html(view_data(graph))
    assert not re.search(
        r"<(script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\b(src|href|data)\s*=", page, re.I
    ), "an element that loads a resource"
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page, re.I), (
        "a stylesheet that loads a resource"
    )
    assert "<link" not in page.lower()
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-eval" not in csp
    assert "sourceMappingURL" not in page


def test_hostile_text_is_inert_in_the_html(hostile_file):
    page = show(hostile_file).html
    data, scripts = page_parts(page)
    assert len(scripts) == 2  # vis-network and the viewer: nothing from data became a script
    assert "<" not in data and ">" not in data and "\u2028" not in data
    decoded = json.loads(data)
    labels = {n["label"] for n in decoded["nodes"]}
    assert HOSTILE_LABEL in labels  # the data is intact, only encoded
    assert "{{APP_JS}}" in json.dumps(decoded)  # placeholders in data are not expanded
    for iri in ("javascript:window.__pwned=1",):
        node = next(n for n in decoded["nodes"] if n["label"] == HOSTILE_LABEL)
        assert {x["url"] for x in node["external_ids"] if x["id"] == iri} == {None}
    source = decoded["sources"][0]
    assert source["links"] == []  # neither the odd PMID, the odd DOI nor the javascript: URL
    title_view = show(hostile_file, focus="kg:evil").html
    assert html.escape(HOSTILE_LABEL) in title_view.split("</title>")[0]


def test_pages_are_deterministic(graph):
    assert render_html(view_data(graph)) == render_html(view_data(graph))


def test_json_for_script_escapes_what_ends_a_script():
    text = json_for_script({"a": "</script><!-- \u2028 & >"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028 & >"}


def test_styles_cover_every_class_of_the_view(graph):
    data = view_data(graph)
    keys = {row[1] for row in NODE_STYLES} | {"other"}
    assert {n["group"] for n in data["nodes"]} <= keys
    assert sum(g["count"] for g in data["legend"]["groups"]) == len(data["nodes"])
    assert sum(g["count"] for g in data["legend"]["grades"]) == len(data["edges"])


def test_large_graphs_get_a_precomputed_layout(graph):
    small_view = view_data(graph)
    assert small_view["physics"] and not any("x" in n for n in small_view["nodes"])
    from mgkg.views.viz import ViewOptions

    big = view_data(graph, ViewOptions(physics_threshold=10))
    assert not big["physics"] and all(isinstance(n["x"], float) for n in big["nodes"])
    assert len({(n["x"], n["y"]) for n in big["nodes"]}) == len(big["nodes"])  # no two on one spot
    assert big["nodes"] == view_data(graph, ViewOptions(physics_threshold=10))["nodes"]  # deterministic


def test_size_by_evidence(graph):
    from mgkg.views.viz import ViewOptions

    data = view_data(graph, ViewOptions(size_by="evidence"))
    assert all(n["value"] == n["evidence_count"] for n in data["nodes"])
    with pytest.raises(UserError):
        view_data(graph, ViewOptions(size_by="colour"))


# ---------------------------------------------------------------------------
# Notebook object and command line
# ---------------------------------------------------------------------------


def test_notebook_object_displays_inline(graph):
    view = show(graph=graph, focus="magnesium", depth=1)
    assert isinstance(view, VizView) and view.nodes > 1
    frame = view._repr_html_()
    assert frame.startswith("<iframe") and 'sandbox="allow-scripts' in frame
    assert "<script" not in frame  # the page is inside srcdoc, escaped
    assert html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1)) == view.html


def test_cli_viz_writes_each_view(tmp_path, capsys):
    out = tmp_path / "v.html"
    assert main(["viz", "-o", str(out)]) == 0
    assert "entities" in capsys.readouterr().out and out.read_text().startswith("<!DOCTYPE html>")
    assert main(["viz", "--focus", "magnesium", "--depth", "1", "-o", str(out)]) == 0
    assert main(["viz", "--path", "magnesium", "insomnia", "-o", str(out)]) == 0
    assert main(["viz", "--input", str(RELEASE / "mgkg.nt"), "-o", str(out)]) == 0


def test_cli_viz_user_mistakes(tmp_path, capsys):
    out = str(tmp_path / "v.html")
    assert main(["viz", "--focus", "magnesum", "-o", out]) == 2
    assert "did you mean: 'magnesium'" in capsys.readouterr().err
    assert main(["viz", "--depth", "2", "-o", out]) == 2
    assert main(["viz", "--input", str(tmp_path / "missing.ttl"), "-o", out]) == 1
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    assert main(["viz", "--input", str(bad), "-o", out]) == 1
    assert "bad.ttl" in capsys.readouterr().err


def test_query_view_is_the_subgraph_the_query_names(tmp_path):
    catalog = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    if "safety-and-contraindications" not in catalog:
        pytest.skip("catalog query safety-and-contraindications not present")
    view = show(query="safety-and-contraindications")
    assert 0 < view.nodes < build_claim_graph(RELEASE / "mgkg.ttl").number_of_nodes()
    assert main(["viz", "--query", "safety-and-contraindications", "-o", str(tmp_path / "q.html")]) == 0
    assert main(["viz", "--query", "no-such-query", "-o", str(tmp_path / "q.html")]) != 0


def test_the_query_path_does_not_import_the_viewer():
    code = (
        "import sys, mgkg.cli; mgkg.cli.get_parser(); "
        "print(sorted(m for m in ('pyvis', 'IPython', 'mgkg.views.viz', 'mgkg.views.model', 'mgkg.views.explain') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
