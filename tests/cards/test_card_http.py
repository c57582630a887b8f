"""A card as HTTP: its headers, ETag and 304, the one cache layer in front of it (pinned query
counts), the redirect of another spelling, the switch, the rate limit, the neutral card of a
hidden or opted-out account, and no GitHub request from any of it."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.utils import timezone

from github_stats.models import GitHubAccount, RefreshJob
from github_stats.services.shown import account_shown_update
from github_stats.views.cards import CARD_CSP
from tests.cards.conftest import svg_of, texts_of
from tests.pages.factories import GitHubAccountFactory, TrackingFactory

pytestmark = pytest.mark.django_db

CARDS = (
    "/cards/octocat/stats.svg",
    "/cards/octocat/languages.svg",
    "/cards/octocat/history.svg",
    "/cards/octocat/Hello-World/pin.svg",
    "/cards/octocat/Hello-World/stars.svg",
)


@pytest.mark.parametrize("path", CARDS)
def test_a_card_carries_the_headers_an_image_proxy_needs(client, octocat, path):
    response = client.get(path)
    svg_of(response)
    assert response["Cache-Control"] == "public, max-age=3600, stale-while-revalidate=86400"
    assert response["ETag"].startswith('"')  # strong: no W/
    assert response["Last-Modified"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == CARD_CSP
    assert "script-src" not in CARD_CSP  # default-src 'none' forbids every script
    assert "Set-Cookie" not in response
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_cache_lifetimes_are_settings(client, octocat, settings):
    settings.CARDS_MAX_AGE, settings.CARDS_STALE_WHILE_REVALIDATE = 60, 120
    settings.CARDS_PLACEHOLDER_MAX_AGE = 7
    assert client.get(CARDS[0])["Cache-Control"] == "public, max-age=60, stale-while-revalidate=120"
    assert client.get("/cards/ghost/stats.svg")["Cache-Control"] == "public, max-age=7"


@pytest.mark.parametrize("cached", [False, True], ids=["from the database", "from the cache"])
def test_if_none_match_answers_304(client, octocat, cached):
    first = client.get(CARDS[0])
    if not cached:
        cache.clear()
    again = client.get(CARDS[0], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert not again.content


def test_the_etag_changes_with_the_options_and_with_a_refresh(client, octocat, committed):
    plain = client.get(CARDS[0])["ETag"]
    assert client.get(f"{CARDS[0]}?theme=dark")["ETag"] != plain
    with committed():
        account_shown_update(account=octocat, followers=99_999)
    refreshed = client.get(CARDS[0], headers={"If-None-Match": plain})
    assert refreshed.status_code == HTTPStatus.OK
    assert refreshed["ETag"] != plain
    assert "100k" in texts_of(svg_of(refreshed))  # the new figure, not the cached card


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # the account
        ("/cards/octocat/stats.svg", 1),
        ("/cards/octocat/languages.svg", 1),
        # the account, its summed star history (none yet), its snapshots
        ("/cards/octocat/history.svg", 3),
        # the account, the repository
        ("/cards/octocat/Hello-World/pin.svg", 2),
        # the account, the repository, its star history
        ("/cards/octocat/Hello-World/stars.svg", 3),
        # the account (not stored), a rename that would explain it (none)
        ("/cards/ghost/stats.svg", 2),
    ],
)
def test_a_card_is_at_most_three_queries_and_none_once_cached(
    client, octocat, django_assert_num_queries, path, queries
):
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == HTTPStatus.OK
    if path.startswith("/cards/ghost"):
        return  # a placeholder is not kept: the account may be added any moment
    # the entry and the account's version, from the cache; nothing from PostgreSQL
    with django_assert_num_queries(0):
        assert client.get(path).status_code == HTTPStatus.OK


def test_a_stale_account_is_cached_too(client, octocat, django_assert_num_queries):
    GitHubAccount.objects.filter(pk=octocat.pk).update(
        fetched_at=timezone.now() - timedelta(days=30)
    )
    client.get(CARDS[0])
    with django_assert_num_queries(0):
        assert client.get(CARDS[0]).status_code == HTTPStatus.OK


def test_no_card_ever_asks_github(client, octocat, fake_github, other_user):
    fake_github.state.add_user("ghost", repos=2)  # on GitHub, not stored here
    stale = timezone.now() - timedelta(days=30)
    GitHubAccount.objects.filter(pk=octocat.pk).update(fetched_at=stale)
    TrackingFactory(user=other_user, account=octocat)  # the scheduler's business, not a card's
    for path in (*CARDS, "/cards/ghost/stats.svg", "/cards/octocat/unknown-repo/pin.svg"):
        assert client.get(path).status_code == HTTPStatus.OK
    assert fake_github.state.log == []
    assert not RefreshJob.objects.exists()
    assert not GitHubAccount.objects.filter(login="ghost").exists()


def test_a_stale_account_shows_its_stored_figures(client, octocat):
    GitHubAccount.objects.filter(pk=octocat.pk).update(fetched_at=None)
    text = texts_of(svg_of(client.get(CARDS[0])))
    assert "1.2k" in text


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/cards/OctoCat/stats.svg?theme=dark", "/cards/octocat/stats.svg?theme=dark"),
        ("/cards/OCTOCAT/hello-world/pin.svg", "/cards/octocat/Hello-World/pin.svg"),
    ],
)
def test_another_spelling_redirects_to_the_stored_one(client, octocat, path, location):
    response = client.get(path)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == location
    assert client.get(location).status_code == HTTPStatus.OK


def test_unknown_kinds_are_404(client, octocat):
    assert client.get("/cards/octocat/nosuch.svg").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/cards/octocat/Hello-World/stats.svg").status_code == HTTPStatus.NOT_FOUND


def test_cards_switched_off_are_404(client, octocat, settings):
    settings.CARDS_ENABLED = False
    for path in (*CARDS, "/cards/ghost/stats.svg"):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("state", ["hidden", "opted out"])
def test_a_hidden_or_opted_out_account_gets_a_neutral_card(client, octocat, committed, state):
    client.get(CARDS[0])  # cached before
    field = {"hidden": True} if state == "hidden" else {"cards_enabled": False}
    with committed():
        account_shown_update(account=octocat, **field)
    for path in CARDS:
        response = client.get(path)
        text = texts_of(svg_of(response))
        assert "This card is not available." in text
        assert "Octocat" not in text
        assert response["Cache-Control"] == "public, max-age=300"


def test_too_many_cards_from_one_address_are_429_with_retry_after(client, octocat, settings):
    settings.CARDS_RATE_LIMIT = "2/m"
    assert client.get(CARDS[0]).status_code == HTTPStatus.OK
    assert client.get(CARDS[1]).status_code == HTTPStatus.OK
    refused = client.get(CARDS[0])
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "no-store"
    assert refused["Content-Type"] == "image/svg+xml; charset=utf-8"
    other = client.get(CARDS[0], REMOTE_ADDR="203.0.113.9")
    assert other.status_code == HTTPStatus.OK  # per address


def test_head_is_answered_like_get(client, octocat):
    response = client.head(CARDS[0])
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"]


def test_hidden_by_the_factory_is_neutral_too(client, db):
    GitHubAccountFactory(login="gone", hidden=True)
    assert "This card is not available." in texts_of(svg_of(client.get("/cards/gone/stats.svg")))


def test_a_card_is_never_gzipped(client, octocat):
    # Cached bodies are kept gzipped, but not a card's: its ETag names the bytes sent.
    first = client.get(CARDS[0], HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    second = client.get(CARDS[0], HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    for response in (first, second):
        assert "Content-Encoding" not in response
        assert response["ETag"].startswith('"')  # strong: it names the bytes sent
        assert response.content.startswith(b"<svg")
