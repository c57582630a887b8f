"""An account's figure cards, languages and daily history: what /u/<login> and
GET /api/v1/accounts/{login} show beside the repository table."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Protocol, TypeVar

from django.utils import timezone
from pydantic import Field

from github_stats.models import AccountSnapshot, GitHubAccount, today_utc
from github_stats.selectors.accounts import Profile, account_on_watchlist, account_profile
from github_stats.selectors.history_gaps import (
    MissingDaysTally,
    missing_days_of,
    snapshots_daily_from,
)
from github_stats.ui.charts import Series
from github_stats.ui.languages import LanguageShare, top_shares

HISTORY_RANGES = (30, 90, 365)
DEFAULT_HISTORY_DAYS = 90
# A snapshot missed on the exact day still answers "how much in 7 days" if it is this close.
CHANGE_SLACK_DAYS = 7
# The figure cards compare with 30 days ago: this much history is read for them at least.
FIGURE_DAYS = 30 + CHANGE_SLACK_DAYS

Metric = Literal["total_stars", "followers", "public_repos", "following", "total_forks"]
# The figure cards, in order: each metric and what people call it.
METRIC_LABELS: dict[Metric, str] = {
    "followers": "Followers",
    "following": "Following",
    "public_repos": "Public repos",
    "total_stars": "Total stars",
    "total_forks": "Total forks",
}
# The same metrics where a chart or a legend names them.
METRIC_CHART_LABELS: dict[Metric, str] = {
    "total_stars": "Stars",
    "followers": "Followers",
    "public_repos": "Repositories",
    "following": "Following",
    "total_forks": "Forks",
}


@dataclass(frozen=True)
class Figure:
    """One figure card: the value now and its change over 7 and 30 days (None: no snapshot that
    old yet, so no honest change to show)."""

    key: str
    label: str
    value: int
    change_7d: Annotated[int | None, Field(description="Null until a snapshot 7 days old.")]
    change_30d: Annotated[int | None, Field(description="Null until a snapshot 30 days old.")]


@dataclass(frozen=True)
class Languages:
    """Top languages (plus "Other") of the non-fork repositories: by bytes (needs a GitHub
    token on this server; may be empty) and by each repository's primary language."""

    by_bytes: Annotated[list[LanguageShare], Field(description="Needs a GitHub token.")]
    by_repos: list[LanguageShare]


# Not frozen: a year's history of four compared accounts is ~1,500 of these per render, and a
# frozen dataclass's __init__ (object.__setattr__ per field) costs four times a plain one's.
# Nothing writes to them.
@dataclass
class HistoryPoint:
    date: date
    followers: int
    following: int
    public_repos: int
    total_stars: int
    total_forks: int


# Every column of a point, in order: the export's header and the read's columns.
HISTORY_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(HistoryPoint))
# Rows per fetch of an export's cursor: memory bounded by this, not by the years of history.
HISTORY_CHUNK = 250


@dataclass(frozen=True)
class History:
    """Daily snapshots over the last `days` days (None: every day we have), oldest first, and
    the days among them with no snapshot (selectors/history_gaps.py)."""

    days: int | None
    points: Annotated[list[HistoryPoint], Field(description="One per day we have, oldest first.")]
    missing_days: list[date] = field(default_factory=list)

    def series(self, metric: Metric, label: str) -> Series:
        return Series(label, [(p.date, getattr(p, metric)) for p in self.points])

    def values(self, metric: Metric) -> list[int]:
        return [getattr(p, metric) for p in self.points]

    def since(self, days: int | None, *, today: date) -> History:
        if days is None:
            return History(days=None, points=self.points, missing_days=self.missing_days)
        first = today - timedelta(days=days)
        return History(
            days=days,
            points=[p for p in self.points if p.date >= first],
            missing_days=[day for day in self.missing_days if day >= first],
        )


@dataclass(frozen=True)
class Dashboard:
    """Everything on /u/<login> but the repository table (and each account compared)."""

    profile: Profile
    figures: list[Figure]
    languages: Languages
    history: History


def account_dashboard(
    *,
    account: GitHubAccount,
    history_days: int | None = DEFAULT_HISTORY_DAYS,
    now: datetime | None = None,
) -> Dashboard:
    """Profile, figure cards, languages and `history_days` of history (None: every day we
    have). 1 query (the snapshots): the rest is on the account row."""
    now = now or timezone.now()
    days = history_days
    if days is not None and days not in HISTORY_RANGES:
        days = DEFAULT_HISTORY_DAYS
    reach = None if days is None else max(days, FIGURE_DAYS)
    watched = [account.pk] if account_on_watchlist(account=account) else []
    snapshots = accounts_history(
        account_ids=[account.pk], days=reach, now=now, on_watchlist=watched
    )
    return dashboard_of(account=account, history=snapshots[account.pk], days=days, now=now)


