"""Writes: refreshing accounts, the refresh jobs that queue them, the watchlist.

Keyword-only, typed, one job each. Pages, the API, tasks and commands call these; they raise the
domain exceptions of github_stats.exceptions.

Jobs for accounts we do not have yet. A first visit to an unknown login must queue a refresh
before we know the account's GitHub id, so a RefreshJob always carries the login asked for (lower
case) and points at its Account only when we store it: at once for a known account, at the end
of the refresh for a new one. No placeholder Account rows: an Account is always a real GitHub
account we have fetched. The lock is two partial unique constraints (one in-flight job per
account, one per login); a second request that runs into them gets the job already in flight.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from github_stats.caching import watchlist_cache_invalidate
from github_stats.client import GitHubClient, RequestStats
from github_stats.exceptions import (
    AccountHidden,
    GitHubBadCredentials,
    GitHubStatsError,
    GitHubUnavailable,
    InvalidLogin,
    NotFound,
    RateLimited,
)
from github_stats.models import IN_FLIGHT, Account, JobStatus, RefreshJob, Tracking
from github_stats.refresh import RefreshResult, account_refresh
from github_stats.validation import validate_login

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "RefreshResult",
    "account_refresh",
    "refresh_job_create",
    "refresh_job_run",
    "refresh_request",
    "tracking_add",
    "tracking_remove",
]

logger = logging.getLogger(__name__)

# A login GitHub does not know is remembered this long: revisiting it costs no request.
NOT_FOUND_TTL = timedelta(minutes=15)
# A job queued again for a transient failure is retried by Celery within this window; after it
# the scheduler takes it as lost and queues it again.
TRANSIENT_RETRY_WINDOW = timedelta(minutes=10)


def refresh_request(*, login: str, requested_by: User | None = None) -> RefreshJob:
    """Queue one refresh of the account called `login`; a second request while one is queued
    or running returns that job. Validates the login before any query or GitHub call.

    Raises InvalidLogin, AccountHidden (moderation), or NotFound when GitHub told us in the last
    few minutes that it has no such account."""
    login = validate_login(login)
    account = Account.objects.by_login(login).first()
    if account is not None and account.hidden:
        raise AccountHidden()
    if account is None and cache.get(_not_found_key(login)):
        raise NotFound(f"No GitHub account is called {login}.")
    return refresh_job_create(account=account, login=login, requested_by=requested_by)


def refresh_job_create(
    *,
    account: Account | None,
    login: str | None = None,
    requested_by: User | None = None,
    enqueue: bool = True,
) -> RefreshJob:
    """The in-flight job of this account (or login), creating and enqueueing one if there is
    none. Atomic under concurrency: the partial unique constraints decide the race."""
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
                return existing
            continue  # it finished between our insert and our look: try again
        if enqueue:
            transaction.on_commit(partial(refresh_job_enqueue, job_id=job.pk))
        return job
    raise IntegrityError(f"could not queue a refresh of {job_login}")


def refresh_job_enqueue(*, job_id: UUID | str, countdown: float | None = None) -> None:
    """Hand a job to Celery (inline without Redis). A broker outage leaves the job queued in the
    database, where the scheduler's next tick finds it: a job is never lost."""
    from github_stats.tasks import refresh_account  # tasks import services, not the reverse

    try:
        if countdown is None:
            refresh_account.delay(str(job_id))
        else:
            refresh_account.apply_async(args=(str(job_id),), countdown=countdown)
    except Exception:
        logger.exception("Could not enqueue refresh job %s; the scheduler will retry it", job_id)


def refresh_job_run(
    *, job_id: UUID | str, client: GitHubClient | None = None, retry_transient: bool = False
) -> RefreshJob | None:
    """Run one job: claim it, refresh its account, record the outcome. Idempotent: a finished
    job (or none) returns at once; a job left "running" by a worker that died is run again,
    and since a refresh writes everything in one transaction the outcome is the same.

    RateLimited puts the job back in the queue (retry_at = the reset) and is re-raised for the
    caller to schedule; GitHubUnavailable does the same when `retry_transient`, else fails it."""
    now = timezone.now()
    claimed = RefreshJob.objects.filter(pk=job_id, status__in=IN_FLIGHT).update(
        status=JobStatus.RUNNING, started_at=now, attempts=F("attempts") + 1, retry_at=None
    )
    job = RefreshJob.objects.select_related("account").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    client = client or GitHubClient(may_sleep=True)
    before = replace(client.stats)
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
    except NotFound as exc:
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
    return job


def _job_finish(
    job: RefreshJob,
    client: GitHubClient,
    before: RequestStats,
    *,
    status: str,
    exc: BaseException | None = None,
    account: Account | None = None,
    retry_at: datetime | None = None,
) -> None:
    stats = client.stats
    job.status = status
    job.finished_at = timezone.now() if status in {JobStatus.SUCCEEDED, JobStatus.FAILED} else None
    job.retry_at = retry_at
    if isinstance(exc, GitHubStatsError):
        job.error_code, job.error = exc.code, exc.message
    elif exc is not None:
        job.error_code, job.error = "internal_error", "The refresh failed unexpectedly."
    else:
        job.error_code, job.error = "", ""
    if account is not None:
        job.account = account
    # Counters add up over attempts (a rate-limited job may run several times).
    job.github_requests += stats.requests - before.requests
    job.quota_requests += stats.quota_requests - before.quota_requests
    job.graphql_points += stats.graphql_points - before.graphql_points
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


def _not_found_key(login: str) -> str:
    return f"github_stats:not_found:{login.lower()}"


# --- Watchlist ------------------------------------------------------------------------------


def tracking_add(*, user: User, account: Account) -> Tracking:
    """Put an account on a person's watchlist (again is fine). Hidden accounts cannot be."""
    if account.hidden:
        raise AccountHidden()
    tracking, _ = Tracking.objects.get_or_create(user=user, account=account)
    _watchlist_changed(user)
    return tracking


def tracking_remove(*, user: User, account: Account) -> bool:
    """Take an account off a person's watchlist; False when it was not on it."""
    deleted, _ = Tracking.objects.filter(user=user, account=account).delete()
    _watchlist_changed(user)
    return deleted > 0


def _watchlist_changed(user: User) -> None:
    # After the commit: a page rendered meanwhile must not be cached under the new version.
    user_id = user.pk
    transaction.on_commit(lambda: watchlist_cache_invalidate(user_id=user_id))
