"""Redis stopped, on a Redis of our own (the suite's stays up): signed-in pages render from
the database, readiness names the cache, API reads stay open, logins stay limited (closed),
and everything recovers when Redis is back, without restarting anything."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.github_stats.factories import (
    AccountSnapshotFactory,
    GitHubAccountFactory,
    RepositoryFactory,
    TrackingFactory,
)
from tests.ops.throwaway import ThrowawayRedis, require_redis_server

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

BUDGET_SECONDS = 3.0


@pytest.fixture
def own_redis(tmp_path, settings) -> Iterator[ThrowawayRedis]:
    """The default cache on a Redis of our own, configured as production configures it."""
    require_redis_server()
    server = ThrowawayRedis(workdir=tmp_path)
    server.start()
    caches = copy.deepcopy(settings.CACHES)
    caches["default"] = {
        "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
        "LOCATION": server.url,
        "KEY_PREFIX": "gitpulse",
        "TIMEOUT": 300,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": True,
        },
    }
    settings.CACHES = caches
    settings.SILENCED_SYSTEM_CHECKS = []
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def person(db):
    user = UserFactory()
    account = GitHubAccountFactory(login="octo-cat", public_repos=2)
    RepositoryFactory(owner=account, name="hello-world")
    AccountSnapshotFactory(account=account)
    TrackingFactory(user=user, account=account)
    return user


def _timed_get(client: Client, path: str, **kwargs):
    started = time.monotonic()
    response = client.get(path, **kwargs)
    return response, time.monotonic() - started


def test_signed_in_pages_render_from_the_database_without_redis(own_redis, person):
    client = Client()
    client.force_login(person)
    assert client.get("/u/octo-cat").status_code == HTTPStatus.OK  # warms the cache

    own_redis.stop()

    for path in ("/u/octo-cat", "/watchlist/"):
        response, took = _timed_get(client, path)
        assert response.status_code == HTTPStatus.OK, path
        assert b"octo-cat" in response.content
        assert took < BUDGET_SECONDS, f"{path} took {took:.2f} s"


def test_readiness_names_the_cache_when_redis_is_down(own_redis):
    assert Client().get("/health/ready").status_code == HTTPStatus.OK
    own_redis.stop()
    response, took = _timed_get(Client(), "/health/ready")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"] == {"database": "ok", "cache": "failing"}
    assert took < BUDGET_SECONDS


def test_api_reads_fail_open_without_redis(own_redis, person):
    client = Client()
    client.force_login(person)
    own_redis.stop()
    for _ in range(3):
        response, took = _timed_get(client, "/api/v1/watchlist")
        assert response.status_code == HTTPStatus.OK, response.content
        assert took < BUDGET_SECONDS


def _login(client: Client, email: str, password: str = DEFAULT_PASSWORD):
    started = time.monotonic()
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return response, time.monotonic() - started


def test_logins_are_limited_with_redis_up(own_redis, person):
    client = Client()
    for _ in range(6):
        _login(client, person.email, "wrong")
    # allauth's failed-login limit (5 per 5 minutes per address) now refuses the right password.
    response, _ = _login(client, person.email)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS)
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_logins_fail_closed_without_redis(own_redis, person):
    own_redis.stop()
    client = Client()
    response, took = _login(client, person.email)
    # allauth cannot count attempts, so it refuses them: nobody can guess passwords unmetered.
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session
    assert took < BUDGET_SECONDS


def test_everything_recovers_when_redis_is_back(own_redis, person):
    client = Client()
    client.force_login(person)
    own_redis.stop()
    assert Client().get("/health/ready").status_code == HTTPStatus.SERVICE_UNAVAILABLE

    own_redis.start()  # the same port: nothing of ours is restarted or reconfigured

    assert Client().get("/health/ready").status_code == HTTPStatus.OK
    assert client.get("/u/octo-cat").status_code == HTTPStatus.OK
    fresh = Client()
    response, _ = _login(fresh, person.email)
    assert response.status_code == HTTPStatus.FOUND
    assert fresh.session.get("_auth_user_id") == str(person.pk)
    assert settings.CACHES["default"]["LOCATION"] == own_redis.url
