"""The pages as HTML, without a server: templates escape everything, hostile data stays
text, and the vendored YASGUI matches the policy the pages are sent with."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser.hostile import HOSTILE, HOSTILE_IMG, HOSTILE_LABEL
from conftest import ROOT
from mgkg.web.pages import (
    ASSETS,
    CSP,
    YASGUI_STYLE_HASHES,
    Site,
    error_page,
    not_found_page,
    ontology_page,
    query_page,
    resource_page,
)

TEMPLATES = ROOT / "src" / "mgkg" / "web" / "templates"
YASGUI = ROOT / "src" / "mgkg" / "web" / "static" / "yasgui"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Site:
    folder = tmp_path_factory.mktemp("hostile") / "graph"
    folder.mkdir()
    (folder / "mgkg.ttl").write_text(HOSTILE, encoding="utf-8")
    return Site.load(folder / "mgkg.ttl")


def test_no_escaping_by_hand():
    """Autoescaping does all of it: no escape calls in the page code, no way around it in
    the templates."""
    code = (ROOT / "src" / "mgkg" / "web" / "pages.py").read_text(encoding="utf-8")
    assert not re.search(r"html\.escape|\besc\(|Markup\(|markupsafe", code)
    assert "autoescape=True" in code
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false|\|\s*e\b", text), template.name


class Elements(HTMLParser):
    """Every element a browser would build from a page, with its attributes."""

    def __init__(self, page: str):
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _inert(page: str) -> None:
    """Nothing from the data became markup: no element or handler it could have added."""
    elements = Elements(page).found
    assert not [t for t, _ in elements if t in ("img", "iframe", "svg", "b", "object", "embed")]
    assert not [(t, a) for t, a in elements for name in a if name.startswith("on")]
    assert not [a for t, a in elements if (a.get("href") or "").strip().lower().startswith("javascript")]
    scripts = [a for t, a in elements if t == "script"]
    assert all(
        (a.get("src") or "").startswith("/assets/") or a.get("type") == "application/json" for a in scripts
    )


@pytest.mark.parametrize("slug", ["evil", "evil-claim", "evil-source", "magnesium"])
def test_hostile_data_stays_text(hostile_site, slug):
    page = resource_page(hostile_site, hostile_site.resource_iri(slug))
    _inert(page)
    if slug == "evil":
        assert '<h1 id="label">&lt;script&gt;window.__pwned=&#34;label&#34;&lt;/script&gt;</h1>' in page
    if slug == "evil-claim":
        assert "&lt;iframe srcdoc=" in page and "&lt;b onmouseover" in page


def test_hostile_text_everywhere_else(hostile_site):
    _inert(ontology_page(hostile_site))
    _inert(not_found_page(hostile_site, hostile_site.ids + HOSTILE_LABEL))
    _inert(error_page(404, HOSTILE_LABEL, HOSTILE_IMG))
    page = query_page(hostile_site, "</script><script>window.__pwned=1</script>", True, 10, 1.0)
    _inert(page)
    data = re.search(r'id="query-data">(.*?)</script>', page, re.S).group(1)
    assert "</" not in data and "<script" not in data


def test_policy_allows_exactly_yasguis_style_elements():
    """The vendored build adds <style> elements only through its column resizer; each text
    it adds is allowed by hash, and nothing else is."""
    bundle = (YASGUI / "yasgui.min.js").read_text(encoding="utf-8")
    added = re.findall(r"createStyle\(\w+,`([^`]*)`\)", bundle)
    cursor = re.search(r"dragCursor:`([^`]*)`", bundle).group(1)
    added.append(f"*{{cursor:{cursor}!important}}")
    hashes = {"sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for text in added}
    assert hashes == set(YASGUI_STYLE_HASHES)
    style = next(d for d in CSP.split("; ") if d.startswith("style-src "))
    assert style == "style-src 'self' " + " ".join(f"'{h}'" for h in YASGUI_STYLE_HASHES)


def test_vendored_yasgui_loads_nothing_from_elsewhere():
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "vendor_yasgui.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    bundle = (YASGUI / "yasgui.min.js").read_text(encoding="utf-8")
    for host in (
        "dbpedia.org/sparql",
        "query.wikidata.org",
        "lov.linkeddata.es",
        "onlyfans",
        "sourceMappingURL",
    ):
        assert host not in bundle
    assert "url(" not in (YASGUI / "yasgui.min.css").read_text(encoding="utf-8")


def test_vendored_version_is_the_pinned_one():
    pinned = re.search(r"^YASGUI_VERSION \?= (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    licence = (YASGUI / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith(f"@zazuko/yasgui {pinned} ")
    assert "The MIT License" in licence and "- codemirror " in licence
    for name in ASSETS:
        assert (ROOT / "src" / "mgkg" / "web" / "static" / name).is_file(), name


def test_package_data_ships_templates_and_yasgui():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"templates/*.html"' in text and '"static/yasgui/*"' in text
    assert re.search(r'"Jinja2>=3\.1"', text)
    assert {p.name for p in TEMPLATES.glob("*.html")} >= {"base.html", "query.html", "resource.html"}
    assert Path(YASGUI / "LICENSE").is_file()
