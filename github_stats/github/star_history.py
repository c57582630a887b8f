"""GitHub's star history without identities (`GET /repos/{owner}/{repo}/stargazers/history`,
2026-09-04): weeks newest first, `{"week": unix seconds, "total": int, "days": [7 ints]}`, at
most 30 weeks a page and 100 pages, Link pagination, 1 core request a page, ETags like any GET.
It counts the stars that still exist, bucketed by when they were given.

No public recording of it exists, so the parser is built from the changelog's description and
decides every doubtful shape here, once:

- A body that is not a list: PayloadError. We cannot tell an error object from a history.
- An entry that is not an object, or whose `week` is not a non-negative integer: PayloadError.
  A count we cannot place in time would put stars on the wrong week, and dropping it would
  quietly lose stars; refusing the page lets the caller try again later with what it has.
- `days` missing or not exactly 7 integers, but an integer `total`: the total is kept, placed on
  the week's first day, so sums (and the cumulative chart anchored to them) stay honest; the
  day-by-day split is the only thing lost. Neither usable `days` nor `total`: PayloadError,
  because "no counts" could mean zero or unknown and we will not guess.
- A negative count anywhere (a day or the total): PayloadError. Star counts never go below
  zero; a negative one means the payload is not what we think it is.
- `total` disagreeing with sum(days): the days win, silently. They are the finer figure and
  `StarWeek.total` is derived from them, so the two can never disagree in our data.
- The same `week` twice on one page: the last one wins (in the first one's place), as a later
  key wins in a JSON object; counting both would double the week's stars.
- Booleans are not integers (JSON `true` is no count), and neither are floats or strings.
- Week starts are kept exactly as sent: GitHub does not promise UTC-aligned weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from github_stats.github.payloads import PayloadError

WEEKS_PER_PAGE = 30  # GitHub's maximum for this endpoint
MAX_PAGE = 100  # past it GitHub answers 422 "pagination is limited"
DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class StarWeek:
    start: int  # unix seconds, as GitHub sent it
    days: tuple[int, ...]  # exactly 7 non-negative counts, the first is the week's first day

    def __post_init__(self) -> None:
        if len(self.days) != DAYS_PER_WEEK or any(not _is_count(day) for day in self.days):
            raise ValueError(f"a week has {DAYS_PER_WEEK} non-negative counts, not {self.days!r}")

    @property
    def total(self) -> int:
        return sum(self.days)


@dataclass(frozen=True)
class StarHistoryPage:
    page: int  # the page number asked for (1 = newest weeks)
    not_modified: bool  # a 304 for the ETag we sent
    weeks: list[StarWeek]  # newest first as GitHub sends them; [] on a 304 or past the limit
    etag: str | None  # the page's ETag (ours on a 304)
    # A rel="next" link: older weeks exist. GitHub's 304s usually carry no Link header, so on a
    # 304 this is usually False: the page is the one stored, and so is its has_next.
    has_next: bool
    limit_reached: bool = False  # GitHub answered 422 "pagination is limited": keep what we have


def parse_star_history(data: Any) -> list[StarWeek]:
    """One page of the star history, newest first as sent; raises PayloadError on a shape we
    cannot trust (the rules are in the module docstring)."""
    if not isinstance(data, list):
        raise PayloadError(f"expected a list of weeks, got {type(data).__name__}")
    by_start: dict[int, StarWeek] = {}
    for index, entry in enumerate(data):
        week = _parse_week(entry, index)
        by_start[week.start] = week  # a duplicate keeps the first's place, the last's counts
    return list(by_start.values())


def _parse_week(entry: Any, index: int) -> StarWeek:
    if not isinstance(entry, dict):
        raise PayloadError(f"week {index}: expected an object, got {type(entry).__name__}")
    start = entry.get("week")
    if not _is_count(start):
        raise PayloadError(f"week {index}: no usable week start ({start!r})")
    days = entry.get("days")
    total = entry.get("total")
    if _is_int(total) and total < 0:
        raise PayloadError(f"week {index}: a negative total ({total})")
    listed: list[Any] = days if isinstance(days, list) else []
    counts = [day for day in listed if _is_int(day)]
    if listed and len(counts) == len(listed):  # a list of integers, whatever its length
        if any(day < 0 for day in counts):
            raise PayloadError(f"week {index}: a negative daily count")
        if len(counts) == DAYS_PER_WEEK:
            return StarWeek(start=start, days=tuple(counts))
    if _is_int(total):
        return StarWeek(start=start, days=(total,) + (0,) * (DAYS_PER_WEEK - 1))
    raise PayloadError(f"week {index}: neither {DAYS_PER_WEEK} daily counts nor a total")


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_count(value: Any) -> TypeGuard[int]:
    return _is_int(value) and value >= 0
