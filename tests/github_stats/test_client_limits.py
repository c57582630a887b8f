"""Rate limits: the shared quota state, primary exhaustion, secondary limits with and without
Retry-After, and never sleeping unless the caller allows it (a worker, not a web request).

Not covered by any real recording, so built from GitHub's documentation here: a 429, a modern
primary-limit 403 carrying x-ratelimit-reset, and a modern "You have exceeded a secondary rate
limit" 403 (the fake's `secondary` fault)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import redis

from github_stats.github import transport as client_module
from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubUnavailable, RateLimited
from github_stats.github.quota import (
    QuotaState,
    quota_get,
    quota_record,
    secondary_blocked_until,
)
from tests.github_stats.conftest import TOKEN
from tests.services import require_redis


def _now() -> datetime:
    return datetime.now(tz=UTC)


def _close(a: datetime, b: datetime, seconds: float = 5) -> bool:
    return abs((a - b).total_seconds()) <= seconds


# --- the shared state -----------------------------------------------------------------------


def test_every_response_records_the_quota_for_every_process(fake_github, github_client):
    fake_github.state.add_user("alice")
    budget = fake_github.state.set_quota(remaining=100, limit=5000, reset_in=900)
    github_client.account_get(login="alice")
    state = quota_get()
    assert state is not None
    assert (state.resource, state.limit, state.remaining, state.used) == ("core", 5000, 99, 4901)
    assert state.reset_at == datetime.fromtimestamp(budget.reset, tz=UTC)


def test_quota_is_kept_per_token(fake_github, github_client_with_token):
    fake_github.state.add_user("alice")
    github_client_with_token.account_get(login="alice")
    assert quota_get(token=TOKEN) is not None
    assert quota_get(token="") is None


def test_every_answer_records_the_shared_quota(fake_github, github_client):
    assert quota_get() is None  # nothing known yet
    fake_github.state.add_user("alice")
    fake_github.state.set_quota(remaining=6)
    github_client.account_get(login="alice")
    state = quota_get()
    assert state is not None
    assert state.remaining == 5


def test_an_exhausted_quota_whose_reset_has_passed_does_not_block(fake_github, github_client):
    fake_github.state.add_user("alice")
    past = _now() - timedelta(seconds=1)
    quota_record(QuotaState("core", 0, 5000, 5000, past, past), token="")
    assert github_client.account_get(login="alice").payload is not None


# --- primary limit --------------------------------------------------------------------------


def test_spending_the_last_unit_blocks_the_next_call_before_any_request(fake_github, github_client):
    fake_github.state.add_user("alice")
    budget = fake_github.state.set_quota(remaining=1, reset_in=600)
    github_client.account_get(login="alice")
    with pytest.raises(RateLimited) as excinfo:
        github_client.account_get(login="alice")
    assert excinfo.value.reset_at == datetime.fromtimestamp(budget.reset, tz=UTC)
    assert excinfo.value.secondary is False
    assert fake_github.state.total == 1


def test_another_client_is_blocked_too(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.set_quota(remaining=1)
    github_client.account_get(login="alice")
    other = GitHubClient(base_url=fake_github.url, token="")
    with pytest.raises(RateLimited):
        list(other.repo_pages(login="alice", kind="user"))
    assert fake_github.state.total == 1


def test_a_reset_in_the_past_means_now(fake_github, github_client):
    fake_github.state.add_user("alice")
    past = _now() - timedelta(minutes=1)
    quota_record(QuotaState("core", 0, 5000, 5000, past, past), token="")
    assert github_client.account_get(login="alice").payload is not None


def test_an_exhausted_403_is_a_primary_limit_until_the_reset(fake_github, github_client):
    fake_github.state.add_user("alice")
    budget = fake_github.state.set_quota(remaining=0, reset_in=1200)
    with pytest.raises(RateLimited) as excinfo:
        github_client.account_get(login="alice")
    assert excinfo.value.reset_at == datetime.fromtimestamp(budget.reset, tz=UTC)
    assert excinfo.value.secondary is False
    assert fake_github.state.by_status() == {403: 1}
    with pytest.raises(RateLimited):
        github_client.account_get(login="alice")
    assert fake_github.state.total == 1  # no call until the reset


def test_a_primary_limit_is_raised_even_when_the_caller_may_sleep(
    fake_github, worker_client, sleeps
):
    fake_github.state.add_user("alice")
    fake_github.state.set_quota(remaining=0)
    with pytest.raises(RateLimited):
        worker_client.account_get(login="alice")
    assert sleeps == []


def test_a_429_with_remaining_zero_is_a_primary_limit(fake_github, github_client):
    reset = int((_now() + timedelta(minutes=30)).timestamp())
    fake_github.state.replay(
        "/users/alice",
        status=429,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
        body={"message": "API rate limit exceeded"},
    )
    with pytest.raises(RateLimited) as excinfo:
        github_client.account_get(login="alice")
    assert excinfo.value.reset_at == datetime.fromtimestamp(reset, tz=UTC)
    assert not excinfo.value.secondary


# --- secondary limits -----------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 429])
def test_retry_after_in_a_web_request_raises_at_once(fake_github, github_client, sleeps, status):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "secondary", status=status, retry_after=30)
    with pytest.raises(RateLimited) as excinfo:
        github_client.account_get(login="alice")
    assert excinfo.value.secondary is True
    assert _close(excinfo.value.reset_at, _now() + timedelta(seconds=30))
    assert sleeps == []
    assert fake_github.state.total == 1


def test_a_secondary_limit_pauses_every_client_until_retry_after(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "secondary", retry_after=30)
    with pytest.raises(RateLimited):
        github_client.account_get(login="alice")
    other = GitHubClient(base_url=fake_github.url, token="")
    with pytest.raises(RateLimited) as excinfo:
        other.account_get(login="alice")
    assert excinfo.value.secondary is True
    assert secondary_blocked_until() is not None
    assert fake_github.state.total == 1


@pytest.mark.parametrize("status", [403, 429])
def test_a_worker_waits_retry_after_then_succeeds(fake_github, worker_client, sleeps, status):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "secondary", status=status, retry_after=30)
    assert worker_client.account_get(login="alice").payload.login == "alice"
    assert sleeps == [30]
    assert fake_github.state.by_status() == {status: 1, 200: 1}


def test_retry_after_as_an_http_date(fake_github, worker_client, sleeps):
    fake_github.state.add_user("alice")
    when = format_datetime(_now() + timedelta(seconds=45), usegmt=True)
    fake_github.state.replay(
        "/users/alice",
        status=403,
        headers={"Retry-After": when},
        body={"message": "You have exceeded a secondary rate limit."},
    )
    worker_client.account_get(login="alice")
    assert len(sleeps) == 1
    assert 40 <= sleeps[0] <= 45


def test_a_retry_after_too_long_to_sleep_is_raised(fake_github, worker_client, sleeps):
    fake_github.state.inject("/users/alice", "secondary", retry_after=3600)
    with pytest.raises(RateLimited) as excinfo:
        worker_client.account_get(login="alice")
    assert excinfo.value.secondary
    assert sleeps == []


def test_secondary_limit_without_retry_after_in_a_web_request_raises(
    fake_github, github_client, sleeps
):
    fake_github.state.inject("/users/alice", "secondary")
    with pytest.raises(RateLimited) as excinfo:
        github_client.account_get(login="alice")
    assert excinfo.value.secondary is True
    assert _close(excinfo.value.reset_at, _now() + timedelta(seconds=60))
    assert sleeps == []


def test_a_worker_backs_off_from_a_minute_doubling(fake_github, worker_client, sleeps):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "secondary", count=2)
    assert worker_client.account_get(login="alice").payload is not None
    assert sleeps == [60, 120]


def test_a_worker_gives_up_after_bounded_tries(fake_github, worker_client, sleeps):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "secondary", count=None)
    with pytest.raises(RateLimited) as excinfo:
        worker_client.account_get(login="alice")
    assert excinfo.value.secondary is True
    assert sleeps == [60, 120]
    assert fake_github.state.total == client_module.SECONDARY_MAX_TRIES


def test_a_plain_403_is_no_rate_limit(fake_github, github_client, sleeps):
    fake_github.state.replay(
        "/users/alice",
        status=403,
        headers={"x-ratelimit-remaining": "4000"},
        body={"message": "Resource not accessible by integration"},
    )
    with pytest.raises(GitHubUnavailable, match="not accessible"):
        github_client.account_get(login="alice")
    assert sleeps == []


# --- GraphQL --------------------------------------------------------------------------------


def test_graphql_quota_is_its_own_resource(fake_github, github_client_with_token):
    fake_github.state.add_user("alice")
    fake_github.state.add_repo("alice", "hello")
    github_client_with_token.languages_for(repos=[("alice", "hello")])
    state = quota_get(resource="graphql", token=TOKEN)
    assert state is not None
    assert state.used == 1
    assert quota_get(resource="core", token=TOKEN) is None


def test_exhausted_graphql_points_raise_rate_limited(fake_github, github_client_with_token):
    fake_github.state.set_quota(resource="graphql", remaining=0)
    with pytest.raises(RateLimited):
        github_client_with_token.languages_for(repos=[("alice", "hello")])
    with pytest.raises(RateLimited):
        github_client_with_token.languages_for(repos=[("alice", "hello")])
    assert fake_github.state.total == 1


def test_a_graphql_rate_limited_error_raises_rate_limited(fake_github, github_client_with_token):
    reset = int((_now() + timedelta(minutes=20)).timestamp())
    fake_github.state.replay(
        "/graphql",
        status=200,
        headers={
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-resource": "graphql",
        },
        body={"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]},
    )
    with pytest.raises(RateLimited) as excinfo:
        github_client_with_token.languages_for(repos=[("alice", "hello")])
    assert excinfo.value.reset_at == datetime.fromtimestamp(reset, tz=UTC)


# --- across processes (real Redis) ----------------------------------------------------------


def test_the_quota_lives_in_redis_for_every_process(fake_github, github_client, settings):
    require_redis()
    fake_github.state.add_user("alice")
    fake_github.state.set_quota(remaining=42)
    github_client.account_get(login="alice")
    # A connection of our own, as another process would have: the state is in Redis itself.
    connection = redis.Redis.from_url(settings.REDIS_URL)
    try:
        keys = [key.decode() for key in connection.scan_iter(match="*github:quota:*:core")]
    finally:
        connection.close()
    assert len(keys) == 1
    assert keys[0].startswith("gitpulse:")
