import json
import re
from http import HTTPStatus

import pytest
from django.test import Client

from tests.config.helpers import run_django, run_manage

PRODUCTION = "config.settings.production"
ONLY_REQUIRED_ENV = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-entropy-9f8e7d6c5b4a",
    "DJANGO_ALLOWED_HOSTS": "gitpulse.example.com",
}


def _csp(response) -> dict[str, list[str]]:
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        directives[name] = values
    return directives


def test_html_pages_send_a_self_only_content_security_policy(client: Client, db):
    csp = _csp(client.get("/"))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_content_security_policy_allows_no_inline_or_eval_anywhere(client: Client, db):
    header = client.get("/")["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        ("/", False),
        ("/accounts/login/", False),
        ("/accounts/signup/", False),
        ("/accounts/password/reset/", False),
        ("/no-such-page/", False),
        ("/settings/", True),
        ("/settings/delete/", True),
        ("/watchlist/", True),
    ],
)
def test_pages_have_nothing_inline_that_the_policy_would_block(
    client: Client, user, path: str, signed_in: bool
):
    # script-src/style-src 'self': an inline script, style or event handler would be refused
    # by the browser, so htmx and our pages must not rely on one.
    if signed_in:
        client.force_login(user)
    body = client.get(path).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert "<style" not in body
    assert not re.search(r"\sstyle=", body)
    assert not re.search(r"\son[a-z]+=", body)
    assert '"includeIndicatorStyles": false' in body


def test_responses_forbid_sniffing_framing_and_cross_site_referrers(client: Client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_settings_pass_check_deploy_with_only_the_required_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        settings_module=PRODUCTION,
        env={**ONLY_REQUIRED_ENV, "EMAIL_HOST": "smtp.example.com"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_an_smtp_server_fails_the_deploy_check():
    # Sign-ups and password resets would otherwise print their links into the logs.
    result = run_manage("check", "--deploy", settings_module=PRODUCTION, env=ONLY_REQUIRED_ENV)
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr
    assert "EMAIL_HOST" in result.stderr


def test_the_email_check_only_runs_with_deploy():
    # migrate, runserver and gunicorn's start-up must not stop on it.
    result = run_manage("check", settings_module=PRODUCTION, env=ONLY_REQUIRED_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DJANGO_ALLOWED_HOSTS": "gitpulse.example.com"}
    result = run_manage("check", settings_module=PRODUCTION, env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# One production process answers several questions; each test below checks one answer.
_PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from allauth.account.models import EmailAddress
from accounts.models import User

call_command("migrate", verbosity=0)
user = User.objects.create_user("prod@example.com", "a-long-production-password-1")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
host = "gitpulse.example.com"
report = {}
# Collected static files are a deploy step; pages here render without them.
with override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}):
    client = Client()
    plain = client.get("/accounts/login/", HTTP_HOST=host)
    report["http_status"] = plain.status_code
    report["http_location"] = plain.get("Location", "")
    page = client.get("/accounts/login/", HTTP_HOST=host, secure=True)
    report["hsts"] = page.get("Strict-Transport-Security", "")
    csrf = page.cookies["csrftoken"]
    report["csrf_cookie"] = {"secure": csrf["secure"], "httponly": csrf["httponly"],
                             "samesite": csrf["samesite"]}
    login = client.post("/accounts/login/", {
        "login": user.email, "password": "a-long-production-password-1",
        "csrfmiddlewaretoken": csrf.value,
    }, HTTP_HOST=host, secure=True)
    report["login_status"] = login.status_code
    session = login.cookies["sessionid"]
    report["session_cookie"] = {"secure": session["secure"], "httponly": session["httponly"],
                                "samesite": session["samesite"]}
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def production_report() -> dict:
    env = dict(ONLY_REQUIRED_ENV, DATABASE_URL="sqlite://:memory:")
    result = run_django(_PRODUCTION_PROBE, settings_module=PRODUCTION, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production_report: dict):
    assert production_report["http_status"] == HTTPStatus.MOVED_PERMANENTLY
    assert production_report["http_location"].startswith("https://gitpulse.example.com/")


def test_production_sends_hsts_for_a_year_with_subdomains(production_report: dict):
    hsts = production_report["hsts"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_production_session_cookie_is_secure_httponly_and_samesite(production_report: dict):
    assert production_report["login_status"] == HTTPStatus.FOUND
    assert production_report["session_cookie"] == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }


def test_production_csrf_cookie_is_secure_httponly_and_samesite(production_report: dict):
    assert production_report["csrf_cookie"] == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }
