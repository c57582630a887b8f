"""GET /api/v1/repos/{owner}/{repo}/stars and GET /api/v1/compare/repos: a repository's star
history (JSON and its CSV download) and several side by side, the numbers of the selector the
repository page draws, every bad input refused in the API's one error shape."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest

from github_stats.models import GitHubAccount, today_utc
from github_stats.selectors.star_history import repository_star_history
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory
from tests.pages.star_factories import star_history_store

pytestmark = pytest.mark.django_db

URL = "/api/v1/repos/octocat/hello/stars"


@pytest.fixture
def hello(db):
    account = GitHubAccountFactory(login="octocat")
    repo = RepositoryFactory(owner=account, name="hello")
    today = today_utc()
    star_history_store(
        repo,
        {today - timedelta(days=700): 40, today - timedelta(days=20): 5, today: 2},
        stars=50,  # 3 stars GitHub does not date
    )
    return repo


@pytest.fixture
def world(hello):
    repo = RepositoryFactory(owner=hello.owner, name="world")
    star_history_store(repo, {today_utc() - timedelta(days=10): 7})
    return repo


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "request_id"}
    assert body["error"] == code


def test_a_repository_s_stars_are_the_selector_s_points(client_logged_in, hello):
    response = client_logged_in.get(URL, {"interval": "week"})

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["full_name"] == "octocat/hello"
    series = body["series"]
    assert (series["stars"], series["attributed"], series["unattributed"]) == (50, 47, 3)
    expected = repository_star_history(repository=hello, interval="week")
    assert [(p["date"], p["gained"], p["total"]) for p in series["points"]] == [
        (p.date.isoformat(), p.gained, p.total) for p in expected.points
    ]
    assert series["points"][-1]["total"] == 47
    assert series["complete"] is True


def test_a_window_keeps_the_totals_of_the_whole_life(client_logged_in, hello):
    start = (today_utc() - timedelta(days=30)).isoformat()

    body = client_logged_in.get(URL, {"from": start, "interval": "day"}).json()

    points = body["series"]["points"]
    assert points[0]["date"] == start
    assert points[0]["total"] == 40  # the stars before the window still count
    assert sum(p["gained"] for p in points) == 7


def test_the_csv_download_has_one_row_per_bucket(client_logged_in, hello):
    response = client_logged_in.get(URL, {"interval": "month", "format": "csv"})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="octocat-hello-stars-month-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["date", "gained", "total"]
    expected = repository_star_history(repository=hello, interval="month").points
    assert rows[1:] == [[p.date.isoformat(), str(p.gained), str(p.total)] for p in expected]


def test_the_repository_endpoint_is_three_queries(
    client_logged_in, hello, django_assert_num_queries
):
    # session's user, the owner, the repository, its history (with the owner's fill state)
    with django_assert_num_queries(4):
        response = client_logged_in.get(URL)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"interval": "year"}, "validation_error"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "validation_error"),
        ({"from": "1999-01-01"}, "validation_error"),
        ({"to": "yesterday"}, "validation_error"),
        ({"format": "xlsx"}, "validation_error"),
    ],
)
def test_bad_windows_are_422(client_logged_in, hello, params, code):
    _error(client_logged_in.get(URL, params), HTTPStatus.UNPROCESSABLE_ENTITY, code)


def test_unknown_repositories_hidden_owners_and_bad_names(client_logged_in, hello):
    _error(client_logged_in.get("/api/v1/repos/octocat/nope/stars"), 404, "not_found")
    _error(client_logged_in.get("/api/v1/repos/nobody/hello/stars"), 404, "not_found")
    _error(client_logged_in.get("/api/v1/repos/octo..cat/hello/stars"), 422, "validation_error")
    GitHubAccount.objects.filter(pk=hello.owner_id).update(hidden=True)
    _error(client_logged_in.get(URL), 404, "not_found")


def test_anonymous_is_401(client, hello):
    assert client.get(URL).status_code == HTTPStatus.UNAUTHORIZED
    assert client.get("/api/v1/compare/repos?repos=a/b,c/d").status_code == 401


def test_compare_repos_in_the_order_given(
    client_logged_in, hello, world, django_assert_num_queries
):
    # session's user, the owners, the repositories, every star history
    with django_assert_num_queries(4):
        response = client_logged_in.get(
            "/api/v1/compare/repos", {"repos": "octocat/world,OCTOCAT/Hello", "interval": "week"}
        )

    assert response.status_code == HTTPStatus.OK, response.content
    items = response.json()["items"]
    assert [item["full_name"] for item in items] == ["octocat/world", "octocat/hello"]
    assert items[0]["series"]["points"][-1]["total"] == 7
    assert items[1]["series"]["attributed"] == 47


@pytest.mark.parametrize(
    ("repos", "status", "code"),
    [
        ("octocat/hello", 422, "validation_error"),  # one is no comparison
        (",".join(f"o/r{i}" for i in range(11)), 422, "validation_error"),  # 11
        ("octocat/hello,octocat/hello", 404, "not_found"),  # the same one twice
        ("octocat/hello,octocat/missing", 404, "not_found"),
        ("octocat/hello,unknown/repo", 404, "not_found"),
        ("octocat/hello,octocat/..", 404, "not_found"),
        ("octocat/hello,<script>/x", 422, "validation_error"),
    ],
)
def test_compare_repos_refuses_what_it_cannot_show(client_logged_in, hello, repos, status, code):
    response = client_logged_in.get("/api/v1/compare/repos", {"repos": repos})

    _error(response, status, code)
    assert "<script>" not in response.json()["message"]
