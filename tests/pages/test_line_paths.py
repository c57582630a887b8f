"""The charts' path data (ui/line_paths.py), read back by a small interpreter of the path
grammar they use (tests/svg_paths.py): what a browser draws must be the points the chart
meant, to the tenth."""

import pytest

from github_stats.ui.line_paths import area_path, bar_path, decimal, line_path, piece_path
from tests.svg_paths import drawn


@pytest.mark.parametrize(
    ("tenths", "text"),
    [(0, "0"), (5, ".5"), (-5, "-.5"), (120, "12"), (-15, "-1.5"), (1003, "100.3")],
)
def test_tenths_are_written_shortest(tenths, text):
    assert decimal(tenths) == text


def test_a_ten_year_line_in_steps_lands_on_every_rounded_point_without_drift():
    # 522 weeks across 624 units: a stride of 1.195…, which no step written to a tenth is.
    coords = [
        (52.6 + i * 624 / 522, 274 - 200 * (i / 521) ** 0.5 + (i % 7) * 0.333) for i in range(522)
    ]
    d = piece_path(coords)
    assert d.startswith("M52.6,274l")
    assert drawn(d) == [[(round(x, 1), round(y, 1)) for x, y in coords]]
    # Written absolute this line would be one "L" per point; in steps it has none.
    assert "L" not in d


def test_a_lone_point_is_a_ring_the_stroke_draws_as_a_dot():
    assert piece_path([(10, 20)]).startswith("M8.5,20 a1.5,1.5")


def test_a_star_charts_lone_point_is_a_bare_move_its_own_dot_draws():
    # No ring: the star charts draw a lone bucket's dot themselves, and a ring would be a
    # second, smaller circle inside it.
    assert line_path([(10.04, 20.0)]) == "M10,20"
    coords = [(10.0, 20.0), (11.2, 19.7)]
    assert line_path(coords) == piece_path(coords)


def test_the_area_goes_down_to_the_baseline_and_back_to_where_the_line_began():
    coords = [(10.04, 50.0), (20.26, 40.35), (30.0, 45.0)]
    (area,) = drawn(area_path(coords, base="274"))
    assert area == [
        (10.0, 50.0),
        (20.3, 40.4),
        (30.0, 45.0),
        (30.0, 274.0),
        (10.0, 274.0),
        (10.0, 50.0),
    ]


def test_bars_are_rectangles_on_the_baseline_and_bars_of_no_height_are_left_out():
    bars = [(52.14, 25.1), (53.33, 0.0), (54.52, 0.04), (55.71, 49.46), (56.9, 7.0)]
    rectangles = drawn(bar_path(bars, width=1.0, base=274))
    assert rectangles == [
        [(x, 274.0), (x, round(274 - h, 1)), (x + 1, round(274 - h, 1)), (x + 1, 274.0), (x, 274.0)]
        for x, h in [(52.1, 25.1), (55.7, 49.5), (56.9, 7.0)]
    ]
    assert bar_path([(1.0, 0.0)], width=1.0, base=274) == ""
