"""Each card kind's body, laid out: plain data in, coordinates out (already formatted), for the
templates in templates/cards/ to draw. Texts stay as they came (GitHub's included): the
templates autoescape every one of them; the layouts only cut them to fit.

A new kind reuses one of these when its body is rows of figures (`stats_layout`) or a line over
time (`history_layout`), so it needs only a selector, a template and a registry entry
(github_stats/selectors/cards.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from github_stats.ui.cards import (
    LOCALES,
    CardOptions,
    Frame,
    card_frame,
    fmt,
    number_compact,
    number_full,
    text_fit,
    text_wrap,
)
from github_stats.ui.charts import sparkline
from github_stats.ui.languages import LANGUAGE_COLORS, OTHER_LABEL

BODY_SIZE = 14
SMALL_SIZE = 12


@dataclass(frozen=True)
class Stat:
    """One figure a card may show: `part` is its name for `hide=`."""

    part: str
    label: str
    value: int


@dataclass(frozen=True)
class StatRow:
    name: str  # the whole label, for <desc>
    label: str  # cut to fit beside its value
    value: str  # compact, as the dashboard writes it
    full: str  # every digit, for <desc>
    x: str
    y: str
    dot_x: str
    dot_y: str
    value_x: str


@dataclass(frozen=True)
class StatsDrawing:
    frame: Frame
    rows: list[StatRow]


def stats_layout(
    *, stats: Sequence[Stat], options: CardOptions, title: str, width: int = 360
) -> StatsDrawing:
    """A row per figure (label left, value right); `compact`: two columns."""
    shown = [one for one in stats if options.shows(one.part)]
    columns = 2 if options.compact else 1
    row_height = 22 if options.compact else 26
    body = math.ceil(len(shown) / columns) * row_height
    frame = card_frame(options=options, default_width=width, title=title, body=body)
    column_width = frame.inner_width / columns
    rows = []
    for index, one in enumerate(shown):
        column, line = index % columns, index // columns
        left = frame.pad_x + column * column_width
        gap = 12 if columns > 1 and column == 0 else 0
        y = frame.body_top + line * row_height + 14
        value = number_compact(one.value, locale=options.locale)
        room = column_width - gap - 14 - len(value) * BODY_SIZE * 0.62 - 10
        rows.append(
            StatRow(
                name=one.label,
                label=text_fit(one.label, width=room, size=BODY_SIZE),
                value=value,
                full=number_full(one.value, locale=options.locale),
                x=fmt(left + 14),
                y=fmt(y),
                dot_x=fmt(left + 4),
                dot_y=fmt(y - 5),
                value_x=fmt(left + column_width - gap),
            )
        )
    return StatsDrawing(frame=frame, rows=rows)


# --- Languages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    name: str
    value: int
    share: float  # of the whole, 0..1


@dataclass(frozen=True)
class LanguageRow:
    name: str
    percent: str
    color: str  # GitHub's colour, or "" (the theme's icon colour; "Other" is muted)
    other: bool
    x: str
    y: str
    dot_x: str  # the legend's dot (compact)
    dot_y: str
    bar_x: str
    bar_y: str
    bar_width: str
    value_x: str


@dataclass(frozen=True)
class LanguagesDrawing:
    frame: Frame
    rows: list[LanguageRow]
    compact: bool
    track_y: str  # the bar under every row, or the one stacked bar (compact)
    track_width: str
    note: str  # shown when there is nothing to draw
    note_y: str


def languages_layout(
    *, shares: Sequence[Share], options: CardOptions, title: str, note: str, width: int = 360
) -> LanguagesDrawing:
    """A name, a percentage and a bar per language; `compact`: one stacked bar and a legend in
    two columns."""
    columns, row_height = (2, 22) if options.compact else (1, 38)
    lines = math.ceil(len(shares) / columns)
    body = (lines * row_height + (22 if options.compact else 0)) if shares else 20
    frame = card_frame(options=options, default_width=width, title=title, body=body)
    inner = frame.inner_width
    column_width = inner / columns
    top = frame.body_top + (22 if options.compact else 0)
    rows, stacked_x = [], float(frame.pad_x)
    for index, one in enumerate(shares):
        column, line = index % columns, index // columns
        left = frame.pad_x + column * column_width
        y = top + line * row_height + 13
        bar_width = max(inner * one.share, 1.0)
        if options.compact:
            bar_x, bar_y = stacked_x, frame.body_top
            stacked_x += inner * one.share
        else:
            bar_x, bar_y = float(frame.pad_x), y + 8
        rows.append(
            LanguageRow(
                name=text_fit(one.name, width=column_width * 0.65, size=BODY_SIZE - 1),
                percent=percent_text(one.share, locale=options.locale),
                color=LANGUAGE_COLORS.get(one.name, "") if one.name != OTHER_LABEL else "",
                other=one.name == OTHER_LABEL,
                x=fmt(left + (14 if options.compact else 0)),
                y=fmt(y),
                dot_x=fmt(left + 5),
                dot_y=fmt(y - 4),
                bar_x=fmt(bar_x),
                bar_y=fmt(bar_y),
                bar_width=fmt(bar_width),
                value_x=fmt(left + column_width - (12 if columns > 1 and column == 0 else 0)),
            )
        )
    return LanguagesDrawing(
        frame=frame,
        rows=rows,
        compact=options.compact,
        track_y=fmt(frame.body_top),
        track_width=fmt(inner),
        note=note if not shares else "",
        note_y=fmt(frame.body_top + 14),
    )


def percent_text(share: float, *, locale: str) -> str:
    text = f"{share * 100:.1f}".replace(".", LOCALES.get(locale, LOCALES["en"]).decimal)
    return f"{text}\u202f%" if locale == "fr" else f"{text}%"


# --- A line over time -------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryDrawing:
    frame: Frame
    value: str
    value_full: str
    value_y: str
    label: str
    label_x: str
    change: str  # "+12 in 30 days", "" when hidden or unknown
    change_x: str
    spark_x: str
    spark_y: str
    spark_width: int
    spark_height: int
    points: str  # "" when fewer than two days: the note says why
    area: str
    note: str


def history_layout(
    *,
    values: Sequence[int],
    value: int,
    label: str,
    change: str,
    options: CardOptions,
    title: str,
    note: str,
    width: int = 360,
) -> HistoryDrawing:
    """The figure now and its change, over a sparkline of its daily values."""
    spark_height = 40 if options.compact else 64
    body = 34 + spark_height
    frame = card_frame(options=options, default_width=width, title=title, body=body)
    spark = sparkline(values, label=label, width=frame.inner_width, height=spark_height)
    area = ""
    if spark.points:
        xs = [point.split(",")[0] for point in spark.points.split()]
        area = f"{spark.points} {xs[-1]},{spark_height} {xs[0]},{spark_height}"
    shown = number_compact(value, locale=options.locale)
    return HistoryDrawing(
        frame=frame,
        value=shown,
        value_full=number_full(value, locale=options.locale),
        value_y=fmt(frame.body_top + 20),
        label=label,
        # After the figure drawn at 22px: its width by the same estimate as every text.
        label_x=fmt(frame.pad_x + len(shown) * 22 * 0.62 + 8),
        change=change if options.shows("change") else "",
        change_x=fmt(frame.width - frame.pad_x),
        spark_x=fmt(frame.pad_x),
        spark_y=fmt(frame.body_top + 30),
        spark_width=spark.width,
        spark_height=spark_height,
        points=spark.points,
        area=area,
        note=note if not spark.points else "",
    )


# --- A repository pin ------------------------------------------------------------------------


@dataclass(frozen=True)
class PinItem:
    kind: str  # "language" | "stars" | "forks"
    text: str
    full: str
    icon_x: str
    text_x: str
    color: str = ""


@dataclass(frozen=True)
class PinDrawing:
    frame: Frame
    lines: list[tuple[str, str]]  # (y, text) of the description
    items: list[PinItem]
    footer_y: str
    badge: str


def pin_layout(
    *,
    description: str,
    language: str,
    stars: int,
    forks: int,
    badge: str,
    options: CardOptions,
    title: str,
    width: int = 400,
) -> PinDrawing:
    """The description in up to three lines (one when compact), then language, stars, forks."""
    inner = (options.width or width) - 50
    lines = []
    if description and options.shows("description"):
        lines = text_wrap(
            description, width=inner, size=SMALL_SIZE + 1, lines=1 if options.compact else 3
        )
    line_height = 18
    body = len(lines) * line_height + 22
    frame = card_frame(options=options, default_width=width, title=title, body=body)
    footer_y = frame.body_top + len(lines) * line_height + 14
    items: list[PinItem] = []
    x = float(frame.pad_x)
    wanted = [
        ("language", language, language, LANGUAGE_COLORS.get(language, ""), "language"),
        ("stars", *_both(stars, options.locale), "", "stars"),
        ("forks", *_both(forks, options.locale), "", "forks"),
    ]
    for kind, text, full, color, part in wanted:
        if not text or not options.shows(part):
            continue
        text = text_fit(text, width=inner / 2, size=SMALL_SIZE + 1)
        items.append(PinItem(kind, text, full, fmt(x + 6), fmt(x + 17), color))
        x += 17 + len(text) * (SMALL_SIZE + 1) * 0.62 + 18
    return PinDrawing(
        frame=frame,
        lines=[(fmt(frame.body_top + i * line_height + 12), line) for i, line in enumerate(lines)],
        items=items,
        footer_y=fmt(footer_y),
        badge=badge,
    )


def _both(value: int, locale: str) -> tuple[str, str]:
    return number_compact(value, locale=locale), number_full(value, locale=locale)


# --- When there is no card to show ------------------------------------------------------------


@dataclass(frozen=True)
class NoticeDrawing:
    frame: Frame
    lines: list[tuple[str, str]]


def notice_layout(
    *, title: str, lines: Sequence[str], options: CardOptions, width: int = 360
) -> NoticeDrawing:
    """A title and a few short lines: an account we have not stored, one not available."""
    wrapped = [
        piece
        for line in lines
        for piece in text_wrap(line, width=(options.width or width) - 50, size=13, lines=2)
    ]
    frame = card_frame(options=options, default_width=width, title=title, body=len(wrapped) * 19)
    return NoticeDrawing(
        frame=frame,
        lines=[(fmt(frame.body_top + i * 19 + 13), text) for i, text in enumerate(wrapped)],
    )
