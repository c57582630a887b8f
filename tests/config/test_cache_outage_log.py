"""A Redis outage logs one warning a minute per process, not a traceback for each cache call that
django-redis's IGNORE_EXCEPTIONS swallowed (config/logging.py, CacheOutageFilter)."""

import copy
import logging
import time

import pytest
from django.core.cache import caches

from config.logging import CacheOutageFilter

LOGGER = "django_redis.cache"


@pytest.fixture
def outage_filter(monkeypatch) -> CacheOutageFilter:
    """The filter the settings' LOGGING put on django-redis's logger, with a fresh window.
    (Each logging.config.dictConfig() adds one: tests that reconfigure logging leave several.)"""
    found = [f for f in logging.getLogger(LOGGER).filters if isinstance(f, CacheOutageFilter)]
    assert found, "LOGGING puts no CacheOutageFilter on django-redis's logger"
    for instance in found:
        monkeypatch.setattr(instance, "_quiet_until", 0.0)
        monkeypatch.setattr(instance, "_left_out", 0)
    return found[-1]


@pytest.fixture
def dead_cache(settings):
    """A cache configured as production's, on a port where no Redis answers."""
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # as base.py sets it with REDIS_URL
    configured = copy.deepcopy(settings.CACHES)
    configured["outage"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "IGNORE_EXCEPTIONS": True,
        },
    }
    settings.CACHES = configured
    return caches["outage"]


def _outage_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == LOGGER]


def test_many_failing_cache_calls_log_one_warning_without_a_traceback(
    outage_filter, dead_cache, caplog
):
    caplog.set_level(logging.INFO)
    for number in range(20):
        assert dead_cache.get(f"key-{number}") is None  # served without the cache
    (record,) = _outage_records(caplog)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert not record.exc_text
    message = record.getMessage()
    assert message.count("cache unavailable") == 1
    assert "ConnectionError" in message


def test_the_next_warning_says_how_many_were_left_out(
    outage_filter, dead_cache, caplog, monkeypatch
):
    caplog.set_level(logging.INFO)
    for instance in logging.getLogger(LOGGER).filters:
        if isinstance(instance, CacheOutageFilter):
            monkeypatch.setattr(instance, "interval", 0.2)
    for number in range(5):
        dead_cache.get(f"key-{number}")
    time.sleep(0.3)
    dead_cache.get("after-the-window")
    _first, second = _outage_records(caplog)
    assert "(4 more cache errors" in second.getMessage()
