"""The geometry of the SVG charts: a line chart with axes, a sparkline, a language bar.

Pure functions from plain data to plain data (coordinates already formatted); ui/svg.py draws
the markup and escapes every string, so a `<script>` in a language name or a login renders as
text inside the SVG too. Colours are CSS classes
(light/dark tokens in app.css) except language colours, which are GitHub's own and set with the
SVG `fill` presentation attribute, allowed under our CSP, unlike `style=""`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from github_stats.ui.contrast import outline_classes
from github_stats.ui.formatting import compact_number
from github_stats.ui.languages import LANGUAGE_COLORS, OTHER_LABEL, LanguageShare
from github_stats.ui.line_paths import area_path, line_pieces, piece_path
from github_stats.ui.line_paths import coordinate as _fmt

PALETTE_SIZE = 8
EMPTY_HISTORY = "No history yet: a point is added every day the account is refreshed."
# A chart whose every line is one day long is a lone dot: it says why, on the chart itself.
ONE_DAY_SO_FAR = "One day so far: a point is added every day the account is refreshed."


@dataclass(frozen=True)
class Series:
    """One line: a label and (day, value) points in date order. The line breaks wherever one
    of the `missing` days (sorted) lies between two points, rather than bridging a day with no
    figures as if it had them."""

    label: str
    points: Sequence[tuple[date, int]]
    missing: Sequence[date] = ()


@dataclass(frozen=True)
class Tick:
    x: str
    y: str
    label: str
    anchor: str = "middle"
    minor: bool = False


@dataclass(frozen=True)
class Line:
    slot: int  # palette slot, 1-based: the chart-stroke-N / chart-fill-N classes
    path: str
    area: str  # "" unless the chart has this one line
    dot_x: str
    dot_y: str
    dot_title: str  # the last point, in words


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    right: int
    baseline: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    lines: list[Line]
    # Shown on the chart (and read in its desc) when it is empty or a lone dot: why it is.
    note: str = ""

    @property
    def empty(self) -> bool:
        return not self.lines

    @property
    def note_lines(self) -> tuple[str, str]:
        """The note in two lines that fit the chart's width: what, then why."""
        head, _, why = self.note.partition(": ")
        return (f"{head}:" if why else head), (why[:1].upper() + why[1:] if why else "")


@dataclass(frozen=True)
class Sparkline:
    label: str
    width: int
    height: int
    points: str  # polyline points; "" draws a flat line across the middle
    trend: str  # up | down | flat


@dataclass(frozen=True)
class Swatch:
    """How a language is coloured: GitHub's colour as a fill (with the outline classes it needs
    for contrast, ui/contrast.py), else a palette or "other" class."""

    fill: str = ""
    css_class: str = ""


@dataclass(frozen=True)
class LanguageBar:
    id: str
    title: str
    unit: str  # "bytes" | "repos"
    width: int
    height: int
    desc: str
    rows: list[tuple[LanguageShare, Swatch, str, str]]  # share, swatch, rect x, rect width


def nice_step(span: float, target_ticks: int = 4) -> float:
    """A round tick step (1, 2, 2.5, 5 times 10**k) for about `target_ticks` intervals."""
    if span <= 0:
        return 1.0
    raw = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            return max(step, 1.0)
    return 10 * magnitude  # pragma: no cover - the loop always returns


