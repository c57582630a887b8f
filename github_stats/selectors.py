"""Reads: what the pages and the API show about an account or a repository.

Selectors return plain frozen dataclasses, never model instances for templates to walk, so a
template cannot run a query and the API and the pages never compute a figure twice. Everything
about an account is cached under a key that includes the account's cache version (bumped by every
refresh, see `Account.cache_version_key`), its `fetched_at` and today's date; a refresh therefore
invalidates every cached read of the account at once, and with the cache down (django-redis
IGNORE_EXCEPTIONS) every read falls back to the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from github_stats.charts import OTHER_LABEL, ChartSeries, Slice
from github_stats.exceptions import AccountHidden, NotFound
from github_stats.formatting import safe_external_url
from github_stats.models import (
    Account,
    AccountSnapshot,
    RefreshJob,
    Repository,
    Tracking,
    today_utc,
)
from github_stats.validation import validate_login, validate_repo_name

# How long a cached read lives at most; a refresh invalidates it sooner through the version key.
CACHE_TIMEOUT = 60 * 60
TOP_LANGUAGES = 8
REPOS_PER_PAGE = 20
HISTORY_RANGES = (30, 90, 365)
DEFAULT_HISTORY_DAYS = 90
# A snapshot missed on the exact day still answers "how much in 7 days" if it is this close.
_CHANGE_SLACK_DAYS = 7

RepoSortKey = Literal["stars", "forks", "pushed", "name"]
Metric = Literal["total_stars", "followers", "public_repos", "following", "total_forks"]
_REPO_ORDER: dict[str, tuple[Any, ...]] = {
    "stars": (F("stars").desc(), Lower("name")),
    "forks": (F("forks").desc(), Lower("name")),
    "pushed": (F("pushed_at").desc(nulls_last=True), Lower("name")),
    "name": (Lower("name"),),
}
REPO_SORTS: tuple[RepoSortKey, ...] = ("stars", "forks", "pushed", "name")


# --- What the selectors return --------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """The header of an account page."""

    id: int
    login: str
    kind: str  # "user" | "org"
    name: str
    avatar_url: str
    bio: str
    company: str
    location: str
    blog: str  # as GitHub has it: show as text
    blog_url: str  # "" unless http(s): only this goes into an href
    html_url: str
    joined_at: datetime | None
    fetched_at: datetime | None
    refresh_status: str
    is_stale: bool

    @property
    def display_name(self) -> str:
        return self.name or self.login

    @property
    def is_org(self) -> bool:
        return self.kind == "org"


@dataclass(frozen=True)
class Figure:
    """One figure card: the value now and its change over 7 and 30 days (None: no snapshot that
    old yet, so no honest change to show)."""

    key: str
    label: str
    value: int
    change_7d: int | None
    change_30d: int | None


@dataclass(frozen=True)
class Languages:
    """Top languages (plus "Other") by bytes (needs a token; may be empty) and by repository count
    (each non-fork repository's primary language)."""

    by_bytes: list[Slice]
    by_repos: list[Slice]


@dataclass(frozen=True)
class RepoQuery:
    """The repository table's state, parsed from query parameters; never raises on bad input."""

    sort: RepoSortKey = "stars"
    forks: bool = False  # include forks
    archived: bool = True  # include archived repositories
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> RepoQuery:
        """Links carry only what differs from the defaults (forks=1, archived=0). The filter form
        also sends `f=1`: an unticked box sends nothing, so then a missing `archived` is off."""
        sort = params.get("sort", "stars")
        try:
            page = int(params.get("page", "1"))
        except (TypeError, ValueError):
            page = 1
        on, off = ("1", "on", "true"), ("0", "off", "false")
        archived = params.get("archived", "")
        return cls(
            sort=sort if sort in REPO_SORTS else "stars",  # type: ignore[arg-type]
            forks=params.get("forks") in on,
            archived=archived in on if "f" in params else archived not in off,
            page=min(max(page, 1), 10_000),
        )

    def params(self, **changes: Any) -> dict[str, str]:
        """The query parameters of this state (with `changes`), defaults left out."""
        state = replace(self, **changes)
        params: dict[str, str] = {}
        if state.sort != "stars":
            params["sort"] = state.sort
        if state.forks:
            params["forks"] = "1"
        if not state.archived:
            params["archived"] = "0"
        if state.page > 1:
            params["page"] = str(state.page)
        return params

    def querystring(self, **changes: Any) -> str:
        """ "?sort=name&forks=1": a link to this table with some of its state changed."""
        return "?" + urlencode(self.params(**changes))


@dataclass(frozen=True)
class RepoRow:
    name: str
    full_name: str
    description: str
    language: str
    stars: int
    forks: int
    open_issues: int
    is_fork: bool
    archived: bool
    pushed_at: datetime | None
    html_url: str  # http(s) only, else ""
    topics: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RepoPage:
    rows: list[RepoRow]
    query: RepoQuery
    total: int
    num_pages: int

    @property
    def page(self) -> int:
        return self.query.page

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1

    @property
    def has_next(self) -> bool:
        return self.query.page < self.num_pages


@dataclass(frozen=True)
class HistoryPoint:
    date: date
    followers: int
    following: int
    public_repos: int
    total_stars: int
    total_forks: int


@dataclass(frozen=True)
class History:
    """Daily snapshots over the last `days` days, oldest first."""

    days: int
    points: list[HistoryPoint]

    def series(self, metric: Metric, label: str) -> ChartSeries:
        return ChartSeries(label, [(p.date, getattr(p, metric)) for p in self.points])

    def values(self, metric: Metric) -> list[int]:
        return [getattr(p, metric) for p in self.points]


@dataclass(frozen=True)
class Dashboard:
    """Everything on /u/<login> that does not depend on the table's or the chart's state."""

    profile: Profile
    figures: list[Figure]
    languages: Languages


@dataclass(frozen=True)
class RepositoryDetail:
    owner: Profile
    name: str
    full_name: str
    description: str
    language: str
    languages: list[Slice]  # by bytes; the primary language alone when sizes were not fetched
    languages_measured: bool  # False: `languages` holds the primary language only
    stars: int
    forks: int
    open_issues: int
    watchers: int
    size_kb: int
    is_fork: bool
    archived: bool
    topics: list[str]
    license_spdx: str
    default_branch: str
    html_url: str  # http(s) only, else ""
    homepage: str  # as GitHub has it
    homepage_url: str  # http(s) only, else ""
    pushed_at: datetime | None
    created_at: datetime | None
    fetched_at: datetime | None


@dataclass(frozen=True)
class Suggestion:
    login: str
    name: str
    kind: str
    avatar_url: str


# --- Lookups --------------------------------------------------------------------------------


def account_find(*, login: str) -> Account | None:
    """The stored account with this login (any case), or None if we do not have it yet.
    Raises InvalidLogin before any query, AccountHidden if moderation hid it."""
    login = validate_login(login)
    account = Account.objects.by_login(login).first()
    if account is not None and account.hidden:
        raise AccountHidden()
    return account


def account_get_visible(*, login: str) -> Account:
    """Like `account_find`, but a login we do not store is NotFound (the API's view of it)."""
    account = account_find(login=login)
    if account is None:
        raise NotFound(f"We have no data for {login!r} yet.")
    return account


def repository_find(*, owner: Account, name: str) -> Repository | None:
    """The owner's repository with this name (any case), or None. Raises InvalidLogin."""
    name = validate_repo_name(name)
    return (
        Repository.objects.for_account(owner)
        .alias(name_lower=Lower("name"))
        .filter(name_lower=name.lower())
        .order_by("-fetched_at")
        .first()
    )


def account_is_tracked(*, user: Any, account: Account) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Tracking.objects.filter(user=user, account=account).exists()


def refresh_job_get(*, job_id: Any) -> RefreshJob | None:
    """The job with this id, or None for an unknown or malformed id (never a 500)."""
    try:
        return RefreshJob.objects.filter(pk=job_id).first()
    except (ValidationError, ValueError, TypeError):  # a malformed UUID
        return None


def account_search_suggestions(*, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Stored, visible accounts whose login starts with `prefix` (any case), shortest first.
    The range on LOWER(login) lets the database walk the unique LOWER(login) index; the LIKE
    keeps the answer exact whatever the collation."""
    prefix = prefix.strip().lstrip("@").lower()
    if not prefix or len(prefix) > 39 or not all(ch.isalnum() or ch == "-" for ch in prefix):
        return []
    if not prefix.isascii():
        return []
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    rows = (
        Account.objects.visible()
        .alias(login_lower=Lower("login"))
        .filter(login_lower__gte=prefix, login_lower__lt=upper, login_lower__startswith=prefix)
        .order_by("login_lower")
        .values_list("login", "name", "kind", "avatar_url")[: limit * 4]
    )
    found = sorted(rows, key=lambda row: (len(row[0]), row[0].lower()))[:limit]
    return [Suggestion(login=r[0], name=r[1], kind=r[2], avatar_url=r[3]) for r in found]


# --- Account reads (cached) -----------------------------------------------------------------


def _cache_prefix(account: Account, today: date) -> str:
    version = cache.get(account.cache_version_key) or 0
    fetched = int(account.fetched_at.timestamp()) if account.fetched_at else 0
    return f"github_stats:sel:{account.pk}:{version}:{fetched}:{today.isoformat()}"


def _cached_many(keys_and_builders: Sequence[tuple[str, Any]]) -> list[Any]:
    """Read several cached values in one round trip; build and store the missing ones."""
    found = cache.get_many([key for key, _ in keys_and_builders])
    results = []
    missing: dict[str, Any] = {}
    for key, build in keys_and_builders:
        if key in found:
            results.append(found[key])
        else:
            value = build()
            missing[key] = value
            results.append(value)
    if missing:
        cache.set_many(missing, CACHE_TIMEOUT)
    return results


def account_profile(*, account: Account, now: datetime | None = None) -> Profile:
    now = now or timezone.now()
    return Profile(
        id=account.pk,
        login=account.login,
        kind=account.kind,
        name=account.name,
        avatar_url=safe_external_url(account.avatar_url),
        bio=account.bio,
        company=account.company,
        location=account.location,
        blog=account.blog,
        blog_url=safe_external_url(account.blog),
        html_url=safe_external_url(account.html_url) or f"https://github.com/{account.login}",
        joined_at=account.created_at,
        fetched_at=account.fetched_at,
        refresh_status=account.refresh_status,
        is_stale=account.is_stale(now),
    )


def account_dashboard(*, account: Account, now: datetime | None = None) -> Dashboard:
    """Profile, figure cards and languages. Cached; 3 queries on a miss (snapshots, languages by
    count, languages by bytes), plus one when the account has no snapshot yet."""
    now = now or timezone.now()
    today = today_utc(now)
    (dashboard,) = _cached_many(
        [(_dashboard_key(_cache_prefix(account, today)), lambda: _build_dashboard(account, now))]
    )
    return _restamped(dashboard, account, now)


def account_repositories(*, account: Account, query: RepoQuery) -> RepoPage:
    """One page of the repository table. Cached per table state; 2 queries on a miss."""
    prefix = _cache_prefix(account, today_utc())
    (page,) = _cached_many([(_repos_key(prefix, query), lambda: _build_repo_page(account, query))])
    return page


def account_history(*, account: Account, days: int, now: datetime | None = None) -> History:
    """Daily snapshots over the last `days` days. Cached per range; 1 query on a miss."""
    now = now or timezone.now()
    prefix = _cache_prefix(account, today_utc(now))
    (history,) = _cached_many(
        [(_history_key(prefix, days), lambda: _build_history(account, days, now))]
    )
    return history


def account_page_data(
    *,
    account: Account,
    repo_query: RepoQuery | None = None,
    history_days: int = DEFAULT_HISTORY_DAYS,
    now: datetime | None = None,
) -> tuple[Dashboard, RepoPage, History]:
    """The dashboard, one page of repositories and one history range in one cache round trip
    (plus one for the version): what /u/<login> needs, with no query when all three are cached."""
    now = now or timezone.now()
    repo_query = repo_query or RepoQuery()
    history_days = history_days if history_days in HISTORY_RANGES else DEFAULT_HISTORY_DAYS
    prefix = _cache_prefix(account, today_utc(now))
    query = repo_query
    dashboard, repos, history = _cached_many(
        [
            (_dashboard_key(prefix), lambda: _build_dashboard(account, now)),
            (_repos_key(prefix, query), lambda: _build_repo_page(account, query)),
            (
                _history_key(prefix, history_days),
                lambda: _build_history(account, history_days, now),
            ),
        ]
    )
    return _restamped(dashboard, account, now), repos, history


def _dashboard_key(prefix: str) -> str:
    return f"{prefix}:dashboard"


def _repos_key(prefix: str, query: RepoQuery) -> str:
    return f"{prefix}:repos:{query.sort}:{int(query.forks)}:{int(query.archived)}:{query.page}"


def _history_key(prefix: str, days: int) -> str:
    return f"{prefix}:history:{days}"


def _restamped(dashboard: Dashboard, account: Account, now: datetime) -> Dashboard:
    """Staleness is about this moment, not the moment the entry was cached."""
    if dashboard.profile.is_stale != account.is_stale(now):
        return replace(dashboard, profile=account_profile(account=account, now=now))
    return dashboard


def accounts_history(
    *, account_ids: Iterable[int], days: int, now: datetime | None = None
) -> dict[int, History]:
    """History for many accounts in one query (the watchlist's sparklines, compare's charts)."""
    ids = list(account_ids)
    since = today_utc(now) - timedelta(days=days)
    points: dict[int, list[HistoryPoint]] = {pk: [] for pk in ids}
    rows = (
        AccountSnapshot.objects.filter(account_id__in=ids, date__gte=since)
        .order_by("account_id", "date")
        .values_list(
            "account_id",
            "date",
            "followers",
            "following",
            "public_repos",
            "total_stars",
            "total_forks",
        )
    )
    for account_id, day, followers, following, repos, stars, forks in rows:
        points[account_id].append(
            HistoryPoint(
                date=day,
                followers=followers,
                following=following,
                public_repos=repos,
                total_stars=stars,
                total_forks=forks,
            )
        )
    return {pk: History(days=days, points=pts) for pk, pts in points.items()}


# --- Builders (the database side of the cached reads) ---------------------------------------


def _build_dashboard(account: Account, now: datetime) -> Dashboard:
    return Dashboard(
        profile=account_profile(account=account, now=now),
        figures=_build_figures(account, today_utc(now)),
        languages=_build_languages(account),
    )


_FIGURES: tuple[tuple[str, str], ...] = (
    ("followers", "Followers"),
    ("following", "Following"),
    ("public_repos", "Public repos"),
    ("total_stars", "Total stars"),
    ("total_forks", "Total forks"),
)


def _build_figures(account: Account, today: date) -> list[Figure]:
    since = today - timedelta(days=30 + _CHANGE_SLACK_DAYS)
    snapshots = list(
        AccountSnapshot.objects.filter(account=account, date__gte=since)
        .order_by("date")
        .values("date", *(key for key, _ in _FIGURES))
    )
    if snapshots:
        current = dict(snapshots[-1])
    else:
        # No refresh has written a snapshot yet: sum what we store.
        current = Repository.objects.for_account(account).aggregate(
            total_stars=Coalesce(Sum("stars"), 0), total_forks=Coalesce(Sum("forks"), 0)
        )
    # The profile figures come from the account row: it is at least as fresh as any snapshot.
    current.update(
        followers=account.followers, following=account.following, public_repos=account.public_repos
    )

    def value_on_or_before(day: date, key: str) -> int | None:
        older = [s for s in snapshots if s["date"] <= day]
        if not older or older[-1]["date"] < day - timedelta(days=_CHANGE_SLACK_DAYS):
            return None
        value: int = older[-1][key]
        return value

    figures = []
    for key, label in _FIGURES:
        value = int(current[key])
        before_7 = value_on_or_before(today - timedelta(days=7), key)
        before_30 = value_on_or_before(today - timedelta(days=30), key)
        figures.append(
            Figure(
                key=key,
                label=label,
                value=value,
                change_7d=None if before_7 is None else value - before_7,
                change_30d=None if before_30 is None else value - before_30,
            )
        )
    return figures


def top_slices(pairs: Sequence[tuple[str, int]], top: int = TOP_LANGUAGES) -> list[Slice]:
    """The `top` largest (name, value) pairs as shares of the whole, the rest folded into
    "Other". Sorted largest first."""
    pairs = [(name, value) for name, value in pairs if value > 0]
    total = sum(value for _, value in pairs)
    if not total:
        return []
    ordered = sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
    head, tail = ordered[:top], ordered[top:]
    slices = [Slice(name=name, value=value, share=value / total) for name, value in head]
    rest = sum(value for _, value in tail)
    if rest:
        slices.append(Slice(name=OTHER_LABEL, value=rest, share=rest / total))
    return slices


def _build_languages(account: Account) -> Languages:
    own = Repository.objects.for_account(account).non_forks()
    return Languages(
        by_bytes=top_slices(own.languages_by_bytes()),
        by_repos=top_slices(own.languages_by_count()),
    )


def _repo_row(repo: Repository, owner_login: str) -> RepoRow:
    return RepoRow(
        name=repo.name,
        full_name=f"{owner_login}/{repo.name}",
        description=repo.description,
        language=repo.language,
        stars=repo.stars,
        forks=repo.forks,
        open_issues=repo.open_issues,
        is_fork=repo.is_fork,
        archived=repo.archived,
        pushed_at=repo.pushed_at,
        html_url=safe_external_url(repo.html_url),
        topics=[t for t in repo.topics if isinstance(t, str)] if repo.topics else [],
    )


def _build_repo_page(account: Account, query: RepoQuery) -> RepoPage:
    repos = Repository.objects.for_account(account)
    if not query.forks:
        repos = repos.filter(is_fork=False)
    if not query.archived:
        repos = repos.filter(archived=False)
    total = repos.count()
    num_pages = max(1, math.ceil(total / REPOS_PER_PAGE))
    if query.page > num_pages:
        query = replace(query, page=num_pages)
    start = (query.page - 1) * REPOS_PER_PAGE
    page = list(
        repos.order_by(*_REPO_ORDER[query.sort]).only(*_REPO_ROW_FIELDS)[
            start : start + REPOS_PER_PAGE
        ]
    )
    rows = [_repo_row(repo, account.login) for repo in page]
    return RepoPage(rows=rows, query=query, total=total, num_pages=num_pages)


def _build_history(account: Account, days: int, now: datetime) -> History:
    return accounts_history(account_ids=[account.pk], days=days, now=now)[account.pk]


# --- Repository page ------------------------------------------------------------------------


def repository_detail(*, repository: Repository, now: datetime | None = None) -> RepositoryDetail:
    """The repository page's data. No query: `repository.owner` must be loaded already."""
    owner = repository.owner
    sizes = repository.language_bytes if isinstance(repository.language_bytes, dict) else {}
    measured = bool(sizes)
    if measured:
        languages = top_slices([(k, v) for k, v in sizes.items() if isinstance(v, int)])
    elif repository.language:
        languages = [Slice(name=repository.language, value=1, share=1.0)]
    else:
        languages = []
    return RepositoryDetail(
        owner=account_profile(account=owner, now=now),
        name=repository.name,
        full_name=f"{owner.login}/{repository.name}",
        description=repository.description,
        language=repository.language,
        languages=languages,
        languages_measured=measured,
        stars=repository.stars,
        forks=repository.forks,
        open_issues=repository.open_issues,
        watchers=repository.watchers,
        size_kb=repository.size_kb,
        is_fork=repository.is_fork,
        archived=repository.archived,
        topics=[t for t in repository.topics if isinstance(t, str)] if repository.topics else [],
        license_spdx=repository.license_spdx,
        default_branch=repository.default_branch,
        html_url=safe_external_url(repository.html_url)
        or f"https://github.com/{owner.login}/{repository.name}",
        homepage=repository.homepage,
        homepage_url=safe_external_url(repository.homepage),
        pushed_at=repository.pushed_at,
        created_at=repository.created_at,
        fetched_at=repository.fetched_at,
    )


# --- API reads: any window of the repositories, the watchlist, comparisons ------------------


@dataclass(frozen=True)
class RepoSlice:
    """`limit` repositories from `offset`, and how many match in all."""

    items: list[RepoRow]
    count: int


def repositories_list(
    *,
    account: Account,
    sort: RepoSortKey = "stars",
    fork: bool | None = None,
    archived: bool | None = None,
    limit: int = 30,
    offset: int = 0,
) -> RepoSlice:
    """Every repository by default; `fork`/`archived` True or False keep only those that are or
    are not. 2 queries (count, window), not cached: windows are too many to cache usefully."""
    repos = Repository.objects.for_account(account)
    if fork is not None:
        repos = repos.filter(is_fork=fork)
    if archived is not None:
        repos = repos.filter(archived=archived)
    count = repos.count()
    window = repos.order_by(*_REPO_ORDER[sort]).only(*_REPO_ROW_FIELDS)[offset : offset + limit]
    return RepoSlice(items=[_repo_row(repo, account.login) for repo in window], count=count)


_REPO_ROW_FIELDS = (
    "name",
    "description",
    "language",
    "stars",
    "forks",
    "open_issues",
    "is_fork",
    "archived",
    "pushed_at",
    "html_url",
    "topics",
)


@dataclass(frozen=True)
class WatchlistEntry:
    profile: Profile
    followers: int
    public_repos: int
    tracked_since: datetime


def watchlist_list(*, user: Any, now: datetime | None = None) -> list[WatchlistEntry]:
    """The accounts this person watches, most recently added first; hidden accounts are left
    out. 1 query."""
    trackings = (
        Tracking.objects.filter(user=user, account__hidden=False)
        .select_related("account")
        .order_by("-created_at", "-pk")
    )
    return [
        WatchlistEntry(
            profile=account_profile(account=tracking.account, now=now),
            followers=tracking.account.followers,
            public_repos=tracking.account.public_repos,
            tracked_since=tracking.created_at,
        )
        for tracking in trackings
    ]


@dataclass(frozen=True)
class ComparisonEntry:
    profile: Profile
    figures: list[Figure]


def accounts_compare(
    *, logins: Sequence[str], now: datetime | None = None
) -> list[ComparisonEntry]:
    """Profile and figure cards of each stored, visible account, in the order asked (repeats
    dropped). Raises NotFound naming the logins we have no data for (a login GitHub would not
    accept is one of them). 1 query for the accounts, plus the dashboard's queries for each one
    not cached."""
    now = now or timezone.now()
    wanted = list(dict.fromkeys(login.lower() for login in logins))
    found = {
        account.login.lower(): account
        for account in Account.objects.visible()
        .alias(login_lower=Lower("login"))
        .filter(login_lower__in=wanted)
    }
    missing = [login for login in wanted if login not in found]
    if missing:
        raise NotFound(f"We have no data for {', '.join(missing)} yet.")
    accounts = [found[login] for login in wanted]
    today = today_utc(now)
    dashboards = _cached_many(
        [
            (
                _dashboard_key(_cache_prefix(account, today)),
                lambda account=account: _build_dashboard(account, now),
            )
            for account in accounts
        ]
    )
    entries = []
    for account, dashboard in zip(accounts, dashboards, strict=True):
        dashboard = _restamped(dashboard, account, now)
        entries.append(ComparisonEntry(profile=dashboard.profile, figures=dashboard.figures))
    return entries


# --- The watchlist and compare pages (appended) ---------------------------------------------

WATCHLIST_DAYS = 30
WatchlistSortKey = Literal["added", "name", "followers", "stars", "forks", "repos", "change"]
WATCHLIST_SORTS: tuple[WatchlistSortKey, ...] = (
    "added",
    "name",
    "followers",
    "stars",
    "forks",
    "repos",
    "change",
)


@dataclass(frozen=True)
class WatchlistRow:
    """One watched account with its figures and their 30-day trend. `stars`/`forks` come from the
    latest snapshot (None: no snapshot in the window, so nothing honest to show); the changes
    follow the figure cards' rule (None: no snapshot about 30 days old yet)."""

    entry: WatchlistEntry
    stars: int | None
    forks: int | None
    followers_change: int | None
    stars_change: int | None
    stars_trend: list[int]  # daily total stars over the window, oldest first (the sparkline)

    @property
    def profile(self) -> Profile:
        return self.entry.profile


def watchlist_rows(
    *, user: Any, sort: WatchlistSortKey = "added", now: datetime | None = None
) -> list[WatchlistRow]:
    """The watchlist page: `watchlist_list` plus every account's last 30 days of snapshots, sorted.
    2 queries whatever the number of accounts (trackings with their accounts, the snapshots)."""
    now = now or timezone.now()
    entries = watchlist_list(user=user, now=now)
    today = today_utc(now)
    histories = accounts_history(
        account_ids=[entry.profile.id for entry in entries],
        days=WATCHLIST_DAYS + _CHANGE_SLACK_DAYS,
        now=now,
    )
    since = today - timedelta(days=WATCHLIST_DAYS)
    rows = []
    for entry in entries:
        points = histories[entry.profile.id].points
        latest = points[-1] if points else None
        base = _point_on_or_before(points, since)
        rows.append(
            WatchlistRow(
                entry=entry,
                stars=latest.total_stars if latest else None,
                forks=latest.total_forks if latest else None,
                # The profile figure comes from the account row, as on the dashboard.
                followers_change=None if base is None else entry.followers - base.followers,
                stars_change=None
                if base is None or latest is None
                else latest.total_stars - base.total_stars,
                stars_trend=[p.total_stars for p in points if p.date >= since],
            )
        )
    return _watchlist_sorted(rows, sort)


def _point_on_or_before(points: Sequence[HistoryPoint], day: date) -> HistoryPoint | None:
    """The snapshot of `day`, or the closest before it within the figure cards' slack."""
    older = [p for p in points if p.date <= day]
    if not older or older[-1].date < day - timedelta(days=_CHANGE_SLACK_DAYS):
        return None
    return older[-1]


def _watchlist_sorted(rows: list[WatchlistRow], sort: WatchlistSortKey) -> list[WatchlistRow]:
    if sort == "added":
        return rows  # watchlist_list's order: most recently added first
    if sort == "name":
        return sorted(rows, key=lambda row: row.profile.login.lower())
    figure = {
        "followers": lambda row: row.entry.followers,
        "stars": lambda row: row.stars,
        "forks": lambda row: row.forks,
        "repos": lambda row: row.entry.public_repos,
        "change": lambda row: row.stars_change,
    }[sort]
    # Largest first; rows without the figure last; ties by login so the order is stable.
    return sorted(
        rows,
        key=lambda row: (figure(row) is None, -(figure(row) or 0), row.profile.login.lower()),
    )


@dataclass(frozen=True)
class ComparedAccount:
    profile: Profile
    figures: list[Figure]
    languages: Languages
    history: History


@dataclass(frozen=True)
class Comparison:
    """The compare page: the stored, visible accounts in the order asked, and the logins asked
    for that we do not store yet (`unknown`: a refresh may find them) or that moderation hid."""

    accounts: list[ComparedAccount]
    unknown: list[str]
    hidden: list[str]
    days: int


def accounts_comparison(
    *, logins: Sequence[str], days: int = DEFAULT_HISTORY_DAYS, now: datetime | None = None
) -> Comparison:
    """Dashboards (the same cached entries as /u/<login>) and `days` of history of each account.
    Raises InvalidLogin before any query. 2 queries (the accounts, every history) when their
    dashboards are cached, plus the dashboard's queries for each one that is not."""
    now = now or timezone.now()
    days = days if days in HISTORY_RANGES else DEFAULT_HISTORY_DAYS
    wanted = list(dict.fromkeys(validate_login(login).lower() for login in logins))
    # Hidden ones too, to say "not available" rather than queue a refresh (no query if empty).
    matching = Account.objects.alias(login_lower=Lower("login")).filter(login_lower__in=wanted)
    stored = {account.login.lower(): account for account in matching}
    hidden = [login for login in wanted if login in stored and stored[login].hidden]
    unknown = [login for login in wanted if login not in stored]
    accounts = [stored[login] for login in wanted if login in stored and not stored[login].hidden]
    if not accounts:
        return Comparison(accounts=[], unknown=unknown, hidden=hidden, days=days)
    today = today_utc(now)
    dashboards = _cached_many(
        [
            (
                _dashboard_key(_cache_prefix(account, today)),
                lambda account=account: _build_dashboard(account, now),
            )
            for account in accounts
        ]
    )
    histories = accounts_history(account_ids=[a.pk for a in accounts], days=days, now=now)
    compared = []
    for account, dashboard in zip(accounts, dashboards, strict=True):
        dashboard = _restamped(dashboard, account, now)
        compared.append(
            ComparedAccount(
                profile=dashboard.profile,
                figures=dashboard.figures,
                languages=dashboard.languages,
                history=histories[account.pk],
            )
        )
    return Comparison(accounts=compared, unknown=unknown, hidden=hidden, days=days)
