"""Refresh jobs left "running" by a run that can no longer finish them, given up by the scheduler.

A worker marks a job "running" when it claims it and records the outcome when the refresh ends.
Two things skip that record, and the one-job-per-account lock would then hold for ever (every
refresh request returns the stuck job, and admin Retry refuses a job in flight):

- The worker is killed outright (SIGKILL, the machine lost). Its message was never
  acknowledged (acks_late), so Redis gives it to a worker again CELERY_BROKER_VISIBILITY_TIMEOUT
  after it was taken, and that run claims the job again and finishes it. (When only a pool
  process dies, its worker puts the message back at once: reject_on_worker_lost.)
- PostgreSQL goes away mid-refresh: the outcome cannot be written, the task fails, and its
  message is acknowledged. Nothing will run this job again.

So the scheduler's tick fails any job still "running" REFRESH_STUCK_AFTER seconds after its
claim: past the hard time limit (no task can still hold it) and past the broker's redelivery
(which would have claimed it again, resetting `started_at`). The reason is on the job, so the
page, the API and the admin say what happened, and Retry or the next refresh request queue a new
job. The update re-checks the same condition, so a redelivered run that claims the job at the
same moment keeps it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from github_stats.models import JobStatus, RefreshJob

logger = logging.getLogger(__name__)

STUCK_CODE = "job_lost"


def stuck_message(*, seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return (
        f"The refresh stopped without finishing (its worker or its database connection was "
        f"lost) and was given up after {minutes} min. Try again."
    )


def refresh_jobs_fail_stuck(*, now: datetime | None = None) -> list[str]:
    """Fail every job "running" longer than REFRESH_STUCK_AFTER; the logins of those failed."""
    now = now or timezone.now()
    after = int(settings.REFRESH_STUCK_AFTER)
    stuck = RefreshJob.objects.stuck(started_before=now - timedelta(seconds=after))
    found = dict(stuck.values_list("pk", "started_at"))
    if not found:
        return []
    stuck.filter(pk__in=found).update(
        status=JobStatus.FAILED,
        finished_at=now,
        retry_at=None,
        error_code=STUCK_CODE,
        error=stuck_message(seconds=after),
    )
    # Read back rather than trust `found`: a redelivery may have claimed one in the meantime.
    given_up = RefreshJob.objects.filter(
        pk__in=found, status=JobStatus.FAILED, error_code=STUCK_CODE, finished_at=now
    ).values_list("pk", "login")
    logins = []
    for pk, login in given_up:
        logger.warning("Refresh job %s (%s) running since %s: failed as lost", pk, login, found[pk])
        logins.append(login)
    return logins
