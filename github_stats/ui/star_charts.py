"""The geometry of a repository's star-history chart: its stars gained per bucket (bars) and its
cumulative stars (a line) on one date axis, its biggest buckets marked. The compare page's lines
are in ui/star_compare_charts.py.

Pure functions from plain data to plain data, like ui/charts.py (whose scales and ticks they
reuse): every coordinate is a formatted string, every text is plain text that the drawing
(templates/github_stats/includes/star_chart.svg, autoescaped) escapes. Colours are CSS classes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from github_stats.ui.charts import (
    Tick,
    nice_domain,
    value_scale,
)
from github_stats.ui.formatting import compact_number
from github_stats.ui.line_paths import area_path, bar_path, line_path
from github_stats.ui.line_paths import coordinate as fmt

BIGGEST = 3
# A cumulative line that grows this many times within the range reads better on a log axis:
# on a linear one its first years lie flat on the floor. Only for big repositories: a line
# from 1 to 60 stars is read fine as counts.
LOG_SPREAD = 50
LOG_MIN_TOTAL = 1_000


class Bucket(Protocol):
    """A StarPoint (selectors/star_history.py): ui/ may not import the selectors."""

    @property
    def date(self) -> date: ...
    @property
    def gained(self) -> int: ...
    @property
    def total(self) -> int: ...


@dataclass(frozen=True)
class BucketMark:
    """One bucket drawn: its point on the line (its bar is in StarChart.bars), with the exact
    numbers in `title` (the drawing's <title>, shown on hover)."""

    point_x: str
    point_y: str
    hit_x: str  # the bucket's whole column, for hovering a bucket with nothing gained
    hit_width: str
    title: str


@dataclass(frozen=True)
class Hover:
    """A column that shows exact numbers on hover (<title>): one bucket's, or on a long chart
    one month's with each of its weeks."""

    x: str
    width: str
    title: str


# Past this many weekly buckets a hover column is a month (its weeks listed in its title): ten
# years are 520 weeks but 120 months, and every column is markup each page view carries.
HOVER_MONTHS_AFTER = 156


@dataclass(frozen=True)
class Biggest:
    """One of the biggest buckets: its rank (1 is the biggest), its words, its marker."""

    rank: int
    day: date
    label: str  # "Week of Mar 3, 2019"
    gained: int
    gained_text: str  # "+1,234"
    x: str
    y: str


@dataclass(frozen=True)
class StarChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    right: int
    top: int
    plot_height: str
    baseline: str
    y_ticks: list[Tick]  # the cumulative line's axis, on the left
    bar_ticks: list[Tick]  # stars gained per bucket, on the right
    x_ticks: list[Tick]
    buckets: list[BucketMark]
    # Every bar in one path (ui/line_paths.bar_path): ten years are 520 bars, and a page
    # carries them all.
    bars: str
    hovers: list[Hover]
    line: str
    area: str
    biggest: list[Biggest]
    log: bool
    interval: str
    note: str  # why the chart looks as it does, when it needs saying ("" otherwise)

    @property
    def empty(self) -> bool:
        return not self.buckets


def bucket_label(day: date, interval: str) -> str:
    if interval == "week":
        return f"Week of {day:%b} {day.day}, {day:%Y}"
    if interval == "month":
        return f"{day:%B %Y}"
    return f"{day:%b} {day.day}, {day:%Y}"


def biggest_buckets(points: Sequence[Bucket], *, count: int = BIGGEST) -> list[Bucket]:
    """The buckets that gained the most stars, most first (the earlier of a tie first)."""
    gained = [point for point in points if point.gained > 0]
    return sorted(gained, key=lambda point: (-point.gained, point.date))[:count]


def wants_log(points: Sequence[Bucket]) -> bool:
    """The "auto" scale: log when the cumulative line spans LOG_SPREAD times or more and ends
    at LOG_MIN_TOTAL stars or more."""
    if len(points) < 2:
        return False
    low, high = max(points[0].total, 1), points[-1].total
    return high >= LOG_MIN_TOTAL and high >= LOG_SPREAD * low


def star_chart(
    *,
    chart_id: str,
    title: str,
    points: Sequence[Bucket],
    interval: str,
    log: bool = False,
    width: int = 720,
    height: int = 300,
) -> StarChart:
    """Bars of the stars gained per bucket (in the lower part of the plot, their own axis on
    the right) under the cumulative line (the axis on the left, linear or log), one date axis,
    the BIGGEST buckets marked with their rank."""
    left, right_margin, top, bottom = 52, 44, 20, 26
    plot_w, plot_h = width - left - right_margin, height - top - bottom
    base = top + plot_h
    empty = StarChart(
        id=safe_id(chart_id),
        title=title,
        desc=_desc(points, interval),
        width=width,
        height=height,
        left=left,
        right=width - right_margin,
        top=top,
        plot_height=fmt(plot_h),
        baseline=fmt(base),
        y_ticks=[],
        bar_ticks=[],
        x_ticks=[],
        buckets=[],
        bars="",
        hovers=[],
        line="",
        area="",
        biggest=[],
        log=log,
        interval=interval,
        note=_note(points, interval),
    )
    if not points:
        return empty
    first, last = points[0].date, points[-1].date
    span = (last - first).days
    # Half a bucket of room at each end, so the first and last bars are whole.
    band = plot_w / len(points)

    def x_of(day: date) -> float:
        if span == 0:
            return left + plot_w / 2
        return left + band / 2 + (plot_w - band) * (day - first).days / span

    y_of, y_ticks = line_scale([p.total for p in points], log=log, top=top, plot_h=plot_h)
    _, bar_ceiling, bar_step = nice_domain(0, max(max(p.gained for p in points), 1), 2)
    bar_room = plot_h * 0.4  # bars stay under most of the line

    def bar_height(gained: int) -> float:
        return bar_room * gained / bar_ceiling

    bar_width = min(max(band * 0.8, 0.6), 24)
    buckets, bars, line_points = [], [], []
    for point in points:
        x, y = x_of(point.date), y_of(point.total)
        bars.append((x - bar_width / 2, bar_height(point.gained)))
        line_points.append((x, y))
        buckets.append(
            BucketMark(
                point_x=fmt(x),
                point_y=fmt(y),
                hit_x=fmt(x - band / 2),
                hit_width=fmt(band),
                title=_bucket_title(point, interval),
            )
        )
    # A lone bucket is its dot (the template's); several have the area under their line.
    area = area_path(line_points, base=fmt(base)) if len(line_points) > 1 else ""
    biggest = [
        Biggest(
            rank=rank,
            day=point.date,
            label=bucket_label(point.date, interval),
            gained=point.gained,
            gained_text=f"{point.gained:+,}",
            x=fmt(x_of(point.date)),
            y=fmt(max(base - bar_height(point.gained) - 9, top - 10)),
        )
        for rank, point in enumerate(biggest_buckets(points), start=1)
    ]
    bar_ticks = [
        Tick(x=str(empty.right + 6), y=fmt(base - bar_height(value)),
             label=compact_number(value), anchor="start")
        for value in range(0, bar_ceiling + 1, bar_step)
    ]  # fmt: skip
    return replace(
        empty,
        y_ticks=y_ticks,
        bar_ticks=bar_ticks,
        x_ticks=date_ticks(first, last, x_of, y=height - 8),
        buckets=buckets,
        bars=bar_path(bars, width=bar_width, base=base),
        hovers=_hovers(points, buckets, interval),
        line=line_path(line_points),
        area=area,
        biggest=biggest,
    )


def line_scale(
    totals: list[int], *, log: bool, top: int, plot_h: float
) -> tuple[Callable[[float], float], list[Tick]]:
    low, high, values, scaled = value_scale(totals, log=log)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (scaled(value) - low) / (high - low))

    ticks = [
        Tick(x="46", y=fmt(y_of(value)), label=compact_number(value), anchor="end")
        for value in values
    ]
    return y_of, ticks


