"""The palette meets WCAG 2.1 AA: badge text on every grade colour at 4.5:1 or more, every
line colour at 3:1 or more against the white canvas, and the stylesheets' text colours at
4.5:1 on the backgrounds they are used on.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from mgkg.views.viz import GRADE_STYLES, SAFETY_STYLE


def luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2.1 definition)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#ca8a04", "#ffffff") < 3.0  # the old "low" colour, which failed


@pytest.mark.parametrize("tier", sorted(GRADE_STYLES))
def test_grade_badges_and_lines(tier):
    colour = GRADE_STYLES[tier][1]
    assert contrast(colour, "#ffffff") >= 4.5, f"white badge text on {tier} ({colour})"


def test_safety_lines_stand_out():
    assert contrast(SAFETY_STYLE["color"], "#ffffff") >= 4.5


def _css(name: str) -> str:
    return (resources.files("mgkg") / name).read_text(encoding="utf-8")


#: (stylesheet, text colour variable or literal, background it is used on)
PAIRS = (
    ("views/assets/viz.css", "--ink", "#ffffff"),
    ("views/assets/viz.css", "--muted", "#ffffff"),
    ("views/assets/viz.css", "--muted", "--bg"),
    ("views/assets/viz.css", "--accent", "#ffffff"),
    ("views/assets/viz.css", "--danger", "#fef2f2"),
    ("views/assets/viz.css", "--money", "#fdf2f8"),
    ("views/assets/viz.css", "--accent", "#eff6ff"),
    ("web/static/site.css", "--ink", "#ffffff"),
    ("web/static/site.css", "--muted", "#ffffff"),
    ("web/static/site.css", "--muted", "--bg"),
    ("web/static/site.css", "--accent", "#ffffff"),
    ("web/static/site.css", "#b91c1c", "#fef2f2"),
    ("web/static/site.css", "#9d174d", "#fdf2f8"),
    ("web/static/site.css", "#1b5e20", "#dcefdc"),
    ("web/static/site.css", "#424242", "#eeeeee"),
)


@pytest.mark.parametrize(("sheet", "text", "background"), PAIRS)
def test_stylesheet_text_colours(sheet, text, background):
    css = _css(sheet)
    variables = dict(re.findall(r"(--[a-z]+):\s*(#[0-9a-fA-F]{6})", css))

    def colour(value: str) -> str:
        return variables[value] if value.startswith("--") else value

    if not text.startswith("--"):
        assert text in css, f"{text} is no longer used in {sheet}: update this test"
    assert contrast(colour(text), colour(background)) >= 4.5, (sheet, text, background)
