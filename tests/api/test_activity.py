"""GET /api/v1/accounts/{login}/activity and /activity/summary: a user's calendar and all-time
summary, an organisation's panel instead of an error, bad input in the API's one error shape."""

from __future__ import annotations

from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import ContributionYear, GitHubAccount, today_utc, year_pairs
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coder(db):
    account = GitHubAccountFactory(login="coder", kind="user")
    today = today_utc()
    for year in (today.year - 1, today.year):
        days = {date(year, 1, 1) + timedelta(days=i): 1 + i % 3 for i in range(0, 40, 2)}
        if year == today.year:
            days = {d: n for d, n in days.items() if d <= today}
            days[today - timedelta(days=1)] = 2
        ContributionYear.objects.create(
            account=account,
            year=year,
            days=year_pairs(days),
            total=sum(days.values()),
            commits=10,
            pull_requests=3,
            issues=2,
            reviews=1,
            restricted=4,
            by_repository=[["coder/<img src=x onerror=alert(1)>", 7]],
            fetched_at=timezone.now(),
        )
    return account


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert set(response.json()) == {"error", "message", "request_id"}
    assert response.json()["error"] == code


def test_a_user_s_year(client_logged_in, coder, django_assert_num_queries):
    # the session's user, the account, its year
    with django_assert_num_queries(3):
        response = client_logged_in.get("/api/v1/accounts/coder/activity")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["kind"] == "user"
    calendar = body["calendar"]
    assert calendar["year"] == today_utc().year
    assert len(calendar["days"]) == today_utc().timetuple().tm_yday
    assert sum(d["count"] for d in calendar["days"]) == calendar["totals"]["total"]
    assert {d["level"] for d in calendar["days"]} <= {0, 1, 2, 3, 4}
    assert calendar["by_repository"] == [["coder/<img src=x onerror=alert(1)>", 7]]


def test_a_year_not_stored_is_404(client_logged_in, coder):
    _error(client_logged_in.get("/api/v1/accounts/coder/activity?year=2012"), 404, "not_found")


@pytest.mark.parametrize("year", ["1999", "abc", "3000"])
def test_a_bad_year_is_422(client_logged_in, coder, year):
    response = client_logged_in.get(f"/api/v1/accounts/coder/activity?year={year}")
    _error(response, 422, "validation_error")


def test_the_summary(client_logged_in, coder, django_assert_num_queries):
    # the session's user, the account, its years, its bookkeeping
    with django_assert_num_queries(4):
        response = client_logged_in.get("/api/v1/accounts/coder/activity/summary")

    body = response.json()["summary"]
    assert body["all_time"]["commits"] == 20
    assert body["all_time"]["restricted"] == 8
    assert [y["year"] for y in body["years"]] == [today_utc().year, today_utc().year - 1]
    assert body["streaks"]["current"] >= 1  # yesterday counted, today not over
    assert body["source"] == "calendar"


def test_an_organisation_answers_its_panel(client_logged_in):
    org = GitHubAccountFactory(login="acme-org", kind="org")
    now = timezone.now()
    RepositoryFactory(owner=org, name="fresh", pushed_at=now - timedelta(days=2), created_at=now)
    RepositoryFactory(owner=org, name="old", pushed_at=now - timedelta(days=60))

    body = client_logged_in.get("/api/v1/accounts/acme-org/activity").json()

    assert body["kind"] == "org"
    assert body["calendar"] is None
    active = {a["days"]: a["repositories"] for a in body["organisation"]["active"]}
    assert active == {7: 1, 30: 1, 90: 2}
    assert body["organisation"]["new_repositories"][-1]["repositories"] == 1
    summary = client_logged_in.get("/api/v1/accounts/acme-org/activity/summary").json()
    assert summary["kind"] == "org"
    assert summary["summary"] is None


