"""The client against the fake GitHub over real HTTP: names checked before any request,
accounts, validators, pagination and GraphQL. What every request carries, timeouts, retries and
errors are in test_client_transport.py, rate limits in test_client_limits.py, the real
recordings replayed over HTTP in test_client_recordings.py."""

from __future__ import annotations

import pytest

from github_stats.github.client import GitHubClient
from github_stats.github.errors import (
    GitHubNotFound,
    GitHubUnavailable,
    InvalidName,
)
from github_stats.github.pages import PageValidator
from tests.fakegithub import HOSTILE_SCRIPT, HOSTILE_SVG

# --- validation before any request ----------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.account_get(login="../admin"),
        lambda c: c.account_get(login="a--b"),
        lambda c: c.account_get(login="-alice"),
        lambda c: list(c.repo_pages(login="al ice", kind="user")),
        lambda c: c.languages_for(repos=[("alice", "ok"), ("alice", "../x")]),
        lambda c: c.languages_for(repos=[("alice", "..")]),
        lambda c: c.languages_for(repos=[("-alice", "x")]),
        lambda c: c.languages_for(repos=[("alice", "a/b")]),
    ],
)
def test_invalid_names_are_refused_before_any_request(fake_github, github_client_with_token, call):
    with pytest.raises(InvalidName):
        call(github_client_with_token)
    assert fake_github.state.total == 0


def test_a_bad_account_id_is_refused_before_any_request(fake_github, github_client):
    with pytest.raises(GitHubNotFound):
        github_client.account_get_by_id(account_id=0)
    assert fake_github.state.total == 0


# --- accounts -------------------------------------------------------------------------------


def test_account_get_parses_a_user(fake_github, github_client):
    fake = fake_github.state.add_user("alice", repos=3, followers=42)
    fetch = github_client.account_get(login="alice")
    assert fetch.payload is not None
    assert (fetch.payload.id, fetch.payload.login, fetch.payload.kind) == (fake.id, "alice", "user")
    assert fetch.payload.followers == 42
    assert fetch.payload.public_repos == 3
    assert fetch.etag.startswith('W/"')
    assert fetch.last_modified


def test_account_get_answers_for_an_org_through_users(fake_github, github_client):
    fake_github.state.add_org("acme", repos=2)
    fetch = github_client.account_get(login="acme")
    assert fetch.payload.kind == "org"
    assert fake_github.state.log[-1].path == "/users/acme"


def test_unchanged_account_is_a_304_that_costs_no_quota(fake_github, github_client):
    fake_github.state.add_user("alice")
    first = github_client.account_get(login="alice")
    second = github_client.account_get(login="alice", etag=first.etag)
    assert second.payload is None
    assert second.not_modified
    assert second.etag == first.etag
    assert fake_github.state.log[-1].headers["If-None-Match"] == first.etag
    assert fake_github.state.log[-1].status == 304
    assert github_client.stats.quota_requests == 1
    assert github_client.stats.not_modified == 1
    assert fake_github.state.quota_counted == 1


def test_if_modified_since_is_sent_and_honoured(fake_github, github_client):
    fake_github.state.add_user("alice")
    first = github_client.account_get(login="alice")
    second = github_client.account_get(login="alice", last_modified=first.last_modified)
    assert second.not_modified
    assert fake_github.state.log[-1].headers["If-Modified-Since"] == first.last_modified


def test_changed_account_answers_200_with_a_new_etag(fake_github, github_client):
    fake_github.state.add_user("alice")
    first = github_client.account_get(login="alice")
    fake_github.state.update_account("alice", followers=1000)
    second = github_client.account_get(login="alice", etag=first.etag)
    assert second.payload.followers == 1000
    assert second.etag != first.etag


def test_unknown_login_is_not_found(fake_github, github_client):
    with pytest.raises(GitHubNotFound, match="nobody"):
        github_client.account_get(login="nobody")
    assert github_client.stats.requests == 1  # a 404 is never retried


def test_a_renamed_user_is_followed_to_its_new_login(fake_github, github_client):
    fake = fake_github.state.add_user("oldname", repos=2)
    fake_github.state.rename_account("oldname", "newname")
    fetch = github_client.account_get(login="oldname")
    assert fetch.payload.login == "newname"
    assert fetch.payload.id == fake.id
    assert [entry.status for entry in fake_github.state.log] == [301, 200]
    assert github_client.stats.requests == 2


def test_account_get_by_id_finds_a_renamed_account(fake_github, github_client):
    fake = fake_github.state.add_user("oldname")
    fake_github.state.rename_account("oldname", "newname")
    fetch = github_client.account_get_by_id(account_id=fake.id)
    assert fetch.payload.login == "newname"


