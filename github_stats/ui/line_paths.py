"""The `d` of the charts' paths: a line's points as one piece, or as several where the series
has missing days, the area under it, and a run of bars (ui/charts.py and ui/star_charts.py
draw the rest of the charts)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from itertools import pairwise


def coordinate(value: float) -> str:
    """A coordinate as the charts write it: one decimal at most ("12", "12.5")."""
    return f"{value:.1f}".removesuffix(".0")


def tenths(value: float) -> int:
    """A coordinate in whole tenths of a unit: the charts' precision, kept in integers so that
    steps between rounded points add up to the rounded points exactly (floats would drift)."""
    return round(value * 10)


def decimal(value: int) -> str:
    """Tenths written as the path grammar allows them shortest: 120 → "12", 5 → ".5",
    -15 → "-1.5"."""
    whole, tenth = divmod(abs(value), 10)
    text = f"{whole}.{tenth}".removeprefix("0") if tenth else str(whole)
    return f"-{text}" if value < 0 else text


def relative_steps(points: Sequence[tuple[int, int]]) -> str:
    """The steps from each point (in tenths) to the next as one run of `l` pairs: "l1.2-.3
    1.2,.4 …". A long line's steps repeat (the same stride along x, small moves in y) where
    its absolute coordinates never do, and gzip only shortens what repeats: the bench's
    ten-year weekly line (522 points) gzips to 337 bytes, against 2,338 in absolute `L x,y`."""
    steps = []
    for (x0, y0), (x1, y1) in pairwise(points):
        dx, dy = decimal(x1 - x0), decimal(y1 - y0)
        steps.append(f"{dx}{dy}" if dy.startswith("-") else f"{dx},{dy}")
    return "l" + "".join(s if s.startswith("-") or i == 0 else f" {s}" for i, s in enumerate(steps))


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
    """`M x,y l dx,dy …` (relative_steps); a lone point (a day between two missing ones) as a
    ring of two arcs, which the line's stroke draws as a dot."""
    first_x, first_y = coords[0]
    if len(coords) == 1:
        ring = "a1.5,1.5 0 1,0 3,0 a1.5,1.5 0 1,0 -3,0"
        return f"M{coordinate(first_x - 1.5)},{coordinate(first_y)} {ring}"
    points = [(tenths(x), tenths(y)) for x, y in coords]
    head = f"M{decimal(points[0][0])},{decimal(points[0][1])}"
    return head + relative_steps(points)


def line_path(coords: Sequence[tuple[float, float]]) -> str:
    """A line through `coords` (piece_path); a lone point as a bare `M x,y`, which draws
    nothing: the star charts draw a lone point as a dot of their own."""
    if len(coords) == 1:
        return f"M{coordinate(coords[0][0])},{coordinate(coords[0][1])}"
    return piece_path(coords)


def area_path(coords: Sequence[tuple[float, float]], *, base: str) -> str:
    """The area under one piece of a line: the piece, then down to the baseline (`base`, as
    the chart writes it) and back along it to where the piece began."""
    return f"{piece_path(coords)}V{base}H{decimal(tenths(coords[0][0]))}Z"


def bar_path(bars: Sequence[tuple[float, float]], *, width: float, base: float) -> str:
    """Bars standing on the baseline `base`, each given by its left edge and its height, as one
    path: the first `M x,base`, then each rectangle from its corner (`v-h h w v h z`) and a
    relative move to the next (after `z` the pen is back at the corner it started from).
    Bars of no height are left out."""
    drawn = [(tenths(x), tenths(height)) for x, height in bars if tenths(height) > 0]
    if not drawn:
        return ""
    w = decimal(tenths(width))
    parts = [f"M{decimal(drawn[0][0])},{coordinate(base)}"]
    for index, (x, height) in enumerate(drawn):
        if index:
            parts.append(f"m{decimal(x - drawn[index - 1][0])},0")
        parts.append(f"v-{decimal(height)}h{w}v{decimal(height)}z")
    return "".join(parts)
