"""The shared request limiter (github_stats/github/limiter.py) in one process: the per-minute
buckets, the concurrency slots, the slow-down after a secondary limit, memory or Redis storage,
and failing open when Redis is down. Across processes: tests/ops/test_limiter_processes.py.

Each test has a token of its own, so its buckets and slots (in process memory, or in Redis) are
nobody else's."""

from __future__ import annotations

import copy
import itertools
import logging
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import redis
import requests
from django.conf import settings as django_settings
from django.core.cache import cache

from github_stats.github import limiter
from github_stats.github.client import GitHubClient
from github_stats.github.errors import RateLimited
from github_stats.github.limiter import RequestLimiter, limiter_slowed_until, limiter_waits
from tests.config.helpers import closed_loopback_port
from tests.services import require_redis

RATE = 5
_STORAGES = [
    pytest.param(False, id="semaphore"),
    pytest.param(True, id="redis-locks", marks=pytest.mark.redis),
]


@pytest.fixture
def token() -> str:
    return f"ghp_limiter_{uuid.uuid4().hex}"


@pytest.fixture
def limited(settings, fake_github) -> Any:
    """Low limits, as GitHub's would be in production (the suite's are out of reach)."""
    settings.GITHUB_REST_POINTS_PER_MINUTE = RATE
    settings.GITHUB_GRAPHQL_POINTS_PER_MINUTE = 2
    settings.GITHUB_CONCURRENT_REQUESTS = 1
    fake_github.state.add_user("alice", repos=2)
    return settings


@pytest.fixture
def memory_only(settings) -> None:
    """The embedded default: no REDIS_URL, the local-memory cache (empty)."""
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "limiter-tests",
        }
    }
    cache.clear()


def _storage(request: pytest.FixtureRequest, shared: bool) -> None:
    if shared:
        require_redis()
    else:
        request.getfixturevalue("memory_only")


def _client(fake_github, token: str, *, may_sleep: bool, sleeps: list[float], **kw: Any):
    return GitHubClient(
        base_url=fake_github.url, token=token, may_sleep=may_sleep, sleep=sleeps.append, **kw
    )


def _in_about(when: datetime, seconds: float) -> bool:
    return abs((when - datetime.now(tz=UTC)).total_seconds() - seconds) <= 3


# --- the rate buckets -------------------------------------------------------------------------


def test_a_worker_gets_exactly_the_rate_then_waits_up_to_the_cap_then_raises(
    limited, fake_github, token
):
    sleeps: list[float] = []
    client = _client(fake_github, token, may_sleep=True, sleeps=sleeps)
    for _ in range(RATE):
        client.account_get(login="alice")
    assert sleeps == []
    with pytest.raises(RateLimited) as excinfo:
        client.account_get(login="alice")
    # One wait for the window to free (about a minute); still full after it: raised.
    assert len(sleeps) == 1
    assert 55 < sleeps[0] <= limiter.WORKER_MAX_WAIT_SECONDS
    assert excinfo.value.secondary is True
    assert _in_about(excinfo.value.reset_at, 60)
    assert fake_github.state.total == RATE
    assert limiter_waits()["rest"] == 1


def test_a_worker_that_waited_tries_the_bucket_again(limited, fake_github, token):
    sleeps: list[float] = []

    def window_moves(seconds: float) -> None:
        sleeps.append(seconds)
        limited.GITHUB_REST_POINTS_PER_MINUTE = RATE + 1  # as if the oldest entry had expired

    client = GitHubClient(base_url=fake_github.url, token=token, may_sleep=True, sleep=window_moves)
    for _ in range(RATE + 1):
        client.account_get(login="alice")
    assert len(sleeps) == 1
    assert fake_github.state.total == RATE + 1


def test_a_web_request_never_sleeps_a_minute_for_the_bucket(limited, fake_github, token):
    sleeps: list[float] = []
    client = _client(fake_github, token, may_sleep=False, sleeps=sleeps)
    for _ in range(RATE):
        client.account_get(login="alice")
    with pytest.raises(RateLimited) as excinfo:
        client.account_get(login="alice")
    assert sleeps == []  # the window frees in about 60 s, over the web's 1 s
    assert excinfo.value.secondary is True
    assert fake_github.state.total == RATE


