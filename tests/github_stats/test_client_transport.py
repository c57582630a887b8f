"""The transport under the client, against the fake GitHub over real HTTP: what every request
carries, timeouts, retries, and the errors GitHub's answers become."""

from __future__ import annotations

import pytest
import requests

from github_stats.github.client import GitHubClient
from github_stats.github.errors import (
    GitHubBadCredentials,
    GitHubNotFound,
    GitHubUnavailable,
)
from tests.github_stats.conftest import TEST_TIMEOUT, TOKEN

# --- what every request carries -------------------------------------------------------------


def test_requests_carry_githubs_headers_and_no_authorization_without_token(
    fake_github, github_client
):
    fake_github.state.add_user("alice", repos=1)
    github_client.account_get(login="alice")
    headers = fake_github.state.log[-1].headers
    assert headers["Accept"] == "application/vnd.github+json"
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert "Gitpulse" in headers["User-Agent"]
    assert "Authorization" not in headers
    assert github_client.has_token is False


def test_token_is_sent_as_bearer(fake_github, github_client_with_token):
    fake_github.state.add_user("alice")
    github_client_with_token.account_get(login="alice")
    assert fake_github.state.log[-1].headers["Authorization"] == f"Bearer {TOKEN}"
    assert github_client_with_token.has_token is True


def test_token_fingerprint_names_the_token_without_revealing_it(fake_github):
    anonymous = GitHubClient(base_url=fake_github.url, token="")
    with_token = GitHubClient(base_url=fake_github.url, token=TOKEN)
    assert anonymous.token_fingerprint == "anonymous"
    assert len(with_token.token_fingerprint) == 12
    assert TOKEN not in with_token.token_fingerprint


def test_defaults_come_from_settings(fake_github, settings):
    fake_github.state.add_user("alice")
    settings.GITHUB_TOKEN = "from-settings"
    client = GitHubClient()
    client.account_get(login="alice")
    assert fake_github.state.log[-1].headers["Authorization"] == "Bearer from-settings"


class _RecordingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[object] = []

    def request(self, *args, **kwargs):  # type: ignore[override]
        self.timeouts.append(kwargs.get("timeout"))
        return super().request(*args, **kwargs)


def test_every_call_has_connect_and_read_timeouts(fake_github):
    fake_github.state.add_user("alice", repos=150)
    session = _RecordingSession()
    client = GitHubClient(base_url=fake_github.url, token=TOKEN, session=session)
    client.account_get(login="alice")
    list(client.repo_pages(login="alice", kind="user"))
    name = next(iter(fake_github.state.account("alice").repos.values())).name
    client.languages_for(repos=[("alice", name)])
    assert len(session.timeouts) == 4
    assert set(session.timeouts) == {TEST_TIMEOUT}


def _impatient_client(fake_github) -> GitHubClient:
    return GitHubClient(base_url=fake_github.url, token="", timeout=(1.0, 0.1))


def test_a_slow_github_times_out_and_is_retried_then_unavailable(fake_github):
    client = _impatient_client(fake_github)
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "slow", seconds=3, count=3)
    with pytest.raises(GitHubUnavailable, match="in time"):
        client.account_get(login="alice")
    assert client.stats.requests == 3


def test_one_slow_answer_is_retried(fake_github):
    client = _impatient_client(fake_github)
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "slow", seconds=3, count=1)
    assert client.account_get(login="alice").payload.login == "alice"


# --- errors and retries ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_up_to_three_tries(fake_github, github_client, status):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "status", status=status, count=2)
    assert github_client.account_get(login="alice").payload.login == "alice"
    assert github_client.stats.requests == 3


def test_three_server_errors_make_github_unavailable(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "status", status=502, count=5)
    with pytest.raises(GitHubUnavailable, match="502"):
        github_client.account_get(login="alice")
    assert fake_github.state.count("/users/alice") == 3


def test_a_dropped_connection_is_retried(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "disconnect", count=1)
    assert github_client.account_get(login="alice").payload.login == "alice"


def test_a_closed_port_is_unavailable_after_three_tries():
    client = GitHubClient(base_url="http://127.0.0.1:9", token="", retry_base_seconds=0)
    with pytest.raises(GitHubUnavailable, match="reach"):
        client.account_get(login="alice")
    assert client.stats.requests == 3


def test_bad_credentials_are_a_clear_error(fake_github, github_client_with_token):
    fake_github.state.add_user("alice")
    fake_github.state.valid_tokens = {"another-token"}
    with pytest.raises(GitHubBadCredentials, match="GITHUB_TOKEN"):
        github_client_with_token.account_get(login="alice")
    assert github_client_with_token.stats.requests == 1


@pytest.mark.parametrize("status", [400, 403, 409, 422])
def test_other_client_errors_are_never_retried(fake_github, github_client, status):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "status", status=status, count=3)
    with pytest.raises(GitHubUnavailable, match=str(status)):
        github_client.account_get(login="alice")
    assert github_client.stats.requests == 1


@pytest.mark.parametrize("status", [410, 451])
def test_gone_and_blocked_are_not_found(fake_github, github_client, status):
    fake_github.state.inject("/users/alice", "status", status=status)
    with pytest.raises(GitHubNotFound):
        github_client.account_get(login="alice")


def test_a_404_fault_is_not_found(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "not_found")
    with pytest.raises(GitHubNotFound):
        github_client.account_get(login="alice")


def test_malformed_json_is_unavailable_never_a_crash(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "malformed")
    with pytest.raises(GitHubUnavailable, match="not JSON"):
        github_client.account_get(login="alice")


def _pages(client):
    return list(client.repo_pages(login="alice", kind="user"))


@pytest.mark.parametrize(
    ("path", "body", "call"),
    [
        ("/users/alice", "[]", lambda c: c.account_get(login="alice")),
        ("/users/alice", '{"id": "7", "login": "alice"}', lambda c: c.account_get(login="alice")),
        ("/users/alice/repos", '{"message": "hm"}', _pages),
        ("/users/alice/repos", '[{"id": 1}]', _pages),
        ("/users/alice/repos", '["a string"]', _pages),
        ("/users/alice/repos", '[{"id": 1, "name": "x", "owner": "alice"}]', _pages),
    ],
)  # fmt: skip
def test_a_body_of_the_wrong_shape_is_unavailable(fake_github, github_client, path, body, call):
    fake_github.state.inject(path, "body", body=body)
    with pytest.raises(GitHubUnavailable, match="shape"):
        call(github_client)