def nice_domain(low: int, high: int, target_ticks: int = 4) -> tuple[int, int, int]:
    """(floor, ceiling, step) around [low, high] on round numbers. A flat series still gets an
    axis: a span of at least one step, and never below zero for counts."""
    if high == low:
        pad = max(1, abs(high) // 10)
        low, high = max(0, low - pad), high + pad
    step = int(nice_step(high - low, target_ticks))
    floor = (low // step) * step
    ceiling = -(-high // step) * step
    return max(0, floor) if low >= 0 else floor, ceiling, step


def log_domain(low: int, high: int) -> tuple[int, int]:
    """The powers of ten around [low, high] (counts below 1 as 1), at least one apart."""
    floor_power = math.floor(math.log10(max(low, 1)))
    ceiling_power = math.ceil(math.log10(max(high, 1)))
    return floor_power, max(ceiling_power, floor_power + 1)


def wide_spread(series: Sequence[Series], *, ratio: float = 50) -> bool:
    """True when the lines' last values differ by `ratio` times or more (the smallest counted as
    at least 1): on a linear axis the small ones would lie flat on the floor."""
    last = [one.points[-1][1] for one in series if one.points]
    return len(last) >= 2 and max(last) >= ratio * max(min(last), 1)


def value_scale(
    values: Sequence[int], *, log: bool
) -> tuple[float, float, list[int], Callable[[float], float]]:
    """A y axis for `values`: its low and high end (in scaled units), the values of its ticks
    and the scaling. Linear on round numbers; `log` on powers of ten (a count below 1 sits on
    the floor)."""
    if log:
        floor_power, ceiling_power = log_domain(min(values), max(values))
        ticks = [10**power for power in range(floor_power, ceiling_power + 1)]
        return float(floor_power), float(ceiling_power), ticks, _log_scaled
    low, high, step = nice_domain(min(values), max(values))
    return float(low), float(high), list(range(low, high + 1, step)), _linear_scaled


def _log_scaled(value: float) -> float:
    return math.log10(max(value, 1))


def _linear_scaled(value: float) -> float:
    return value


def line_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[Series],
    width: int = 360,
    height: int = 180,
    log: bool = False,
    empty_note: str = EMPTY_HISTORY,
    one_point_note: str = ONE_DAY_SO_FAR,
) -> LineChart:
    """A line chart with a y axis on round numbers, date ticks and an area under a single line.
    `chart_id` must be unique on the page (it names the <title>/<desc> for aria-labelledby).
    `log`: a logarithmic y axis on powers of ten, so 49 and 30,000 both show their shape; a
    count below 1 sits on the floor (1). A chart without points says `empty_note`, one whose
    lines are all a single day (a lone dot) says `one_point_note`: "What: why"."""
    left, right_margin, top, bottom = 44, 14, 12, 26
    plot_w, plot_h = width - left - right_margin, height - top - bottom
    points = [p for s in series for p in s.points]
    one_day = bool(points) and len({d for d, _ in points}) == 1
    note = empty_note if not points else one_point_note if one_day else ""
    summary = " ".join(_series_summary(s) for s in series) if points else ""
    chart = LineChart(
        id=_safe_id(chart_id),
        title=title,
        desc=" ".join(part for part in (summary, note) if part),
        width=width,
        height=height,
        left=left,
        right=width - right_margin,
        baseline=_fmt(top + plot_h),
        y_ticks=[],
        x_ticks=[],
        lines=[],
        note=note,
    )
    if not points:
        return chart
    first_day, last_day = min(d for d, _ in points), max(d for d, _ in points)
    span_days = max(1, (last_day - first_day).days)
    low, high, tick_values, scaled = value_scale([v for _, v in points], log=log)

    def x_of(day: date) -> float:
        if first_day == last_day:
            return left + plot_w / 2
        return left + plot_w * (day - first_day).days / span_days

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (scaled(value) - low) / (high - low))

    chart.y_ticks.extend(
        Tick(x=str(left - 6), y=_fmt(y_of(value)), label=compact_number(value), anchor="end")
        for value in tick_values
    )
    chart.x_ticks.extend(_x_ticks(first_day, last_day, x_of, y=height - 8))
    chart.lines.extend(_lines(series, x_of, y_of, base=_fmt(top + plot_h)))
    return chart


def _x_ticks(
    first_day: date, last_day: date, x_of: Callable[[date], float], *, y: int
) -> list[Tick]:
    """The first and last day and up to three evenly spaced days between."""
    span_days = max(1, (last_day - first_day).days)
    count = min(5, span_days + 1) if first_day != last_day else 1
    days = [first_day] if count == 1 else [
        date.fromordinal(first_day.toordinal() + round(i * span_days / (count - 1)))
        for i in range(count)
    ]  # fmt: skip
    ticks = []
    for index, day in enumerate(days):
        ends = index in (0, len(days) - 1)
        anchor = "middle" if count == 1 or not ends else ("start" if index == 0 else "end")
        ticks.append(
            Tick(
                x=_fmt(x_of(day)),
                y=str(y),
                label=_date_label(day, span_days),
                anchor=anchor,
                minor=not ends,
            )
        )
    return ticks


def _lines(
    series: Sequence[Series],
    x_of: Callable[[date], float],
    y_of: Callable[[float], float],
    *,
    base: str,
) -> list[Line]:
    """Each series as a path (with the area under it when it is alone) and its last point; a
    path of several pieces where the series has missing days."""
    lines = []
    for index, one in enumerate(series):
        if not one.points:
            continue
        pieces = [
            [(x_of(d), y_of(v)) for d, v in piece] for piece in line_pieces(one.points, one.missing)
        ]
        path = "".join(piece_path(piece) for piece in pieces)
        area = ""
        if len(series) == 1 and len(one.points) > 1:
            area = "".join(area_path(piece, base=base) for piece in pieces if len(piece) > 1)
        coords = pieces[-1]
        last_day_of_series, last_value = one.points[-1]
        lines.append(
            Line(
                slot=index % PALETTE_SIZE + 1,
                path=path,
                area=area,
                dot_x=_fmt(coords[-1][0]),
                dot_y=_fmt(coords[-1][1]),
                dot_title=f"{one.label}: {last_value:,} on {last_day_of_series:%b %d, %Y}",
            )
        )
    return lines


def sparkline(
    values: Sequence[int], *, label: str, width: int = 120, height: int = 32
) -> Sparkline:
    """A tiny trend line, coloured by direction; `label` is read by screen readers."""
    if len(values) < 2:
        return Sparkline(label=label, width=width, height=height, points="", trend="flat")
    low, high = min(values), max(values)
    pad = 3
    if high == low:
        # A flat line sits in the middle, not on the floor.
        low, high = low - 1, high + 1
    span = high - low
    step = (width - 2 * pad) / (len(values) - 1)
    points = " ".join(
        f"{_fmt(pad + i * step)},{_fmt(height - pad - (v - low) / span * (height - 2 * pad))}"
        for i, v in enumerate(values)
    )
    trend = "up" if values[-1] > values[0] else "down" if values[-1] < values[0] else "flat"
    return Sparkline(label=label, width=width, height=height, points=points, trend=trend)


def language_bar(
    *, chart_id: str, title: str, slices: Sequence[LanguageShare], unit: str, width: int = 360
) -> LanguageBar:
    """A stacked bar of language shares with a legend beneath (name, value, percentage)."""
    rows = []
    x = 0.0
    for index, one in enumerate(slices):
        w = width * one.share
        rows.append((one, language_swatch(one.name, index), _fmt(x), _fmt(max(w, 0.5))))
        x += w
    return LanguageBar(
        id=_safe_id(chart_id),
        title=title,
        unit=unit,
        width=width,
        height=12,
        desc=", ".join(f"{s.name} {s.share:.1%}" for s in slices),
        rows=rows,
    )


def language_swatch(name: str, index: int) -> Swatch:
    if name == OTHER_LABEL:
        return Swatch(css_class="lang-other")
    color = LANGUAGE_COLORS.get(name)
    if color:
        # GitHub's colour may be too faint on one theme's background: outlined there.
        return Swatch(fill=color, css_class=outline_classes(color=color))
    return Swatch(css_class=f"chart-fill-{index % PALETTE_SIZE + 1}")


def _safe_id(chart_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)


def _date_label(day: date, span_days: int) -> str:
    if span_days > 180:
        return f"{day:%b} {day:%Y}" if day.month == 1 else f"{day:%b}"
    return f"{day:%b} {day.day}"


def _series_summary(series: Series) -> str:
    if not series.points:
        return f"{series.label}: no data."
    (first_day, first), (last_day, last) = series.points[0], series.points[-1]
    if first_day == last_day:
        return f"{series.label}: {last:,} on {last_day:%b %d, %Y}."
    return (
        f"{series.label}: {first:,} on {first_day:%b %d, %Y}, "
        f"{last:,} on {last_day:%b %d, %Y} ({last - first:+,})."
    )
