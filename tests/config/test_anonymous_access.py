"""Every URL of the project, fetched by someone not signed in, redirects to the login page or
answers 401 -- except the pages listed below, each with the reason it is public. (The health
probes and /metrics are answered before the URLconf: tests/config/test_health.py and
tests/ops/test_metrics.py.)

The URL list comes from the root resolver at test time (tests/config/urls_walk.py), so a page
or API endpoint added later is covered the day it is added: if it is public on purpose, it
goes in PUBLIC with a reason."""

from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.config.urls_walk import UrlCase, url_cases

# Matched against "namespace:name" (a trailing ":*" takes a whole namespace) or, for unnamed
# patterns, the route.
PUBLIC: dict[str, str] = {
    "landing": "the front page for anonymous visitors",
    "admin:*": "Django admin has its own staff login (it redirects to /admin/login/)",
    # allauth's entrance pages: the ways in must be reachable from outside.
    "account_login": "the login page",
    "account_signup": "the sign-up page",
    "account_logout": "answers anonymous visitors by sending them on; logs nobody in",
    "account_inactive": "tells a disabled account why it cannot log in",
    "account_email_verification_sent": "shown right after sign-up, before any login",
    "account_confirm_email": "the link in the verification email, opened before logging in",
    "account_reset_password": "asking for a reset link is for people who cannot log in",
    "account_reset_password_done": "confirms the reset email was sent",
    "account_reset_password_from_key": "the link in the reset email",
    "account_reset_password_from_key_done": "confirms the new password was set",
    "account_confirm_login_code": "allauth's login-by-code step (off here; redirects)",
    "socialaccount_login_cancelled": "where GitHub sends someone who cancelled logging in",
    "socialaccount_login_error": "where a failed GitHub login lands",
    "socialaccount_signup": "finishing a sign-up that started at GitHub",
    "github_login": "starts the GitHub OAuth login (only when it is configured)",
    "github_callback": "GitHub's OAuth redirect back to us",
    "accounts/social/login/cancelled/": "allauth's old address, redirects to the new one",
    "accounts/social/login/error/": "allauth's old address, redirects to the new one",
    "accounts/social/signup/": "allauth's old address, redirects to the new one",
    # allauth.headless: app clients log in here; its protected endpoints answer 401 themselves,
    # and they are still fetched below (and must not fail with a 5xx).
    "headless:app:config": "tells app clients which login methods exist",
    "headless:app:account:login": "app clients' login",
    "headless:app:account:signup": "app clients' sign-up",
    "headless:app:account:request_password_reset": "app clients' password reset request",
    "headless:app:account:reset_password": "app clients' password reset with the emailed key",
    "headless:app:account:verify_email": "app clients' email verification with the emailed key",
    "headless:app:account:confirm_login_code": "app clients' login-by-code step",
    "headless:app:account:verify_phone": "phone verification (unused; refuses without a flow)",
    "headless:app:account:resend_email_verification_code": (
        "the verification step comes before login; 409 without a pending sign-up"
    ),
    "headless:app:account:resend_phone_verification_code": "as above, for phones (unused)",
    "headless:app:socialaccount:redirect_to_provider": "starts a provider login for app clients",
    "headless:app:socialaccount:provider_token": "provider login with a provider's token",
    "headless:app:socialaccount:provider_signup": "finishing a provider sign-up",
    "headless:app:tokens:refresh": "exchanges a refresh token; the token is the credential",
    # django-ninja's own pages: the schema describes endpoints and holds no data, so API
    # clients and tools can read it before they have a token.
    "api:openapi-json": "the API's OpenAPI schema",
    "api:openapi-view": "the API's interactive docs (the schema, rendered)",
    "api:api-root": "django-ninja's root, only there for reverse(); answers 404 to everyone",
    # Embeddable SVG cards: images in READMEs, fetched by GitHub's image proxy without a session;
    # stored, visible figures only (docs/cards.md).
    "account_card": "an account's embeddable SVG card",
    "repository_card": "a repository's embeddable SVG card",
}


def _public_reason(case: UrlCase) -> str | None:
    if case.name in PUBLIC:
        return PUBLIC[case.name]
    if not case.name and case.route in PUBLIC:
        return PUBLIC[case.route]
    for namespace in filter(None, [case.namespace]):
        while namespace:
            if f"{namespace}:*" in PUBLIC:
                return PUBLIC[f"{namespace}:*"]
            namespace = namespace.rpartition(":")[0]
    return None


CASES = url_cases()
PROTECTED = [case for case in CASES if _public_reason(case) is None]


def _is_login_redirect(response) -> bool:
    if response.status_code not in (HTTPStatus.FOUND, HTTPStatus.MOVED_PERMANENTLY):
        return False
    return urlsplit(response["Location"]).path == reverse(settings.LOGIN_URL)


def _refused(client: Client, path: str):
    """GET first; a view that refuses GET is asked by the other methods in turn. A redirect to
    another address of ours (an old URL, a trailing slash) is followed to where it ends up."""
    for method in (client.get, client.post, client.put, client.patch, client.delete):
        response = method(path)
        if response.status_code != HTTPStatus.METHOD_NOT_ALLOWED:
            break
    for _hop in range(3):
        if _is_login_redirect(response) or not response.has_header("Location"):
            break
        target = urlsplit(response["Location"])
        if target.netloc:  # leaving the site is not refusing
            break
        response = client.get(target.path)
    return response


def test_the_url_walk_finds_the_pages_of_every_app():
    names = {case.name for case in CASES}
    assert {"landing", "settings", "account_login", "admin:index"} <= names
    assert len(PROTECTED) >= 5


def test_every_public_entry_names_an_existing_url():
    # A stale allowlist entry could silently make a future URL of that name public.
    known = {case.name for case in CASES} | {case.route for case in CASES}
    namespaces = {case.namespace for case in CASES}
    optional = {"github_login", "github_callback"}  # only with GITHUB_OAUTH_* set
    stale = [
        key
        for key in PUBLIC
        if key not in known and key not in optional and key.removesuffix(":*") not in namespaces
    ]
    assert stale == []


@pytest.mark.parametrize("case", PROTECTED, ids=str)
def test_url_refuses_anonymous_visitors(case: UrlCase, client: Client, db):
    assert case.path is not None, f"no sample path fits {case}; add a value to SAMPLE_VALUES"
    response = _refused(client, case.path)
    assert _is_login_redirect(response) or response.status_code == HTTPStatus.UNAUTHORIZED, (
        f"{case.path} answered {response.status_code} "
        f"{response.get('Location', '')} to an anonymous visitor"
    )


@pytest.mark.parametrize(
    "case", [case for case in CASES if _public_reason(case) and case.path], ids=str
)
def test_public_url_does_not_fail_for_anonymous_visitors(case: UrlCase, client: Client, db):
    response = client.get(case.path)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
