"""The scheduler's tick: keep every tracked account fresh within GitHub's limits.

Celery beat runs a tick every SCHEDULER_TICK_SECONDS (or `manage.py refresh_stale` runs one).
A tick first fails the jobs left "running" by a run that died (services/stuck_jobs.py) and drops
parked jobs nobody waits for; then it plans what it may spend (services/pacing.py: the hour's
quota spread evenly over the ticks left before GitHub's reset, requests held under the
secondary limit and what the workers can send at the measured time of a request, minus the
work still queued from earlier ticks) and spends it: first on jobs people asked for that a
rate limit parked or whose message was lost, then on tracked accounts older than STATS_TTL,
stalest and most-tracked first, each priced by the cost model (services/refresh_cost.py).
Background jobs go to Celery at a lower priority than a person's, so a page waiting on a
refresh never queues behind the scheduler.

A cache lock keeps a second beat process from doubling the work; the one-job-in-flight
constraint would stop duplicate jobs anyway.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F
from django.utils import timezone

from github_stats.github.limiter import limiter_slowed_until
from github_stats.github.quota import GRAPHQL, quota_get, secondary_blocked_until, token_fingerprint
from github_stats.github.request_time import request_seconds_mean
from github_stats.models import AccountKind, GitHubAccount, JobStatus, RefreshJob
from github_stats.services.budget import RESERVE_FRACTION, UNKNOWN_QUOTA
from github_stats.services.jobs import (
    refresh_job_create,
    refresh_job_enqueue,
    refresh_jobs_unwanted_drop,
)
from github_stats.services.pacing import Allowance, Candidate, seconds_between, tick_plan
from github_stats.services.refresh_cost import RefreshCost, refresh_cost_expected
from github_stats.services.stuck_jobs import refresh_jobs_fail_stuck

LOCK_KEY = "github_stats:refresh_stale:lock"
# A queued job nobody ran this long after it was due has lost its Celery message.
LOST_AFTER = timedelta(minutes=10)
DUE_GRACE = timedelta(minutes=2)
# Stale accounts a tick looks at; more than a tick can pay for at 100,000 accounts on one token.
MAX_ACCOUNTS_PER_TICK = 2000
# GitHub's GraphQL points an hour with a token, until a response said otherwise.
GRAPHQL_DEFAULT = 5000
# GitHub's secondary limits (docs): REST points and GraphQL points a minute, requests in flight.
GITHUB_REST_PER_MINUTE = 900
GITHUB_GRAPHQL_PER_MINUTE = 2000
GITHUB_CONCURRENT_MAX = 100
# Bounds on the measured time of a request (github/request_time.py). Below 20 ms no request
# reached GitHub's API, which takes longer than that to answer from anywhere: a proxy's cache,
# a stub, a clock step; planning by it would queue thousands of jobs a slot to learn better.
# Above 10 s (GitHub's read timeout) GitHub is failing, not slow, and retries handle that; the
# bound still lets every slot take 6 requests a minute, whose times bring the plan back.
REQUEST_SECONDS_MIN = 0.02
REQUEST_SECONDS_MAX = 10.0


@dataclass
class StaleTick:
    ran: bool = True  # False: another process holds the lock
    allowance: RefreshCost = field(default_factory=RefreshCost)  # what this tick could spend
    backlog: RefreshCost = field(default_factory=RefreshCost)  # queued earlier, not started
    expected: RefreshCost = field(default_factory=RefreshCost)  # what this tick queued
    queued: list[str] = field(default_factory=list)  # logins of new jobs
    requeued: list[str] = field(default_factory=list)  # logins of parked or lost jobs
    left_for_later: int = 0  # stale accounts the allowance could not pay for this time
    failed_stuck: list[str] = field(default_factory=list)  # logins of jobs given up as lost
    dropped: list[str] = field(default_factory=list)  # logins of parked jobs nobody waits for

    @property
    def budget(self) -> int:
        """The tick's quota allowance, in whole requests (the task's result, the command)."""
        return int(self.allowance.quota)


def refresh_stale_tick(
    *, now: datetime | None = None, limit: int = MAX_ACCOUNTS_PER_TICK
) -> StaleTick:
    now = now or timezone.now()
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=_lock_ttl()):
        return StaleTick(ran=False)
    try:
        return _tick(now=now, limit=limit)
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _lock_ttl() -> int:
    # Shorter than the beat interval: a tick that died cannot block the next one.
    return max(int(settings.SCHEDULER_TICK_SECONDS) - 10, 10)


def _tick(*, now: datetime, limit: int) -> StaleTick:
    tick = StaleTick()
    # Costs no quota, and frees the account for the stale loop below in this very tick.
    tick.failed_stuck = refresh_jobs_fail_stuck(now=now)
    # Parked jobs nobody waits for any more must not go ahead of the work below.
    tick.dropped = refresh_jobs_unwanted_drop(now=now)

    costing = _Costing()
    tick.backlog = _backlog(costing)
    tick.allowance = allowance_now(now=now).spend(backlog=tick.backlog)
    if secondary_blocked_until() is not None:
        tick.allowance = RefreshCost()

    # People asked for these first: jobs parked by a rate limit, or whose message was lost.
    due = (
        RefreshJob.objects.due(now=now, grace=DUE_GRACE, lost_after=LOST_AFTER)
        .select_related("account")
        .only("id", "login", "requested_by_id", *(f"account__{f}" for f in COST_FIELDS))
        .order_by(F("requested_by_id").asc(nulls_last=True), "created_at")[:limit]
    )
    due_plan = tick_plan(
        candidates=[
            Candidate(
                key=index,
                login=job.login,
                # Asked for by a person: ahead of every background refresh.
                stale_seconds=PERSON_FIRST if job.requested_by_id else None,
                trackers=1,
                cost=costing.of(job.account),
            )
            for index, job in enumerate(due)
        ],
        allowance=tick.allowance,
    )
    due_jobs = list(due)
    for candidate in due_plan.chosen:
        job = due_jobs[candidate.key]
        refresh_job_enqueue(job_id=job.pk, background=job.requested_by_id is None)
        tick.requeued.append(job.login)
    if due_plan.left_for_later:
        tick.expected = due_plan.spent
        return tick
    left = RefreshCost(
        requests=tick.allowance.requests - due_plan.spent.requests,
        quota=tick.allowance.quota - due_plan.spent.quota,
        graphql=tick.allowance.graphql - due_plan.spent.graphql,
    )

    stale = list(
        GitHubAccount.objects.visible()
        .tracked()
        .stale(older_than=timedelta(seconds=settings.STATS_TTL), now=now)
        .without_job_in_flight()
        .stalest_first()
        .annotate(trackers=Count("trackings"))
        .only("id", "login", "fetched_at", *COST_FIELDS)[:limit]
    )
    by_pk = {account.pk: account for account in stale}
    plan = tick_plan(
        candidates=[
            Candidate(
                key=account.pk,
                login=account.login,
                stale_seconds=seconds_between(now, account.fetched_at),
                trackers=account.trackers,  # type: ignore[attr-defined]  # annotated above
                cost=costing.of(account, since=seconds_between(now, account.fetched_at)),
            )
            for account in stale
        ],
        allowance=left,
    )
    for candidate in plan.chosen:
        refresh_job_create(account=by_pk[candidate.key])
        tick.queued.append(candidate.login)
    tick.left_for_later = plan.left_for_later
    tick.expected = due_plan.spent + plan.spent
    return tick


# Ahead of anything stale, however long: a person's parked refresh.
PERSON_FIRST = 10 * 365 * 24 * 3600.0
COST_FIELDS = (
    "kind",
    "public_repos",
    "etag",
    "last_modified",
    "validators_token",
    "change_rate",
)


class _Costing:
    """refresh_cost_expected for stored accounts under this machine's token and settings."""

    def __init__(self) -> None:
        self.token = token_fingerprint(settings.GITHUB_TOKEN)
        self.has_token = bool(settings.GITHUB_TOKEN)

    def of(self, account: GitHubAccount | None, *, since: float | None = None) -> RefreshCost:
        if account is None:  # a login we do not store yet: a first fetch
            return refresh_cost_expected(
                public_repos=0, is_user=True, warm=False, has_token=self.has_token, change_rate=None
            )
        warm = (
            bool(account.etag or account.last_modified) and account.validators_token == self.token
        )
        return refresh_cost_expected(
            public_repos=account.public_repos,
            is_user=account.kind == AccountKind.USER,
            warm=warm,
            has_token=self.has_token,
            change_rate=account.change_rate,
            star_history_budget=settings.STAR_HISTORY_BUDGET if settings.STAR_HISTORY_FETCH else 0,
            activity_budget=settings.ACTIVITY_BUDGET if settings.ACTIVITY_FETCH else 0,
            since_seconds=since,
        )


