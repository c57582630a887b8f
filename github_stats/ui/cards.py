"""The embeddable SVG cards' options and the geometry every card shares: its frame (size, title,
border) and text that fits. Pure functions, no database; ui/card_layouts.py lays out each kind's
body and templates/cards/ draw them.

Options follow github-readme-stats where it has one (`theme`, `hide`, `title`, `hide_border`,
`layout=compact`, `langs_count`), so a README author's habits carry over. Every one is parsed by
`CardOptions.parse`, which never raises: an unknown or malformed option is its default, because
a card that answers an error image is a broken image in someone's README.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal
from urllib.parse import urlencode

from github_stats.ui.card_themes import DEFAULT_THEME, theme_name_parse
from github_stats.ui.formatting import compact_number

MIN_WIDTH, MAX_WIDTH = 250, 800
TITLE_MAX = 60
TOP_DEFAULT, TOP_MAX = 5, 8  # languages: github_stats/ui/languages.TOP_LANGUAGES folded in "Other"
HISTORY_DAYS = (30, 90, 365)
HISTORY_DAYS_DEFAULT = 90
# What `hide=` can take away, in github-readme-stats' spelling and ours.
HIDEABLE = frozenset(
    {"title", "followers", "stars", "forks", "repos", "language", "description", "change"}
    # the activity card's parts (ui/card_activity.py)
    | {"total", "current", "longest", "months", "legend"}
)
_HIDE_ALIASES = {"public_repos": "repos", "total_stars": "stars", "total_forks": "forks"}
_ON, _OFF = ("1", "true", "yes", "on"), ("0", "false", "no", "off")

By = Literal["bytes", "count"]
Show = Literal["calendar", "streak"]  # the activity card's body


@dataclass(frozen=True)
class NumberStyle:
    """How a locale writes 1234567.8: its digit group separator and its decimal mark."""

    group: str
    decimal: str


# Thousands separators as CLDR has them; French groups with a narrow no-break space.
LOCALES: dict[str, NumberStyle] = {
    "en": NumberStyle(",", "."),
    "de": NumberStyle(".", ","),
    "fr": NumberStyle("\u202f", ","),
    "es": NumberStyle(".", ","),
    "it": NumberStyle(".", ","),
    "nl": NumberStyle(".", ","),
    "pt": NumberStyle(".", ","),
    "ja": NumberStyle(",", "."),
}
DEFAULT_LOCALE = "en"


def number_compact(value: int | None, *, locale: str) -> str:
    """ui/formatting.compact_number (the dashboard's "1.2k") with the locale's decimal mark:
    "1,2k" in German and French."""
    style = LOCALES.get(locale, LOCALES[DEFAULT_LOCALE])
    return compact_number(value).replace(".", style.decimal)


def number_full(value: int, *, locale: str) -> str:
    """Every digit, grouped as the locale does: "1,234,567", "1.234.567", "1 234 567"."""
    style = LOCALES.get(locale, LOCALES[DEFAULT_LOCALE])
    return f"{value:,}".replace(",", style.group)


@dataclass(frozen=True)
class CardOptions:
    """A card's query string, normalised. `width` 0: the kind's own width."""

    theme: str = DEFAULT_THEME
    hide: frozenset[str] = field(default_factory=frozenset)
    title: str = ""
    width: int = 0
    locale: str = DEFAULT_LOCALE
    border: bool = True
    compact: bool = False
    by: By = "bytes"
    top: int = TOP_DEFAULT
    days: int = HISTORY_DAYS_DEFAULT
    show: Show = "calendar"

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> CardOptions:
        """From request.GET (or any mapping of strings). Never raises."""
        try:
            return cls._parse(params)
        except Exception:  # a mapping that misbehaves still gets a card
            return cls()

    @classmethod
    def _parse(cls, params: Mapping[str, Any]) -> CardOptions:
        def get(*names: str) -> str:
            for name in names:
                value = params.get(name)
                if value is not None:
                    return str(value).strip()
            return ""

        hide = set()
        for token in get("hide").lower().split(",")[:20]:
            token = _HIDE_ALIASES.get(token.strip(), token.strip())
            if token in HIDEABLE:
                hide.add(token)
        if get("hide_title").lower() in _ON:
            hide.add("title")
        border = get("border").lower() not in _OFF and get("hide_border").lower() not in _ON
        compact = get("compact").lower() in _ON or get("layout").lower() == "compact"
        by: By = "count" if get("by").lower() in ("count", "repos", "repositories") else "bytes"
        show: Show = "streak" if get("show").lower() in ("streak", "streaks") else "calendar"
        return cls(
            theme=theme_name_parse(get("theme")),
            hide=frozenset(hide),
            title=_title_clean(get("title", "custom_title")),
            width=_int_in(get("width", "card_width"), MIN_WIDTH, MAX_WIDTH, 0),
            locale=_locale_parse(get("locale")),
            border=border,
            compact=compact,
            by=by,
            top=_int_in(get("top", "langs_count"), 1, TOP_MAX, TOP_DEFAULT),
            days=_int_of(get("days"), HISTORY_DAYS, HISTORY_DAYS_DEFAULT),
            show=show,
        )

    def state(self) -> str:
        """The options that differ from the defaults, in one canonical query string: the cache
        key's and the ETag's part, and the query of a card's URL."""
        return urlencode(self.params())

    def params(self) -> dict[str, str]:
        default = CardOptions()
        params: dict[str, str] = {}
        for one in fields(self):
            value = getattr(self, one.name)
            if value == getattr(default, one.name):
                continue
            if isinstance(value, frozenset):
                params[one.name] = ",".join(sorted(value))
            elif isinstance(value, bool):
                params[one.name] = "1" if value else "0"
            else:
                params[one.name] = str(value)
        return dict(sorted(params.items()))

    def shows(self, part: str) -> bool:
        return part not in self.hide


def _title_clean(value: str) -> str:
    """At most TITLE_MAX printable characters on one line (autoescaping does the rest)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(printable.split())[:TITLE_MAX]


def _int_in(value: str, low: int, high: int, default: int) -> int:
    try:
        number = int(value)
    except ValueError:
        return default
    return min(max(number, low), high)


def _int_of(value: str, allowed: tuple[int, ...], default: int) -> int:
    try:
        number = int(value)
    except ValueError:
        return default
    return number if number in allowed else default


def _locale_parse(value: str) -> str:
    """A language: "de", "de-DE" and "de_AT" are "de"; anything we do not know is English."""
    language = value.replace("_", "-").split("-", 1)[0].lower()
    return language if language in LOCALES else DEFAULT_LOCALE


# --- The frame ------------------------------------------------------------------------------

PAD_X = 25
TITLE_Y = 35
TITLE_SIZE = 18
BODY_TOP = 55  # where the body starts below a title
BODY_TOP_UNTITLED = 22
BOTTOM_PAD = 20
# An average glyph of the system sans-serif fonts, as a fraction of the font size: cards carry
# no font of their own (self-contained), so text is fitted by this estimate, with a margin.
GLYPH_EM = 0.55


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    title: str  # "" when hidden
    body_top: int
    pad_x: int = PAD_X
    title_y: int = TITLE_Y

    @property
    def inner_width(self) -> int:
        return self.width - 2 * self.pad_x

    @property
    def rect_width(self) -> int:
        return self.width - 1  # the border is drawn inside the box, half a pixel in

    @property
    def rect_height(self) -> int:
        return self.height - 1


def card_frame(*, options: CardOptions, default_width: int, title: str, body: int) -> Frame:
    """The card's box around a body `body` pixels high: the width asked for (clamped when
    parsed) or the kind's own, the title (the one asked for, else `title`) fitted to it."""
    width = options.width or default_width
    shown = ""
    if options.shows("title"):
        shown = text_fit(options.title or title, width=width - 2 * PAD_X, size=TITLE_SIZE)
    top = BODY_TOP if shown else BODY_TOP_UNTITLED
    if options.compact and shown:
        top -= 8
    return Frame(width=width, height=top + body + BOTTOM_PAD, title=shown, body_top=top)


def text_fit(text: str, *, width: float, size: float) -> str:
    """`text` cut with an ellipsis so that it fits `width` pixels at `size`."""
    most = max(1, math.floor(width / (size * GLYPH_EM)))
    if len(text) <= most:
        return text
    return text[: max(most - 1, 1)].rstrip() + "…"


def text_wrap(text: str, *, width: float, size: float, lines: int) -> list[str]:
    """Up to `lines` lines of `text` broken at spaces, the last one cut to fit."""
    most = max(1, math.floor(width / (size * GLYPH_EM)))
    words, out, current = text.split(), [], ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if len(candidate) <= most or not current:
            current = candidate
            continue
        out.append(current)
        current = word
        if len(out) == lines - 1:
            current = " ".join(words[index:])
            break
    if current:
        out.append(current)
    return [text_fit(line, width=width, size=size) for line in out[:lines]]


def fmt(value: float) -> str:
    """A coordinate: one decimal at most, no trailing ".0"."""
    return f"{value:.1f}".removesuffix(".0")
