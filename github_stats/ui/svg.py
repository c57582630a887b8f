"""The markup of the SVG charts (ui/charts.py computes their geometry): one small drawing module,
which escapes every string it is given and nothing else.

Why not templates: a dashboard draws three line charts, five sparklines and two language bars,
and a watchlist fifty sparklines; drawn by Django templates they were a third of a page's render
(measured: docs/architecture.md). The activity panel's too: a year's heatmap is 371 cells of
four values each, and an organisation's two bar charts 76 bars of five (bench-org's bars were
2.3 to 2.8 ms of its 9 to 14 ms of templates; a year's heatmap took 14.5 ms by template, 0.46
drawn). Every number here is ours; every string (titles, labels,
language names, which may come from GitHub) goes through `_text`.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django.template.defaultfilters import filesizeformat

from github_stats.ui.charts import LanguageBar, LineChart, Sparkline
from github_stats.ui.contrast import outline_classes
from github_stats.ui.formatting import compact_number
from github_stats.ui.heatmap import Bars, Heatmap
from github_stats.ui.languages import LANGUAGE_COLORS

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def line_chart_svg(chart: LineChart) -> str:
    i = _text(chart.id)
    parts = [
        f'<svg {SVG_NS} class="chart chart-line" id="{i}" viewBox="0 0 {chart.width} '
        f'{chart.height}" width="{chart.width}" height="{chart.height}" role="img" '
        f'aria-labelledby="{i}-title {i}-desc" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{i}-title">{_text(chart.title)}</title>'
        f'<desc id="{i}-desc">{_text(chart.desc)}</desc>'
    ]
    what, why = chart.note_lines
    if chart.empty:
        parts.append(
            f'<rect class="chart-frame" x="0.5" y="0.5" width="{chart.width - 1}" '
            f'height="{chart.height - 1}" rx="6"/><text class="chart-empty" x="50%" y="44%" '
            f'text-anchor="middle">{_text(what or "No data yet")}</text>'
        )
        if why:
            parts.append(
                f'<text class="chart-note" x="50%" y="58%" text-anchor="middle">{_text(why)}</text>'
            )
        parts.append("</svg>")
        return "".join(parts)
    for tick in chart.y_ticks:
        parts.append(
            f'<line class="chart-grid" x1="{chart.left}" x2="{chart.right}" y1="{tick.y}" '
            f'y2="{tick.y}"/><text class="chart-axis" x="{tick.x}" y="{tick.y}" '
            f'text-anchor="end" dominant-baseline="middle">{_text(tick.label)}</text>'
        )
    for tick in chart.x_ticks:
        minor = " chart-tick-minor" if tick.minor else ""
        parts.append(
            f'<text class="chart-axis{minor}" x="{tick.x}" y="{tick.y}" '
            f'text-anchor="{tick.anchor}">{_text(tick.label)}</text>'
        )
    parts.append(
        f'<line class="chart-baseline" x1="{chart.left}" x2="{chart.right}" '
        f'y1="{chart.baseline}" y2="{chart.baseline}"/>'
    )
    for line in chart.lines:
        if line.area:
            parts.append(f'<path class="chart-area chart-fill-{line.slot}" d="{line.area}"/>')
        parts.append(
            f'<path class="chart-path chart-stroke-{line.slot}" d="{line.path}"/>'
            f'<circle class="chart-dot chart-fill-{line.slot}" cx="{line.dot_x}" '
            f'cy="{line.dot_y}" r="3.5"><title>{_text(line.dot_title)}</title></circle>'
        )
    if chart.note:
        # A lone dot: what it is and why, above it (the dot sits in the middle of its axis).
        middle = (chart.left + chart.right) // 2
        parts.append(
            f'<text class="chart-note chart-note-head" x="{middle}" y="24" '
            f'text-anchor="middle">{_text(what)}</text>'
        )
        if why:
            parts.append(
                f'<text class="chart-note" x="{middle}" y="38" text-anchor="middle">'
                f"{_text(why)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def sparkline_svg(spark: Sparkline) -> str:
    box = (
        f'viewBox="0 0 {spark.width} {spark.height}" width="{spark.width}" height="{spark.height}"'
    )
    label = _text(spark.label)
    if not spark.points:
        return (
            f'<svg {SVG_NS} class="sparkline sparkline-flat" {box} role="img" '
            f'aria-label="{label}"><line x1="2" x2="{spark.width - 2}" y1="50%" y2="50%"/></svg>'
        )
    return (
        f'<svg {SVG_NS} class="sparkline sparkline-{spark.trend}" {box} role="img" '
        f'aria-label="{label}"><polyline points="{spark.points}"/></svg>'
    )


def language_bar_html(bar: LanguageBar) -> str:
    """The bar and its legend in a <figure>: name, value (bytes or repositories), share."""
    i = _text(bar.id)
    parts = [f'<figure class="lang-chart" id="{i}"><figcaption class="lang-title">'
             f"{_text(bar.title)}</figcaption>"]  # fmt: skip
    if not bar.rows:
        parts.append('<p class="muted">No languages detected yet.</p></figure>')
        return "".join(parts)
    parts.append(
        f'<svg {SVG_NS} class="lang-bar" viewBox="0 0 {bar.width} {bar.height}" '
        f'width="{bar.width}" height="{bar.height}" preserveAspectRatio="none" role="img" '
        f'aria-labelledby="{i}-title {i}-desc"><title id="{i}-title">{_text(bar.title)}</title>'
        f'<desc id="{i}-desc">{_text(bar.desc)}</desc>'
    )
    legend = []
    for share, swatch, x, width in bar.rows:
        fill = f'fill="{_text(swatch.fill)}"' if swatch.fill else ""
        paint = " ".join(filter(None, [fill, swatch.css_class and f'class="{swatch.css_class}"']))
        name, percent = _text(share.name), f"{share.share:.1%}"
        parts.append(
            f'<rect {paint} x="{x}" y="0" width="{width}" height="{bar.height}">'
            f"<title>{name} {percent}</title></rect>"
        )
        legend.append(
            f'<li><svg {SVG_NS} class="swatch" viewBox="0 0 10 10" width="10" height="10" '
            f'aria-hidden="true"><circle {paint} cx="5" cy="5" r="5"/></svg>'
            f'<span class="lang-name">{name}</span>'
            f'<span class="lang-value">{_value(share.value, bar.unit)}</span>'
            f'<span class="lang-share">{percent}</span></li>'
        )
    parts.append('</svg><ul class="lang-legend">')
    parts.extend(legend)
    parts.append("</ul></figure>")
    return "".join(parts)


@lru_cache(maxsize=len(LANGUAGE_COLORS) + 1)
def language_dot_svg(color: str) -> str:
    """The repository table's dot of a primary language: GitHub's colour for it, outlined on a
    theme whose background it is too faint for (ui/contrast.py), or the neutral dot ("": a
    language without a colour). Drawn once per colour: a table of 20 rows drew it by ten
    template nodes a row."""
    circle = '<circle cx="5" cy="5" r="5" class="lang-other"/>'
    if color:
        outline = outline_classes(color=color)
        outlined = f' class="{_text(outline)}"' if outline else ""
        circle = f'<circle cx="5" cy="5" r="5" fill="{_text(color)}"{outlined}/>'
    return (
        '<svg class="swatch" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">'
        f"{circle}</svg>"
    )


def _value(value: int, unit: str) -> str:
    if unit == "bytes":
        return _text(filesizeformat(value))
    return f"{compact_number(value)} {'repo' if value == 1 else 'repos'}"


def bars_svg(bars: Bars) -> str:
    """A small bar chart (ui/heatmap.Bars): a bar a value with its exact number in its <title>,
    the first and last labels under it. Colours are CSS classes."""
    i = _text(bars.id)
    rects = "".join(
        f'<rect x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}">'
        f"<title>{_text(b.title)}</title></rect>"
        for b in bars.bars
    )
    return (
        f'<svg {SVG_NS} class="chart chart-bars" id="{i}" viewBox="0 0 {bars.width} '
        f'{bars.height}" width="{bars.width}" height="{bars.height}" role="img" '
        f'aria-labelledby="{i}-title {i}-desc" preserveAspectRatio="xMidYMid meet">\n'
        f'<title id="{i}-title">{_text(bars.title)}</title>\n'
        f'<desc id="{i}-desc">{_text(bars.desc)}</desc>\n'
        f'<line class="chart-baseline" x1="0" x2="{bars.width}" y1="{bars.baseline}" '
        f'y2="{bars.baseline}"/>\n'
        f'<g class="activity-bars">{rects}</g>\n'
        f'<text class="chart-axis" x="0" y="{bars.height}" text-anchor="start">'
        f"{_text(bars.first_label)}</text>\n"
        f'<text class="chart-axis" x="{bars.width}" y="{bars.height}" text-anchor="end">'
        f"{_text(bars.last_label)}</text>\n</svg>"
    )


def heatmap_svg(heat: Heatmap) -> str:
    """A year's contribution heatmap (ui/heatmap.Heatmap): a column a week, Sunday at the top,
    five shades as CSS classes. A group, not an image, so that every day cell can take the
    focus (tabindex) and be read with its exact count (its <title>)."""
    i = _text(heat.id)
    months = "".join(f'<text x="{m.x}" y="{m.y}">{_text(m.text)}</text>' for m in heat.months)
    weekdays = "".join(
        f'<text x="{w.x}" y="{w.y}" text-anchor="end">{_text(w.text)}</text>' for w in heat.weekdays
    )
    size = f'width="{heat.cell}" height="{heat.cell}"'
    cells = "".join(
        f'<rect class="heat heat-{int(c.level)}" x="{c.x}" y="{c.y}" {size} rx="2" '
        f'tabindex="0"><title>{_text(c.title)}</title></rect>'
        for c in heat.cells
    )
    return (
        f'<svg {SVG_NS} class="heatmap" id="{i}" viewBox="0 0 {heat.width} {heat.height}" '
        f'width="{heat.width}" height="{heat.height}" role="group" '
        f'aria-labelledby="{i}-title">\n'
        f'<title id="{i}-title">{_text(heat.title)}</title>\n'
        f'<g class="heatmap-labels" aria-hidden="true">{months}{weekdays}</g>\n'
        f'<g class="heatmap-cells">{cells}</g>\n</svg>'
    )
