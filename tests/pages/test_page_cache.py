"""A person's whole dashboard page comes from the page cache (github_stats/page_cache.py) until
something it shows changes: a refresh, moderation, their Track or Untrack, stale data, a message
to show. Its CSRF token is this request's, and nobody is served another person's page."""

import re
import zlib
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from github_stats.caching import account_cache_invalidate
from github_stats.models import Account, RefreshJob, Tracking
from github_stats.moderation import account_hide
from github_stats.page_cache import CSRF_PLACEHOLDER
from github_stats.refresh import account_refresh
from github_stats.services import tracking_add
from tests.factories import UserFactory
from tests.pages.factories import AccountFactory, RepositoryFactory, snapshots_for

pytestmark = pytest.mark.django_db

PAGE = "/u/page-org"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r'(?<=value=")[^"]{64}(?=")|(?<="X-CSRFToken": ")[^"]+(?=")')


@pytest.fixture
def account():
    account = AccountFactory(login="page-org", name="Page Org")
    for i in range(3):
        RepositoryFactory(owner=account, name=f"repo-{i}", stars=i)
    snapshots_for(account, days=10)
    return account


def _behind_the_caches_back(account: Account, **fields) -> None:
    """A change the caches are not told about: it shows only on a page rendered afresh."""
    Account.objects.filter(pk=account.pk).update(**fields)


def _page_keys() -> list[str]:
    if hasattr(cache, "keys"):  # django-redis
        return list(cache.keys("github_stats:page:*"))
    # The local-memory cache's own keys are "<prefix>:<version>:<key>".
    return [key.split(":", 2)[2] for key in cache._cache if "github_stats:page:" in key]


def test_the_second_visit_is_the_cached_page(client_logged_in, account, django_assert_num_queries):
    first = client_logged_in.get(PAGE)
    _behind_the_caches_back(account, bio="Rewritten behind the cache.")
    with django_assert_num_queries(1):  # the user
        second = client_logged_in.get(PAGE)
    assert second.status_code == HTTPStatus.OK
    assert "Rewritten" not in second.content.decode()
    assert "HX-Request" in second["Vary"]
    # The same page but for its CSRF token.
    assert ANY_TOKEN.sub("", first.content.decode()) == ANY_TOKEN.sub("", second.content.decode())


