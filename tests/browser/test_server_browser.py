"""The web app of ``mgkg serve`` in headless Chromium (Debian's, via Playwright).

The browser talks only to the test server on loopback: every request is recorded and must
stay on its origin, with no failed request, console error or page error. Covered: the
query page (one-click example -> rows with labels and links, a shareable URL that reruns,
a typed query, an error), a resource page and a claim page, the ontology anchors, the
graph view, and hostile labels served from a hostile release (shown as text, never run).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from chromium import Opened, browser_fixture  # noqa: F401  (fixture: one Chromium per module)
from hostile import HOSTILE, HOSTILE_LABEL

from mgkg.catalog import load_catalog
from mgkg.query import LocalEngine, run
from mgkg.store import open_store
from server_support import start_server

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = start_server(tmp_path_factory, workers=2)
    yield running
    running.close()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "graph"
    folder.mkdir()
    (folder / "mgkg.ttl").write_text(HOSTILE, encoding="utf-8")
    running = start_server(tmp_path_factory, workers=1, release=folder / "mgkg.ttl")
    yield running
    running.close()


class Visit(Opened):
    """A page of the running server: it may load anything from the server's own origin."""

    def allows(self, url: str) -> bool:
        return url.startswith(self.url)

    def screenshot(self, name: str) -> Path:
        return super().screenshot(f"server-{name}")


@pytest.fixture(name="visit")
def visit_fixture(browser):
    contexts = []

    def _visit(base: str, path: str, width: int = 1400, height: int = 900) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        parts = urlsplit(base)
        visit = Visit(page, f"{parts.scheme}://{parts.netloc}/")
        page.on("request", lambda r: visit.requests.append(r.url))
        page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} ({r.failure})"))
        page.on("console", lambda m: visit.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: visit.errors.append(str(e)))
        page.goto(base + path)
        return visit

    yield _visit
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return LocalEngine(open_store(ROOT / "graph" / "mgkg.ttl", cache_dir=tmp_path_factory.mktemp("cache")))


def wait_done(visit: Visit) -> int:
    visit.page.wait_for_selector("body[data-state=done], body[data-state=error]", state="attached")
    assert visit.page.get_attribute("body", "data-state") == "done", visit.page.inner_text("#status")
    return int(visit.page.get_attribute("body", "data-rows"))


# ---------------------------------------------------------------------------
# The query page
# ---------------------------------------------------------------------------


def test_query_page_runs_an_example(site, visit, engine):
    expected = run(engine, load_catalog(ROOT / "queries").get("publications"), {})
    v = visit(site.url, "/query")
    v.page.wait_for_selector("body[data-state=ready]", state="attached")
    v.page.click("button[data-example=publications]")
    rows = wait_done(v)
    assert rows == len(expected.rows) > 5
    assert v.page.locator("#results table tbody tr").count() == rows
    assert "publications" in v.page.url and "example=publications" in v.page.url
    header = v.page.locator("#results thead th").all_inner_texts()
    assert header == ["?" + name for name in expected.variables]
    # IRIs under the base link to their local page and show their label, the CURIE below it.
    first = v.page.locator("#results a.iri[href^='/id/']").first
    label = first.inner_text()
    assert label and not label.startswith("kg:")
    assert first.get_attribute("href").startswith("/id/")
    assert v.page.locator("#results code.curie:visible").count() > 0
    assert "rows in" in v.page.inner_text("#status")
    v.screenshot("query-example")
    v.assert_clean()


def test_shared_query_url_reruns(site, visit, engine):
    text = (
        "PREFIX mgkg: <https://w3id.org/mgkg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?claim ?label WHERE { ?claim mgkg:restsOn mgkg:VendorMaterial ; rdfs:label ?label } ORDER BY ?claim"
    )
    expected = len(list(engine.store.query(text)))
    v = visit(site.url, "/query?" + urlencode({"query": text}))
    assert wait_done(v) == expected > 0
    share = v.page.get_attribute("#share", "href")
    assert share.startswith("/query?query=")
    again = visit(site.url, share)
    assert wait_done(again) == expected
    assert again.page.input_value("#query-text") == text
    v.assert_clean()
    again.assert_clean()