def test_hidden_unknown_and_anonymous(client_logged_in, coder):
    GitHubAccount.objects.filter(pk=coder.pk).update(hidden=True)
    _error(client_logged_in.get("/api/v1/accounts/coder/activity"), 404, "not_found")
    _error(client_logged_in.get("/api/v1/accounts/nobody/activity/summary"), 404, "not_found")
    _error(client_logged_in.get("/api/v1/accounts/-bad-/activity"), 422, "validation_error")
    from django.test import Client

    assert Client().get("/api/v1/accounts/coder/activity").status_code == HTTPStatus.UNAUTHORIZED


# --- The calendar as a download -------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    import csv
    import io

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("how", ["format", "accept"])
def test_the_calendar_as_csv_matches_the_json(client_logged_in, coder, how):
    year = today_utc().year - 1
    url = f"/api/v1/accounts/coder/activity?year={year}"
    days = client_logged_in.get(url).json()["calendar"]["days"]
    if how == "format":
        response = client_logged_in.get(f"{url}&format=csv")
    else:
        response = client_logged_in.get(url, headers={"Accept": "text/csv"})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    filename = f"coder-activity-{year}-{today_utc():%Y-%m-%d}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    rows = _csv(response)
    assert rows[0] == ["date", "count", "level"]
    assert rows[1:] == [[d["date"], str(d["count"]), str(d["level"])] for d in days]
    assert len(rows) - 1 == (366 if year % 4 == 0 else 365)


def test_the_calendar_as_a_json_download(client_logged_in, coder):
    plain = client_logged_in.get("/api/v1/accounts/coder/activity").json()["calendar"]
    response = client_logged_in.get("/api/v1/accounts/coder/activity?format=json")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="coder-activity-{today_utc().year}-'
    )
    import json

    body = json.loads(b"".join(response.streaming_content))
    assert body["days"] == plain["days"]
    assert body["totals"] == plain["totals"]
    assert body["login"] == "coder"


def test_a_download_is_refused_like_the_answer(client_logged_in, coder):
    _error(
        client_logged_in.get("/api/v1/accounts/coder/activity?year=2012&format=csv"),
        404,
        "not_found",
    )
    GitHubAccountFactory(login="acme-org", kind="org")
    _error(client_logged_in.get("/api/v1/accounts/acme-org/activity?format=csv"), 404, "not_found")
    _error(
        client_logged_in.get("/api/v1/accounts/coder/activity?format=xlsx"),
        422,
        "validation_error",
    )
    from django.test import Client

    anonymous = Client().get("/api/v1/accounts/coder/activity?format=csv")
    assert anonymous.status_code == HTTPStatus.UNAUTHORIZED


def test_compare_answers_activity_figures(client_logged_in, coder):
    GitHubAccountFactory(login="acme-org", kind="org")
    GitHubAccountFactory(login="quiet", kind="user")

    items = client_logged_in.get("/api/v1/compare?logins=coder,acme-org,quiet").json()["items"]

    summary = client_logged_in.get("/api/v1/accounts/coder/activity/summary").json()["summary"]
    coder_figures = items[0]["activity"]
    assert coder_figures["missing"] == ""
    assert coder_figures["all_time"] == summary["all_time"]["total"]
    assert coder_figures["this_year"] == summary["years"][0]["total"]
    assert coder_figures["last_year"] == summary["years"][1]["total"]
    assert coder_figures["current_streak"] == summary["streaks"]["current"]
    assert coder_figures["longest_streak"] == summary["streaks"]["longest"]
    assert items[1]["activity"]["missing"] == "organisation"
    assert items[1]["activity"]["all_time"] is None
    assert items[2]["activity"] == {
        "missing": "not_stored",
        "this_year": None,
        "last_year": None,
        "all_time": None,
        "current_streak": None,
        "longest_streak": None,
    }
    rows = _csv(client_logged_in.get("/api/v1/compare?logins=coder,quiet&format=csv"))
    header = rows[0]
    assert rows[1][header.index("contributions_all_time")] == str(summary["all_time"]["total"])
    assert rows[2][header.index("current_streak")] == ""
