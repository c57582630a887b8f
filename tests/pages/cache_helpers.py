"""Helpers for the tests of the one cache layer (github_stats/caching.py), pages' and API's."""

from __future__ import annotations

from django.core.cache import cache

from github_stats.models import GitHubAccount


def behind_the_caches_back(account: GitHubAccount, **fields) -> None:
    """A change nobody announces (no new cache version): only a response rendered afresh
    shows it."""
    GitHubAccount.objects.filter(pk=account.pk).update(**fields)


def response_keys() -> list[str]:
    """The cached responses' keys (the versions' keys left out)."""
    return cached_keys("github_stats:response:")


def cached_keys(prefix: str) -> list[str]:
    """The keys in the cache that start with `prefix`, as the code gave them (so `cache.get`
    reads them back), with django-redis or the local-memory cache of the default settings."""
    if hasattr(cache, "keys"):  # django-redis
        return list(cache.keys(f"{prefix}*"))
    # Local memory keeps "<KEY_PREFIX>:<version>:<key>" (Django's default key function).
    kept = (key.split(":", 2)[2] for key in cache._cache)
    return [key for key in kept if key.startswith(prefix)]


def cache_reads_spied(monkeypatch) -> list[str]:
    """Every key the cache's get_many is asked for from now on, in order."""
    read = cache.get_many
    asked: list[str] = []

    def get_many(keys, *args, **kwargs):
        asked.extend(keys)
        return read(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    return asked


def dead_redis(*, ignore_exceptions: bool = True) -> dict:
    """CACHES with a django-redis cache on a closed port: what production sees while Redis is
    down (production sets IGNORE_EXCEPTIONS)."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": ignore_exceptions,
            },
        }
    }
