"""WCAG contrast of GitHub's language colours against our page backgrounds.

A language's colour is GitHub's, not ours: C (#555555) vanishes on the dark page and JavaScript
(#f1e05a) on the light one. WCAG 2.1 (1.4.11, non-text contrast) asks 3:1 for a graphic that
carries meaning, so a swatch or bar segment whose colour falls short on a theme's background gets
an outline in a token colour that reaches it, in that theme only. Decided here, per colour, so a
colour added to LANGUAGE_COLORS is checked without anyone looking at it.

The background and outline values mirror static/css/app.css (--color-bg, --color-muted in each
theme); tests/pages/test_contrast.py reads them from the stylesheet so the two cannot drift."""

from __future__ import annotations

from functools import lru_cache

MINIMUM_RATIO = 3.0

LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#0d1117"
# --color-muted of each theme: the outline drawn around a colour too faint on that background.
LIGHT_OUTLINE = "#59636e"
DARK_OUTLINE = "#9198a1"

# The CSS classes (static/css/app.css) that draw the outline in one theme only.
OUTLINE_LIGHT_CLASS = "lang-outline-light"
OUTLINE_DARK_CLASS = "lang-outline-dark"


def _channel(value: int) -> float:
    # sRGB to linear light, WCAG 2.x's definition (its 0.03928 threshold, as the spec prints it).
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(*, color: str) -> float:
    """WCAG relative luminance of a #rgb or #rrggbb colour: 0 (black) to 1 (white)."""
    digits = color.strip().removeprefix("#")
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    if len(digits) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(*, foreground: str, background: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    one = relative_luminance(color=foreground)
    other = relative_luminance(color=background)
    lighter, darker = max(one, other), min(one, other)
    return (lighter + 0.05) / (darker + 0.05)


def reaches_minimum(*, color: str, background: str) -> bool:
    return contrast_ratio(foreground=color, background=background) >= MINIMUM_RATIO


@lru_cache(maxsize=1024)
def outline_classes(*, color: str) -> str:
    """The outline classes a swatch of `color` needs ("" when it stands out in both themes).
    Kept per colour: a dashboard asks for every swatch (four contrast ratios each, 144 a page),
    and LANGUAGE_COLORS has 40."""
    classes = []
    if not reaches_minimum(color=color, background=LIGHT_BACKGROUND):
        classes.append(OUTLINE_LIGHT_CLASS)
    if not reaches_minimum(color=color, background=DARK_BACKGROUND):
        classes.append(OUTLINE_DARK_CLASS)
    return " ".join(classes)
