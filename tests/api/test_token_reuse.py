"""Refresh-token rotation with reuse detection, and the login session behind the tokens living no
longer than its newest refresh token (accounts/tokens.py)."""

from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.api.conftest import LOGIN_URL, REFRESH_URL, bearer_client, tokens_obtain
from tests.factories import DEFAULT_PASSWORD

ME = "/api/v1/me"


def _refresh(refresh_token: str):
    return Client().post(
        REFRESH_URL, {"refresh_token": refresh_token}, content_type="application/json"
    )


def _rotated(refresh_token: str) -> tuple[str, str]:
    response = _refresh(refresh_token)
    assert response.status_code == HTTPStatus.OK, response.content
    data = response.json()["data"]
    return data["access_token"], data["refresh_token"]


def test_reusing_a_rotated_refresh_token_revokes_the_newer_pair(tokens):
    newer_access, newer_refresh = _rotated(tokens.refresh)
    assert bearer_client(newer_access).get(ME).status_code == HTTPStatus.OK

    assert _refresh(tokens.refresh).status_code != HTTPStatus.OK  # the reuse

    assert bearer_client(newer_access).get(ME).status_code == HTTPStatus.UNAUTHORIZED
    assert _refresh(newer_refresh).status_code != HTTPStatus.OK


def test_reuse_revokes_every_token_of_that_login_down_the_chain(tokens):
    first_access, first_refresh = _rotated(tokens.refresh)
    latest_access, _ = _rotated(first_refresh)
    _refresh(first_refresh)  # reused two rotations later
    assert bearer_client(latest_access).get(ME).status_code == HTTPStatus.UNAUTHORIZED
    assert bearer_client(first_access).get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_reuse_in_one_login_leaves_the_persons_other_logins_alone(user, tokens):
    other_login = tokens_obtain(user.email)
    _rotated(tokens.refresh)
    _refresh(tokens.refresh)
    assert bearer_client(other_login.access).get(ME).status_code == HTTPStatus.OK
    assert _refresh(other_login.refresh).status_code == HTTPStatus.OK


def test_a_refresh_token_that_is_not_ours_revokes_nothing(tokens):
    for junk in ("not-a-jwt", tokens.access):  # garbage, and an access token in its place
        assert _refresh(junk).status_code != HTTPStatus.OK
    assert bearer_client(tokens.access).get(ME).status_code == HTTPStatus.OK
    assert _refresh(tokens.refresh).status_code == HTTPStatus.OK


def _app_login(user) -> dict:
    response = Client().post(
        LOGIN_URL,
        {"email": user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()["meta"]


def _expiry(session_key: str) -> timedelta:
    return Session.objects.get(session_key=session_key).expire_date - timezone.now()


def test_the_session_token_lives_as_long_as_the_refresh_token_not_two_weeks(user):
    meta = _app_login(user)
    lifetime = timedelta(seconds=settings.HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN)
    assert lifetime - timedelta(minutes=1) < _expiry(meta["session_token"]) <= lifetime


def test_a_refresh_extends_the_session_with_the_new_refresh_token(user):
    meta = _app_login(user)
    # As if most of the day had passed since the login.
    Session.objects.filter(session_key=meta["session_token"]).update(
        expire_date=timezone.now() + timedelta(hours=1)
    )
    _rotated(meta["refresh_token"])
    lifetime = timedelta(seconds=settings.HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN)
    assert lifetime - timedelta(minutes=1) < _expiry(meta["session_token"]) <= lifetime


def test_reuse_revokes_the_session_token_as_a_site_cookie_too(user):
    meta = _app_login(user)
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = meta["session_token"]
    assert browser.get(ME).status_code == HTTPStatus.OK  # documented: it is the login session
    _rotated(meta["refresh_token"])
    _refresh(meta["refresh_token"])
    assert browser.get(ME).status_code == HTTPStatus.UNAUTHORIZED
