"""The parsers against every real recorded GitHub response in ../shared/github-recordings, and
the recorded bodies against GitHub's published JSON Schemas."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from requests.utils import parse_header_links

from github_stats.github.payloads import (
    parse_account,
    parse_repo,
    parse_repo_list,
)
from github_stats.github.quota import quota_from_headers
from tests.fakegithub.recordings import (
    Recording,
    load_recording,
    recording_index,
    recordings_available,
    schema_errors,
)
from tests.services import require


@pytest.fixture(autouse=True)
def _recordings_present():
    require(recordings_available(), "../shared/github-recordings is not beside the repository")


def _check_user_get_200(rec: Recording) -> None:
    account = parse_account(rec.body)
    assert (account.id, account.login, account.kind) == (327146, "jacquev6", "user")
    assert account.name == "Vincent Jacques"
    assert account.company is None
    assert account.bio is None
    assert account.twitter_username is None
    assert (account.followers, account.following) == (98, 62)
    assert (account.public_repos, account.public_gists) == (38, 18)
    assert account.created_at == datetime(2010, 7, 9, 6, 10, 6, tzinfo=UTC)
    assert account.html_url == "https://github.com/jacquev6"
    assert rec.header("ETag").startswith('W/"')


def _check_org_get_200(rec: Recording) -> None:
    account = parse_account(rec.body)
    assert (account.id, account.login, account.kind) == (9919, "github", "org")
    assert account.public_repos == 522
    assert account.email is None  # null although the schema says string
    assert account.bio == "How people build software."  # an org's description


def _check_org_repos_single_page(rec: Recording) -> None:
    repos = parse_repo_list(rec.body)
    assert len(repos) == 8
    first = repos[0]
    assert (first.name, first.full_name, first.owner_login) == (
        "github3.py",
        "github3py/github3.py",
        "github3py",
    )
    assert first.node_id is None  # 2017: no node ids yet
    assert first.is_fork is True
    assert first.license_spdx == "BSD-3-Clause"
    assert first.topics == ()  # no topics field at all in 2017
    assert first.disabled is False
    assert rec.header("Link") is None  # a single page has no Link header


def _check_repo_get_200(rec: Recording) -> None:
    repo = parse_repo(rec.body)
    assert (repo.id, repo.full_name) == (103703892, "octokit-fixture-org/hello-world")
    assert repo.description is None
    assert repo.language is None
    assert repo.homepage is None
    assert repo.license_spdx is None
    assert repo.topics == ("fixtures", "hello", "hello-world")
    assert repo.watchers == 1  # subscribers_count, not the legacy watchers alias of stars
    assert repo.pushed_at == datetime(2017, 11, 3, 20, 11, 46, tzinfo=UTC)


def _check_conditional_repo_200(rec: Recording) -> None:
    repo = parse_repo(rec.body)
    assert repo.full_name == "AndrewJDawes/PyGithub"
    assert repo.is_fork is True
    assert rec.header("ETag").startswith('W/"')
    assert rec.header("Last-Modified") == "Sat, 18 Nov 2023 13:36:18 GMT"


def _check_conditional_repo_304(rec: Recording) -> None:
    assert rec.body is None
    sent = rec.request_headers["If-None-Match"]
    answered = rec.header("ETag")
    # GitHub answers a weak validator's 304 with the strong form of the same tag.
    assert sent.removeprefix("W/") == answered
    state = quota_from_headers(rec.headers)
    assert state is not None
    assert state.remaining == 4755


def _check_pagination_link_all_rels(rec: Recording) -> None:
    links = {link["rel"]: link["url"] for link in parse_header_links(rec.header("Link"))}
    assert set(links) == {"prev", "next", "last", "first"}
    assert links["next"] == "https://api.github.com/repositories/515435940/issues?per_page=3&page=4"


def _check_rate_limit_get_200(rec: Recording) -> None:
    assert rec.body["resources"]["core"]["limit"] == 5000
    state = quota_from_headers(rec.headers)
    assert state is not None
    assert (state.resource, state.limit, state.remaining, state.used) == ("core", 5000, 4904, 96)


def _check_primary_403(rec: Recording) -> None:
    assert "Rate Limit Exceeded" in rec.body["message"]
    state = quota_from_headers(rec.headers)
    assert state is not None
    assert state.remaining == 0
    assert state.limit == 60
    # 2013: no reset header; the state still blocks (a minute from now).
    assert state.reset_at > datetime.now(tz=UTC)


def _check_primary_last_200(rec: Recording) -> None:
    account = parse_account(rec.body)
    assert account.login == "jacquev6"
    assert account.bio is None  # 2013 sent an empty string: no bio
    assert account.twitter_username is None  # field absent in 2013
    state = quota_from_headers(rec.headers)
    assert state is not None
    assert state.remaining == 0


def _check_secondary_403(rec: Recording) -> None:
    assert rec.header("Retry-After") == "60"
    assert quota_from_headers(rec.headers) is None  # no X-RateLimit-* at all
    assert "abuse" in rec.body["message"]


def _check_repo_languages_200(rec: Recording) -> None:
    # The client reads languages through GraphQL (github/graphql.py), not this REST endpoint;
    # the recording's body is {} (github3.py stored it empty).
    assert rec.body == {}


def _check_stargazers(rec: Recording) -> None:
    assert len(rec.body) == 100
    assert {"starred_at", "user"} <= set(rec.body[0])
    links = {link["rel"] for link in parse_header_links(rec.header("Link"))}
    assert links == {"next", "last"}


def _check_stats_200(rec: Recording) -> None:
    assert len(rec.body) == 52
    assert all(len(week["days"]) == 7 for week in rec.body)


def _check_stats_202(rec: Recording) -> None:
    assert rec.status == 202
    assert rec.body == {}


def _check_user_404(rec: Recording) -> None:
    assert rec.body == {"message": "Not Found"}


CHECKS = {
    "user_get_200.json": _check_user_get_200,
    "org_get_200.json": _check_org_get_200,
    "org_repos_single_page.json": _check_org_repos_single_page,
    "repo_get_200.json": _check_repo_get_200,
    "conditional_repo_200_etag.json": _check_conditional_repo_200,
    "conditional_repo_304.json": _check_conditional_repo_304,
    "pagination_link_all_rels.json": _check_pagination_link_all_rels,
    "rate_limit_get_200.json": _check_rate_limit_get_200,
    "rate_limit_primary_403_exhausted.json": _check_primary_403,
    "rate_limit_primary_last_200_remaining_0.json": _check_primary_last_200,
    "rate_limit_secondary_403_retry_after.json": _check_secondary_403,
    "repo_languages_200.json": _check_repo_languages_200,
    "stargazers_with_dates_page1.json": _check_stargazers,
    "stats_commit_activity_200.json": _check_stats_200,
    "stats_commit_activity_202.json": _check_stats_202,
    "user_get_404_not_found.json": _check_user_404,
}

# Which schema each 2xx body answers to; old recordings may lack fields the schema now requires.
SCHEMAS = {
    "user_get_200.json": ("users-get-by-username", False),
    "rate_limit_primary_last_200_remaining_0.json": ("users-get-by-username", True),
    "org_get_200.json": ("orgs-get", False),
    "org_repos_single_page.json": ("repos-list-for-org", True),
    "repo_get_200.json": ("repos-get", True),
    "conditional_repo_200_etag.json": ("repos-get", False),
    "repo_languages_200.json": ("repos-list-languages", False),
    "rate_limit_get_200.json": ("rate-limit-get", False),
    "stargazers_with_dates_page1.json": ("activity-list-stargazers-for-repo", False),
    "stats_commit_activity_200.json": ("repos-get-commit-activity-stats", False),
}


def _all_files() -> list[str]:
    return [entry["file"] for entry in recording_index()] if recordings_available() else []


def test_every_recording_has_a_check():
    assert set(_all_files()) == set(CHECKS), "a new recording needs a check in CHECKS"


@pytest.mark.parametrize("file", sorted(CHECKS))
def test_recording_parses_as_expected(file):
    CHECKS[file](load_recording(file))


@pytest.mark.parametrize("file", sorted(SCHEMAS))
def test_recorded_body_validates_against_githubs_schema(file):
    schema, allow_missing = SCHEMAS[file]
    errors = schema_errors(load_recording(file).body, schema, allow_missing=allow_missing)
    assert errors == []


def test_old_recordings_really_lack_required_fields():
    # Proves the lenient mode is needed (and not silently hiding everything).
    errors = schema_errors(load_recording("org_repos_single_page.json").body, "repos-list-for-org")
    assert any("node_id" in error for error in errors)


def test_a_wrong_body_fails_the_schema():
    assert schema_errors({"login": 5}, "users-get-by-username", allow_missing=True)
