"""The dashboard's history panel over the account's whole life, and the figure cards' star
changes where the daily snapshots are younger than the change they would show.

- Stars: the sum of the repositories' star histories (AccountStarHistory, filled in after a
  refresh by services/star_history.py), with how much of the account's stars it covers. Until
  the first fill has stored, the daily snapshots, and the panel says the history is coming.
- Public repositories: counted by each stored repository's `created_at`, which the refresh
  stores anyway: free, and exact for the repositories that still exist (a refresh drops the
  deleted ones, so they are not counted on any day).
- Followers: the daily snapshots only. GitHub keeps no history of followers.

`days` is 30, 90, 365 or None: every day we have ("all", the account's whole life).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from github_stats.models import GitHubAccount, today_utc
from github_stats.selectors.dashboard import (
    DEFAULT_HISTORY_DAYS,
    FIGURE_DAYS,
    HISTORY_RANGES,
    Dashboard,
    Figure,
    History,
    account_dashboard,
)
from github_stats.selectors.repository_dates import RepositoryDates, account_repository_dates
from github_stats.selectors.star_history import (
    PENDING_FOR,
    AccountStarSeries,
    StarCoverage,
    account_star_history,
)

ALL_HISTORY = "all"
# The dashboard's range selector: the snapshots' ranges and the whole life.
DASHBOARD_RANGES: tuple[int | None, ...] = (*HISTORY_RANGES, None)
# Past this many days a chart has a point a week: a decade is ~520 points, not ~3,650.
DAILY_UP_TO_DAYS = 400
DAYS_PER_WEEK = 7
# Up to this range the note under a chart names the missing days; past it a day is about a
# pixel of the chart and the names would point at nothing one can find: the count only.
GAPS_NAMED_UP_TO_DAYS = 90

Points = list[tuple[date, int]]


def history_days_parse(raw: str | None) -> int | None:
    """`?days=`: 30, 90, 365, or "all" (None). Anything else is the default, so an old or
    mistyped link still opens the page."""
    if raw is None:
        return DEFAULT_HISTORY_DAYS
    if raw.strip().lower() == ALL_HISTORY:
        return None
    try:
        days = int(raw)
    except ValueError:
        return DEFAULT_HISTORY_DAYS
    return days if days in HISTORY_RANGES else DEFAULT_HISTORY_DAYS


def history_days_param(days: int | None) -> str:
    """The `days` of a link: the inverse of history_days_parse."""
    return ALL_HISTORY if days is None else str(days)


@dataclass(frozen=True)
class StarsPanel:
    """The stars chart: the summed star history when a fill has stored one, else the daily
    snapshots (`from_history` False)."""

    points: Points
    from_history: bool
    coverage: StarCoverage
    unattributed: int  # stars of covered repositories GitHub attributes to no day
    pending: bool  # a fill is queued or running, or due (stars, and no summed history yet)
    waiting: int  # starred repositories whose whole history is not in the sum yet

    @property
    def share_percent(self) -> int:
        """Of the stars, rounded down: 99.6 % is not "100 %" while a repository is missing."""
        if self.coverage.whole:
            return 100
        return min(int(self.coverage.share * 100), 99)


@dataclass(frozen=True)
class HistoryGaps:
    """The days of the range the snapshot charts (followers; stars until a star history is
    stored) have no figures for (selectors/history_gaps.py), oldest first."""

    days: list[date]
    named: bool  # the note names the days (a short range), else it gives their count only
    breaks: list[date]  # where a daily line breaks; none when the charts are weekly

    def __bool__(self) -> bool:
        return bool(self.days)


@dataclass(frozen=True)
class AccountCharts:
    """The dashboard's history panel."""

    days: int | None
    stars: StarsPanel
    followers: Points
    repositories: Points
    repositories_dated: int  # stored repositories with a creation date (those counted)
    gaps: HistoryGaps


@dataclass(frozen=True)
class DashboardPage:
    """The dashboard (its star changes completed from the star history) and its charts."""

    dashboard: Dashboard
    charts: AccountCharts


def account_dashboard_page(
    *, account: GitHubAccount, days: int | None, now: datetime | None = None
) -> DashboardPage:
    """Everything /u/<login> shows beside the table. 3 queries: the snapshots (figures,
    followers), the summed star history (one row), the repositories' dates
    (selectors/repository_dates.py); the last two none when an organisation's activity panel
    has read them from this account row already."""
    now = now or timezone.now()
    today = today_utc(now)
    dashboard = account_dashboard(account=account, history_days=days, now=now)
    days = dashboard.history.days
    # Daily, and back far enough for the figures' 30-day change too.
    reach = None if days is None else today - timedelta(days=max(days, FIGURE_DAYS))
    summed = account_star_history(account=account, interval="day", start=reach, now=now)
    repositories = account_repository_dates(account=account)
    starred = sum(1 for repository in repositories if repository.stars > 0)
    first = None if days is None else today - timedelta(days=days)
    followers = _since([(p.date, p.followers) for p in dashboard.history.points], first)
    missing = dashboard.history.missing_days  # of the range already
    charts = AccountCharts(
        days=days,
        stars=_stars_panel(
            account, summed, dashboard.history, starred=starred, first=first, now=now
        ),
        followers=_coarse(followers),
        repositories=_coarse(_repositories_over_time(repositories, first=first, today=today)),
        repositories_dated=sum(1 for r in repositories if r.created_on is not None),
        gaps=HistoryGaps(
            days=missing,
            named=days is not None and days <= GAPS_NAMED_UP_TO_DAYS,
            breaks=[] if _weekly(followers) else missing,
        ),
    )
    figures = figures_from_star_history(figures=dashboard.figures, summed=summed, today=today)
    return DashboardPage(dashboard=replace(dashboard, figures=figures), charts=charts)


