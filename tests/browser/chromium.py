"""Headless Chromium (Debian's ``chromium``) driven by Playwright, fully offline.

(A helper module, not a conftest.py: tests/ has its own conftest, imported by name
elsewhere, and a second one would shadow it.) Test modules import the fixtures.

The browser is the system one (``make test`` installs it with apt); Playwright never
downloads a browser of its own. Tests skip, saying why, only when Chromium is absent.
Each page opens in a context emulating no network at all, and every request, failed
request, console message and page error is recorded so a test can assert there were
none. Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("MGKG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module", name="browser")
def browser_fixture():
    """One Chromium per test module: modules import this fixture, and Playwright refuses
    two live instances, so each module starts and stops its own."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (make test does) "
            "to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Opened:
    """A page and everything it did while loading and being used."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        """No failed request, no request it may not make, no console error, no page error."""
        assert self.failed == [], f"failed requests: {self.failed}"
        foreign = [u for u in self.requests if not self.allows(u) and not u.startswith("data:")]
        assert foreign == [], f"requests other than {self.url}: {foreign}"
        problems = [(t, m) for t, m in self.console if t in ("error", "warning")]
        assert problems == [], f"console errors: {problems}"
        assert self.errors == [], f"page errors: {self.errors}"

    def allows(self, url: str) -> bool:
        """An offline page may load only itself."""
        return url == self.url

    def evaluate(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def counts(self) -> tuple[int, int]:
        """Entities and claims the page holds (its vis DataSets, and the body attributes).
        Lines that are not claims (money links, ids starting "l") are not counted."""
        nodes, edges, attr_nodes, attr_edges = self.evaluate(
            "[mgkg.nodes.length, mgkg.edges.getIds().filter(id => id[0] === 'e').length, "
            "document.body.dataset.nodes, document.body.dataset.edges]"
        )
        assert (str(nodes), str(edges)) == (attr_nodes, attr_edges)
        return nodes, edges

    def hover(self, node_or_point) -> None:
        """Move the real mouse over a node id (or a DOM point inside the graph)."""
        point = (
            self.evaluate("id => mgkg.domPosition(id)", node_or_point)
            if isinstance(node_or_point, str)
            else node_or_point
        )
        box = self.page.locator("#mgkg-network").bounding_box()
        self.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        self.page.wait_for_timeout(250)


@pytest.fixture(name="open_view")
def open_view_fixture(browser):
    """Open an HTML file offline and wait until the graph is drawn."""
    contexts = []

    def _open(path: Path, width: int = 1400, height: int = 900) -> Opened:
        context = browser.new_context(
            viewport={"width": width, "height": height}, offline=True, service_workers="block"
        )
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.resolve().as_uri())
        page.on("request", lambda r: opened.requests.append(r.url))
        page.on("requestfailed", lambda r: opened.failed.append(f"{r.url} ({r.failure})"))
        page.on("console", lambda m: opened.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.goto(opened.url)
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=READY_TIMEOUT_MS)
        return opened

    yield _open
    for context in contexts:
        context.close()
