"""Star history as the pages, the API, cards and exports read it: a repository's, the sum over
an account's repositories, several repositories' for compare. One query each.

A series counts the stars GitHub attributes to a day (models/star_history.py), from the first of
them, cumulative; `stars` is the count GitHub reports now, and `unattributed` the difference,
said beside the chart rather than spread over it. Buckets are dense (a day, week or month without
stars is a point with nothing gained), weeks start on Sunday as GitHub's do, months on the 1st.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from django.utils import timezone
from pydantic import Field

from github_stats.models import (
    DAYS_PER_WEEK,
    AccountStarHistory,
    GitHubAccount,
    Repository,
    Week,
    today_utc,
    week_ordinal,
)

Interval = Literal["day", "week", "month"]
INTERVALS: tuple[Interval, ...] = ("day", "week", "month")
# A fill queued longer ago than this has died or been dropped: the page stops waiting for it.
PENDING_FOR = timedelta(minutes=15)
# What a repository's series is drawn from: its history and its owner's fill state.
_SERIES_VALUES = (
    "star_history__weeks",
    "star_history__attributed",
    "star_history__complete",
    "star_history__truncated",
    "star_history__next_page",
    "star_history__fetched_at",
    "owner__star_history__pending_since",
    "star_history__last_error",
)


@dataclass
class StarPoint:
    date: Annotated[date, Field(description="The first day of the bucket.")]
    gained: Annotated[int, Field(description="Stars given in the bucket (that still exist).")]
    total: Annotated[int, Field(description="Stars attributed up to the end of the bucket.")]


@dataclass(frozen=True)
class StarSeries:
    interval: Interval
    points: Annotated[list[StarPoint], Field(description="Oldest first, one per bucket.")]
    stars: Annotated[int, Field(description="The star count GitHub reports now.")]
    attributed: Annotated[int, Field(description="Stars GitHub attributes to a day.")]
    unattributed: Annotated[
        int, Field(description="stars - attributed when positive: not placed on the chart.")
    ]
    first_star: date | None
    complete: Annotated[bool, Field(description="Fetched down to the first star.")]
    truncated: Annotated[bool, Field(description="GitHub's 100-page limit stopped the fetch.")]
    pending: Annotated[bool, Field(description="A fetch is queued or running.")]
    fetched_at: datetime | None
    error: Annotated[
        str, Field(description="Why GitHub did not give us the history (retried later).")
    ] = ""

    @property
    def empty(self) -> bool:
        return not self.points


@dataclass(frozen=True)
class StarCoverage:
    """How much of an account's stars its summed history stands for."""

    repositories_covered: int
    repositories_starred: int
    stars_covered: int
    stars_total: int

    @property
    def share(self) -> float:
        return self.stars_covered / self.stars_total if self.stars_total else 1.0

    @property
    def whole(self) -> bool:
        return self.repositories_covered >= self.repositories_starred


@dataclass(frozen=True)
class AccountStarSeries:
    series: StarSeries
    coverage: StarCoverage


