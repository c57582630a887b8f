"""The heatmap's geometry (ui/heatmap.py): GitHub's layout of a year, pure functions; and its
drawing and the bars' (ui/svg.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

from defusedxml import ElementTree

from github_stats.ui.heatmap import (
    LEFT,
    STEP,
    TOP,
    bar_chart,
    day_title,
    heatmap,
    week_column,
    weekday_row,
)
from github_stats.ui.svg import bars_svg, heatmap_svg

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Day:
    date: date
    count: int
    level: int


def _year(year: int) -> list[Day]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    return [Day(first + timedelta(days=n), n % 3, n % 5) for n in range((last - first).days + 1)]


def test_weeks_start_on_sunday_and_january_1st_is_in_the_first_column():
    # 2025 began on a Wednesday: the first column's Sunday is Dec 29, 2024.
    assert week_column(day=date(2025, 1, 1), year=2025) == 0
    assert weekday_row(date(2025, 1, 1)) == 3
    assert week_column(day=date(2025, 1, 4), year=2025) == 0  # Saturday
    assert week_column(day=date(2025, 1, 5), year=2025) == 1  # Sunday: a new column
    assert weekday_row(date(2025, 1, 5)) == 0


def test_a_year_is_53_columns_and_54_when_a_leap_year_starts_on_a_saturday():
    assert heatmap(year=2025, days=_year(2025), title="t").width == LEFT + 53 * STEP
    # 2028 is a leap year that begins on a Saturday: Dec 31 lands in a 54th column.
    assert date(2028, 1, 1).weekday() == 5
    assert heatmap(year=2028, days=_year(2028), title="t").width == LEFT + 54 * STEP


def test_a_cell_a_day_placed_by_week_and_weekday_with_its_shade():
    drawn = heatmap(year=2025, days=_year(2025), title="t")
    assert len(drawn.cells) == 365
    first, last = drawn.cells[0], drawn.cells[-1]
    assert (first.x, first.y) == (str(LEFT), str(TOP + 3 * STEP))
    assert (last.x, last.y) == (str(LEFT + 52 * STEP), str(TOP + 3 * STEP))  # Wed Dec 31
    assert {cell.level for cell in drawn.cells} == {0, 1, 2, 3, 4}


def test_titles_give_the_exact_count_and_the_date():
    assert day_title(day=date(2025, 3, 4), count=3) == "3 contributions on Tue, Mar 4, 2025"
    assert day_title(day=date(2025, 3, 4), count=1) == "1 contribution on Tue, Mar 4, 2025"
    assert day_title(day=date(2025, 3, 4), count=1234) == "1,234 contributions on Tue, Mar 4, 2025"


def test_month_labels_and_month_totals():
    drawn = heatmap(year=2025, days=_year(2025), title="t")
    assert [label.text for label in drawn.months] == [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    ]  # fmt: skip
    assert drawn.months[0].x == str(LEFT)
    january = sum(day.count for day in _year(2025) if day.date.month == 1)
    assert (drawn.month_totals[0].month, drawn.month_totals[0].count) == ("January 2025", january)
    assert len(drawn.month_totals) == 12


def test_bars_scale_to_the_highest_and_say_it():
    bars = bar_chart(values=[("Jan", 0), ("Feb", 4), ("Mar", 2)], title="t", chart_id="b", unit="x")
    assert [bar.height for bar in bars.bars] == ["0.0", "46.0", "23.0"]
    assert bars.desc == "6 x in all; the most, 4, in Feb."
    assert bars.bars[1].title == "Feb: 4 x"
    assert bar_chart(values=[], title="t", chart_id="b", unit="x").desc == "No x."


# --- The drawing (ui/svg.py) -----------------------------------------------------------------

HOSTILE = "<script>alert(\"x\")</script> & 'quoted'"


def _parsed(markup: str):
    """The markup as an XML parser reads it: what was not escaped would not parse, or would
    come back as elements."""
    return ElementTree.fromstring(markup)


def test_the_heatmap_is_a_focusable_cell_a_day_and_escapes_every_text():
    heat = heatmap(year=2025, days=_year(2025), title=HOSTILE, chart_id='heat"x')
    markup = heatmap_svg(heat)
    root = _parsed(markup)
    assert root.get("id") == 'heat"x'
    assert root.get("role") == "group"
    assert root.find(f"{SVG}title").text == HOSTILE
    cells = root.findall(f"{SVG}g[@class='heatmap-cells']/{SVG}rect")
    assert len(cells) == 365
    assert all(cell.get("tabindex") == "0" for cell in cells)
    first = cells[0]
    assert first.get("class") == "heat heat-0"
    assert first.find(f"{SVG}title").text == heat.cells[0].title
    assert "<script>" not in markup


def test_the_bars_draw_a_rect_a_value_and_escape_every_text():
    bars = bar_chart(
        values=[(HOSTILE, 3), ("Feb", 0), ("Mar", 9)], title=HOSTILE, chart_id="org", unit="x"
    )
    markup = bars_svg(bars)
    root = _parsed(markup)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert root.find(f"{SVG}desc").text == bars.desc
    rects = root.findall(f"{SVG}g[@class='activity-bars']/{SVG}rect")
    assert [rect.get("height") for rect in rects] == [bar.height for bar in bars.bars]
    assert rects[0].find(f"{SVG}title").text == f"{HOSTILE}: 3 x"
    assert [t.text for t in root.findall(f"{SVG}text")] == [HOSTILE, "Mar"]
    assert "<script>" not in markup
