"""The shared GitHub budget in the services (github_stats/services/budget.py and the refresh
entry point): what counts, what is given back, what is checked again when a job starts, what
happens without the counters, and parked jobs nobody waits for."""

from __future__ import annotations

import copy
import datetime as dt
from functools import partial

import pytest
from django.utils import timezone

from github_stats.exceptions import PersonBudgetSpent, QuotaReserved
from github_stats.models import JobStatus, RefreshJob
from github_stats.services.budget import (
    budget_admit,
    budget_person_get,
    budget_requests_charge,
    budget_requests_check,
)
from github_stats.services.jobs import refresh_job_run, refresh_job_watched, refresh_request
from github_stats.services.scheduling import refresh_stale_tick
from tests.factories import UserFactory
from tests.github_stats.factories import GitHubAccountFactory, RefreshJobFactory, TrackingFactory
from tests.github_stats.quota import quota_seen

pytestmark = [
    pytest.mark.django_db,
    # Each counts what one budget hour let through.
    pytest.mark.usefixtures("one_budget_hour"),
]


# This module's quota window: 1,000 requests, half an hour to its reset.
_quota = partial(quota_seen, limit=1000, reset_in=1800)


def test_a_first_fetch_of_a_login_already_in_flight_costs_no_share(user, other_user):
    first = refresh_request(login="popular", requested_by=user)

    again = refresh_request(login="popular", requested_by=other_user)

    assert again.pk == first.pk
    share = budget_person_get(user_id=other_user.pk)
    assert share.first_fetches_left == share.first_fetches_limit
    assert budget_person_get(user_id=user.pk).first_fetches_left == share.first_fetches_limit - 1


def test_a_job_in_flight_is_handed_over_even_past_the_share(user, other_user, settings):
    settings.GITHUB_FIRST_FETCHES_PER_PERSON_HOUR = 1
    refresh_request(login="spent-it", requested_by=other_user)
    first = refresh_request(login="popular", requested_by=user)

    assert refresh_request(login="popular", requested_by=other_user).pk == first.pk
    with pytest.raises(PersonBudgetSpent):
        refresh_request(login="something-else", requested_by=other_user)


def test_a_persons_job_is_stopped_when_it_starts_if_their_share_ran_out(user, fake_github):
    fake_github.state.add_user("queued-early", repos=2)
    job = refresh_request(login="queued-early", requested_by=user)  # not run: no commit here
    budget_requests_charge(user_id=user.pk, requests=500)  # other refreshes of theirs finished

    refresh_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_code == "person_budget_spent"
    assert job.retry_at is not None
    assert job.retry_at > timezone.now()
    assert fake_github.state.total == 0


def test_a_new_account_queued_before_the_reserve_is_stopped_when_it_starts(user, fake_github):
    job = refresh_request(login="queued-early", requested_by=user)
    _quota(remaining=100)

    refresh_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.error_code == "quota_reserved"
    assert fake_github.state.total == 0


def test_the_reserve_holds_back_new_accounts_only(settings):
    settings.GITHUB_QUOTA_RESERVE_PERCENT = 25
    _quota(remaining=251)
    assert budget_admit(user_id=None, first_fetch=True) is False  # above the reserve
    _quota(remaining=250)
    with pytest.raises(QuotaReserved):
        budget_admit(user_id=None, first_fetch=True)
    budget_admit(user_id=None, first_fetch=False)  # a stored account's refresh goes ahead
    _quota(remaining=0, reset_in=-1)  # GitHub's hour has reset since: the quota is whole again
    budget_admit(user_id=None, first_fetch=True)


def test_the_scheduler_and_backfills_count_against_nobody(user, fake_github, refresh):
    fake_github.state.add_user("background", repos=3)
    refresh("background")  # no person asked: the scheduler's and the commands' way

    share = budget_person_get(user_id=user.pk)
    assert share.requests_left == share.requests_limit


def test_without_the_counters_new_accounts_fail_closed_and_stored_ones_open(user, settings):
    # The production cache on a Redis that is not there (django-redis ignoring its errors).
    caches = copy.deepcopy(settings.CACHES)
    caches["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
    }
    settings.CACHES = caches

    with pytest.raises(QuotaReserved):
        budget_admit(user_id=user.pk, first_fetch=True)
    budget_admit(user_id=user.pk, first_fetch=False)
    budget_requests_check(user_id=user.pk)


def test_parked_jobs_nobody_waits_for_are_dropped_at_the_reset(fake_github, user):
    reset = timezone.now() - dt.timedelta(minutes=5)
    parked = {"error_code": "github_rate_limited", "retry_at": reset}
    junk = RefreshJobFactory(account=None, login="junk-login", **parked)
    tracked = TrackingFactory(user=UserFactory(), account=GitHubAccountFactory()).account
    of_tracked = RefreshJobFactory(account=tracked, **parked)
    polled = RefreshJobFactory(account=None, login="polled-login", requested_by=user, **parked)
    refresh_job_watched(job_id=polled.pk)  # its page polls it
    not_yet = RefreshJobFactory(
        account=None, login="not-reset-yet", error_code="github_rate_limited",
        retry_at=timezone.now() + dt.timedelta(minutes=20),
    )  # fmt: skip
    _quota(remaining=1000, reset_in=60)  # the tick's share pays for both

    tick = refresh_stale_tick()

    assert tick.dropped == ["junk-login"]
    assert sorted(tick.requeued) == sorted([of_tracked.login, "polled-login"])
    junk.refresh_from_db()
    assert junk.status == JobStatus.FAILED
    assert junk.error_code == "abandoned"
    assert junk.finished_at is not None
    not_yet.refresh_from_db()
    assert not_yet.status == JobStatus.QUEUED
    # The login is free again: asking for it queues a new job.
    assert refresh_request(login="junk-login").pk != junk.pk
    assert RefreshJob.objects.filter(login="junk-login").count() == 2
