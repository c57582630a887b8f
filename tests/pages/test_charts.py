from datetime import date, timedelta
from xml.etree import ElementTree

import pytest

from github_stats.charts import (
    ChartSeries,
    Slice,
    language_chart,
    line_chart,
    nice_domain,
    sparkline,
)

PAYLOAD = '<script>alert(1)</script><svg onload="alert(2)">'


def _parse(svg: str) -> ElementTree.Element:
    # Well-formed XML is a good proxy for "the browser will not be confused by our markup".
    return ElementTree.fromstring(svg)  # noqa: S314 - our own markup


def _days(values, start=date(2026, 1, 1)):
    return [(start + timedelta(days=i), v) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0, 100, (0, 100, 25)), (1203, 1250, (1200, 1260, 20)), (7, 7, (6, 8, 1)), (0, 0, (0, 1, 1))],
)
def test_nice_domain_lands_on_round_numbers(low, high, expected):
    assert nice_domain(low, high) == expected


def test_line_chart_has_title_desc_axes_and_a_path():
    svg = line_chart(
        chart_id="stars",
        title="Stars, last 30 days",
        series=[ChartSeries("Stars", _days([1, 5, 9]))],
    )
    root = _parse(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "stars-title stars-desc"
    assert root.find(f"{ns}title") is not None or "Stars, last 30 days" in svg
    assert "<desc" in svg
    assert "Stars: 1 on Jan 01, 2026, 9 on Jan 03, 2026 (+8)." in svg
    assert 'class="chart-path chart-stroke-1"' in svg
    assert "Jan 1" in svg
    assert "Jan 3" in svg
    assert ">10<" in svg or ">8<" in svg  # y-axis labels on round numbers


def test_line_chart_with_one_point_and_with_none():
    one = line_chart(chart_id="a", title="t", series=[ChartSeries("Stars", _days([4]))])
    _parse(one)
    assert "<circle" in one
    empty = line_chart(chart_id="b", title="t", series=[ChartSeries("Stars", [])])
    _parse(empty)
    assert "No data yet" in empty


def test_line_chart_escapes_github_strings():
    svg = line_chart(
        chart_id='x" onload="alert(1)', title=PAYLOAD, series=[ChartSeries(PAYLOAD, _days([1, 2]))]
    )
    _parse(svg)
    assert "<script>" not in svg
    assert "<svg onload" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;svg onload=&quot;" in svg
    assert 'id="x--onload--alert-1-"' in svg  # an id can never break out of its attribute


def test_sparkline_directions():
    assert "sparkline-up" in sparkline([1, 2, 3], label="up")
    assert "sparkline-down" in sparkline([3, 2, 1], label="down")
    assert "sparkline-flat" in sparkline([2], label="flat")
    svg = sparkline([1, 3, 2], label=PAYLOAD)
    _parse(svg)
    assert "<script>" not in svg


def test_language_chart_legend_and_escaping():
    slices = [
        Slice("Python", 3000, 0.6),
        Slice(PAYLOAD, 1500, 0.3),
        Slice("Other", 500, 0.1),
    ]
    html = language_chart(chart_id="langs", title="By bytes", slices=slices, unit="bytes")
    _parse(html)
    assert 'fill="#3572A5"' in html  # GitHub's own colour for Python
    assert 'class="chart-fill-2"' in html  # an unknown language gets a palette slot
    assert 'class="lang-other"' in html
    assert "2.9 KB" in html
    assert "60.0%" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_language_chart_by_repos_and_empty():
    html = language_chart(
        chart_id="r", title="By repositories", slices=[Slice("Go", 1, 1.0)], unit="repos"
    )
    assert "1 repo<" in html
    assert "No languages detected yet." in language_chart(
        chart_id="e", title="t", slices=[], unit="repos"
    )