def dashboard_of(
    *, account: GitHubAccount, history: History, days: int | None, now: datetime
) -> Dashboard:
    """The dashboard from a history already read (reaching back `days` and FIGURE_DAYS)."""
    today = today_utc(now)
    return Dashboard(
        profile=account_profile(account=account, now=now),
        figures=account_figures(account=account, history=history, today=today),
        languages=account_languages(account=account),
        history=history.since(days, today=today),
    )


def account_figures(*, account: GitHubAccount, history: History, today: date) -> list[Figure]:
    """The figure cards: today's values from the account row (as fresh as any snapshot), and
    their changes from the snapshots in `history` (which must reach back FIGURE_DAYS)."""
    before_7 = point_on_or_before(history.points, today - timedelta(days=7))
    before_30 = point_on_or_before(history.points, today - timedelta(days=30))
    figures = []
    for key, label in METRIC_LABELS.items():
        value = int(getattr(account, key))
        figures.append(
            Figure(
                key=key,
                label=label,
                value=value,
                change_7d=None if before_7 is None else value - getattr(before_7, key),
                change_30d=None if before_30 is None else value - getattr(before_30, key),
            )
        )
    return figures


def account_languages(*, account: GitHubAccount) -> Languages:
    """From the sums every refresh stores on the account: no query."""
    return Languages(
        by_bytes=top_shares(_counts(account.language_bytes)),
        by_repos=top_shares(_counts(account.language_repos)),
    )


def accounts_history(
    *,
    account_ids: Iterable[int],
    days: int | None,
    now: datetime | None = None,
    on_watchlist: Collection[int] = (),
) -> dict[int, History]:
    """History for many accounts in one query (the dashboard's, the API's, compare's charts);
    `days` back from today, or (None) every day we have. The missing days of each come from
    the same rows; those of the `on_watchlist` accounts (refreshed every day) run up to
    yesterday."""
    ids = list(account_ids)
    today = today_utc(now)
    daily_from = snapshots_daily_from(today=today)
    points: dict[int, list[HistoryPoint]] = {pk: [] for pk in ids}
    for account_id, day, followers, following, repos, stars, forks in _snapshot_rows(
        ids, days=days, now=now
    ):
        points[account_id].append(HistoryPoint(day, followers, following, repos, stars, forks))
    return {
        pk: History(
            days=days,
            points=pts,
            missing_days=missing_days_of(
                days=(p.date for p in pts),
                today=today,
                on_watchlist=pk in on_watchlist,
                daily_from=daily_from,
            ),
        )
        for pk, pts in points.items()
    }


def account_history_rows(
    *,
    account: GitHubAccount,
    days: int | None,
    now: datetime | None = None,
    gaps: MissingDaysTally | None = None,
) -> Iterator[HistoryPoint]:
    """The account's daily points, oldest first, over `days` days as the dashboard counts
    them (None: every day we have), read in chunks: the exports' reader, constant in memory
    for ten years of days. 1 query (a server-side cursor on PostgreSQL). `gaps` (from
    history_gaps_tally) is fed each day as it passes: the missing days, once read through."""
    rows = _snapshot_rows([account.pk], days=days, now=now).iterator(chunk_size=HISTORY_CHUNK)
    for _, day, followers, following, repos, stars, forks in rows:
        if gaps is not None:
            gaps.add(day)
        yield HistoryPoint(day, followers, following, repos, stars, forks)


def history_gaps_tally(*, account: GitHubAccount, now: datetime | None = None) -> MissingDaysTally:
    """What account_history_rows feeds: the missing days of the account's streamed history, by
    the rule accounts_history applies."""
    today = today_utc(now)
    return MissingDaysTally(
        today=today,
        on_watchlist=account_on_watchlist(account=account),
        daily_from=snapshots_daily_from(today=today),
    )


def _snapshot_rows(ids: list[int], *, days: int | None, now: datetime | None) -> Any:
    """The snapshot columns a HistoryPoint holds, per account and oldest first; `days` back
    from today (UTC), or all of them."""
    snapshots = AccountSnapshot.objects.filter(account_id__in=ids)
    if days is not None:
        snapshots = snapshots.filter(date__gte=today_utc(now) - timedelta(days=days))
    return snapshots.order_by("account_id", "date").values_list("account_id", *HISTORY_COLUMNS)


_Day = date


class _HasDate(Protocol):
    @property
    def date(self) -> _Day: ...


_Dated = TypeVar("_Dated", bound=_HasDate)


def point_on_or_before(points: Sequence[_Dated], day: date) -> _Dated | None:
    """The snapshot of `day`, or the closest before it within CHANGE_SLACK_DAYS: the base of an
    honest "change since" (None: no snapshot that old yet)."""
    older = [p for p in points if p.date <= day]
    if not older or older[-1].date < day - timedelta(days=CHANGE_SLACK_DAYS):
        return None
    return older[-1]


def _counts(raw: object) -> list[tuple[str, int]]:
    if not isinstance(raw, dict):
        return []
    return [(str(name), value) for name, value in raw.items() if isinstance(value, int)]
