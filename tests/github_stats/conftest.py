"""Clients pointed at the fake GitHub (shared by every github_stats test).

The fake GitHub itself (`fake_github_server`, one for the session, and `fake_github`, reset and
wired into the settings for each test) is in tests/conftest.py."""

from __future__ import annotations

import pytest

from github_stats.github.client import GitHubClient
from tests.conftest import TEST_TIMEOUT
from tests.fakegithub import FakeGitHub

__all__ = ["TEST_TIMEOUT", "TOKEN"]

TOKEN = "ghp_test_token_0123456789"


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
