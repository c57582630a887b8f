"""The `d` of a line chart's path: its points as one piece, or as several where the series
has missing days (ui/charts.py draws the rest of the chart)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from itertools import pairwise


def coordinate(value: float) -> str:
    """A coordinate as the charts write it: one decimal at most ("12", "12.5")."""
    return f"{value:.1f}".removesuffix(".0")


def line_pieces(
    points: Sequence[tuple[date, int]], missing: Sequence[date]
) -> list[list[tuple[date, int]]]:
    """The points cut wherever a missing day lies between two of them."""
    if not missing:
        return [list(points)]  # the common case, and a compare page draws many lines
    pieces: list[list[tuple[date, int]]] = [[points[0]]]
    for before, point in pairwise(points):
        gap = bisect_right(missing, before[0])
        if gap < len(missing) and missing[gap] < point[0]:
            pieces.append([])
        pieces[-1].append(point)
    return pieces


def piece_path(coords: Sequence[tuple[float, float]]) -> str:
    """`M x,y L ...`; a lone point (a day between two missing ones) as a ring of two arcs,
    which the line's stroke draws as a dot."""
    first_x, first_y = coords[0]
    if len(coords) == 1:
        ring = "a1.5,1.5 0 1,0 3,0 a1.5,1.5 0 1,0 -3,0"
        return f"M{coordinate(first_x - 1.5)},{coordinate(first_y)} {ring}"
    head = f"M{coordinate(first_x)},{coordinate(first_y)}"
    return " ".join([head, *(f"L{coordinate(x)},{coordinate(y)}" for x, y in coords[1:])])
