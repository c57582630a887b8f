"""Constraints, QuerySet methods and model methods of github_stats."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from github_stats.caching import account_cache_invalidate, account_cache_version
from github_stats.models import Account, JobStatus, RefreshJob, Repository, Tracking
from tests.github_stats.factories import (
    AccountFactory,
    AccountSnapshotFactory,
    RefreshJobFactory,
    RepositoryFactory,
    TrackingFactory,
)

pytestmark = pytest.mark.django_db


def test_logins_are_unique_whatever_their_case():
    AccountFactory(login="Alice")
    with transaction.atomic(), pytest.raises(IntegrityError):
        AccountFactory(login="alice")


def test_by_login_ignores_case():
    account = AccountFactory(login="Alice")
    assert Account.objects.by_login("ALICE").get() == account


def test_one_snapshot_per_account_per_day():
    snapshot = AccountSnapshotFactory()
    with transaction.atomic(), pytest.raises(IntegrityError):
        AccountSnapshotFactory(account=snapshot.account, date=snapshot.date)


def test_one_tracking_per_user_and_account():
    tracking = TrackingFactory()
    with transaction.atomic(), pytest.raises(IntegrityError):
        TrackingFactory(user=tracking.user, account=tracking.account)


def test_deleting_a_user_removes_their_trackings_and_keeps_their_jobs(user):
    TrackingFactory(user=user)
    job = RefreshJobFactory(requested_by=user, status=JobStatus.SUCCEEDED)

    user.delete()

    assert not Tracking.objects.exists()
    job.refresh_from_db()
    assert job.requested_by is None


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
def test_at_most_one_job_in_flight_per_account(status):
    job = RefreshJobFactory(status=status)
    with transaction.atomic(), pytest.raises(IntegrityError):
        RefreshJobFactory(account=job.account, login="another-name")


def test_at_most_one_job_in_flight_per_login():
    RefreshJobFactory(account=None, login="newcomer")
    with transaction.atomic(), pytest.raises(IntegrityError):
        RefreshJobFactory(account=None, login="newcomer")


def test_finished_jobs_do_not_hold_the_lock():
    job = RefreshJobFactory(status=JobStatus.SUCCEEDED)
    RefreshJobFactory(account=job.account, status=JobStatus.FAILED)
    RefreshJobFactory(account=job.account, status=JobStatus.QUEUED)
    assert RefreshJob.objects.in_flight().count() == 1


def test_visible_excludes_hidden_accounts():
    shown = AccountFactory()
    AccountFactory(hidden=True)
    assert list(Account.objects.visible()) == [shown]


def test_stale_is_never_fetched_or_older_than_the_ttl():
    now = timezone.now()
    never = AccountFactory(fetched_at=None)
    old = AccountFactory(fetched_at=now - dt.timedelta(hours=7))
    AccountFactory(fetched_at=now - dt.timedelta(hours=1))

    stale = Account.objects.stale(older_than=dt.timedelta(hours=6), now=now).stalest_first()

    assert list(stale) == [never, old]
    assert old.is_stale(now, ttl=dt.timedelta(hours=6))
    assert never.is_stale(now)


def test_tracked_and_for_user(user, other_user):
    mine = TrackingFactory(user=user).account
    theirs = TrackingFactory(user=other_user).account
    AccountFactory()

    assert set(Account.objects.tracked()) == {mine, theirs}
    assert list(Account.objects.for_user(user)) == [mine]


def test_totals_count_all_own_repositories_and_non_forks():
    account = AccountFactory()
    RepositoryFactory(owner=account, stars=10, forks=2)
    RepositoryFactory(owner=account, stars=3, forks=1, is_fork=True)
    RepositoryFactory(stars=100)  # someone else's

    totals = Repository.objects.for_account(account).totals()

    assert (totals.repositories, totals.stars, totals.forks) == (2, 13, 3)
    assert (totals.non_fork_repositories, totals.non_fork_stars, totals.non_fork_forks) == (
        1,
        10,
        2,
    )


def test_totals_of_no_repositories_are_zero():
    totals = Repository.objects.for_account(AccountFactory()).totals()
    assert (totals.repositories, totals.stars, totals.forks) == (0, 0, 0)


def test_languages_by_count_and_by_bytes():
    account = AccountFactory()
    RepositoryFactory(owner=account, language="Python", language_bytes={"Python": 900, "C": 50})
    RepositoryFactory(owner=account, language="Python", language_bytes={"Python": 100})
    RepositoryFactory(owner=account, language="Go", language_bytes={"Go": 2000})
    RepositoryFactory(owner=account, language="", language_bytes={})
    repos = Repository.objects.for_account(account)

    assert repos.languages_by_count() == [("Python", 2), ("Go", 1)]
    assert repos.languages_by_bytes() == [("Go", 2000), ("Python", 1000), ("C", 50)]


def test_languages_are_outdated_until_fetched_for_the_latest_push():
    pushed = timezone.now()
    repo = RepositoryFactory(pushed_at=pushed, languages_pushed_at=None)
    assert repo.languages_outdated()
    repo.languages_pushed_at = pushed
    assert not repo.languages_outdated()


def test_a_refresh_changes_the_cache_version():
    account = AccountFactory()
    before = account_cache_version(account_id=account.pk)
    assert account_cache_version(account_id=account.pk) == before

    account_cache_invalidate(account_id=account.pk)

    assert account_cache_version(account_id=account.pk) != before
