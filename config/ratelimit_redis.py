"""django-ratelimit's counter in one Redis round trip, for the scopes that are counted on every
request of a cheap answer (the cards: a cached card was three round trips, two of them the
counter's add and incr; it is one, the counter and the card's cache entry read together).

The same counter as django-ratelimit's get_usage: its key (group, rate, client, window with its
per-client jitter, under the cache's KEY_PREFIX and version), its lifetime (the period plus its
fudge), its integer value (django-redis stores integers as they are, so INCR works on what
`cache.add` wrote) and its answer. Only the add-then-incr becomes one Lua script (EVALSHA):
atomic, so a counter that expires between the two cannot come back without a lifetime.

With another cache (the local-memory one of `make run`, another django-redis client class)
`available()` is False and django-ratelimit's own path counts."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import django_redis
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.http import HttpRequest
from django_ratelimit import core as ratelimit_core
from django_redis.cache import RedisCache
from django_redis.client import DefaultClient
from redis.exceptions import RedisError

# cache.add(key, 0, lifetime) then INCR, as one script: one command and one reply (a MULTI/EXEC
# would be four), and atomic like both.
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
# get_usage's answer when the counter could not be added or incremented.
_UNAVAILABLE = {"count": 0, "limit": 0, "should_limit": True, "time_left": -1}


def available() -> bool:
    cache = caches[_cache_name()]
    return isinstance(cache, RedisCache) and type(cache.client) is DefaultClient


@dataclass
class CacheRead:
    """Cache keys to read with the counter, in its round trip (a cached card: its entry and its
    account's version). `values` are the ones found, or None when they were not read (the
    counters are not in Redis, or it is down): the caller then reads them itself."""

    keys: Sequence[str]
    values: dict[str, Any] | None = None


def usage_counted(
    request: HttpRequest,
    *,
    group: str,
    key: str | Callable[[str, HttpRequest], str],
    rate: str,
    increment: bool = True,
    read: CacheRead | None = None,
) -> dict[str, Any] | None:
    """get_usage(request, group=..., key=..., rate=..., increment=True), in one round trip (it
    always counts; `increment` is there so that either can be called alike). Raises
    ImproperlyConfigured without a client address, and redis's errors when the cache does not
    ignore them (IGNORE_EXCEPTIONS): the caller decides what an outage means for its scope."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    limit, period = ratelimit_core._split_rate(rate)
    value = key(group, request) if callable(key) else ratelimit_core._SIMPLE_KEYS[key](request)
    window = ratelimit_core._get_window(value, period)
    name = ratelimit_core._make_cache_key(group, window, rate, value, ratelimit_core.ALL)
    cache = cast(RedisCache, caches[_cache_name()])  # available() said so
    redis = django_redis.get_redis_connection(_cache_name())
    counter = str(cache.make_key(name))
    # The keys are the default cache's (the one layer): read with the counter when it is there.
    reading = read is not None and _cache_name() == DEFAULT_CACHE_ALIAS
    wanted = list(read.keys) if read is not None and reading else []
    try:
        # Not transactional: the script is atomic on its own, and the reads are reads. EVAL, not
        # a registered script: a pipeline checks those with SCRIPT EXISTS, a round trip more.
        with redis.pipeline(transaction=False) as pipe:
            pipe.eval(_COUNT, 1, counter, period + ratelimit_core.EXPIRATION_FUDGE)
            if wanted:
                pipe.mget([cache.make_key(one) for one in wanted])
            replies = pipe.execute()
    except (RedisError, OSError):
        if not getattr(cache, "_ignore_exceptions", False):
            raise
        # As `cache.add` answers with django-redis's IGNORE_EXCEPTIONS, so the caller logs and
        # fails open or closed as before, without a traceback a request.
        return dict(_UNAVAILABLE)
    count = int(replies[0])
    if read is not None and reading:
        # As cache.get_many decodes them (django-redis: decompressed, unpickled).
        found = zip(wanted, replies[1] if wanted else [], strict=True)
        read.values = {one: cache.client.decode(raw) for one, raw in found if raw is not None}
    return {
        "count": count,
        "limit": limit,
        "should_limit": count > limit,
        "time_left": window - int(time.time()),
    }


def _cache_name() -> str:
    return str(getattr(settings, "RATELIMIT_USE_CACHE", "default"))