def test_the_cached_pages_csrf_token_is_this_requests_and_works(csrf_client, user, account):
    csrf_client.force_login(user)
    csrf_client.get(PAGE)
    body = csrf_client.get(PAGE).content.decode()
    assert CSRF_PLACEHOLDER not in body
    tokens = set(TOKEN.findall(body))
    assert len(tokens) == 1
    assert f'"X-CSRFToken": "{next(iter(tokens))}"' in body  # htmx's header on <body>
    response = csrf_client.post(f"{PAGE}/track", {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == HTTPStatus.FOUND
    assert Tracking.objects.filter(user=user, account=account).exists()


def test_a_refresh_replaces_the_page(client_logged_in, account):
    client_logged_in.get(PAGE)
    _behind_the_caches_back(account, bio="What the refresh stored.", fetched_at=timezone.now())
    account_cache_invalidate(account_id=account.pk)  # what every refresh does on commit
    assert "What the refresh stored." in client_logged_in.get(PAGE).content.decode()


def _served_twice(client: Client) -> str:
    """The page as a second visit gets it (the first may carry a message, never cached)."""
    client.get(PAGE)
    return client.get(PAGE).content.decode()


def test_track_and_untrack_replace_the_page(
    client_logged_in, account, django_capture_on_commit_callbacks
):
    assert 'aria-pressed="false"' in _served_twice(client_logged_in)
    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(f"{PAGE}/track")
    assert 'aria-pressed="true"' in _served_twice(client_logged_in)
    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(f"{PAGE}/untrack")
    assert 'aria-pressed="false"' in _served_twice(client_logged_in)


def test_tracking_through_the_api_replaces_the_page(
    client_logged_in, account, django_capture_on_commit_callbacks
):
    assert 'aria-pressed="false"' in _served_twice(client_logged_in)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_logged_in.put("/api/v1/watchlist/page-org")
    assert response.status_code == HTTPStatus.OK, response.content
    assert 'aria-pressed="true"' in _served_twice(client_logged_in)


def test_the_watchlist_version_is_replaced_only_after_the_commit(
    client_logged_in, account, django_capture_on_commit_callbacks
):
    # A page rendered while the Track is uncommitted must not be stored under the new version.
    _served_twice(client_logged_in)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_logged_in.post(f"{PAGE}/track")
    assert 'aria-pressed="false"' in _served_twice(client_logged_in)  # not committed yet
    for callback in callbacks:
        callback()
    assert 'aria-pressed="true"' in _served_twice(client_logged_in)


def test_nobody_is_served_another_persons_page(
    client_logged_in, user, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(f"{PAGE}/track")
    mine = _served_twice(client_logged_in)
    assert 'aria-pressed="true"' in mine

    other = Client()
    other.force_login(UserFactory())
    theirs = _served_twice(other)
    assert 'aria-pressed="false"' in theirs
    assert set(TOKEN.findall(mine)).isdisjoint(TOKEN.findall(theirs))


def test_a_hidden_account_is_never_served_from_the_page_cache(client_logged_in, user, account):
    client_logged_in.get(PAGE)
    account_hide(account=account, reason="Spam", actor=user)
    response = client_logged_in.get(PAGE)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "This account is not available" in response.content.decode()


def test_stale_data_is_not_served_from_the_page_cache(client_logged_in, account):
    client_logged_in.get(PAGE)
    assert not RefreshJob.objects.exists()
    # Later: the data has turned stale since the page was cached.
    _behind_the_caches_back(account, fetched_at=timezone.now() - timedelta(days=2))
    (key,) = _page_keys()
    watchlist_version, versions, _, packed = cache.get(key)
    cache.set(key, (watchlist_version, versions, timezone.now(), packed))
    body = client_logged_in.get(PAGE).content.decode()
    # The normal path ran: it showed the data we have and queued a refresh.
    assert RefreshJob.objects.filter(login="page-org").exists()
    assert "Page Org" in body


def test_a_message_is_shown_and_never_cached(client_logged_in, account):
    client_logged_in.get(PAGE)
    client_logged_in.post(f"{PAGE}/track")  # without htmx: a redirect and a message
    with_message = client_logged_in.get(PAGE).content.decode()
    assert "is on your watchlist" in with_message
    assert "is on your watchlist" not in client_logged_in.get(PAGE).content.decode()


def test_each_table_and_history_state_is_its_own_page(client_logged_in, account):
    by_stars = client_logged_in.get(PAGE).content.decode()
    by_name = client_logged_in.get(f"{PAGE}?sort=name").content.decode()
    assert by_name != by_stars
    assert client_logged_in.get(f"{PAGE}?sort=name&utm_source=x").content.decode().count(
        'aria-sort="ascending"'
    ) == by_name.count('aria-sort="ascending"')
    assert len(_page_keys()) == 2  # the unknown parameter is the same state


def test_htmx_requests_and_job_polls_are_never_the_cached_page(htmx, account):
    htmx.client.get(PAGE)
    partial = htmx.get(f"{PAGE}?sort=name", target="repos")
    assert partial.status_code == HTTPStatus.OK
    assert "<!DOCTYPE html>" not in partial.content.decode()


def test_the_relative_times_are_told_for_now(client_logged_in, account):
    _behind_the_caches_back(account, fetched_at=timezone.now() - timedelta(minutes=5))
    client_logged_in.get(PAGE)
    (key,) = _page_keys()
    entry = cache.get(key)
    # The page as if it had been rendered 3 hours ago, when it said "just now".
    html = zlib.decompress(entry[3]).decode()
    html = re.sub(r"(Refreshed <time[^>]*>)[^<]*(</time>)", r"\1just now\2", html)
    cache.set(key, (*entry[:3], zlib.compress(html.encode())))
    body = client_logged_in.get(PAGE).content.decode()
    assert re.search(r"Refreshed <time[^>]*>5 min(utes)? ago</time>", body), body


def test_the_page_cache_can_be_switched_off(client_logged_in, account, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client_logged_in.get(PAGE)
    assert _page_keys() == []


def test_an_invalid_login_is_refused_before_any_cache_read(client_logged_in):
    response = client_logged_in.get("/u/-not-valid-")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _page_keys() == []


# --- The watchlist --------------------------------------------------------------------------

WATCHLIST = "/watchlist/"


@pytest.fixture
def watched(user, account, django_capture_on_commit_callbacks):
    """Two accounts on the person's watchlist, tracked as the pages do."""
    other = AccountFactory(login="other-org", name="Other Org")
    snapshots_for(other, days=10)
    with django_capture_on_commit_callbacks(execute=True):
        tracking_add(user=user, account=account)
        tracking_add(user=user, account=other)
    return account, other


def test_the_second_watchlist_visit_is_the_cached_page(
    client_logged_in, watched, django_assert_num_queries
):
    client_logged_in.get(WATCHLIST)
    _behind_the_caches_back(watched[0], name="Renamed Behind The Cache")
    with django_assert_num_queries(1):  # the user
        body = client_logged_in.get(WATCHLIST).content.decode()
    assert "Renamed Behind The Cache" not in body
    assert "Other Org" in body


def test_a_refresh_of_any_watched_account_replaces_the_watchlist_page(client_logged_in, watched):
    client_logged_in.get(WATCHLIST)
    _behind_the_caches_back(watched[1], name="Refreshed Name", fetched_at=timezone.now())
    account_cache_invalidate(account_id=watched[1].pk)
    assert "Refreshed Name" in client_logged_in.get(WATCHLIST).content.decode()


def test_untrack_from_the_list_replaces_the_watchlist_page(
    client_logged_in, watched, django_capture_on_commit_callbacks
):
    client_logged_in.get(WATCHLIST)
    with django_capture_on_commit_callbacks(execute=True):
        client_logged_in.post(f"{WATCHLIST}other-org/untrack", HTTP_HX_REQUEST="true")
    assert "Other Org" not in client_logged_in.get(WATCHLIST).content.decode()


def test_hiding_a_watched_account_replaces_the_watchlist_page(client_logged_in, user, watched):
    client_logged_in.get(WATCHLIST)
    account_hide(account=watched[1], reason="Spam", actor=user)
    assert "Other Org" not in client_logged_in.get(WATCHLIST).content.decode()


def test_the_watchlist_page_is_served_only_until_its_first_account_turns_stale(
    client_logged_in, watched, settings
):
    nearly_stale = timezone.now() - timedelta(seconds=settings.STATS_TTL - 60)
    _behind_the_caches_back(watched[1], fetched_at=nearly_stale)
    client_logged_in.get(WATCHLIST)
    (key,) = _page_keys()
    fresh_until = cache.get(key)[2]
    assert fresh_until == nearly_stale + timedelta(seconds=settings.STATS_TTL)


def test_a_watchlist_with_a_stale_account_is_never_cached(client_logged_in, watched, settings):
    _behind_the_caches_back(watched[1], fetched_at=timezone.now() - timedelta(days=2))
    body = client_logged_in.get(WATCHLIST).content.decode()
    assert "Stale" in body
    assert _page_keys() == []


def test_each_watchlist_order_is_its_own_page_and_htmx_is_never_served_one(
    client_logged_in, watched
):
    client_logged_in.get(WATCHLIST)
    client_logged_in.get(f"{WATCHLIST}?sort=name")
    assert len(_page_keys()) == 2
    partial = client_logged_in.get(WATCHLIST, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="watchlist")
    assert "<!DOCTYPE html>" not in partial.content.decode()


def test_the_cached_watchlists_untrack_form_works(csrf_client, user, watched):
    csrf_client.force_login(user)
    csrf_client.get(WATCHLIST)
    body = csrf_client.get(WATCHLIST).content.decode()
    assert CSRF_PLACEHOLDER not in body
    token = TOKEN.search(body)[1]
    response = csrf_client.post(f"{WATCHLIST}other-org/untrack", {"csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    assert not Tracking.objects.filter(user=user, account=watched[1]).exists()


def test_a_login_taken_over_by_another_account_shows_its_new_holder(
    client_logged_in, account, fake_github, django_capture_on_commit_callbacks
):
    client_logged_in.get(PAGE)
    # GitHub gave "page-org" to someone else after a rename; a refresh of the login finds them.
    fake_github.state.add_user("page-org", name="The New Holder")
    with django_capture_on_commit_callbacks(execute=True):
        account_refresh(login="page-org")
    body = client_logged_in.get(PAGE).content.decode()
    assert "The New Holder" in body
    assert "Page Org" not in body
