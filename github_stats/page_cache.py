"""Whole dashboard pages (/u/<login>), cached per person, so that a dashboard seen a moment ago
costs a few cache reads instead of two queries and a template render.

Why: with its parts already cached as rendered fragments (github_stats/fragments.py), a cached
dashboard still spent most of its time in Python around them: the ORM building the account and
tracking queries, and rendering the page and the layout (docs/pages.md has the profile). What is
left to do on a hit is to check that nothing the page shows has changed since.

Key, one per person, account and table/history state (the same canonical state the links carry):

    github_stats:page:<user id>:<login, lower case>:<state>:<today>:<release>

Entry (plain values, so a release never fails to unpickle another's): the account id and its
cache version, the person's watchlist version, the data's fetched_at, and the page's HTML with
its CSRF token replaced by a placeholder, zlib-compressed (about 6 KB for a dashboard's 40 KB:
Redis runs without eviction, as the broker, so what it holds should stay small).

A hit is served only when, on this request:

- it is a plain GET of the page (not htmx, no ?job= being polled) and no message waits to be shown;
- the account's cache version is still the entry's: every refresh that stores something, hide and
  unhide replace it (github_stats/caching.py), so new data, a rename or moderation is never hidden
  behind an old page;
- the person's watchlist version is still the entry's: every Track and Untrack replaces it;
- the data is not stale (the normal path then shows it marked stale and queues a refresh).

On a hit the placeholder becomes this request's CSRF token (any masking of the person's secret is
valid) and the relative times ("Refreshed 12 min ago") are retold for now. The cache down (django-
redis IGNORE_EXCEPTIONS) is a miss: the page is rendered from the fragments or the database.

Pages are stored only in the state a hit could serve (fresh data, no job, no message), for
DASHBOARD_PAGE_CACHE_SECONDS (0 switches the page cache off). The person's watchlist version is
read before the page's data and the account's version before its parts, so a Track or a refresh
committed during the render leaves an entry that is never served. (One narrow window remains: a
refresh committing between the account row's read and its version's can pair the older row's
"Refreshed" time with the newer parts, for at most DASHBOARD_PAGE_CACHE_SECONDS.)
"""

from __future__ import annotations

import hashlib
import zlib
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
from github_stats.models import (
    Account,
    account_cache_version_key,
    fetched_at_is_stale,
    today_utc,
)
from github_stats.validation import validate_login

# Never a CSRF token (those are letters and digits only), so replacing it cannot touch anything
# else of the page.
CSRF_PLACEHOLDER = "@@gitpulse-csrf-token@@"


class DashboardPage:
    """The page cache of one dashboard request: `cached()` first, then `store_when_rendered()`
    on the full page the normal path renders."""

    def __init__(self, request: HttpRequest, *, login: str, state: str) -> None:
        self.request = request
        self.login = login
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
        if not isinstance(entry, tuple) or len(entry) != 5:
            return None
        account_id, account_version, watchlist_version, fetched_at, packed = entry
        if watchlist_version != self.watchlist_version:
            return None
        if cache.get(account_cache_version_key(account_id)) != account_version:
            return None
        if fetched_at_is_stale(fetched_at, self.now):
            return None
        html = zlib.decompress(packed).decode().replace(CSRF_PLACEHOLDER, get_token(self.request))
        return HttpResponse(fragments.current_times(html, self.now))

    def store_when_rendered(
        self, response: TemplateResponse, *, account: Account, account_version: str
    ) -> None:
        """Cache the page once rendered, if a hit could serve it. `account_version` is the one
        its parts were read under (DashboardFragments.cache_version)."""
        if not self._cacheable() or account.is_stale(self.now) or account.fetched_at is None:
            return
        # The page's CSRF token: the one the view puts in its context, found again in the HTML.
        context = response.context_data
        token = context.get("csrf_token") if isinstance(context, dict) else None
        if not token:
            return
        watchlist_version = self.watchlist_version
        if watchlist_version is None:  # cached() was not asked first
            return
        fetched_at = account.fetched_at

        def store(rendered: HttpResponse) -> None:
            if rendered.status_code != 200:
                return
            html = rendered.content.decode().replace(str(token), CSRF_PLACEHOLDER)
            packed = zlib.compress(html.encode(), 6)  # a dashboard's 40 KB of HTML in about 6 KB
            entry = (account.pk, account_version, watchlist_version, fetched_at, packed)
            cache.set(self.key, entry, settings.DASHBOARD_PAGE_CACHE_SECONDS)

        response.add_post_render_callback(store)

    def _cacheable(self) -> bool:
        request = self.request
        if settings.DASHBOARD_PAGE_CACHE_SECONDS <= 0 or request.method != "GET":
            return False
        if getattr(request, "htmx", False) or "job" in request.GET:
            return False
        if not request.user.is_authenticated or len(get_messages(request)) > 0:
            return False
        if not self.key:
            try:
                login = validate_login(self.login).lower()
            except InvalidLogin:
                return False
            day = today_utc(self.now).isoformat()
            self.user_id = int(request.user.pk)
            self.key = f"github_stats:page:{self.user_id}:{login}:{self.state}:{day}:{_release()}"
        return True


def dashboard_page_context(request: HttpRequest) -> dict[str, Any]:
    """The page's CSRF token, named in its context so that the cached copy can swap it out."""
    return {"csrf_token": get_token(request)}


@lru_cache(maxsize=1)
def _release() -> str:
    """Of what shapes the page besides its fragments: the layout, the views, the static files'
    URLs (hashed in production) and htmx's version. Read once per process."""
    digest = hashlib.sha256(fragments.code_digest().encode())
    templates = Path(settings.BASE_DIR) / "templates"
    for name in ("base.html", "github_stats/account.html"):
        digest.update((templates / name).read_bytes())
    digest.update(Path(__file__).with_name("views.py").read_bytes())
    for asset in ("css/app.css", "img/logo.svg"):
        digest.update(static(asset).encode())
    digest.update(package_version("django-htmx").encode())
    return digest.hexdigest()[:12]
