"""The shared GitHub budget on the pages (github_stats/services/budget.py), against the fake
GitHub over HTTP with tasks inline: one person cannot drain the quota by opening new accounts,
the site's reserve stops first fetches but not the refreshes of tracked accounts, and a page
that refuses says when to try again."""

from __future__ import annotations

import datetime as dt
import fnmatch
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from github_stats.models import GitHubAccount, JobStatus, RefreshJob
from github_stats.services.budget import budget_person_get
from github_stats.services.scheduling import refresh_stale_tick
from tests.factories import UserFactory
from tests.pages.factories import TrackingFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Each counts what one budget hour let through.
    pytest.mark.usefixtures("one_budget_hour"),
]


def _accounts_fetched(fake_github, pattern: str) -> set[str]:
    """Which accounts reached GitHub: the logins of the profile requests in its log."""
    return {
        entry.path.removeprefix("/users/").lower()
        for entry in fake_github.state.log
        if fnmatch.fnmatchcase(entry.path, f"/users/{pattern}") and entry.path.count("/") == 2
    }


def test_one_person_opening_200_new_accounts_reaches_github_for_their_share_only(
    client_logged_in, fake_github, settings
):
    # The attack of issue 14: GET /u/drain-<i> for ever-new logins, every one of them real.
    fake_github.state.autocreate = True
    statuses = [client_logged_in.get(f"/u/drain-{i}").status_code for i in range(200)]

    share = settings.GITHUB_FIRST_FETCHES_PER_PERSON_HOUR
    assert len(_accounts_fetched(fake_github, "drain-*")) == share
    assert fake_github.state.total <= settings.GITHUB_REQUESTS_PER_PERSON_HOUR
    assert GitHubAccount.objects.count() == share
    assert statuses.count(HTTPStatus.OK) == share
    assert statuses.count(HTTPStatus.TOO_MANY_REQUESTS) == 200 - share
    # Refused pages queue nothing: no junk job is left to run later.
    assert RefreshJob.objects.count() == share


def test_the_refusing_page_says_when_to_try_again(client_logged_in, fake_github, settings):
    settings.GITHUB_FIRST_FETCHES_PER_PERSON_HOUR = 1
    fake_github.state.autocreate = True
    assert client_logged_in.get("/u/first-one").status_code == HTTPStatus.OK

    response = client_logged_in.get("/u/second-one")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    body = response.content.decode()
    next_hour = (timezone.now() + dt.timedelta(hours=1)).replace(minute=0, second=0)
    assert "You have used your share of GitHub for this hour" in body
    assert f"Try again after {next_hour:%H:%M} UTC." in body
    assert "The limit resets <time" in body
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "/users/second-one" not in fake_github.state.by_path()


def test_requests_spent_on_a_persons_refreshes_are_capped(client_logged_in, fake_github, settings):
    settings.GITHUB_REQUESTS_PER_PERSON_HOUR = 6
    for login in ("big-a", "big-b", "big-c"):
        fake_github.state.add_user(login, repos=250)  # 1 + 3 pages: 4 requests each

    assert client_logged_in.get("/u/big-a").status_code == HTTPStatus.OK
    assert client_logged_in.get("/u/big-b").status_code == HTTPStatus.OK  # 4 < 6: it starts
    spent = fake_github.state.total
    refused = client_logged_in.get("/u/big-c")

    assert spent == 8  # a job that starts finishes: at most one job's cost past the share
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Your refreshes have used 6 GitHub requests this hour" in refused.content.decode()
    # A stale stored account is still shown, from what we store, without asking GitHub.
    GitHubAccount.objects.filter(login="big-a").update(
        fetched_at=timezone.now() - dt.timedelta(days=2)
    )
    assert client_logged_in.get("/u/big-a").status_code == HTTPStatus.OK
    assert fake_github.state.total == spent


