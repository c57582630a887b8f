"""Downloads from the API: ?format=csv|json and Accept: text/csv on the history, repositories
and compare endpoints; every row, the page's numbers, the usual access rules and errors."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from github_stats.models import AccountSnapshot, GitHubAccount, today_utc
from github_stats.selectors.dashboard import account_dashboard
from github_stats.selectors.repositories import RepoQuery, account_repositories_page
from tests.api.openapi import assert_matches_schema
from tests.exports.conftest import HOSTILE_DESCRIPTIONS, body_of, csv_rows, json_of
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

REPOS = "/api/v1/accounts/{login}/repos"
HISTORY = "/api/v1/accounts/{login}/history"
COMPARE = "/api/v1/compare"


def _table_rows(account, query: RepoQuery) -> list:
    """Every page of the dashboard's table, as the page reads it."""
    first = account_repositories_page(account=account, query=query)
    rows = list(first.rows)
    for page in range(2, first.num_pages + 1):
        rows += account_repositories_page(
            account=account, query=query.__class__(**{**query.__dict__, "page": page})
        ).rows
    return rows


# --- The repositories ---------------------------------------------------------------------


def test_the_repositories_csv_is_the_tables_rows_with_its_filters(api, octocat):
    query = RepoQuery(sort="stars", forks=False, archived=False, language="python")
    response = api.get(f"/api/v1/accounts/octocat/repos?{query.export_query}&format=csv")
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response, StreamingHttpResponse)
    rows = csv_rows(response)
    table = _table_rows(octocat, query)
    assert [row["name"] for row in rows] == [repo.name for repo in table] == ["hello-world"]
    assert rows[0]["stars"] == "50"
    assert rows[0]["forks"] == "7"
    assert rows[0]["is_fork"] == "false"
    assert rows[0]["topics"] == "django;htmx"
    assert rows[0]["full_name"] == "octocat/hello-world"


def test_the_default_table_export_matches_the_page_row_for_row(api, octocat):
    query = RepoQuery()  # the page's defaults: forks hidden, archived shown, most stars first
    rows = csv_rows(api.get(f"/api/v1/accounts/octocat/repos?{query.export_query}&format=csv"))
    table = _table_rows(octocat, query)
    assert [(r["name"], int(r["stars"]), int(r["forks"])) for r in rows] == [
        (repo.name, repo.stars, repo.forks) for repo in table
    ]
    assert "spoon-fork" not in {row["name"] for row in rows}


def test_limit_and_offset_do_not_apply_to_a_download(api, octocat):
    rows = csv_rows(api.get("/api/v1/accounts/octocat/repos?format=csv&limit=1&offset=2"))
    assert len(rows) == 8
    body = json_of(api.get("/api/v1/accounts/octocat/repos?format=json&limit=1&offset=2"))
    assert body["count"] == len(body["items"]) == 8


def test_every_repository_of_a_big_account_is_in_the_export(api, db):
    account = GitHubAccountFactory(login="big-org")
    RepositoryFactory.create_batch(150, owner=account)
    assert len(csv_rows(api.get("/api/v1/accounts/big-org/repos?format=csv"))) == 150


def test_the_json_download_is_the_ordinary_answer_complete(api, octocat):
    ordinary = api.get("/api/v1/accounts/octocat/repos?limit=100&sort=name&order=desc")
    download = api.get("/api/v1/accounts/octocat/repos?format=json&sort=name&order=desc")
    assert download.status_code == HTTPStatus.OK
    assert download["Content-Type"] == "application/json; charset=utf-8"
    body = json_of(download)
    assert body == ordinary.json()
    # The published schema holds for the download too.
    download.json = lambda: body
    assert_matches_schema(download, "GET", REPOS)


def test_name_and_language_filter_the_api_as_the_table(api, octocat):
    body = api.get("/api/v1/accounts/octocat/repos?name=HELLO&language=go").json()
    assert [repo["name"] for repo in body["items"]] == ["hello-go"]


