"""The Celery tasks and the scheduler's tick, without a worker: tasks called as a worker would
call them, messages read back from the broker (memory://, or Redis when REDIS_URL is set)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from celery import Task
from celery.exceptions import Retry
from django.core.cache import cache
from django.utils import timezone
from kombu.simple import SimpleQueue

from config.celery import app as celery_app
from github_stats.models import GitHubAccount, JobStatus, RefreshJob, Repository
from github_stats.services.jobs import refresh_request
from github_stats.services.scheduling import LOCK_KEY, refresh_stale_tick
from github_stats.tasks import (
    REQUEUE_MAX_COUNTDOWN,
    TIME_LIMIT,
    activity_fill_account,
    refresh_account,
    refresh_stale,
    star_history_fill_account,
)
from tests.github_stats.conftest import TOKEN
from tests.github_stats.factories import GitHubAccountFactory, RefreshJobFactory, TrackingFactory
from tests.github_stats.quota import quota_seen

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_messages() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Tasks go to the broker instead of running inline; the returned function drains the
    default queue and gives the messages' headers."""

    def drain() -> list[dict[str, Any]]:
        headers = []
        with celery_app.connection_for_read() as conn:
            queue = SimpleQueue(conn, celery_app.conf.task_default_queue)
            try:
                while True:
                    message = queue.get(timeout=0.3)
                    headers.append(dict(message.headers))
                    message.ack()
            except SimpleQueue.Empty:
                pass
            finally:
                queue.close()
        return headers

    celery_app.conf.task_always_eager = False
    drain()
    try:
        yield drain
    finally:
        celery_app.conf.task_always_eager = True
        drain()


_quota = quota_seen


