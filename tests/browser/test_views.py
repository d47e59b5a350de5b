"""Every view of ``mgkg viz`` opened offline in headless Chromium.

Each test checks: zero failed requests and nothing requested but the file itself, zero
console errors, the page's entity and claim counts equal the graph's, and saves a
screenshot under test-artifacts/. Set MGKG_UPDATE_SCREENSHOT=1 to also refresh
docs/img/whole-graph.png (the README's picture) from the whole-graph test.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from chromium import browser_fixture, open_view_fixture  # noqa: F401  (fixtures)
from hostile import HOSTILE, HOSTILE_IMG, HOSTILE_LABEL
from synth import synthesize

from mgkg.cli import main
from mgkg.views.model import build_claim_graph, focus_subgraph, resolve, subgraph_for_terms

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "graph" / "mgkg.ttl"


def sparql_counts(path: Path) -> tuple[int, int]:
    """Entities and claims of an RDF file, counted with SPARQL, independently of the model."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
    prefixes = """PREFIX mgkg: <https://w3id.org/mgkg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>"""
    edges = next(
        iter(
            store.query(
                prefixes
                + """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?c a mgkg:Claim ; rdf:subject ?s ; rdf:object ?o . FILTER(isIRI(?s) && isIRI(?o)) }"""
            )
        )
    )
    nodes = next(
        iter(
            store.query(
                prefixes
                + """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        { ?c a mgkg:Claim ; rdf:subject ?e . FILTER(isIRI(?e)) }
        UNION { ?c a mgkg:Claim ; rdf:subject ?s ; rdf:object ?e . FILTER(isIRI(?s) && isIRI(?e)) }
        UNION { ?e a ?cls . ?cls rdfs:subClassOf* mgkg:BiomedicalEntity . FILTER(isIRI(?e)) } }"""
            )
        )
    )
    return int(nodes["n"].value), int(edges["n"].value)


@pytest.fixture(scope="module")
def graph():
    return build_claim_graph(RELEASE)