def test_every_try_of_a_retried_request_takes_a_point(limited, fake_github, token):
    fake_github.state.inject("/users/alice", "status", status=502, count=2)
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    client.account_get(login="alice")  # 502, 502, 200
    client.account_get(login="alice")
    client.account_get(login="alice")
    with pytest.raises(RateLimited):
        client.account_get(login="alice")
    assert fake_github.state.total == RATE


def test_buckets_are_per_token_and_per_resource(limited, fake_github, token):
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    for _ in range(RATE):
        client.account_get(login="alice")
    with pytest.raises(RateLimited):
        client.account_get(login="alice")
    # GraphQL points are another bucket: 2 a minute here, one per query.
    repos = [("alice", name) for name in fake_github.state.account("alice").repos]
    client.languages_for(repos=repos)
    client.languages_for(repos=repos)
    with pytest.raises(RateLimited):
        client.languages_for(repos=repos)
    # Another token's buckets are untouched.
    _client(fake_github, f"{token}-other", may_sleep=False, sleeps=[]).account_get(login="alice")
    assert fake_github.state.total == RATE + 2 + 1


def test_followed_redirects_are_charged_too(limited, fake_github, token):
    fake_github.state.add_user("renamed")
    fake_github.state.rename_account("renamed", "new-name")
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    client.account_get(login="renamed")  # 301, then 200: two points
    for _ in range(RATE - 2):
        client.account_get(login="alice")
    with pytest.raises(RateLimited):
        client.account_get(login="alice")


def test_zero_switches_a_bucket_off(limited, fake_github, token):
    limited.GITHUB_REST_POINTS_PER_MINUTE = 0
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    for _ in range(RATE * 3):
        client.account_get(login="alice")
    assert fake_github.state.total == RATE * 3


# --- the slow-down after a secondary limit ----------------------------------------------------


def test_a_secondary_limit_halves_the_rate_for_ten_minutes(limited, fake_github, token):
    limited.GITHUB_REST_POINTS_PER_MINUTE = 6
    # Retry-After 0: no shared pause, so what follows is the halved rate alone.
    fake_github.state.inject("/users/alice", "secondary", retry_after=0)
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    with pytest.raises(RateLimited):
        client.account_get(login="alice")
    slowed = limiter_slowed_until(token=token)
    assert slowed is not None
    assert _in_about(slowed, limiter.SLOW_DOWN_SECONDS)
    client.account_get(login="alice")
    client.account_get(login="alice")  # 3 of 6 / 2 spent (the 403 counted too)
    with pytest.raises(RateLimited):
        client.account_get(login="alice")
    assert fake_github.state.total == 3
    assert limiter_slowed_until(token=f"{token}-other") is None


# --- concurrency ------------------------------------------------------------------------------


class _TimedSession(requests.Session):
    """Records when each request was on the wire (inside the limiter's slot)."""

    def __init__(self, spans: list[tuple[float, float]]) -> None:
        super().__init__()
        self.spans = spans

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        started = time.monotonic()
        try:
            return super().request(*args, **kwargs)
        finally:
            self.spans.append((started, time.monotonic()))


def _overlaps(spans: list[tuple[float, float]]) -> int:
    ordered = sorted(spans)
    return sum(1 for a, b in itertools.pairwise(ordered) if b[0] < a[1])


def _threads_hitting(fake_github, token: str, *, threads: int, each: int) -> list:
    spans: list[tuple[float, float]] = []
    errors: list[BaseException] = []

    def run() -> None:
        client = _client(
            fake_github, token, may_sleep=True, sleeps=[], session=_TimedSession(spans)
        )
        try:
            for _ in range(each):
                client.account_get(login="alice")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert errors == []
    return spans


