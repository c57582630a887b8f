"""A user's activity as the dashboard, the API, cards and exports read it: a year's contribution
calendar, totals per year and over the whole life, streaks and the busiest weekday.

Days are GitHub's calendar days: its contributionsCollection has no time-zone parameter, so a
day is the one GitHub counts it on (its calendar's dates), and the pages say so rather than
shift them. The current streak counts back from today, and a today without contributions yet
does not break it (the day is not over); it ends at the first earlier day without any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from django.utils import timezone
from pydantic import Field

from github_stats.models import (
    AccountActivity,
    ContributionYear,
    GitHubAccount,
    today_utc,
    year_days,
)
from github_stats.selectors.recent_activity import RecentActivity, recent_activity_of

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A fill queued longer ago than this has died or been dropped: the page stops waiting for it.
PENDING_FOR = timedelta(minutes=15)
Source = Literal["calendar", "public_events", "none"]


@dataclass(frozen=True)
class Streaks:
    current: Annotated[int, Field(description="Days in a row up to today (or yesterday).")]
    current_start: date | None
    longest: int
    longest_start: date | None
    longest_end: date | None


@dataclass
class Totals:
    """Contributions of a year, or of the whole life when `year` is None."""

    year: int | None
    total: int = 0
    commits: int = 0
    issues: int = 0
    pull_requests: int = 0
    reviews: int = 0
    repositories: Annotated[
        int, Field(description="Repositories contributed commits to (a year's; summed over years).")
    ] = 0
    restricted: Annotated[int, Field(description="Private contributions, a count only.")] = 0


@dataclass(frozen=True)
class ActivitySummary:
    source: Annotated[
        Source,
        Field(
            description="calendar: GitHub's contribution calendar; public_events: only the "
            "last 90 days of public events (no token on the server); none: nothing stored."
        ),
    ]
    years: Annotated[list[Totals], Field(description="Newest first.")]
    all_time: Totals
    streaks: Streaks
    busiest_weekday: str | None
    first_year: int | None
    fetched_at: datetime | None
    pending: bool
    recent: Annotated[
        RecentActivity | None,
        Field(
            description="Without a token on the server (source: public_events): the last 90 "
            "days of public events, by day. null when the calendar is stored."
        ),
    ] = None


@dataclass(frozen=True)
class CalendarDay:
    date: date
    count: int
    level: Annotated[int, Field(description="0 (none) to 4, by quartile of the year's days.")]


@dataclass(frozen=True)
class ActivityCalendar:
    year: int
    days: Annotated[list[CalendarDay], Field(description="Every day of the year up to today.")]
    totals: Totals
    by_repository: list[tuple[str, int]] = field(default_factory=list)


def streaks_compute(days: Mapping[date, int], *, today: date) -> Streaks:
    """The current and the longest run of days with contributions. Pure."""
    active = sorted(day for day, count in days.items() if count > 0 and day <= today)
    longest = 0
    longest_start = longest_end = None
    run_start: date | None = None
    previous: date | None = None
    for day in active:
        if previous is None or day != previous + timedelta(days=1):
            run_start = day
        assert run_start is not None
        length = (day - run_start).days + 1
        if length > longest:
            longest, longest_start, longest_end = length, run_start, day
        previous = day
    current, current_start = 0, None
    active_set = set(active)
    cursor = today if today in active_set else today - timedelta(days=1)
    while cursor in active_set:
        current += 1
        current_start = cursor
        cursor -= timedelta(days=1)
    return Streaks(current, current_start, longest, longest_start, longest_end)


def busiest_weekday(days: Mapping[date, int]) -> str | None:
    """The weekday with the most contributions over the days given (None without any)."""
    sums = [0] * 7
    for day, count in days.items():
        sums[day.weekday()] += count
    best = max(range(7), key=lambda index: sums[index])
    return WEEKDAYS[best] if sums[best] else None


def levels(counts: Iterable[int]) -> list[int]:
    """GitHub's five shades: 0 for none, else 1 to 4 by quartile of the non-zero days."""
    values = list(counts)
    active = sorted(v for v in values if v > 0)
    if not active:
        return [0] * len(values)
    bounds = [active[min(len(active) - 1, (len(active) * q) // 4)] for q in (1, 2, 3)]
    return [0 if v <= 0 else 1 + sum(v > bound for bound in bounds) for v in values]


def account_activity_summary(
    *, account: GitHubAccount, now: datetime | None = None
) -> ActivitySummary:
    """Totals per year and all-time, streaks and the busiest weekday. Two queries (the years,
    the bookkeeping)."""
    now = now or timezone.now()
    rows = list(ContributionYear.objects.filter(account=account).order_by("-year"))
    state = AccountActivity.objects.filter(pk=account.pk).first()
    return summary_of(rows=rows, state=state, now=now)


def summary_of(
    *, rows: list[ContributionYear], state: AccountActivity | None, now: datetime
) -> ActivitySummary:
    """The summary from years already read (newest first) and the bookkeeping row."""
    days: dict[date, int] = {}
    for row in rows:
        days.update(year_days(row.year, row.days))
    all_time = Totals(year=None)
    years = []
    for row in rows:
        totals = _totals(row)
        years.append(totals)
        for name in ("total", "commits", "issues", "pull_requests", "reviews", "restricted"):
            setattr(all_time, name, getattr(all_time, name) + getattr(totals, name))
        all_time.repositories += totals.repositories
    recent = (
        None
        if rows or state is None
        else recent_activity_of(recent=state.recent, today=today_utc(now))
    )
    return ActivitySummary(
        source="calendar" if rows else ("public_events" if recent else "none"),
        recent=recent,
        years=years,
        all_time=all_time,
        streaks=streaks_compute(days, today=today_utc(now)),
        busiest_weekday=busiest_weekday(days),
        first_year=rows[-1].year if rows else None,
        fetched_at=state.calendar_fetched_at if state else None,
        pending=bool(state and state.pending_since and state.pending_since > now - PENDING_FOR),
    )


def account_activity_calendar(
    *, account: GitHubAccount, year: int | None = None, now: datetime | None = None
) -> ActivityCalendar | None:
    """One year's calendar (None: the current year), every day up to today with its shade;
    None when that year is not stored (outside the account's life, or not fetched yet). One
    query."""
    today = today_utc(now)
    year = year or today.year
    row = ContributionYear.objects.filter(account=account, year=year).first()
    return calendar_of(row=row, now=now) if row is not None else None


def calendar_of(*, row: ContributionYear, now: datetime | None = None) -> ActivityCalendar:
    """The calendar of a year already read."""
    today = today_utc(now)
    year = row.year
    counts = year_days(year, row.days)
    last = min(date(year, 12, 31), today)
    span = [date(year, 1, 1) + timedelta(days=i) for i in range((last - date(year, 1, 1)).days + 1)]
    shades = levels(counts.get(day, 0) for day in span)
    return ActivityCalendar(
        year=year,
        days=[
            CalendarDay(d, counts.get(d, 0), shade) for d, shade in zip(span, shades, strict=True)
        ],
        totals=_totals(row),
        by_repository=[(str(name), int(n)) for name, n in row.by_repository or []],
    )


def _totals(row: ContributionYear) -> Totals:
    return Totals(
        year=row.year,
        total=row.total,
        commits=row.commits,
        issues=row.issues,
        pull_requests=row.pull_requests,
        reviews=row.reviews,
        repositories=row.repositories,
        restricted=row.restricted,
    )
