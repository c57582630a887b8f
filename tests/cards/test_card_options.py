"""The options a README author gives a card: parsed into one frozen dataclass that never raises
(anything unknown is its default), and each one's effect on the drawn card."""

from __future__ import annotations

import pytest

from github_stats.ui.card_themes import DARK, LIGHT
from github_stats.ui.cards import (
    MAX_WIDTH,
    MIN_WIDTH,
    TITLE_MAX,
    CardOptions,
    number_compact,
    number_full,
    text_fit,
    text_wrap,
)
from tests.cards.conftest import SVG_NS, svg_of, texts_of

# --- Parsing ----------------------------------------------------------------------------------


def test_no_options_are_the_defaults():
    options = CardOptions.parse({})
    assert options == CardOptions()
    assert options.state() == ""


def test_garbage_options_are_the_defaults():
    garbage = {
        "theme": "<script>",
        "width": "wide",
        "hide": ",,nothing,;DROP TABLE",
        "locale": "xx-YY",
        "border": "maybe",
        "compact": "perhaps",
        "by": "weight",
        "top": "many",
        "days": "7",
        "title": "\x00\x07",
        "unknown": "1",
    }
    assert CardOptions.parse(garbage) == CardOptions()


def test_parsing_never_raises_whatever_the_mapping_does():
    class Broken(dict):
        def get(self, *args, **kwargs):
            raise RuntimeError("a mapping that misbehaves")

    assert CardOptions.parse(Broken()) == CardOptions()


@pytest.mark.parametrize(
    ("width", "parsed"),
    [("10", MIN_WIDTH), ("99999", MAX_WIDTH), ("500", 500), ("-3", MIN_WIDTH), ("4.5", 0)],
)
def test_width_is_clamped_to_a_sane_range(width, parsed):
    assert CardOptions.parse({"width": width}).width == parsed


def test_title_is_one_line_capped_in_length():
    options = CardOptions.parse({"title": "  a\nb\tc  " + "x" * 200})
    assert options.title.startswith("a b c x")
    assert len(options.title) == TITLE_MAX


def test_github_readme_stats_spellings_are_understood():
    options = CardOptions.parse(
        {
            "hide_border": "true",
            "layout": "compact",
            "langs_count": "3",
            "custom_title": "Mine",
            "hide_title": "1",
            "card_width": "420",
            "hide": "stars, total_forks ,PUBLIC_REPOS",
        }
    )
    assert options.border is False
    assert options.compact is True
    assert options.top == 3
    assert options.title == "Mine"
    assert options.width == 420
    assert options.hide == frozenset({"title", "stars", "forks", "repos"})


def test_locales_and_themes_take_regional_and_aliased_names():
    assert CardOptions.parse({"locale": "de-DE"}).locale == "de"
    assert CardOptions.parse({"locale": "fr_CA"}).locale == "fr"
    assert CardOptions.parse({"theme": "LIGHT"}).theme == "default"
    assert CardOptions.parse({"theme": "Tokyo-Night"}).theme == "tokyonight"


def test_the_state_is_canonical_whatever_the_order_or_spelling():
    one = CardOptions.parse({"hide": "forks,stars", "theme": "dark", "locale": "de-AT"})
    two = CardOptions.parse({"locale": "de", "theme": "DARK", "hide": "stars,forks,nonsense"})
    assert one.state() == two.state() == "hide=forks%2Cstars&locale=de&theme=dark"


def test_numbers_are_written_as_the_locale_writes_them():
    assert number_compact(1234, locale="en") == "1.2k"
    assert number_compact(1234, locale="de") == "1,2k"
    assert number_compact(1234, locale="fr") == "1,2k"
    assert number_compact(999, locale="de") == "999"
    assert number_full(1234567, locale="en") == "1,234,567"
    assert number_full(1234567, locale="de") == "1.234.567"
    assert number_full(1234567, locale="fr") == "1\u202f234\u202f567"


def test_text_is_cut_and_wrapped_to_fit():
    assert text_fit("short", width=200, size=14) == "short"
    cut = text_fit("a" * 100, width=100, size=14)
    assert cut.endswith("…")
    assert len(cut) < 20
    lines = text_wrap("word " * 60, width=200, size=13, lines=3)
    assert len(lines) == 3
    assert lines[-1].endswith("…")


# --- Their effect -----------------------------------------------------------------------------


def _style(root) -> str:
    return "".join(element.text or "" for element in root.iter(f"{SVG_NS}style"))


@pytest.mark.django_db
def test_theme_dark_and_auto(client, octocat):
    dark = _style(svg_of(client.get("/cards/octocat/stats.svg?theme=dark")))
    assert DARK.background in dark
    assert LIGHT.background not in dark
    auto = _style(svg_of(client.get("/cards/octocat/stats.svg?theme=auto")))
    light_part, dark_part = auto.split("@media (prefers-color-scheme: dark)")
    assert LIGHT.background in light_part
    assert DARK.background in dark_part


@pytest.mark.django_db
def test_hide_takes_figures_away(client, octocat):
    text = texts_of(svg_of(client.get("/cards/octocat/stats.svg?hide=followers,forks")))
    assert "Followers" not in text
    assert "Total forks" not in text
    assert "Total stars" in text
    pin = texts_of(svg_of(client.get("/cards/octocat/Hello-World/pin.svg?hide=description")))
    assert "My first repository" not in pin


@pytest.mark.django_db
def test_title_width_border_and_compact(client, octocat):
    default = svg_of(client.get("/cards/octocat/stats.svg"))
    root = svg_of(client.get("/cards/octocat/stats.svg?title=Hi%20there&width=500&border=0"))
    assert root.get("width") == "500"
    assert root.get("viewBox") == f"0 0 500 {root.get('height')}"
    assert "Hi there" in texts_of(root)
    assert "stroke-opacity:0" in _style(root)
    assert "stroke-opacity:1" in _style(default)
    compact = svg_of(client.get("/cards/octocat/stats.svg?compact=1"))
    assert int(compact.get("height")) < int(default.get("height"))


@pytest.mark.django_db
def test_hide_title_keeps_an_accessible_name(client, octocat):
    root = svg_of(client.get("/cards/octocat/stats.svg?hide_title=1"))
    assert root.find(f"{SVG_NS}title").text == "GitHub stats of octocat"
    assert "The Octocat's GitHub stats" not in texts_of(root)


@pytest.mark.django_db
def test_locale_formats_the_figures(client, octocat):
    text = texts_of(svg_of(client.get("/cards/octocat/stats.svg?locale=de")))
    assert "1,2k" in text  # 1,234 followers
    assert "Followers: 1.234." in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["stats.svg", "languages.svg", "history.svg", "Hello-World/pin.svg"]
)
def test_garbage_options_draw_the_default_card(client, octocat, path):
    garbage = "?theme=%00&width=%F0%9F%92%A9&hide=%3Cx%3E&locale=..&top=1e9&days=-1&by=&border=2"
    default = client.get(f"/cards/octocat/{path}")
    odd = client.get(f"/cards/octocat/{path}{garbage}")
    svg_of(odd)
    assert odd.content == default.content
    assert odd["ETag"] == default["ETag"]
