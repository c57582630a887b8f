"""/compare/?logins=a,b: two to four accounts side by side; add and remove with HTMX; the URL is
the (canonical, shareable) state; bad input is a message, never a 500."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client

from github_stats.models import JobStatus, RefreshJob
from github_stats.services.jobs import refresh_job_create
from tests.fakegithub import HOSTILE_SCRIPT, HOSTILE_SVG, FakeGitHub
from tests.github_stats.factories import GitHubAccountFactory, RepositoryFactory, TrackingFactory
from tests.pages.factories import compared_account as stored

pytestmark = pytest.mark.django_db

URL = "/compare/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "compare-body"}


# --- Access ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client: Client):
    response = client.get(URL, {"logins": "a,b"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/?next=/compare/")


def test_anonymous_htmx_request_gets_hx_redirect(client: Client):
    response = client.get(URL, {"logins": "a,b"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


# --- Side by side ---------------------------------------------------------------------------


def test_two_accounts_side_by_side(client_logged_in: Client):
    stored("alice", name="Alice A", followers=1500)
    stored("bob", name="Bob B", followers=20)
    response = client_logged_in.get(f"{URL}?logins=alice,bob")
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Alice A" in content
    assert "Bob B" in content
    assert "Followers" in content
    assert "Total stars" in content
    assert "1.5k" in content
    assert "is-leader" in content
    # History on shared axes: one SVG with a line per account, each in its own colour.
    chart = re.search(
        r'<svg [^>]*class="chart chart-line" id="compare-history-wide".*?</svg>', content, re.S
    )
    assert chart is not None
    assert "chart-stroke-1" in chart.group(0)
    assert "chart-stroke-2" in chart.group(0)
    assert "Stars of alice, bob over the last 90 days" in chart.group(0)
    # Languages of each account.
    assert 'id="compare-lang-alice"' in content
    assert 'id="compare-lang-bob"' in content


def test_history_fragment_changes_metric_and_range_with_the_url(client_logged_in: Client):
    stored("alice")
    stored("bob")
    response = client_logged_in.get(
        URL,
        {"logins": "alice,bob", "metric": "followers", "days": "30"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="compare-history",
    )
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert content.lstrip().startswith('<section id="compare-history"')
    assert "Followers over 30 days" in content
    assert response["HX-Push-Url"] == "/compare/?logins=alice,bob&metric=followers&days=30"


@pytest.mark.parametrize("count", [2, 4])
def test_a_comparison_is_a_constant_number_of_queries(
    client_logged_in: Client, count, django_assert_num_queries
):
    logins = [f"acct-{i}" for i in range(count)]
    for login in logins:
        stored(login)
    # The session comes from the cache. Queries: the user, the accounts by login, every
    # account's snapshots (one query), every user's contribution years (one query, for the
    # activity figures); figures and languages are on the account rows.
    with django_assert_num_queries(4):
        response = client_logged_in.get(URL, {"logins": ",".join(logins)})
    assert response.status_code == HTTPStatus.OK
    # Seen again: the user, and the page from the cache.
    with django_assert_num_queries(1):
        assert client_logged_in.get(URL, {"logins": ",".join(logins)}).content == (response.content)


def test_the_start_page_offers_the_accounts_i_watch(client_logged_in: Client, user):
    TrackingFactory(user=user, account=GitHubAccountFactory(login="watched-one"))
    response = client_logged_in.get(URL)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Pick two to four accounts" in content
    assert 'href="/compare/?add=watched-one"' in content


def test_one_account_asks_for_another(client_logged_in: Client):
    stored("alice")
    content = client_logged_in.get(URL, {"logins": "alice"}).content.decode()
    assert "Add one more account" in content
    assert "Alice" in content


# --- The URL: canonical, deduplicated, case-insensitive -------------------------------------


def test_only_figures_where_more_is_better_mark_their_highest(client_logged_in: Client):
    stored("alice", followers=1500, following=900)
    stored("bob", followers=20, following=3)
    content = client_logged_in.get(f"{URL}?logins=alice,bob").content.decode()
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', content, re.S))
    assert "is-leader" in rows["Followers"]
    assert "is-leader" not in rows["Following"]


def test_accounts_far_apart_are_drawn_on_a_log_scale_and_it_says_so(client_logged_in: Client):
    stored("giant", followers=30_000)
    stored("small", followers=49)
    content = client_logged_in.get(f"{URL}?logins=giant,small&metric=followers").content.decode()
    assert "Followers of giant, small over the last 90 days (log scale)" in content
    assert "<strong>Log scale</strong>, chosen because these accounts differ" in content
    assert 'href="/compare/?logins=giant,small&amp;metric=followers&amp;scale=linear"' in content
    linear = client_logged_in.get(
        f"{URL}?logins=giant,small&metric=followers&scale=linear"
    ).content.decode()
    assert "(log scale)" not in linear
    assert "One scale for every account." in linear


def test_accounts_close_together_keep_a_linear_scale(client_logged_in: Client):
    stored("alice", followers=1500)
    stored("bob", followers=900)
    content = client_logged_in.get(f"{URL}?logins=alice,bob&metric=followers").content.decode()
    assert "(log scale)" not in content
    forced = client_logged_in.get(f"{URL}?logins=alice,bob&metric=followers&scale=log")
    assert "(log scale)" in forced.content.decode()
    assert client_logged_in.get(f"{URL}?logins=alice,bob&scale=sideways").status_code == 302


def test_url_is_canonical_lower_case_in_the_given_order_and_deduplicated(client_logged_in):
    response = client_logged_in.get(URL, {"logins": "Bob, alice,BOB,,@alice"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/compare/?logins=bob,alice"


def test_repeated_logins_parameters_are_joined(client_logged_in: Client):
    response = client_logged_in.get(f"{URL}?logins=bob&logins=alice,Bob")
    assert response["Location"] == "/compare/?logins=bob,alice"


def test_add_form_redirects_to_the_canonical_url(client_logged_in: Client):
    stored("alice")
    stored("bob")
    response = client_logged_in.get(URL, {"logins": "bob", "add": "https://github.com/Alice"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/compare/?logins=bob,alice"  # added last


def test_add_with_htmx_pushes_the_canonical_url(client_logged_in: Client):
    stored("alice")
    stored("bob")
    response = client_logged_in.get(URL, {"logins": "bob", "add": "@ALICE"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    assert response["HX-Push-Url"] == "/compare/?logins=bob,alice"
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="compare-body"')
    assert "Alice" in content


def test_remove_links_are_real_links_enhanced_by_htmx(client_logged_in: Client):
    for login in ("alice", "bob", "carol"):
        stored(login)
    content = client_logged_in.get(URL, {"logins": "alice,bob,carol"}).content.decode()
    assert 'href="/compare/?logins=alice,carol" hx-get="/compare/?logins=alice,carol"' in content
    assert 'aria-label="Remove bob from the comparison"' in content


# --- Bad input: a message, never a 500 ------------------------------------------------------


def test_five_logins_compare_the_first_four_given_and_name_the_one_left_out(
    client_logged_in: Client, fake_github
):
    for login in ("e5", "b2", "d4"):
        stored(login)
    fake_github.state.add_user("a1", repos=2)  # not stored yet: fetched, not dropped
    response = client_logged_in.get(URL, {"logins": "e5,b2,a1,d4,c3"})
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert (
        "Compare at most 4 accounts at a time: comparing e5, b2, a1, d4, the first 4 you gave. "
        "Left out: c3." in content
    )
    # The four in the order given, the one fetched on the way among them; c3 never asked for.
    chips = re.findall(r'aria-label="Remove ([a-z0-9]+) from the comparison"', content)
    assert chips == ["e5", "b2", "a1", "d4"]
    assert not RefreshJob.objects.filter(login="c3").exists()


def test_invalid_login_is_refused_with_a_message(client_logged_in: Client):
    stored("alice")
    response = client_logged_in.get(URL, {"logins": "alice,-nope-,<script>"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    content = response.content.decode()
    assert "are not GitHub logins" in content
    assert "<script>" not in content.split("<body", 1)[1].replace("<script src=", "")
    assert 'href="/compare/?logins=alice"' in content  # continue with the valid ones


def test_invalid_login_in_the_add_form_is_refused_before_any_query(
    client_logged_in: Client, django_assert_num_queries
):
    # The user, then nothing about accounts: the form is validated before anything else. (No
    # logins in the URL: the quick picks read the watchlist.)
    with django_assert_num_queries(2):
        response = client_logged_in.get(URL, {"add": "not a login!"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "is not a GitHub login" in response.content.decode()


def test_adding_a_repository_or_a_fifth_account_is_explained(client_logged_in: Client):
    for login in ("a1", "b2", "c3", "d4"):
        stored(login)
    response = client_logged_in.get(URL, {"logins": "a1,b2", "add": "octo/hello"})
    assert "is a repository: compare takes accounts" in response.content.decode()
    response = client_logged_in.get(URL, {"logins": "a1,b2,c3,d4", "add": "e5"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Compare at most 4 accounts" in response.content.decode()


def test_hidden_account_is_not_available(client_logged_in: Client):
    stored("alice")
    stored("secret", hidden=True)
    response = client_logged_in.get(URL, {"logins": "alice,secret"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    content = response.content.decode()
    assert "secret is not available" in content
    assert "Secret" not in content  # nothing of it is shown
    assert not RefreshJob.objects.filter(login="secret").exists()


def test_bad_input_in_a_fragment_is_a_200_so_htmx_swaps_the_message_in(client_logged_in):
    response = client_logged_in.get(URL, {"logins": "a1,b2,c3,d4,e5"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    assert "Compare at most 4 accounts" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"logins": "x" * 5000},
        {"logins": "a,b", "days": "abc", "metric": "<svg>"},
        {"logins": "a,b", "job": "not-a-uuid"},
        {"add": ""},
    ],
)
def test_garbage_never_raises(client_logged_in: Client, params, fake_github: FakeGitHub):
    response = client_logged_in.get(URL, params)
    assert response.status_code < 500


# --- Accounts we do not have yet ------------------------------------------------------------


# Real commits: the refresh is queued on commit and, with tasks inline, finishes inside the request.
@pytest.mark.django_db(transaction=True)
def test_unknown_account_is_fetched_through_the_services(
    client_logged_in: Client, fake_github: FakeGitHub, user
):
    stored("alice")
    fake_github.state.add_user("newcomer", repos=3)
    response = client_logged_in.get(f"{URL}?logins=alice,newcomer")
    assert response.status_code == HTTPStatus.OK
    job = RefreshJob.objects.get(login="newcomer")
    assert job.status == JobStatus.SUCCEEDED
    assert job.requested_by == user
    assert 'href="/u/newcomer"' in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_account_github_does_not_know_is_explained(
    client_logged_in: Client, fake_github: FakeGitHub
):
    stored("alice")
    response = client_logged_in.get(f"{URL}?logins=alice,ghost-account")
    assert response.status_code == HTTPStatus.OK
    assert "GitHub has no account called ghost-account." in response.content.decode()


def test_pending_account_polls_its_job_until_it_is_done(
    client_logged_in: Client, fake_github: FakeGitHub
):
    stored("alice")
    fake_github.state.add_user("slowpoke", repos=2)
    # A job already queued (by the scheduler, say) that no worker has run yet.
    job = refresh_job_create(account=None, login="slowpoke", enqueue=False)
    response = client_logged_in.get(URL, {"logins": "alice,slowpoke"})
    content = response.content.decode()
    assert "Fetching <strong>slowpoke</strong> from GitHub" in content
    poll = f"/compare/?logins=alice,slowpoke&amp;job={job.pk}"
    assert f'hx-get="{poll}"' in content
    assert 'hx-trigger="load delay:2s"' in content
    assert f'<meta http-equiv="refresh" content="2;url={poll}">' in content  # without JavaScript

    from github_stats.services.jobs import refresh_job_run

    refresh_job_run(job_id=job.pk)  # what the worker does
    polled = client_logged_in.get(URL, {"logins": "alice,slowpoke", "job": str(job.pk)}, **HTMX)
    assert "HX-Push-Url" not in polled  # a poll does not add history entries
    content = polled.content.decode()
    assert "Fetching" not in content
    assert 'href="/u/slowpoke"' in content


def test_a_failed_job_is_reported_not_queued_again_on_every_poll(
    client_logged_in: Client, fake_github: FakeGitHub
):
    job = refresh_job_create(account=None, login="broken", enqueue=False)
    RefreshJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error_code="github_unavailable", error="GitHub did not answer."
    )
    response = client_logged_in.get(URL, {"logins": "broken", "job": str(job.pk)}, **HTMX)
    assert "GitHub is not answering right now." in response.content.decode()
    assert RefreshJob.objects.filter(login="broken").count() == 1


# --- GitHub's strings are text, also inside the SVGs ----------------------------------------


def test_script_and_svg_payloads_show_as_text_also_in_svgs(client_logged_in: Client):
    alice = stored("alice", name=HOSTILE_SCRIPT, bio=HOSTILE_SVG)
    RepositoryFactory(owner=alice, language=HOSTILE_SVG, stars=99)
    stored("bob")
    content = client_logged_in.get(URL, {"logins": "alice,bob"}).content.decode()
    body = content.split("<body", 1)[1]
    assert HOSTILE_SCRIPT not in body
    assert "<script>alert" not in body
    assert HOSTILE_SVG not in body
    assert "onload=" not in body.replace("onload=&quot;", "")
    assert "&lt;script&gt;alert(&quot;gitpulse&quot;)&lt;/script&gt;" in body
    # The language name reaches the language bar's SVG <title> and legend as text.
    assert (
        "&lt;svg xmlns=&quot;http://www.w3.org/2000/svg&quot; onload=&quot;alert(1)&quot;" in body
    )
