"""The one cache layer: rendered markup in Redis, in front of the selectors, with one
invalidation rule. Two sizes of it: finished responses (a person's page, an API answer:
`CachedResponse`) and the parts of a page that every person is shown alike of one account (a
dashboard's body, a watchlist row: `SharedFragments`), so that a person's first view of an
account others just looked at renders only what is theirs.

The rule. Every write that changes what is shown gives what it changed a new version, and after
the commit publishes it here: a GitHub account's (a refresh, a failed one, hiding, unhiding) is
its `cache_version` column, replaced in the same statement as the write
(`account_version_publish`); a person's watchlist's (Track, Untrack) is a random token
(`watchlist_version_publish`). A cached response records the version of everything it shows, read
before or with its data, and is served only while each is still the published one, and until the
first account it shows turns stale (the normal path then queues a refresh). Nothing else needs to
know about the cache.

Pages are cached per person and per CSRF secret (the token in a cached page is this browser's,
valid as it is); API answers about accounts are the same for everyone and are shared. Keys also
carry the UTC day (figures' 7/30-day changes end today) and a digest of the code and templates
(a deploy never serves old markup).

A hit costs one cache round trip when the page names its accounts (a dashboard: its entry and its
account's version together), two when only the entry knows them (the watchlist). With the cache
down (django-redis IGNORE_EXCEPTIONS) every read is a miss and responses come from the database.

Bodies are kept gzipped, with Django's "Heal the BREACH" padding drawn once per entry, and sent
as they are to a client that accepts gzip (every browser); a dashboard's shared body is kept
compressed too, and goes into each person's gzipped page as it is (config/gzip_pieces.py).
Why, and what it saves: docs/architecture.md, "Bodies kept gzipped".
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import compress_string

from config.gzip_pieces import Deflated, Spliced
from github_stats.models import new_cache_version, today_utc

_VERSION_KEY = "github_stats:version:{}"
_WATCHLIST = "watchlist:{}"
# Versions outlive the responses they validate; a lost one only costs a miss.
_VERSION_TIMEOUT = 30 * 24 * 60 * 60


def account_version_publish(
    *, login: str, version: str, previous_logins: Iterable[str] = ()
) -> None:
    """After the commit of a write that gave the account `version`. A login the account held
    before (a rename) no longer names it: its version is replaced by a new one nothing was
    rendered under, so its responses are dropped. (Deleting it would let a render that read
    the old rows adopt their version back.)"""
    versions = {_version_key(login): version}
    renamed = (old for old in previous_logins if old.lower() != login.lower())
    versions.update((_version_key(old), new_cache_version()) for old in renamed)
    cache.set_many(versions, timeout=_VERSION_TIMEOUT)


def watchlist_version_publish(*, user_ids: Iterable[int]) -> None:
    """After the commit of a change to these people's watchlists (a Track or an Untrack, or a
    watched account hidden or unhidden: the list shows other accounts then)."""
    versions = {_version_key(_WATCHLIST.format(pk)): new_cache_version() for pk in user_ids}
    cache.set_many(versions, timeout=_VERSION_TIMEOUT)


class _ReadAccount(Protocol):
    @property
    def login(self) -> str: ...
    @property
    def cache_version(self) -> str: ...
    @property
    def stale_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Shown:
    """A GitHub account a response shows: its login and cache version as read with its data,
    and when it turns stale (None: it already is, so the response is not cached)."""

    login: str
    version: str
    stale_at: datetime | None

    @classmethod
    def of(cls, read: _ReadAccount) -> Shown:
        """From what a selector read of the account (a Profile, a WatchlistRow)."""
        return cls(login=read.login, version=read.cache_version, stale_at=read.stale_at)


# (versions, fresh_until, content, content_type, headers, gzipped): plain values, which unpickle
# in any release.
_Entry = tuple[tuple[tuple[str, str], ...], float, bytes, str, tuple[tuple[str, str], ...], bool]
# Shorter bodies gain nothing from compression (GZipMiddleware's own threshold).
_COMPRESS_FROM_BYTES = 200


class CachedResponse:
    """One response's place in the cache: `hit()` first, then `store()` on what the normal path
    answered. `name` and `state` say which response ("u/octocat", "sort=stars"); `logins` are
    the accounts known before anything is read (their versions come with the entry).

    An anonymous image (a card: `personal=False, stale_ok=True`) shows stored figures as they
    are and never queues a refresh, so turning stale does not end it: only a new version
    does. `headers` (its ETag, its Last-Modified) are kept with it and sent again on a hit.
    `compress=False` keeps the body as it is (a card: small, and its ETag names the bytes
    sent)."""

    def __init__(
        self,
        request: HttpRequest,
        *,
        name: str,
        state: str = "",
        logins: Sequence[str] = (),
        personal: bool,
        stale_ok: bool = False,
        headers: Sequence[str] = (),
        compress: bool = True,
    ) -> None:
        self.request = request
        self.stale_ok = stale_ok
        self.compress = compress
        self.headers = tuple(headers)
        self.name = name
        self.state = state
        self.personal = personal
        self.now = timezone.now()
        # The versions read with the entry, in the same round trip.
        self.known = [_version_key(login) for login in logins]
        self.watchlist = ""
        if personal and request.user.is_authenticated:
            self.watchlist = _WATCHLIST.format(request.user.pk)
            self.known.append(_version_key(self.watchlist))
        self.seen_versions: dict[str, Any] = {}  # the versions found, by key
        # Every version key read, found or not: storing reads none of them again.
        self.read_keys: set[str] = set()

    def reads(self) -> list[str]:
        """The keys hit() reads first (the entry, the versions known before), for a caller that
        reads them in a round trip of its own; none when nothing would be served."""
        return [self._key(), *self.known] if self._cacheable() else []

    def hit(self, *, found: dict[str, Any] | None = None) -> HttpResponse | None:
        """`found`: the values of reads() already read (the ones missing are not in the cache)."""
        if not self._cacheable():
            return None
        key = self._key()
        if found is None:
            found = cache.get_many([key, *self.known])
        self.seen_versions = {k: v for k, v in found.items() if k in self.known}
        self.read_keys = set(self.known)
        watchlist_key = _version_key(self.watchlist) if self.watchlist else ""
        if watchlist_key and watchlist_key not in self.seen_versions:
            # Lost (or never published): from now on, a new one. Read before any of the page's
            # data, so a Track committed during the render outdates what is stored.
            version = new_cache_version()
            if not cache.add(watchlist_key, version, _VERSION_TIMEOUT):
                version = cache.get(watchlist_key)  # another request's, added meanwhile
            self.seen_versions[watchlist_key] = version
            return None
        entry = found.get(key)
        if not isinstance(entry, tuple) or len(entry) != 6:
            return None
        versions, fresh_until, content, content_type, headers, gzipped = entry
        if self.now.timestamp() >= fresh_until:
            return None
        wanted = {_version_key(login): version for login, version in versions}
        unseen = [k for k in wanted if k not in self.known]
        self.seen_versions.update(cache.get_many(unseen) if unseen else {})
        self.read_keys.update(unseen)
        if any(self.seen_versions.get(k) != version for k, version in wanted.items()):
            return None
        sent_gzipped = gzipped and self._accepts_gzip()
        if gzipped and not sent_gzipped:
            content = gzip.decompress(content)
        response = HttpResponse(content, content_type=content_type)
        for name, value in headers:
            response[name] = value
        return self._encoded(response, gzipped=gzipped, sent_gzipped=sent_gzipped)

    def store(
        self, response: HttpResponse, *, shown: Sequence[Shown], spliced: Spliced | None = None
    ) -> HttpResponse:
        """Cache `response` once rendered, if it is a plain success a hit could serve. `spliced`:
        a compressed piece the page shows by its placeholder, put in whether it is kept or not."""
        versions, fresh_until = self._kept_as(shown)

        def keep(rendered: HttpResponse) -> None:
            if versions is None or rendered.status_code != 200:
                if spliced is not None:
                    rendered.content = spliced.filled(rendered.content)
                return
            kept = tuple((name, rendered[name]) for name in self.headers if name in rendered)
            padding = GZipMiddleware.max_random_bytes
            if spliced is not None and self.compress:
                gzipped = True
                content = spliced.gzipped(rendered.content, max_random_bytes=padding)
            else:
                content = spliced.filled(rendered.content) if spliced else rendered.content
                gzipped = self.compress and len(content) >= _COMPRESS_FROM_BYTES
                if gzipped:
                    content = compress_string(content, max_random_bytes=padding)
            kind = rendered["Content-Type"]
            entry: _Entry = (versions, fresh_until, content, kind, kept, gzipped)
            cache.set(self._key(), entry, timeout=settings.RESPONSE_CACHE_SECONDS)
            self._adopt_versions(versions)
            # This first answer as every hit after it will be: compressed once, not twice.
            sent_gzipped = gzipped and self._accepts_gzip()
            if sent_gzipped:
                rendered.content = content
            elif spliced is not None:
                rendered.content = spliced.filled(rendered.content) if gzipped else content
            self._encoded(rendered, gzipped=gzipped, sent_gzipped=sent_gzipped)

        if versions is None and spliced is None:
            return response
        if isinstance(response, SimpleTemplateResponse):
            response.add_post_render_callback(keep)
        else:
            keep(response)
        return response

    def _kept_as(self, shown: Sequence[Shown]) -> tuple[tuple[tuple[str, str], ...] | None, float]:
        """The versions a response of `shown` is kept under and until when, or (None, 0) when
        it is not kept (nothing cacheable, an account stale, a watchlist version lost)."""
        if not self._cacheable():
            return None, 0.0
        stale_at = [] if self.stale_ok else [account.stale_at for account in shown]
        if any(moment is None or moment <= self.now for moment in stale_at):
            return None, 0.0
        until = self.now.timestamp() + settings.RESPONSE_CACHE_SECONDS
        fresh_until = min([until, *(moment.timestamp() for moment in stale_at if moment)])
        versions = tuple((account.login.lower(), account.version) for account in shown)
        if self.watchlist:
            watchlist = self.seen_versions.get(_version_key(self.watchlist))
            if watchlist is None:
                return None, 0.0
            versions += ((self.watchlist, str(watchlist)),)
        return versions, fresh_until

    def _accepts_gzip(self) -> bool:
        return bool(re_accepts_gzip.search(self.request.headers.get("Accept-Encoding", "")))

    @staticmethod
    def _encoded(response: HttpResponse, *, gzipped: bool, sent_gzipped: bool) -> HttpResponse:
        """The headers of a body kept gzipped, whether it is sent so or not (the same answer as
        GZipMiddleware's: a cache downstream must tell the two apart)."""
        if gzipped:
            patch_vary_headers(response, ("Accept-Encoding",))
        if sent_gzipped:
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(response.content))
        return response

    def _adopt_versions(self, versions: tuple[tuple[str, str], ...]) -> None:
        """A version the cache lost (eviction, restart) is taken from the rows just read. `add`
        never replaces one a refresh published meanwhile, so a response of older rows can only
        ever be a miss."""
        keys = {_version_key(login): version for login, version in versions}
        unread = [k for k in keys if k not in self.read_keys]
        present = {**self.seen_versions, **(cache.get_many(unread) if unread else {})}
        for key, version in keys.items():
            if key not in present:
                cache.add(key, version, timeout=_VERSION_TIMEOUT)

    def _cacheable(self) -> bool:
        request = self.request
        if settings.RESPONSE_CACHE_SECONDS <= 0:
            return False
        if request.method != "GET" or getattr(request, "htmx", False) or "job" in request.GET:
            return False
        if self.personal:
            user = request.user
            return user.is_authenticated and not _has_messages(request)
        return True

    def _key(self) -> str:
        parts = [self.name, self.state, today_utc(self.now).isoformat(), release_digest()]
        if self.personal:
            user = self.request.user
            # The CSRF secret (from its cookie, or the one this render just made): the token in
            # the page is valid for exactly this browser.
            parts += [str(user.pk), str(self.request.META.get("CSRF_COOKIE", ""))]
        return _hashed("response", parts)


