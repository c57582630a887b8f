"""Fixtures for every test: a clean cache, people and clients, and the fake GitHub of
tests/fakegithub with the fixtures that refresh against it.

Each fixture is defined here once: a session fixture imported into another conftest or test
module would be a second definition, with its own server."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory
from tests.fakegithub import FakeGitHub

# More than a test of the hourly budgets takes (the slowest, 200 pages, took 6 s in CI).
BUDGET_TEST_SECONDS = 60

# Short enough that a "slow" fault (2 s by default) times out quickly, long enough for a
# loaded CI machine to answer a 2,500-repository page.
TEST_TIMEOUT = (1.0, 0.5)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters and cached pages must not leak from one test into the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def client_logged_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


# --- The fake GitHub ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fake_github_server() -> Iterator[FakeGitHub]:
    """One server for the session (a socket per test would cost more than the tests)."""
    with FakeGitHub() as server:
        yield server


@pytest.fixture
def fake_github(fake_github_server: FakeGitHub, settings) -> Iterator[FakeGitHub]:
    """The server reset for this test, and the settings pointing at it (its shared quota state
    is cleared with the cache, above)."""
    fake_github_server.reset()
    settings.GITHUB_API_URL = fake_github_server.url
    settings.GITHUB_TOKEN = ""
    settings.GITHUB_RETRY_BASE_SECONDS = 0.0
    settings.GITHUB_CONNECT_TIMEOUT, settings.GITHUB_READ_TIMEOUT = TEST_TIMEOUT
    yield fake_github_server
    fake_github_server.reset()


@pytest.fixture
def refresh(fake_github: FakeGitHub, django_capture_on_commit_callbacks) -> Callable:
    """Refresh an account for real, as Refresh or the scheduler does: its RefreshJob, run
    inline against the fake GitHub over HTTP, and everything queued on commit (the task, then
    the new cache version) carried out."""
    from github_stats.models import GitHubAccount, JobStatus
    from github_stats.services.jobs import refresh_request

    def run(login: str) -> GitHubAccount:
        with django_capture_on_commit_callbacks(execute=True):
            job = refresh_request(login=login)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        return GitHubAccount.objects.get(pk=job.account_id)

    return run


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable:
    """`with committed(): ...` runs what the block queued for after its commit (the tests'
    transaction never commits), as production's commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def one_budget_hour() -> None:
    """Start the test where it cannot cross into the next clock hour: the person's GitHub budget
    counts in fixed hour windows (services/budget.py), so a test that spends a share and counts
    what got through would see a new window's share too. Waits at most BUDGET_TEST_SECONDS, in
    the last seconds of an hour only (real time: the fake GitHub's resets are real too)."""
    left = 3600 - time.time() % 3600
    if left < BUDGET_TEST_SECONDS:
        time.sleep(left + 0.1)
