"""GET /accounts/{login} and its repositories and history; POST .../refresh; GET /jobs/{id}.
Bodies are checked against the published schema; GitHub is the fake server."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import GitHubAccount, RefreshJob
from tests.api.openapi import assert_matches_schema
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

ACCOUNT = "/api/v1/accounts/{login}"
REPOS = "/api/v1/accounts/{login}/repos"
HISTORY = "/api/v1/accounts/{login}/history"
REFRESH = "/api/v1/accounts/{login}/refresh"
JOB = "/api/v1/jobs/{job_id}"


@pytest.fixture
def octocat(db):
    account = GitHubAccountFactory(login="octocat")
    RepositoryFactory(owner=account, name="hello-world", stars=50)
    RepositoryFactory(owner=account, name="spoon-fork", stars=70, is_fork=True)
    RepositoryFactory(owner=account, name="old-thing", stars=5, archived=True)
    snapshots_for(account, days=40)
    return account


def test_an_unknown_account_is_202_with_the_job_and_its_location(
    api, fake_github, django_capture_on_commit_callbacks
):
    fake_github.state.add_user("newcomer", repos=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.get("/api/v1/accounts/newcomer")
    assert response.status_code == HTTPStatus.ACCEPTED
    body = assert_matches_schema(response, "GET", ACCOUNT)
    assert body["login"] == "newcomer"
    assert response["Location"] == f"/api/v1/jobs/{body['id']}"
    # The refresh ran (inline under test) against the fake GitHub; the job tells so.
    job = assert_matches_schema(api.get(response["Location"]), "GET", JOB)
    assert job["status"] == "succeeded"
    assert api.get("/api/v1/accounts/newcomer").status_code == HTTPStatus.OK


def test_a_fresh_account_is_200_with_profile_figures_languages_and_top_repos(api, octocat):
    response = api.get("/api/v1/accounts/octocat")
    assert response.status_code == HTTPStatus.OK
    body = assert_matches_schema(response, "GET", ACCOUNT)
    assert body["profile"]["login"] == "octocat"
    assert body["stale"] is False
    assert body["job_id"] is None
    figures = {figure["key"]: figure for figure in body["figures"]}
    assert figures["followers"]["value"] == octocat.followers
    assert figures["total_stars"]["change_7d"] is not None
    assert [repo["name"] for repo in body["top_repos"]] == ["hello-world", "old-thing"]
    assert body["languages"]["by_repos"][0]["name"] == "Python"


def test_a_stale_account_is_200_with_stale_true_and_the_queued_job(api, octocat, fake_github):
    GitHubAccount.objects.filter(pk=octocat.pk).update(
        fetched_at=timezone.now() - timedelta(days=2)
    )
    response = api.get("/api/v1/accounts/octocat")
    assert response.status_code == HTTPStatus.OK
    body = assert_matches_schema(response, "GET", ACCOUNT)
    assert body["stale"] is True
    job = RefreshJob.objects.get(pk=body["job_id"])
    assert job.account_id == octocat.pk
    assert job.status == "queued"


def test_a_hidden_account_is_404_in_the_api(api, octocat):
    GitHubAccount.objects.filter(pk=octocat.pk).update(hidden=True)
    for path in ("/api/v1/accounts/octocat", "/api/v1/accounts/octocat/repos"):
        response = api.get(path)
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert response.json()["error"] == "not_found"
    refresh = api.post("/api/v1/accounts/octocat/refresh")
    assert refresh.status_code == HTTPStatus.NOT_FOUND


def test_an_invalid_login_is_422_before_any_github_call(api, fake_github):
    response = api.get("/api/v1/accounts/-bad-")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = assert_matches_schema(response, "GET", ACCOUNT)
    assert body["error"] == "validation_error"
    assert "path.login" in body["message"]
    assert fake_github.state.log == []


def test_repos_default_to_every_repository_with_count(api, octocat):
    response = api.get("/api/v1/accounts/octocat/repos")
    assert response.status_code == HTTPStatus.OK
    body = assert_matches_schema(response, "GET", REPOS)
    assert body["count"] == 3
    assert [repo["name"] for repo in body["items"]] == ["spoon-fork", "hello-world", "old-thing"]


def test_repos_filter_sort_and_window(api, octocat):
    body = api.get("/api/v1/accounts/octocat/repos?fork=false&archived=false").json()
    assert [repo["name"] for repo in body["items"]] == ["hello-world"]
    body = api.get("/api/v1/accounts/octocat/repos?sort=name&limit=1&offset=1").json()
    assert body["count"] == 3
    assert [repo["name"] for repo in body["items"]] == ["old-thing"]


def test_repos_validation_errors_name_the_field(api, octocat):
    response = api.get("/api/v1/accounts/octocat/repos?limit=0&sort=size")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = assert_matches_schema(response, "GET", REPOS)
    assert body["error"] == "validation_error"
    assert "query.limit" in body["message"]
    assert "query.sort" in body["message"]


def test_history_is_a_daily_series_oldest_first(api, octocat):
    response = api.get("/api/v1/accounts/octocat/history?days=7")
    assert response.status_code == HTTPStatus.OK
    body = assert_matches_schema(response, "GET", HISTORY)
    dates = [point["date"] for point in body["points"]]
    assert len(dates) == 8  # today and the 7 days before it
    assert dates == sorted(dates)


def test_history_of_an_account_we_do_not_have_is_404(api, db):
    response = api.get("/api/v1/accounts/nobody/history")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_matches_schema(response, "GET", HISTORY)


def test_refresh_is_202_with_a_new_job(api, octocat, fake_github):
    response = api.post("/api/v1/accounts/octocat/refresh")
    assert response.status_code == HTTPStatus.ACCEPTED
    body = assert_matches_schema(response, "POST", REFRESH)
    assert response["Location"] == body["url"] == f"/api/v1/jobs/{body['id']}"
    assert body["status"] == "queued"


def test_refresh_returns_the_job_already_in_flight(api, api_for, octocat, fake_github):
    first = api.post("/api/v1/accounts/octocat/refresh").json()
    second = api_for().post("/api/v1/accounts/octocat/refresh").json()
    assert second["id"] == first["id"]
    assert RefreshJob.objects.count() == 1


def test_a_job_of_an_unknown_id_is_404_and_a_malformed_id_422(api, db):
    missing = api.get("/api/v1/jobs/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert_matches_schema(missing, "GET", JOB)
    malformed = api.get("/api/v1/jobs/not-a-uuid")
    assert malformed.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "path.job_id" in malformed.json()["message"]


def test_a_failed_refresh_reports_the_error_on_the_job(
    api, fake_github, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/accounts/ghost-of-nobody/refresh")
    job = api.get(response["Location"]).json()
    assert job["status"] == "failed"
    assert job["error_code"] == "not_found"
