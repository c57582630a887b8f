"""Every card theme is readable: its text colours reach WCAG AA's 4.5:1 on the theme's
background (the cards' text is small) and its graphics 3:1 against both the background and the
empty part of a bar (WCAG 2.1, 1.4.3 and 1.4.11). Checked per palette, so a theme added later
is checked without anyone looking at it."""

from __future__ import annotations

import pytest

from github_stats.ui.card_themes import THEMES, Palette
from github_stats.ui.contrast import contrast_ratio

PALETTES = [
    pytest.param(palette, id=f"{theme.name}{'-dark' if palette is theme.dark else ''}")
    for theme in THEMES.values()
    for palette in (theme.palette, theme.dark)
    if palette is not None
]


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("role", ["title", "text", "muted"])
def test_card_text_reaches_aa_on_its_background(palette: Palette, role: str):
    ratio = contrast_ratio(foreground=getattr(palette, role), background=palette.background)
    assert ratio >= 4.5, f"{role} {getattr(palette, role)} on {palette.background}: {ratio:.2f}"


@pytest.mark.parametrize("palette", PALETTES)
def test_card_graphics_stand_out_from_the_background_and_the_bar_track(palette: Palette):
    assert contrast_ratio(foreground=palette.icon, background=palette.background) >= 3.0
    assert contrast_ratio(foreground=palette.icon, background=palette.track) >= 3.0
