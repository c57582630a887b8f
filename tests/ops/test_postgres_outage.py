"""PostgreSQL stopped, on a cluster of our own behind a real gunicorn (the suite's database
stays up): pages and the API answer a clean 503 quickly, readiness says so, and the first
requests after PostgreSQL is back succeed without restarting gunicorn."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import pytest
import requests

from tests.ops.throwaway import (
    ThrowawayPostgres,
    free_port,
    require_postgres_server,
    wait_for_port,
)

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
BUDGET_SECONDS = 3.0
_SIGN_IN = """
from importlib import import_module
from allauth.account.models import EmailAddress
from django.conf import settings
from accounts.models import User
user = User.objects.create_user(email="ops@example.com", password="a-long-test-password-42")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
session = import_module(settings.SESSION_ENGINE).SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


@dataclass
class Site:
    url: str
    postgres: ThrowawayPostgres
    http: requests.Session

    def get(self, path: str, **kwargs) -> tuple[requests.Response, float]:
        started = time.monotonic()
        response = self.http.get(f"{self.url}{path}", timeout=10, allow_redirects=False, **kwargs)
        return response, time.monotonic() - started


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    require_postgres_server()
    # Not under pytest's tmp folder: that is private to root, and the cluster runs as postgres.
    workdir = Path(tempfile.mkdtemp(prefix="gitpulse-pg-outage-"))
    postgres = ThrowawayPostgres(workdir=workdir)
    postgres.init()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "PROMETHEUS_MULTIPROC_DIR"}
        and not key.startswith("PG")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.development",
        DJANGO_DEBUG="0",
        DATABASE_URL=postgres.url,
        GITHUB_API_URL="http://127.0.0.1:9",
    )
    server = None
    try:
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run(
            [*manage, "migrate", "--noinput"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )
        session_key = (
            subprocess.run(
                [*manage, "shell", "-c", _SIGN_IN],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                timeout=120,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "30",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, timeout=30)
        http = requests.Session()
        http.cookies.set("sessionid", session_key, domain="127.0.0.1")
        yield Site(url=f"http://127.0.0.1:{port}", postgres=postgres, http=http)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        postgres.stop_quietly()
        shutil.rmtree(workdir, ignore_errors=True)


def test_pages_and_api_answer_503_while_postgres_is_down_and_recover(site: Site):
    page, _ = site.get("/watchlist/")
    assert page.status_code == HTTPStatus.OK
    api, _ = site.get("/api/v1/me")
    assert api.status_code == HTTPStatus.OK

    site.postgres.stop()
    try:
        for path in ("/watchlist/", "/u/octocat", "/home/"):
            response, took = site.get(path)
            assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE, path
            assert "Temporarily unavailable" in response.text
            assert response.headers["Retry-After"]
            assert response.headers["X-Request-ID"] in response.text
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
            assert took < BUDGET_SECONDS, f"{path} took {took:.2f} s"

        response, took = site.get("/api/v1/me")
        assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        body = response.json()
        assert body["error"] == "database_unavailable"
        assert body["request_id"] == response.headers["X-Request-ID"]
        assert took < BUDGET_SECONDS

        ready, _ = site.get("/health/ready")
        assert ready.status_code == HTTPStatus.SERVICE_UNAVAILABLE
        assert ready.json()["checks"]["database"] == "failing"
    finally:
        site.postgres.start()

    page, _ = site.get("/watchlist/")
    assert page.status_code == HTTPStatus.OK
    api, _ = site.get("/api/v1/me")
    assert api.status_code == HTTPStatus.OK
    assert api.json()["email"] == "ops@example.com"
