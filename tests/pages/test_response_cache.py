"""The one cache layer as people meet it (github_stats/caching.py): a page seen a moment ago is
served whole from the cache until something it shows changes, and every such change is made
the way production makes it (a real refresh against the fake GitHub, moderation, Track and
Untrack through the pages and the API), never by poking the cache. (Only a lost version is
made by hand, as an eviction or a Redis restart would lose it.)"""

import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from github_stats.models import GitHubAccount, JobStatus, RefreshJob, Repository, Tracking
from github_stats.services.moderation import account_hide, account_unhide
from tests.factories import UserFactory
from tests.pages.cache_helpers import behind_the_caches_back, cache_reads_spied, response_keys

pytestmark = pytest.mark.django_db

PAGE = "/u/page-org"
WATCHLIST = "/watchlist/"
REPO = "/r/page-org/cached-repo"
SCRIPT = '<script>alert("x")</script>'
# A CSRF secret (the csrftoken cookie's format: 32 letters and digits).
CSRF_SECRET = "abcdefghijklmnopqrstuvwxyz012345"


@pytest.fixture
def account(fake_github, refresh):
    fake_github.state.add_org("page-org", repos=3, name="Page Org")
    return refresh("page-org")


def _served_twice(client: Client, path: str = PAGE) -> str:
    """The page as a second visit gets it (the first may carry a message, never cached)."""
    client.get(path)
    return client.get(path).content.decode()


def test_the_second_visit_is_served_from_the_cache(
    client_logged_in, account, django_assert_num_queries
):
    client_logged_in.get(PAGE)
    behind_the_caches_back(account, bio="Rewritten behind the cache.")
    # The user (the session comes from the cache too); one cache round trip for the page and
    # its account's version.
    with django_assert_num_queries(1):
        second = client_logged_in.get(PAGE)
    assert second.status_code == HTTPStatus.OK
    assert "Rewritten" not in second.content.decode()
    assert "HX-Request" in second["Vary"]


def test_a_real_refresh_replaces_the_page(client_logged_in, account, fake_github, refresh):
    _served_twice(client_logged_in)
    fake_github.state.update_account("page-org", location="What the refresh stored.")
    assert "What the refresh stored." not in client_logged_in.get(PAGE).content.decode()

    refresh("page-org")

    assert "What the refresh stored." in client_logged_in.get(PAGE).content.decode()


@pytest.fixture
def repository(account, fake_github, refresh) -> Repository:
    fake_github.state.add_repo("page-org", "cached-repo", stars=41, description="Kept here.")
    refresh("page-org")
    return Repository.objects.get(owner=account, name="cached-repo")


def test_the_second_visit_of_a_repository_page_is_served_from_the_cache(
    client_logged_in, repository, django_assert_num_queries
):
    first = client_logged_in.get(REPO)
    assert first.status_code == HTTPStatus.OK
    assert "Kept here." in first.content.decode()
    Repository.objects.filter(pk=repository.pk).update(description="Rewritten behind the cache.")
    # The user; one cache round trip for the page and its owner's version.
    with django_assert_num_queries(1):
        second = client_logged_in.get(REPO)
    assert second.status_code == HTTPStatus.OK
    assert second.content == first.content
    assert "Rewritten" not in second.content.decode()


def test_a_real_refresh_replaces_the_repository_page(
    client_logged_in, repository, fake_github, refresh
):
    assert 'title="41"' in _served_twice(client_logged_in, REPO)
    fake_github.state.bump_stars("page-org", "cached-repo", by=1000)
    assert 'title="1041"' not in client_logged_in.get(REPO).content.decode()

    refresh("page-org")

    assert 'title="1041"' in client_logged_in.get(REPO).content.decode()