def test_the_site_reserve_stops_first_fetches_and_says_when(
    client_logged_in, fake_github, settings
):
    settings.GITHUB_QUOTA_RESERVE_PERCENT = 25
    fake_github.state.autocreate = True
    fake_github.state.set_quota(limit=1000, remaining=240, reset_in=1800)
    # Nobody has seen GitHub's quota yet: the first fetch learns it is within the reserve.
    assert client_logged_in.get("/u/early").status_code == HTTPStatus.OK
    before = fake_github.state.total

    response = client_logged_in.get("/u/late")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.content.decode()
    assert "New accounts are paused for now" in body
    assert "kept for the accounts people already track" in body
    assert "New accounts can be fetched again after" in body
    assert 1700 < int(response["Retry-After"]) <= 1800
    assert fake_github.state.total == before
    assert not RefreshJob.objects.filter(login="late").exists()


def test_a_second_persons_refresh_of_a_tracked_account_still_runs(
    client_logged_in, fake_github, refresh
):
    fake_github.state.add_user("watched", repos=3)
    tracked = refresh("watched")
    GitHubAccount.objects.filter(pk=tracked.pk).update(
        fetched_at=timezone.now() - dt.timedelta(days=2)
    )
    other = UserFactory()
    TrackingFactory(user=other, account=tracked)
    # One person opens new accounts while GitHub's quota sinks into the reserve: the first
    # answer tells us so, and no new account is fetched for anybody after it.
    fake_github.state.autocreate = True
    fake_github.state.set_quota(limit=1000, remaining=100, reset_in=1800)
    statuses = [client_logged_in.get(f"/u/junk-{i}").status_code for i in range(10)]
    assert statuses.count(HTTPStatus.SERVICE_UNAVAILABLE) == 9
    second = Client()
    second.force_login(other)
    assert second.get("/u/newcomer").status_code == HTTPStatus.SERVICE_UNAVAILABLE
    fake_github.state.reset_counters()

    response = second.post("/u/watched/refresh")

    assert response.status_code == HTTPStatus.FOUND
    assert fake_github.state.count("/users/watched") == 1
    tracked.refresh_from_db()
    assert tracked.fetched_at > timezone.now() - dt.timedelta(minutes=1)


def test_the_settings_page_shows_what_is_left(client_logged_in, fake_github, settings):
    fake_github.state.autocreate = True
    client_logged_in.get("/u/one-new")
    client_logged_in.get("/u/two-new")
    spent = fake_github.state.total

    body = client_logged_in.get("/settings/").content.decode()

    share = settings.GITHUB_FIRST_FETCHES_PER_PERSON_HOUR
    requests = settings.GITHUB_REQUESTS_PER_PERSON_HOUR
    assert "Your share of GitHub" in body
    assert f"{share - 2} of {share} left this hour" in body
    assert f"{requests - spent} of {requests} left this hour" in body


def test_a_parked_first_fetch_its_page_polls_is_run_after_the_reset(
    client_logged_in, user, fake_github
):
    fake_github.state.add_user("patient", repos=2)
    parked = {"error_code": "github_rate_limited", "retry_at": timezone.now()}
    polled = RefreshJob.objects.create(login="patient", requested_by=user, **parked)
    forgotten = RefreshJob.objects.create(login="left-the-page", requested_by=user, **parked)

    assert client_logged_in.get(f"/u/patient?job={polled.pk}").status_code == HTTPStatus.ACCEPTED
    tick = refresh_stale_tick(now=timezone.now() + dt.timedelta(minutes=5))

    assert tick.dropped == ["left-the-page"]
    assert tick.requeued == ["patient"]
    polled.refresh_from_db()
    forgotten.refresh_from_db()
    assert (polled.status, forgotten.status) == (JobStatus.SUCCEEDED, JobStatus.FAILED)


def test_a_login_github_does_not_know_is_not_stored_and_asking_again_is_free(
    client_logged_in, user, fake_github
):
    assert client_logged_in.get("/u/no-such-person").status_code == HTTPStatus.NOT_FOUND
    spent = fake_github.state.total
    left = budget_person_get(user_id=user.pk).first_fetches_left

    assert client_logged_in.get("/u/no-such-person").status_code == HTTPStatus.NOT_FOUND

    assert not GitHubAccount.objects.filter(login="no-such-person").exists()
    assert fake_github.state.total == spent
    assert budget_person_get(user_id=user.pk).first_fetches_left == left
