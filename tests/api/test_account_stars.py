"""GET /api/v1/accounts/{login}/stars: the account's summed star history with its coverage, the
numbers of the selector the dashboard's chart reads, and every bad window refused with 422 in
the API's one error shape."""

from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import AccountStarHistory, GitHubAccount, today_utc, weeks_pack
from github_stats.selectors.star_history import account_star_history
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/accounts/octocat/stars"


@pytest.fixture
def octocat(db):
    """80 of the account's 100 stars covered by 2 of its 3 starred repositories."""
    account = GitHubAccountFactory(login="octocat")
    for name, stars in (("a", 50), ("b", 30), ("c", 20)):
        RepositoryFactory(owner=account, name=name, stars=stars)
    GitHubAccount.objects.filter(pk=account.pk).update(total_stars=100)
    account.refresh_from_db()
    today = today_utc()
    days = {
        today - timedelta(days=400): 30,
        today - timedelta(days=45): 40,
        today - timedelta(days=2): 8,
    }
    AccountStarHistory.objects.create(
        account=account,
        weeks=weeks_pack(days),
        repositories_covered=2,
        repositories_starred=3,
        stars_covered=80,
        stars_total=100,
        attributed=78,
        updated_at=timezone.now(),
    )
    return account


def _points(series) -> list[dict]:
    return [
        {"date": point.date.isoformat(), "gained": point.gained, "total": point.total}
        for point in series.points
    ]


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error", "message", "request_id"}
    assert body["error"] == code
    assert body["request_id"]
    return body


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_each_interval_is_the_selectors_series(api, octocat, interval):
    response = api.get(f"{URL}?interval={interval}")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    expected = account_star_history(account=octocat, interval=interval).series
    assert body["login"] == "octocat"
    assert body["series"]["interval"] == interval
    assert body["series"]["points"] == _points(expected)
    assert body["series"]["points"][-1]["total"] == 78
    assert body["series"]["first_star"] == (today_utc() - timedelta(days=400)).isoformat()
    assert (body["series"]["stars"], body["series"]["unattributed"]) == (80, 2)


def test_the_coverage_says_how_much_of_the_stars_the_sum_is(api, octocat):
    body = api.get(URL).json()
    assert body["coverage"] == {
        "repositories_covered": 2,
        "repositories_starred": 3,
        "stars_covered": 80,
        "stars_total": 100,
    }
    assert body["share"] == pytest.approx(0.8)
    assert body["whole"] is False
    assert body["series"]["complete"] is False
    assert body["series"]["pending"] is False


def test_from_and_to_bound_the_points_but_totals_count_what_came_before(api, octocat):
    today = today_utc()
    start, end = today - timedelta(days=60), today - timedelta(days=30)
    body = api.get(f"{URL}?from={start}&to={end}").json()
    points = body["series"]["points"]
    assert (points[0]["date"], points[-1]["date"]) == (start.isoformat(), end.isoformat())
    assert len(points) == 31
    assert points[0]["total"] == 30  # the 30 stars given 400 days ago
    assert points[-1]["total"] == 70
    expected = account_star_history(account=octocat, start=start, end=end).series
    assert points == _points(expected)


def test_a_window_by_month_starts_on_the_first(api, octocat):
    body = api.get(f"{URL}?interval=month&from=2020-01-15&to={today_utc()}").json()
    first = body["series"]["points"][0]["date"]
    assert first.endswith("-01")


def test_an_account_without_a_history_yet_is_an_empty_series(api, db):
    account = GitHubAccountFactory(login="octocat")
    GitHubAccount.objects.filter(pk=account.pk).update(total_stars=12)
    body = api.get(URL).json()
    assert body["series"]["points"] == []
    assert body["coverage"]["stars_total"] == 12
    assert body["whole"] is False


@pytest.mark.parametrize(
    "query",
    [
        "from=2024-05-02&to=2024-05-01",  # from after to
        "from=2024-13-01",  # no such month
        "from=2024-02-30",  # no such day
        "to=1700000000",  # a timestamp, not an ISO date
        "from=2024-5-1",  # not ISO
        "from=yesterday",
        "to=2024-05-01T00:00:00",
        "interval=year",
        "interval=",
        "from=2007-12-31",  # before GitHub
        "from=1970-01-01&to=2024-01-01",
        "from=2008-01-01&to=2030-01-02",  # over 20 years
    ],
)
def test_a_bad_window_is_422_in_the_error_shape(api, octocat, query):
    _assert_error(api.get(f"{URL}?{query}"), 422, "validation_error")


def test_twenty_years_is_allowed(api, octocat):
    assert api.get(f"{URL}?from=2008-01-01&to=2028-01-01").status_code == HTTPStatus.OK


def test_an_unknown_account_is_404_and_queues_nothing(api, db):
    from github_stats.models import RefreshJob

    _assert_error(api.get("/api/v1/accounts/nobody-here/stars"), 404, "not_found")
    assert not RefreshJob.objects.exists()


def test_a_hidden_account_is_404(api, octocat):
    GitHubAccount.objects.filter(pk=octocat.pk).update(hidden=True)
    _assert_error(api.get(URL), 404, "not_found")


def test_an_invalid_login_is_422(api, db):
    _assert_error(api.get("/api/v1/accounts/-bad-/stars"), 422, "validation_error")


def test_anonymous_is_401(client, octocat):
    _assert_error(client.get(URL), 401, "not_authenticated")


def test_the_answer_is_private(api, octocat):
    assert "private" in api.get(URL)["Cache-Control"]


def test_queries_are_pinned(api, octocat, django_assert_num_queries):
    # the user, the account, its summed star history
    with django_assert_num_queries(3):
        assert api.get(f"{URL}?interval=week&from=2010-01-01").status_code == HTTPStatus.OK


def test_the_schema_documents_it(api):
    schema = api.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/accounts/{login}/stars"]["get"]
    assert operation["summary"] == "An account's star history"
    assert "coverage" in operation["description"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {"login", "from", "to", "interval"}
    assert {"200", "401", "404", "422"} <= set(operation["responses"])


def test_first_star_dates_are_plain_dates(api, octocat):
    body = api.get(URL).json()
    assert date.fromisoformat(body["series"]["first_star"])
