"""GET /repos/{owner}/{repo}, the watchlist, comparisons, and who may see which job."""

from http import HTTPStatus

import pytest

from github_stats.models import GitHubAccount, RefreshJob, Tracking
from tests.api.openapi import assert_matches_schema
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, TrackingFactory

REPO = "/api/v1/repos/{owner}/{repo}"
WATCHLIST = "/api/v1/watchlist"
WATCH = "/api/v1/watchlist/{login}"
COMPARE = "/api/v1/compare"
JOB = "/api/v1/jobs/{job_id}"


@pytest.fixture
def octocat(db):
    account = GitHubAccountFactory(login="octocat")
    RepositoryFactory(owner=account, name="Hello-World", language_bytes={"C": 90, "Shell": 10})
    return account


def test_a_repository_is_200_by_any_case_of_its_name(api, octocat):
    response = api.get("/api/v1/repos/OctoCat/hello-world")
    assert response.status_code == HTTPStatus.OK
    body = assert_matches_schema(response, "GET", REPO)
    assert body["full_name"] == "octocat/Hello-World"
    assert body["languages_measured"] is True
    assert [language["name"] for language in body["languages"]] == ["C", "Shell"]


@pytest.mark.parametrize("path", ["/api/v1/repos/octocat/nothing", "/api/v1/repos/nobody/x"])
def test_an_unknown_repository_is_404(api, octocat, path):
    response = api.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_matches_schema(response, "GET", REPO)


def test_put_watches_and_get_lists_and_delete_stops(api, user, octocat):
    put = api.put("/api/v1/watchlist/octocat")
    assert put.status_code == HTTPStatus.OK
    assert assert_matches_schema(put, "PUT", WATCH)["login"] == "octocat"
    assert api.put("/api/v1/watchlist/OCTOCAT").status_code == HTTPStatus.OK  # again is fine
    assert Tracking.objects.filter(user=user).count() == 1
    listed = api.get(WATCHLIST)
    assert [item["login"] for item in assert_matches_schema(listed, "GET", WATCHLIST)] == [
        "octocat"
    ]
    deleted = api.delete("/api/v1/watchlist/octocat")
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert_matches_schema(deleted, "DELETE", WATCH)
    again = api.delete("/api/v1/watchlist/octocat")
    assert again.status_code == HTTPStatus.NOT_FOUND
    assert_matches_schema(again, "DELETE", WATCH)


def test_put_of_an_account_we_do_not_have_is_404(api, db):
    response = api.put("/api/v1/watchlist/nobody")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_matches_schema(response, "PUT", WATCH)


def test_the_watchlist_leaves_hidden_accounts_out(api, user, octocat):
    TrackingFactory(user=user, account=octocat)
    GitHubAccount.objects.filter(pk=octocat.pk).update(hidden=True)
    assert api.get(WATCHLIST).json() == []


def test_another_person_cannot_read_or_change_my_watchlist(api, api_for, user, octocat):
    TrackingFactory(user=user, account=octocat)
    other = api_for()
    assert other.get(WATCHLIST).json() == []
    assert other.delete("/api/v1/watchlist/octocat").status_code == HTTPStatus.NOT_FOUND
    assert Tracking.objects.filter(user=user, account=octocat).exists()
    assert other.put("/api/v1/watchlist/octocat").status_code == HTTPStatus.OK
    assert [item["login"] for item in api.get(WATCHLIST).json()] == ["octocat"]
    assert Tracking.objects.count() == 2  # one each, neither touching the other's


def test_another_person_cannot_read_my_job(api, api_for, octocat, fake_github):
    job = api.post("/api/v1/accounts/octocat/refresh").json()
    response = api_for().get(f"/api/v1/jobs/{job['id']}")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_matches_schema(response, "GET", JOB)
    assert api.get(f"/api/v1/jobs/{job['id']}").status_code == HTTPStatus.OK


def test_a_job_handed_over_because_it_was_in_flight_can_be_polled(
    api, api_for, octocat, fake_github
):
    mine = api.post("/api/v1/accounts/octocat/refresh").json()
    other = api_for()
    handed = other.post("/api/v1/accounts/octocat/refresh").json()
    assert handed["id"] == mine["id"]
    assert other.get(f"/api/v1/jobs/{mine['id']}").status_code == HTTPStatus.OK
    assert RefreshJob.objects.get(pk=mine["id"]).requested_by is not None


def test_compare_in_the_order_asked(api, octocat):
    GitHubAccountFactory(login="hubot", followers=5)
    response = api.get(f"{COMPARE}?logins=hubot,Octocat")
    assert response.status_code == HTTPStatus.OK
    body = assert_matches_schema(response, "GET", COMPARE)
    assert [item["profile"]["login"] for item in body["items"]] == ["hubot", "octocat"]
    assert {figure["key"] for figure in body["items"][0]["figures"]} >= {"followers"}


def test_compare_names_the_accounts_we_do_not_have(api, octocat):
    response = api.get(f"{COMPARE}?logins=octocat,nobody")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "nobody" in assert_matches_schema(response, "GET", COMPARE)["message"]


@pytest.mark.parametrize(
    "logins", ["octocat", ",".join(f"user{n}" for n in range(11)), "octocat,-bad-"]
)
def test_compare_needs_2_to_10_valid_logins(api, octocat, logins):
    response = api.get(f"{COMPARE}?logins={logins}")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert_matches_schema(response, "GET", COMPARE)
