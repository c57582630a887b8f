"""A running fake GitHub and clients pointed at it (shared by every github_stats test).

One server for the session (starting a socket per test would cost more than the tests); every
test gets it reset, settings pointing at it, and the shared quota state cleared with the cache
by tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from github_stats.github.client import GitHubClient
from tests.fakegithub import FakeGitHub

# Short enough that a "slow" fault (2 s by default) times out quickly, long enough for a
# loaded CI machine to answer a 2,500-repository page.
TEST_TIMEOUT = (1.0, 0.5)
TOKEN = "ghp_test_token_0123456789"


@pytest.fixture(scope="session")
def fake_github_server() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server


@pytest.fixture
def fake_github(fake_github_server: FakeGitHub, settings) -> Iterator[FakeGitHub]:
    fake_github_server.reset()
    settings.GITHUB_API_URL = fake_github_server.url
    settings.GITHUB_TOKEN = ""
    settings.GITHUB_RETRY_BASE_SECONDS = 0.0
    settings.GITHUB_CONNECT_TIMEOUT, settings.GITHUB_READ_TIMEOUT = TEST_TIMEOUT
    yield fake_github_server
    fake_github_server.reset()


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the client asked for, instead of sleeping it."""
    return []


@pytest.fixture
def github_client(fake_github: FakeGitHub, sleeps: list[float]) -> GitHubClient:
    return GitHubClient(base_url=fake_github.url, token="", sleep=sleeps.append)


@pytest.fixture
def github_client_with_token(
    fake_github: FakeGitHub, sleeps: list[float], settings
) -> GitHubClient:
    settings.GITHUB_TOKEN = TOKEN
    return GitHubClient(base_url=fake_github.url, token=TOKEN, sleep=sleeps.append)


@pytest.fixture
def worker_client(fake_github: FakeGitHub, sleeps: list[float]) -> GitHubClient:
    """A client as a Celery worker builds it: it may wait out a secondary limit."""
    return GitHubClient(base_url=fake_github.url, token="", may_sleep=True, sleep=sleeps.append)
