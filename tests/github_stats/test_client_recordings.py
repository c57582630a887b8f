"""The real recorded GitHub responses replayed over HTTP (headers and all) to the client: what
it makes of GitHub's actual ETags, Link headers, rate-limit headers and error bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from github_stats.github.errors import GitHubNotFound, RateLimited
from github_stats.github.pages import PageValidator
from github_stats.github.quota import quota_get
from tests.fakegithub.recordings import Recording, load_recording, recordings_available
from tests.services import require


@pytest.fixture(autouse=True)
def _recordings_present():
    require(recordings_available(), "../shared/github-recordings is not beside the repository")


def _replay(fake_github, pattern: str, recording: Recording, **kwargs) -> None:
    # Links in recordings point at api.github.com; the client only follows its own host.
    headers = {
        name: value.replace("https://api.github.com", fake_github.url)
        for name, value in recording.headers.items()
    }
    fake_github.state.replay(
        pattern, status=recording.status, headers=headers, body=recording.body, **kwargs
    )


def test_recorded_user_is_parsed_with_its_validators(fake_github, github_client):
    recording = load_recording("user_get_200.json")
    _replay(fake_github, "/users/jacquev6", recording)
    fetch = github_client.account_get(login="jacquev6")
    assert fetch.payload.id == 327146
    assert fetch.etag == recording.header("ETag")
    assert fetch.last_modified == "Sun, 20 Oct 2024 07:14:52 GMT"


def test_recorded_org_through_users_is_an_org(fake_github, github_client):
    _replay(fake_github, "/users/github", load_recording("org_get_200.json"))
    assert github_client.account_get(login="github").payload.kind == "org"


def test_recorded_304_keeps_the_validators_we_sent(fake_github, github_client):
    # GitHub's real conditional exchange (a repository, then its 304), answered where the
    # refresh sends conditional requests: a page of the owner's repositories.
    first = load_recording("conditional_repo_200_etag.json")
    second = load_recording("conditional_repo_304.json")
    path = "/users/AndrewJDawes/repos"
    _replay(fake_github, path, Recording(**{**first.__dict__, "body": [first.body]}))
    (page,) = github_client.repo_pages(login="AndrewJDawes", kind="user")
    assert page.repos[0].full_name == "AndrewJDawes/PyGithub"
    _replay(fake_github, path, second)
    (again,) = github_client.repo_pages(
        login="AndrewJDawes", kind="user", stored=[page.validator()]
    )
    assert again.not_modified
    assert again.etag == first.header("ETag")  # the weak tag we hold, not the 304's strong form
    sent = fake_github.state.log[-1].headers
    assert sent["If-None-Match"] == second.request_headers["If-None-Match"]
    assert sent["If-Modified-Since"] == second.request_headers["If-Modified-Since"]
    assert github_client.stats.not_modified == 1
    assert github_client.stats.quota_requests == 1


def test_recorded_single_org_page_has_no_next(fake_github, github_client):
    _replay(fake_github, "/orgs/github3py/repos", load_recording("org_repos_single_page.json"))
    pages = list(github_client.repo_pages(login="github3py", kind="org"))
    assert len(pages) == 1
    assert len(pages[0].repos) == 8
    assert pages[0].next_url is None


def test_recorded_link_header_is_followed_exactly(fake_github, github_client):
    # The recording is an issues page, but its Link header is what a repository page carries.
    recording = load_recording("pagination_link_all_rels.json")
    _replay(
        fake_github,
        "/users/octokit/repos",
        Recording(**{**recording.__dict__, "body": []}),
    )
    fake_github.state.replay("/repositories/515435940/issues", status=200, headers={}, body=[])
    pages = list(github_client.repo_pages(login="octokit", kind="user"))
    assert pages[0].next_url == f"{fake_github.url}/repositories/515435940/issues?per_page=3&page=4"
    assert fake_github.state.log[1].path == "/repositories/515435940/issues"
    assert fake_github.state.log[1].query == "per_page=3&page=4"
    assert PageValidator.from_json(pages[0].validator().to_json()) == pages[0].validator()


def test_recorded_404_is_not_found(fake_github, github_client):
    _replay(
        fake_github,
        "/users/ThisUserShouldReallyNotExist",
        load_recording("user_get_404_not_found.json"),
    )
    with pytest.raises(GitHubNotFound):
        github_client.account_get(login="ThisUserShouldReallyNotExist")


def test_recorded_last_unit_then_exhausted_403(fake_github, github_client):
    _replay(
        fake_github,
        "/users/jacquev6",
        load_recording("rate_limit_primary_last_200_remaining_0.json"),
    )
    fetch = github_client.account_get(login="jacquev6")
    assert fetch.payload.login == "jacquev6"
    # remaining 0 without a reset header (2013): blocked for a minute, with no request made.
    with pytest.raises(RateLimited) as excinfo:
        github_client.account_get(login="jacquev6")
    assert excinfo.value.reset_at > datetime.now(tz=UTC)
    assert fake_github.state.total == 1


def test_recorded_exhausted_403_is_a_primary_limit(fake_github, github_client):
    _replay(fake_github, "/users/jacquev6", load_recording("rate_limit_primary_403_exhausted.json"))
    with pytest.raises(RateLimited) as excinfo:
        github_client.account_get(login="jacquev6")
    assert not excinfo.value.secondary
    state = quota_get(token="")
    assert state is not None
    assert state.remaining == 0
    assert state.limit == 60


def test_recorded_abuse_403_with_retry_after_is_a_secondary_limit(fake_github, github_client):
    _replay(
        fake_github, "/users/jacquev6", load_recording("rate_limit_secondary_403_retry_after.json")
    )
    before = datetime.now(tz=UTC)
    with pytest.raises(RateLimited) as excinfo:
        github_client.account_get(login="jacquev6")
    assert excinfo.value.secondary
    assert before + timedelta(seconds=59) <= excinfo.value.reset_at
    assert excinfo.value.reset_at <= datetime.now(tz=UTC) + timedelta(seconds=61)


def test_recorded_abuse_403_makes_a_worker_wait_sixty_seconds(fake_github, worker_client, sleeps):
    _replay(
        fake_github, "/users/jacquev6", load_recording("rate_limit_secondary_403_retry_after.json")
    )
    _replay(fake_github, "/users/jacquev6", load_recording("user_get_200.json"))
    assert worker_client.account_get(login="jacquev6").payload is not None
    assert sleeps == [60]


def test_recorded_old_reset_in_the_past_does_not_block(fake_github, github_client):
    # The 2022 recording's reset is long past: "a reset in the past means now".
    recording = load_recording("repo_get_200.json")
    path = "/orgs/octokit-fixture-org/repos"
    _replay(fake_github, path, Recording(**{**recording.__dict__, "body": [recording.body]}))
    list(github_client.repo_pages(login="octokit-fixture-org", kind="org"))
    fake_github.state.add_org("octokit-fixture-org")
    assert github_client.account_get(login="octokit-fixture-org").payload
