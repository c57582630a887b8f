"""The activity card's body (/cards/<login>/activity.svg), laid out: `?show=calendar` (the
default) is the last 52 weeks as a small heatmap, `?show=streak` the all-time total and the
current and longest streak. Plain data in, formatted coordinates out, for
templates/cards/activity.svg; texts stay as they came (the template escapes them).

Kept apart from ui/card_layouts.py, which lays out the other kinds, so neither grows past a
screenful of geometry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from github_stats.ui.cards import (
    CardOptions,
    Frame,
    card_frame,
    fmt,
    number_full,
    text_fit,
    text_wrap,
)

WEEKS = 53  # 52 weeks back from this week's, as GitHub's own profile calendar draws them
CALENDAR_WIDTH = 500
STREAK_WIDTH = 495
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Cell:
    x: str
    y: str
    level: int  # 0 (none) to 4: the template's shade


@dataclass(frozen=True)
class Column:
    """One figure of the streak card: a big value, its label, the dates it spans."""

    value: str
    label: str
    dates: str
    x: str


@dataclass(frozen=True)
class ActivityDrawing:
    frame: Frame
    mode: Literal["calendar", "streak", "notice"]
    desc: str
    header: str = ""  # "1,234 contributions in the last year"
    header_y: str = ""
    cell_size: str = ""
    cells: list[Cell] = field(default_factory=list)
    months: list[tuple[str, str]] = field(default_factory=list)  # (x, name)
    months_y: str = ""
    legend: list[tuple[str, int]] = field(default_factory=list)  # (x, level)
    legend_y: str = ""
    legend_text_y: str = ""
    less_x: str = ""
    more_x: str = ""
    columns: list[Column] = field(default_factory=list)
    value_y: str = ""
    label_y: str = ""
    dates_y: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)  # notice: (y, text)


def calendar_window(*, today: date) -> tuple[date, date]:
    """The first and last day drawn: from the Sunday 52 weeks before this week's Sunday (GitHub's
    weeks start on Sunday) to today."""
    sunday = today - timedelta(days=(today.weekday() + 1) % 7)
    return sunday - timedelta(weeks=WEEKS - 1), today


def calendar_layout(
    *,
    days: Sequence[tuple[date, int, int]],
    total: int,
    options: CardOptions,
    title: str,
) -> ActivityDrawing:
    """`days`: (day, count, level) of every day of the window, oldest first."""
    width = options.width or CALENDAR_WIDTH
    inner = width - 50
    pitch = inner / WEEKS
    size = max(pitch - 2 if pitch > 6 else pitch * 0.8, 1.0)
    show_months = options.shows("months") and not options.compact
    show_legend = options.shows("legend") and not options.compact
    show_total = options.shows("total")
    header_h = 20 if show_total else 0
    months_h = 14 if show_months else 0
    legend_h = 18 if show_legend else 0
    body = header_h + months_h + 7 * pitch + legend_h
    frame = card_frame(options=options, default_width=width, title=title, body=round(body))
    grid_top = frame.body_top + header_h + months_h
    cells: list[Cell] = []
    months: list[tuple[str, str]] = []
    first = days[0][0] if days else None
    seen_month: int | None = None
    for day, _count, level in days:
        assert first is not None
        column = (day - first).days // 7
        row = (day.weekday() + 1) % 7
        x = frame.pad_x + column * pitch
        cells.append(Cell(fmt(x), fmt(grid_top + row * pitch), level))
        # A month's name above its first full week, unless it would crowd the one before.
        if row == 0 and day.month != seen_month and day.day <= 7:
            seen_month = day.month
            if not months or x - float(months[-1][0]) >= 3 * 12 * 0.55 + 4:
                months.append((fmt(x), MONTHS[day.month - 1]))
    legend: list[tuple[str, int]] = []
    legend_y = grid_top + 7 * pitch + 6
    right = frame.width - frame.pad_x
    if show_legend:
        # "Less ■■■■■ More", right-aligned under the grid, "More" in the last 30 pixels.
        legend = [(fmt(right - 32 - (5 - level) * (size + 3) + 3), level) for level in range(5)]
    header = f"{number_full(total, locale=options.locale)} contributions in the last year"
    start = days[0][0] if days else None
    span = f" ({start:%Y-%m-%d} to {days[-1][0]:%Y-%m-%d})" if start else ""
    busiest = max(days, key=lambda one: one[1]) if days else None
    desc = f"{header}{span}."
    if busiest and busiest[1]:
        count = number_full(busiest[1], locale=options.locale)
        desc += f" Busiest day: {busiest[0]:%Y-%m-%d}, {count} contributions."
    return ActivityDrawing(
        frame=frame,
        mode="calendar",
        desc=desc,
        header=header if show_total else "",
        header_y=fmt(frame.body_top + 12),
        cell_size=fmt(size),
        cells=cells,
        months=months if show_months else [],
        months_y=fmt(grid_top - 4),
        legend=legend,
        legend_y=fmt(legend_y),
        legend_text_y=fmt(legend_y + size),
        less_x=fmt(float(legend[0][0]) - 4) if legend else "",
        more_x=fmt(right - 26) if legend else "",
    )


@dataclass(frozen=True)
class StreakFigure:
    part: str  # its name for `hide=`
    label: str
    value: int
    start: date | None = None
    end: date | None = None
    since: str = ""  # the total's "since 2015"


def streak_layout(
    *, figures: Sequence[StreakFigure], options: CardOptions, title: str, this_year: int
) -> ActivityDrawing:
    """A column per figure: the value large, its label, its dates (none when compact; the year
    left out when it is `this_year`, so that a column holds them)."""
    shown = [one for one in figures if options.shows(one.part)]
    body = 52 if options.compact else 74
    frame = card_frame(options=options, default_width=STREAK_WIDTH, title=title, body=body)
    column_width = frame.inner_width / max(len(shown), 1)
    columns, said = [], []
    for index, one in enumerate(shown):
        value = number_full(one.value, locale=options.locale)
        dates = one.since or _span(one.start, one.end, this_year=this_year)
        columns.append(
            Column(
                value=value,
                label=one.label,
                dates="" if options.compact else text_fit(dates, width=column_width - 8, size=13),
                x=fmt(frame.pad_x + column_width * (index + 0.5)),
            )
        )
        said.append(f"{one.label}: {value}{f' ({dates})' if dates else ''}.")
    return ActivityDrawing(
        frame=frame,
        mode="streak",
        desc=" ".join(said) or title,
        columns=columns,
        value_y=fmt(frame.body_top + 24),
        label_y=fmt(frame.body_top + 46),
        dates_y=fmt(frame.body_top + 66),
    )


def _span(start: date | None, end: date | None, *, this_year: int) -> str:
    if start is None:
        return ""
    end = end or start
    if start == end:
        return _day(start, this_year=this_year)
    if start.year == end.year:  # the year once, or not at all when it is this one
        return f"{MONTHS[start.month - 1]} {start.day} \u2013 {_day(end, this_year=this_year)}"
    # an en dash between the two
    return f"{_day(start, this_year=0)} \u2013 {_day(end, this_year=0)}"


def _day(day: date, *, this_year: int) -> str:
    month = f"{MONTHS[day.month - 1]} {day.day}"
    return month if day.year == this_year else f"{month}, {day.year}"


def activity_notice_layout(
    *, lines: Sequence[str], options: CardOptions, title: str
) -> ActivityDrawing:
    """No calendar to draw (an organisation, nothing stored yet): a few lines saying why."""
    width = options.width or CALENDAR_WIDTH
    wrapped = [
        piece for line in lines for piece in text_wrap(line, width=width - 50, size=13, lines=2)
    ]
    frame = card_frame(options=options, default_width=width, title=title, body=len(wrapped) * 19)
    return ActivityDrawing(
        frame=frame,
        mode="notice",
        desc=" ".join(lines),
        lines=[(fmt(frame.body_top + i * 19 + 13), text) for i, text in enumerate(wrapped)],
    )