def test_a_hostile_description_cannot_run_in_a_spreadsheet(api, octocat):
    rows = csv_rows(api.get("/api/v1/accounts/octocat/repos?format=csv&sort=name"))
    descriptions = {row["name"]: row["description"] for row in rows}
    for index, hostile in enumerate(HOSTILE_DESCRIPTIONS):
        assert descriptions[f"trap-{index}"] == "'" + hostile
    assert descriptions["hello-world"] == "A useful project."
    # JSON is not a spreadsheet: the text is as GitHub has it.
    items = json_of(api.get("/api/v1/accounts/octocat/repos?format=json&sort=name"))["items"]
    assert {item["description"] for item in items} >= set(HOSTILE_DESCRIPTIONS)


# --- The history --------------------------------------------------------------------------


def test_the_history_csv_has_the_pages_points(api, octocat):
    response = api.get("/api/v1/accounts/octocat/history?days=30&format=csv")
    rows = csv_rows(response)
    history = account_dashboard(account=octocat, history_days=30).history
    assert len(rows) == len(history.points) == 31
    assert [(r["date"], int(r["total_stars"]), int(r["followers"])) for r in rows] == [
        (p.date.isoformat(), p.total_stars, p.followers) for p in history.points
    ]
    assert list(rows[0]) == [
        "date", "followers", "following", "public_repos", "total_stars", "total_forks"
    ]  # fmt: skip


def test_days_all_is_every_day_in_json_and_csv_alike(api, octocat):
    ten_years_ago = today_utc() - timedelta(days=3650)
    AccountSnapshot.objects.create(account=octocat, date=ten_years_ago, total_stars=1)
    json_body = api.get("/api/v1/accounts/octocat/history?days=all")
    assert json_body.status_code == HTTPStatus.OK
    body = json_of(json_body)
    assert json_body.get("Content-Disposition") is None  # an answer, not a download
    assert body["days"] == "all"
    assert len(body["points"]) == 41
    assert body["points"][0]["date"] == ten_years_ago.isoformat()
    json_body.json = lambda: body
    assert_matches_schema(json_body, "GET", HISTORY)
    rows = csv_rows(api.get("/api/v1/accounts/octocat/history?days=all&format=csv"))
    assert [row["date"] for row in rows] == [point["date"] for point in body["points"]]


def test_the_history_json_download_is_the_ordinary_answer(api, octocat):
    ordinary = api.get("/api/v1/accounts/octocat/history?days=7").json()
    download = api.get("/api/v1/accounts/octocat/history?days=7&format=json")
    assert json_of(download) == ordinary
    assert download["Content-Disposition"].startswith("attachment;")


