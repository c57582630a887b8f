"""Switches that come from the environment, checked in fresh processes: settings are read once,
at start-up, so only a new process shows what a deployment with those variables would do."""

import json

import pytest

from tests.config.helpers import run_django

_PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

# The login page reads allauth's SocialApp table (apps can also be configured in the admin).
call_command("migrate", "socialaccount", verbosity=0)
with override_settings(ALLOWED_HOSTS=["testserver"]):
    page = Client().get("/accounts/login/").content.decode()
print(json.dumps({
    "github_installed": "allauth.socialaccount.providers.github" in settings.INSTALLED_APPS,
    "login_page_offers_github": "/accounts/github/login/" in page,
    "email_backend": settings.EMAIL_BACKEND,
}))
"""
GITHUB_ENV = {"GITHUB_OAUTH_CLIENT_ID": "Iv1.0123456789abcdef", "GITHUB_OAUTH_SECRET": "s" * 40}


def _probe(env: dict[str, str]) -> dict:
    # The development settings: what `make run` reads, on a throwaway in-memory database.
    result = run_django(
        _PROBE,
        settings_module="config.settings.development",
        env={"DATABASE_URL": "sqlite://:memory:", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def without_oauth() -> dict:
    return _probe({})


@pytest.fixture(scope="module")
def with_oauth() -> dict:
    return _probe(GITHUB_ENV)


def test_github_login_is_installed_when_oauth_credentials_are_set(with_oauth: dict):
    assert with_oauth["github_installed"]


def test_login_page_offers_github_when_oauth_credentials_are_set(with_oauth: dict):
    assert with_oauth["login_page_offers_github"]


def test_github_login_is_absent_without_oauth_credentials(without_oauth: dict):
    assert not without_oauth["github_installed"]
    assert not without_oauth["login_page_offers_github"]


def test_email_goes_to_the_console_by_default(without_oauth: dict):
    assert without_oauth["email_backend"] == "django.core.mail.backends.console.EmailBackend"


def test_email_goes_over_smtp_when_email_host_is_set():
    result = run_django(
        "from django.conf import settings\nprint(settings.EMAIL_BACKEND)",
        settings_module="config.settings.development",
        env={"EMAIL_HOST": "smtp.example.com"},
    )
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend", result.stderr


_OLD_KEY = "old-key-" + "o" * 50
_SESSION_PROBE = """
import json
import os
from django.contrib.sessions.backends.db import SessionStore
from django.test import override_settings

# A session written before the rotation, when the old key was the only one.
with override_settings(SECRET_KEY=os.environ["OLD_SECRET_KEY"], SECRET_KEY_FALLBACKS=[]):
    stored = SessionStore().encode({"_auth_user_id": "7"})
print(json.dumps(SessionStore().decode(stored)))
"""


@pytest.mark.parametrize(
    ("fallbacks", "session_after_rotation"),
    [(_OLD_KEY, {"_auth_user_id": "7"}), ("", {})],
    ids=["old-key-in-fallbacks-keeps-the-session", "without-fallbacks-signs-everyone-out"],
)
def test_a_rotated_secret_key_keeps_sessions_only_with_the_old_key_in_fallbacks(
    fallbacks: str, session_after_rotation: dict
):
    result = run_django(
        _SESSION_PROBE,
        settings_module="config.settings.development",
        env={
            "OLD_SECRET_KEY": _OLD_KEY,
            "DJANGO_SECRET_KEY": "new-key-" + "n" * 50,
            "DJANGO_SECRET_KEY_FALLBACKS": fallbacks,
        },
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == session_after_rotation