def test_typed_query_and_error(site, visit):
    v = visit(site.url, "/query")
    v.page.wait_for_selector("body[data-state=ready]", state="attached")
    v.page.fill("#query-text", "SELECT ?s WHERE { ?s a <https://w3id.org/mgkg/ontology#Receptor> }")
    v.page.press("#query-text", "Control+Enter")
    assert wait_done(v) >= 1
    v.page.fill("#query-text", "SELECT * WHERE { ?s ?p }")
    v.page.click("#run")
    v.page.wait_for_selector("body[data-state=error]", state="attached")
    assert "error 400: syntax error" in v.page.inner_text("#status")
    # A failed fetch is an expected 400 here; the console notes it as a failed resource.
    v.console = [(t, m) for t, m in v.console if "400" not in m]
    v.assert_clean()


def test_construct_example_shows_turtle(site, visit):
    v = visit(site.url, "/query?example=describe-entity")
    assert wait_done(v) > 0
    assert "@prefix" in v.page.inner_text("#results pre") or "kg:" in v.page.inner_text("#results pre")
    assert v.page.locator("#links a", has_text="Turtle").count() == 1
    v.assert_clean()


# ---------------------------------------------------------------------------
# Resource pages, ontology, graph view
# ---------------------------------------------------------------------------


def test_resource_page(site, visit):
    v = visit(site.url, "/id/magnesium")
    assert v.page.inner_text("h1") == "magnesium"
    claims = v.page.locator("table.claims tbody tr")
    assert claims.count() > 10
    assert v.page.locator("table.claims .grade").count() == claims.count()
    v.screenshot("resource-magnesium")
    # Follow a claim with a grade explanation.
    link = v.page.locator("table.claims tbody tr td:first-child a").first
    link.click()
    v.page.wait_for_selector(".claim-panel")
    assert "evidence grade" in v.page.inner_text(".claim-panel")
    v.screenshot("resource-claim")
    v.assert_clean()


def test_ontology_anchor(site, visit):
    v = visit(site.url, "/ontology#Claim")
    target = v.page.locator("section#Claim")
    assert target.count() == 1
    assert "claim" in target.inner_text().lower()
    v.assert_clean()


def test_graph_view(site, visit):
    v = visit(site.url, "/graph?focus=magnesium")
    v.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    nodes = v.page.evaluate("mgkg.nodes.length")
    assert nodes > 5
    v.screenshot("graph-focus")
    v.assert_clean()


# ---------------------------------------------------------------------------
# Hostile data: shown as text, never run
# ---------------------------------------------------------------------------


def test_hostile_labels_stay_text(hostile_site, visit):
    for path in ("/id/evil", "/id/evil-claim", "/id/evil-source", "/id/magnesium"):
        v = visit(hostile_site.url, path)
        v.page.wait_for_load_state("load")
        v.page.mouse.move(200, 200)
        v.page.wait_for_timeout(200)
        assert v.page.evaluate("window.__pwned") is None, path
        assert v.page.locator("main script").count() == 0
        assert v.page.locator("img, iframe, svg").count() == 0, path
        if path == "/id/evil":
            assert v.page.inner_text("h1") == HOSTILE_LABEL
        links = v.page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
        assert not [h for h in links if h.lower().startswith("javascript")], links
        v.assert_clean()
    q = visit(
        hostile_site.url,
        "/query?"
        + urlencode(
            {"query": "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"}
        ),
    )
    assert wait_done(q) >= 3
    assert q.page.evaluate("window.__pwned") is None
    assert HOSTILE_LABEL in q.page.inner_text("#results")
    assert q.page.locator("#results img, #results script, #results svg").count() == 0
    q.assert_clean()
