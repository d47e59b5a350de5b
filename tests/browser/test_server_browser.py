"""The web app of ``mgkg serve`` in headless Chromium (Debian's, via Playwright).

The browser talks only to the test server on loopback: every request is recorded and must
stay on its origin, with no failed request, console error (a Content-Security-Policy
violation is one) or page error. Covered: the query page, which is YASGUI (one-click
example -> rows, links to the graph's own pages, a URL that reruns, a typed query, an
error, a graph answer), its plain form with JavaScript off, every page at desktop and
phone size (nothing wider than the screen), a resource page and a claim page, the
ontology anchors, the graph view, and hostile labels served from a hostile release (shown
as text, never run). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from chromium import Opened, browser_fixture  # noqa: F401  (fixture: one Chromium per module)
from hostile import HOSTILE, HOSTILE_LABEL

from mgkg.build.catalog import load_catalog
from mgkg.query.engine import LocalEngine, run
from mgkg.query.store import open_store
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


#: Every Content-Security-Policy violation, with the script that caused it.
RECORD_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", e => {
  (window.__csp = window.__csp || []).push({directive: e.violatedDirective, source: e.sourceFile});
}, true);"""


@pytest.fixture(name="visit")
def visit_fixture(browser):
    contexts = []

    def _visit(base: str, path: str, width: int = 1400, height: int = 900, **options) -> Visit:
        context = browser.new_context(
            viewport={"width": width, "height": height}, service_workers="block", **options
        )
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(RECORD_CSP_VIOLATIONS)
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
    """Rows (or triples) of the answer YASGUI shows, once it shows one."""
    visit.page.wait_for_selector("body[data-state=done], body[data-state=error]", state="attached")
    assert visit.page.get_attribute("body", "data-state") == "done", visit.page.get_attribute(
        "body", "data-error"
    )
    return int(visit.page.get_attribute("body", "data-rows"))


def editor_text(visit: Visit) -> str:
    return visit.page.evaluate("document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue()")


def run_typed(visit: Visit, text: str) -> None:
    """Type a query into YASGUI's editor as a user would, then Ctrl+Enter."""
    visit.page.evaluate(
        "text => document.querySelector('#yasgui .CodeMirror').CodeMirror.setValue(text)", text
    )
    visit.page.click("#yasgui .CodeMirror-code")
    visit.page.keyboard.press("Control+Enter")


# ---------------------------------------------------------------------------
# The query page: YASGUI
# ---------------------------------------------------------------------------


def test_query_page_runs_an_example(site, visit, engine):
    expected = run(engine, load_catalog(ROOT / "queries").get("publications"), {})
    v = visit(site.url, "/query")
    v.page.wait_for_selector("body[data-state=ready]", state="attached")
    assert v.page.locator("#query-form").is_hidden()  # YASGUI replaced the plain form
    v.page.click("a.example[data-example=publications]")
    rows = wait_done(v)
    assert rows == len(expected.rows) > 5
    v.page.wait_for_selector(".yasr table.dataTable tbody tr")
    assert v.page.locator(".yasr table.dataTable tbody tr").count() == rows
    assert v.page.url.endswith("/query?example=publications")
    assert v.page.inner_text("#yasgui .tabsList .tab.active").startswith("The publications in the graph")
    assert "PREFIX mgkg:" in editor_text(v)
    header = [h.strip() for h in v.page.locator(".yasr table.dataTable thead th").all_inner_texts()]
    assert [h for h in header if h] == list(expected.variables)
    # The graph's IRIs show as CURIEs (the project's prefixes) and open their page here.
    # The first CURIE short enough not to be cut off by its column (YASR's ellipsis puts
    # its own expander over the rest of a long one).
    first = v.page.locator(".yasr table.dataTable tbody a", has_text=re.compile(r"^kg:.{1,20}$")).first
    curie = first.inner_text()
    assert curie.startswith("kg:")
    v.screenshot("query-example")
    first.click()
    v.page.wait_for_url(f"**/id/{curie[3:]}")
    assert v.page.inner_text("h1")
    v.assert_clean()


