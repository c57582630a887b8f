"""Bearer tokens from allauth headless (login, refresh, logout revokes) and the browser session
with CSRF; everything else is a 401 in the error shape."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from tests.api.conftest import REFRESH_URL, SESSION_URL, bearer_client, tokens_obtain
from tests.api.openapi import assert_matches_schema
from tests.factories import DEFAULT_PASSWORD, UserFactory

ME = "/api/v1/me"
LOGIN = "/_allauth/app/v1/auth/login"


def assert_unauthorized(response) -> None:
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    body = assert_matches_schema(response, "GET", ME)
    assert body["error"] == "not_authenticated"
    assert body["request_id"] == response["X-Request-ID"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_from_the_allauth_login_reads_me(api, user):
    response = api.get(ME)
    assert response.status_code == HTTPStatus.OK
    body = assert_matches_schema(response, "GET", ME)
    assert body["email"] == user.email
    assert body["email_verified"] is True


def test_a_signed_in_browser_session_reads_me(browser_session, user):
    response = browser_session.get(ME)
    assert response.status_code == HTTPStatus.OK
    assert response.json()["email"] == user.email


def test_anonymous_is_401_in_the_error_shape(db):
    assert_unauthorized(Client().get(ME))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-jwt",
        "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer a b",
    ],
)
def test_a_malformed_token_is_401(db, header):
    assert_unauthorized(Client(headers={"Authorization": header}).get(ME))


def test_a_token_signed_with_another_key_is_401(user, settings, tmp_path):
    from config.jwt_keys import jwt_private_key_load_or_create

    settings.HEADLESS_JWT_PRIVATE_KEY = jwt_private_key_load_or_create(tmp_path / "other.pem")
    forged = tokens_obtain(user.email).access
    settings.HEADLESS_JWT_PRIVATE_KEY = jwt_private_key_load_or_create(tmp_path / "real.pem")
    assert_unauthorized(bearer_client(forged).get(ME))


def test_an_expired_token_is_401(user, settings):
    # Issued already past its expiry: the same check a token 5 minutes old meets.
    settings.HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = -1
    expired = tokens_obtain(user.email).access
    assert_unauthorized(bearer_client(expired).get(ME))


def test_logout_revokes_the_access_token(tokens):
    client = bearer_client(tokens.access)
    assert client.get(ME).status_code == HTTPStatus.OK
    logout = client.delete(SESSION_URL)
    assert logout.status_code == HTTPStatus.UNAUTHORIZED  # allauth: "no longer authenticated"
    assert_unauthorized(client.get(ME))


def test_a_refresh_token_gets_a_new_access_token_and_rotates(tokens):
    response = Client().post(
        REFRESH_URL, {"refresh_token": tokens.refresh}, content_type="application/json"
    )
    assert response.status_code == HTTPStatus.OK
    data = response.json()["data"]
    assert bearer_client(data["access_token"]).get(ME).status_code == HTTPStatus.OK
    again = Client().post(
        REFRESH_URL, {"refresh_token": tokens.refresh}, content_type="application/json"
    )
    assert again.status_code != HTTPStatus.OK  # the old refresh token was used up


def test_a_refresh_token_is_not_an_access_token(tokens):
    assert_unauthorized(bearer_client(tokens.refresh).get(ME))


def test_an_unverified_email_gets_no_token(db):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = Client().post(
        LOGIN, {"email": user.email, "password": DEFAULT_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert "access_token" not in response.json().get("meta", {})


def test_a_deactivated_user_token_is_401(tokens, user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_unauthorized(bearer_client(tokens.access).get(ME))


def test_session_unsafe_method_without_csrf_is_403(browser_session, fake_github):
    response = browser_session.post("/api/v1/accounts/octocat/refresh")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"] == "csrf_failed"


def test_session_unsafe_method_with_csrf_token_passes(browser_session, fake_github):
    browser_session.get("/", follow=True)  # a page with a form sets the CSRF cookie
    token = browser_session.cookies["csrftoken"].value
    response = browser_session.post(
        "/api/v1/accounts/octocat/refresh", headers={"X-CSRFToken": token}
    )
    assert response.status_code == HTTPStatus.ACCEPTED


def test_bearer_unsafe_method_needs_no_csrf(api, fake_github):
    response = api.post("/api/v1/accounts/octocat/refresh")
    assert response.status_code == HTTPStatus.ACCEPTED


def test_anonymous_unsafe_method_is_401_not_403(db):
    response = Client(enforce_csrf_checks=True).post("/api/v1/accounts/octocat/refresh")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
