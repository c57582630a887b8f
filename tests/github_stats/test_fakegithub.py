"""The fake GitHub itself: its answers have GitHub's shapes (validated against GitHub's JSON
Schemas), its pagination, validators and budget follow GitHub's rules, and its faults,
mutations and counters do what the client's tests rely on."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.fakegithub import FakeGitHub, FakeState
from tests.fakegithub.recordings import REPO_ROOT, recordings_available, schema_errors
from tests.services import require


def _get(fake_github, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{fake_github.url}{path}", headers=headers, timeout=5)


# --- shapes ---------------------------------------------------------------------------------


@pytest.fixture
def schemas_present():
    require(recordings_available(), "../shared/github-recordings is not beside the repository")


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/users/alice", "users-get-by-username"),
        ("/users/acme", "users-get-by-username"),
        ("/orgs/acme", "orgs-get"),
        ("/users/alice/repos?per_page=100", "repos-list-for-user"),
        ("/orgs/acme/repos?per_page=100", "repos-list-for-org"),
        ("/repos/alice/hello", "repos-get"),
        ("/repos/acme/widgets", "repos-get"),
        ("/repos/alice/hello/languages", "repos-list-languages"),
        ("/rate_limit", "rate-limit-get"),
    ],
)
def test_fake_answers_validate_against_githubs_schemas(fake_github, schemas_present, path, schema):
    fake_github.state.add_user("alice", repos=30, hostile=True)
    fake_github.state.add_repo("alice", "hello", license_spdx="MIT", topics=("x",))
    fake_github.state.add_org("acme", repos=30)
    fake_github.state.add_repo("acme", "widgets")
    response = _get(fake_github, path)
    assert response.status_code == 200
    # Strict: every required field present (only null-for-string tolerated, as GitHub does).
    assert schema_errors(response.json(), schema) == []


def test_field_sets_match_the_recordings(fake_github, schemas_present):
    from tests.fakegithub.recordings import load_recording

    fake_github.state.add_user("alice")
    fake_github.state.add_repo("alice", "hello")
    recorded_user = set(load_recording("user_get_200.json").body)
    recorded_repo = set(load_recording("repo_get_200.json").body)
    assert set(_get(fake_github, "/users/alice").json()) >= recorded_user
    # The recording is an organisation's repository seen by its admin; the fake answers the
    # public view of a user's repository.
    admin_only = {
        "permissions", "allow_auto_merge", "allow_merge_commit", "allow_rebase_merge",
        "allow_squash_merge", "allow_update_branch", "delete_branch_on_merge",
        "use_squash_pr_title_as_default",
    }  # fmt: skip
    assert set(_get(fake_github, "/repos/alice/hello").json()) >= recorded_repo - admin_only - {
        "organization"
    }


# --- generation -----------------------------------------------------------------------------


def test_generation_is_deterministic_by_login_and_seed():
    first, second, other = FakeState(), FakeState(), FakeState(seed="other")
    a = first.add_user("alice", repos=20)
    b = second.add_user("alice", repos=20)
    c = other.add_user("alice", repos=20)
    assert a.id == b.id
    assert [(r.name, r.id, r.stars) for r in a.repos.values()] == [
        (r.name, r.id, r.stars) for r in b.repos.values()
    ]
    assert [r.id for r in a.repos.values()] != [r.id for r in c.repos.values()]


def test_an_account_of_any_size():
    state = FakeState()
    account = state.add_user("big", repos=2500)
    assert account.public_repos == 2500
    assert len({repo.id for repo in account.repos.values()}) == 2500


def test_unknown_logins_are_404_unless_autocreate(fake_github):
    assert _get(fake_github, "/users/nobody").status_code == 404
    fake_github.state.autocreate = True
    assert _get(fake_github, "/users/somebody").json()["login"] == "somebody"
    assert _get(fake_github, "/users/some-org").json()["type"] == "Organization"


def test_the_demos_missing_logins_are_404_even_with_autocreate():
    state = FakeState(autocreate=True, missing=("nobody",))
    assert state.account("nobody") is None
    assert state.account("Nobody-Here") is None
    assert state.account("somebody") is not None


# --- pagination -----------------------------------------------------------------------------


def test_link_headers_switch_to_the_id_form_with_all_rels(fake_github):
    account = fake_github.state.add_user("alice", repos=250)
    first = _get(fake_github, "/users/alice/repos?per_page=100&type=owner")
    assert set(first.links) == {"next", "last"}
    assert first.links["next"]["url"] == (
        f"{fake_github.url}/user/{account.id}/repos?per_page=100&type=owner&page=2"
    )
    middle = requests.get(first.links["next"]["url"], timeout=5)
    assert set(middle.links) == {"prev", "next", "last", "first"}
    assert middle.links["last"]["url"].endswith("page=3")
    last = requests.get(middle.links["next"]["url"], timeout=5)
    assert set(last.links) == {"prev", "first"}
    assert len(last.json()) == 50


def test_org_pages_link_to_organizations(fake_github):
    org = fake_github.state.add_org("acme", repos=101)
    first = _get(fake_github, "/orgs/acme/repos?per_page=100&type=all")
    assert (
        f"/organizations/{org.id}/repos?per_page=100&type=all&page=2" in first.links["next"]["url"]
    )
    assert _get(fake_github, "/orgs/alice/repos").status_code == 404


def test_a_single_page_has_no_link_header(fake_github):
    fake_github.state.add_user("alice", repos=3)
    assert "Link" not in _get(fake_github, "/users/alice/repos?per_page=100").headers


def test_default_page_size_is_thirty(fake_github):
    fake_github.state.add_user("alice", repos=31)
    assert len(_get(fake_github, "/users/alice/repos").json()) == 30


def test_org_type_filters(fake_github):
    org = fake_github.state.add_org("acme")
    fake_github.state.add_repo("acme", "source")
    fake_github.state.add_repo("acme", "forked", is_fork=True)

    def names(kind: str) -> list[str]:
        return [r["name"] for r in _get(fake_github, f"/orgs/acme/repos?type={kind}").json()]

    assert names("sources") == ["source"]
    assert names("forks") == ["forked"]
    assert sorted(names("all")) == ["forked", "source"]
    assert org.public_repos == 2


# --- validators and budget ------------------------------------------------------------------


def test_weak_etags_and_304s_that_cost_nothing(fake_github):
    fake_github.state.add_user("alice")
    first = _get(fake_github, "/users/alice")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert "Last-Modified" in first.headers
    second = _get(fake_github, "/users/alice", **{"If-None-Match": etag})
    assert second.status_code == 304
    assert second.content == b""
    assert second.headers["ETag"] == etag.removeprefix("W/")  # strong form, as GitHub does
    assert second.headers["X-RateLimit-Remaining"] == first.headers["X-RateLimit-Remaining"]
    assert fake_github.state.quota_counted == 1
    assert _get(fake_github, "/users/alice", **{"If-None-Match": '"other"'}).status_code == 200


def test_etags_differ_per_token(fake_github):
    fake_github.state.add_user("alice")
    anonymous = _get(fake_github, "/users/alice").headers["ETag"]
    with_token = _get(fake_github, "/users/alice", Authorization="Bearer t").headers["ETag"]
    assert anonymous != with_token


def test_rate_limit_headers_and_exhaustion(fake_github):
    fake_github.state.add_user("alice")
    budget = fake_github.state.set_quota(remaining=2, limit=60)
    ok = _get(fake_github, "/users/alice")
    assert ok.headers["X-RateLimit-Limit"] == "60"
    assert ok.headers["X-RateLimit-Remaining"] == "1"
    assert ok.headers["X-RateLimit-Used"] == "59"
    assert ok.headers["X-RateLimit-Reset"] == str(budget.reset)
    assert ok.headers["X-RateLimit-Resource"] == "core"
    assert _get(fake_github, "/users/alice").status_code == 200
    exhausted = _get(fake_github, "/users/alice")
    assert exhausted.status_code == 403
    assert exhausted.headers["X-RateLimit-Remaining"] == "0"
    assert "rate limit exceeded" in exhausted.json()["message"]
    limits = _get(fake_github, "/rate_limit").json()  # free, like GitHub's
    assert limits["resources"]["core"]["remaining"] == 0


def test_a_new_window_opens_after_the_reset(fake_github):
    fake_github.state.add_user("alice")
    fake_github.state.set_quota(remaining=0, reset_in=-1)
    assert _get(fake_github, "/users/alice").status_code == 200


# --- faults ---------------------------------------------------------------------------------


def test_faults_match_paths_and_run_out(fake_github):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/*", "status", status=503, count=2)
    assert [_get(fake_github, "/users/alice").status_code for _ in range(3)] == [503, 503, 200]


def test_fault_kinds(fake_github):
    state = fake_github.state
    state.add_user("alice")
    state.inject("/users/alice", "malformed")
    with pytest.raises(requests.JSONDecodeError):
        _get(fake_github, "/users/alice").json()
    state.inject("/users/alice", "secondary", retry_after=7)
    secondary = _get(fake_github, "/users/alice")
    assert secondary.status_code == 403
    assert secondary.headers["Retry-After"] == "7"
    assert "secondary rate limit" in secondary.json()["message"]
    state.inject("/users/alice", "not_found")
    assert _get(fake_github, "/users/alice").status_code == 404
    state.inject("/users/alice", "disconnect")
    with pytest.raises(requests.ConnectionError):
        _get(fake_github, "/users/alice")
    state.inject("/users/alice", "slow", seconds=1)
    with pytest.raises(requests.Timeout):
        requests.get(f"{fake_github.url}/users/alice", timeout=0.2)


def test_renamed_user_redirects_to_the_id(fake_github):
    account = fake_github.state.add_user("old", repos=1)
    repo = next(iter(account.repos.values()))
    fake_github.state.rename_account("old", "new")
    moved = requests.get(f"{fake_github.url}/users/old", allow_redirects=False, timeout=5)
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"{fake_github.url}/user/{account.id}"
    assert _get(fake_github, "/users/old").json()["login"] == "new"
    moved_repo = _get(fake_github, f"/repos/old/{repo.name}")
    assert moved_repo.json()["full_name"] == f"new/{repo.name}"


def test_hostile_payloads(fake_github):
    from tests.fakegithub import HOSTILE_SCRIPT, HOSTILE_SVG, HOSTILE_URL

    fake_github.state.add_user("mallory", repos=4, hostile=True)
    user = _get(fake_github, "/users/mallory").json()
    assert (user["name"], user["bio"], user["blog"]) == (HOSTILE_SCRIPT, HOSTILE_SVG, HOSTILE_URL)
    descriptions = {r["description"] for r in _get(fake_github, "/users/mallory/repos").json()}
    assert {HOSTILE_SCRIPT, HOSTILE_SVG} <= descriptions


# --- mutations ------------------------------------------------------------------------------


def test_mutations_change_answers_and_etags(fake_github):
    state = fake_github.state
    state.add_user("alice")
    state.add_repo("alice", "hello", stars=1)
    before = _get(fake_github, "/repos/alice/hello")
    state.bump_stars("alice", "hello", by=4)
    starred = _get(fake_github, "/repos/alice/hello")
    assert starred.json()["stargazers_count"] == 5
    assert starred.headers["ETag"] != before.headers["ETag"]
    state.push("alice", "hello")
    pushed = _get(fake_github, "/repos/alice/hello")
    assert pushed.json()["pushed_at"] > starred.json()["pushed_at"]
    state.delete_repo("alice", "hello")
    assert _get(fake_github, "/repos/alice/hello").status_code == 404


# --- GraphQL --------------------------------------------------------------------------------


def test_graphql_needs_a_token(fake_github):
    response = requests.post(f"{fake_github.url}/graphql", json={"query": "{}"}, timeout=5)
    assert response.status_code == 401


# --- counters and lifecycle -----------------------------------------------------------------


def test_counters_by_path_status_and_quota(fake_github):
    fake_github.state.add_user("alice")
    etag = _get(fake_github, "/users/alice").headers["ETag"]
    _get(fake_github, "/users/alice", **{"If-None-Match": etag})
    _get(fake_github, "/users/bob")
    state = fake_github.state
    assert state.total == 3
    assert state.by_path() == {"/users/alice": 2, "/users/bob": 1}
    assert state.by_status() == {200: 1, 304: 1, 404: 1}
    assert state.quota_counted == 2
    assert state.count("/users/*", status=304) == 1
    fake_github.reset()
    assert state.total == 0
    assert _get(fake_github, "/users/alice").status_code == 404


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_second_server_runs_beside_the_first():
    with FakeGitHub() as other:
        other.state.add_user("zed")
        assert requests.get(f"{other.url}/users/zed", timeout=5).status_code == 200


def test_startable_from_the_command_line():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakegithub", "--port", str(port), "--user", "demo:5"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/users/demo", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        assert response.json()["public_repos"] == 5
        generated = requests.get(f"http://127.0.0.1:{port}/users/anyone", timeout=1)
        assert generated.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_demo_mode_serves_avatars_itself_without_spending_quota(fake_github, monkeypatch):
    from tests.fakegithub import render

    monkeypatch.setattr(render, "AVATARS_FROM_SELF", True)
    fake_github.state.add_user("pictured", repos=1)
    profile = requests.get(f"{fake_github.url}/users/pictured", timeout=5).json()
    assert profile["avatar_url"].startswith(f"{fake_github.url}/avatars/u/")
    before = fake_github.state.budget("core").used
    picture = requests.get(profile["avatar_url"], timeout=5)
    assert picture.status_code == 200
    assert picture.headers["Content-Type"] == "image/svg+xml"
    assert picture.content.startswith(b"<svg")
    assert fake_github.state.budget("core").used == before


def test_tests_see_githubs_own_avatar_host_by_default(fake_github):
    fake_github.state.add_user("plain", repos=1)
    profile = requests.get(f"{fake_github.url}/users/plain", timeout=5).json()
    assert profile["avatar_url"].startswith("https://avatars.githubusercontent.com/u/")