def test_accept_text_csv_asks_for_the_csv(api, octocat):
    response = api.get("/api/v1/accounts/octocat/history?days=7", headers={"Accept": "text/csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(csv_rows(response)) == 8
    assert "Accept" in response["Vary"]
    # JSON stays the default, for a browser's Accept too.
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert api.get(HISTORY.format(login="octocat"), headers={"Accept": browser}).json()["points"]
    preferred_json = {"Accept": "application/json, text/csv;q=0.5"}
    assert api.get(HISTORY.format(login="octocat"), headers=preferred_json).json()["points"]


# --- The comparison -----------------------------------------------------------------------


def test_the_comparison_csv_is_a_row_per_account_with_the_figures(api, octocat):
    hubot = GitHubAccountFactory(login="hubot", followers=5)
    snapshots_for(hubot, days=10)
    response = api.get("/api/v1/compare?logins=hubot,octocat&format=csv")
    rows = csv_rows(response)
    assert [row["login"] for row in rows] == ["hubot", "octocat"]
    figures = {
        item["profile"]["login"]: {figure["key"]: figure for figure in item["figures"]}
        for item in api.get("/api/v1/compare?logins=hubot,octocat").json()["items"]
    }
    octocat_row = rows[1]
    stars = figures["octocat"]["total_stars"]
    assert int(octocat_row["total_stars"]) == stars["value"]
    assert int(octocat_row["total_stars_change_30d"]) == stars["change_30d"]
    assert rows[0]["total_stars_change_30d"] == ""  # no snapshot 30 days old: no change
    assert response["Content-Disposition"] == (
        f'attachment; filename="compare-hubot-octocat-{today_utc().isoformat()}.csv"'
    )


def test_a_negative_change_stays_a_number(api, octocat):
    GitHubAccountFactory(login="hubot")
    # The snapshots gain a follower a day up to 1,200; 13 fewer today: 6 fewer than a week ago.
    GitHubAccount.objects.filter(pk=octocat.pk).update(followers=octocat.followers - 13)
    row = csv_rows(api.get("/api/v1/compare?logins=octocat,hubot&format=csv"))[0]
    assert row["followers_change_7d"] == "-6"
    assert row["followers"] == "1187"


def test_a_cached_comparison_still_downloads_as_csv(api, octocat):
    GitHubAccountFactory(login="hubot")
    assert api.get("/api/v1/compare?logins=octocat,hubot").status_code == HTTPStatus.OK
    for headers, path in (({}, "&format=csv"), ({"Accept": "text/csv"}, "")):
        response = api.get(f"/api/v1/compare?logins=octocat,hubot{path}", headers=headers)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert len(csv_rows(response)) == 2


def test_the_comparison_json_download_is_the_ordinary_answer(api, octocat):
    GitHubAccountFactory(login="hubot")
    ordinary = api.get("/api/v1/compare?logins=octocat,hubot").json()
    download = api.get("/api/v1/compare?logins=octocat,hubot&format=json")
    assert download.json() == ordinary
    assert download["Content-Disposition"].endswith('.json"')


# --- Names, headers, access, errors -------------------------------------------------------


def test_the_filename_says_what_and_when(api, octocat):
    day = today_utc().isoformat()
    names = {
        "/api/v1/accounts/OctoCat/repos?format=csv": f"octocat-repositories-{day}.csv",
        "/api/v1/accounts/octocat/repos?format=json": f"octocat-repositories-{day}.json",
        "/api/v1/accounts/octocat/history?days=all&format=csv": f"octocat-history-all-{day}.csv",
        "/api/v1/accounts/octocat/history?days=30&format=json": f"octocat-history-30d-{day}.json",
    }
    for path, filename in names.items():
        response = api.get(path)
        body_of(response)  # read: its cursor closes now, in this test's transaction
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"', path


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/octocat/repos?format=csv",
        "/api/v1/accounts/octocat/history?format=csv",
        "/api/v1/accounts/octocat/history?days=all",
    ],
)
def test_downloads_are_private_and_not_stored(api, octocat, path):
    response = api.get(path)
    body_of(response)
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "X-RateLimit-Remaining" in response


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/octocat/repos?format=csv",
        "/api/v1/accounts/octocat/history?days=all&format=json",
        "/api/v1/compare?logins=octocat,hubot&format=csv",
    ],
)
def test_an_anonymous_download_is_401_json(octocat, path):
    response = Client().get(path)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"] == "not_authenticated"
    assert set(response.json()) == {"error", "message", "request_id"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/octocat/repos?format=csv",
        "/api/v1/accounts/octocat/history?days=all&format=csv",
        "/api/v1/compare?logins=octocat,hubot&format=csv",
    ],
)
def test_a_hidden_account_cannot_be_downloaded(api, octocat, path):
    GitHubAccountFactory(login="hubot")
    GitHubAccount.objects.filter(pk=octocat.pk).update(hidden=True)
    response = api.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"] == "not_found"
    assert set(response.json()) == {"error", "message", "request_id"}


@pytest.mark.parametrize("value", ["xml", "CSV", "", "csv,json"])
def test_a_bad_format_is_422_in_the_error_shape(api, octocat, value):
    response = api.get(f"/api/v1/accounts/octocat/repos?format={value}")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    body = assert_matches_schema(response, "GET", REPOS)
    assert body["error"] == "validation_error"
    assert "query.format" in body["message"]


@pytest.mark.parametrize("value", ["0", "367", "ALL", "forever"])
def test_a_bad_days_is_422(api, octocat, value):
    response = api.get(f"/api/v1/accounts/octocat/history?days={value}&format=csv")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "query.days" in assert_matches_schema(response, "GET", HISTORY)["message"]


def test_a_browser_session_downloads_too(browser_session, octocat):
    # The page's Download links: the session cookie authenticates a GET (no CSRF needed).
    response = browser_session.get("/api/v1/accounts/octocat/repos?format=csv")
    assert response.status_code == HTTPStatus.OK
    body = body_of(response)
    assert body.count(b"\r\n") == 9  # the header and 8 repositories, RFC 4180 line ends