def date_ticks(first: date, last: date, x_of: Callable[[date], float], *, y: int) -> list[Tick]:
    """Years for a long life, months for a year or so, days for a few weeks."""
    span = (last - first).days
    if span > 3 * 365:
        years = range(first.year + 1, last.year + 1)
        step = max(1, math.ceil(len(years) / 7))
        days = [date(year, 1, 1) for year in years if (year - first.year) % step == 0]
        return [Tick(x=fmt(x_of(day)), y=str(y), label=str(day.year)) for day in days]
    if span > 120:
        months = []
        cursor = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        while cursor <= last:
            months.append(cursor)
            cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        step = max(1, math.ceil(len(months) / 6))
        shown = months[::step]
        return [
            Tick(x=fmt(x_of(day)), y=str(y), label=f"{day:%b %Y}" if day.month == 1 or
                 index == 0 else f"{day:%b}", minor=index % 2 == 1)
            for index, day in enumerate(shown)
        ]  # fmt: skip
    count = min(5, span + 1)
    if count <= 1:
        return [Tick(x=fmt(x_of(first)), y=str(y), label=f"{first:%b} {first.day}")]
    days = [
        date.fromordinal(first.toordinal() + round(i * span / (count - 1))) for i in range(count)
    ]
    return [
        Tick(
            x=fmt(x_of(day)),
            y=str(y),
            label=f"{day:%b} {day.day}",
            anchor="start" if index == 0 else "end" if index == count - 1 else "middle",
            minor=index not in (0, count - 1),
        )
        for index, day in enumerate(days)
    ]