def test_hostile_texts_arrive_verbatim(fake_github, github_client):
    fake_github.state.add_user("mallory", repos=4, hostile=True)
    account = github_client.account_get(login="mallory").payload
    assert account.name == HOSTILE_SCRIPT
    assert account.bio == HOSTILE_SVG
    repos = [
        r for page in github_client.repo_pages(login="mallory", kind="user") for r in page.repos
    ]
    assert {HOSTILE_SCRIPT, HOSTILE_SVG} <= {r.description for r in repos}


# --- repository pages -----------------------------------------------------------------------


def test_repo_pages_follow_link_next_to_the_id_form(fake_github, github_client):
    fake = fake_github.state.add_user("alice", repos=250)
    pages = list(github_client.repo_pages(login="alice", kind="user"))
    assert [len(page.repos) for page in pages] == [100, 100, 50]
    assert pages[0].url == f"{fake_github.url}/users/alice/repos?per_page=100&type=owner"
    assert pages[1].url == f"{fake_github.url}/user/{fake.id}/repos?per_page=100&type=owner&page=2"
    assert pages[2].next_url is None
    ids = [repo.id for page in pages for repo in page.repos]
    assert len(set(ids)) == 250
    assert pages[0].repo_ids == tuple(repo.id for repo in pages[0].repos)
    assert [entry.path for entry in fake_github.state.log] == [
        "/users/alice/repos",
        f"/user/{fake.id}/repos",
        f"/user/{fake.id}/repos",
    ]


def test_org_repo_pages_use_orgs_then_organizations(fake_github, github_client):
    fake = fake_github.state.add_org("acme", repos=120)
    pages = list(github_client.repo_pages(login="acme", kind="org"))
    assert [len(page.repos) for page in pages] == [100, 20]
    assert pages[0].url.endswith("/orgs/acme/repos?per_page=100&type=all")
    assert f"/organizations/{fake.id}/repos?" in pages[1].url


def test_an_account_without_repositories_is_one_empty_page(fake_github, github_client):
    fake_github.state.add_user("empty")
    pages = list(github_client.repo_pages(login="empty", kind="user"))
    assert len(pages) == 1
    assert pages[0].repos == []
    assert pages[0].next_url is None


def test_repo_pages_of_an_unknown_account_is_not_found(fake_github, github_client):
    with pytest.raises(GitHubNotFound):
        list(github_client.repo_pages(login="nobody", kind="user"))


def test_repo_pages_refuse_an_unknown_kind(fake_github, github_client):
    with pytest.raises(ValueError, match="kind"):
        list(github_client.repo_pages(login="alice", kind="team"))


def _validators(pages) -> list[PageValidator]:
    return [PageValidator.from_json(page.validator().to_json()) for page in pages]


def test_warm_repo_pages_are_all_304_and_cost_no_quota(fake_github, github_client):
    fake_github.state.add_user("alice", repos=250)
    stored = _validators(github_client.repo_pages(login="alice", kind="user"))
    fake_github.state.reset_counters()
    warm = GitHubClient(base_url=fake_github.url, token="")
    pages = list(warm.repo_pages(login="alice", kind="user", stored=stored))
    assert [page.not_modified for page in pages] == [True, True, True]
    assert [page.repo_ids for page in pages] == [v.repo_ids for v in stored]
    assert [page.url for page in pages] == [v.url for v in stored]
    assert warm.stats.quota_requests == 0
    assert warm.stats.not_modified == 3
    assert fake_github.state.quota_counted == 0


def test_a_304_with_a_link_header_follows_it(fake_github, github_client):
    fake_github.state.add_user("alice", repos=150)
    fake_github.state.link_on_304 = True
    stored = _validators(github_client.repo_pages(login="alice", kind="user"))
    stored[0] = PageValidator(
        url=stored[0].url, etag=stored[0].etag, last_modified=None, next_url=None
    )
    pages = list(github_client.repo_pages(login="alice", kind="user", stored=stored))
    assert len(pages) == 2
    assert pages[0].next_url == stored[1].url


def test_one_changed_repository_refetches_only_its_page(fake_github, github_client):
    fake_github.state.add_user("alice", repos=250)
    stored = _validators(github_client.repo_pages(login="alice", kind="user"))
    fake = fake_github.state.account("alice")
    name_on_page_2 = sorted(fake.repos.values(), key=lambda r: r.name.lower())[150].name
    fake_github.state.bump_stars("alice", name_on_page_2, by=7)
    pages = list(github_client.repo_pages(login="alice", kind="user", stored=stored))
    assert [page.not_modified for page in pages] == [True, False, True]
    changed = {repo.name: repo for repo in pages[1].repos}
    assert changed[name_on_page_2].stars == fake.repos[name_on_page_2.lower()].stars


