"""Clients for the API: real tokens from allauth's login endpoint, or a signed-in browser
session with CSRF enforced. GitHub is the fake server of tests/fakegithub (its fixtures are
in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory

LOGIN_URL = "/_allauth/app/v1/auth/login"
REFRESH_URL = "/_allauth/app/v1/tokens/refresh"
SESSION_URL = "/_allauth/app/v1/auth/session"


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str


def tokens_obtain(email: str, password: str = DEFAULT_PASSWORD) -> Tokens:
    response = Client().post(
        LOGIN_URL, {"email": email, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    return Tokens(access=meta["access_token"], refresh=meta["refresh_token"])


def bearer_client(access_token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {access_token}"})


@pytest.fixture
def tokens(user) -> Tokens:
    return tokens_obtain(user.email)


@pytest.fixture
def api(tokens) -> Client:
    """The signed-in `user`, calling with a Bearer access token."""
    return bearer_client(tokens.access)


@pytest.fixture
def api_for() -> Callable[..., Client]:
    """A token client for another person (a new verified user unless one is given)."""

    def make(user=None) -> Client:
        user = user or UserFactory()
        return bearer_client(tokens_obtain(user.email).access)

    return make


@pytest.fixture
def browser_session(user) -> Client:
    """The signed-in `user` in a browser: session cookie, CSRF enforced."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client