def test_query_url_reruns(site, visit, engine):
    text = (
        "PREFIX mgkg: <https://w3id.org/mgkg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?claim ?label WHERE { ?claim mgkg:restsOn mgkg:VendorMaterial ; rdfs:label ?label } ORDER BY ?claim"
    )
    expected = len(list(engine.store.query(text)))
    v = visit(site.url, "/query?" + urlencode({"query": text}))
    assert wait_done(v) == expected > 0
    assert editor_text(v) == text
    # YASGUI's share button: a link that opens the same query here and runs it.
    v.page.click(".yasqe_share")
    link = v.page.input_value(".yasqe_sharePopup input")
    assert link.startswith(site.url + "/query?") and "#query=" in link
    shared = visit(site.url, link[len(site.url) :])
    assert wait_done(shared) == expected
    assert editor_text(shared) == text
    shared.assert_clean()
    again = visit(site.url, "/query?example=publications")
    assert wait_done(again) > 5
    assert "# The publications in the graph" in editor_text(again)
    v.assert_clean()
    again.assert_clean()


def test_typed_query_and_error(site, visit):
    v = visit(site.url, "/query")
    v.page.wait_for_selector("body[data-state=ready]", state="attached")
    run_typed(v, "SELECT ?s WHERE { ?s a <https://w3id.org/mgkg/ontology#Receptor> }")
    assert wait_done(v) >= 1
    run_typed(v, "SELECT * WHERE { ?s ?p }")
    v.page.wait_for_selector("body[data-state=error]", state="attached")
    assert "syntax error" in v.page.get_attribute("body", "data-error")
    assert "syntax error" in v.page.inner_text(".yasr")
    # A failed fetch is an expected 400 here; the console notes it as a failed resource.
    v.console = [(t, m) for t, m in v.console if "400" not in m]
    v.assert_clean()


def test_a_typo_is_named_above_the_editor(site, visit):
    v = visit(site.url, "/query")
    v.page.wait_for_selector("body[data-state=ready]", state="attached")
    assert v.page.locator("#query-warning").is_hidden()
    run_typed(v, "SELECT ?s WHERE { ?s a <https://w3id.org/mgkg/ontology#Recepter> }")
    assert wait_done(v) == 0
    warning = v.page.locator("#query-warning")
    warning.wait_for(state="visible")
    assert warning.inner_text() == (
        "Warning: <https://w3id.org/mgkg/ontology#Recepter> is not a term of this graph "
        "(no triple uses it); did you mean mgkg:Receptor?"
    )
    run_typed(v, "SELECT ?s WHERE { ?s a <https://w3id.org/mgkg/ontology#Receptor> }")
    assert wait_done(v) >= 1
    assert v.page.locator("#query-warning").is_hidden()
    v.assert_clean()


def test_construct_example_shows_the_graph(site, visit):
    v = visit(site.url, "/query?example=describe-entity")
    assert wait_done(v) > 0
    assert "kg:magnesium" in v.page.inner_text(".yasr") or "magnesium" in v.page.inner_text(".yasr")
    v.assert_clean()


def test_query_page_without_javascript(site, browser):
    """With scripts off the page is a form: it sends the query to /sparql in the chosen
    format, and the catalog examples are links that fill it."""
    context = browser.new_context(java_script_enabled=False, service_workers="block", accept_downloads=True)
    try:
        page = context.new_page()
        page.goto(site.url + "/query?example=publications")
        assert page.locator("#query-form").is_visible()
        assert "# The publications in the graph" in page.input_value("#query-text")
        query = "SELECT ?s WHERE { ?s a <https://w3id.org/mgkg/ontology#Receptor> } ORDER BY ?s"
        page.fill("#query-text", query)
        assert page.input_value("#query-format") == "json"  # the one a browser shows
        page.click("#run")
        page.wait_for_url("**/sparql?**")
        assert "nmda-receptor" in page.content()
        page.go_back()
        page.fill("#query-text", query)
        page.select_option("#query-format", "csv")
        with page.expect_download() as download:
            page.click("#run")
        lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
        assert lines[0] == "s" and "https://w3id.org/mgkg/id/nmda-receptor" in lines
        page.goto(site.url + "/query")
        page.click("a.example[data-example=forms-by-absorption]")
        assert page.url.endswith("/query?example=forms-by-absorption")
        assert "absorption" in page.input_value("#query-text").lower()
    finally:
        context.close()


