"""A person's watchlist: who they watch with the headline figures (the watchlist page and
GET /api/v1/watchlist read the same rows), and the rows' 30-day trends (the page's changes and
sparklines)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, NamedTuple

from django.db.models import F
from django.utils import timezone
from pydantic import Field

from github_stats.models import (
    AccountSnapshot,
    GitHubAccount,
    Tracking,
    stale_moment,
    today_utc,
)
from github_stats.selectors.accounts import Internal, Named, Profile, account_profile
from github_stats.selectors.dashboard import CHANGE_SLACK_DAYS, point_on_or_before
from github_stats.ui.formatting import safe_external_url

WATCHLIST_DAYS = 30
WatchlistSort = Literal["added", "name", "followers", "stars", "forks", "repos", "change"]
WATCHLIST_SORTS: tuple[WatchlistSort, ...] = (
    "added",
    "name",
    "followers",
    "stars",
    "forks",
    "repos",
    "change",
)


@dataclass(frozen=True)
class WatchlistRow(Named):
    """One watched account and its figures as of its last refresh."""

    login: str
    kind: str
    name: str
    avatar_url: Annotated[str, Field(description="http(s) only, else empty.")]
    followers: int
    public_repos: int
    stars: int
    forks: int
    fetched_at: datetime | None
    stale: bool
    tracked_since: datetime
    # Which row, and its state as read: what a cached page records (github_stats/caching.py).
    account_id: Annotated[int, Internal] = 0
    cache_version: Annotated[str, Internal] = ""
    stale_at: Annotated[datetime | None, Internal] = None


@dataclass(frozen=True)
class WatchlistTrend:
    """A row's change over 30 days (None: no snapshot about 30 days old yet, so nothing honest
    to show) and its total stars per day over them, oldest first (the sparkline)."""

    followers_change: int | None = None
    stars_change: int | None = None
    stars_trend: tuple[int, ...] = ()


class _TrendPoint(NamedTuple):
    date: date
    followers: int
    total_stars: int


def watchlist_rows(*, user: Any, now: datetime | None = None) -> list[WatchlistRow]:
    """The accounts this person watches (hidden ones left out), most recently added first.
    1 query whatever their number: the trackings with their accounts."""
    now = now or timezone.now()
    # Only what a row shows, as plain values: fifty accounts' profiles, languages and refresh
    # bookkeeping, and a hundred model objects, were most of this page's time otherwise.
    columns = {name: F(f"account__{name}") for name in _ROW_FIELDS}
    values = _trackings(user).values(account_pk=F("account_id"), since=F("created_at"), **columns)
    return [
        _row(fields, account_id=fields["account_pk"], tracked_since=fields["since"], now=now)
        for fields in values
    ]


def watchlist_row(
    *, user: Any, account: GitHubAccount, now: datetime | None = None
) -> WatchlistRow:
    """One account's row of this person's watchlist (they watch it). 1 query."""
    tracking = Tracking.objects.get(user=user, account=account)
    fields = {name: getattr(account, name) for name in _ROW_FIELDS}
    return _row(
        fields, account_id=account.pk, tracked_since=tracking.created_at, now=now or timezone.now()
    )


def watchlist_trends(
    *, rows: Sequence[WatchlistRow], now: datetime | None = None
) -> dict[str, WatchlistTrend]:
    """Each row's 30-day trend, by login. 1 query whatever their number: the accounts' last 37
    days of snapshots."""
    since = today_utc(now) - timedelta(days=WATCHLIST_DAYS)
    # Only the two figures a row shows, for fifty accounts' ~2,000 snapshots.
    points: dict[int, list[_TrendPoint]] = {row.account_id: [] for row in rows}
    for account_id, day, followers, stars in (
        AccountSnapshot.objects.filter(
            account_id__in=list(points), date__gte=since - timedelta(days=CHANGE_SLACK_DAYS)
        )
        .order_by("account_id", "date")
        .values_list("account_id", "date", "followers", "total_stars")
    ):
        points[account_id].append(_TrendPoint(day, followers, stars))
    trends: dict[str, WatchlistTrend] = {}
    for row in rows:
        base = point_on_or_before(points[row.account_id], since)
        trends[row.login] = WatchlistTrend(
            followers_change=None if base is None else row.followers - base.followers,
            stars_change=None if base is None else row.stars - base.total_stars,
            stars_trend=tuple(p.total_stars for p in points[row.account_id] if p.date >= since),
        )
    return trends


def watchlist_profiles(*, user: Any, now: datetime | None = None) -> list[Profile]:
    """Who this person watches, most recently added first, without figures (compare's quick
    picks). 1 query."""
    return [account_profile(account=tracking.account, now=now) for tracking in _trackings(user)]


def watchlist_sorted(
    rows: list[WatchlistRow], trends: dict[str, WatchlistTrend], sort: WatchlistSort
) -> list[WatchlistRow]:
    """Largest first for a figure; rows without it last; ties by login so the order is
    stable. "added" keeps the rows' order (most recently added first)."""
    if sort == "added":
        return rows
    if sort == "name":
        return sorted(rows, key=lambda row: row.login.lower())
    figure: Callable[[WatchlistRow], int | None] = {
        "followers": lambda row: row.followers,
        "stars": lambda row: row.stars,
        "forks": lambda row: row.forks,
        "repos": lambda row: row.public_repos,
        "change": lambda row: trends.get(row.login, WatchlistTrend()).stars_change,
    }[sort]
    return sorted(
        rows,
        key=lambda row: (figure(row) is None, -(figure(row) or 0), row.login.lower()),
    )


def _trackings(user: Any) -> Any:
    # The account rows without what no watchlist shows (their languages, the refresh's
    # bookkeeping): fifty accounts' JSON is most of what this query would read otherwise.
    return (
        Tracking.objects.filter(user=user, account__hidden=False)
        .select_related("account")
        .defer(
            "account__repo_page_validators", "account__language_bytes", "account__language_repos"
        )
        .order_by("-created_at", "-pk")
    )


_ROW_FIELDS = (
    "login",
    "kind",
    "name",
    "avatar_url",
    "followers",
    "public_repos",
    "total_stars",
    "total_forks",
    "fetched_at",
    "cache_version",
)


def _row(
    fields: dict[str, Any], *, account_id: int, tracked_since: datetime, now: datetime
) -> WatchlistRow:
    """A row from an account's _ROW_FIELDS."""
    stale_at = stale_moment(fields["fetched_at"])
    return WatchlistRow(
        login=fields["login"],
        kind=fields["kind"],
        name=fields["name"],
        avatar_url=safe_external_url(fields["avatar_url"]),
        followers=fields["followers"],
        public_repos=fields["public_repos"],
        stars=fields["total_stars"],
        forks=fields["total_forks"],
        fetched_at=fields["fetched_at"],
        stale=stale_at is None or stale_at <= now,
        tracked_since=tracked_since,
        account_id=account_id,
        cache_version=fields["cache_version"],
        stale_at=stale_at,
    )