@pytest.mark.parametrize("shared", _STORAGES)
def test_one_slot_keeps_a_tokens_requests_serial(limited, fake_github, token, request, shared):
    _storage(request, shared)
    limited.GITHUB_REST_POINTS_PER_MINUTE = 1000
    fake_github.state.inject("/users/alice", "slow", seconds=0.05, count=None)
    spans = _threads_hitting(fake_github, token, threads=3, each=4)
    assert len(spans) == 12
    assert _overlaps(spans) == 0
    # The same load with three slots does overlap: the check above can see it.
    limited.GITHUB_CONCURRENT_REQUESTS = 3
    assert _overlaps(_threads_hitting(fake_github, f"{token}-3", threads=3, each=4)) > 0


@pytest.mark.parametrize("shared", _STORAGES)
def test_a_web_request_waits_a_second_for_a_slot_then_raises(
    limited, fake_github, token, request, shared
):
    _storage(request, shared)
    holder = RequestLimiter(token=token, may_sleep=True, sleep=time.sleep, request_seconds=10)
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    with holder.request(resource="core"):
        started = time.monotonic()
        with pytest.raises(RateLimited) as excinfo:
            client.account_get(login="alice")
        waited = time.monotonic() - started
    assert limiter.WEB_MAX_WAIT_SECONDS <= waited < limiter.WEB_MAX_WAIT_SECONDS + 1
    assert excinfo.value.secondary is True
    assert fake_github.state.total == 0
    assert limiter_waits()["concurrency"] == 1
    client.account_get(login="alice")  # the slot is free again


@pytest.mark.redis
def test_a_redis_slot_expires_after_the_longest_request(limited, fake_github, token):
    require_redis()
    holder = RequestLimiter(token=token, may_sleep=True, sleep=time.sleep, request_seconds=10)
    raw = redis.Redis.from_url(django_settings.REDIS_URL)
    with holder.request(resource="core"):
        keys = raw.keys(f"{limiter.STORAGE_PREFIX}:slot:*")
        assert len(keys) == 1
        ttl = raw.pttl(keys[0])
    assert 10_000 < ttl <= (10 + limiter.LOCK_MARGIN_SECONDS) * 1000
    assert raw.keys(f"{limiter.STORAGE_PREFIX}:slot:*") == []  # released after the answer


# --- storage ----------------------------------------------------------------------------------


@pytest.mark.redis
def test_with_redis_the_buckets_live_in_redis_under_our_prefix(limited, fake_github, token):
    require_redis()
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    client.account_get(login="alice")
    raw = redis.Redis.from_url(django_settings.REDIS_URL)
    keys = [key.decode() for key in raw.keys(f"{limiter.STORAGE_PREFIX}:*")]
    assert any(key.endswith("/rest") for key in keys), keys
    assert raw.llen(next(key for key in keys if key.endswith("/rest"))) == 1


def test_without_redis_url_the_buckets_are_in_process_memory(
    limited, memory_only, fake_github, token
):
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    for _ in range(RATE):
        client.account_get(login="alice")
    with pytest.raises(RateLimited):
        client.account_get(login="alice")
    suites_redis = os.environ.get("REDIS_URL")
    if suites_redis:  # the Redis this run has, which the embedded default must not touch
        assert redis.Redis.from_url(suites_redis).keys(f"{limiter.STORAGE_PREFIX}:*") == []


def test_redis_down_fails_open_with_a_warning(limited, fake_github, token, settings, caplog):
    dead = f"redis://127.0.0.1:{closed_loopback_port()}/0"
    settings.REDIS_URL = dead
    caches = copy.deepcopy(settings.CACHES)
    caches["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": dead,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": True,
        },
    }
    settings.CACHES = caches
    client = _client(fake_github, token, may_sleep=False, sleeps=[])
    with caplog.at_level(logging.WARNING, logger="github_stats.github.limiter"):
        started = time.monotonic()
        for _ in range(3):
            assert client.account_get(login="alice").payload is not None
        took = time.monotonic() - started
    warnings = [r for r in caplog.records if r.name == "github_stats.github.limiter"]
    assert len(warnings) == 1  # once per outage, not once per request
    assert "Redis failed" in warnings[0].getMessage()
    assert fake_github.state.total == 3
    assert took < 2  # Redis is not asked again on every request while it is down
    # Meanwhile this process still limits itself: its own bucket, the same rate.
    client.account_get(login="alice")
    client.account_get(login="alice")
    with pytest.raises(RateLimited):
        client.account_get(login="alice")
