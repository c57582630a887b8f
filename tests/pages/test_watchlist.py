"""/watchlist/: my tracked accounts, sortable, with untrack and undo from the list."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from github_stats.models import Tracking
from tests.github_stats.factories import GitHubAccountFactory, TrackingFactory
from tests.pages.factories import snapshots_for

pytestmark = pytest.mark.django_db

URL = "/watchlist/"
EMPTY = "You are not watching any account yet"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "watchlist"}


def watch(user, **fields):
    account = GitHubAccountFactory(**fields)
    TrackingFactory(user=user, account=account)
    return account


# --- Access ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client: Client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/login/?next=/watchlist/"


def test_anonymous_htmx_request_gets_hx_redirect_not_a_login_page_fragment(client: Client):
    response = client.get(
        URL, **HTMX, HTTP_HX_CURRENT_URL="http://testserver/watchlist/?sort=stars"
    )
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"] == "/accounts/login/?next=/watchlist/%3Fsort%3Dstars"
    assert response.content == b""


def test_anonymous_cannot_untrack(client: Client, user):
    account = watch(user, login="kept")
    response = client.post(f"/u/{account.login}/untrack")
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]
    assert Tracking.objects.filter(user=user, account=account).exists()


# --- The list -------------------------------------------------------------------------------


def test_empty_watchlist_says_what_to_do(client_logged_in: Client):
    response = client_logged_in.get(URL)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert EMPTY in content
    assert "Track" in content
    assert 'action="/search/"' in content


def test_watchlist_shows_figures_sparkline_and_30_day_change(client_logged_in: Client, user):
    account = watch(user, login="octo", name="Octo Cat", followers=1234, public_repos=42)
    # 100 → 190 stars over 30 days, forks 7 → 37
    snapshots_for(account, days=31, stars_from=100, step=3, forks_from=7, forks_every=1)
    response = client_logged_in.get(URL)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Octo Cat" in content
    assert 'href="/u/octo"' in content
    assert "1.2k" in content  # followers
    assert ">190<" in content  # stars, as the last refresh summed them
    assert "+90" in content  # stars over 30 days
    assert "+30" in content  # followers over 30 days (account row vs snapshot)
    assert ">37<" in content  # forks, as the last refresh summed them
    assert ">42<" in content  # repositories
    assert 'class="sparkline sparkline-up"' in content
    assert "keeps fresh" in content  # says the scheduler keeps these accounts fresh


def test_account_without_snapshots_shows_dashes_not_zeroes(client_logged_in: Client, user):
    watch(user, login="fresh-one")
    content = client_logged_in.get(URL).content.decode()
    assert "fresh-one" in content
    assert "—" in content
    assert "sparkline-flat" in content


def test_hidden_accounts_are_left_out(client_logged_in: Client, user):
    watch(user, login="visible-one")
    watch(user, login="hidden-one", hidden=True)
    content = client_logged_in.get(URL).content.decode()
    assert "visible-one" in content
    assert "hidden-one" not in content


def test_only_my_own_accounts_are_listed(client_logged_in: Client, user, other_user):
    watch(user, login="mine")
    watch(other_user, login="theirs")
    content = client_logged_in.get(URL).content.decode()
    assert "mine" in content
    assert "theirs" not in content


@pytest.mark.parametrize("count", [1, 50])
def test_watchlist_is_a_constant_number_of_queries(
    client_logged_in: Client, user, count, django_assert_num_queries
):
    for _ in range(count):
        snapshots_for(watch(user), days=31, step=3, forks_from=7, forks_every=1)
    # The session comes from the cache (cached_db). Queries: the user, the trackings with their
    # accounts, every account's snapshots of the last 37 days (one query).
    with django_assert_num_queries(3):
        response = client_logged_in.get(URL)
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('class="sparkline ') == count


def test_sorting_by_stars_puts_the_largest_first(client_logged_in: Client, user):
    for login, stars in (("few", 10), ("many", 900), ("some", 300)):
        snapshots_for(
            watch(user, login=login), days=2, stars_from=stars, step=0, forks_from=7, forks_every=1
        )
    content = client_logged_in.get(URL, {"sort": "stars"}).content.decode()
    assert content.index("/u/many") < content.index("/u/some") < content.index("/u/few")
    assert 'aria-sort="descending">Stars' in content


def test_sorting_by_name_and_unknown_sort_falls_back(client_logged_in: Client, user):
    for login in ("bravo", "alpha", "charlie"):
        watch(user, login=login)
    by_name = client_logged_in.get(URL, {"sort": "name"}).content.decode()
    assert by_name.index("/u/alpha") < by_name.index("/u/bravo") < by_name.index("/u/charlie")
    response = client_logged_in.get(URL, {"sort": "<script>"})
    assert response.status_code == HTTPStatus.OK
    assert "&lt;script&gt;" not in response.content.decode()  # never echoed


def test_sort_links_work_without_javascript_and_with_htmx(client_logged_in: Client, user):
    watch(user)
    content = client_logged_in.get(URL).content.decode()
    assert 'href="/watchlist/?sort=stars" hx-get="/watchlist/?sort=stars"' in content
    assert 'hx-target="#watchlist"' in content
    assert 'hx-push-url="true"' in content


def test_htmx_request_gets_the_list_fragment_only(client_logged_in: Client, user):
    watch(user, login="octo")
    response = client_logged_in.get(URL, {"sort": "name"}, **HTMX)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert content.lstrip().startswith('<section id="watchlist"')
    assert "<html" not in content
    assert "octo" in content
    assert "HX-Request" in response["Vary"]


# --- Untrack and undo -----------------------------------------------------------------------


def test_untrack_with_htmx_returns_the_list_without_the_account_and_an_undo(
    client_logged_in: Client, user
):
    gone = watch(user, login="gone")
    watch(user, login="stays")
    response = client_logged_in.post(f"/u/{gone.login}/untrack", {"sort": "name"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert 'id="watch-gone"' not in content
    assert 'id="watch-stays"' in content
    assert "You no longer watch <strong>gone</strong>" in content
    assert 'hx-post="/u/gone/track"' in content
    assert not Tracking.objects.filter(user=user, account=gone).exists()


def test_untracking_the_last_account_shows_the_empty_state(client_logged_in: Client, user):
    account = watch(user, login="only")
    content = client_logged_in.post(f"/u/{account.login}/untrack", **HTMX).content.decode()
    assert EMPTY in content


def test_untrack_without_javascript_redirects_back_with_a_message(client_logged_in: Client, user):
    account = watch(user, login="octo")
    response = client_logged_in.post(
        "/u/OCTO/untrack", {"next": "/watchlist/?sort=stars"}, follow=True
    )
    assert response.redirect_chain == [("/watchlist/?sort=stars", HTTPStatus.FOUND)]
    assert "octo is off your watchlist." in response.content.decode()
    assert not Tracking.objects.filter(user=user, account=account).exists()


def test_undo_watches_the_account_again(client_logged_in: Client, user):
    account = GitHubAccountFactory(login="back")
    response = client_logged_in.post(f"/u/{account.login}/track", **HTMX)
    assert response.status_code == HTTPStatus.OK
    assert Tracking.objects.filter(user=user, account=account).exists()
    assert 'id="watch-back"' in response.content.decode()


def test_another_user_cannot_change_my_watchlist(user, other_user):
    mine = watch(user, login="mine")
    other = Client()
    other.force_login(other_user)
    # The only list anyone can change is their own: no URL or form field names a user.
    response = other.post(f"/u/{mine.login}/untrack", {"user": user.pk}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    assert Tracking.objects.filter(user=user, account=mine).exists()
    other.post(f"/u/{mine.login}/track", {"user": user.pk})
    assert Tracking.objects.filter(user=user).count() == 1
    assert Tracking.objects.filter(user=other_user, account=mine).exists()


def test_untrack_needs_post_and_a_csrf_token(user, csrf_client: Client):
    account = watch(user, login="octo")
    csrf_client.force_login(user)
    assert csrf_client.get(f"/u/{account.login}/untrack").status_code == 405
    assert csrf_client.post(f"/u/{account.login}/untrack").status_code == 403
    assert Tracking.objects.filter(user=user, account=account).exists()


@pytest.mark.parametrize("login", ["nobody-here", "-bad-", "a" * 60])
def test_untrack_from_the_list_of_an_unknown_or_invalid_login_says_so_in_the_list(
    client_logged_in, user, login
):
    watch(user, login="stays")
    response = client_logged_in.post(f"/u/{login}/untrack", **HTMX)
    assert response.status_code == HTTPStatus.OK  # a fragment htmx swaps in
    body = response.content.decode()
    assert "is not an account we know" in body
    assert 'id="watch-stays"' in body


@pytest.mark.parametrize(
    ("login", "status"),
    [("nobody-here", HTTPStatus.NOT_FOUND), ("-bad-", HTTPStatus.BAD_REQUEST)],
)
def test_untrack_without_javascript_of_an_unknown_or_invalid_login_is_a_readable_page(
    client_logged_in, login, status
):
    response = client_logged_in.post(f"/u/{login}/untrack")
    assert response.status_code == status
    assert '<section class="problem panel' in response.content.decode()


def test_untrack_of_a_hidden_account_is_refused(client_logged_in: Client, user):
    account = watch(user, login="hidden-one", hidden=True)
    response = client_logged_in.post(f"/u/{account.login}/untrack")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Tracking.objects.filter(user=user, account=account).exists()


def test_untrack_is_a_constant_number_of_queries(
    client_logged_in: Client, user, django_assert_num_queries
):
    accounts = [watch(user) for _ in range(5)]
    # The user, the account by login, the DELETE, then the list: trackings, snapshots.
    with django_assert_num_queries(5):
        client_logged_in.post(f"/u/{accounts[0].login}/untrack", **HTMX)


# --- GitHub's strings are text --------------------------------------------------------------


def test_script_and_svg_payloads_in_github_data_show_as_text(client_logged_in: Client, user):
    watch(
        user,
        login="hostile",
        name='<script>alert("x")</script>',
        bio='<svg onload="alert(1)"></svg>',
        avatar_url="javascript:alert(1)",
    )
    content = client_logged_in.get(URL).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "javascript:" not in content  # an avatar URL that is not http(s) is dropped
