"""A saved ``to_pyvis()`` page in Chromium: no network request, tooltips as text, no markup from data runs."""

from __future__ import annotations

from chromium import browser_fixture, open_view_fixture  # noqa: F401  (fixtures)
from hostile import HOSTILE, HOSTILE_IMG, HOSTILE_LABEL

from conftest import RELEASE
from mgkg.api import KnowledgeGraph

KG = "https://w3id.org/mgkg/id/"


def hover_tooltip(opened, node_id: str) -> str:
    """Move the real mouse onto a node and return the tooltip's text once it shows."""
    point = opened.evaluate(
        "id => mgkgPyvis.network.canvasToDOM(mgkgPyvis.network.getPositions([id])[id])", node_id
    )
    box = opened.page.locator("#mynetwork").bounding_box()
    opened.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = opened.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    tags = opened.evaluate("[...document.querySelector('div.vis-tooltip').children].map(c => c.tagName)")
    assert set(tags) <= {"BR"}, tags  # text only: innerText turns line breaks into <br>
    return tooltip.inner_text()


def wait_still(opened) -> None:
    opened.evaluate(
        "() => new Promise(r => { const n = mgkgPyvis.network; n.stopSimulation(); setTimeout(r, 100); })"
    )


def test_release_page_works_offline(open_view, tmp_path):
    net = KnowledgeGraph.load(release=RELEASE / "mgkg.ttl", memory=True).to_pyvis(focus="magnesium")
    page_file = tmp_path / "magnesium.html"
    net.write_html(str(page_file))
    opened = open_view(page_file)
    wait_still(opened)
    assert opened.evaluate("mgkgPyvis.network.body.data.nodes.length") == len(net.nodes)
    text = hover_tooltip(opened, KG + "magnesium")
    assert text.splitlines()[0] == "magnesium" and "CHEBI:18420" in text
    opened.screenshot("pyvis-magnesium")
    opened.assert_clean()  # no request but the page itself, no console error


def test_hostile_data_stays_text(open_view, tmp_path):
    source = tmp_path / "hostile.ttl"
    source.write_text(HOSTILE, encoding="utf-8")
    net = KnowledgeGraph.load(release=source, memory=True).to_pyvis(focus="kg:evil")
    page_file = tmp_path / "hostile.html"
    net.write_html(str(page_file))
    opened = open_view(page_file)
    wait_still(opened)
    text = hover_tooltip(opened, KG + "evil")
    assert text.splitlines()[0] == HOSTILE_LABEL and HOSTILE_IMG in text  # shown as text
    assert opened.page.title().startswith(HOSTILE_LABEL)
    ran = opened.evaluate("""[typeof window.__pwned, document.querySelectorAll('img, iframe, svg').length,
        document.querySelectorAll('[onerror], [onload], [onmouseover]').length,
        document.querySelectorAll('script').length]""")
    assert ran == ["undefined", 0, 0, 5], ran  # no script ran, no element came from data
    opened.screenshot("pyvis-hostile")
    opened.assert_clean()
