import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from github_stats.models import GitHubAccount, RefreshJob, Tracking
from tests.factories import UserFactory
from tests.pages.factories import (
    GitHubAccountFactory,
    RepositoryFactory,
    TrackingFactory,
    snapshots_for,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
SVG = '<svg onload="alert(1)"><circle/></svg>'


@pytest.fixture
def account():
    account = GitHubAccountFactory(login="octo-cat", name="Octo Cat", followers=1234)
    for i in range(30):
        RepositoryFactory(owner=account, name=f"repo-{i:02d}", stars=i * 100, forks=i)
    snapshots_for(account, days=40)
    return account


def test_dashboard_shows_profile_figures_languages_history_and_repositories(
    client_logged_in, account
):
    response = client_logged_in.get("/u/octo-cat")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Octo Cat" in body
    assert "1.2k" in body  # followers, for people
    assert "Total stars" in body
    assert 'class="chart chart-line"' in body  # history SVG
    assert '<title id="history-total_stars-title">' in body
    assert "By number of repositories" in body
    assert 'href="/r/octo-cat/repo-29"' in body  # most stars first
    assert "Page 1 of 2" in body
    assert "Refreshed <time" in body
    assert 'hx-post="/u/octo-cat/track"' in body
    assert "HX-Request" in response["Vary"]


def test_uncached_dashboard_queries(client_logged_in, account, django_assert_num_queries):
    # (A second visit is one query, the page from the cache: tests/pages/test_response_cache.py.)
    # the user, the account (its figures and languages on its row, whether I or anyone tracks
    # it), its snapshots (figures, followers; the missing days from the same rows), its summed
    # star history (one row), its repositories' creation dates (public repositories over
    # time), its contribution years and activity bookkeeping (the activity panel; no year
    # stored, so no calendar read), the repositories' count and page
    with django_assert_num_queries(9):
        client_logged_in.get("/u/octo-cat")


def test_another_spelling_of_the_login_redirects_to_the_stored_one(client_logged_in, account):
    response = client_logged_in.get("/u/OCTO-Cat?sort=name&days=365")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/u/octo-cat?sort=name&days=365"
    assert client_logged_in.get(response["Location"]).status_code == HTTPStatus.OK


def test_a_cached_page_is_never_served_at_another_spelling(client_logged_in, account):
    client_logged_in.get("/u/octo-cat")
    client_logged_in.get("/u/octo-cat")  # cached now
    assert client_logged_in.get("/u/Octo-Cat").status_code == HTTPStatus.MOVED_PERMANENTLY


def test_htmx_requests_are_answered_where_they_are(htmx, account):
    response = htmx.get("/u/OCTO-CAT?page=2", HTTP_HX_TARGET="repos")
    assert response.status_code == HTTPStatus.OK


def test_repository_table_partial_sorts_and_pages_through_htmx(
    htmx, account, django_assert_num_queries
):
    htmx.get("/u/octo-cat")
    # the user, the account, repositories count and page (an htmx request for a part of the
    # page is never served from the cache, nor stored in it)
    with django_assert_num_queries(4):
        response = htmx.get("/u/octo-cat?sort=name&page=2", target="repos")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="repos"')
    assert "<html" not in body
    assert "Page 2 of 2" in body
    assert 'aria-sort="ascending"' in body
    assert 'hx-push-url="true"' in body
    # every htmx link is a real link too, short and shareable; the sorted column's header
    # reverses it, and the page links land on the table
    assert (
        'href="/u/octo-cat?sort=name&amp;order=desc" hx-get="/u/octo-cat?sort=name&amp;order=desc"'
        in body
    )
    assert 'href="/u/octo-cat?sort=name#repos" hx-get="/u/octo-cat?sort=name"' in body
    assert 'hx-swap="outerHTML show:#repos:top"' in body
    assert response["HX-Push-Url"] == "/u/octo-cat?sort=name&page=2"
    # the history range links, out of band, now carry the table's state
    assert (
        '<nav id="history-range" class="segmented" aria-label="History range" hx-swap-oob="true">'
        in body
    )
    assert 'href="/u/octo-cat?sort=name&amp;page=2&amp;days=30"' in body


def test_the_sorted_column_reverses_and_the_table_explains_its_count(client_logged_in, account):
    body = client_logged_in.get("/u/octo-cat?sort=stars&order=asc").content.decode()
    assert 'aria-sort="ascending"' in body
    assert 'href="/r/octo-cat/repo-00"' in body.split("<tbody>", 1)[1][:2000]  # fewest first
    assert 'href="/u/octo-cat" hx-get="/u/octo-cat"' in body  # Stars again: most first
    GitHubAccount.objects.filter(pk=account.pk).update(public_repos=34)
    fresh = Client()
    fresh.force_login(UserFactory())
    explained = fresh.get("/u/octo-cat?sort=name").content.decode()
    assert "of 34 public: forks are hidden" in explained


def test_the_language_filter_offers_the_accounts_languages(client_logged_in, account):
    GitHubAccount.objects.filter(pk=account.pk).update(language_repos={"Go": 3, "Rust": 9})
    body = client_logged_in.get("/u/octo-cat?lang=rust").content.decode()
    assert '<option value="Rust" selected>Rust</option>' in body
    assert body.index('value="Rust"') < body.index('value="Go"')  # most used first


def test_an_organisation_has_no_following_card(client_logged_in):
    GitHubAccountFactory(login="an-org", kind="org", following=0)
    body = client_logged_in.get("/u/an-org").content.decode()
    assert '<p class="figure-label">Following</p>' not in body
    assert '<p class="figure-label">Followers</p>' in body


def test_filter_form_pushes_the_canonical_url(htmx, account):
    # The form sends every field; an unticked box sends nothing (f=1 says the form was sent).
    response = htmx.get("/u/octo-cat?f=1&sort=forks&forks=1", target="repos")
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Push-Url"] == "/u/octo-cat?sort=forks&forks=1&archived=0"


def test_filters_hide_forks_by_default_and_archived_on_request(client_logged_in):
    account = GitHubAccountFactory(login="filters")
    RepositoryFactory(owner=account, name="own")
    RepositoryFactory(owner=account, name="forked", is_fork=True)
    RepositoryFactory(owner=account, name="old", archived=True)
    body = client_logged_in.get("/u/filters").content.decode()
    assert "/r/filters/own" in body
    assert "/r/filters/forked" not in body
    assert "/r/filters/old" in body
    body = client_logged_in.get("/u/filters?forks=1&archived=0").content.decode()
    assert "/r/filters/forked" in body
    assert "/r/filters/old" not in body


def test_history_partial_switches_range(htmx, account):
    response = htmx.get("/u/octo-cat?days=30", target="history")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="history"')
    assert "over the last 30 days" in body
    # the table, out of band, so its links keep the new range
    assert 'id="repos" class="card" aria-labelledby="repos-title" hx-swap-oob="true"' in body
    assert 'href="/u/octo-cat?sort=name&amp;days=30"' in body
    assert response["HX-Push-Url"] == "/u/octo-cat?days=30"


@pytest.mark.parametrize(
    "params",
    [
        "?sort=;drop",
        "?page=abc",
        "?page=-1",
        "?page=99999999999999",
        "?days=7",
        "?days=x",
        "?forks=maybe",
        "?job=not-a-uuid",
        "?job=00000000-0000-0000-0000-000000000000",
    ],
)
def test_bad_parameters_never_fail(client_logged_in, account, params):
    assert client_logged_in.get(f"/u/octo-cat{params}").status_code == HTTPStatus.OK


@pytest.mark.parametrize("login", ["-bad-", "a--b", "x" * 40, "has.dot"])
def test_invalid_login_is_refused_before_any_github_call(client_logged_in, login):
    response = client_logged_in.get(f"/u/{login}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"not a GitHub login" in response.content
    assert not RefreshJob.objects.exists()


def test_hidden_account_is_not_available(client_logged_in):
    GitHubAccountFactory(login="hidden-one", hidden=True)
    response = client_logged_in.get("/u/hidden-one")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"This account is not available" in response.content
    assert not RefreshJob.objects.exists()


def test_anonymous_is_sent_to_login(client, account):
    response = client.get("/u/octo-cat")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/login/?next=/u/octo-cat"


def test_anonymous_htmx_gets_hx_redirect_not_a_login_page_in_a_fragment(htmx_anonymous, account):
    response = htmx_anonymous.get(
        "/u/octo-cat?sort=forks", target="repos", current_url="http://testserver/u/octo-cat"
    )
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"] == "/accounts/login/?next=/u/octo-cat"
    assert response.content == b""


def test_github_strings_are_escaped_on_the_page_and_in_the_svg(client_logged_in):
    account = GitHubAccountFactory(
        login="hostile",
        name=SCRIPT,
        bio=SVG,
        company=SCRIPT,
        location='"><img src=x onerror=alert(1)>',
        blog="javascript:alert(document.cookie)",
    )
    RepositoryFactory(
        owner=account,
        name="payload",
        description=SCRIPT + SVG,
        language=SCRIPT,
        language_bytes={SCRIPT: 100, SVG: 50},
    )
    body = client_logged_in.get("/u/hostile").content.decode()
    assert "<script>alert" not in body
    assert "<svg onload" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    # inside the language chart's SVG (<title>/<desc>) and its legend
    assert '<desc id="lang-bytes-desc">&lt;script&gt;' in body
    assert "<title>&lt;script&gt;" in body
    # the blog is shown as text, never as a javascript: link
    assert "javascript:alert(document.cookie)" in body
    assert 'href="javascript:' not in body


def test_http_blog_is_linked(client_logged_in):
    GitHubAccountFactory(login="blogger", blog="blog.example.com")
    body = client_logged_in.get("/u/blogger").content.decode()
    assert 'href="https://blog.example.com"' in body


@pytest.mark.django_db(transaction=True)  # on_commit runs the inline task inside the request
def test_stale_account_is_shown_at_once_marked_stale_with_a_refresh_queued(
    client_logged_in, settings
):
    # Tasks run inline against a closed port: GitHub is "unavailable", the stored data stays.
    settings.GITHUB_RETRY_BASE_SECONDS = 0.0
    account = GitHubAccountFactory(login="stale-one", fetched_at=timezone.now() - timedelta(days=2))
    RepositoryFactory(owner=account, name="kept")
    response = client_logged_in.get("/u/stale-one")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "/r/stale-one/kept" in body  # stored data still shown
    assert "Stale" in body
    assert RefreshJob.objects.filter(account=account).count() == 1
    assert "GitHub is not answering right now" in body


# --- Track / Untrack --------------------------------------------------------------------------


def test_track_and_untrack_only_change_my_watchlist(htmx, user, account):
    other = UserFactory()
    TrackingFactory(user=other, account=account)

    response = htmx.post("/u/octo-cat/track", target="track")
    assert response.status_code == HTTPStatus.OK
    assert b'aria-pressed="true"' in response.content
    assert Tracking.objects.filter(user=user, account=account).exists()

    response = htmx.post("/u/octo-cat/untrack", target="track")
    assert b'aria-pressed="false"' in response.content
    assert not Tracking.objects.filter(user=user, account=account).exists()
    # the other person's watchlist is untouched
    assert Tracking.objects.filter(user=other, account=account).exists()


def test_track_without_javascript_redirects_back_with_a_message(client_logged_in, user, account):
    response = client_logged_in.post("/u/octo-cat/track", follow=True)
    assert response.redirect_chain[-1][0] == "/u/octo-cat"
    assert b"is on your watchlist" in response.content
    assert Tracking.objects.filter(user=user, account=account).count() == 1


def test_track_needs_post_and_csrf(csrf_client, user, account):
    csrf_client.force_login(user)
    assert csrf_client.get("/u/octo-cat/track").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert csrf_client.post("/u/octo-cat/track").status_code == HTTPStatus.FORBIDDEN
    assert not Tracking.objects.exists()


def test_track_anonymous_htmx_gets_hx_redirect(htmx_anonymous, account):
    response = htmx_anonymous.post("/u/octo-cat/track")
    assert "HX-Redirect" in response
    assert not Tracking.objects.exists()


def test_track_unknown_or_hidden_account_changes_nothing(client_logged_in):
    GitHubAccountFactory(login="hidden-one", hidden=True)
    assert client_logged_in.post("/u/nobody-here/track").status_code == HTTPStatus.NOT_FOUND
    assert client_logged_in.post("/u/hidden-one/track").status_code == HTTPStatus.NOT_FOUND
    assert not Tracking.objects.exists()


def test_tracked_state_shows_on_the_dashboard(client_logged_in, user, account):
    TrackingFactory(user=user, account=account)
    body = client_logged_in.get("/u/octo-cat").content.decode()
    assert 'hx-post="/u/octo-cat/untrack"' in body


@pytest.mark.django_db(transaction=True)
def test_stale_account_while_github_rate_limit_is_used_up_shows_stored_data_and_the_reset(
    client_logged_in, fake_github
):
    fake_github.state.add_user("limited", repos=2)
    fake_github.state.set_quota(remaining=0, reset_in=1200)
    account = GitHubAccountFactory(
        login="limited",
        github_id=fake_github.state.account("limited").id,
        fetched_at=timezone.now() - timedelta(days=1),
    )
    RepositoryFactory(owner=account, name="stored-one")
    body = client_logged_in.get("/u/limited").content.decode()
    assert "/r/limited/stored-one" in body
    assert "GitHub&#x27;s rate limit is used up" in body
    assert "The refresh waits until <time" in body
    assert 'hx-trigger="load delay:15s"' in body


def test_pages_have_no_inline_script_or_style(client_logged_in, account):
    response = client_logged_in.get("/u/octo-cat")
    body = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
    assert " style=" not in body
    assert "<style" not in body
    assert "script-src 'self'" in response["Content-Security-Policy"]