def test_the_cached_pages_csrf_token_is_this_browsers_and_works(csrf_client, user, account):
    csrf_client.force_login(user)
    first = csrf_client.get(PAGE).content.decode()
    second = csrf_client.get(PAGE).content.decode()
    assert second == first  # served as stored: the token in it is valid for this browser
    token = first.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = csrf_client.post(f"{PAGE}/track", {"csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    assert Tracking.objects.filter(user=user, account=account).exists()


def test_another_browser_of_the_same_person_gets_its_own_page(user, account):
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    laptop_page = _served_twice(laptop)
    phone_page = _served_twice(phone)
    token = 'name="csrfmiddlewaretoken" value="'
    assert laptop_page.split(token)[1][:64] != phone_page.split(token)[1][:64]


def test_nobody_is_served_another_persons_page(client_logged_in, account):
    # The same CSRF secret in both browsers: only the person tells the two pages apart.
    client_logged_in.cookies["csrftoken"] = CSRF_SECRET
    client_logged_in.post(f"{PAGE}/track")
    mine = _served_twice(client_logged_in)
    assert 'aria-pressed="true"' in mine

    other = Client()
    other.cookies["csrftoken"] = CSRF_SECRET
    other.force_login(UserFactory())
    other.get(WATCHLIST)  # the other person's watchlist has a version: their page may be a hit
    assert 'aria-pressed="false"' in _served_twice(other)


def test_track_and_untrack_replace_the_page(client_logged_in, account, committed):
    assert 'aria-pressed="false"' in _served_twice(client_logged_in)
    with committed():
        client_logged_in.post(f"{PAGE}/track")
    assert 'aria-pressed="true"' in _served_twice(client_logged_in)
    with committed():
        client_logged_in.post(f"{PAGE}/untrack")
    assert 'aria-pressed="false"' in _served_twice(client_logged_in)


def test_tracking_through_the_api_replaces_the_page(client_logged_in, account, committed):
    assert 'aria-pressed="false"' in _served_twice(client_logged_in)
    with committed():
        response = client_logged_in.put("/api/v1/watchlist/page-org")
    assert response.status_code == HTTPStatus.OK, response.content
    assert 'aria-pressed="true"' in _served_twice(client_logged_in)


def test_a_page_rendered_before_a_track_commits_is_not_served_after_it(
    client_logged_in, account, django_capture_on_commit_callbacks
):
    _served_twice(client_logged_in)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_logged_in.post(f"{PAGE}/track")
    assert 'aria-pressed="false"' in _served_twice(client_logged_in)  # not committed yet
    for callback in callbacks:
        callback()
    assert 'aria-pressed="true"' in _served_twice(client_logged_in)


def test_hiding_and_unhiding_replace_the_page(client_logged_in, user, account, committed):
    _served_twice(client_logged_in)
    with committed():
        account_hide(account=account, reason="Spam", actor=user)
    response = client_logged_in.get(PAGE)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "This account is not available" in response.content.decode()
    with committed():
        account_unhide(account=account, actor=user)
    assert "Page Org" in client_logged_in.get(PAGE).content.decode()


def test_a_page_is_served_only_until_its_account_turns_stale(client_logged_in, account, settings):
    settings.STATS_TTL = 2  # the account, refreshed a moment ago, turns stale in 2 s
    client_logged_in.get(PAGE)
    assert RefreshJob.objects.filter(login="page-org").count() == 1
    time.sleep(2.1)
    client_logged_in.get(PAGE)
    # Not the stored page: the normal path ran, showed the data marked stale and queued a
    # refresh of it.
    assert RefreshJob.objects.filter(login="page-org").count() == 2


def test_a_stale_account_is_shown_marked_and_never_cached(client_logged_in, account):
    behind_the_caches_back(account, fetched_at=timezone.now() - timedelta(days=2))
    body = client_logged_in.get(PAGE).content.decode()
    assert "Page Org" in body
    assert '<span class="badge badge-warning">Stale</span>' in body
    assert RefreshJob.objects.filter(login="page-org").count() == 2  # one more, queued now
    assert response_keys() == []


def test_a_message_is_shown_and_never_cached(client_logged_in, account):
    client_logged_in.get(PAGE)
    client_logged_in.post(f"{PAGE}/track")  # without htmx: a redirect and a message
    assert "is on your watchlist" in client_logged_in.get(PAGE).content.decode()
    assert "is on your watchlist" not in client_logged_in.get(PAGE).content.decode()


def test_each_table_and_history_state_is_its_own_page(client_logged_in, account):
    by_stars = _served_twice(client_logged_in)
    by_name = _served_twice(client_logged_in, f"{PAGE}?sort=name")
    assert by_name != by_stars
    assert (
        client_logged_in.get(f"{PAGE}?sort=name&utm_source=x").content.decode() == by_name
    )  # an unknown parameter is the same state
    assert len(response_keys()) == 2


def test_htmx_requests_and_job_polls_are_never_the_cached_page(htmx, account):
    cached = _served_twice(htmx.client)
    assert len(response_keys()) == 1  # the page is in the cache, for this very state

    partial = htmx.get(PAGE, target="repos")
    assert partial.status_code == HTTPStatus.OK
    body = partial.content.decode()
    assert "<!DOCTYPE html>" not in body
    assert body.lstrip().startswith('<section id="repos"')  # the table alone
    assert 'id="profile-name"' not in body

    # A refresh in flight, as a Refresh without JavaScript redirects to it.
    job = RefreshJob.objects.create(account=account, login="page-org", status=JobStatus.QUEUED)
    response = htmx.client.get(f"{PAGE}?job={job.pk}")
    assert response.status_code == HTTPStatus.OK
    polled = response.content.decode()
    assert polled != cached
    assert "Refreshing from GitHub" in polled
    assert f'hx-get="{PAGE}?job={job.pk}"' in polled  # the poller of that job


def test_the_cache_can_be_switched_off(client_logged_in, account, settings):
    settings.RESPONSE_CACHE_SECONDS = 0
    client_logged_in.get(PAGE)
    assert response_keys() == []


def test_an_invalid_login_is_refused_before_any_cache_read(client_logged_in, monkeypatch):
    asked = cache_reads_spied(monkeypatch)
    response = client_logged_in.get("/u/-not-valid-")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response_keys() == []
    assert [key for key in asked if key.startswith("github_stats:")] == []


def test_hostile_strings_stay_escaped_in_a_cached_page(client_logged_in, fake_github, refresh):
    fake_github.state.add_user("mallory", repos=3, hostile=True, name=SCRIPT, bio=SCRIPT)
    refresh("mallory")
    cached = _served_twice(client_logged_in, "/u/mallory")
    assert SCRIPT not in cached
    assert "&lt;script&gt;" in cached


def test_a_login_taken_over_by_another_account_shows_its_new_holder(
    client_logged_in, account, fake_github, refresh
):
    _served_twice(client_logged_in)
    # GitHub gave "page-org" to someone else after a rename; a refresh of the login finds them.
    fake_github.state.rename_account("page-org", "page-org-renamed")
    fake_github.state.add_user("page-org", name="The New Holder")
    refresh("page-org")
    body = client_logged_in.get(PAGE).content.decode()
    assert "The New Holder" in body
    assert "Page Org" not in body


def test_a_rename_drops_the_old_logins_page(client_logged_in, account, fake_github, refresh):
    _served_twice(client_logged_in)
    fake_github.state.rename_account("page-org", "page-org-renamed")
    refresh("page-org-renamed")
    # The old login names nobody now: the page asks GitHub (which has nobody by that name).
    response = client_logged_in.get(PAGE)
    assert "Page Org" not in response.content.decode()


# --- The watchlist --------------------------------------------------------------------------


@pytest.fixture
def watched(client_logged_in, account, fake_github, refresh, committed):
    """Two accounts on the person's watchlist, tracked through the pages."""
    fake_github.state.add_org("other-org", repos=2, name="Other Org")
    refresh("other-org")
    for login in ("page-org", "other-org"):
        with committed():
            client_logged_in.post(f"/u/{login}/track")
    client_logged_in.get(WATCHLIST)  # shows (and so uses up) the Tracks' messages
    return account, GitHubAccount.objects.get(login="other-org")


def test_the_second_watchlist_visit_is_served_from_the_cache(
    client_logged_in, watched, django_assert_num_queries
):
    client_logged_in.get(WATCHLIST)
    behind_the_caches_back(watched[0], name="Renamed Behind The Cache")
    # The user; two cache round trips (the page, then the versions of the accounts it shows).
    with django_assert_num_queries(1):
        body = client_logged_in.get(WATCHLIST).content.decode()
    assert "Renamed Behind The Cache" not in body
    assert "Other Org" in body


def test_a_lost_watchlist_version_is_a_miss_then_adopted(
    client_logged_in, user, watched, django_assert_num_queries
):
    _served_twice(client_logged_in, WATCHLIST)
    cache.delete(f"github_stats:version:watchlist:{user.pk}")  # evicted, or Redis restarted
    # A Track nobody announced (the rows' own markup is shared: the list is the probe).
    Tracking.objects.filter(user=user, account=watched[1]).delete()
    assert "Other Org" not in client_logged_in.get(WATCHLIST).content.decode()
    # A new version was published for the list and the page stored under it: a hit again.
    with django_assert_num_queries(1):
        assert "Other Org" not in client_logged_in.get(WATCHLIST).content.decode()


def test_a_refresh_of_any_watched_account_replaces_the_watchlist(
    client_logged_in, watched, fake_github, refresh
):
    _served_twice(client_logged_in, WATCHLIST)
    fake_github.state.update_account("other-org", name="Refreshed Name")
    refresh("other-org")
    assert "Refreshed Name" in client_logged_in.get(WATCHLIST).content.decode()


def test_untrack_from_the_list_replaces_the_watchlist(client_logged_in, watched, committed):
    _served_twice(client_logged_in, WATCHLIST)
    with committed():
        client_logged_in.post(
            "/u/other-org/untrack",
            {"next": WATCHLIST},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="watchlist",
        )
    assert "Other Org" not in client_logged_in.get(WATCHLIST).content.decode()


def test_hiding_a_watched_account_replaces_the_watchlist(
    client_logged_in, user, watched, committed
):
    _served_twice(client_logged_in, WATCHLIST)
    with committed():
        account_hide(account=watched[1], reason="Spam", actor=user)
    assert "Other Org" not in client_logged_in.get(WATCHLIST).content.decode()


def test_unhiding_a_watched_account_brings_it_back_to_the_cached_watchlist(
    client_logged_in, user, watched, committed
):
    # A list cached while the account was hidden records no version of it: unhiding must
    # outdate the list itself.
    with committed():
        account_hide(account=watched[1], reason="Spam", actor=user)
    assert "Other Org" not in _served_twice(client_logged_in, WATCHLIST)
    with committed():
        account_unhide(account=watched[1], actor=user)
    assert "Other Org" in client_logged_in.get(WATCHLIST).content.decode()


def test_a_watchlist_with_a_stale_account_is_never_cached(client_logged_in, watched):
    behind_the_caches_back(watched[1], fetched_at=timezone.now() - timedelta(days=2))
    body = client_logged_in.get(WATCHLIST).content.decode()
    assert "Stale" in body
    assert response_keys() == []


def test_each_watchlist_order_is_its_own_page_and_htmx_is_never_served_one(
    client_logged_in, watched
):
    client_logged_in.get(WATCHLIST)
    client_logged_in.get(f"{WATCHLIST}?sort=name")
    assert len(response_keys()) == 2
    partial = client_logged_in.get(WATCHLIST, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="watchlist")
    assert "<!DOCTYPE html>" not in partial.content.decode()


def test_the_cached_watchlists_untrack_form_works(csrf_client, user, watched):
    csrf_client.force_login(user)
    csrf_client.get(WATCHLIST)
    body = csrf_client.get(WATCHLIST).content.decode()
    token = body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = csrf_client.post(
        "/u/other-org/untrack", {"csrfmiddlewaretoken": token, "next": WATCHLIST}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == WATCHLIST
    assert not Tracking.objects.filter(user=user, account=watched[1]).exists()
