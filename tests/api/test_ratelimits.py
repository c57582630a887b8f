"""Per-user and per-IP budgets, 429 with Retry-After, the X-RateLimit headers, and what each
scope does when the cache holding the counters is down."""

from http import HTTPStatus

import pytest
from django.test import Client, RequestFactory, override_settings

from config.ratelimits import RateLimitUnavailable, rate_limit_hit
from tests.api.openapi import assert_matches_schema
from tests.pages.cache_helpers import dead_redis
from tests.pages.factories import GitHubAccountFactory

ME = "/api/v1/me"
LIMITS = {"default": "3/m", "refresh": "2/m", "anonymous": "2/m"}


@pytest.fixture
def tight_limits(settings):
    settings.API_RATE_LIMITS = LIMITS


def test_responses_carry_the_rate_limit_headers(api):
    response = api.get(ME)
    assert response["X-RateLimit-Limit"] == "120"
    assert response["X-RateLimit-Remaining"] == "119"


def test_a_burst_past_the_limit_is_429_with_retry_after(api, tight_limits):
    remaining = [api.get(ME)["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    response = api.get(ME)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    body = assert_matches_schema(response, "GET", ME)
    assert body["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Remaining"] == "0"


def test_limits_are_per_user(api, api_for, tight_limits):
    for _ in range(4):
        api.get(ME)
    assert api.get(ME).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert api_for().get(ME).status_code == HTTPStatus.OK


def test_refresh_has_a_stricter_budget_of_its_own(api, tight_limits, fake_github):
    GitHubAccountFactory(login="octocat")
    statuses = [api.post("/api/v1/accounts/octocat/refresh").status_code for _ in range(3)]
    assert statuses == [202, 202, 429]
    assert api.get(ME).status_code == HTTPStatus.OK  # reads still have budget


def test_anonymous_calls_are_limited_per_ip(db, tight_limits):
    statuses = [Client().get(ME).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    other_ip = Client(REMOTE_ADDR="10.0.0.2").get(ME)
    assert other_ip.status_code == HTTPStatus.UNAUTHORIZED


def test_with_the_cache_down_reads_fail_open_and_log(api, caplog):
    with override_settings(CACHES=dead_redis()):
        response = api.get(ME)
    assert response.status_code == HTTPStatus.OK
    assert "X-RateLimit-Limit" not in response
    assert "fails open" in caplog.text


def test_with_the_cache_down_refresh_fails_closed_with_503(api, fake_github, db):
    GitHubAccountFactory(login="octocat")
    with override_settings(CACHES=dead_redis()):
        response = api.post("/api/v1/accounts/octocat/refresh")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"]
    assert assert_matches_schema(response, "POST", "/api/v1/accounts/{login}/refresh")


@pytest.mark.parametrize("ignore_exceptions", [True, False])
def test_a_dead_cache_is_detected_whether_it_raises_or_answers_none(user, ignore_exceptions):
    request = RequestFactory().get(ME)
    request.user = user
    with override_settings(CACHES=dead_redis(ignore_exceptions=ignore_exceptions)):
        assert rate_limit_hit(request, scope="default") is None
        with pytest.raises(RateLimitUnavailable):
            rate_limit_hit(request, scope="refresh")