class SharedFragments:
    """Markup about one account that every person is shown alike (a dashboard's body, a
    watchlist row), shared between people: what saves everyone's first view of an account
    someone else just looked at, where the responses above only save a person's repeat visit.

    The same rule: the account's version is in the key, and it is the version the page read
    with its own row of the account, so a fragment is found only for the data just read (a
    refresh's new version finds nothing). Nothing of an account stale as read is kept or
    served; a fragment lives RESPONSE_CACHE_SECONDS (the Redis does not evict).
    Rendered from data only, never from the request: nothing personal can be in one."""

    def __init__(self, kind: str, *, state: str = "", now: datetime | None = None) -> None:
        self.kind = kind
        self.state = state
        self.now = now or timezone.now()

    def get_many(self, shown: Sequence[Shown]) -> dict[str, tuple[SafeString, Any]]:
        """By lowercased login: (markup, the data stored with it) of each one found."""
        # An account stale as read now is shown as stale (and refreshed): nothing kept serves.
        logins = {self._key(one): one.login.lower() for one in shown if self._keeps(one)}
        if not logins:
            return {}
        found: dict[str, tuple[SafeString, Any]] = {}
        for key, entry in cache.get_many(list(logins)).items():
            if isinstance(entry, tuple) and len(entry) == 2:
                # Our own template's output, escaped when it was rendered.
                found[logins[key]] = (mark_safe(entry[0]), entry[1])  # noqa: S308  # nosec B308 B703
        return found

    def store_many(self, rendered: Sequence[tuple[Shown, str, Any]]) -> None:
        """(account, its markup, data to keep with it: plain values) for each one rendered."""
        entries = {
            self._key(one): (str(markup), data)
            for one, markup, data in rendered
            if self._keeps(one)
        }
        if entries:
            cache.set_many(entries, timeout=settings.RESPONSE_CACHE_SECONDS)

    def get_deflated(self, one: Shown) -> Deflated | None:
        """The compressed markup kept of one account by store_deflated, if any."""
        if not self._keeps(one):
            return None
        entry = cache.get(self._key(one))
        if isinstance(entry, tuple) and len(entry) == 3:
            return Deflated(*entry)
        return None

    def store_deflated(self, one: Shown, deflated: Deflated) -> None:
        """Markup compressed once, for every page that shows it (config/gzip_pieces.py)."""
        if self._keeps(one):
            entry = (deflated.data, deflated.crc, deflated.size)
            cache.set(self._key(one), entry, timeout=settings.RESPONSE_CACHE_SECONDS)

    def _keeps(self, one: Shown) -> bool:
        return (
            settings.RESPONSE_CACHE_SECONDS > 0
            and one.stale_at is not None
            and one.stale_at > self.now
        )

    def _key(self, one: Shown) -> str:
        parts = [self.kind, self.state, one.login.lower(), one.version]
        parts += [today_utc(self.now).isoformat(), release_digest()]
        return _hashed("fragment", parts)


def _hashed(kind: str, parts: Sequence[str]) -> str:
    # Logins and states are any length; the key stays short.
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"github_stats:{kind}:{digest}"


def _version_key(login: str) -> str:
    return _VERSION_KEY.format(login.lower())


def _has_messages(request: HttpRequest) -> bool:
    from django.contrib.messages import get_messages

    return len(get_messages(request)) > 0


@lru_cache(maxsize=1)
def release_digest() -> str:
    """Of everything that shapes a response: the app's code, the templates, the static files
    (their URLs are in the pages) and htmx's version. Read once per process."""
    digest = hashlib.sha256(package_version("django-htmx").encode())
    base = Path(settings.BASE_DIR)
    for folder, pattern in (("github_stats", "*.py"), ("templates", "*"), ("static", "*")):
        for path in sorted((base / folder).rglob(pattern)):
            if path.is_file() and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
