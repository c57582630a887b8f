"""How long a request to GitHub takes from here, measured by every process and shared per token:
the scheduler's tick divides its time by it (services/scheduling.py) instead of guessing.

The request limiter (limiter.py) times each request from the moment it holds its concurrency
slot to the moment it frees it, and folds the time in here once the transport says GitHub
answered. What is kept is an exponentially time-decayed mean: a sum of seconds and a count of
requests that both fade by e every DECAY_SECONDS (half in about 42 s), so the figure is the mean
of roughly the last minute of requests whatever their rate: the minute the next tick plans. A
per-request weight would instead span seconds at 600 requests a minute and an hour at 10.

With django-redis the state is one hash in the cache's Redis per token, updated by a Lua
script: atomic across processes, and in the same round trip that frees the request's slot.
Without it, a read-modify-write through Django's cache (the embedded default is one process;
two updates racing lose a sample, which an average can spare).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from github_stats.github.quota import token_fingerprint

logger = logging.getLogger(__name__)

DECAY_SECONDS = 60.0
# A token that sent nothing for a day (or a machine moved to another network) starts again
# from SCHEDULER_REQUEST_MS; a quiet night keeps its figure.
KEEP_SECONDS = 24 * 3600
# A raw key under the request limiter's prefix (limiter.STORAGE_PREFIX); the cache's own keys
# are "gitpulse:1:…", and a cache.clear() (FLUSHDB) empties both.
KEY = "gitpulse:github-limiter:request-seconds:{}"
CACHE_KEY = "github:request-seconds:{}"

# KEYS[1] the token's mean; KEYS[2], when given, the request's slot, freed if still ours (the
# same test as redis-py's Lock.release). ARGV: seconds, requests, DECAY_SECONDS, KEEP_SECONDS,
# the slot's lock token. Redis's clock, so that machines' clocks need not agree.
_FOLD = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local old = redis.call('HMGET', KEYS[1], 'sum', 'weight', 'at')
local age = math.max(now - (tonumber(old[3]) or now), 0)
local decay = math.exp(-age / tonumber(ARGV[3]))
local sum = (tonumber(old[1]) or 0) * decay + tonumber(ARGV[1])
local weight = (tonumber(old[2]) or 0) * decay + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'sum', string.format('%.17g', sum),
           'weight', string.format('%.17g', weight), 'at', string.format('%.17g', now))
redis.call('EXPIRE', KEYS[1], ARGV[4])
if #KEYS < 2 then
    return 1
end
local token = redis.call('GET', KEYS[2])
if not token or token ~= ARGV[5] then
    return 0
end
redis.call('DEL', KEYS[2])
return 1
"""


@dataclass(frozen=True)
class Sample:
    seconds: float  # how long the slot was held
    requests: int  # answers GitHub sent in that time (1, plus the redirects requests followed)


class Answer:
    """Handed to the transport for one request sent: `answered()` once GitHub answered. A try
    that got no answer (refused, reset, timed out) is not measured: a refused connection takes
    no time and a timeout measures our setting, not GitHub; backoff deals with both."""

    def __init__(self) -> None:
        self._requests = 0
        self._started = time.monotonic()

    def answered(self, *, requests: int = 1) -> None:
        self._requests = max(requests, 1)

    def sample(self) -> Sample | None:
        if not self._requests:
            return None
        return Sample(seconds=time.monotonic() - self._started, requests=self._requests)


def request_time_fold(
    client: Any, *, fingerprint: str, sample: Sample, slot: Any | None = None
) -> bool:
    """Fold a sample into the token's mean in Redis, freeing `slot` (a redis-py Lock) in the
    same round trip. False: the slot had expired (and may be another's now). Raises Redis's
    errors; the limiter decides what an outage means."""
    keys = [KEY.format(fingerprint)]
    args: list[Any] = [sample.seconds, sample.requests, DECAY_SECONDS, KEEP_SECONDS]
    if slot is not None:
        keys.append(slot.name)
        args.append(slot.local.token or b"")
    return bool(client.register_script(_FOLD)(keys=keys, args=args))


def request_time_fold_cache(*, fingerprint: str, sample: Sample) -> None:
    """The same mean through Django's cache, when it is not Redis. Never raises."""
    key = CACHE_KEY.format(fingerprint)
    try:
        old = cache.get(key)
        now = time.time()
        total, weight, at = old if isinstance(old, tuple) and len(old) == 3 else (0.0, 0.0, now)
        decay = math.exp(-max(now - at, 0.0) / DECAY_SECONDS)
        state = (total * decay + sample.seconds, weight * decay + sample.requests, now)
        cache.set(key, state, timeout=KEEP_SECONDS)
    except Exception:
        logger.debug("could not record a GitHub request time", exc_info=True)


def request_seconds_mean(*, token: str | None = None) -> float | None:
    """Mean seconds a GitHub request took lately, from every process, for the token (settings'
    by default); None before anything is measured or when the store cannot say."""
    fingerprint = token_fingerprint(settings.GITHUB_TOKEN if token is None else token)
    try:
        if isinstance(caches["default"], RedisCache):
            raw = get_redis_connection("default").hmget(KEY.format(fingerprint), ["sum", "weight"])
            total, weight = (float(value) if value is not None else 0.0 for value in raw)
        else:
            state = cache.get(CACHE_KEY.format(fingerprint))
            total, weight = state[:2] if isinstance(state, tuple) else (0.0, 0.0)
    except Exception:  # an outage: the tick falls back to its setting, the scrape leaves it out
        logger.debug("could not read the GitHub request time", exc_info=True)
        return None
    if weight <= 0 or not math.isfinite(total / weight):
        return None
    return total / weight
