"""``KnowledgeGraph.to_pyvis()``: a pyvis Network styled like ``mgkg viz``, with an offline, markup-free page."""

from __future__ import annotations

import re

import pytest
from pyvis.network import Network

from browser.hostile import HOSTILE, HOSTILE_IMG, HOSTILE_LABEL
from conftest import RELEASE
from mgkg.api import KnowledgeGraph
from mgkg.views.viz import GRADE_STYLES, NODE_STYLES

KG = "https://w3id.org/mgkg/id/"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(release=RELEASE / "mgkg.ttl", memory=True)


@pytest.fixture(scope="module")
def net(kg) -> Network:
    return kg.to_pyvis()


def test_returns_a_network_with_the_viewers_styles(net):
    assert isinstance(net, Network) and net.directed
    nodes = {n["id"]: n for n in net.nodes}
    magnesium = nodes[KG + "magnesium"]
    mineral = next(row for row in NODE_STYLES if row[0] == "Mineral")
    assert (magnesium["shape"], magnesium["color"]["background"]) == (mineral[4], mineral[3])
    disorder = next(row for row in NODE_STYLES if row[0] == "Disorder")
    assert nodes[KG + "depressive-disorder"]["color"]["background"] == disorder[3]
    assert len(net.nodes) > 100 and len(net.edges) > 200
    colors = {e["color"]["color"] for e in net.edges}
    assert colors <= {color for _label, color in GRADE_STYLES.values()}
    asserted = [e for e in net.edges if e["width"] == 3]
    assert asserted and any(e["dashes"] for e in net.edges)  # page-only claims are dashed
    assert any(e["arrows"]["to"]["type"] == "bar" for e in net.edges)  # contraindications


def test_titles_are_plain_text(net):
    for item in net.nodes + net.edges:
        assert isinstance(item["title"], str) and item["title"].strip()
        assert not re.search(r"<[a-zA-Z/][^>]*>", item["title"]), item["title"]
    magnesium = next(n for n in net.nodes if n["id"] == KG + "magnesium")
    assert magnesium["title"].splitlines()[0] == "magnesium" and "CHEBI:18420" in magnesium["title"]


def test_saved_page_is_self_contained(net, tmp_path):
    out = tmp_path / "net.html"
    net.write_html(str(out))
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "bootstrap" not in page.lower() and "tom-select" not in page.lower()
    assert "default-src 'none'" in page.replace("&#x27;", "'")
    assert "innerHTML" not in page.split('id="mgkg-options"')[1].rsplit("<script>", 1)[1]  # our script
    assert not (tmp_path / "lib").exists()  # nothing written next to it
    assert net.generate_html(notebook=True) == net.generate_html()  # notebooks get the same page


def test_views_focus_query_and_path(kg):
    focus = kg.to_pyvis(focus="NMDA receptor", depth=1)
    ids = {n["id"] for n in focus.nodes}
    assert KG + "nmda-receptor" in ids and KG + "magnesium" in ids and len(ids) < 40
    queried = kg.to_pyvis(query="conditions-linked-to-receptor", params={"receptor": "NMDA receptor"})
    assert queried.nodes and queried.heading == "query conditions-linked-to-receptor"
    path = kg.to_pyvis(path=("magnesium", "insomnia"))
    assert {KG + "magnesium"} <= {n["id"] for n in path.nodes}


def test_hostile_text_stays_inside_json(tmp_path):
    source = tmp_path / "hostile.ttl"
    source.write_text(HOSTILE, encoding="utf-8")
    net = KnowledgeGraph.load(release=source, memory=True).to_pyvis(focus="kg:evil")
    evil = next(n for n in net.nodes if n["id"] == KG + "evil")
    assert evil["label"] == HOSTILE_LABEL and HOSTILE_IMG in evil["title"]
    page = net.generate_html()
    assert HOSTILE_LABEL not in page and HOSTILE_IMG not in page  # escaped (\u003c...) in the JSON
    assert len(re.findall(r"^<script", page, re.M)) == 5  # three JSON blocks and two scripts of ours
    assert "<title>&lt;script&gt;window.__pwned" in page  # the heading is escaped text