def viz(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / f"{name}.html"
    assert main(["viz", *args, "-o", str(out)]) == 0
    return out


# ---------------------------------------------------------------------------
# The whole graph, cards and interaction
# ---------------------------------------------------------------------------


def test_whole_graph(open_view, tmp_path):
    opened = open_view(viz(tmp_path, "whole"), 1600, 1000)
    assert opened.counts() == sparql_counts(RELEASE)
    opened.assert_clean()
    shot = opened.screenshot("whole-graph")
    if os.environ.get("MGKG_UPDATE_SCREENSHOT") == "1":
        target = ROOT / "docs" / "img" / "whole-graph.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)


def test_hovering_a_node_shows_its_card(open_view, tmp_path, graph):
    opened = open_view(viz(tmp_path, "whole"))
    node = opened.evaluate("mgkg.data.nodes.find(n => n.label === 'magnesium').id")
    opened.hover(node)
    card = opened.page.locator("#mgkg-card")
    assert card.get_attribute("data-kind") == "node" and card.get_attribute("data-id") == node
    assert card.locator("h2").inner_text() == "magnesium"
    entity = graph.nodes[resolve(graph, "magnesium")]["entity"]
    assert entity.definition in card.inner_text()
    chebi = card.locator("a", has_text="CHEBI:18420")
    assert chebi.get_attribute("href") == "http://purl.obolibrary.org/obo/CHEBI_18420"
    assert chebi.get_attribute("rel") == "noopener noreferrer"
    # the entity's relations come first, each with what the evidence says, and the claims under it
    relations = card.locator("li.relation")
    assert relations.count() >= 2
    first = relations.first.locator(".relation-summary")
    assert first.locator(".badge").inner_text() == "fact"  # asserted relations are listed first
    assert relations.first.locator("button.linklike").count() >= 1
    opened.screenshot("card-node")
    opened.assert_clean()


def test_hovering_a_claim_shows_its_card(open_view, tmp_path, graph):
    # a small view with straight lines, so the midpoint of a line is on it
    opened = open_view(viz(tmp_path, "focus", "--focus", "insomnia", "--depth", "1"))
    opened.evaluate("mgkg.network.setOptions({edges: {smooth: false}})")
    opened.page.wait_for_timeout(200)
    edge = opened.evaluate("""(() => {
        const ids = mgkg.data.edges.filter(e => e.sources.some(s => mgkg.data.sources[s].links.length))
            .map(e => e.id);
        const parallel = e => mgkg.data.edges.filter(f => (f.from === e.from && f.to === e.to) ||
            (f.from === e.to && f.to === e.from)).length;
        const len = id => { const e = mgkg.edges.get(id); const a = mgkg.domPosition(e.from),
            b = mgkg.domPosition(e.to); return Math.hypot(a.x - b.x, a.y - b.y); };
        return ids.filter(id => parallel(mgkg.data.edges.find(e => e.id === id)) === 1)
            .sort((a, b) => len(b) - len(a))[0];
    })()""")
    assert edge, "the insomnia view has a claim with a linked source"
    a, b = opened.evaluate(
        "id => { const e = mgkg.edges.get(id); return [mgkg.domPosition(e.from), mgkg.domPosition(e.to)]; }",
        edge,
    )
    opened.hover({"x": (a["x"] + b["x"]) / 2, "y": (a["y"] + b["y"]) / 2})
    card = opened.page.locator("#mgkg-card")
    assert card.get_attribute("data-kind") == "edge" and card.get_attribute("data-id") == edge
    data = opened.evaluate("id => mgkg.data.edges.find(e => e.id === id)", edge)
    text = card.inner_text()
    assert data["statement"] in text
    assert (data["grade"]["label"] if data["grade"] else "ungraded") in card.locator(
        ".grade .badge"
    ).first.inner_text()
    # the relation's evidence summary comes first, saying in plain words whether it is a fact and why
    summary = data["summary"]
    assert summary, "every claim's relation has an evidence summary"
    first = card.locator(".summary")
    assert first.locator(".badge").inner_text() == (
        "a fact in this graph" if summary["asserts_edge"] else "not a fact in this graph"
    )
    assert summary["reason"] in first.inner_text() and summary["plain"] in first.inner_text()
    assert text.index(summary["plain"]) < text.index(data["statement"])
    links = card.locator(".sources a")
    assert links.count() >= 1
    assert all(links.nth(i).get_attribute("href").startswith("http") for i in range(links.count()))
    if data["passage"] and data["passage"]["quotation"]:
        assert card.locator("blockquote").inner_text() == data["passage"]["quotation"]
    opened.screenshot("card-claim")
    opened.assert_clean()


def test_search_filter_and_neighbourhood(open_view, tmp_path):
    opened = open_view(viz(tmp_path, "whole"))
    page = opened.page
    page.fill("#mgkg-search", "insom")
    assert "insomnia" in page.locator("#mgkg-results").inner_text()
    page.press("#mgkg-search", "Enter")
    card = page.locator("#mgkg-card")
    assert card.locator("h2").inner_text() == "insomnia"
    # neighbourhood highlight: entities without a claim to insomnia are dimmed
    chosen = card.get_attribute("data-id")
    dimmed = opened.evaluate(
        """id => {
        const near = new Set([id, ...mgkg.network.getConnectedNodes(id)]);
        return mgkg.nodes.get().filter(n => !near.has(n.id)).every(n => n.color.background === '#eceff3')
            && mgkg.nodes.get(id).color.background !== '#eceff3'; }""",
        chosen,
    )
    assert dimmed
    # filter: untick a class, its entities and their claims disappear and the counts say so
    total_nodes, total_edges = opened.counts()
    box = page.locator('input[data-filter="groups"][data-key="process"]')
    box.uncheck()
    hidden = opened.evaluate("mgkg.nodes.get({filter: n => n.hidden}).length")
    shown = opened.evaluate("mgkg.data.nodes.filter(n => n.group === 'process').length")
    assert hidden == shown > 0
    assert "showing" in page.locator("#mgkg-counts").inner_text()
    box.check()
    page.locator('input[data-filter="grades"]').first.uncheck()
    visible = opened.evaluate("mgkg.applyFilters()")
    assert visible["nodes"] == total_nodes and visible["edges"] < total_edges
    opened.screenshot("search-filter")
    opened.assert_clean()


# ---------------------------------------------------------------------------
# The other views
# ---------------------------------------------------------------------------


def test_focus_view(open_view, tmp_path, graph):
    opened = open_view(viz(tmp_path, "focus", "--focus", "NMDA receptor", "--depth", "2"))
    sub = focus_subgraph(graph, resolve(graph, "NMDA receptor"), 2)
    assert opened.counts() == (sub.number_of_nodes(), sub.number_of_edges())
    assert opened.page.locator("#mgkg-card h2").inner_text() == "NMDA receptor"  # the focus is pinned
    opened.screenshot("focus-nmda-receptor")
    opened.assert_clean()


def test_path_view(open_view, tmp_path):
    from mgkg.views.explain import explain, paths_for_view

    graph = build_claim_graph(RELEASE)
    expected, listing = paths_for_view(graph, explain(graph, "magnesium", "insomnia"))
    opened = open_view(viz(tmp_path, "path", "--path", "magnesium", "insomnia"))
    assert opened.counts() == (expected.number_of_nodes(), expected.number_of_edges())
    items = opened.page.locator("#mgkg-path-list li")
    assert items.count() == len(listing)
    items.nth(0).click()
    assert "active" in items.nth(0).get_attribute("class")
    opened.screenshot("path-magnesium-insomnia")
    opened.assert_clean()


def test_query_view(open_view, tmp_path, graph):
    name = "safety-and-contraindications"
    if not (ROOT / "queries" / f"{name}.rq").exists():
        pytest.skip(f"catalog query {name} not present")
    from mgkg.views.viz import query_terms

    expected = subgraph_for_terms(graph, query_terms(name, {}, RELEASE, ROOT))
    opened = open_view(viz(tmp_path, "query", "--query", name))
    assert opened.counts() == (expected.number_of_nodes(), expected.number_of_edges()) != (0, 0)
    opened.screenshot("query-safety")
    opened.assert_clean()


EXTENSION = """
kg:my-condition a mgkg:Symptom ; rdfs:label "evening restlessness"@en ;
    skos:definition "A learner's own term."@en .
kg:my-claim a mgkg:Claim , rdf:Statement ; rdfs:label "I read that magnesium eases evening restlessness."@en ;
    rdf:subject kg:magnesium ; rdf:predicate mgkg:mayAlleviate ; rdf:object kg:my-condition .
"""


def test_input_view_of_the_release_extended_by_a_user(open_view, tmp_path):
    extended = tmp_path / "extended.ttl"
    extended.write_text(RELEASE.read_text(encoding="utf-8") + EXTENSION, encoding="utf-8")
    opened = open_view(viz(tmp_path, "extended", "--input", str(extended)))
    base_nodes, base_edges = sparql_counts(RELEASE)
    assert opened.counts() == sparql_counts(extended) == (base_nodes + 1, base_edges + 1)
    opened.page.fill("#mgkg-search", "evening")
    opened.page.press("#mgkg-search", "Enter")
    assert opened.page.locator("#mgkg-card h2").inner_text() == "evening restlessness"
    opened.assert_clean()


def test_input_view_of_a_users_own_turtle(open_view, tmp_path):
    own = tmp_path / "own.ttl"
    own.write_text(
        """
        @prefix ex: <https://example.org/> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        ex:c1 a rdf:Statement ; rdf:subject ex:greenTea ; rdf:predicate ex:mayReduce ; rdf:object ex:stress .
        ex:c2 a rdf:Statement ; rdf:subject ex:stress ; rdf:predicate ex:worsens ; rdf:object ex:sleep_quality .
    """,
        encoding="utf-8",
    )
    opened = open_view(viz(tmp_path, "own", "--input", str(own)))
    assert opened.counts() == (3, 2)
    labels = opened.evaluate("mgkg.data.nodes.map(n => n.label).sort()")
    assert labels == ["green tea", "sleep quality", "stress"]  # readable names, never IRIs
    predicates = opened.evaluate("mgkg.data.edges.map(e => e.predicate.label).sort()")
    assert predicates == ["may reduce", "worsens"]
    opened.assert_clean()


# ---------------------------------------------------------------------------
# Hostile text and scale
# ---------------------------------------------------------------------------


def test_hostile_labels_render_as_text(open_view, tmp_path):
    path = tmp_path / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    for view in (
        viz(tmp_path, "hostile", "--input", str(path)),
        viz(tmp_path, "hostile-focus", "--input", str(path), "--focus", "kg:evil"),
    ):
        opened = open_view(view)
        page = opened.page
        evil = opened.evaluate(f"mgkg.data.nodes.find(n => n.label === {HOSTILE_LABEL!r}).id")
        opened.hover(evil)
        card = page.locator("#mgkg-card")
        assert card.locator("h2").inner_text() == HOSTILE_LABEL  # shown as text
        assert HOSTILE_IMG in card.inner_text()
        assert card.locator("a", has_text="javascript:").count() == 0  # not a link
        edge = opened.evaluate("mgkg.data.edges[0].id")
        opened.evaluate("id => mgkg.pinEdge(id)", edge)
        assert "<svg onload" in card.inner_text() and "<iframe srcdoc" in card.inner_text()
        assert card.locator(".sources a").count() == 0  # no link from a bad PMID, DOI or URL
        page.fill("#mgkg-search", "<script")
        assert HOSTILE_LABEL in page.locator("#mgkg-results").inner_text()
        if view.stem == "hostile-focus":
            assert page.title().startswith(HOSTILE_LABEL)  # the title is text too
        ran = opened.evaluate("""[typeof window.__pwned, document.querySelectorAll('img, iframe').length,
            document.querySelectorAll('[onerror], [onload], [onmouseover]').length,
            document.querySelectorAll('script').length]""")
        assert ran == ["undefined", 0, 0, 3], ran  # no script ran, no element came from data
        opened.screenshot(view.stem)
        opened.assert_clean()


def test_a_5000_entity_graph_opens_and_pans_smoothly(open_view, tmp_path):
    big = tmp_path / "big.nt"
    expected = synthesize(RELEASE, 5000, big)
    assert sparql_counts(big) == (expected["nodes"], expected["edges"])
    started = time.monotonic()
    page_file = viz(tmp_path, "big", "--input", str(big))
    opened = open_view(page_file, 1400, 900)
    opened_in = time.monotonic() - started
    assert opened.counts() == (5000, expected["edges"])
    assert opened.evaluate("mgkg.data.physics") is False
    assert opened.evaluate("mgkg.data.nodes.every(n => typeof n.x === 'number')")
    page = opened.page
    box = page.locator("#mgkg-network").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    opened.evaluate("mgkg.drawTimes.length = 0")
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x + 12 * step, y + 6 * step)
    page.mouse.up()
    page.wait_for_timeout(300)
    frames = opened.evaluate("mgkg.drawTimes.slice()")
    assert len(frames) >= 5
    assert statistics.median(frames) < 250, f"median frame {statistics.median(frames):.0f} ms while panning"
    assert opened_in < 90, f"built and opened in {opened_in:.0f} s"
    opened.screenshot("large-5000")
    opened.assert_clean()
