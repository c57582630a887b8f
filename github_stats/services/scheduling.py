"""The scheduler's tick: keep watched accounts fresh within GitHub's quota.

Every few minutes (Celery beat, or `manage.py refresh_stale`) one tick queues the stalest tracked
accounts older than STATS_TTL, oldest first, only as many as the remaining quota can pay for, and
puts back in the queue the jobs a rate limit parked. First it fails the jobs left "running" by a
run that died (services/stuck_jobs.py), so their accounts can be refreshed again. A cache lock
keeps a second beat process from doubling the work; the one-job-in-flight constraint would stop
duplicate jobs anyway.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from github_stats.models import GitHubAccount, RefreshJob
from github_stats.services.budget import quota_budget
from github_stats.services.jobs import (
    refresh_job_create,
    refresh_job_enqueue,
    refresh_jobs_unwanted_drop,
)
from github_stats.services.stuck_jobs import refresh_jobs_fail_stuck

LOCK_KEY = "github_stats:refresh_stale:lock"
# Shorter than the beat interval (5 min): a tick that died cannot block the next one.
LOCK_TTL_SECONDS = 4 * 60
# A queued job nobody ran this long after it was due has lost its Celery message.
LOST_AFTER = timedelta(minutes=10)
DUE_GRACE = timedelta(minutes=2)
MAX_ACCOUNTS_PER_TICK = 500


@dataclass
class StaleTick:
    ran: bool = True  # False: another process holds the lock
    budget: int = 0
    estimated_cost: int = 0
    queued: list[str] = field(default_factory=list)  # logins of new jobs
    requeued: list[str] = field(default_factory=list)  # logins of parked or lost jobs
    left_for_later: int = 0  # stale accounts the quota could not pay for this time
    failed_stuck: list[str] = field(default_factory=list)  # logins of jobs given up as lost
    dropped: list[str] = field(default_factory=list)  # logins of parked jobs nobody waits for


def refresh_cost_estimate(*, public_repos: int, has_token: bool) -> int:
    """Quota a cold refresh may cost: the account, its repository pages, and (token) one
    GraphQL query per 100 repositories for languages. Warm refreshes mostly cost nothing."""
    pages = max(1, math.ceil(public_repos / 100))
    return 1 + pages + (pages if has_token else 0)


def refresh_stale_tick(
    *, now: datetime | None = None, limit: int = MAX_ACCOUNTS_PER_TICK
) -> StaleTick:
    now = now or timezone.now()
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=LOCK_TTL_SECONDS):
        return StaleTick(ran=False)
    try:
        return _tick(now=now, limit=limit)
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _tick(*, now: datetime, limit: int) -> StaleTick:
    has_token = bool(settings.GITHUB_TOKEN)
    tick = StaleTick(budget=quota_budget(now=now))
    # Costs no quota, and frees the account for the stale loop below in this very tick.
    tick.failed_stuck = refresh_jobs_fail_stuck(now=now)

    # Parked jobs nobody waits for any more must not go ahead of the work below.
    tick.dropped = refresh_jobs_unwanted_drop(now=now)
    # People asked for these first: jobs parked by a rate limit, or whose message was lost.
    due = (
        RefreshJob.objects.due(now=now, grace=DUE_GRACE, lost_after=LOST_AFTER)
        .select_related("account")
        .only("id", "login", "account__public_repos")  # all a cost estimate reads
        .order_by("created_at")[:limit]
    )
    for job in due:
        repos = job.account.public_repos if job.account else 0
        cost = refresh_cost_estimate(public_repos=repos, has_token=has_token)
        if tick.estimated_cost + cost > tick.budget:
            return tick
        tick.estimated_cost += cost
        refresh_job_enqueue(job_id=job.pk)
        tick.requeued.append(job.login)

    stale = list(
        GitHubAccount.objects.visible()
        .tracked()
        .stale(older_than=timedelta(seconds=settings.STATS_TTL), now=now)
        .without_job_in_flight()
        .stalest_first()
        .only("id", "login", "public_repos", "fetched_at")[:limit]
    )
    for index, account in enumerate(stale):
        cost = refresh_cost_estimate(public_repos=account.public_repos, has_token=has_token)
        if tick.estimated_cost + cost > tick.budget:
            tick.left_for_later = len(stale) - index
            break
        tick.estimated_cost += cost
        refresh_job_create(account=account)
        tick.queued.append(account.login)
    return tick