def _backlog(costing: _Costing) -> RefreshCost:
    """What the scheduler's jobs queued earlier and not started yet will spend."""
    total = RefreshCost()
    waiting = (
        RefreshJob.objects.filter(status=JobStatus.QUEUED, requested_by=None, retry_at=None)
        .select_related("account")
        .only("id", *(f"account__{f}" for f in COST_FIELDS))
    )
    for job in waiting:
        total = total + costing.of(job.account)
    return total


def allowance_now(*, now: datetime) -> Allowance:
    """GitHub's quota state as every process last saw it, and the pacing settings."""
    core = quota_get()
    # Before GitHub has answered: its smallest quota without a token, its usual one with.
    unknown = GRAPHQL_DEFAULT if settings.GITHUB_TOKEN else UNKNOWN_QUOTA
    limit = (core.limit if core is not None else None) or unknown
    if core is None or core.reset_at <= now:
        remaining, to_reset = limit, 3600.0
    else:
        remaining, to_reset = core.remaining, (core.reset_at - now).total_seconds()
    graphql_limit: int | None = None
    graphql_remaining, graphql_to_reset = 0, 3600.0
    if settings.GITHUB_TOKEN:
        graphql = quota_get(resource=GRAPHQL)
        graphql_limit = (graphql.limit if graphql is not None else None) or GRAPHQL_DEFAULT
        graphql_remaining = graphql_limit
        if graphql is not None and graphql.reset_at > now:
            graphql_remaining = graphql.remaining
            graphql_to_reset = (graphql.reset_at - now).total_seconds()
    # 0 switches the limiter off (github/limiter.py): then GitHub's own limits are the pace.
    # After a secondary limit every process runs at half the rate for a while: so does the plan.
    slowed = 0.5 if limiter_slowed_until() is not None else 1.0
    rest = float(settings.GITHUB_REST_POINTS_PER_MINUTE or GITHUB_REST_PER_MINUTE)
    graphql_rate = float(settings.GITHUB_GRAPHQL_POINTS_PER_MINUTE or GITHUB_GRAPHQL_PER_MINUTE)
    return Allowance(
        quota_limit=limit,
        quota_remaining=remaining,
        seconds_to_reset=to_reset,
        graphql_limit=graphql_limit,
        graphql_remaining=graphql_remaining,
        graphql_seconds_to_reset=graphql_to_reset,
        rest_points_per_minute=rest * slowed,
        graphql_points_per_minute=graphql_rate * slowed,
        concurrent_requests=int(settings.GITHUB_CONCURRENT_REQUESTS or GITHUB_CONCURRENT_MAX),
        request_seconds=request_seconds_expected(),
        reserve_fraction=RESERVE_FRACTION,
        tick_seconds=float(settings.SCHEDULER_TICK_SECONDS),
    )


def request_seconds_expected() -> float:
    """How long a GitHub request holds a slot: the mean every process measured lately for the
    token, within sane bounds, or SCHEDULER_REQUEST_MS until something was measured (or while
    Redis cannot say)."""
    measured = request_seconds_mean()
    if measured is None:
        return settings.SCHEDULER_REQUEST_MS / 1000
    return min(max(measured, REQUEST_SECONDS_MIN), REQUEST_SECONDS_MAX)
