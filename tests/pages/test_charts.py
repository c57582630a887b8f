"""The SVG charts: geometry from github_stats/ui/charts.py, drawn by github_stats/ui/svg.py
through the gitpulse template tags, as the pages draw them."""

from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.template import Context, Template

from github_stats.ui.charts import (
    EMPTY_HISTORY,
    ONE_DAY_SO_FAR,
    Series,
    language_bar,
    line_chart,
    log_domain,
    nice_domain,
    sparkline,
    wide_spread,
)
from github_stats.ui.languages import LanguageShare, top_shares

PAYLOAD = '<script>alert(1)</script><svg onload="alert(2)">'
SVG = "{http://www.w3.org/2000/svg}"


def _draw(source: str, **context) -> str:
    return Template("{% load gitpulse %}" + source).render(Context(context)).strip()


def _line(**options) -> str:
    return _draw("{% line_chart chart %}", chart=line_chart(**options))


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


@pytest.mark.parametrize(
    ("low", "high", "expected"), [(49, 30_000, (1, 5)), (0, 7, (0, 1)), (100, 100, (2, 3))]
)
def test_log_domain_spans_powers_of_ten(low, high, expected):
    assert log_domain(low, high) == expected


def test_a_log_axis_shows_small_and_large_lines_apart():
    small, large = Series("small", _days([49, 50, 52])), Series("large", _days([29_000, 30_000]))
    chart = line_chart(chart_id="c", title="t", series=[small, large], log=True)
    assert [tick.label for tick in chart.y_ticks] == ["10", "100", "1k", "10k", "100k"]
    small_y = float(chart.lines[0].dot_y)
    large_y = float(chart.lines[1].dot_y)
    baseline = float(chart.baseline)
    # On a linear axis 52 of 30,000 would sit on the floor; here it is well above it.
    assert baseline - small_y > 20
    assert small_y - large_y > 80
    linear = line_chart(chart_id="c", title="t", series=[small, large])
    assert float(linear.baseline) - float(linear.lines[0].dot_y) < 1


def test_a_wide_spread_is_fifty_times_or_more():
    assert wide_spread([Series("a", _days([49])), Series("b", _days([30_000]))])
    assert not wide_spread([Series("a", _days([400])), Series("b", _days([3_000]))])
    assert wide_spread([Series("a", _days([0])), Series("b", _days([50]))])
    assert not wide_spread([Series("a", _days([0]))])


