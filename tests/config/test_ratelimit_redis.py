"""The cards' rate limit counter in one Redis round trip (config/ratelimit_redis.py) is
django-ratelimit's own counter: the same key, lifetime and count, either path adding to it; it
reads the cache keys it is given in the same round trip; it still fails open when Redis is down,
and the local-memory cache keeps django-ratelimit's path."""

from __future__ import annotations

import logging
import socket

import pytest
import redis
from django.core.cache import cache
from django.test import RequestFactory
from django_ratelimit.core import get_usage

from config import ratelimit_redis
from config.ratelimits import CacheRead, RateLimitExceeded, rate_limit_hit

needs_redis = pytest.mark.skipif(
    not ratelimit_redis.available(), reason="the counters are not in Redis (REDIS_URL unset)"
)


@pytest.fixture
def card_request():
    return RequestFactory(REMOTE_ADDR="198.51.100.7").get("/cards/octocat/stats.svg")


@needs_redis
def test_it_counts_on_django_ratelimits_own_counter(card_request):
    usage = {"group": "api:cards", "key": "ip", "rate": "5/m", "increment": True}
    assert get_usage(card_request, **usage)["count"] == 1
    counted = ratelimit_redis.usage_counted(card_request, **usage)
    assert counted is not None
    assert counted["count"] == 2
    assert counted["limit"] == 5
    assert not counted["should_limit"]
    assert 0 <= counted["time_left"] <= 60
    assert get_usage(card_request, **usage)["count"] == 3


@needs_redis
def test_cache_keys_are_read_in_the_counters_round_trip(card_request):
    cache.set("card-entry", ("an", b"entry", 1.5))
    cache.set("card-version", "v1")
    read = CacheRead(keys=["card-entry", "card-version", "card-absent"])
    ratelimit_redis.usage_counted(card_request, group="api:cards", key="ip", rate="5/m", read=read)
    assert read.values == {"card-entry": ("an", b"entry", 1.5), "card-version": "v1"}


@needs_redis
def test_a_new_counter_gets_django_ratelimits_lifetime(card_request):
    ratelimit_redis.usage_counted(card_request, group="api:cards-ttl", key="ip", rate="5/m")
    client = redis.Redis.from_url(_redis_url())
    ttls = [client.ttl(key) for key in client.scan_iter("*rl:*")]
    assert ttls
    assert all(0 < ttl <= 65 for ttl in ttls)  # the minute and django-ratelimit's fudge


@needs_redis
def test_the_cards_scope_is_refused_past_its_limit(settings, card_request):
    settings.CARDS_RATE_LIMIT = "2/m"
    assert rate_limit_hit(card_request, scope="cards").remaining == 1
    assert rate_limit_hit(card_request, scope="cards").remaining == 0
    with pytest.raises(RateLimitExceeded) as refused:
        rate_limit_hit(card_request, scope="cards")
    assert 1 <= refused.value.retry_after <= 60


@needs_redis
def test_with_redis_down_the_cards_scope_fails_open(monkeypatch, caplog, card_request):
    down = redis.Redis(port=_closed_port(), socket_connect_timeout=0.2, socket_timeout=0.2)
    monkeypatch.setattr(ratelimit_redis.django_redis, "get_redis_connection", lambda alias: down)
    with caplog.at_level(logging.WARNING, logger="config.ratelimits"):
        assert rate_limit_hit(card_request, scope="cards") is None
    assert "scope cards fails open" in caplog.text


def test_the_local_memory_cache_keeps_django_ratelimits_path(settings, card_request):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    }
    settings.CARDS_RATE_LIMIT = "1/m"
    assert not ratelimit_redis.available()
    read = CacheRead(keys=["card-entry"])
    assert rate_limit_hit(card_request, scope="cards", read=read).remaining == 0
    assert read.values is None  # not read: CachedResponse.hit() reads them itself
    with pytest.raises(RateLimitExceeded):
        rate_limit_hit(card_request, scope="cards")


def _redis_url() -> str:
    from django.conf import settings

    return str(settings.CACHES["default"]["LOCATION"])


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
