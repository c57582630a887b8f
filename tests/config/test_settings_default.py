"""Without DJANGO_SETTINGS_MODULE every entry point takes the production settings (a server that
forgot the variable must not serve debug pages with the built-in key); the Makefile's targets
for the embedded default ask for development themselves."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_ENV = {
    "DJANGO_SECRET_KEY": "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "gitpulse.example.com",
    "DATABASE_URL": "sqlite://:memory:",
}


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Only PATH and `env`: no DJANGO_SETTINGS_MODULE, as on a server that forgot it.
    clean_env = {"PATH": os.environ.get("PATH", ""), **(env or {})}
    return subprocess.run(
        args, cwd=ROOT, env=clean_env, capture_output=True, text=True, timeout=120, check=False
    )


_PRINT_SETTINGS = "from django.conf import settings; print(settings.SETTINGS_MODULE)"


@pytest.mark.parametrize(
    "entry_point",
    [
        "import config.wsgi",
        "import config.asgi",
        "from config.celery import app",
    ],
)
def test_servers_and_workers_default_to_production(entry_point):
    result = _run([sys.executable, "-c", f"{entry_point}; {_PRINT_SETTINGS}"], SERVER_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "config.settings.production"


def test_manage_py_defaults_to_production():
    result = _run([sys.executable, "manage.py", "shell", "-c", _PRINT_SETTINGS], SERVER_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "config.settings.production"


def test_a_bare_manage_py_fails_clearly_instead_of_running_development():
    result = _run([sys.executable, "manage.py", "check"])
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "DJANGO_SETTINGS_MODULE=config.settings.development" in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", ["migrate", "run", "migrations-check"])
def test_the_makefile_runs_the_embedded_default_with_development_settings(tmp_path, target):
    # A stand-in for .venv/bin/python that reports what it was started with.
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "settings=$DJANGO_SETTINGS_MODULE"\n')
    fake.chmod(0o755)
    result = _run(["make", "-s", target, f"BIN={tmp_path}"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "settings=config.settings.development"
