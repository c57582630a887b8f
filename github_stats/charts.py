"""Server-rendered SVG charts: a line chart with axes, a sparkline and a language bar with legend.

Pure functions from plain data to markup. Every string that can come from GitHub (language names,
series labels, titles built from logins) goes through `format_html`/`escape`, so a `<script>` in a
name renders as text inside the SVG too. Colours are CSS classes (light/dark tokens in app.css)
except language colours, which are GitHub's own and set with the SVG `fill` presentation
attribute — allowed under our CSP, unlike `style=""`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from github_stats.formatting import compact_number

# GitHub's linguist colours for the languages people meet most; others get a palette slot.
LANGUAGE_COLORS: dict[str, str] = {
    "C": "#555555",
    "C#": "#178600",
    "C++": "#f34b7d",
    "CSS": "#563d7c",
    "Clojure": "#db5855",
    "CoffeeScript": "#244776",
    "Dart": "#00B4AB",
    "Dockerfile": "#384d54",
    "Elixir": "#6e4a7e",
    "Elm": "#60B5CC",
    "Erlang": "#B83998",
    "Go": "#00ADD8",
    "HCL": "#844FBA",
    "HTML": "#e34c26",
    "Haskell": "#5e5086",
    "Java": "#b07219",
    "JavaScript": "#f1e05a",
    "Jupyter Notebook": "#DA5B0B",
    "Kotlin": "#A97BFF",
    "Lua": "#000080",
    "Makefile": "#427819",
    "Nix": "#7e7eff",
    "OCaml": "#ef7a08",
    "Objective-C": "#438eff",
    "PHP": "#4F5D95",
    "Perl": "#0298c3",
    "PowerShell": "#012456",
    "Python": "#3572A5",
    "R": "#198CE7",
    "Ruby": "#701516",
    "Rust": "#dea584",
    "SCSS": "#c6538c",
    "Scala": "#c22d40",
    "Shell": "#89e051",
    "Swift": "#F05138",
    "TeX": "#3D6117",
    "TypeScript": "#3178c6",
    "Vim Script": "#199f4b",
    "Vue": "#41b883",
    "Zig": "#ec915c",
}
OTHER_LABEL = "Other"
PALETTE_SIZE = 8


@dataclass(frozen=True)
class ChartSeries:
    """One line: a label and (day, value) points in date order."""

    label: str
    points: Sequence[tuple[date, int]]


@dataclass(frozen=True)
class Slice:
    """One language (or "Other") with its value (bytes or repositories) and share of the total."""

    name: str
    value: int
    share: float


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


def _date_label(day: date, span_days: int) -> str:
    if span_days > 180:
        return f"{day:%b} {day:%Y}" if day.month == 1 else f"{day:%b}"
    return f"{day:%b} {day.day}"


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _series_summary(series: ChartSeries) -> str:
    if not series.points:
        return f"{series.label}: no data."
    (first_day, first), (last_day, last) = series.points[0], series.points[-1]
    if first_day == last_day:
        return f"{series.label}: {last:,} on {last_day:%b %d, %Y}."
    return (
        f"{series.label}: {first:,} on {first_day:%b %d, %Y}, "
        f"{last:,} on {last_day:%b %d, %Y} ({last - first:+,})."
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[ChartSeries],
    width: int = 360,
    height: int = 180,
    empty_message: str = "No history yet: a point is added every day the account is refreshed.",
) -> SafeString:
    """A line chart with a y axis on round numbers, date ticks and an area under a single line.
    `chart_id` must be unique on the page (it names the <title>/<desc> for aria-labelledby)."""
    chart_id = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
    margin_left, margin_right, margin_top, margin_bottom = 44, 14, 12, 26
    plot_w = width - margin_left - margin_right
    plot_h = height - margin_top - margin_bottom
    desc = " ".join(_series_summary(s) for s in series) or empty_message
    head = format_html(
        '<svg class="chart chart-line" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
    )
    points = [p for s in series for p in s.points]
    if not points:
        body = format_html(
            '<rect class="chart-frame" x="0.5" y="0.5" width="{}" height="{}" rx="6"/>'
            '<text class="chart-empty" x="{}" y="{}" text-anchor="middle">{}</text>',
            width - 1,
            height - 1,
            width / 2,
            height / 2,
            "No data yet",
        )
        return mark_safe(head + body + "</svg>")  # noqa: S308 - parts built by format_html

    days = [d for d, _ in points]
    first_day, last_day = min(days), max(days)
    span_days = max(1, (last_day - first_day).days)
    low, high, step = nice_domain(min(v for _, v in points), max(v for _, v in points))

    def x_of(day: date) -> float:
        if first_day == last_day:
            return margin_left + plot_w / 2
        return margin_left + plot_w * (day - first_day).days / span_days

    def y_of(value: float) -> float:
        return margin_top + plot_h * (1 - (value - low) / (high - low))

    parts: list[str] = []
    # Y grid and labels on round numbers.
    tick = low
    while tick <= high:
        y = y_of(tick)
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end" '
                'dominant-baseline="middle">{}</text>',
                margin_left,
                width - margin_right,
                _fmt(y),
                _fmt(y),
                margin_left - 6,
                _fmt(y),
                compact_number(tick),
            )
        )
        tick += step
    # X ticks: the first and last day and up to three evenly spaced days between.
    tick_count = min(5, span_days + 1) if first_day != last_day else 1
    tick_days = (
        [first_day]
        if tick_count == 1
        else [
            date.fromordinal(first_day.toordinal() + round(i * span_days / (tick_count - 1)))
            for i in range(tick_count)
        ]
    )
    for index, day in enumerate(tick_days):
        anchor = "start" if index == 0 and tick_count > 1 else "middle"
        if index == len(tick_days) - 1 and tick_count > 1:
            anchor = "end"
        css = "chart-axis" if index in (0, len(tick_days) - 1) else "chart-axis chart-tick-minor"
        parts.append(
            format_html(
                '<text class="{}" x="{}" y="{}" text-anchor="{}">{}</text>',
                css,
                _fmt(x_of(day)),
                height - 8,
                anchor,
                _date_label(day, span_days),
            )
        )
    parts.append(
        format_html(
            '<line class="chart-baseline" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            margin_left,
            width - margin_right,
            _fmt(margin_top + plot_h),
            _fmt(margin_top + plot_h),
        )
    )
    for index, one in enumerate(series):
        if not one.points:
            continue
        slot = index % PALETTE_SIZE + 1
        coords = [(x_of(d), y_of(v)) for d, v in one.points]
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{_fmt(x)},{_fmt(y)}" for i, (x, y) in enumerate(coords)
        )
        if len(series) == 1 and len(coords) > 1:
            base = _fmt(margin_top + plot_h)
            area = f"{path} L{_fmt(coords[-1][0])},{base} L{_fmt(coords[0][0])},{base} Z"
            parts.append(format_html('<path class="chart-area chart-fill-{}" d="{}"/>', slot, area))
        parts.append(format_html('<path class="chart-path chart-stroke-{}" d="{}"/>', slot, path))
        last_day_of_series, last_value = one.points[-1]
        parts.append(
            format_html(
                '<circle class="chart-dot chart-fill-{}" cx="{}" cy="{}" r="3.5">'
                "<title>{}: {} on {}</title></circle>",
                slot,
                _fmt(coords[-1][0]),
                _fmt(coords[-1][1]),
                one.label,
                f"{last_value:,}",
                f"{last_day_of_series:%b %d, %Y}",
            )
        )
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308 - parts built by format_html


def sparkline(
    values: Sequence[int], *, label: str, width: int = 120, height: int = 32
) -> SafeString:
    """A tiny trend line, coloured by direction; `label` is read by screen readers."""
    if len(values) < 2:
        return format_html(
            '<svg class="sparkline sparkline-flat" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'role="img" aria-label="{label}"><line x1="2" x2="{x2}" y1="{y}" y2="{y}"/></svg>',
            w=width,
            h=height,
            label=label,
            x2=width - 2,
            y=height / 2,
        )
    low, high = min(values), max(values)
    pad = 3
    if high == low:
        # A flat line sits in the middle, not on the floor.
        low, high = low - 1, high + 1
    span = high - low
    step = (width - 2 * pad) / (len(values) - 1)
    coords = " ".join(
        f"{_fmt(pad + i * step)},{_fmt(height - pad - (v - low) / span * (height - 2 * pad))}"
        for i, v in enumerate(values)
    )
    trend = "up" if values[-1] > values[0] else "down" if values[-1] < values[0] else "flat"
    return format_html(
        '<svg class="sparkline sparkline-{trend}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-label="{label}"><polyline points="{coords}"/></svg>',
        trend=trend,
        w=width,
        h=height,
        label=label,
        coords=coords,
    )


def language_color(name: str, index: int) -> str | None:
    """GitHub's colour for a known language; None means "use palette slot `index`"."""
    if name == OTHER_LABEL:
        return None
    return LANGUAGE_COLORS.get(name)


