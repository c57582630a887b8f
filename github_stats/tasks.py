"""Celery entry points: take ids, call services, schedule retries. Nothing else.

Redis redelivers a task whose message stays unacknowledged longer than the broker's
visibility timeout (settings.CELERY_BROKER_VISIBILITY_TIMEOUT, 16 minutes). With acks_late that is
countdown + run time, so the settings build it from both: the hard time limit
(REFRESH_TIME_LIMIT, 10 minutes) plus the longest countdown (REFRESH_MAX_COUNTDOWN, 5 minutes)
plus a margin. A rate limit that resets later than that leaves the job queued in the database,
where the beat scheduler's tick picks it up after the reset; transient retries wait less.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from celery import Task, shared_task
from django.conf import settings

from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubUnavailable, RateLimited
from github_stats.services.activity import ACTIVITY_TASK, activity_fill
from github_stats.services.jobs import REFRESH_TASK, refresh_job_enqueue, refresh_job_run
from github_stats.services.retention import snapshots_thin
from github_stats.services.scheduling import refresh_stale_tick
from github_stats.services.star_history import STAR_HISTORY_TASK, star_history_fill

logger = logging.getLogger(__name__)

SOFT_TIME_LIMIT = settings.REFRESH_SOFT_TIME_LIMIT
TIME_LIMIT = settings.REFRESH_TIME_LIMIT
TRANSIENT_MAX_RETRIES = 4
REQUEUE_MAX_COUNTDOWN = settings.REFRESH_MAX_COUNTDOWN

_P = ParamSpec("_P")
_R = TypeVar("_R")


def transient_countdown(retries: int) -> float:
    """Exponential with full jitter: 30 s, 60 s, 120 s, 240 s caps (never past the longest
    countdown the visibility timeout allows for)."""
    cap = min(30 * 2**retries, REQUEUE_MAX_COUNTDOWN)
    return random.uniform(1, cap)  # noqa: S311 (jitter, not secrets)


@shared_task(
    name=REFRESH_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
    max_retries=TRANSIENT_MAX_RETRIES,
)
def refresh_account(self: Task, job_id: str) -> str:
    """Run one RefreshJob. Idempotent: a finished job returns at once."""
    retries = self.request.retries or 0
    # Inline (no Redis) a retry would only block the request: the job fails at once instead.
    retry_transient = not self.request.is_eager and retries < TRANSIENT_MAX_RETRIES
    try:
        job = refresh_job_run(job_id=job_id, retry_transient=retry_transient)
    except GitHubUnavailable as exc:
        raise self.retry(exc=exc, countdown=transient_countdown(retries)) from exc
    except RateLimited as exc:
        countdown = max((exc.reset_at - datetime.now(tz=UTC)).total_seconds(), 0) + 1
        if self.request.is_eager or countdown > REQUEUE_MAX_COUNTDOWN:
            # Inline there is nobody to wait; too far off, the broker would redeliver early.
            logger.info("Refresh job %s parked until %s", job_id, exc.reset_at)
            return "queued"
        refresh_job_enqueue(job_id=job_id, countdown=countdown)
        return "queued"
    return job.status if job is not None else "missing"


@shared_task(
    name="github_stats.tasks.refresh_stale",
    acks_late=True,
    soft_time_limit=max(settings.SCHEDULER_TICK_SECONDS - 10, 10),
    time_limit=max(settings.SCHEDULER_TICK_SECONDS - 5, 15),
)
def refresh_stale() -> dict[str, object]:
    """One scheduler tick (beat, every SCHEDULER_TICK_SECONDS)."""
    tick = refresh_stale_tick()
    return {
        "ran": tick.ran,
        "budget": tick.budget,
        "expected_requests": round(tick.expected.requests, 1),
        "expected_quota": round(tick.expected.quota, 1),
        "queued": len(tick.queued),
        "requeued": len(tick.requeued),
        "left_for_later": tick.left_for_later,
        "failed_stuck": len(tick.failed_stuck),
    }


@shared_task(name="github_stats.tasks.snapshots_thin", acks_late=True)
def snapshots_thin_daily() -> int:
    """The retention rule, once a day (beat). Idempotent."""
    return snapshots_thin()


def _fill_task(name: str) -> Callable[[Callable[Concatenate[Task[_P, _R], _P], _R]], Task[_P, _R]]:
    """A fill after a refresh: bound (it re-queues itself), and run, redelivered and limited
    as a refresh is."""
    return shared_task(
        name=name,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        soft_time_limit=SOFT_TIME_LIMIT,
        time_limit=TIME_LIMIT,
    )


@_fill_task(STAR_HISTORY_TASK)
def star_history_fill_account(
    self: Task, account_id: int, requested_by_id: int | None = None
) -> dict[str, object]:
    """Fill in one account's star history after its refresh. Idempotent: a second run finds
    nothing left to fetch, or 304s."""
    result = _fill_and_go_on(self, star_history_fill, account_id, requested_by_id)
    return {
        "ran": result.ran,
        "requests": result.requests,
        "fetched": result.repositories_fetched,
        "failed": len(result.repositories_failed),
        "left_for_later": result.left_for_later,
    }


@_fill_task(ACTIVITY_TASK)
def activity_fill_account(
    self: Task, account_id: int, requested_by_id: int | None = None
) -> dict[str, object]:
    """Fill in one user's contribution calendar after their refresh. Idempotent: a second run
    finds the public events unchanged (a free 304) and fetches nothing."""
    result = _fill_and_go_on(self, activity_fill, account_id, requested_by_id)
    return {
        "ran": result.ran,
        "years": result.years_fetched,
        "points": result.graphql_points,
        "left_for_later": result.left_for_later,
    }


class _FillResult(Protocol):
    @property
    def rate_limited_until(self) -> datetime | None: ...


_Result = TypeVar("_Result", bound=_FillResult)


def _fill_and_go_on(
    task: Task,
    fill: Callable[..., _Result],
    account_id: int,
    requested_by_id: int | None,
) -> _Result:
    """Run the fill with a client that may wait out short limits. A fill a rate limit stopped
    goes on after the reset; past the longest countdown the broker allows (or inline), the
    account's next refresh asks again."""
    result = fill(
        account_id=account_id, client=GitHubClient(may_sleep=True), requested_by_id=requested_by_id
    )
    until = result.rate_limited_until
    if until is None or task.request.is_eager:
        return result
    countdown = max((until - datetime.now(tz=UTC)).total_seconds(), 0) + 1
    if countdown <= REQUEUE_MAX_COUNTDOWN:
        task.apply_async(args=(account_id, requested_by_id), countdown=countdown)
    return result
