"""Readiness fails for real: the database and the cache are swapped for ones pointed at places
nothing answers (a closed loopback port, a path that cannot be opened), not patched."""

import copy
import time
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.test import Client
from django.urls import Resolver404, resolve
from django_redis.cache import RedisCache

from tests.config.helpers import closed_loopback_port
from tests.services import require_postgres, require_redis

# The same client options as production's django-redis cache (config/settings/base.py).
REDIS_OPTIONS = {
    "CLIENT_CLASS": "django_redis.client.DefaultClient",
    "SOCKET_CONNECT_TIMEOUT": 1,
    "SOCKET_TIMEOUT": 1,
    "IGNORE_EXCEPTIONS": True,
}


@pytest.fixture
def unreachable_database(db, tmp_path):
    """Replace the default connection with one of the same engine that cannot connect."""
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "missing-directory" / "gitpulse.sqlite3")
    else:
        settings_dict["HOST"] = "127.0.0.1"
        settings_dict["PORT"] = closed_loopback_port()
    broken = type(original)(settings_dict, alias="default")
    connections["default"] = broken
    try:
        yield broken
    finally:
        broken.close()
        connections["default"] = original


@pytest.fixture(params=[True, False], ids=["ignore-exceptions", "raise-exceptions"])
def unreachable_cache(request):
    """A real django-redis cache pointed at a closed port, whether or not this run has Redis:
    with IGNORE_EXCEPTIONS (production) the outage is silent, without it, it raises."""
    options = dict(REDIS_OPTIONS, IGNORE_EXCEPTIONS=request.param)
    broken = RedisCache(f"redis://127.0.0.1:{closed_loopback_port()}/1", {"OPTIONS": options})
    original = caches["default"]
    caches["default"] = broken
    try:
        yield broken
    finally:
        caches["default"] = original


def test_live_answers_200_without_login(client: Client):
    response = client.get("/health/live")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}


def test_ready_answers_200_when_database_and_cache_work(client: Client, db):
    response = client.get("/health/ready")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_ready_is_503_naming_the_database_when_it_is_unreachable(
    client: Client, unreachable_database, caplog
):
    started = time.monotonic()
    response = client.get("/health/ready")
    elapsed = time.monotonic() - started
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "failing", "cache": "ok"},
    }
    # The driver's own error, not pytest-django's "Database access not allowed".
    assert "OperationalError" in caplog.text
    assert elapsed < 2


def test_ready_is_503_naming_the_cache_when_it_is_unreachable(
    client: Client, db, unreachable_cache
):
    started = time.monotonic()
    response = client.get("/health/ready")
    elapsed = time.monotonic() - started
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "cache": "failing"},
    }
    assert elapsed < 2


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_probes_are_never_cached(client: Client, db, path: str):
    cache_control = client.get(path)["Cache-Control"]
    assert "no-store" in cache_control
    assert "max-age=0" in cache_control


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_probes_answer_a_host_outside_allowed_hosts(client: Client, db, path: str):
    # Orchestrators probe by pod IP; docker compose by localhost.
    response = client.get(path, HTTP_HOST="10.42.0.7:8000")
    assert response.status_code == HTTPStatus.OK


def test_other_pages_still_refuse_a_host_outside_allowed_hosts(client: Client, db):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_probes_are_not_rate_limited(client: Client, db):
    statuses = {client.get("/health/ready").status_code for _ in range(50)}
    assert statuses == {HTTPStatus.OK}


def test_probes_take_head_requests(client: Client):
    assert client.head("/health/live").status_code == HTTPStatus.OK


def test_probes_refuse_writes(client: Client):
    assert client.post("/health/live").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_postgresql_connections_time_out_within_two_seconds():
    require_postgres()
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] <= 2


def test_redis_cache_times_out_within_two_seconds_and_degrades_instead_of_failing():
    require_redis()
    options = settings.CACHES["default"]["OPTIONS"]
    assert options["SOCKET_CONNECT_TIMEOUT"] < 2
    assert options["SOCKET_TIMEOUT"] < 2
    assert options["IGNORE_EXCEPTIONS"] is True


@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/metrics"])
def test_probes_are_served_once_by_the_middleware_and_not_by_the_urlconf(path: str):
    with pytest.raises(Resolver404):
        resolve(path)
    with pytest.raises(Resolver404):
        resolve(f"{path}/")
