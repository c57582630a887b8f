"""Constraints, QuerySet methods and model methods of github_stats."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from github_stats.models import GitHubAccount, JobStatus, RefreshJob, Tracking
from tests.github_stats.factories import (
    AccountSnapshotFactory,
    GitHubAccountFactory,
    RefreshJobFactory,
    RepositoryFactory,
    TrackingFactory,
)

pytestmark = pytest.mark.django_db


def test_logins_are_unique_whatever_their_case():
    GitHubAccountFactory(login="Alice")
    with transaction.atomic(), pytest.raises(IntegrityError):
        GitHubAccountFactory(login="alice")


def test_by_login_ignores_case():
    account = GitHubAccountFactory(login="Alice")
    assert GitHubAccount.objects.by_login("ALICE").get() == account


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
    shown = GitHubAccountFactory()
    GitHubAccountFactory(hidden=True)
    assert list(GitHubAccount.objects.visible()) == [shown]


def test_stale_is_never_fetched_or_older_than_the_ttl():
    now = timezone.now()
    never = GitHubAccountFactory(fetched_at=None)
    old = GitHubAccountFactory(fetched_at=now - dt.timedelta(hours=7))
    GitHubAccountFactory(fetched_at=now - dt.timedelta(hours=1))

    stale = GitHubAccount.objects.stale(older_than=dt.timedelta(hours=6), now=now).stalest_first()

    assert list(stale) == [never, old]


def test_an_account_is_stale_from_stats_ttl_after_its_refresh(settings):
    settings.STATS_TTL = 6 * 60 * 60
    now = timezone.now()
    fresh = GitHubAccountFactory(fetched_at=now - dt.timedelta(hours=5, minutes=59))
    old = GitHubAccountFactory(fetched_at=now - dt.timedelta(hours=6))
    never = GitHubAccountFactory(fetched_at=None)

    assert not fresh.is_stale(now)
    assert old.is_stale(now)
    assert never.is_stale(now)
    assert fresh.stale_at() == fresh.fetched_at + dt.timedelta(hours=6)
    assert never.stale_at() is None


def test_tracked_accounts_are_those_someone_watches(user, other_user):
    mine = TrackingFactory(user=user).account
    theirs = TrackingFactory(user=other_user).account
    GitHubAccountFactory()

    assert set(GitHubAccount.objects.tracked()) == {mine, theirs}


def test_languages_are_outdated_until_fetched_for_the_latest_push():
    pushed = timezone.now()
    repo = RepositoryFactory(pushed_at=pushed, languages_pushed_at=None)
    assert repo.languages_outdated()
    repo.languages_pushed_at = pushed
    assert not repo.languages_outdated()


def test_every_account_gets_its_own_random_cache_version():
    first, second = GitHubAccountFactory(), GitHubAccountFactory()
    assert len(first.cache_version) == 32
    assert first.cache_version != second.cache_version