def _swatch_attrs(slice_: Slice, index: int) -> SafeString:
    color = language_color(slice_.name, index)
    if slice_.name == OTHER_LABEL:
        return mark_safe('class="lang-other"')
    if color:
        return format_html('fill="{}"', color)
    return format_html('class="chart-fill-{}"', index % PALETTE_SIZE + 1)


def language_chart(
    *, chart_id: str, title: str, slices: Sequence[Slice], unit: str, width: int = 360
) -> SafeString:
    """A stacked bar of language shares with a legend beneath (name, value, percentage).
    `unit` is "bytes" or "repos" and decides how the legend prints values."""
    chart_id = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in chart_id)
    if not slices:
        return format_html(
            '<figure class="lang-chart" id="{}"><figcaption class="lang-title">{}</figcaption>'
            '<p class="muted">No languages detected yet.</p></figure>',
            chart_id,
            title,
        )
    height = 12
    desc = ", ".join(f"{s.name} {s.share:.1%}" for s in slices)
    rects: list[str] = []
    x = 0.0
    for index, one in enumerate(slices):
        w = width * one.share
        if w <= 0:
            continue
        rects.append(
            format_html(
                '<rect {} x="{}" y="0" width="{}" height="{}"><title>{} {}</title></rect>',
                _swatch_attrs(one, index),
                _fmt(x),
                _fmt(max(w, 0.5)),
                height,
                one.name,
                f"{one.share:.1%}",
            )
        )
        x += w
    svg = format_html(
        '<svg class="lang-bar" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'preserveAspectRatio="none" role="img" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{rects}</svg>",
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=desc,
        rects=mark_safe("".join(rects)),  # noqa: S308 - each built by format_html
    )
    legend = format_html_join(
        "",
        '<li><svg class="swatch" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">'
        '<circle {} cx="5" cy="5" r="5"/></svg><span class="lang-name">{}</span>'
        '<span class="lang-value">{}</span><span class="lang-share">{}</span></li>',
        (
            (
                _swatch_attrs(one, index),
                one.name,
                _legend_value(one.value, unit),
                f"{one.share:.1%}",
            )
            for index, one in enumerate(slices)
        ),
    )
    return format_html(
        '<figure class="lang-chart" id="{}"><figcaption class="lang-title">{}</figcaption>{}'
        '<ul class="lang-legend">{}</ul></figure>',
        chart_id,
        title,
        svg,
        legend,
    )


def _legend_value(value: int, unit: str) -> str:
    if unit == "bytes":
        return human_bytes(value)
    return f"{compact_number(value)} {'repo' if value == 1 else 'repos'}"


def human_bytes(value: int) -> str:
    """1536 → "1.5 KB" (binary multiples, as GitHub's language bar)."""
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"  # pragma: no cover


__all__ = [
    "OTHER_LABEL",
    "ChartSeries",
    "Slice",
    "human_bytes",
    "language_chart",
    "line_chart",
    "nice_domain",
    "sparkline",
]