PAGES = (
    "/",
    "/query",
    "/query?example=publications",
    "/id/magnesium",
    "/ontology",
    "/downloads",
    "/id/magnesum",
)


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_phone_and_a_desktop(site, visit, path):
    """Nothing wider than the screen at 390x844 (a phone) or 1280x800; the menu on every page."""
    for width, height in ((1280, 800), (390, 844)):
        v = visit(site.url, path, width=width, height=height)
        v.page.wait_for_load_state("load")
        if path.startswith("/query"):
            v.page.wait_for_selector("body[data-state=ready], body[data-state=done]", state="attached")
        assert v.page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
        if path == "/query":  # YASGUI's settings menu, open, stays on the screen too
            v.page.click("#yasgui .tabContextButton")
            v.page.wait_for_selector("#yasgui .tabMenu.open")
            v.page.wait_for_timeout(600)  # it slides in
            assert v.page.evaluate("document.documentElement.scrollWidth") <= width, (path, width, "menu")
            assert v.page.locator("#yasgui .tabMenu.open").bounding_box()["x"] >= 0
        assert v.page.locator("header.site nav a").count() == 6
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
        v.screenshot(f"{name}-{width}")
        if path == "/id/magnesum":  # the 404 page: the browser notes the status
            v.console = [(t, m) for t, m in v.console if "404" not in m]
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
    # The relations come first, closed, safety first: open the first one, follow a claim.
    first = v.page.locator("details.summary").first
    assert "safety" in first.get_attribute("class")
    assert "contraindicated in" in first.locator("summary").inner_text()
    assert not first.locator("table.claims").is_visible()
    first.locator("summary .fact").click()
    assert first.locator("table.claims").is_visible()
    assert "a fact in this graph" in first.inner_text()
    v.screenshot("resource-magnesium")
    link = first.locator("table.claims tbody tr td:first-child a").first
    link.click()
    v.page.wait_for_selector(".claim-panel")
    assert "evidence grade" in v.page.inner_text(".claim-panel")
    assert "What the body of evidence says" in v.page.inner_text(".summary-panel")
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


def test_graph_view_on_a_phone(site, visit):
    """At 390x844 the graph comes first and fills most of the screen (it was squeezed to
    nothing beside the legend and the card); nothing is wider than the screen."""
    v = visit(site.url, "/graph", width=390, height=844)
    v.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 390
    graph = v.page.locator("#mgkg-network canvas").bounding_box()
    assert graph["width"] >= 350 and graph["height"] >= 0.5 * 844
    assert graph["y"] < 844 / 3  # on the first screen, under the header
    card = v.page.locator("#mgkg-card").bounding_box()
    side = v.page.locator("#mgkg-side").bounding_box()
    assert graph["y"] + graph["height"] <= card["y"] <= side["y"]  # graph, card, legend
    v.screenshot("graph-phone")
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
    # YASGUI's results table: the labels show as text and nothing runs, even with the page's
    # CSP switched off (bypass_csp), so the policy is a second line of defence, not the only one.
    query = "/query?" + urlencode(
        {"query": "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"}
    )
    for bypass in (True, False):
        q = visit(hostile_site.url, query, bypass_csp=bypass)
        assert wait_done(q) >= 3
        q.page.wait_for_selector(".yasr table.dataTable tbody tr")
        q.page.mouse.move(400, 600)
        q.page.hover(".yasr table.dataTable tbody tr:first-child td:last-child")
        q.page.wait_for_timeout(300)
        assert q.page.evaluate("window.__pwned") is None, bypass
        assert HOSTILE_LABEL in q.page.inner_text(".yasr")
        assert q.page.locator(".yasr script, .yasr img, .yasr iframe, .yasr b, .yasr svg image").count() == 0
        violations = q.page.evaluate("window.__csp || []")
        if not bypass:
            # YASGUI sanitises each value with DOMPurify, which parses it in an inert document;
            # Chromium still reports the event handlers it meets there. Those reports are the
            # only ones, all from the vendored bundle, and nothing ran (above).
            assert violations and all(
                v["directive"] == "script-src-attr" and v["source"].endswith("/assets/yasgui/yasgui.min.js")
                for v in violations
            ), violations
            q.console = [(t, m) for t, m in q.console if "Executing inline event handler" not in m]
        else:
            assert violations == []
        q.assert_clean()