def test_line_chart_has_title_desc_axes_and_a_path():
    svg = _line(
        chart_id="stars", title="Stars, last 30 days", series=[Series("Stars", _days([1, 5, 9]))]
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "stars-title stars-desc"
    assert root.find(f"{SVG}title").text == "Stars, last 30 days"
    desc = root.find(f"{SVG}desc").text
    assert desc == "Stars: 1 on Jan 01, 2026, 9 on Jan 03, 2026 (+8)."
    assert root.find(f"{SVG}path[@class='chart-path chart-stroke-1']") is not None
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert {"Jan 1", "Jan 3"} <= set(labels)
    # The y axis on round numbers: 0 to 10 in steps of 2.5 rounded to whole counts.
    assert [tick.label for tick in line_chart(
        chart_id="s", title="t", series=[Series("Stars", _days([1, 5, 9]))]
    ).y_ticks] == ["0", "2", "4", "6", "8", "10"]  # fmt: skip


def test_a_single_line_gets_an_area_and_several_do_not():
    one = line_chart(chart_id="a", title="t", series=[Series("a", _days([1, 2]))])
    two = line_chart(
        chart_id="b", title="t", series=[Series("a", _days([1, 2])), Series("b", _days([3, 4]))]
    )
    assert one.lines[0].area.endswith("Z")
    assert [line.area for line in two.lines] == ["", ""]
    assert [line.slot for line in two.lines] == [1, 2]


def test_line_chart_with_one_point_and_with_none():
    one = _line(chart_id="a", title="t", series=[Series("Stars", _days([4]))])
    root = _parse(one)
    assert root.find(f"{SVG}circle/{SVG}title").text == "Stars: 4 on Jan 01, 2026"
    # A lone dot says why, on the chart and to screen readers.
    shown = [text.text for text in root.iter(f"{SVG}text") if "chart-note" in text.get("class")]
    assert shown == ["One day so far:", "A point is added every day the account is refreshed."]
    assert root.find(f"{SVG}desc").text.endswith(ONE_DAY_SO_FAR)
    empty = _line(chart_id="b", title="t", series=[Series("Stars", [])])
    texts = [text.text for text in _parse(empty).iter(f"{SVG}text")]
    assert texts == ["No history yet:", "A point is added every day the account is refreshed."]
    assert EMPTY_HISTORY in empty  # the desc


def test_a_lone_dot_says_the_reason_it_is_given():
    chart = line_chart(
        chart_id="a",
        title="t",
        series=[Series("Repositories", _days([1]))],
        one_point_note="One day so far: the first repository was created today.",
    )
    assert chart.note_lines == ("One day so far:", "The first repository was created today.")
    two_days = [Series("Stars", _days([1, 2]))]
    assert line_chart(chart_id="b", title="t", series=two_days).note == ""
    assert "chart-note" not in _line(chart_id="c", title="t", series=two_days)


def test_line_chart_escapes_github_strings():
    svg = _line(
        chart_id='x" onload="alert(1)', title=PAYLOAD, series=[Series(PAYLOAD, _days([1, 2]))]
    )
    root = _parse(svg)
    assert "<script>" not in svg
    assert "<svg onload" not in svg
    assert root.find(f"{SVG}title").text == PAYLOAD  # shown as text, not markup
    assert root.get("id") == "x--onload--alert-1-"  # an id can never break out of its attribute


def test_sparkline_directions_and_escaping():
    assert "sparkline-up" in _draw("{% sparkline values 'up' %}", values=[1, 2, 3])
    assert "sparkline-down" in _draw("{% sparkline values 'down' %}", values=[3, 2, 1])
    flat = _draw("{% sparkline values 'flat' %}", values=[2])
    assert "sparkline-flat" in flat
    assert "<line" in flat
    svg = _draw("{% sparkline values label %}", values=[1, 3, 2], label=PAYLOAD)
    assert _parse(svg).get("aria-label") == PAYLOAD
    assert "<script>" not in svg


def test_a_flat_series_sits_in_the_middle():
    line = sparkline([5, 5, 5], label="flat", width=100, height=30)
    assert line.trend == "flat"
    assert {point.split(",")[1] for point in line.points.split()} == {"15"}


def test_language_chart_legend_and_escaping():
    shares = [
        LanguageShare("Python", 3000, 0.6),
        LanguageShare(PAYLOAD, 1500, 0.3),
        LanguageShare("Other", 500, 0.1),
    ]
    html = _draw("{% language_chart shares 'langs' 'By bytes' 'bytes' %}", shares=shares).replace(
        "\xa0", " "
    )
    _parse(html)
    assert 'fill="#3572A5"' in html  # GitHub's own colour for Python
    assert 'class="chart-fill-2"' in html  # an unknown language gets a palette slot
    assert 'class="lang-other"' in html
    assert "2.9 KB" in html  # Django's filesizeformat
    assert "60.0%" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_language_chart_by_repos_and_empty():
    one = [LanguageShare("Go", 1, 1.0)]
    assert "1 repo<" in _draw("{% language_chart shares 'r' 'By repos' 'repos' %}", shares=one)
    two = [LanguageShare("Go", 2, 1.0)]
    assert "2 repos<" in _draw("{% language_chart shares 'r' 'By repos' 'repos' %}", shares=two)
    empty = _draw("{% language_chart shares 'e' 't' 'repos' %}", shares=[])
    assert "No languages detected yet." in empty


def test_language_bar_widths_add_up_to_the_whole():
    bar = language_bar(
        chart_id="b", title="t", slices=top_shares([("Go", 3), ("C", 1)]), unit="repos", width=400
    )
    assert [(share.name, x, width) for share, _, x, width in bar.rows] == [
        ("Go", "0", "300"),
        ("C", "300", "100"),
    ]


def test_top_shares_fold_the_tail_into_other():
    pairs = [(f"L{i}", 10 - i) for i in range(10)] + [("Zero", 0)]
    shares = top_shares(pairs, top=3)
    assert [share.name for share in shares] == ["L0", "L1", "L2", "Other"]
    assert shares[-1].value == sum(10 - i for i in range(3, 10))
    assert sum(share.share for share in shares) == pytest.approx(1.0)
    assert top_shares([("Go", 0)]) == []


@pytest.mark.parametrize(
    ("language", "circle"),
    [
        ("Python", '<circle cx="5" cy="5" r="5" fill="#3572A5"/>'),
        # Too pale on a light background: outlined there (ui/contrast.py).
        ("JavaScript", '<circle cx="5" cy="5" r="5" fill="#f1e05a" class="lang-outline-light"/>'),
        # A language GitHub gives no colour, or a name it never sent us: the neutral dot.
        (PAYLOAD, '<circle cx="5" cy="5" r="5" class="lang-other"/>'),
    ],
)
def test_a_repositorys_language_dot(language, circle):
    html = _draw("{% language_dot language %}", language=language)
    _parse(html)
    assert html == (
        '<svg class="swatch" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">'
        f"{circle}</svg>"
    )
