"""The five learner tasks in headless Chromium, at desktop (1400x900, mouse and keyboard)
and phone size (390x844, touch), with real input events, against ``mgkg serve``.

Each task must succeed in at most four actions (a click, a tap, typing a word, a key) and
the test asserts what the card or page then says:

1. insomnia: does magnesium help? -> the answer names the relation that answers it;
2. the ADHD citation: is it real? -> the claim's card shows the citation audit;
3. which form, and whose advice? -> the recommendation's card says who earns money;
4. safety -> the Safety view lists every warning, kidney disease among them;
5. the web app -> the magnesium page shows its safety warnings without scrolling.

Also: the keyboard path (skip link, arrow keys on the canvas, Enter, Escape), the claims
table (every claim, sortable), counts that agree between pages, no sideways scroll on any
page, and axe-core (vendored from the npm registry, tests only) with no serious or
critical violation on any page or view. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from chromium import ARTIFACTS, CHROMIUM_ARGS, READY_TIMEOUT_MS, browser_fixture  # noqa: F401

from mgkg.views.model import build_claim_graph
from server_support import server  # noqa: F401  (fixture: the release served, one per session)

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
DESKTOP = {"viewport": {"width": 1400, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 2,
}
SIZES = {"desktop": DESKTOP, "phone": PHONE}

pytestmark = pytest.mark.server


@pytest.fixture(name="site")
def site_fixture(server):  # noqa: F811
    return server


@pytest.fixture(scope="module")
def graph():
    return build_claim_graph(ROOT / "graph" / "mgkg.ttl")


class Learner:
    """A page and a count of the actions taken on it (clicks, taps, typing, keys)."""

    def __init__(self, page, touch: bool, name: str):
        self.page, self.touch, self.name, self.actions = page, touch, name, 0

    def press(self, selector: str) -> None:
        """Click (desktop) or tap (phone) the element, as a user would."""
        self.actions += 1
        locator = self.page.locator(selector).first
        locator.scroll_into_view_if_needed()
        if self.touch:
            locator.tap()
        else:
            locator.click()
        self.page.wait_for_timeout(250)

    def type(self, selector: str, text: str) -> None:
        """Focus a field and type into it (one action: tap or click, then the word)."""
        self.actions += 1
        field = self.page.locator(selector)
        if self.touch:
            field.tap()
        else:
            field.click()
        self.page.keyboard.type(text, delay=20)

    def key(self, name: str) -> None:
        self.actions += 1
        self.page.keyboard.press(name)
        self.page.wait_for_timeout(250)

    def card(self) -> str:
        return self.page.locator("#mgkg-card").inner_text()

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"learner-{self.name}-{step}.png"))

    def no_sideways_scroll(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        view = self.page.evaluate("window.innerWidth")
        assert width <= view, f"{self.page.url} scrolls sideways: {width} > {view}"


@pytest.fixture(name="learner")
def learner_fixture(browser, site):
    contexts = []

    def _open(path: str, size: str, name: str) -> Learner:
        context = browser.new_context(service_workers="block", **SIZES[size])
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(site.url + path)
        if path.startswith("/graph"):
            page.wait_for_selector("body[data-ready=true]", state="attached", timeout=READY_TIMEOUT_MS)
        learner = Learner(page, size == "phone", f"{name}-{size}")
        learner.errors = errors
        return learner

    yield _open
    for context in contexts:
        context.close()


def card_shown(learner: Learner) -> None:
    """The card is on screen with its heading in view (a bottom sheet on a phone)."""
    card = learner.page.locator("#mgkg-card")
    assert card.is_visible()
    heading = learner.page.locator("#mgkg-card h2").first
    box, view = heading.bounding_box(), learner.page.viewport_size
    assert box is not None and 0 <= box["y"] < view["height"], "the card's heading is not in view"
    assert learner.page.evaluate("document.getElementById('mgkg-card').scrollTop") == 0


# ---------------------------------------------------------------------------
# The five tasks, each at both sizes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_task_insomnia(learner, size):
    me = learner("/graph", size, "insomnia")
    me.type("#mgkg-search", "insomnia")
    me.key("Enter")
    card_shown(me)
    text = me.card()
    assert me.page.locator("#mgkg-card h2").first.inner_text() == "insomnia"
    answer = me.page.locator("#mgkg-card .answer").first.inner_text()
    assert "magnesium supplementation → may alleviate → insomnia" in answer
    assert answer.splitlines()[-1].startswith("Not established:")
    assert "Best study: Abbasi et al. 2012" in answer
    assert "Dose 500 mg/d of magnesium: above the adult upper limit of 350 mg/d of magnesium" in text
    assert me.actions <= 4
    me.no_sideways_scroll()
    me.shot("answer")
    assert me.errors == []


@pytest.mark.parametrize("size", SIZES)
def test_task_adhd_citation(learner, size):
    me = learner("/graph", size, "adhd")
    if size == "phone":  # the guided start is in "How to read this" on a phone
        me.press("#mgkg-help-button")
        me.press("#mgkg-help button.question:has-text('ADHD citation')")
    else:
        me.press("#mgkg-card button.question:has-text('ADHD citation')")
    assert me.page.locator("#mgkg-card h2").first.inner_text() == "attention deficit hyperactivity disorder"
    assert "citation: ✓ supports" in me.card() and "citation: ✗ does not support" in me.card()
    me.press("#mgkg-card button.linklike:has-text('systematic review confirmed')")
    card_shown(me)
    text = me.card()
    assert "CITATION AUDIT" in text.upper()
    assert "Effatpanah" in text
    assert me.actions <= 4
    me.shot("citation")


@pytest.mark.parametrize("size", SIZES)
def test_task_form_and_whose_advice(learner, size):
    me = learner("/graph", size, "form")
    me.type("#mgkg-search", "glycinate")
    me.key("Enter")
    assert me.page.locator("#mgkg-card h2").first.inner_text() == "magnesium glycinate"
    assert "$ Money involved" in me.card()
    me.press("#mgkg-card button.linklike:has-text('recommends magnesium glycinate')")
    card_shown(me)
    money = me.page.locator("#mgkg-card .money").inner_text()
    assert "from a page that earns a commission from Hardy Nutritionals" in money
    # the answer comes before the money line and the claim itself
    order = me.page.evaluate(
        "[...document.querySelectorAll('#mgkg-card > *')].map(e => e.className).filter(c => c)"
    )
    assert order.index("answer") < order.index("money")
    assert me.actions <= 4
    me.shot("money")


@pytest.mark.parametrize("size", SIZES)
def test_task_safety(learner, size, graph):
    me = learner("/graph", size, "safety")
    me.press("#mgkg-view-safety")
    card_shown(me)
    text = me.card()
    expected = sum(1 for *_e, d in graph.edges(data=True) if d["claim"].is_safety)
    assert f"{expected} safety claims: contraindications, interactions, side effects and upper limits" in text
    assert "kidney disease" in text and "upper limit" in text
    shown = me.page.evaluate("mgkg.edges.get().filter(e => !e.hidden && e.id[0] === 'e').length")
    assert shown == expected
    me.shot("view")
    # the words learners use find it too
    again = learner("/graph", size, "safety-search")
    again.type("#mgkg-search", "upper limit")
    assert again.page.locator("#mgkg-results li").first.inner_text().startswith("⚠ Safety view")
    again.key("Enter")
    assert again.page.get_attribute("body", "data-view") == "safety"
    assert again.actions <= 4


@pytest.mark.parametrize("size", SIZES)
def test_task_web_app(learner, size):
    me = learner("/", size, "webapp")
    me.press("main a[href='/id/magnesium']")
    warning = me.page.locator(".safety-box").first
    box = warning.bounding_box()
    assert box is not None and box["y"] < me.page.viewport_size["height"], "safety is below the fold"
    assert "kidney" in warning.inner_text()
    assert me.page.locator("header.site .disclaimer").is_visible()
    me.no_sideways_scroll()
    me.press(".safety-box a[href='/id/kidney-disease']")
    assert me.page.locator(".safety-box").first.is_visible()
    me.press(".summaries details.safety summary")
    claim = me.page.locator(".summaries details.safety[open] table.claims a").first
    claim.scroll_into_view_if_needed()
    me.actions += 1
    claim.tap() if me.touch else claim.click()
    assert me.page.locator("h1").inner_text().startswith("⚠")
    assert "Safety warning" in me.page.locator(".safety-box").first.inner_text()
    assert me.actions <= 4
    me.no_sideways_scroll()
    me.shot("claim")


# ---------------------------------------------------------------------------
# Keyboard, the claims table, counts, layout
# ---------------------------------------------------------------------------


def test_keyboard_skip_link_canvas_and_escape(learner):
    me = learner("/graph", "desktop", "keyboard")
    me.page.keyboard.press("Tab")
    assert me.page.evaluate("document.activeElement.className") == "skip"
    me.page.keyboard.press("Enter")
    assert me.page.get_attribute("body", "data-view") == "table"
    assert me.page.locator("#mgkg-table").is_visible()
    me.page.locator("#mgkg-view-graph").click()
    me.page.locator("#mgkg-network").focus()
    me.page.keyboard.press("ArrowRight")
    first = me.page.get_attribute("#mgkg-card", "data-id")
    assert me.page.get_attribute("#mgkg-card", "data-kind") == "node" and first
    moved = None
    for arrow in ("ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"):
        me.page.keyboard.press(arrow)
        moved = me.page.get_attribute("#mgkg-card", "data-id")
        if moved != first:
            break
    assert moved != first, "no arrow key moved to a neighbour"
    me.page.keyboard.press("Enter")
    assert me.page.evaluate("document.activeElement.id") == "mgkg-card-heading"
    me.page.keyboard.press("Escape")
    assert me.page.get_attribute("#mgkg-card", "data-kind") == "start"
    assert me.page.evaluate("document.activeElement.id") == "mgkg-network"


def test_search_results_move_with_arrow_keys(learner):
    me = learner("/graph", "desktop", "search-keys")
    me.type("#mgkg-search", "magnesium")
    me.page.keyboard.press("ArrowDown")
    me.page.keyboard.press("ArrowDown")
    chosen = me.page.locator("#mgkg-results li.active").get_attribute("data-id")
    assert me.page.get_attribute("#mgkg-search", "aria-activedescendant") == "mgkg-match-2"
    me.page.keyboard.press("Enter")
    assert me.page.get_attribute("#mgkg-card", "data-id") == chosen


def test_claims_table_lists_every_claim_and_sorts(learner, graph):
    me = learner("/graph?view=table", "desktop", "table")
    rows = me.page.locator("#mgkg-table tbody tr")
    assert rows.count() == graph.number_of_edges()
    drawn = {d["claim"].statement for *_e, d in graph.edges(data=True)}
    shown = set(
        me.page.evaluate(
            "[...document.querySelectorAll('#mgkg-table tbody tr')].map(r => mgkg.data.edges.find(e => e.id === r.dataset.id).statement)"
        )
    )
    assert shown == drawn
    me.page.locator("#mgkg-table th button", has_text="Grade").click()
    assert me.page.get_attribute("#mgkg-table th[aria-sort=ascending]", "aria-sort") == "ascending"
    first = me.page.locator("#mgkg-table tbody tr").first.locator("td.col-grade").inner_text()
    assert "moderate" in first or "high" in first
    me.page.locator("#mgkg-table tbody tr").first.locator("button").click()
    assert me.page.get_attribute("#mgkg-card", "data-kind") == "edge"
    me.shot("sorted")


def test_counts_agree_between_pages(learner, graph):
    home = learner("/", "desktop", "counts-home")
    claims = int(home.page.locator("td[data-count=claims]").inner_text().replace(",", ""))
    total = graph.number_of_edges() + graph.graph["literal_claims"]
    assert claims == total
    view = learner("/graph", "desktop", "counts-graph")
    counts = view.page.locator("#mgkg-counts").inner_text()
    assert f"{total} claims ({graph.number_of_edges()} drawn as lines" in counts
    # one entity: its page and its card give the same number of claims
    page = learner("/id/magnesium", "desktop", "counts-entity")
    on_page = int(page.page.get_attribute(".claim-count", "data-count"))
    view.page.evaluate("mgkg.choose(mgkg.data.nodes.find(n => n.label === 'magnesium').id)")
    heading = view.page.locator("#mgkg-card h3", has_text="drawn as lines").first.inner_text()
    assert heading.lower().startswith(f"{on_page} claims ("), (heading, on_page)


@pytest.mark.parametrize("size", SIZES)
def test_phone_layout_graph_fills_the_screen(learner, size):
    me = learner("/graph", size, "layout")
    box = me.page.locator("#mgkg-network").bounding_box()
    view = me.page.viewport_size
    assert box["width"] >= view["width"] * (0.98 if size == "phone" else 0.5)
    assert box["height"] >= view["height"] * 0.5
    me.no_sideways_scroll()
    assert not me.page.locator("#mgkg-loading").is_visible()
    if size == "phone":
        assert not me.page.locator("#mgkg-side").is_visible()
        me.press("#mgkg-filters-button")
        assert me.page.locator("#mgkg-side").is_visible()
        me.press("#mgkg-side-close")
        # a tap on a node opens its card as a bottom sheet
        point = me.page.evaluate(
            "(() => { const n = mgkg.data.nodes.find(n => n.label === 'magnesium'); "
            "mgkg.network.focus(n.id, {scale: 1, animation: false}); return mgkg.domPosition(n.id); })()"
        )
        me.page.wait_for_timeout(200)
        me.page.touchscreen.tap(box["x"] + point["x"], box["y"] + point["y"])
        me.page.wait_for_timeout(400)
        assert me.page.get_attribute("#mgkg-card", "data-kind") == "node"
        sheet = me.page.locator("#mgkg-card").bounding_box()
        assert sheet["y"] > view["height"] * 0.3 and sheet["y"] + sheet["height"] <= view["height"] + 1
        card_shown(me)
        me.shot("sheet")


def test_labels_are_readable_at_first_load(learner):
    me = learner("/graph", "desktop", "labels")
    scale = me.page.evaluate("mgkg.network.getScale()")
    font = me.page.evaluate("mgkg.network.body.nodes[mgkg.data.nodes[0].id].options.font.size")
    assert scale * font >= 11, f"labels are {scale * font:.1f} px"


# ---------------------------------------------------------------------------
# axe-core: no serious or critical violation on any page or view
# ---------------------------------------------------------------------------

AXE_PAGES = (
    "/",
    "/query",
    "/glossary",
    "/ontology",
    "/downloads",
    "/graph",
    "/graph?view=safety",
    "/graph?view=table",
    "/graph?focus=insomnia&depth=1",
    "/id/magnesium",
    "/id/insomnia",
    "/id/glycinate-recommended-anxiety",
    "/id/impaired-kidney-function-hypermagnesemia",
    "/id/no-such-thing",
)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("size", SIZES)
def test_axe_every_page_and_view(browser, site, size):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make axe`")
    context = browser.new_context(service_workers="block", bypass_csp=True, **SIZES[size])
    page = context.new_page()
    problems = {}
    try:
        for path in AXE_PAGES:
            page.goto(site.url + path)
            if path.startswith("/graph"):
                page.wait_for_selector("body[data-ready=true]", state="attached", timeout=READY_TIMEOUT_MS)
            page.wait_for_timeout(300)
            width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            bad = axe_violations(page)
            if width > 0:
                bad.append({"id": "sideways scroll", "impact": "serious", "nodes": [f"{width} px too wide"]})
            if bad:
                problems[path] = bad
        # views opened by a user: a pinned card, the help panel
        page.goto(site.url + "/graph")
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=READY_TIMEOUT_MS)
        page.evaluate("mgkg.pinEdge(mgkg.data.edges.find(e => e.commercial.length && e.summary).id, true)")
        page.locator("#mgkg-help-button").click()
        bad = axe_violations(page)
        if bad:
            problems["/graph (card and help open)"] = bad
    finally:
        context.close()
    assert problems == {}, problems


def test_axe_is_the_pinned_version():
    version = (AXE.parent / "VERSION").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"axe-core \d+\.\d+\.\d+", version)
    assert version.split()[1] in AXE.read_text(encoding="utf-8")[:200]
