"""The geometry of the dashboard's activity graphics: a year's contribution heatmap (GitHub's
layout: a column a week, Sunday to Saturday from top to bottom, five shades) and the small bar
charts of an organisation's activity panel.

Pure functions from plain data to plain data, like ui/charts.py: every coordinate is a
formatted string, every text is plain text that the drawing (ui/svg.py `heatmap_svg`,
`bars_svg`) escapes. Shades are CSS
classes (`heat-0` … `heat-4`), so light and dark follow the tokens and no inline style is
needed (the CSP forbids style="").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

CELL = 11
STEP = 13  # a cell and its gap
LEFT = 30  # room for the weekday labels
TOP = 16  # room for the month labels
WEEKDAY_LABELS = ((1, "Mon"), (3, "Wed"), (5, "Fri"))  # rows, Sunday is row 0 as on GitHub
BAR_WIDTH = 240
BAR_HEIGHT = 64
BAR_TOP = 4
BAR_BOTTOM = 14  # room for the first and last labels under the bars


class Day(Protocol):
    """A CalendarDay (selectors/activity.py): ui/ may not import the selectors."""

    @property
    def date(self) -> date: ...
    @property
    def count(self) -> int: ...
    @property
    def level(self) -> int: ...


@dataclass(frozen=True)
class Cell:
    x: str
    y: str
    level: int
    title: str  # "3 contributions on Tue, Mar 4, 2025": the cell's <title>, its exact count


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    text: str


@dataclass(frozen=True)
class MonthTotal:
    month: str  # "March 2025"
    count: int


@dataclass(frozen=True)
class Heatmap:
    id: str
    title: str
    width: int
    height: int
    cell: int
    cells: list[Cell]
    months: list[Label]
    weekdays: list[Label]
    month_totals: list[MonthTotal]  # the text equivalent (a visually hidden table)


def day_title(*, day: date, count: int) -> str:
    # By table, not strftime: 371 titles a heatmap, and three strftime calls each were most of
    # the panel's drawing (7.4 µs a title against 0.8, timeit). English whatever the locale.
    noun = "contribution" if count == 1 else "contributions"
    weekday, month = _WEEKDAYS[day.weekday()], _MONTHS[day.month - 1]
    return f"{count:,} {noun} on {weekday}, {month} {day.day}, {day.year}"


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def week_column(*, day: date, year: int) -> int:
    """The week column of `day` in `year`'s heatmap: columns start on Sundays, the first one
    holds January 1st."""
    first = date(year, 1, 1)
    first_sunday = first - timedelta(days=(first.weekday() + 1) % 7)
    return (day - first_sunday).days // 7


def weekday_row(day: date) -> int:
    """Sunday 0 to Saturday 6, as GitHub's calendar."""
    return (day.weekday() + 1) % 7


def heatmap(*, year: int, days: Sequence[Day], title: str, chart_id: str = "heatmap") -> Heatmap:
    """The whole year's grid (53 columns, 54 when a leap year starts on a Saturday), a cell for
    each day given (the days up to today), the month labels over the column of each month's
    first day."""
    last_column = week_column(day=date(year, 12, 31), year=year)
    cells = [
        Cell(
            x=str(LEFT + week_column(day=day.date, year=year) * STEP),
            y=str(TOP + weekday_row(day.date) * STEP),
            level=max(0, min(4, day.level)),
            title=day_title(day=day.date, count=day.count),
        )
        for day in days
    ]
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        column = week_column(day=first, year=year)
        if first.weekday() != 6 and month > 1:
            column += 1  # the first full week of the month, as GitHub places its labels
        if column <= last_column - 1:
            months.append(Label(x=str(LEFT + column * STEP), y=str(TOP - 5), text=f"{first:%b}"))
    weekdays = [
        Label(x=str(LEFT - 6), y=str(TOP + row * STEP + CELL - 2), text=text)
        for row, text in WEEKDAY_LABELS
    ]
    totals: dict[int, int] = {}
    for day in days:
        totals[day.date.month] = totals.get(day.date.month, 0) + day.count
    month_totals = [
        MonthTotal(month=f"{date(year, month, 1):%B %Y}", count=count)
        for month, count in sorted(totals.items())
    ]
    return Heatmap(
        id=chart_id,
        title=title,
        width=LEFT + (last_column + 1) * STEP,
        height=TOP + 7 * STEP,
        cell=CELL,
        cells=cells,
        months=months,
        weekdays=weekdays,
        month_totals=month_totals,
    )


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    title: str  # "Mar 2025: 3 new repositories"


@dataclass(frozen=True)
class Bars:
    id: str
    title: str
    desc: str  # the text equivalent: the highest bar and the sum
    width: int
    height: int
    baseline: str
    bars: list[Bar]
    first_label: str
    last_label: str


def bar_chart(*, values: Sequence[tuple[str, int]], title: str, chart_id: str, unit: str) -> Bars:
    """One bar a value, scaled to the highest; `values` are (label, value), oldest first."""
    count = max(len(values), 1)
    slot = BAR_WIDTH / count
    plot = BAR_HEIGHT - BAR_TOP - BAR_BOTTOM
    highest = max((value for _, value in values), default=0)
    bars = []
    for index, (label, value) in enumerate(values):
        height = 0.0 if highest <= 0 else plot * max(value, 0) / highest
        bars.append(
            Bar(
                x=f"{index * slot + slot * 0.1:.1f}",
                y=f"{BAR_TOP + plot - height:.1f}",
                width=f"{slot * 0.8:.1f}",
                height=f"{height:.1f}",
                title=f"{label}: {value:,} {unit}",
            )
        )
    total = sum(value for _, value in values)
    if values and highest > 0:
        best = next(label for label, value in values if value == highest)
        desc = f"{total:,} {unit} in all; the most, {highest:,}, in {best}."
    else:
        desc = f"No {unit}."
    return Bars(
        id=chart_id,
        title=title,
        desc=desc,
        width=BAR_WIDTH,
        height=BAR_HEIGHT,
        baseline=f"{BAR_TOP + plot:.1f}",
        bars=bars,
        first_label=values[0][0] if values else "",
        last_label=values[-1][0] if values else "",
    )
