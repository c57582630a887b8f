"""The shared GitHub budget in the API: the pages and the API spend one share per person, a
refusal is 429 (the person's share) or 503 (the site's reserve) in the API's error shape with
Retry-After, and GET /api/v1/me says what is left."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import RefreshJob
from github_stats.services.scheduling import refresh_stale_tick
from tests.api.openapi import assert_matches_schema

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Each counts what one budget hour let through.
    pytest.mark.usefixtures("one_budget_hour"),
]

ACCOUNT = "/api/v1/accounts/{login}"


def _assert_refusal(response, *, status: int, error: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "message", "request_id"}
    assert body["error"] == error
    assert body["request_id"] == response["X-Request-ID"]
    assert 0 < int(response["Retry-After"]) <= 3600
    return body


def test_the_pages_and_the_api_share_one_budget(api, client_logged_in, fake_github, settings):
    settings.GITHUB_FIRST_FETCHES_PER_PERSON_HOUR = 3
    fake_github.state.autocreate = True
    assert client_logged_in.get("/u/seen-on-a-page").status_code == HTTPStatus.OK
    assert client_logged_in.get("/compare/?logins=cmp-one,cmp-two").status_code == HTTPStatus.OK
    before = fake_github.state.total

    response = api.get("/api/v1/accounts/asked-by-api")

    body = _assert_refusal(
        response, status=HTTPStatus.TOO_MANY_REQUESTS, error="person_budget_spent"
    )
    assert "You have opened 3 new accounts this hour" in body["message"]
    refresh = api.post("/api/v1/accounts/asked-by-api/refresh")
    _assert_refusal(refresh, status=HTTPStatus.TOO_MANY_REQUESTS, error="person_budget_spent")
    # And the other way round: the repository page is refused as well.
    page = client_logged_in.get("/r/on-the-repo-page/thing")
    assert page.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert fake_github.state.total == before
    assert not RefreshJob.objects.filter(login__in=["asked-by-api", "on-the-repo-page"]).exists()


def test_the_site_reserve_is_503_with_retry_after(api, fake_github, settings):
    settings.GITHUB_QUOTA_RESERVE_PERCENT = 25
    fake_github.state.autocreate = True
    fake_github.state.set_quota(limit=1000, remaining=200, reset_in=1200)
    assert api.get("/api/v1/accounts/first-seen").status_code == HTTPStatus.ACCEPTED

    response = api.get("/api/v1/accounts/second-seen")

    body = _assert_refusal(response, status=HTTPStatus.SERVICE_UNAVAILABLE, error="quota_reserved")
    assert "kept for the accounts people already track" in body["message"]
    assert 1100 < int(response["Retry-After"]) <= 1200
    me = api.get("/api/v1/me").json()["github_budget"]
    assert me["first_fetches_paused_until"] is not None


def test_within_the_reserve_only_tracked_stored_accounts_are_refreshed_on_demand(
    api, fake_github, settings, refresh
):
    """Many free sign-ups, each within their own share, must not spend the reserve on stored
    accounts nobody watches."""
    from github_stats.models import GitHubAccount
    from tests.github_stats.factories import TrackingFactory

    settings.GITHUB_QUOTA_RESERVE_PERCENT = 25
    for login in ("unwatched", "watched"):
        fake_github.state.add_user(login, repos=2)
        refresh(login)
    TrackingFactory(account=GitHubAccount.objects.get(login="watched"))
    fake_github.state.set_quota(limit=1000, remaining=200, reset_in=1200)
    api.post("/api/v1/accounts/watched/refresh")  # learns the quota is within the reserve
    fake_github.state.reset_counters()

    refused = api.post("/api/v1/accounts/unwatched/refresh")
    body = _assert_refusal(refused, status=HTTPStatus.SERVICE_UNAVAILABLE, error="quota_reserved")
    assert "kept for the accounts people track: track this one" in body["message"]
    assert fake_github.state.count("/users/unwatched") == 0
    assert api.post("/api/v1/accounts/watched/refresh").status_code == HTTPStatus.ACCEPTED
    assert fake_github.state.count("/users/watched") == 1


def test_me_shows_what_is_left_of_the_budget(api, fake_github, settings):
    fake_github.state.add_user("opened", repos=150)  # 1 + 2 pages

    api.get("/api/v1/accounts/opened")
    response = api.get("/api/v1/me")

    assert response.status_code == HTTPStatus.OK
    budget = assert_matches_schema(response, "GET", "/api/v1/me")["github_budget"]
    share = settings.GITHUB_FIRST_FETCHES_PER_PERSON_HOUR
    requests = settings.GITHUB_REQUESTS_PER_PERSON_HOUR
    assert budget["first_fetches"] == {"limit": share, "left": share - 1}
    assert budget["requests"] == {"limit": requests, "left": requests - 3}
    assert budget["resets_at"].endswith(":00:00Z") or budget["resets_at"].endswith(":00:00+00:00")
    assert budget["first_fetches_paused_until"] is None


def test_a_parked_job_the_api_polls_is_kept(api, user, fake_github):
    parked = {"error_code": "github_rate_limited", "retry_at": timezone.now()}
    polled = RefreshJob.objects.create(login="polled-by-api", requested_by=user, **parked)
    RefreshJob.objects.create(login="nobody-polls", requested_by=user, **parked)

    assert api.get(f"/api/v1/jobs/{polled.pk}").status_code == HTTPStatus.OK
    tick = refresh_stale_tick(now=timezone.now() + dt.timedelta(minutes=5))

    assert tick.dropped == ["nobody-polls"]
    assert tick.requeued == ["polled-by-api"]