def _hovers(points: Sequence[Bucket], buckets: list[BucketMark], interval: str) -> list[Hover]:
    """A hover column per bucket; per month on a long weekly chart, titled with its weeks."""
    if interval != "week" or len(points) <= HOVER_MONTHS_AFTER:
        return [Hover(b.hit_x, b.hit_width, b.title) for b in buckets]
    hovers: list[Hover] = []
    start = 0
    while start < len(points):
        month = (points[start].date.year, points[start].date.month)
        end = start
        while (
            end + 1 < len(points)
            and (points[end + 1].date.year, points[end + 1].date.month) == month
        ):
            end += 1
        first, last = buckets[start], buckets[end]
        x = float(first.hit_x)
        width = float(last.hit_x) + float(last.hit_width) - x
        # "weeks of Mar 3 +12, Mar 10 +4": the month and year are the title's own (repeated in
        # each week they were 0.7 KB of the ten-year page's 11.9 KB gzipped).
        weeks = ", ".join(
            f"{p.date:%b} {p.date.day} {p.gained:+,}" for p in points[start : end + 1]
        )
        gained = sum(p.gained for p in points[start : end + 1])
        title = (
            f"{points[start].date:%B %Y}: {gained:+,} stars, {points[end].total:,} in all"
            f" (weeks of {weeks})"
        )
        hovers.append(Hover(fmt(x), fmt(width), title))
        start = end + 1
    return hovers


def _bucket_title(point: Bucket, interval: str) -> str:
    stars = "star" if point.gained == 1 else "stars"
    return (
        f"{bucket_label(point.date, interval)}: {point.gained:+,} {stars}, {point.total:,} in all"
    )


def _desc(points: Sequence[Bucket], interval: str) -> str:
    if not points:
        return "No star history to show."
    first, last = points[0], points[-1]
    text = (
        f"{last.total:,} stars attributed by {bucket_label(last.date, 'day')}"
        f" ({last.total - first.total + first.gained:+,} since {bucket_label(first.date, 'day')})."
    )
    biggest = biggest_buckets(points)
    if biggest:
        named = "; ".join(
            f"{bucket_label(point.date, interval)}: {point.gained:+,}" for point in biggest
        )
        text += f" Biggest {interval}s: {named}."
    return text


def _note(points: Sequence[Bucket], interval: str) -> str:
    if len(points) == 1:
        point = points[0]
        return (
            f"One {interval} so far: every star attributed to a day came in "
            f"{bucket_label(point.date, interval)}, so the line is a single point."
        )
    if points and not any(point.gained for point in points):
        return (
            f"No stars gained in this range: the line is the {points[-1].total:,} stars "
            "given before it."
        )
    return ""


def safe_id(chart_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