def test_deleting_a_repository_changes_the_following_pages(fake_github, github_client):
    fake_github.state.add_user("alice", repos=201)
    stored = _validators(github_client.repo_pages(login="alice", kind="user"))
    first = sorted(fake_github.state.account("alice").repos.values(), key=lambda r: r.name.lower())
    fake_github.state.delete_repo("alice", first[0].name)
    pages = list(github_client.repo_pages(login="alice", kind="user", stored=stored))
    # Page 2 now has no rel="next": the walk ends there although a page 3 was stored.
    assert [page.not_modified for page in pages] == [False, False]
    assert [len(page.repos) for page in pages] == [100, 100]
    assert first[0].id not in {repo.id for page in pages for repo in page.repos}


def test_a_stored_next_page_past_the_end_is_an_empty_page(fake_github, github_client):
    fake_github.state.add_user("alice", repos=201)
    stored = _validators(github_client.repo_pages(login="alice", kind="user"))
    last = sorted(fake_github.state.account("alice").repos.values(), key=lambda r: r.name.lower())
    fake_github.state.delete_repo("alice", last[-1].name)
    pages = list(github_client.repo_pages(login="alice", kind="user", stored=stored))
    # Pages 1 and 2 are unchanged (304, no Link): the stored next_url leads to page 3, which
    # GitHub answers with an empty list now.
    assert [page.not_modified for page in pages] == [True, True, False]
    assert pages[2].repos == []
    assert pages[2].next_url is None


def test_a_link_to_another_host_is_never_followed(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.replay(
        "/users/alice/repos",
        status=200,
        headers={"Link": '<https://evil.example/steal?page=2>; rel="next"'},
        body=[],
    )
    with pytest.raises(GitHubUnavailable, match="another host"):
        list(github_client.repo_pages(login="alice", kind="user"))
    assert fake_github.state.total == 1


def test_a_circular_link_is_refused(fake_github, github_client):
    fake_github.state.add_user("alice")
    first = f"{fake_github.url}/users/alice/repos?per_page=100&type=owner"
    fake_github.state.replay(
        "/users/alice/repos", status=200, headers={"Link": f'<{first}>; rel="next"'}, body=[]
    )
    with pytest.raises(GitHubUnavailable, match="circle"):
        list(github_client.repo_pages(login="alice", kind="user"))


# --- languages ----------------------------------------------------------------------------


def test_languages_for_needs_a_token(fake_github, github_client):
    with pytest.raises(RuntimeError, match="token"):
        github_client.languages_for(repos=[("alice", "hello")])
    assert fake_github.state.total == 0


def test_languages_for_sends_one_graphql_query_per_hundred_repositories(
    fake_github, github_client_with_token
):
    fake = fake_github.state.add_user("alice", repos=250)
    pairs = [("alice", repo.name) for repo in fake.repos.values()]
    languages = github_client_with_token.languages_for(repos=pairs)
    assert len(languages) == 250
    for repo in fake.repos.values():
        assert languages[f"alice/{repo.name}"] == repo.languages
    assert [entry.path for entry in fake_github.state.log] == ["/graphql"] * 3
    assert github_client_with_token.stats.graphql_requests == 3
    assert github_client_with_token.stats.graphql_points == 3
    assert github_client_with_token.stats.quota_requests == 0  # points, not core requests
    query = fake_github.state.log[0].body["query"]
    assert "rateLimit" in query
    assert "languages(first: 100)" in query
    assert len(fake_github.state.log[0].body["variables"]) == 200  # owner + name per repo


def test_languages_for_skips_a_repository_github_does_not_know(
    fake_github, github_client_with_token
):
    fake_github.state.add_user("alice")
    fake_github.state.add_repo("alice", "hello", language="Go")
    result = github_client_with_token.languages_for(repos=[("alice", "hello"), ("alice", "gone")])
    assert set(result) == {"alice/hello"}


def test_languages_for_nothing_makes_no_request(fake_github, github_client_with_token):
    assert github_client_with_token.languages_for(repos=[]) == {}
    assert fake_github.state.total == 0


def test_graphql_server_errors_are_retried_like_rest(fake_github, github_client_with_token):
    fake_github.state.add_user("alice")
    fake_github.state.add_repo("alice", "hello")
    fake_github.state.inject("/graphql", "status", status=502, count=2)
    assert "alice/hello" in github_client_with_token.languages_for(repos=[("alice", "hello")])
    assert github_client_with_token.stats.requests == 3


@pytest.mark.parametrize(
    "body",
    [
        '{"errors": [{"message": "Something went wrong"}]}',
        '{"data": {"r0": {"languages": {"edges": [{"size": "big"}]}}}}',
        "[1, 2]",
        '{"data": null}',
        '{"data": {"r0": null}, "errors": [{"type": "INTERNAL", "path": ["r0"]}]}',
        "not json",
    ],
)
def test_graphql_answers_of_the_wrong_shape_are_unavailable(
    fake_github, github_client_with_token, body
):
    fake_github.state.inject("/graphql", "body", body=body)
    with pytest.raises(GitHubUnavailable):
        github_client_with_token.languages_for(repos=[("alice", "hello")])
