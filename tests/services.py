"""Which real services this run has. A test that needs one it lacks skips with the reason on the
embedded default, and fails instead when CI is set: CI must never silently skip them."""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def require(available: bool, reason: str) -> None:
    if available:
        return
    if in_ci():
        pytest.fail(f"CI must run this test, but {reason}")
    pytest.skip(reason)


def has_postgres() -> bool:
    return connection.vendor == "postgresql"


def has_redis() -> bool:
    return bool(settings.REDIS_URL)


def has_chromium() -> bool:
    return os.path.exists(CHROMIUM_PATH) or shutil.which("chromium") is not None


def require_postgres() -> None:
    require(has_postgres(), "DATABASE_URL does not point at PostgreSQL")


def require_redis() -> None:
    require(has_redis(), "REDIS_URL is not set")


def require_chromium() -> None:
    require(has_chromium(), f"no Chromium at {CHROMIUM_PATH}")


def child_process_env(**overrides: str) -> dict[str, str]:
    """The environment of a child process (a Celery worker, a scheduler) that must work on this
    test run's PostgreSQL database, Redis cache and broker: this one's, pointed at them."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.development",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **overrides,
    }
