"""A cached card answered before the session/auth stack (config.middleware.EarlyResponseMiddleware
with settings.EARLY_RESPONDERS) is the view's answer byte for byte and header for header; it is
still rate limited, still refuses a host we do not serve, and leaves every miss to the view."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

REQUEST_ID = "fast-path-request-1"  # echoed as it is, so both answers carry the same one
KINDS = (
    "/cards/octocat/stats.svg",
    "/cards/octocat/languages.svg",
    "/cards/octocat/history.svg",
    "/cards/octocat/activity.svg",
    "/cards/octocat/Hello-World/pin.svg",
    "/cards/octocat/Hello-World/stars.svg",
)
OPTIONS = ("", "?theme=dark&hide=stars,title", "?locale=de&width=500&compact=1&by=count&days=30")


def _answer(settings, path: str, *, early: bool, method: str = "get", **headers: str):
    """One request through a new handler, whose middleware chain reads the setting: the
    project's own, or none (every card through the whole stack and the view, as before)."""
    responders = settings.EARLY_RESPONDERS if early else {}
    with override_settings(EARLY_RESPONDERS=responders):
        client = Client()
        return getattr(client, method)(path, headers={"X-Request-ID": REQUEST_ID, **headers})


def _went_early(response) -> bool:
    # SessionMiddleware gives every request it sees a session; an early answer never meets it.
    return not hasattr(response.wsgi_request, "session")


def _same(fast, slow) -> None:
    assert fast.status_code == slow.status_code
    assert fast.content == slow.content
    assert dict(fast.items()) == dict(slow.items())
    assert not fast.cookies
    assert "Set-Cookie" not in fast
    assert "Cookie" not in fast.get("Vary", "")


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("path", KINDS)
def test_a_cached_card_is_answered_early_as_the_view_answers_it(settings, octocat, path, options):
    drawn = _answer(settings, path + options, early=False)  # drawn and stored by the view
    assert drawn.status_code == HTTPStatus.OK
    slow = _answer(settings, path + options, early=False)  # a hit, through the whole stack
    fast = _answer(settings, path + options, early=True)
    assert not _went_early(slow)
    assert _went_early(fast)
    _same(fast, slow)
    assert fast.content == drawn.content
    assert fast["X-Request-ID"] == REQUEST_ID
    assert fast["X-Frame-Options"] == drawn["X-Frame-Options"]
    assert fast["Content-Length"] == str(len(drawn.content))


@pytest.mark.parametrize("path", [KINDS[0], KINDS[-1]])  # an account card, a repository card
def test_a_304_is_answered_early_as_the_view_answers_it(settings, octocat, path):
    etag = _answer(settings, path, early=False)["ETag"]
    slow = _answer(settings, path, early=False, **{"If-None-Match": etag})
    fast = _answer(settings, path, early=True, **{"If-None-Match": etag})
    assert fast.status_code == HTTPStatus.NOT_MODIFIED
    assert _went_early(fast)
    _same(fast, slow)


def test_a_head_is_the_views_as_before(settings, octocat):
    # The cache serves GETs only (CachedResponse): a HEAD is looked up early, then drawn.
    _answer(settings, KINDS[0], early=False)
    slow = _answer(settings, KINDS[0], early=False, method="head")
    fast = _answer(settings, KINDS[0], early=True, method="head")
    assert fast.status_code == HTTPStatus.OK
    assert not _went_early(fast)
    _same(fast, slow)


def test_the_rate_limit_answers_429_early_and_a_miss_counts_once(settings, octocat, client):
    settings.CARDS_RATE_LIMIT = "2/m"
    first = client.get(KINDS[0])  # a miss: looked up early, drawn by the view, counted once
    assert first.status_code == HTTPStatus.OK
    assert not _went_early(first)
    second = client.get(KINDS[0])
    assert second.status_code == HTTPStatus.OK
    assert _went_early(second)
    refused = client.get(KINDS[0])
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert _went_early(refused)
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "no-store"
    assert refused["Content-Type"] == "image/svg+xml; charset=utf-8"
    by_view = _answer(settings, KINDS[0], early=False)
    assert by_view.status_code == HTTPStatus.TOO_MANY_REQUESTS
    fast = _answer(settings, KINDS[0], early=True)
    assert set(fast.headers) == set(by_view.headers)
    assert _went_early(fast)


def test_a_host_we_do_not_serve_is_still_400(settings, octocat):
    assert _answer(settings, KINDS[0], early=False).status_code == HTTPStatus.OK  # cached
    fast = _answer(settings, KINDS[0], early=True, host="evil.example")
    slow = _answer(settings, KINDS[0], early=False, host="evil.example")
    assert fast.status_code == slow.status_code == HTTPStatus.BAD_REQUEST
    # The stack's own 400 page (its CSRF token differs from one answer to the next).
    assert set(fast.headers) == set(slow.headers)
    assert fast["Content-Security-Policy"] == slow["Content-Security-Policy"]
    assert b"Bad request" in fast.content
    assert b"<svg" not in fast.content
    assert not _went_early(fast)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/cards/ghost/stats.svg", HTTPStatus.OK),  # a placeholder: never kept
        ("/cards/OctoCat/stats.svg", HTTPStatus.MOVED_PERMANENTLY),
        ("/cards/octocat/nosuch.svg", HTTPStatus.NOT_FOUND),
        ("/cards/octocat/stats.png", HTTPStatus.NOT_FOUND),
    ],
)
def test_what_is_not_a_cached_card_is_left_to_the_view(client, octocat, path, status):
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == status
        assert not _went_early(response)


def test_a_miss_costs_the_views_queries_and_is_then_answered_early(
    client, octocat, django_assert_num_queries
):
    cache.clear()
    with django_assert_num_queries(1):  # the account, as tests/cards/test_card_http.py pins
        miss = client.get(KINDS[0])
    assert miss.status_code == HTTPStatus.OK
    assert not _went_early(miss)
    with django_assert_num_queries(0):
        hit = client.get(KINDS[0])
    assert _went_early(hit)
    assert hit.content == miss.content


def test_cards_switched_off_are_left_to_the_view(client, octocat, settings):
    client.get(KINDS[0])  # cached while on
    settings.CARDS_ENABLED = False
    response = client.get(KINDS[0])
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not _went_early(response)


def test_a_post_is_never_answered_early(client, octocat):
    client.get(KINDS[0])
    response = client.post(KINDS[0])
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not _went_early(response)
