"""The measured time of a GitHub request (github_stats/github/request_time.py): recorded by the
request limiter from real requests to the fake GitHub, shared per token, and what the
scheduler's tick divides by instead of SCHEDULER_REQUEST_MS (services/scheduling.py)."""

from __future__ import annotations

import copy
import datetime as dt
import math
import threading
import time
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django_redis import get_redis_connection

from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubUnavailable
from github_stats.github.limiter import RequestLimiter
from github_stats.github.quota import token_fingerprint
from github_stats.github.request_time import (
    CACHE_KEY,
    DECAY_SECONDS,
    KEY,
    Sample,
    request_seconds_mean,
    request_time_fold,
)
from github_stats.models import RefreshJob
from github_stats.services import scheduling
from github_stats.services.scheduling import allowance_now, refresh_stale_tick
from tests.config.helpers import closed_loopback_port
from tests.github_stats.factories import TrackingFactory
from tests.github_stats.quota import quota_seen
from tests.services import require_redis

pytestmark = pytest.mark.django_db

LATENCY = 0.1
# Loopback, the fake's own work and ours, on a busy two-CPU machine.
OVERHEAD = 0.1


@pytest.fixture
def token() -> str:
    return f"ghp_request_time_{uuid.uuid4().hex}"


@pytest.fixture
def alice(fake_github) -> None:
    fake_github.state.add_user("alice", repos=2)


def _get_alice(fake_github, token: str, times: int, **kw: Any) -> None:
    client = GitHubClient(base_url=fake_github.url, token=token, **kw)
    for _ in range(times):
        client.account_get(login="alice")


def _memory_only(settings) -> None:
    """The embedded default: no REDIS_URL, the local-memory cache."""
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "request-time-tests",
        }
    }
    cache.clear()


@pytest.fixture
def redis_down(settings) -> None:
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


# --- measuring --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shared", "slots"),
    [
        pytest.param(True, 1, id="redis-slot", marks=pytest.mark.redis),
        pytest.param(True, 0, id="redis-no-slots", marks=pytest.mark.redis),
        pytest.param(False, 1, id="cache-semaphore"),
        pytest.param(False, 0, id="cache-no-slots"),
    ],
)
def test_the_mean_is_measured_from_real_requests_per_token(
    settings, fake_github, alice, token, shared, slots
):
    if shared:
        require_redis()
    else:
        _memory_only(settings)
    settings.GITHUB_CONCURRENT_REQUESTS = slots
    fake_github.state.latency = LATENCY
    assert request_seconds_mean(token=token) is None  # nothing measured yet

    _get_alice(fake_github, token, 4)

    mean = request_seconds_mean(token=token)
    assert mean is not None
    assert LATENCY <= mean < LATENCY + OVERHEAD
    assert request_seconds_mean(token=f"{token}-other") is None


@pytest.mark.redis
def test_the_mean_lives_in_the_caches_redis_under_the_limiters_prefix(fake_github, alice, token):
    require_redis()
    _get_alice(fake_github, token, 1)
    raw = get_redis_connection("default")
    key = f"gitpulse:github-limiter:request-seconds:{token_fingerprint(token)}"
    assert float(raw.hget(key, "weight")) == pytest.approx(1.0, abs=0.01)
    assert 0 < raw.ttl(key) <= 24 * 3600


@pytest.mark.parametrize(
    "shared",
    [pytest.param(True, id="redis", marks=pytest.mark.redis), pytest.param(False, id="cache")],
)
def test_a_minute_old_mean_fades_to_1_over_e_against_a_new_request(
    settings, fake_github, alice, token, shared
):
    # What the store held: a mean of 1 s, last updated a minute ago (the decay's time constant).
    minute_ago = time.time() - DECAY_SECONDS
    fingerprint = token_fingerprint(token)
    if shared:
        require_redis()
        get_redis_connection("default").hset(
            KEY.format(fingerprint), mapping={"sum": 1.0, "weight": 1.0, "at": minute_ago}
        )
    else:
        _memory_only(settings)
        cache.set(CACHE_KEY.format(fingerprint), (1.0, 1.0, minute_ago))
    fake_github.state.latency = LATENCY

    _get_alice(fake_github, token, 1)

    fade = math.exp(-1)  # 1 s weighted 1/e, the new request 1
    low, high = ((fade + took) / (fade + 1) for took in (LATENCY, LATENCY + OVERHEAD))
    assert low <= request_seconds_mean(token=token) <= high  # undecayed: 0.55 s and more


