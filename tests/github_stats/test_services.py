"""refresh_request() and the job lock, refresh_job_run(), the watchlist services."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from github_stats.caching import account_version_publish
from github_stats.exceptions import AccountHidden
from github_stats.github.errors import GitHubNotFound, InvalidLogin, RateLimited
from github_stats.models import GitHubAccount, JobStatus, RefreshJob, Repository, Tracking
from github_stats.services.jobs import (
    refresh_job_create,
    refresh_job_run,
    refresh_request,
    refresh_run_now,
)
from github_stats.services.tracking import tracking_add, tracking_remove
from tests.github_stats.factories import GitHubAccountFactory, RefreshJobFactory, TrackingFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login", ["", "-alice", "alice-", "al--ice", "a" * 40, "alice/../x"])
def test_an_invalid_login_is_refused_before_any_query_or_request(
    login, fake_github, django_assert_num_queries
):
    with django_assert_num_queries(0), pytest.raises(InvalidLogin):
        refresh_request(login=login, requested_by=None)

    assert fake_github.state.total == 0
    assert not RefreshJob.objects.exists()


def test_a_request_for_a_new_login_refreshes_it_and_the_job_finds_the_account(
    fake_github, user, django_capture_on_commit_callbacks
):
    fake_github.state.add_user("alice", repos=12)

    with django_capture_on_commit_callbacks(execute=True):
        job = refresh_request(login="Alice", requested_by=user)

    # Test settings run tasks inline, as the zero-setup default does without Redis.
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.login == "alice"
    assert job.account == GitHubAccount.objects.get(login="alice")
    assert job.requested_by == user
    assert job.quota_requests == 2
    assert job.github_requests == 2
    assert job.started_at is not None
    assert job.finished_at is not None
    assert Repository.objects.count() == 12


def test_a_second_request_while_one_is_in_flight_returns_that_job(db):
    account = GitHubAccountFactory(login="alice")
    queued = RefreshJobFactory(account=account, status=JobStatus.QUEUED)

    job = refresh_request(login="ALICE", requested_by=None)

    assert job.pk == queued.pk
    assert RefreshJob.objects.count() == 1


def test_a_second_request_for_an_unknown_login_returns_the_job_in_flight(db):
    queued = RefreshJobFactory(account=None, login="newcomer", status=JobStatus.RUNNING)

    job = refresh_request(login="NewComer", requested_by=None)

    assert job.pk == queued.pk


def test_a_request_after_the_last_job_finished_queues_a_new_one(
    fake_github, django_capture_on_commit_callbacks
):
    fake_github.state.add_user("alice")
    with django_capture_on_commit_callbacks(execute=True):
        first = refresh_request(login="alice", requested_by=None)

    with django_capture_on_commit_callbacks(execute=True):
        second = refresh_request(login="alice", requested_by=None)

    assert second.pk != first.pk
    assert RefreshJob.objects.filter(status=JobStatus.SUCCEEDED).count() == 2


def test_a_hidden_account_cannot_be_refreshed(fake_github):
    GitHubAccountFactory(login="alice", hidden=True)

    with pytest.raises(AccountHidden):
        refresh_request(login="alice", requested_by=None)

    assert not RefreshJob.objects.exists()
    assert fake_github.state.total == 0


def test_an_unknown_account_fails_its_job_and_is_remembered_for_a_while(
    fake_github, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = refresh_request(login="nobody", requested_by=None)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "not_found")
    assert job.account is None
    requests = fake_github.state.total

    with pytest.raises(GitHubNotFound):
        refresh_request(login="nobody", requested_by=None)

    assert fake_github.state.total == requests


def test_github_unavailable_fails_the_job_with_a_message(
    fake_github, django_capture_on_commit_callbacks
):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "status", status=503, count=None)

    with django_capture_on_commit_callbacks(execute=True):
        job = refresh_request(login="alice", requested_by=None)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "github_unavailable")
    assert job.github_requests == 3  # the client's own retries


def test_a_finished_job_is_not_run_again(fake_github, django_capture_on_commit_callbacks):
    fake_github.state.add_user("alice")
    with django_capture_on_commit_callbacks(execute=True):
        job = refresh_request(login="alice", requested_by=None)
    requests = fake_github.state.total

    again = refresh_job_run(job_id=job.pk)

    assert again is not None
    assert again.status == JobStatus.SUCCEEDED
    assert again.attempts == 1
    assert fake_github.state.total == requests


def test_a_job_that_does_not_exist_is_nothing_to_do(db):
    assert refresh_job_run(job_id="0b6f2a5e-2a6c-4c34-9a0c-4e8e1f5d9a11") is None


def test_a_job_left_running_by_a_dead_worker_is_run_again_to_the_same_state(
    fake_github, github_client, django_capture_on_commit_callbacks
):
    fake_github.state.add_user("alice", repos=150)
    with django_capture_on_commit_callbacks(execute=True):
        clean = refresh_request(login="alice", requested_by=None)
    clean.refresh_from_db()
    expected = sorted(Repository.objects.values_list("github_id", "stars", "name"))
    # The worker died after its first attempt had stored part of the repositories.
    Repository.objects.filter(
        pk__in=list(Repository.objects.values_list("pk", flat=True)[:70])
    ).delete()
    job = RefreshJobFactory(account=clean.account, status=JobStatus.RUNNING, attempts=1)

    refresh_job_run(job_id=job.pk, client=github_client)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert sorted(Repository.objects.values_list("github_id", "stars", "name")) == expected


@pytest.mark.postgres
def test_ten_concurrent_requests_for_one_account_make_one_job_and_one_fetch(
    transactional_db, fake_github
):
    require_postgres()
    fake_github.state.add_user("alice", repos=150)
    # The first refresh is still fetching when the other requests arrive.
    fake_github.state.inject("/users/alice", "slow", seconds=0.3)
    barrier = threading.Barrier(10)
    jobs: list[str] = []
    errors: list[BaseException] = []

    def request() -> None:
        try:
            barrier.wait()
            jobs.append(str(refresh_request(login="alice", requested_by=None).pk))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(jobs) == 10
    assert len(set(jobs)) == 1
    assert RefreshJob.objects.count() == 1
    assert fake_github.state.count("/users/alice") == 1
    assert fake_github.state.count("/users/alice/repos") == 1


def test_the_database_refuses_a_second_job_in_flight_for_an_account(db):
    account = GitHubAccountFactory()
    RefreshJobFactory(account=account, status=JobStatus.RUNNING)

    existing = refresh_job_create(account=account, enqueue=False)

    assert existing.status == JobStatus.RUNNING
    assert RefreshJob.objects.count() == 1


def test_tracking_add_is_idempotent(user):
    account = GitHubAccountFactory()

    tracking_add(user=user, account=account)
    first = Tracking.objects.get()
    tracking_add(user=user, account=account)

    assert list(Tracking.objects.values_list("pk", "created_at")) == [(first.pk, first.created_at)]


def test_a_hidden_account_cannot_be_tracked(user):
    with pytest.raises(AccountHidden):
        tracking_add(user=user, account=GitHubAccountFactory(hidden=True))


def test_tracking_remove_only_touches_my_watchlist(user, other_user):
    account = GitHubAccountFactory()
    TrackingFactory(user=user, account=account)
    TrackingFactory(user=other_user, account=account)

    assert tracking_remove(user=user, account=account) is True
    assert tracking_remove(user=user, account=account) is False
    assert list(Tracking.objects.values_list("user", flat=True)) == [other_user.pk]


def test_the_job_is_enqueued_only_when_the_transaction_commits(
    fake_github, django_capture_on_commit_callbacks
):
    fake_github.state.add_user("alice")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = refresh_request(login="alice", requested_by=None)

    assert len(callbacks) == 1
    assert fake_github.state.total == 0
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


# --- refresh_run_now: the backfill command's way, through the same job ------------------------


def test_running_now_refreshes_through_the_accounts_job_without_a_worker(
    fake_github, github_client, django_capture_on_commit_callbacks
):
    fake_github.state.add_user("alice", repos=3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = refresh_run_now(login="alice", client=github_client)

    # Nothing handed to Celery: the only callback publishes the new cache version.
    assert [getattr(cb, "func", None) for cb in callbacks] == [account_version_publish]
    assert run.result is not None
    assert run.result.repositories == 3
    job = RefreshJob.objects.get()
    assert (job.status, job.account, job.quota_requests) == (
        JobStatus.SUCCEEDED,
        run.result.account,
        2,
    )


def test_running_now_a_job_a_worker_is_running_leaves_it_to_the_worker(fake_github, github_client):
    account = GitHubAccountFactory(login="alice")
    running = RefreshJobFactory(account=account, status=JobStatus.RUNNING)

    run = refresh_run_now(account=account, client=github_client)

    assert run.busy
    assert run.job is not None
    assert run.job.pk == running.pk
    assert fake_github.state.total == 0


def test_running_now_takes_over_a_queued_job(fake_github, github_client):
    fake_github.state.add_user("alice")
    account = GitHubAccountFactory(login="alice", github_id=fake_github.state.account("alice").id)
    queued = RefreshJobFactory(account=account, status=JobStatus.QUEUED)

    run = refresh_run_now(account=account, client=github_client)

    queued.refresh_from_db()
    assert queued.status == JobStatus.SUCCEEDED
    assert run.result is not None
    assert RefreshJob.objects.count() == 1


def test_running_now_into_the_rate_limit_parks_the_job_for_the_scheduler(
    fake_github, github_client
):
    fake_github.state.add_user("alice")
    fake_github.state.set_quota(remaining=0)

    with pytest.raises(RateLimited):
        refresh_run_now(login="alice", client=github_client)

    job = RefreshJob.objects.get()
    assert (job.status, job.error_code) == (JobStatus.QUEUED, "github_rate_limited")
    assert job.retry_at is not None


def test_running_now_refuses_bad_and_hidden_logins_before_github(fake_github, github_client):
    GitHubAccountFactory(login="hidden-one", hidden=True)
    with pytest.raises(InvalidLogin):
        refresh_run_now(login="-bad", client=github_client)
    with pytest.raises(AccountHidden):
        refresh_run_now(login="hidden-one", client=github_client)
    assert fake_github.state.total == 0
    assert not RefreshJob.objects.exists()
