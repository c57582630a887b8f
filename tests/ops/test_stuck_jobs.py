"""A refresh job left "running" by a run that died is given up by the scheduler's tick once it
is past REFRESH_STUCK_AFTER, with its reason, and the account can be refreshed again: the next
request, the tick itself for a tracked account, and the admin's Retry all queue a new job.
(tests/ops/test_job_outages.py makes such jobs for real, with a worker and a PostgreSQL that
die; here the limits are shortened in the settings and the jobs made by factories.)"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import cast

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.utils import timezone

from github_stats.models import GitHubAccount, JobStatus, RefreshJob
from github_stats.services.jobs import refresh_request
from github_stats.services.scheduling import refresh_stale_tick
from github_stats.services.stuck_jobs import STUCK_CODE
from github_stats.tasks import REQUEUE_MAX_COUNTDOWN, TIME_LIMIT, refresh_account
from tests.github_stats.factories import GitHubAccountFactory, RefreshJobFactory, TrackingFactory

pytestmark = pytest.mark.django_db

STUCK_AFTER = 60


@pytest.fixture
def short_limits(settings):
    settings.REFRESH_STUCK_AFTER = STUCK_AFTER


def _running(login: str, *, for_seconds: float, **fields) -> RefreshJob:
    """A job some worker claimed `for_seconds` ago (for a stored account unless told)."""
    started = timezone.now() - timedelta(seconds=for_seconds)
    if "account" not in fields:
        fields["account"] = GitHubAccountFactory(login=login)
    job = RefreshJobFactory(
        login=login, status=JobStatus.RUNNING, started_at=started, attempts=1, **fields
    )
    return cast(RefreshJob, job)


@pytest.mark.usefixtures("short_limits")
def test_a_job_running_past_the_limit_is_failed_by_the_tick_with_its_reason():
    stuck = _running("lost", for_seconds=STUCK_AFTER + 1)

    tick = refresh_stale_tick()

    assert tick.failed_stuck == ["lost"]
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert stuck.error_code == STUCK_CODE
    assert "worker or its database connection was lost" in stuck.error
    assert stuck.finished_at is not None


@pytest.mark.usefixtures("short_limits")
def test_a_job_running_within_the_limit_is_left_to_its_worker():
    young = _running("busy", for_seconds=STUCK_AFTER - 5)

    tick = refresh_stale_tick()

    assert tick.failed_stuck == []
    young.refresh_from_db()
    assert young.status == JobStatus.RUNNING
    assert young.error_code == ""


@pytest.mark.usefixtures("short_limits")
def test_the_next_refresh_request_after_the_rescue_runs(
    fake_github, django_capture_on_commit_callbacks
):
    fake_github.state.add_user("lost", repos=3)
    stuck = _running("lost", for_seconds=STUCK_AFTER + 1, account=None)  # a first fetch
    assert refresh_request(login="lost") == stuck  # before: the stuck job comes back

    refresh_stale_tick()
    with django_capture_on_commit_callbacks(execute=True):  # the task runs inline under test
        job = refresh_request(login="lost")

    assert job.pk != stuck.pk
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error


@pytest.mark.usefixtures("short_limits")
def test_the_tick_queues_a_tracked_account_again_once_its_job_is_given_up():
    account = cast(
        GitHubAccount, TrackingFactory(account__login="watched", account__fetched_at=None).account
    )
    stuck = _running("watched", for_seconds=STUCK_AFTER + 1, account=account)

    tick = refresh_stale_tick()

    assert tick.failed_stuck == ["watched"]
    assert tick.queued == ["watched"]
    assert RefreshJob.objects.in_flight().get(account=account).pk != stuck.pk


@pytest.mark.usefixtures("short_limits")
def test_admin_retry_of_a_stuck_job_works_once_the_tick_gave_it_up(staff_client, admin_url):
    stuck = _running("lost", for_seconds=STUCK_AFTER + 1)
    url = f"{admin_url}github_stats/refreshjob/"
    data = {"action": "retry_jobs", ACTION_CHECKBOX_NAME: [str(stuck.pk)]}

    staff_client.post(url, data)
    assert RefreshJob.objects.count() == 1  # still "running": Retry refuses a job in flight

    refresh_stale_tick()
    staff_client.post(url, data)

    retry = RefreshJob.objects.exclude(pk=stuck.pk).get()
    assert retry.account == stuck.account
    assert retry.status in {JobStatus.QUEUED, JobStatus.SUCCEEDED, JobStatus.FAILED}


def test_limits_fit_together_so_redelivery_comes_before_the_rescue(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility == settings.CELERY_BROKER_VISIBILITY_TIMEOUT
    # A live task (countdown, then its run up to the hard limit) is never redelivered...
    assert visibility > TIME_LIMIT + REQUEUE_MAX_COUNTDOWN
    # ...a killed worker's is, and claims its job before the tick would give it up...
    assert visibility + 10 < settings.REFRESH_STUCK_AFTER  # kombu restores every 10 s
    # ...and all of it is minutes, not the hour it used to be.
    assert settings.REFRESH_STUCK_AFTER <= 20 * 60
    assert refresh_account.acks_late is True
    assert refresh_account.reject_on_worker_lost is True
    assert refresh_account.time_limit == TIME_LIMIT


@pytest.mark.usefixtures("short_limits")
def test_refresh_stale_by_hand_says_which_jobs_it_gave_up():
    _running("lost", for_seconds=STUCK_AFTER + 1)
    out = StringIO()

    call_command("refresh_stale", stdout=out)

    assert "gave up 1 lost jobs (lost)" in out.getvalue()
