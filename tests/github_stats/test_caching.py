"""The cache layer's version rules, at the seams where a race could serve old data: versions the
cache lost, and versions published while a response was being rendered."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from github_stats.caching import CachedResponse, Shown, account_version_publish
from tests.pages.cache_helpers import cache_reads_spied

pytestmark = pytest.mark.django_db


def _shared(path: str = "/api/v1/accounts/race") -> CachedResponse:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return CachedResponse(request, name=path, logins=["race"], personal=False)


def _shown(version: str) -> Shown:
    return Shown(login="race", version=version, stale_at=timezone.now() + timedelta(hours=1))


def test_a_stored_response_is_served_while_its_version_is_published():
    account_version_publish(login="race", version="v1")
    assert _shared().hit() is None
    _shared().store(HttpResponse(b"v1 rows"), shown=[_shown("v1")])
    hit = _shared().hit()
    assert hit is not None
    assert hit.content == b"v1 rows"


def test_a_version_published_during_the_render_outdates_what_is_stored():
    account_version_publish(login="race", version="v1")
    rendering = _shared()
    assert rendering.hit() is None
    account_version_publish(login="race", version="v2")  # a refresh commits meanwhile
    rendering.store(HttpResponse(b"v1 rows"), shown=[_shown("v1")])
    assert _shared().hit() is None


def test_a_lost_version_is_adopted_but_never_over_a_newer_one():
    rendering = _shared()
    assert rendering.hit() is None  # no version at all: lost, or never published
    account_version_publish(login="race", version="v2")  # a refresh commits meanwhile
    rendering.store(HttpResponse(b"v1 rows"), shown=[_shown("v1")])
    assert cache.get("github_stats:version:race") == "v2"
    assert _shared().hit() is None


def test_a_rename_drops_the_old_logins_version():
    account_version_publish(login="race", version="v1")
    _shared().store(HttpResponse(b"old holder"), shown=[_shown("v1")])
    account_version_publish(login="race-renamed", version="v2", previous_logins=["race"])
    assert cache.get("github_stats:version:race") not in (None, "v1")
    assert _shared().hit() is None


def test_a_render_across_a_rename_cannot_bring_the_old_version_back():
    # The watchlist learns its accounts from its rows: nothing known before the read.
    account_version_publish(login="race", version="v1")
    request = RequestFactory().get("/watchlist-like")
    request.user = AnonymousUser()
    rendering = CachedResponse(request, name="rows", personal=False)
    assert rendering.hit() is None
    account_version_publish(login="race-renamed", version="v2", previous_logins=["race"])
    rendering.store(HttpResponse(b"pre-rename rows"), shown=[_shown("v1")])
    again = CachedResponse(request, name="rows", personal=False)
    assert again.hit() is None


def test_a_response_that_is_stale_already_is_not_stored():
    account_version_publish(login="race", version="v1")
    stale = Shown(login="race", version="v1", stale_at=None)
    _shared().store(HttpResponse(b"stale"), shown=[stale])
    assert _shared().hit() is None


def test_a_response_is_served_only_until_its_account_turns_stale(settings):
    settings.RESPONSE_CACHE_SECONDS = 3600
    account_version_publish(login="race", version="v1")
    soon = Shown(login="race", version="v1", stale_at=timezone.now() + timedelta(seconds=1))
    _shared().store(HttpResponse(b"soon stale"), shown=[soon])
    assert _shared().hit() is not None
    later = _shared()
    later.now = timezone.now() + timedelta(seconds=2)
    assert later.hit() is None


def test_errors_are_not_stored():
    account_version_publish(login="race", version="v1")
    _shared().store(HttpResponse(b"gone", status=404), shown=[_shown("v1")])
    assert _shared().hit() is None


def test_storing_reads_no_version_again_that_the_miss_just_read(monkeypatch):
    # The watchlist's way: the entry names its accounts, so a hit reads their versions after it.
    def rows() -> CachedResponse:
        request = RequestFactory().get("/watchlist-like")
        request.user = AnonymousUser()
        return CachedResponse(request, name="rows", personal=False)

    def shown(login: str, version: str) -> Shown:
        return Shown(login=login, version=version, stale_at=timezone.now() + timedelta(hours=1))

    for login in ("race", "other"):
        account_version_publish(login=login, version="v1")
    rows().store(HttpResponse(b"v1 rows"), shown=[shown("race", "v1"), shown("other", "v1")])
    account_version_publish(login="race", version="v2")  # one of them refreshed
    rendering = rows()
    assert rendering.hit() is None
    asked = cache_reads_spied(monkeypatch)
    rendering.store(HttpResponse(b"v2 rows"), shown=[shown("race", "v2"), shown("other", "v1")])
    assert [key for key in asked if key.startswith("github_stats:version:")] == []
    hit = rows().hit()
    assert hit is not None
    assert hit.content == b"v2 rows"
