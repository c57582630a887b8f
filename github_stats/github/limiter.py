"""The proactive half of GitHub's secondary limits, shared by every web process and worker on
every host (docs/github-client.md, "Shared request limiter").

GitHub allows 900 REST points and 2,000 GraphQL points a minute per token, at most 100
concurrent requests, and asks for serial requests per token. quota.py only reacts once GitHub
has refused; this module keeps us below the limits in the first place:

- a moving-window bucket per token fingerprint and resource (REST requests, GraphQL points),
  `GITHUB_REST_POINTS_PER_MINUTE` / `GITHUB_GRAPHQL_POINTS_PER_MINUTE`, in the Redis of
  REDIS_URL (the `limits` library; process memory without REDIS_URL, the one-process default);
- `GITHUB_CONCURRENT_REQUESTS` slots per token: redis-py locks that expire a little after the
  longest a request may take (a killed process cannot keep one), or a process-local semaphore
  when the cache is not django-redis;
- after a secondary limit, half the rate for every process for SLOW_DOWN_SECONDS;
- how long each request held its slot, a shared mean per token for the scheduler's tick
  (request_time.py), folded in with the slot's release.

A full bucket is waited out where the caller may sleep (a worker, at most WORKER_MAX_WAIT_SECONDS)
and for at most WEB_MAX_WAIT_SECONDS in a web request; then RateLimited(secondary=True). Redis
failing never stops GitHub calls: this process limits itself alone for OUTAGE_SECONDS and says
so in a warning (GitHub's quota headers still protect us).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from github_stats.github.errors import RateLimited
from github_stats.github.quota import GRAPHQL, token_fingerprint
from github_stats.github.request_time import (
    Answer,
    Sample,
    request_time_fold,
    request_time_fold_cache,
)

logger = logging.getLogger(__name__)

REST = "rest"
CONCURRENCY = "concurrency"
# Why a request had to wait, the label of gitpulse_github_limiter_waits_total.
WAIT_REASONS = (REST, GRAPHQL, CONCURRENCY)
WAITS_KEY = "metrics:github:limiter_waits:{}"

WORKER_MAX_WAIT_SECONDS = 60.0
WEB_MAX_WAIT_SECONDS = 1.0
# After a secondary limit every process runs at half the rate this long.
SLOW_DOWN_SECONDS = 10 * 60
# A slot outlives the request holding it by this much at most (redirects, a slow machine).
LOCK_MARGIN_SECONDS = 5.0
# After a Redis error, this process limits itself alone this long instead of paying a socket
# timeout on every request.
OUTAGE_SECONDS = 10.0
# Keys of our own in the cache's Redis, apart from the cache's (whose prefix is "gitpulse:1:").
STORAGE_PREFIX = "gitpulse:github-limiter"
_SLOW_KEY = "github:limiter:slow:{}"
# A slot is freed by another process's request: polled, in real time, at this pace.
_SLOT_POLL_SECONDS = 0.02
_MIN_WAIT_SECONDS = 0.01
_STORE_ERRORS = (redis.RedisError, StorageError, OSError)
_RATE_SETTINGS = {
    REST: "GITHUB_REST_POINTS_PER_MINUTE",
    GRAPHQL: "GITHUB_GRAPHQL_POINTS_PER_MINUTE",
}

_lock = threading.Lock()
_local: MovingWindowRateLimiter | None = None  # made on first use (its storage starts a thread)
_shared: dict[str, MovingWindowRateLimiter] = {}
_semaphores: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_outage_until: dict[str, float] = {}  # REDIS_URL → monotonic time


class _PerMinute(RateLimitItemPerMinute):
    """A minute's bucket whose key leaves out the amount (limits puts it in): the halved rate
    after a secondary limit must count the same entries as the full one."""

    def key_for(self, *identifiers: bytes | str | int | float) -> str:
        return "/".join([self.namespace, *(str(part) for part in identifiers)])


class RequestLimiter:
    """One transport's view of the shared limits: `with limiter.request(resource=...)` around
    every request sent (each retry is a request GitHub counts)."""

    def __init__(
        self,
        *,
        token: str,
        may_sleep: bool,
        sleep: Callable[[float], None],
        request_seconds: float,
    ) -> None:
        self._fingerprint = token_fingerprint(token)
        self._max_wait = WORKER_MAX_WAIT_SECONDS if may_sleep else WEB_MAX_WAIT_SECONDS
        self._sleep = sleep
        self._lock_timeout = request_seconds + LOCK_MARGIN_SECONDS

    @contextmanager
    def request(self, *, resource: str) -> Iterator[Answer]:
        """Rate first (it may sleep long), then a slot, held until the answer is read. A
        GraphQL request is charged 1 point up front: the least a query costs.

        The time from here to the slot's release, once the caller said `answered()`, is the
        request's time for the scheduler (request_time.py). Not the waits above: the tick
        divides its time by how long a request holds a slot to know what the slots can carry;
        the waits are what happens when more is asked of them, and counting them would shrink
        the next plan each time workers contend, for no request that went slower."""
        self._take_points(bucket=_bucket(resource), cost=1)
        release = self._take_slot()
        answer = Answer()
        try:
            yield answer
        finally:
            release(answer.sample())

    def charge(self, *, resource: str, cost: int) -> None:
        """Points spent without asking first (redirects that requests followed): recorded if
        they fit, never waited for."""
        limit = self._per_minute(_bucket(resource))
        if cost <= 0 or limit <= 0:
            return
        strategy, url = _strategy()
        try:
            strategy.hit(_PerMinute(limit, namespace="github"), *self._ids(resource), cost=cost)
        except _STORE_ERRORS as exc:
            _outage(url, exc)

    # --- rate -------------------------------------------------------------------------------

    def _take_points(self, *, bucket: str, cost: int) -> None:
        ids = (self._fingerprint, bucket)
        waited = 0.0
        counted = False
        alone = False  # Redis failed during this call: this process's own bucket from now on
        while True:
            # Read again after every wait: a slow-down may have begun or ended meanwhile.
            limit = self._per_minute(bucket)
            if limit <= 0:  # 0 switches the bucket off
                return
            item = _PerMinute(limit, namespace="github")
            strategy, url = (_local_strategy(), "") if alone else _strategy()
            try:
                if strategy.hit(item, *ids, cost=cost):
                    return
                reset = strategy.get_window_stats(item, *ids).reset_time
            except _STORE_ERRORS as exc:
                _outage(url, exc)
                alone = True
                continue
            if not counted:
                _count_wait(bucket)
                counted = True
            wait = max(reset - time.time(), _MIN_WAIT_SECONDS)
            if waited + wait > self._max_wait:
                raise RateLimited(
                    datetime.fromtimestamp(reset, tz=UTC),
                    f"Gitpulse keeps GitHub below {limit} {bucket} points a minute; "
                    "the next one is free soon.",
                    secondary=True,
                )
            logger.info("GitHub %s bucket full (%s a minute); waiting %.1f s", bucket, limit, wait)
            self._sleep(wait)
            waited += wait

    def _per_minute(self, bucket: str) -> int:
        limit = int(getattr(settings, _RATE_SETTINGS[bucket]))
        if limit > 0 and _slowed_until(self._fingerprint) is not None:
            return max(limit // 2, 1)
        return limit

    def _ids(self, resource: str) -> tuple[str, str]:
        return (self._fingerprint, _bucket(resource))

    # --- concurrency ------------------------------------------------------------------------

    def _take_slot(self) -> Callable[[Sample | None], None]:
        slots = int(settings.GITHUB_CONCURRENT_REQUESTS)
        if slots <= 0:  # 0 switches the bound off
            return self._record
        deadline = time.monotonic() + self._max_wait
        url = settings.REDIS_URL
        if isinstance(caches["default"], RedisCache) and not _in_outage(url):
            try:
                return self._redis_slot(slots, deadline)
            except _STORE_ERRORS as exc:
                _outage(url, exc)
        return self._local_slot(slots, deadline)

    def _redis_slot(self, slots: int, deadline: float) -> Callable[[Sample | None], None]:
        client = get_redis_connection("default")
        names = [f"{STORAGE_PREFIX}:slot:{self._fingerprint}:{i}" for i in range(slots)]
        random.shuffle(names)  # spread the processes over the slots
        waiting = f"{STORAGE_PREFIX}:waiting:{self._fingerprint}"
        # Locks are not queues: a process sending request after request would take the slot
        # back the moment it freed it, and a web request polling for it would starve. Whoever
        # arrives while others wait lets them go first.
        if client.exists(waiting):
            time.sleep(_SLOT_POLL_SECONDS * 2)
        counted = False
        while True:
            for name in names:
                lock = client.lock(name, timeout=self._lock_timeout, blocking=False)
                if lock.acquire(blocking=False):
                    return lambda sample: self._free_slot(client, lock, sample)
            if not counted:
                _count_wait(CONCURRENCY)
                counted = True
            if time.monotonic() >= deadline:
                raise self._no_slot(slots)
            client.set(waiting, 1, px=int(_SLOT_POLL_SECONDS * 5 * 1000))
            # Real time, not self._sleep: another process's request frees the slot.
            time.sleep(_SLOT_POLL_SECONDS)

    def _local_slot(self, slots: int, deadline: float) -> Callable[[Sample | None], None]:
        with _lock:
            semaphore = _semaphores.setdefault(
                (self._fingerprint, slots), threading.BoundedSemaphore(slots)
            )
        if not semaphore.acquire(blocking=False):
            _count_wait(CONCURRENCY)
            if not semaphore.acquire(timeout=max(deadline - time.monotonic(), 0.0)):
                raise self._no_slot(slots)

        def release(sample: Sample | None) -> None:
            semaphore.release()
            self._record(sample)

        return release

    def _free_slot(self, client: Any, lock: Any, sample: Sample | None) -> None:
        if sample is None:
            _release(lock)
            return
        try:
            freed = request_time_fold(
                client, fingerprint=self._fingerprint, sample=sample, slot=lock
            )
        except _STORE_ERRORS as exc:
            # The slot expires on its own within the lock timeout; the sample is lost.
            logger.warning("could not release a GitHub request slot: %s", exc)
            return
        if not freed:
            logger.debug("GitHub request slot had expired before its release")

    def _record(self, sample: Sample | None) -> None:
        """A sample without a Redis slot to free with it: its own round trip."""
        if sample is None:
            return
        if not isinstance(caches["default"], RedisCache):
            request_time_fold_cache(fingerprint=self._fingerprint, sample=sample)
            return
        url = settings.REDIS_URL
        if _in_outage(url):  # dropped: the tick plans with SCHEDULER_REQUEST_MS meanwhile
            return
        try:
            request_time_fold(
                get_redis_connection("default"), fingerprint=self._fingerprint, sample=sample
            )
        except _STORE_ERRORS as exc:
            _outage(url, exc)

    def _no_slot(self, slots: int) -> RateLimited:
        return RateLimited(
            datetime.now(tz=UTC) + timedelta(seconds=self._lock_timeout),
            f"Gitpulse sends GitHub at most {slots} request(s) at a time; all are busy.",
            secondary=True,
        )


def limiter_slow_down(*, token: str) -> None:
    """Half the rate for every process for SLOW_DOWN_SECONDS (after a secondary limit)."""
    until = time.time() + SLOW_DOWN_SECONDS
    try:
        cache.set(_SLOW_KEY.format(token_fingerprint(token)), until, timeout=SLOW_DOWN_SECONDS)
    except Exception:  # a cache outage: the shared pause of quota.py still holds
        logger.warning("could not share the GitHub slow-down", exc_info=True)


def limiter_slowed_until(*, token: str | None = None) -> datetime | None:
    """Until when the rate is halved for the token (settings' by default); None: it is not."""
    return _slowed_until(token_fingerprint(settings.GITHUB_TOKEN if token is None else token))


def _slowed_until(fingerprint: str) -> datetime | None:
    try:
        raw = cache.get(_SLOW_KEY.format(fingerprint))
    except Exception:
        return None
    if not isinstance(raw, int | float) or raw <= time.time():
        return None
    return datetime.fromtimestamp(raw, tz=UTC)


def limiter_waits() -> dict[str, int]:
    """Requests that found a bucket full or every slot taken, by reason, from every process."""
    keys = {WAITS_KEY.format(reason): reason for reason in WAIT_REASONS}
    found = cache.get_many(list(keys))
    return {reason: int(found.get(key) or 0) for key, reason in keys.items()}


def _bucket(resource: str) -> str:
    # GitHub's secondary limits know two kinds of points: GraphQL's and everyone else's.
    return GRAPHQL if resource == GRAPHQL else REST


def _strategy() -> tuple[MovingWindowRateLimiter, str]:
    """The shared bucket store (REDIS_URL's Redis), or this process's own."""
    url = settings.REDIS_URL
    if not url or _in_outage(url):
        return _local_strategy(), url
    with _lock:
        strategy = _shared.get(url)
        if strategy is None:
            storage: Any = storage_from_string(
                url,
                key_prefix=STORAGE_PREFIX,
                socket_connect_timeout=1.0,
                socket_timeout=1.0,
                wrap_exceptions=True,
            )
            assert isinstance(storage, Storage)
            strategy = _shared[url] = MovingWindowRateLimiter(storage)
    return strategy, url


def _local_strategy() -> MovingWindowRateLimiter:
    """This process's own buckets: the embedded default, and the stand-in while Redis fails."""
    global _local
    with _lock:
        if _local is None:
            _local = MovingWindowRateLimiter(MemoryStorage())
        return _local


def _in_outage(url: str) -> bool:
    return _outage_until.get(url, 0.0) > time.monotonic()


def _outage(url: str, exc: Exception) -> None:
    with _lock:
        first = not _in_outage(url)
        _outage_until[url] = time.monotonic() + OUTAGE_SECONDS
    if first:
        logger.warning(
            "GitHub request limiter: Redis failed (%s: %s); this process limits itself alone "
            "for %.0f s",
            type(exc).__name__,
            exc,
            OUTAGE_SECONDS,
        )


def _release(lock: Any) -> None:
    try:
        lock.release()
    except redis.exceptions.LockError:
        # Expired (the request outlived its timeout) and maybe taken since: nothing of ours.
        logger.debug("GitHub request slot had expired before its release")
    except _STORE_ERRORS as exc:
        # It expires on its own within the lock timeout.
        logger.warning("could not release a GitHub request slot: %s", exc)


def _count_wait(reason: str) -> None:
    key = WAITS_KEY.format(reason)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # a cache outage, or the key evicted between add and incr
        logger.debug("could not count a limiter wait", exc_info=True)