def test_time_limits_and_countdowns_stay_below_the_visibility_timeout(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > TIME_LIMIT
    assert visibility > REQUEUE_MAX_COUNTDOWN + TIME_LIMIT
    assert refresh_account.acks_late is True
    assert refresh_account.soft_time_limit < refresh_account.time_limit == TIME_LIMIT


def test_the_beat_schedule_ticks_every_minute_and_drops_a_tick_that_waited_too_long(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["github-refresh-stale"]
    assert entry["task"] == refresh_stale.name
    assert entry["schedule"] == settings.SCHEDULER_TICK_SECONDS == 60
    assert entry["options"]["expires"] == 60
    assert refresh_stale.time_limit < 60


def test_refresh_account_runs_the_job(fake_github):
    fake_github.state.add_user("alice", repos=5)
    job = RefreshJobFactory(account=None, login="alice")

    assert refresh_account.run(str(job.pk)) == JobStatus.SUCCEEDED

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert Repository.objects.count() == 5


def test_refresh_account_of_a_finished_job_returns_at_once(fake_github):
    job = RefreshJobFactory(status=JobStatus.SUCCEEDED)

    assert refresh_account.run(str(job.pk)) == JobStatus.SUCCEEDED

    assert fake_github.state.total == 0


def test_an_exhausted_rate_limit_makes_no_call_and_requeues_the_task_for_the_reset(
    fake_github, broker_messages
):
    fake_github.state.add_user("alice", repos=5)
    # Sooner than the longest countdown the visibility timeout allows: the broker holds it.
    reset_in = REQUEUE_MAX_COUNTDOWN - 60
    fake_github.state.set_quota(remaining=0, reset_in=reset_in)
    # The first request learns that the quota is spent.
    first = RefreshJobFactory(account=None, login="alice")
    assert refresh_account.run(str(first.pk)) == "queued"
    assert fake_github.state.total == 1
    assert len(broker_messages()) == 1
    fake_github.state.reset_counters()

    assert refresh_account.run(str(first.pk)) == "queued"

    assert fake_github.state.total == 0  # nothing is sent before the reset
    first.refresh_from_db()
    assert first.status == JobStatus.QUEUED
    assert first.error_code == "github_rate_limited"
    reset = first.retry_at
    assert reset is not None
    assert abs((reset - timezone.now()).total_seconds() - reset_in) < 5
    (message,) = broker_messages()
    assert message["id"] != str(first.pk)
    assert message["task"] == refresh_account.name
    assert message["argsrepr"] == repr((str(first.pk),))
    eta = dt.datetime.fromisoformat(message["eta"])
    assert abs((eta - reset).total_seconds()) < 5


def test_a_rate_limit_past_the_visibility_timeout_leaves_the_job_to_the_scheduler(
    fake_github, broker_messages
):
    fake_github.state.add_user("alice")
    _quota(remaining=0, reset_in=REQUEUE_MAX_COUNTDOWN + 600)
    job = RefreshJobFactory(account=None, login="alice")

    assert refresh_account.run(str(job.pk)) == "queued"

    assert fake_github.state.total == 0
    assert broker_messages() == []
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.retry_at is not None


def test_a_transient_failure_is_retried_by_celery(fake_github, broker_messages):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice", "status", status=502, count=3)
    job = RefreshJobFactory(account=None, login="alice")

    # As a worker runs it (a direct call re-raises instead of retrying).
    refresh_account.push_request(
        id="delivery-1", args=(str(job.pk),), kwargs={}, retries=0, called_directly=False
    )
    try:
        with pytest.raises(Retry):
            refresh_account.run(str(job.pk))
    finally:
        refresh_account.pop_request()

    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.QUEUED, "github_unavailable")
    (message,) = broker_messages()
    assert message["retries"] == 1
    assert message["eta"] is not None


def test_refresh_request_publishes_one_message_after_commit(
    fake_github, broker_messages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = refresh_request(login="alice", requested_by=None)
        refresh_request(login="alice", requested_by=None)

    (message,) = broker_messages()
    assert message["argsrepr"] == repr((str(job.pk),))
    assert fake_github.state.total == 0


# --- The fills after a refresh --------------------------------------------------------------


@pytest.fixture
def starred(fake_github, refresh, settings):
    """An account with stars, refreshed without its star-history fill."""
    settings.STAR_HISTORY_FETCH = False
    fake_github.state.add_user("octo", repos=0)
    fake_github.state.add_repo("octo", "big", stars=900)
    return refresh("octo")


@pytest.fixture
def calendar_user(fake_github, refresh, settings):
    """A user refreshed, and a token to fetch their contribution calendar with."""
    fake_github.state.add_user("coder", repos=2)
    account = refresh("coder")
    settings.GITHUB_TOKEN = TOKEN
    return account


@dataclass
class Fill:
    task: Task
    account: GitHubAccount
    broker_messages: Callable[[], list[dict[str, Any]]]


@pytest.fixture(
    params=[(star_history_fill_account, "starred"), (activity_fill_account, "calendar_user")],
    ids=["star_history", "activity"],
)
def fill(request) -> Fill:
    """Each fill task with an account it has something to fetch for, and the broker."""
    task, account = request.param
    account = request.getfixturevalue(account)  # refreshed inline, before the broker is used
    return Fill(task, account, request.getfixturevalue("broker_messages"))


def test_a_fill_stopped_by_a_rate_limit_requeues_itself_for_the_reset(fill, fake_github):
    reset_in = REQUEUE_MAX_COUNTDOWN - 60  # the broker holds it
    fake_github.state.set_quota(remaining=0, reset_in=reset_in)

    assert fill.task.run(fill.account.pk, None)["ran"] is True

    (message,) = fill.broker_messages()
    assert message["task"] == fill.task.name
    assert message["argsrepr"] == repr((fill.account.pk, None))
    eta = dt.datetime.fromisoformat(message["eta"])
    assert abs((eta - timezone.now()).total_seconds() - reset_in) < 5


def test_a_fill_stopped_past_the_visibility_timeout_waits_for_the_next_refresh(fill, fake_github):
    fake_github.state.set_quota(remaining=0, reset_in=REQUEUE_MAX_COUNTDOWN + 600)

    fill.task.run(fill.account.pk, None)

    assert fake_github.state.total > 0  # it asked, and learnt the quota is spent
    assert fill.broker_messages() == []


# --- The scheduler ---------------------------------------------------------------------------


def test_the_tick_queues_the_stalest_tracked_accounts_first(
    django_capture_on_commit_callbacks, settings
):
    now = timezone.now()
    ttl = dt.timedelta(seconds=settings.STATS_TTL)
    oldest = TrackingFactory(account__fetched_at=now - ttl * 3).account
    older = TrackingFactory(account__fetched_at=now - ttl * 2).account
    TrackingFactory(account__fetched_at=now)  # fresh
    GitHubAccountFactory(fetched_at=now - ttl * 5)  # stale but nobody tracks it
    TrackingFactory(account__fetched_at=now - ttl * 4, account__hidden=True)

    _quota(remaining=5000, reset_in=60)  # a tick's share pays for all of them

    with django_capture_on_commit_callbacks(execute=False):
        tick = refresh_stale_tick()

    assert tick.queued == [oldest.login, older.login]
    assert set(RefreshJob.objects.values_list("account", flat=True)) == {oldest.pk, older.pk}


def test_the_tick_queues_only_what_its_share_of_the_quota_can_pay_for(
    django_capture_on_commit_callbacks,
):
    # 20 left of 100 a minute before the reset: the tick may spend 20 - 10 (reserve) = 10, at
    # most twice an even minute's share of the hour (2 * 90 / 60 = 3): one cold account (2)
    # fits, the second would pass 3.
    _quota(remaining=20, limit=100, reset_in=60)
    stale = timezone.now() - dt.timedelta(days=30)
    accounts = [
        TrackingFactory(account__fetched_at=stale + dt.timedelta(minutes=i)).account
        for i in range(8)
    ]

    with django_capture_on_commit_callbacks(execute=False):
        tick = refresh_stale_tick()

    assert tick.budget == 3
    assert tick.queued == [accounts[0].login]
    assert tick.left_for_later == 7


def test_the_tick_skips_accounts_with_a_job_in_flight(django_capture_on_commit_callbacks):
    account = TrackingFactory(account__fetched_at=None).account
    RefreshJobFactory(account=account, status=JobStatus.RUNNING)

    with django_capture_on_commit_callbacks(execute=False):
        tick = refresh_stale_tick()

    assert tick.queued == []
    assert RefreshJob.objects.count() == 1


def test_a_second_tick_while_one_runs_does_nothing(django_capture_on_commit_callbacks):
    TrackingFactory(account__fetched_at=None)
    cache.add(LOCK_KEY, "another-beat-process", timeout=60)

    with django_capture_on_commit_callbacks(execute=False):
        tick = refresh_stale_tick()

    assert tick.ran is False
    assert not RefreshJob.objects.exists()


def test_the_tick_requeues_jobs_parked_by_a_rate_limit_once_it_has_reset(
    fake_github, broker_messages
):
    parked = RefreshJobFactory(
        account=None, login="alice", retry_at=timezone.now() - dt.timedelta(minutes=5)
    )
    waiting = RefreshJobFactory(
        account=None, login="bob", retry_at=timezone.now() + dt.timedelta(minutes=5)
    )

    tick = refresh_stale_tick()

    assert tick.requeued == [parked.login]
    (message,) = broker_messages()
    assert message["argsrepr"] == repr((str(parked.pk),))
    assert waiting.login not in tick.requeued


def test_the_tick_inline_refreshes_stale_accounts(fake_github, django_capture_on_commit_callbacks):
    fake_github.state.add_user("alice", repos=3)
    fake_id = fake_github.state.account("alice").id
    TrackingFactory(account__login="alice", account__github_id=fake_id, account__fetched_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        result = refresh_stale.run()

    assert result["queued"] == 1
    assert RefreshJob.objects.get().status == JobStatus.SUCCEEDED
    assert Repository.objects.count() == 3
