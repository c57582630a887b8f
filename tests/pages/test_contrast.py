"""Issue 15, item 8: every GitHub language colour we draw reaches 3:1 against the page it sits
on, in light and dark mode, or is outlined there in a colour that does (ui/contrast.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from github_stats.ui import contrast
from github_stats.ui.charts import language_swatch
from github_stats.ui.languages import LANGUAGE_COLORS

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()


def _tokens(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", block))


def _themes() -> dict[str, dict[str, str]]:
    light = _tokens(CSS.split("@media (prefers-color-scheme: dark)", 1)[0])
    dark_block = re.search(
        r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}", CSS, re.S
    )
    assert dark_block, "no dark :root block in app.css"
    return {"light": light, "dark": {**light, **_tokens(dark_block.group(1))}}


THEMES = _themes()
OUTLINE_CLASS = {"light": contrast.OUTLINE_LIGHT_CLASS, "dark": contrast.OUTLINE_DARK_CLASS}


def test_the_module_knows_the_stylesheets_backgrounds_and_outlines():
    assert THEMES["light"]["color-bg"] == contrast.LIGHT_BACKGROUND
    assert THEMES["dark"]["color-bg"] == contrast.DARK_BACKGROUND
    assert THEMES["light"]["color-muted"] == contrast.LIGHT_OUTLINE
    assert THEMES["dark"]["color-muted"] == contrast.DARK_OUTLINE


def test_the_outline_classes_are_drawn_in_the_muted_token():
    assert re.search(r"\.lang-outline-light \{ stroke: var\(--color-muted\)", CSS)
    assert re.search(r"\.lang-outline-dark \{ stroke: var\(--color-muted\)", CSS)


def test_wcag_contrast_of_known_pairs():
    assert contrast.contrast_ratio(foreground="#000000", background="#ffffff") == pytest.approx(21)
    assert contrast.contrast_ratio(foreground="#fff", background="#ffffff") == pytest.approx(1)
    # WebAIM's checker: #777777 on white is 4.48:1.
    assert contrast.contrast_ratio(foreground="#777777", background="#ffffff") == pytest.approx(
        4.48, abs=0.01
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", sorted(LANGUAGE_COLORS))
def test_every_language_colour_reaches_3_to_1_or_is_outlined(language: str, theme: str):
    background = THEMES[theme]["color-bg"]
    color = LANGUAGE_COLORS[language]
    swatch = language_swatch(language, 0)
    assert swatch.fill == color
    ratio = contrast.contrast_ratio(foreground=color, background=background)
    if ratio >= 3:
        assert OUTLINE_CLASS[theme] not in swatch.css_class.split()
    else:
        assert OUTLINE_CLASS[theme] in swatch.css_class.split(), f"{language} {ratio:.2f}:1"
        outline = THEMES[theme]["color-muted"]
        assert contrast.contrast_ratio(foreground=outline, background=background) >= 3


def test_the_faint_colours_of_the_issue_are_outlined():
    # C and CSS were dark on dark; JavaScript is pale on white.
    assert contrast.outline_classes(color=LANGUAGE_COLORS["C"]) == "lang-outline-dark"
    assert contrast.outline_classes(color=LANGUAGE_COLORS["CSS"]) == "lang-outline-dark"
    assert contrast.outline_classes(color=LANGUAGE_COLORS["JavaScript"]) == "lang-outline-light"
