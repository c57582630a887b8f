"""The parsers' tolerance: missing optional fields and nulls are fine, a wrong shape is a
PayloadError (which the client turns into GitHubUnavailable)."""

from datetime import UTC, datetime

import pytest

from github_stats.github.payloads import (
    PayloadError,
    parse_account,
    parse_datetime,
    parse_repo,
    parse_repo_list,
)


def test_minimal_account_gets_defaults():
    account = parse_account({"id": 1, "login": "octocat"})
    assert account.kind == "user"
    assert account.name is None
    assert account.bio is None
    assert account.followers == 0
    assert account.public_repos == 0
    assert account.html_url == "https://github.com/octocat"
    assert account.created_at is None


def test_account_nulls_and_junk_counts_are_tolerated():
    account = parse_account(
        {
            "id": 1,
            "login": "o",
            "type": "Organization",
            "name": None,
            "followers": None,
            "following": "12",
            "public_repos": -3,
            "created_at": "not a date",
        }
    )
    assert account.kind == "org"
    assert (account.followers, account.following, account.public_repos) == (0, 0, 0)
    assert account.created_at is None


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "x",
        {"login": "a"},
        {"id": "1", "login": "a"},
        {"id": 1},
        {"id": True, "login": "a"},
    ],
)
def test_account_of_the_wrong_shape_is_a_payload_error(body):
    with pytest.raises(PayloadError):
        parse_account(body)


def test_minimal_repo_gets_defaults():
    repo = parse_repo({"id": 7, "name": "r", "owner": {"id": 1, "login": "o"}})
    assert repo.full_name == "o/r"
    assert repo.html_url == "https://github.com/o/r"
    assert (repo.stars, repo.forks, repo.watchers, repo.size_kb) == (0, 0, 0, 0)
    assert repo.topics == ()
    assert repo.license_spdx is None
    assert repo.pushed_at is None
    assert repo.is_fork is False
    assert repo.archived is False


def test_repo_noassertion_license_is_no_license():
    repo = parse_repo(
        {
            "id": 7,
            "name": "r",
            "owner": {"id": 1, "login": "o"},
            "license": {"spdx_id": "NOASSERTION"},
        }
    )
    assert repo.license_spdx is None


def test_repo_keeps_hostile_text_verbatim_for_the_templates_to_escape():
    text = '<script>alert("x")</script>'
    repo = parse_repo({"id": 7, "name": "r", "owner": {"id": 1, "login": "o"}, "description": text})
    assert repo.description == text


@pytest.mark.parametrize(
    "body",
    [
        {"id": 7, "name": "r"},
        {"id": 7, "name": "r", "owner": None},
        {"id": 7, "name": "", "owner": {"id": 1, "login": "o"}},
        {"id": None, "name": "r", "owner": {"id": 1, "login": "o"}},
    ],
)
def test_repo_of_the_wrong_shape_is_a_payload_error(body):
    with pytest.raises(PayloadError):
        parse_repo(body)


def test_repo_list_must_be_a_list():
    with pytest.raises(PayloadError):
        parse_repo_list({"message": "Not Found"})


def test_repo_list_items_must_be_repositories():
    with pytest.raises(PayloadError, match="repositories"):
        parse_repo_list([{"id": 7, "name": "r", "owner": {"id": 1, "login": "o"}}, "junk"])


def test_repo_counts_fall_back_to_their_old_names():
    repo = parse_repo(
        {
            "id": 7,
            "name": "r",
            "owner": {"id": 1, "login": "o"},
            "forks_count": None,
            "forks": 4,
            "open_issues": 2,
            "watchers_count": 9,
            "topics": ["a", 3, "b"],
        }
    )
    assert (repo.forks, repo.open_issues, repo.watchers, repo.topics) == (4, 2, 9, ("a", "b"))


def test_payloads_are_immutable():
    account = parse_account({"id": 1, "login": "octocat"})
    with pytest.raises(ValueError, match="frozen"):
        account.login = "someone"  # type: ignore[misc]


def test_parse_datetime_is_aware_and_tolerant():
    assert parse_datetime("2010-07-09T06:10:06Z") == datetime(2010, 7, 9, 6, 10, 6, tzinfo=UTC)
    assert parse_datetime("2010-07-09T06:10:06") == datetime(2010, 7, 9, 6, 10, 6, tzinfo=UTC)
    assert parse_datetime(None) is None
    assert parse_datetime(12) is None
    assert parse_datetime("") is None
