"""Big downloads stream (StreamingHttpResponse fed by chunked querysets), and every download
costs a constant number of queries. Memory is measured by bench/exports.py, not here."""

from datetime import timedelta
from http import HTTPStatus

from django.db import OperationalError, connection
from django.http import StreamingHttpResponse
from django.utils import timezone

from github_stats.models import AccountSnapshot, Repository, today_utc
from tests.exports.conftest import body_of, csv_rows, json_of
from tests.pages.factories import GitHubAccountFactory, snapshots_for

REPOSITORIES = 2_500
TEN_YEARS = 3_653


def _big_org():
    account = GitHubAccountFactory(login="big-org", kind="org", public_repos=REPOSITORIES)
    now = timezone.now()
    Repository.objects.bulk_create(
        Repository(
            github_id=500_000 + i,
            owner=account,
            name=f"repo-{i:04d}",
            description=f"Repository {i}",
            stars=i % 997,
            forks=i % 89,
            pushed_at=now - timedelta(hours=i),
            fetched_at=now,
        )
        for i in range(REPOSITORIES)
    )
    return account


def test_2500_repositories_stream_in_chunks(api, db):
    _big_org()
    response = api.get("/api/v1/accounts/big-org/repos?format=csv")
    assert isinstance(response, StreamingHttpResponse)
    assert not response.has_header("Content-Length")
    chunks = list(response.streaming_content)
    assert len(chunks) > 2  # written as read, not built whole
    data = b"".join(chunks)
    assert data.count(b"\r\n") == REPOSITORIES + 1
    response = api.get("/api/v1/accounts/big-org/repos?format=json")
    assert isinstance(response, StreamingHttpResponse)
    body = json_of(response)
    assert body["count"] == len(body["items"]) == REPOSITORIES


def test_ten_years_of_days_stream(api, db):
    account = GitHubAccountFactory(login="old-timer")
    today = today_utc()
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(account=account, date=today - timedelta(days=day), total_stars=day)
        for day in range(TEN_YEARS)
    )
    for path in (
        "/api/v1/accounts/old-timer/history?days=all&format=csv",
        "/api/v1/accounts/old-timer/history?days=all",
    ):
        response = api.get(path)
        body_of(response)
        assert isinstance(response, StreamingHttpResponse), path
    assert len(csv_rows(api.get("/api/v1/accounts/old-timer/history?days=all&format=csv"))) == (
        TEN_YEARS
    )
    assert len(json_of(api.get("/api/v1/accounts/old-timer/history?days=all"))["points"]) == (
        TEN_YEARS
    )


def test_a_repositories_csv_is_three_queries_whatever_its_size(
    api, octocat, django_assert_num_queries
):
    _big_org()
    for login in ("octocat", "big-org"):
        # user (the token), account, the repositories (one server-side cursor, fetched in chunks)
        with django_assert_num_queries(3):
            body_of(api.get(f"/api/v1/accounts/{login}/repos?format=csv"))


def test_a_repositories_json_download_is_four_queries(api, octocat, django_assert_num_queries):
    # user, account, the count (RepoWindow's `count`), the repositories
    with django_assert_num_queries(4):
        body_of(api.get("/api/v1/accounts/octocat/repos?format=json"))


def test_a_history_download_is_three_queries(api, octocat, django_assert_num_queries):
    for path in ("history?days=all&format=csv", "history?days=all", "history?days=30&format=json"):
        # user, account, the snapshots (one server-side cursor)
        with django_assert_num_queries(3):
            body_of(api.get(f"/api/v1/accounts/octocat/{path}"))


def test_a_comparison_download_is_four_queries(api, octocat, django_assert_num_queries):
    snapshots_for(GitHubAccountFactory(login="hubot"), days=3)
    for export in ("csv", "json"):
        # user, both accounts, both accounts' snapshots, both users' contribution years (the
        # activity figures); never the cache's JSON answer
        with django_assert_num_queries(4):
            body_of(api.get(f"/api/v1/compare?logins=octocat,hubot&format={export}"))


def test_a_database_error_while_reading_is_an_error_answer_not_a_cut_off_file(api, octocat):
    # Django's own hook around every query: the export's read fails as a lost database would.
    def fail_on_repositories(execute, sql, params, many, context):
        if "github_stats_repository" in sql:
            raise OperationalError("the database went away")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_repositories):
        response = api.get("/api/v1/accounts/octocat/repos?format=csv")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert set(response.json()) == {"error", "message", "request_id"}