def figures_from_star_history(
    *, figures: list[Figure], summed: AccountStarSeries, today: date
) -> list[Figure]:
    """The stars card's 7- and 30-day changes from the star history where no snapshot is that
    old yet (None), only when the sum covers every starred repository: a partial sum would
    show part of the change as if it were all of it. `summed` is daily and reaches back 30
    days. (Stars given and taken back since do not show in a history: it counts the stars
    that still exist by the day they were given.)"""
    series = summed.series
    if not summed.coverage.whole or series.fetched_at is None:
        return figures
    totals = {point.date: point.total for point in series.points}

    def total_on(day: date) -> int | None:
        if day in totals:
            return totals[day]
        if series.first_star is None or day < series.first_star:
            return 0  # before the first star
        return None  # outside what was read: no honest answer

    def change(days: int) -> int | None:
        now, before = total_on(today), total_on(today - timedelta(days=days))
        return None if now is None or before is None else now - before

    return [
        replace(
            figure,
            change_7d=change(7) if figure.change_7d is None else figure.change_7d,
            change_30d=change(30) if figure.change_30d is None else figure.change_30d,
        )
        if figure.key == "total_stars"
        else figure
        for figure in figures
    ]


def _stars_panel(
    account: GitHubAccount,
    summed: AccountStarSeries,
    snapshots: History,
    *,
    starred: int,
    first: date | None,
    now: datetime,
) -> StarsPanel:
    series, coverage = summed.series, summed.coverage
    from_history = series.fetched_at is not None and coverage.repositories_covered > 0
    if from_history:
        points = _since([(point.date, point.total) for point in series.points], first)
    else:
        points = _since([(p.date, p.total_stars) for p in snapshots.points], first)
    return StarsPanel(
        points=_coarse(points),
        from_history=from_history,
        coverage=coverage,
        unattributed=series.unattributed if from_history else 0,
        pending=_stars_pending(account, summed, now=now),
        waiting=max(starred - coverage.repositories_covered, 0),
    )


def _stars_pending(account: GitHubAccount, summed: AccountStarSeries, *, now: datetime) -> bool:
    """A fill is queued or running; or the account has stars and no sum was ever stored, and
    was refreshed so recently that the fill its refresh queues is surely on its way. (Past
    PENDING_FOR, or with fetching switched off, nothing is coming: the page stops asking.)"""
    if summed.series.pending:
        return True
    if summed.series.fetched_at is not None or account.total_stars <= 0:
        return False
    fetched_at = account.fetched_at
    return (
        bool(settings.STAR_HISTORY_FETCH)
        and fetched_at is not None
        and fetched_at > now - PENDING_FOR
    )


def _repositories_over_time(
    repositories: list[RepositoryDates], *, first: date | None, today: date
) -> Points:
    """How many of the stored repositories existed at the end of each day, from `first` (None:
    the first one's creation) to today; nothing when none has a creation date."""
    days = [r.created_on for r in repositories if r.created_on is not None]
    if not days:
        return []
    start = days[0] if first is None else first
    if start > today:
        return []
    per_day: dict[date, int] = {}
    total = 0
    for day in days:  # oldest first (ordered by the query)
        if day < start:
            total += 1
        else:
            per_day[day] = per_day.get(day, 0) + 1
    points = []
    day = start
    while day <= today:
        total += per_day.get(day, 0)
        points.append((day, total))
        day += timedelta(days=1)
    return points


def _since(points: Points, first: date | None) -> Points:
    return points if first is None else [point for point in points if point[0] >= first]


def _coarse(points: Points) -> Points:
    """A long series as the last point of each week (Sunday to Saturday, as GitHub's weeks),
    its first point kept: every series here is a level at the end of a day, so a week's last
    point stands for the week. Sparse series (snapshots) keep every week they have a day of."""
    if not _weekly(points):
        return points
    by_week: dict[date, tuple[date, int]] = {}
    for point in points[1:]:  # oldest first: a later day of the week replaces an earlier one
        by_week[point[0] - timedelta(days=(point[0].weekday() + 1) % DAYS_PER_WEEK)] = point
    return [points[0], *by_week.values()]


def _weekly(points: Points) -> bool:
    """Whether _coarse thins the series to a point a week."""
    return len(points) >= 2 and (points[-1][0] - points[0][0]).days > DAILY_UP_TO_DAYS
