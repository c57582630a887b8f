"""GET /accounts/{login}/history: `missing_days`, the UTC days with no snapshot (no refresh that
day), in the ordinary answer, the streamed one (`days=all`) and the JSON download alike; the
CSV keeps the rows only. The rule itself: tests/pages/test_history_gaps.py."""

from datetime import timedelta
from http import HTTPStatus

import pytest

from github_stats.models import AccountSnapshot, today_utc
from tests.api.openapi import assert_matches_schema
from tests.exports.conftest import csv_rows, json_of
from tests.pages.factories import GitHubAccountFactory, TrackingFactory

pytestmark = pytest.mark.django_db

HISTORY = "/api/v1/accounts/{login}/history"


def _account(*, days_ago, watched: bool = False):
    account = GitHubAccountFactory(login="gappy")
    if watched:
        TrackingFactory(account=account)
    today = today_utc()
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(account=account, date=today - timedelta(days=ago), total_stars=1000 - ago)
        for ago in days_ago
    )
    return account


def _iso(*agos: int) -> list[str]:
    return sorted((today_utc() - timedelta(days=ago)).isoformat() for ago in agos)


def test_the_history_lists_the_days_missing_between_its_points(api):
    _account(days_ago=[ago for ago in range(20) if ago not in (3, 7, 8)])
    response = api.get("/api/v1/accounts/gappy/history?days=30")
    assert response.status_code == HTTPStatus.OK
    body = assert_matches_schema(response, "GET", HISTORY)
    assert body["missing_days"] == _iso(3, 7, 8)
    assert len(body["points"]) == 17


def test_a_watched_account_misses_the_days_after_its_last_point_up_to_yesterday(api):
    _account(days_ago=range(3, 20), watched=True)
    body = api.get("/api/v1/accounts/gappy/history?days=30").json()
    assert body["missing_days"] == _iso(1, 2)  # today's refresh may still come


def test_nothing_missing_is_an_empty_list(api):
    _account(days_ago=range(1, 20), watched=True)  # no refresh yet today: not missing
    assert api.get("/api/v1/accounts/gappy/history?days=7").json()["missing_days"] == []


def test_a_range_counts_only_its_own_missing_days(api):
    _account(days_ago=[ago for ago in range(20) if ago not in (3, 15)])
    assert api.get("/api/v1/accounts/gappy/history?days=10").json()["missing_days"] == _iso(3)


def test_every_day_streamed_says_its_missing_days_too(api):
    _account(days_ago=[ago for ago in range(400) if ago not in (5, 300, 301)], watched=True)
    AccountSnapshot.objects.filter(date=today_utc()).delete()
    response = api.get("/api/v1/accounts/gappy/history?days=all")
    body = json_of(response)
    assert response.get("Content-Disposition") is None  # an answer, not a download
    assert body["missing_days"] == _iso(5, 300, 301)
    response.json = lambda: body
    assert_matches_schema(response, "GET", HISTORY)


def test_the_json_download_is_the_ordinary_answer_missing_days_included(api):
    _account(days_ago=[ago for ago in range(10) if ago != 4])
    ordinary = api.get("/api/v1/accounts/gappy/history?days=7").json()
    download = api.get("/api/v1/accounts/gappy/history?days=7&format=json")
    assert download["Content-Disposition"].startswith("attachment;")
    assert json_of(download) == ordinary
    assert ordinary["missing_days"] == _iso(4)


def test_the_csv_keeps_the_rows_only(api):
    _account(days_ago=[ago for ago in range(10) if ago != 4])
    rows = csv_rows(api.get("/api/v1/accounts/gappy/history?days=7&format=csv"))
    assert len(rows) == 7
    assert "missing_days" not in rows[0]


def test_missing_days_cost_no_query(api, django_assert_num_queries):
    _account(days_ago=[ago for ago in range(3, 40) if ago != 10], watched=True)
    for path in ("history?days=30", "history?days=all", "history?days=30&format=json"):
        # user, account (whether anyone watches it in the same query), the snapshots
        with django_assert_num_queries(3):
            response = api.get(f"/api/v1/accounts/gappy/{path}")
            body = json_of(response)
        assert body["missing_days"][:1] == _iso(10), path
