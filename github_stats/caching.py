"""One cache version per account, bumped by every refresh that stores something.

Cached views and selector results of an account put its version in their keys, so a refresh
invalidates them all at once without knowing what they are:

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


def account_cache_version(*, account_id: int) -> str:
    key = account_cache_version_key(account_id)
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        # add(): two processes reading a missing version at once agree on one of theirs.
        if not cache.add(key, version, timeout=_VERSION_TIMEOUT):
            version = cache.get(key) or version
    return str(version)


def account_cache_invalidate(*, account_id: int) -> None:
    cache.set(account_cache_version_key(account_id), uuid.uuid4().hex, timeout=_VERSION_TIMEOUT)
