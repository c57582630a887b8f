"""Whole pages, cached per person: the dashboard (/u/<login>) and the watchlist (/watchlist/).
A page seen a moment ago costs the user query and a few cache reads instead of its queries and
a template render.

Why: with their parts already cached as rendered fragments (github_stats/fragments.py), a
cached dashboard still spent most of its time in Python around them (the ORM building the
account and tracking queries, rendering the page and the layout), and the watchlist in reading
and shaping 30 days of snapshots for every account (docs/pages.md has the profiles). What is
left to do on a hit is to check that nothing the page shows has changed since.

Key, one per person, page and state (the canonical state its links carry):

    github_stats:page:<user id>:<"u/<login>" or "watchlist">:<state>:<today>:<release>

Entry (plain values, so a release never fails to unpickle another's): the person's watchlist
version, the cache version of every account the page shows, when the first of them turns
stale, and the page's HTML with its CSRF token replaced by a placeholder, zlib-compressed (about
6 KB for a dashboard's 40 KB: Redis runs without eviction, as the broker, so what it holds
should stay small).

A hit is served only when, on this request:

- it is a plain GET of the page (not htmx, no ?job= being polled) and no message waits to be shown;
- every account's cache version is still the entry's: every refresh that stores something, hide
  and unhide replace it (github_stats/caching.py), so new data, a rename or moderation is never
  hidden behind an old page;
- the person's watchlist version is still the entry's: every Track and Untrack replaces it;
- none of the accounts has turned stale (the dashboard's normal path then shows it marked stale
  and queues a refresh; the watchlist marks it).

On a hit the placeholder becomes this request's CSRF token (any masking of the person's secret is
valid) and the relative times ("Refreshed 12 min ago") are retold for now. The cache down (django-
redis IGNORE_EXCEPTIONS) is a miss: the page is rendered from the fragments or the database.

Pages are stored only in the state a hit could serve (fresh data, no job, no message), for
PAGE_CACHE_SECONDS (0 switches the page cache off). The person's watchlist version is read
before the page's data and the accounts' versions before their parts, so a Track or a refresh
committed during the render leaves an entry that is never served. (One narrow window remains: a
refresh committing between an account row's read and its version's can pair the older row's
"Refreshed" time with the newer parts, for at most PAGE_CACHE_SECONDS.)
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils import timezone

from github_stats import fragments
from github_stats.caching import watchlist_cache_version, watchlist_cache_version_key
from github_stats.exceptions import InvalidLogin
from github_stats.models import account_cache_version_key, fetched_at_is_stale, today_utc
from github_stats.validation import validate_login

# Never a CSRF token (those are letters and digits only), so replacing it cannot touch anything
# else of the page.
CSRF_PLACEHOLDER = "@@gitpulse-csrf-token@@"


class PersonalPage:
    """The page cache of one page request: `cached()` first, then `store_when_rendered()` on the
    full page the normal path renders. `name` says which page ("u/<login>", "watchlist"),
    `state` its canonical query (sort, filters, ranges)."""

    def __init__(self, request: HttpRequest, *, name: str, state: str) -> None:
        self.request = request
        self.name = name
        self.state = state
        self.now = timezone.now()
        self.key = ""
        self.user_id = 0
        self.watchlist_version: str | None = None

    def cached(self) -> HttpResponse | None:
        """The cached page, brought up to this request, or None (a miss: render it)."""
        if not self._cacheable():
            return None
        version_key = watchlist_cache_version_key(self.user_id)
        found = cache.get_many([self.key, version_key])
        # Read before the page's data, so that a Track committed meanwhile outdates what is stored.
        self.watchlist_version = found.get(version_key) or watchlist_cache_version(
            user_id=self.user_id
        )
        entry = found.get(self.key)
        if not isinstance(entry, tuple) or len(entry) != 4:
            return None
        watchlist_version, account_versions, fresh_until, packed = entry
        if watchlist_version != self.watchlist_version or self.now >= fresh_until:
            return None
        if account_versions:
            keys = {account_cache_version_key(pk): version for pk, version in account_versions}
            current = cache.get_many(list(keys))
            if any(current.get(key) != version for key, version in keys.items()):
                return None
        html = zlib.decompress(packed).decode().replace(CSRF_PLACEHOLDER, get_token(self.request))
        return HttpResponse(fragments.current_times(html, self.now))

    def store_when_rendered(
        self,
        response: TemplateResponse,
        *,
        account_versions: Mapping[int, str],
        fetched_at: Iterable[datetime | None],
    ) -> None:
        """Cache the page once rendered, if a hit could serve it. `account_versions`: of every
        account it shows, as their parts were read (the fragments'); `fetched_at`: theirs, for
        when the first of them turns stale."""
        if not self._cacheable() or self.watchlist_version is None:
            return
        fresh_until = _fresh_until(fetched_at, self.now)
        if fresh_until is None:
            return
        # The page's CSRF token: the one the view puts in its context, found again in the HTML.
        context = response.context_data
        token = context.get("csrf_token") if isinstance(context, dict) else None
        if not token:
            return
        versions = tuple(sorted(account_versions.items()))
        watchlist_version = self.watchlist_version

        def store(rendered: HttpResponse) -> None:
            if rendered.status_code != 200:
                return
            html = rendered.content.decode().replace(str(token), CSRF_PLACEHOLDER)
            packed = zlib.compress(html.encode(), 6)  # a dashboard's 40 KB of HTML in about 6 KB
            entry = (watchlist_version, versions, fresh_until, packed)
            cache.set(self.key, entry, settings.PAGE_CACHE_SECONDS)

        response.add_post_render_callback(store)

    def _cacheable(self) -> bool:
        request = self.request
        if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
            return False
        if getattr(request, "htmx", False) or "job" in request.GET:
            return False
        if not request.user.is_authenticated or len(get_messages(request)) > 0:
            return False
        if not self.key:
            day = today_utc(self.now).isoformat()
            self.user_id = int(request.user.pk)
            self.key = (
                f"github_stats:page:{self.user_id}:{self.name}:{self.state}:{day}:{_release()}"
            )
        return True


def dashboard_page(request: HttpRequest, *, login: str, state: str) -> PersonalPage | None:
    """The page cache of /u/<login>; None for a login GitHub would not accept (the normal path
    answers that, without any cache read)."""
    try:
        login = validate_login(login).lower()
    except InvalidLogin:
        return None
    return PersonalPage(request, name=f"u/{login}", state=state)


def watchlist_page(request: HttpRequest, *, sort: str) -> PersonalPage:
    return PersonalPage(request, name="watchlist", state=sort)


def _fresh_until(fetched_at: Iterable[datetime | None], now: datetime) -> datetime | None:
    """When the first of these turns stale (None: one already is, or was never fetched); a page
    showing none stays fresh as long as it is cached."""
    ttl = timedelta(seconds=settings.STATS_TTL)
    until = now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)
    for moment in fetched_at:
        if moment is None or fetched_at_is_stale(moment, now):
            return None
        until = min(until, moment + ttl)
    return until


def page_context(request: HttpRequest) -> dict[str, Any]:
    """The page's CSRF token, named in its context so that the cached copy can swap it out."""
    return {"csrf_token": get_token(request)}


@lru_cache(maxsize=1)
def _release() -> str:
    """Of what shapes the page besides its fragments: the layout, the views, the static files'
    URLs (hashed in production) and htmx's version. Read once per process."""
    digest = hashlib.sha256(fragments.code_digest().encode())
    templates = Path(settings.BASE_DIR) / "templates"
    for name in ("base.html", "github_stats/account.html", "github_stats/watchlist.html"):
        digest.update((templates / name).read_bytes())
    for module in ("views.py", "views_watchlist.py"):
        digest.update(Path(__file__).with_name(module).read_bytes())
    for asset in ("css/app.css", "img/logo.svg"):
        digest.update(static(asset).encode())
    digest.update(package_version("django-htmx").encode())
    return digest.hexdigest()[:12]
