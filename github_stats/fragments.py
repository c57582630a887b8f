"""The rendered HTML of the account-specific parts of the dashboard and the watchlist, cached.

A profile showed a cached dashboard spending its time rendering templates (history SVGs, the
repository table, language legends), not in SQL, so what is cached here is the finished markup:

    dashboard (/u/<login>)   profile header, figure cards (per history range), history charts
                             (per range), languages, repository table (per sort, filters, page and
                             history range: its links carry the range)
    watchlist                each account's row (figures, changes, sparkline)

Keys (one `get_many` per page for every fragment it shows):

    github_stats:frag:<account id>:<cache version>:<fetched_at>:<today>:<code digest>:<part>

- cache version: `caching.account_cache_version`, replaced by every refresh
  (`account_cache_invalidate`), so a refresh invalidates every fragment of the account at once;
- today (UTC): the figure cards' 7/30-day changes and the history windows end today;
- code digest: of the templates and the modules that shape the markup, so a deploy that changes
  them never serves the old markup from the cache.

Relative times ("12 min ago") are not frozen in the cache: the `<time>` elements the `reltime` tag
renders are kept, and their text is worked out again for this moment on every read
(`current_times`); only the tag's own markup can match, since GitHub's strings are escaped.

Nothing about the person looking is ever in a fragment (Track/Untrack state, CSRF token, messages,
the Refresh button or a job's state): the page renders those around the fragments. Fragments are
rendered without a request, so no context processor runs: a fragment that reached for `user` or
`csrf_token` would render them empty rather than serve one person's to another.

With the cache down (django-redis IGNORE_EXCEPTIONS) every read is a miss and the fragments are
rendered from the selectors, which read the database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from github_stats import charts, formatting, selectors
from github_stats.caching import account_cache_version
from github_stats.models import Account, account_cache_version_key, today_utc
from github_stats.selectors import (
    CACHE_TIMEOUT,
    DEFAULT_HISTORY_DAYS,
    WATCHLIST_DAYS,
    RepoQuery,
    WatchlistRow,
)

ACCOUNT_TEMPLATE = "github_stats/account.html"
WATCHLIST_TEMPLATE = "github_stats/watchlist.html"

# The parts each answer shows: the whole page, the table alone, the charts (with the table out of
# band, whose links carry the range).
PAGE_PARTS = ("profile", "figures", "history", "languages", "repos")
REPOS_PARTS = ("repos",)
HISTORY_PARTS = ("history", "repos")


_NOTHING = SafeString("")


@dataclass(frozen=True)
class DashboardFragments:
    """Rendered parts of /u/<login>; the ones not asked for are empty."""

    repo_query: RepoQuery  # the table's state as shown (a page past the end is the last one)
    cache_version: str  # the account's, as read before its parts (github_stats/page_cache.py)
    profile: SafeString = _NOTHING
    figures: SafeString = _NOTHING
    history: SafeString = _NOTHING
    languages: SafeString = _NOTHING
    repos: SafeString = _NOTHING


@dataclass(frozen=True)
class WatchlistItem:
    """One watchlist row: its figures, its cached cells and where its Untrack button posts."""

    row: WatchlistRow
    html: SafeString
    untrack_url: str
    cache_version: str  # the account's, as read before its cells (github_stats/page_cache.py)

    @property
    def profile(self) -> selectors.Profile:
        return self.row.profile


# --- The dashboard --------------------------------------------------------------------------


def account_fragments(
    *,
    account: Account,
    repo_query: RepoQuery,
    history_days: int = DEFAULT_HISTORY_DAYS,
    parts: Sequence[str] = PAGE_PARTS,
    now: datetime | None = None,
) -> DashboardFragments:
    """The dashboard's parts in one cache round trip (plus one for the account's version); the
    missing ones are rendered from `selectors.account_page_data` and stored."""
    now = now or timezone.now()
    if history_days not in selectors.HISTORY_RANGES:
        history_days = DEFAULT_HISTORY_DAYS
    version = account_cache_version(account_id=account.pk)
    prefix = _prefix_of(account.pk, version, account.fetched_at, today_utc(now))
    keys = {part: f"{prefix}:{_part_name(part, repo_query, history_days)}" for part in parts}
    found: dict[str, Any] = cache.get_many(list(keys.values()))
    values = {part: found[key] for part, key in keys.items() if key in found}

    missing = [part for part in parts if part not in values]
    if missing:
        rendered = _render_dashboard_parts(account, repo_query, history_days, missing, now)
        cache.set_many({keys[part]: value for part, value in rendered.items()}, CACHE_TIMEOUT)
        values.update(rendered)

    html = {part: current_times(values[part][0], now) for part in parts}
    shown_query = RepoQuery.parse(values["repos"][1]) if "repos" in values else repo_query
    return DashboardFragments(repo_query=shown_query, cache_version=version, **html)


def account_fragment_keys(
    *,
    account: Account,
    repo_query: RepoQuery,
    history_days: int,
    parts: Sequence[str] = PAGE_PARTS,
    now: datetime | None = None,
) -> dict[str, str]:
    """The cache key of each part in this state (reads the account's cache version)."""
    prefix = _prefix(account, today_utc(now or timezone.now()))
    return {part: f"{prefix}:{_part_name(part, repo_query, history_days)}" for part in parts}


def _part_name(part: str, query: RepoQuery, days: int) -> str:
    if part in ("figures", "history"):
        return f"{part}:{days}"
    if part == "repos":
        return f"repos:{query.sort}:{int(query.forks)}:{int(query.archived)}:{query.page}:{days}"
    return part


def _render_dashboard_parts(
    account: Account, query: RepoQuery, days: int, parts: Iterable[str], now: datetime
) -> dict[str, tuple[str, dict[str, str]]]:
    """Each part as (html, the table's shown state): plain values, so an entry cached by one
    release never fails to unpickle in the next."""
    dashboard, repos, history = selectors.account_page_data(
        account=account, repo_query=query, history_days=days, now=now
    )
    context = {
        "login": account.login,
        "profile": dashboard.profile,
        "dashboard": dashboard,
        "repos": repos,
        "history": history,
        "history_days": days,
        "default_history_days": DEFAULT_HISTORY_DAYS,
        "page_url": reverse("account_dashboard", kwargs={"login": account.login}),
    }
    shown = repos.query.params()
    return {
        part: (str(render_to_string(f"{ACCOUNT_TEMPLATE}#{part}_fragment", context)), shown)
        for part in parts
    }


# --- The watchlist --------------------------------------------------------------------------


def watchlist_items(
    *, rows: Sequence[WatchlistRow], now: datetime | None = None
) -> list[WatchlistItem]:
    """Each row's cells (all but the person's own Untrack button), from the cache in one round
    trip (plus one for the accounts' versions), the missing ones rendered and stored."""
    now = now or timezone.now()
    today = today_utc(now)
    versions = _account_versions([row.profile.id for row in rows])
    keys = [
        f"{_prefix_of(row.profile.id, versions[row.profile.id], row.profile.fetched_at, today)}"
        f":watchrow:{int(row.profile.is_stale)}"
        for row in rows
    ]
    found: dict[str, Any] = cache.get_many(keys)
    missing: dict[str, tuple[str, str]] = {}
    items = []
    for row, key in zip(rows, keys, strict=True):
        if key in found:
            html, untrack_url = found[key]
        else:
            context = {"row": row, "days": WATCHLIST_DAYS}
            html = str(render_to_string(f"{WATCHLIST_TEMPLATE}#row_fragment", context))
            # Not about the person: the same URL for everyone (the session says whose list).
            untrack_url = reverse("watchlist_untrack", kwargs={"login": row.profile.login})
            missing[key] = (html, untrack_url)
        html = current_times(html, now)
        version = versions[row.profile.id]
        items.append(
            WatchlistItem(row=row, html=html, untrack_url=untrack_url, cache_version=version)
        )
    if missing:
        cache.set_many(missing, CACHE_TIMEOUT)
    return items


def _account_versions(account_ids: Sequence[int]) -> dict[int, str]:
    """Every account's cache version in one round trip; a lost one is replaced as
    `account_cache_version` does (never by one that could bring back older entries)."""
    keys = {account_id: account_cache_version_key(account_id) for account_id in account_ids}
    found = cache.get_many(list(keys.values()))
    return {
        account_id: str(found[key])
        if key in found
        else account_cache_version(account_id=account_id)
        for account_id, key in keys.items()
    }


# --- Keys and relative times ----------------------------------------------------------------


def _prefix(account: Account, today: date) -> str:
    version = account_cache_version(account_id=account.pk)
    return _prefix_of(account.pk, version, account.fetched_at, today)


def _prefix_of(account_id: int, version: str, fetched_at: datetime | None, today: date) -> str:
    fetched = int(fetched_at.timestamp()) if fetched_at else 0
    day = today.isoformat()
    return f"github_stats:frag:{account_id}:{version}:{fetched}:{day}:{code_digest()}"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Of the templates and the modules that shape the cached markup (read once per process)."""
    digest = hashlib.sha256()
    engine = engines["django"].engine  # type: ignore[attr-defined]
    sources = [
        engine.get_template(name).origin.name for name in (ACCOUNT_TEMPLATE, WATCHLIST_TEMPLATE)
    ]
    sources += [module.__file__ or "" for module in (charts, formatting, selectors)]
    sources.append(str(Path(__file__).with_name("templatetags") / "gitpulse.py"))
    for source in sources:
        digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:12]


# Exactly what the `reltime` tag renders. GitHub's strings are escaped (no raw "<"), so nothing
# else in a fragment can look like this.
_RELATIVE_TIME = re.compile(r'<time datetime="([^"<>]+)" title="([^"<>]*)">[^<]*</time>')


def current_times(html: str, now: datetime) -> SafeString:
    """The fragment with its relative times ("12 min ago") as of `now`, not as of its render."""

    if "<time " not in html:  # the charts: most of the markup, and no relative time
        return mark_safe(html)  # noqa: S308 - rendered with autoescaping by our templates

    def retell(match: re.Match[str]) -> str:
        try:
            moment = datetime.fromisoformat(match[1])
        except ValueError:
            return match[0]
        text = escape(formatting.relative_time(moment, now))
        return f'<time datetime="{match[1]}" title="{match[2]}">{text}</time>'

    return mark_safe(_RELATIVE_TIME.sub(retell, html))  # noqa: S308 - our own escaped markup
