"""Pinned query counts: each endpoint costs a constant number of queries whatever the data size.
Token calls cost one query to authenticate (the user; the login session behind the token comes
from the cache, cached_db sessions)."""

import pytest

from tests.pages.factories import (
    GitHubAccountFactory,
    RepositoryFactory,
    TrackingFactory,
    snapshots_for,
)


@pytest.fixture(params=[3, 30], ids=["3-repos", "30-repos"])
def octocat(request, db):
    account = GitHubAccountFactory(login="octocat")
    for index in range(request.param):
        RepositoryFactory(owner=account, name=f"repo-{index}", is_fork=index % 3 == 0)
    snapshots_for(account, days=35)
    return account


def test_me(api, django_assert_num_queries):
    # user, email verified?, GitHub login connected?
    with django_assert_num_queries(3):
        api.get("/api/v1/me")


def test_account_cold_then_cached(api, octocat, django_assert_num_queries):
    # user, account (languages and totals are on its row), the figures' snapshots, the top
    # repositories
    with django_assert_num_queries(4):
        assert api.get("/api/v1/accounts/octocat").status_code == 200
    # user: the answer comes from the cache, checked against the account's version
    with django_assert_num_queries(1):
        assert api.get("/api/v1/accounts/octocat").status_code == 200


def test_account_repos(api, octocat, django_assert_num_queries):
    # user, account, count, the window
    with django_assert_num_queries(4):
        assert api.get("/api/v1/accounts/octocat/repos?limit=100").status_code == 200


def test_account_history(api, octocat, django_assert_num_queries):
    # user, account, snapshots
    with django_assert_num_queries(3):
        assert api.get("/api/v1/accounts/octocat/history?days=30").status_code == 200


def test_account_stars(api, octocat, django_assert_num_queries):
    from github_stats.models import AccountStarHistory, today_utc, weeks_pack

    days = {today_utc().replace(day=1): 4, today_utc().replace(year=2015): 9}
    AccountStarHistory.objects.create(account=octocat, weeks=weeks_pack(days), attributed=13)
    # user, account, its summed star history (one row, whatever the repositories)
    with django_assert_num_queries(3):
        assert api.get("/api/v1/accounts/octocat/stars?interval=week").status_code == 200


def test_repository(api, octocat, django_assert_num_queries):
    # user, account, repository
    with django_assert_num_queries(3):
        assert api.get("/api/v1/repos/octocat/repo-1").status_code == 200


def test_refresh_and_job(api, octocat, fake_github, django_assert_num_queries):
    # user, account, not-found cache is no query; job insert in a savepoint (3 statements)
    with django_assert_num_queries(5):
        job = api.post("/api/v1/accounts/octocat/refresh").json()
    # user, job
    with django_assert_num_queries(2):
        assert api.get(f"/api/v1/jobs/{job['id']}").status_code == 200


def test_watchlist(api, user, django_assert_num_queries):
    for index in range(5):
        TrackingFactory(user=user, account=GitHubAccountFactory(login=f"watched-{index}"))
    # user, trackings joined with their accounts
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/watchlist").json()) == 5


def test_watchlist_put_and_delete(api, octocat, django_assert_num_queries):
    # user, account, the insert (none if it is there already), the tracking for the answer
    with django_assert_num_queries(4):
        assert api.put("/api/v1/watchlist/octocat").status_code == 200
    # user, account, delete
    with django_assert_num_queries(3):
        assert api.delete("/api/v1/watchlist/octocat").status_code == 204


def test_compare(api, octocat, django_assert_num_queries):
    snapshots_for(GitHubAccountFactory(login="hubot"), days=10)
    # user, both accounts, both accounts' snapshots, both users' contribution years (activity)
    with django_assert_num_queries(4):
        assert api.get("/api/v1/compare?logins=octocat,hubot").status_code == 200
    # user: the answer comes from the cache, checked against both accounts' versions
    with django_assert_num_queries(1):
        assert api.get("/api/v1/compare?logins=octocat,hubot").status_code == 200