def test_the_wait_for_a_slot_is_not_counted_as_request_time(settings, fake_github, alice, token):
    settings.GITHUB_CONCURRENT_REQUESTS = 1
    fake_github.state.latency = LATENCY
    holder = RequestLimiter(token=token, may_sleep=True, sleep=time.sleep, request_seconds=10)
    taken = threading.Event()

    def hold_the_slot() -> None:
        with holder.request(resource="core"):  # never answered: not measured either
            taken.set()
            time.sleep(0.6)

    thread = threading.Thread(target=hold_the_slot)
    thread.start()
    assert taken.wait(5)
    started = time.monotonic()
    _get_alice(fake_github, token, 1, may_sleep=True)
    waited = time.monotonic() - started
    thread.join(5)

    assert waited >= 0.5  # it did wait for the slot
    mean = request_seconds_mean(token=token)
    assert mean is not None
    assert mean < LATENCY + OVERHEAD


def test_a_try_without_an_answer_is_not_measured(token):
    client = GitHubClient(base_url=f"http://127.0.0.1:{closed_loopback_port()}", token=token)
    with pytest.raises(GitHubUnavailable):
        client.account_get(login="alice")
    assert request_seconds_mean(token=token) is None


def test_redis_down_measures_nothing_and_raises_nothing(
    redis_down, fake_github, alice, settings, token
):
    fake_github.state.latency = LATENCY
    started = time.monotonic()
    _get_alice(fake_github, token, 3)
    assert time.monotonic() - started < 3 * LATENCY + 1.5  # one socket timeout, not one a try
    assert request_seconds_mean(token=token) is None
    settings.GITHUB_TOKEN = token
    assert allowance_now(now=dt.datetime.now(tz=dt.UTC)).request_seconds == pytest.approx(
        settings.SCHEDULER_REQUEST_MS / 1000
    )


# --- planning ---------------------------------------------------------------------------------


def _tick_after_requests(fake_github, latency: float, settings) -> scheduling.StaleTick:
    cache.clear()  # nothing measured, no job waiting: only these requests count
    RefreshJob.objects.all().delete()
    fake_github.state.latency = latency
    _get_alice(fake_github, settings.GITHUB_TOKEN, 3)
    # After the fake's answers, which record its quota: the quota is not what holds the tick.
    quota_seen(remaining=1_000_000, limit=1_000_000)
    return refresh_stale_tick()


def test_the_tick_plans_more_requests_when_they_are_measured_fast_and_fewer_when_slow(
    settings, fake_github, alice, django_capture_on_commit_callbacks
):
    settings.GITHUB_CONCURRENT_REQUESTS = 1
    settings.SCHEDULER_TICK_SECONDS = 2
    stale = dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=2)
    for _ in range(8):
        TrackingFactory(account__fetched_at=stale)  # a first fetch each: 3 requests

    with django_capture_on_commit_callbacks(execute=False):
        fast = _tick_after_requests(fake_github, 0.02, settings)
        fast_mean = request_seconds_mean()
        slow = _tick_after_requests(fake_github, 0.25, settings)
        slow_mean = request_seconds_mean()

    assert fast_mean is not None
    assert slow_mean is not None
    # One slot for two seconds, at the measured time of a request.
    assert fast.allowance.requests == pytest.approx(2 / fast_mean)
    assert slow.allowance.requests == pytest.approx(2 / slow_mean)
    assert len(fast.queued) == 8  # 24 requests fit in two seconds at about 25 ms
    assert len(slow.queued) < len(fast.queued)
    assert slow.left_for_later == 8 - len(slow.queued)


def test_before_anything_is_measured_the_tick_plans_with_the_setting(settings):
    settings.SCHEDULER_REQUEST_MS = 400
    assert scheduling.request_seconds_expected() == pytest.approx(0.4)


@pytest.mark.redis
@pytest.mark.parametrize(("measured", "planned"), [(0.001, 0.02), (30.0, 10.0), (0.5, 0.5)])
def test_a_measured_time_is_held_within_sane_bounds(settings, measured, planned):
    require_redis()
    request_time_fold(
        get_redis_connection("default"),
        fingerprint=token_fingerprint(settings.GITHUB_TOKEN),
        sample=Sample(seconds=measured, requests=1),
    )
    assert scheduling.request_seconds_expected() == pytest.approx(planned)
