"""GitHub's naming rules (github/names.py), checked before any request or query."""

import pytest

from github_stats.github.errors import InvalidLogin, InvalidName, InvalidRepoName
from github_stats.github.names import SearchTarget, parse_search, validate_login, validate_repo_name


@pytest.mark.parametrize(
    "login",
    ["a", "octocat", "Octo-Cat", "a-b-c", "0", "x" * 39, "a1-2b", "GitHub"],
)
def test_valid_logins_pass_unchanged(login):
    assert validate_login(login) == login


@pytest.mark.parametrize(
    "login",
    [
        "",
        " ",
        " octocat",
        "octocat ",
        "octo cat",
        "x" * 40,
        "a--b",
        "-a",
        "a-",
        "-",
        "../",
        "../etc/passwd",
        "a/b",
        "a_b",
        "a.b",
        "octocat\n",
        "ünïcode",
        "\u043ectocat",  # a Cyrillic o
        "١٢٣",  # Arabic-Indic digits are \d in Unicode regexes, not on GitHub
        "a%2fb",
        "a?b",
        "@octocat",
        None,
        42,
    ],
)
def test_invalid_logins_raise_invalid_login(login):
    with pytest.raises(InvalidLogin):
        validate_login(login)


def test_invalid_login_message_tells_the_rule():
    with pytest.raises(InvalidLogin, match="1 to 39"):
        validate_login("a--b")


@pytest.mark.parametrize(
    "name", ["hello-world", "github3.py", "a", "_private", ".github", "x" * 100, "a..b", "A_B-c.d"]
)
def test_valid_repo_names_pass(name):
    assert validate_repo_name(name) == name


@pytest.mark.parametrize(
    "name", ["", ".", "..", "x" * 101, "a/b", "a b", "naïve", "../x", "a?b", "a#b", None]
)
def test_invalid_repo_names_raise_invalid_repo_name(name):
    with pytest.raises(InvalidRepoName) as excinfo:
        validate_repo_name(name)
    assert excinfo.value.code == "invalid_repo_name"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("octocat", SearchTarget("account", "octocat")),
        ("  octocat  ", SearchTarget("account", "octocat")),
        ("@octocat", SearchTarget("account", "octocat")),
        ("octocat/hello-world", SearchTarget("repo", "octocat", "hello-world")),
        ("octocat/hello-world/", SearchTarget("repo", "octocat", "hello-world")),
        ("octocat/", SearchTarget("account", "octocat")),
        ("https://github.com/octocat", SearchTarget("account", "octocat")),
        ("https://github.com/octocat/", SearchTarget("account", "octocat")),
        ("http://github.com/octocat/Hello-World", SearchTarget("repo", "octocat", "Hello-World")),
        ("https://www.github.com/octocat/hello", SearchTarget("repo", "octocat", "hello")),
        (
            "https://github.com/octocat/hello-world/tree/main/docs",
            SearchTarget("repo", "octocat", "hello-world"),
        ),
        (
            "https://github.com/octocat/hello-world?tab=readme#intro",
            SearchTarget("repo", "octocat", "hello-world"),
        ),
        ("github.com/octocat/hello-world.git", SearchTarget("repo", "octocat", "hello-world")),
        (
            "https://github.com/octocat/hello-world.git",
            SearchTarget("repo", "octocat", "hello-world"),
        ),
        ("octocat/github3.py", SearchTarget("repo", "octocat", "github3.py")),
        ("https://github.com/orgs/github", SearchTarget("account", "github")),
        ("https://github.com/orgs/github/people", SearchTarget("account", "github")),
        ("HTTPS://GITHUB.COM/octocat", SearchTarget("account", "octocat")),
    ],
)
def test_parse_search_understands_logins_repos_and_urls(query, expected):
    assert parse_search(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "a--b",
        "octo cat",
        "a/b/c",
        "../etc/passwd",
        "octocat/..",
        "octocat/.",
        "https://gitlab.com/octocat",
        "https://github.com.evil.example/octocat",
        "https://evil.example/github.com/octocat",
        "https://github.com",
        "https://github.com/",
        "https://user@github.com/octocat",
        "https://github.com:8443/octocat",
        "javascript:alert(1)",
        "ftp://github.com/octocat",
        "@",
        "@@octocat",
        "ünïcode",
        None,
    ],
)
def test_parse_search_rejects_everything_else_with_a_helpful_message(query):
    with pytest.raises(InvalidName) as excinfo:
        parse_search(query)
    assert excinfo.value.message


def test_parse_search_message_shows_the_accepted_forms():
    with pytest.raises(InvalidName, match=r"octocat/hello-world"):
        parse_search("a/b/c")


def test_search_target_full_name():
    assert parse_search("octocat/hello").full_name == "octocat/hello"
    assert parse_search("octocat").full_name == "octocat"
