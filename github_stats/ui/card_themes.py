"""The colours of the embeddable SVG cards (/cards/...): a handful of named themes, as README
authors know them from github-readme-stats (`?theme=dark`).

Every colour is ours (a hex literal below), never a query parameter: the card's <style> is
written from this table only, so no one can put CSS into a card. `auto` carries two palettes and
switches with `prefers-color-scheme` inside the SVG, which Chromium and Firefox apply to an SVG
shown as an <img> from the embedding page's colour scheme.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THEME = "default"


@dataclass(frozen=True)
class Palette:
    background: str
    border: str
    title: str
    text: str
    muted: str
    icon: str  # dots, the sparkline, the language bars without a colour of their own
    track: str  # the empty part of a bar


@dataclass(frozen=True)
class Theme:
    name: str
    palette: Palette
    # `auto` only: the palette under `@media (prefers-color-scheme: dark)`.
    dark: Palette | None = None


LIGHT = Palette(
    background="#fffefe",
    border="#e4e2e2",
    title="#0969da",  # GitHub's accent: 5:1 on white (#2f80ed, 3.8:1, fell short of AA)
    text="#434d58",
    muted="#6a737d",
    icon="#4c71f2",
    track="#e8ebee",
)
DARK = Palette(
    background="#0d1117",
    border="#30363d",
    title="#58a6ff",
    text="#c9d1d9",
    muted="#8b949e",
    icon="#3fb950",
    track="#21262d",
)

THEMES: dict[str, Theme] = {
    "default": Theme("default", LIGHT),
    "dark": Theme("dark", DARK),
    "auto": Theme("auto", LIGHT, dark=DARK),
    "dracula": Theme(
        "dracula",
        Palette(
            background="#282a36",
            border="#44475a",
            title="#ff6e96",
            text="#f8f8f2",
            muted="#bfbfbf",
            icon="#79dafa",
            track="#44475a",
        ),
    ),
    "gruvbox": Theme(
        "gruvbox",
        Palette(
            background="#282828",
            border="#504945",
            title="#fabd2f",
            text="#ebdbb2",
            muted="#a89984",
            icon="#fe8019",
            track="#3c3836",
        ),
    ),
    "tokyonight": Theme(
        "tokyonight",
        Palette(
            background="#1a1b27",
            border="#2a2e42",
            title="#70a5fd",
            text="#c0caf5",
            muted="#8a93b8",
            icon="#bf91f3",
            track="#2a2e42",
        ),
    ),
}
# Names people use for the themes above.
THEME_ALIASES = {"light": "default", "github_dark": "dark", "tokyo_night": "tokyonight"}


def theme_name_parse(value: object) -> str:
    """A known theme's name for `value` (any case, an alias), else the default: never raises."""
    name = str(value).strip().lower().replace("-", "_") if value is not None else ""
    name = THEME_ALIASES.get(name, name)
    return name if name in THEMES else DEFAULT_THEME


def theme_get(name: str) -> Theme:
    return THEMES.get(name) or THEMES[DEFAULT_THEME]
