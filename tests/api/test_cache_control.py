"""Every API answer is about its caller: `Cache-Control: private, no-store`, so neither a shared
cache nor the browser's disk keeps a signed-in person's JSON."""

from http import HTTPStatus

import pytest
from django.test import Client

from tests.pages.factories import GitHubAccountFactory


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/watchlist", "/api/v1/accounts/octocat"])
def test_signed_in_answers_are_private_and_not_stored(api, path):
    GitHubAccountFactory(login="octocat")
    response = api.get(path)
    assert response.status_code == HTTPStatus.OK
    assert {"private", "no-store"} <= _directives(response)
    assert "public" not in _directives(response)


def test_browser_session_answers_are_private_and_not_stored(browser_session):
    response = browser_session.get("/api/v1/me")
    assert {"private", "no-store"} <= _directives(response)


def test_errors_are_private_and_not_stored_too(api, db):
    response = api.delete("/api/v1/watchlist/nobody-we-know")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert {"private", "no-store"} <= _directives(response)
    assert {"private", "no-store"} <= _directives(Client().get("/api/v1/me"))