def repository_star_history(
    *,
    repository: Repository,
    interval: Interval = "day",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> StarSeries:
    """One repository's series. One query (its history and its owner's fill state)."""
    row: Mapping[str, Any] = (
        Repository.objects.filter(pk=repository.pk).values(*_SERIES_VALUES).first()
    ) or {}
    return _repository_series(
        row,
        stars=repository.stars,
        interval=interval,
        start=start,
        end=end,
        now=now or timezone.now(),
    )


def repositories_star_history(
    *,
    repositories: Iterable[Repository],
    interval: Interval = "day",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> dict[int, StarSeries]:
    """Several repositories' series (compare), by repository id. One query."""
    stars = {repo.pk: repo.stars for repo in repositories}
    rows = Repository.objects.filter(pk__in=stars).values("pk", *_SERIES_VALUES)
    now = now or timezone.now()
    found: dict[int, Mapping[str, Any]] = {row["pk"]: row for row in rows}
    return {
        pk: _repository_series(
            found.get(pk, {}), stars=count, interval=interval, start=start, end=end, now=now
        )
        for pk, count in stars.items()
    }


def account_star_history(
    *,
    account: GitHubAccount,
    interval: Interval = "day",
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> AccountStarSeries:
    """The sum over the account's repositories whose whole history we have, with its coverage.
    One query, the first time for this account row: an organisation's dashboard reads it twice
    (its history and its activity panel's weeks)."""
    now = now or timezone.now()
    summed = _summed_of(account)
    if summed is None:
        coverage = StarCoverage(0, _starred_guess(account), 0, account.total_stars)
        series = _series(
            [],
            stars=account.total_stars,
            attributed=0,
            interval=interval,
            start=start,
            end=end,
            today=today_utc(now),
            complete=False,
            truncated=False,
            pending=False,
            fetched_at=None,
        )
        return AccountStarSeries(series=series, coverage=coverage)
    coverage = StarCoverage(
        repositories_covered=summed.repositories_covered,
        repositories_starred=summed.repositories_starred,
        stars_covered=summed.stars_covered,
        stars_total=account.total_stars,
    )
    series = _series(
        summed.weeks or [],
        stars=summed.stars_covered,
        attributed=summed.attributed,
        interval=interval,
        start=start,
        end=end,
        today=today_utc(now),
        complete=coverage.whole,
        truncated=False,
        pending=_pending(summed.pending_since, now),
        fetched_at=summed.updated_at,
    )
    return AccountStarSeries(series=series, coverage=coverage)


def _summed_of(account: GitHubAccount) -> AccountStarHistory | None:
    """Through the account's one-to-one accessor: Django keeps the row it read (or that there
    is none) on the account row until that is read again or refreshed from the database."""
    try:
        return account.star_history
    except AccountStarHistory.DoesNotExist:
        return None


def _starred_guess(account: GitHubAccount) -> int:
    # Before the first fill we only know the account has stars, not on how many repositories.
    return 1 if account.total_stars else 0


def _pending(pending_since: datetime | None, now: datetime) -> bool:
    return pending_since is not None and pending_since > now - PENDING_FOR


def _repository_series(
    row: Mapping[str, Any],
    *,
    stars: int,
    interval: Interval,
    start: date | None,
    end: date | None,
    now: datetime,
) -> StarSeries:
    complete = bool(row.get("star_history__complete"))
    truncated = bool(row.get("star_history__truncated"))
    whole = (complete or truncated) and not row.get("star_history__next_page")
    weeks: list[Week] = (row.get("star_history__weeks") or []) if whole else []
    return _series(
        weeks,
        stars=stars,
        attributed=sum(sum(week[1 : 1 + DAYS_PER_WEEK]) for week in weeks),
        interval=interval,
        start=start,
        end=end,
        today=today_utc(now),
        complete=whole and complete,
        truncated=truncated,
        pending=_pending(row.get("owner__star_history__pending_since"), now),
        fetched_at=row.get("star_history__fetched_at"),
        error=row.get("star_history__last_error") or "",
    )


def _series(
    weeks: list[Week],
    *,
    stars: int,
    attributed: int,
    interval: Interval,
    start: date | None,
    end: date | None,
    today: date,
    complete: bool,
    truncated: bool,
    pending: bool,
    fetched_at: datetime | None,
    error: str = "",
) -> StarSeries:
    first_star = _first_star(weeks)
    points: list[StarPoint] = []
    if first_star is not None:
        last = min(end or today, today)
        first = max(start or first_star, first_star)
        points = _buckets(weeks, interval=interval, first=first, last=last)
    return StarSeries(
        interval=interval,
        points=points,
        stars=stars,
        attributed=attributed,
        unattributed=max(stars - attributed, 0),
        first_star=first_star,
        complete=complete,
        truncated=truncated,
        pending=pending,
        fetched_at=fetched_at,
        error=error,
    )


def _first_star(weeks: list[Week]) -> date | None:
    """The first day with a star of stored weeks (in any order)."""
    first: int | None = None
    for week in weeks:
        for index, count in enumerate(week[1 : 1 + DAYS_PER_WEEK]):
            if count > 0:
                ordinal = week_ordinal(week) + index
                first = ordinal if first is None else min(first, ordinal)
                break
    return None if first is None else date.fromordinal(first)


def _buckets(weeks: list[Week], *, interval: Interval, first: date, last: date) -> list[StarPoint]:
    """Dense buckets from the one holding `first` to the one holding `last`; each total counts
    every star attributed up to the bucket's end, from the whole life (not only the window).

    Straight from the stored weeks, by day numbers: only the window's days are looked at one
    by one (a stored week is a bucket of a weekly series as it is), the weeks before it are
    summed whole. Expanding every week into dated days first (ten summed years of bench-org's
    500 repositories are 3,665 days) made an uncached dashboard's two reads of the sum 8.9 ms;
    5.6 ms now (per-function timers on /bench/after-refresh/u/bench-org)."""
    if last < first:
        return []
    bucket_of = _BUCKET_OF[interval]
    window_start = bucket_of(first)
    start, end = window_start.toordinal(), last.toordinal()
    gained: dict[date, int] = {}
    before = 0
    for week in weeks:
        sunday = week_ordinal(week)
        counts = week[1 : 1 + DAYS_PER_WEEK]
        if sunday + DAYS_PER_WEEK <= start:
            before += sum(counts)
        elif sunday > end:
            continue
        elif (
            interval == "week" and sunday % DAYS_PER_WEEK == 0 and sunday + DAYS_PER_WEEK - 1 <= end
        ):
            # A whole stored week (ordinals divisible by 7 are Sundays) is the week's bucket.
            key = date.fromordinal(sunday)
            gained[key] = gained.get(key, 0) + sum(counts)
        else:
            for index, count in enumerate(counts):
                ordinal = sunday + index
                if not count or ordinal > end:
                    continue
                if ordinal < start:
                    before += count
                else:
                    key = bucket_of(date.fromordinal(ordinal))
                    gained[key] = gained.get(key, 0) + count
    points = []
    total = before
    bucket = window_start
    step = _NEXT_BUCKET[interval]
    while bucket <= last:
        count = gained.get(bucket, 0)
        total += count
        points.append(StarPoint(date=bucket, gained=count, total=total))
        bucket = step(bucket)
    return points


def _week_of(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


_BUCKET_OF = {"day": lambda day: day, "week": _week_of, "month": _month_of}
_NEXT_BUCKET = {
    "day": lambda day: day + timedelta(days=1),
    "week": lambda day: day + timedelta(days=7),
    "month": _next_month,
}
