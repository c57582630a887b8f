"""The geometry of the repository compare page's chart: cumulative star lines of several
repositories on one axis, of dates or of days since each was created. Drawn by ui/svg.py like
every line chart (its LineChart); scales and date ticks are the star chart's (ui/star_charts.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from github_stats.ui.charts import PALETTE_SIZE, Line, LineChart, Tick, nice_step
from github_stats.ui.line_paths import line_path
from github_stats.ui.star_charts import bucket_label, date_ticks, fmt, line_scale, safe_id


@dataclass(frozen=True)
class AgeSeries:
    """One repository's cumulative stars by days since it was created, in day order."""

    label: str
    points: Sequence[tuple[int, int]]


def age_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[AgeSeries],
    log: bool = False,
    width: int = 720,
    height: int = 280,
) -> LineChart:
    """Lines on one axis of days since creation (drawn by ui/svg.py like every line chart)."""
    return _lines_chart(
        chart_id=chart_id,
        title=title,
        series=[(one.label, list(one.points)) for one in series],
        desc=" ".join(_age_summary(one) for one in series),
        ticks=lambda low, high, x_of, y: _age_ticks(max(high, 1), x_of, y=y),
        x_low=0,  # every line starts on its creation day
        dot_title=lambda label, day, value: (
            f"{label}: {value:,} stars {age_label(day)} after it was created"
        ),
        log=log,
        width=width,
        height=height,
    )


def dated_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[tuple[str, Sequence[tuple[date, int]]]],
    log: bool = False,
    width: int = 720,
    height: int = 280,
) -> LineChart:
    """Cumulative lines on one date axis, ticked in years over a long life (ui/charts.line_chart
    ticks months, which repeat over several years)."""
    summaries = [
        f"{label}: {points[-1][1]:,} stars by {bucket_label(points[-1][0], 'day')}."
        for label, points in series
        if points
    ]
    return _lines_chart(
        chart_id=chart_id,
        title=title,
        series=[(label, [(day.toordinal(), value) for day, value in points])
                for label, points in series],
        desc=" ".join(summaries),
        ticks=lambda low, high, x_of, y: date_ticks(
            date.fromordinal(low), date.fromordinal(high),
            lambda day: x_of(day.toordinal()), y=y,
        ),
        dot_title=lambda label, day, value: (
            f"{label}: {value:,} on {bucket_label(date.fromordinal(day), 'day')}"
        ),
        log=log,
        width=width,
        height=height,
    )  # fmt: skip


def _lines_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[tuple[str, list[tuple[int, int]]]],
    desc: str,
    ticks: Callable[[int, int, Callable[[int], float], int], list[Tick]],
    dot_title: Callable[[str, int, int], str],
    log: bool,
    width: int,
    height: int,
    x_low: int | None = None,
) -> LineChart:
    """Lines over a numeric x (days): the shared geometry of the two compare charts."""
    left, right_margin, top, bottom = 44, 14, 12, 26
    plot_w, plot_h = width - left - right_margin, height - top - bottom
    points = [p for _, line in series for p in line]
    chart = LineChart(
        id=safe_id(chart_id),
        title=title,
        desc=desc if points else "No star history.",
        width=width,
        height=height,
        left=left,
        right=width - right_margin,
        baseline=fmt(top + plot_h),
        y_ticks=[],
        x_ticks=[],
        lines=[],
    )
    if not points:
        return chart
    low = min(x for x, _ in points) if x_low is None else x_low
    high = max(x for x, _ in points)
    y_of, y_ticks = line_scale([value for _, value in points], log=log, top=top, plot_h=plot_h)

    def x_of(x: int) -> float:
        return left + plot_w * (x - low) / max(high - low, 1)

    chart.y_ticks.extend(Tick(x=str(left - 6), y=t.y, label=t.label, anchor="end") for t in y_ticks)
    chart.x_ticks.extend(ticks(low, high, x_of, height - 8))
    for index, (label, line) in enumerate(series):
        if not line:
            continue
        coords = [(x_of(x), y_of(value)) for x, value in line]
        path = line_path(coords)  # a lone point: the line's dot alone
        chart.lines.append(
            Line(
                slot=index % PALETTE_SIZE + 1,
                path=path,
                area="",
                dot_x=fmt(coords[-1][0]),
                dot_y=fmt(coords[-1][1]),
                dot_title=dot_title(label, *line[-1]),
            )
        )
    return chart


def age_label(days: int) -> str:
    if days >= 730:
        return f"{days / 365.25:.1f} years".replace(".0 ", " ")
    if days >= 60:
        return f"{round(days / 30.44)} months"
    return f"{days} day" if days == 1 else f"{days} days"


def _age_ticks(last_day: int, x_of: Callable[[int], float], *, y: int) -> list[Tick]:
    if last_day >= 730:
        unit, suffix = 365, " y"
    elif last_day >= 90:
        unit, suffix = 30, " mo"
    else:
        unit, suffix = 1, " d"
    step = int(nice_step(last_day / unit, 5))
    ticks = []
    for index, value in enumerate(range(0, int(last_day / unit) + 1, step)):
        ticks.append(
            Tick(
                x=fmt(x_of(value * unit)),
                y=str(y),
                label="created" if value == 0 else f"{value}{suffix}",
                anchor="start" if index == 0 else "middle",
            )
        )
    return ticks


def _age_summary(one: AgeSeries) -> str:
    if not one.points:
        return f"{one.label}: no star history."
    day, value = one.points[-1]
    return f"{one.label}: {value:,} stars {age_label(day)} after it was created."
