"""Cache versions: one per account, replaced by every refresh that stores something (and by
moderation), and one per person's watchlist, replaced by every Track and Untrack.

Cached views and selector results put the versions they depend on in their keys (or beside
their entries), so a change invalidates them all at once without knowing what they are:

    key = f"dashboard:{account.pk}:{account_cache_version(account_id=account.pk)}:{sort}"

Versions are random rather than counted: if the cache loses the version key (eviction, restart),
a new random one can never bring back entries cached under an older one.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

from github_stats.models import account_cache_version_key

# Versions outlive the entries they key (those have their own, shorter timeouts).
_VERSION_TIMEOUT = 30 * 24 * 60 * 60


def watchlist_cache_version_key(user_id: int) -> str:
    return f"github_stats:watchlist:{user_id}:version"


def account_cache_version(*, account_id: int) -> str:
    return _version(account_cache_version_key(account_id))


def account_cache_invalidate(*, account_id: int) -> None:
    _replace(account_cache_version_key(account_id))


def watchlist_cache_version(*, user_id: int) -> str:
    return _version(watchlist_cache_version_key(user_id))


def watchlist_cache_invalidate(*, user_id: int) -> None:
    _replace(watchlist_cache_version_key(user_id))


def _version(key: str) -> str:
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        # add(): two processes reading a missing version at once agree on one of theirs.
        if not cache.add(key, version, timeout=_VERSION_TIMEOUT):
            version = cache.get(key) or version
    return str(version)


def _replace(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=_VERSION_TIMEOUT)
