"""Refresh jobs: the one way anything gets an account refreshed.

Pages, the API, the admin and the scheduler call `refresh_request()` (or `refresh_job_create()`
for an account in hand), which queues a RefreshJob and hands it to Celery after the commit, by the
task's name; the worker's task calls `refresh_job_run()`. `backfill_accounts` calls
`refresh_run_now()`, which runs the same job in its own process: the same lock, the same
bookkeeping, no worker needed.

Jobs for accounts we do not have yet. A first visit to an unknown login must queue a refresh
before we know the account's GitHub id, so a RefreshJob always carries the login asked for (lower
case) and points at its account only when we store it: at once for a known account, at the end
of the refresh for a new one. No placeholder rows: a GitHubAccount is always a real GitHub
account we have fetched. The lock is two partial unique constraints (one in-flight job per
account, one per login); a second request that runs into them gets the job already in flight.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING
from uuid import UUID

from celery import signature
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from github_stats.exceptions import AccountHidden, BudgetSpent, RefreshAbandoned
from github_stats.github.client import GitHubClient
from github_stats.github.errors import (
    GitHubBadCredentials,
    GitHubNotFound,
    GitHubUnavailable,
    InvalidLogin,
    RateLimited,
    ShownError,
)
from github_stats.github.names import validate_login
from github_stats.github.transport import RequestStats
from github_stats.models import IN_FLIGHT, GitHubAccount, JobStatus, RefreshJob, Tracking
from github_stats.services.activity import activity_fill_request, activity_wanted
from github_stats.services.budget import (
    budget_admit,
    budget_first_fetch_refund,
    budget_requests_charge,
    budget_requests_check,
    budget_reserve_check,
    budget_reserve_check_stored,
)
from github_stats.services.refresh import RefreshResult, account_refresh
from github_stats.services.star_history import star_history_fill_request, star_history_wanted

# Celery's Redis transport keeps priorities 0, 3, 6 and 9 in separate lists and serves the
# lowest number first; a message without one is priority 0.
BACKGROUND_PRIORITY = 9

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

REFRESH_TASK = "github_stats.tasks.refresh_account"
# A login GitHub does not know is remembered this long: revisiting it costs no request.
NOT_FOUND_TTL = timedelta(minutes=15)
# A job queued again for a transient failure is retried by Celery within this window; after it
# the scheduler takes it as lost and queues it again.
TRANSIENT_RETRY_WINDOW = timedelta(minutes=10)
# Someone is waiting for a job they asked for or looked at this recently (a page polls a parked
# job every 15 s): a job parked by a rate limit that nobody waits for is dropped at the reset.
WAITED_FOR = timedelta(minutes=15)


def refresh_request(
    *, login: str, requested_by: User | None = None, account: GitHubAccount | None = None
) -> RefreshJob:
    """Queue one refresh of the account called `login` (or of `account`, when the caller has
    read it already); a second request while one is queued or running returns that job.
    Validates the login before any query or GitHub call.

    Raises InvalidLogin, AccountHidden (moderation), or GitHubNotFound when GitHub told us in
    the last few minutes that it has no such account. Every request passes the shared budget
    (services/budget.py): PersonBudgetSpent past the person's share, QuotaReserved for a new
    account while the site's reserve is reached; a job already in flight is handed over anyway,
    since it costs nothing more."""
    login, account = _refresh_target(login=login, account=account)
    if account is None and cache.get(_not_found_key(login)):
        raise GitHubNotFound(f"No GitHub account is called {login}.")
    user_id = requested_by.pk if requested_by is not None else None
    try:
        if user_id is not None and account is not None:
            budget_reserve_check_stored(account=account)
        counted = budget_admit(user_id=user_id, first_fetch=account is None)
    except BudgetSpent:
        existing = RefreshJob.objects.in_flight().filter(login=login.lower()).first()
        if existing is None:
            raise
        job, counted, created = existing, False, False
    else:
        job, created = _job_create(account=account, login=login, requested_by=requested_by)
    if counted and not created and user_id is not None:
        budget_first_fetch_refund(user_id=user_id)  # a job already in flight: nothing new
    if user_id is not None:
        refresh_job_watched(job_id=job.pk)
    return job


def _refresh_target(
    *, login: str | None, account: GitHubAccount | None
) -> tuple[str, GitHubAccount | None]:
    """The login and the stored account (None: not stored yet) a refresh is for; refuses an
    invalid login and a hidden account before anything else."""
    if account is None:
        valid = validate_login(login)
        account = GitHubAccount.objects.for_display().by_login(valid).first()
        if account is None:
            return valid, None
    if account.hidden:
        raise AccountHidden()
    return account.login, account


def refresh_job_create(
    *,
    account: GitHubAccount | None,
    login: str | None = None,
    requested_by: User | None = None,
    enqueue: bool = True,
) -> RefreshJob:
    """The in-flight job of this account (or login), creating and enqueueing one if there is
    none. Atomic under concurrency: the partial unique constraints decide the race."""
    return _job_create(account=account, login=login, requested_by=requested_by, enqueue=enqueue)[0]


def _job_create(
    *,
    account: GitHubAccount | None,
    login: str | None,
    requested_by: User | None,
    enqueue: bool = True,
) -> tuple[RefreshJob, bool]:
    """refresh_job_create, and whether this call created the job."""
    job_login = (account.login if account is not None else validate_login(login)).lower()
    same = Q(login=job_login) | Q(account=account) if account is not None else Q(login=job_login)
    for _ in range(3):
        try:
            with transaction.atomic():
                job = RefreshJob.objects.create(
                    account=account, login=job_login, requested_by=requested_by
                )
        except IntegrityError:
            existing = RefreshJob.objects.in_flight().filter(same).first()
            if existing is not None:
                return existing, False
            continue  # it finished between our insert and our look: try again
        if enqueue:
            transaction.on_commit(
                partial(refresh_job_enqueue, job_id=job.pk, background=requested_by is None)
            )
        return job, True
    raise IntegrityError(f"could not queue a refresh of {job_login}")


def refresh_job_enqueue(
    *, job_id: UUID | str, countdown: float | None = None, background: bool = False
) -> None:
    """Hand a job to Celery by the task's name (inline without Redis). A broker outage leaves
    the job queued in the database, where the scheduler's next tick finds it: never lost.
    `background` (the scheduler's own jobs) goes behind every job a person asked for: Redis
    serves priority 0 before BACKGROUND_PRIORITY."""
    options: dict[str, float | int] = {} if countdown is None else {"countdown": countdown}
    if background:
        options["priority"] = BACKGROUND_PRIORITY
    task = signature(REFRESH_TASK, args=(str(job_id),), **options)
    try:
        task.apply_async()
    except Exception:
        logger.exception("Could not enqueue refresh job %s; the scheduler will retry it", job_id)


def refresh_job_run(
    *,
    job_id: UUID | str,
    client: GitHubClient | None = None,
    retry_transient: bool = False,
) -> RefreshJob | None:
    """Run one job: claim it, refresh its account, record the outcome. Idempotent: a finished
    job (or none) returns at once; a job left "running" by a worker that died is run again,
    and since a refresh writes everything in one transaction the outcome is the same.

    RateLimited puts the job back in the queue (retry_at = the reset) and is re-raised for the
    caller to schedule; GitHubUnavailable does the same when `retry_transient`, else fails it."""
    run = _job_run(job_id=job_id, client=client, retry_transient=retry_transient, steal=True)
    return run.job


@dataclass(frozen=True)
class JobRun:
    """A job as its run left it; `result` is set when this run refreshed the account."""

    job: RefreshJob | None
    result: RefreshResult | None = None

    @property
    def busy(self) -> bool:
        """The job was already running elsewhere: a run that ends returns it finished, so a
        running one is another process's (a job is never run twice at once)."""
        return self.job is not None and self.job.status == JobStatus.RUNNING


def refresh_run_now(
    *,
    login: str | None = None,
    account: GitHubAccount | None = None,
    client: GitHubClient,
    requested_by: User | None = None,
) -> JobRun:
    """Refresh in this process, through the account's job (for commands that must finish
    without a worker). Raises InvalidLogin and AccountHidden before any GitHub call, and
    RateLimited with the job parked until the reset (the scheduler resumes it), and
    QuotaReserved for a new account while the site's reserve is reached."""
    login, account = _refresh_target(login=login, account=account)
    if account is None:
        budget_reserve_check()
    job = refresh_job_create(account=account, login=login, requested_by=requested_by, enqueue=False)
    return _job_run(job_id=job.pk, client=client, retry_transient=False, steal=False)


def _job_run(
    *, job_id: UUID | str, client: GitHubClient | None, retry_transient: bool, steal: bool
) -> JobRun:
    now = timezone.now()
    claimable = IN_FLIGHT if steal else (JobStatus.QUEUED,)
    claimed = RefreshJob.objects.filter(pk=job_id, status__in=claimable).update(
        status=JobStatus.RUNNING, started_at=now, attempts=F("attempts") + 1, retry_at=None
    )
    job = RefreshJob.objects.select_related("account").filter(pk=job_id).first()
    if not claimed or job is None:
        return JobRun(job=job)
    client = client or GitHubClient(may_sleep=True)
    before = replace(client.stats)
    try:
        # Checked again as the job starts: the budget may have been spent since it was queued.
        _job_admit(job)
    except BudgetSpent as exc:
        _job_finish(job, client, before, status=JobStatus.FAILED, exc=exc, retry_at=exc.reset_at)
        return JobRun(job=job)
    try:
        result = account_refresh(
            account=job.account, login=None if job.account else job.login, client=client
        )
    except RateLimited as exc:
        _job_finish(job, client, before, status=JobStatus.QUEUED, exc=exc, retry_at=exc.reset_at)
        raise
    except GitHubUnavailable as exc:
        if retry_transient:
            retry_at = timezone.now() + TRANSIENT_RETRY_WINDOW
            _job_finish(job, client, before, status=JobStatus.QUEUED, exc=exc, retry_at=retry_at)
            raise
        _job_finish(job, client, before, status=JobStatus.FAILED, exc=exc)
    except GitHubNotFound as exc:
        if job.account is None:
            cache.set(_not_found_key(job.login), True, timeout=int(NOT_FOUND_TTL.total_seconds()))
        _job_finish(job, client, before, status=JobStatus.FAILED, exc=exc)
    except (AccountHidden, InvalidLogin, GitHubBadCredentials) as exc:
        _job_finish(job, client, before, status=JobStatus.FAILED, exc=exc)
    except BaseException as exc:
        # A bug or the soft time limit: the job must not stay "running" for ever.
        _job_finish(job, client, before, status=JobStatus.FAILED, exc=exc)
        raise
    else:
        _job_finish(job, client, before, status=JobStatus.SUCCEEDED, account=result.account)
        _follow_ups(job, result.account, has_token=client.has_token)
        return JobRun(job=job, result=result)
    return JobRun(job=job)


def _job_finish(
    job: RefreshJob,
    client: GitHubClient,
    before: RequestStats,
    *,
    status: str,
    exc: BaseException | None = None,
    account: GitHubAccount | None = None,
    retry_at: datetime | None = None,
) -> None:
    spent = client.stats.since(before)
    job.status = status
    job.finished_at = timezone.now() if status in {JobStatus.SUCCEEDED, JobStatus.FAILED} else None
    job.retry_at = retry_at
    if isinstance(exc, ShownError):
        job.error_code, job.error = exc.code, exc.message
    elif exc is not None:
        job.error_code, job.error = "internal_error", "The refresh failed unexpectedly."
    else:
        job.error_code, job.error = "", ""
    if account is not None:
        job.account = account
    # Counters add up over attempts (a rate-limited job may run several times).
    job.github_requests += spent.requests
    job.quota_requests += spent.quota_requests
    job.graphql_points += spent.graphql_points
    if job.requested_by_id is not None:
        # On-demand work is the requester's; the scheduler's jobs have none.
        budget_requests_charge(user_id=job.requested_by_id, requests=spent.requests)
    job.save(
        update_fields=[
            "status",
            "finished_at",
            "retry_at",
            "error_code",
            "error",
            "account",
            "github_requests",
            "quota_requests",
            "graphql_points",
        ]
    )


def _follow_ups(job: RefreshJob, account: GitHubAccount, *, has_token: bool) -> None:
    """The dashboard is stored: star history and activity fill in after, each in its own task,
    and only when there is something for it to fetch."""
    if settings.STAR_HISTORY_FETCH and star_history_wanted(account=account):
        star_history_fill_request(account=account, requested_by_id=job.requested_by_id)
    if settings.ACTIVITY_FETCH and activity_wanted(account=account, has_token=has_token):
        activity_fill_request(
            account=account, requested_by_id=job.requested_by_id, has_token=has_token
        )


def _not_found_key(login: str) -> str:
    return f"github_stats:not_found:{login.lower()}"


def refresh_job_watched(*, job_id: UUID | str) -> None:
    """Someone asked for this job or looked at it (a request, a page's poll, the API's job
    endpoint): they are waiting for it."""
    cache.set(_watched_key(job_id), True, timeout=int(WAITED_FOR.total_seconds()))


def refresh_jobs_unwanted_drop(*, now: datetime | None = None) -> list[str]:
    """Fail the jobs a rate limit parked, now due, that nobody waits for: no one tracks the
    account and no one asked for or looked at the job lately. Otherwise an attack's junk is
    re-queued first after the reset, ahead of real work. The logins dropped; two queries."""
    now = now or timezone.now()
    parked = list(
        RefreshJob.objects.filter(
            status=JobStatus.QUEUED, error_code=RateLimited.code, retry_at__lte=now
        )
        .exclude(Exists(Tracking.objects.filter(account=OuterRef("account"))))
        .values_list("pk", "login")
    )
    if not parked:
        return []
    watched = cache.get_many([_watched_key(pk) for pk, _ in parked])
    unwanted = {pk: login for pk, login in parked if _watched_key(pk) not in watched}
    abandoned = RefreshAbandoned()
    RefreshJob.objects.filter(pk__in=unwanted, status=JobStatus.QUEUED).update(
        status=JobStatus.FAILED,
        finished_at=now,
        retry_at=None,
        error_code=abandoned.code,
        error=abandoned.message,
    )
    return sorted(unwanted.values())


def _job_admit(job: RefreshJob) -> None:
    """Raise what stops a person's claimed job from calling GitHub now: their budget, or the
    site's reserve for a new account, may have been spent since refresh_request admitted it (a
    busy queue). Jobs nobody asked for (the scheduler's, an operator's backfill) were admitted
    by their own path; a rate limit still parks any job as before."""
    if job.requested_by_id is None:
        return
    if job.account_id is None:
        budget_reserve_check()
    budget_requests_check(user_id=job.requested_by_id)


def _watched_key(job_id: UUID | str) -> str:
    return f"github_stats:job_watched:{job_id}"
