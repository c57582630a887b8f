"""The account behind a page, which we may first have to fetch from GitHub: the one flow of the
account and repository pages.

A page that has no data (or stale data) queues a RefreshJob and shows a poller that asks the
same URL with `?job=<id>` (every second; every 15 while GitHub's rate limit holds the job).
While the job runs the answer is the poller again; when
it ends it is the page's main partial, retargeted over the page body so the data swaps in.
Without JavaScript the progress page reloads itself the same way (a <noscript> refresh).
The compare pages fetch several at once the same way (`Pending`, `jobs_polled`,
`pending_fetch`): their poll names every job it watches.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse, HttpResponsePermanentRedirect

from github_stats.exceptions import AccountHidden
from github_stats.models import GitHubAccount, JobStatus, RefreshJob
from github_stats.selectors.accounts import account_find, refresh_job_get
from github_stats.services.jobs import refresh_job_watched, refresh_request
from github_stats.views.htmx import HtmxHttpRequest, poll_seconds, signed_in
from github_stats.views.problems import (
    HIDDEN,
    PROBLEM_ERRORS,
    Problem,
    job_problem,
    problem_for,
)


@dataclass
class AccountLookup:
    """What a page knows about its account. `account` is None while it is being fetched (then
    `job` is set) or when it cannot be (then `problem` is). `job` is the refresh this answer
    is about: in flight (the page polls it), or the one a poll watched, just ended."""

    login: str
    account: GitHubAccount | None = None
    job: RefreshJob | None = None
    problem: Problem | None = None
    polling: bool = False  # an htmx poll of `job`

    @property
    def job_in_flight(self) -> RefreshJob | None:
        return self.job if self.job is not None and self.job.is_in_flight else None

    @property
    def job_problem(self) -> Problem | None:
        return job_problem(self.job)

    @property
    def poll_seconds(self) -> int:
        return poll_seconds(self.job is not None and self.job.is_rate_limited)

    def poll_context(self) -> dict[str, Any]:
        """What the templates' poller and refresh status read."""
        return {
            "job": self.job_in_flight,
            "job_problem": self.job_problem,
            "poll_seconds": self.poll_seconds,
        }


def account_lookup(
    request: HtmxHttpRequest,
    login: str,
    *,
    refresh_if_stale: bool = True,
    with_watchlist: bool = False,
) -> AccountLookup:
    """The stored account called `login` (already validated), fetching it when we have none,
    and refreshing it when it is stale (unless not asked to). `with_watchlist`: read whether
    anyone watches it too (the history's missing days, selectors/history_gaps.py)."""
    try:
        account = account_find(login=login, tracked_by=request.user, with_watchlist=with_watchlist)
    except AccountHidden:
        return AccountLookup(login=login, problem=HIDDEN)
    job = _job_named(request, login=login, account=account)
    lookup = AccountLookup(
        login=login, account=account, job=job, polling=bool(job and request.htmx)
    )
    if account is None:
        if job is None:
            job, lookup.problem = refresh_queue(request, login)
            lookup.job = job
            if job is None:
                return lookup
        if job.status == JobStatus.SUCCEEDED and job.account_id is not None:
            # Just stored by a job that ran inline; hidden meanwhile is as good as not stored.
            with suppress(AccountHidden):
                lookup.account = account_find(
                    account_id=job.account_id,
                    tracked_by=request.user,
                    with_watchlist=with_watchlist,
                )
        if lookup.account is None and job.status == JobStatus.FAILED:
            lookup.problem = job_problem(job)
        return lookup
    if job is None and refresh_if_stale and account.is_stale():
        # Show what we have at once, marked stale, and queue a refresh that the page polls.
        lookup.job, _ = refresh_queue(request, account.login, account=account)
        if lookup.job is not None and lookup.job.is_finished:
            account.refresh_from_db()
    elif lookup.polling and job is not None and job.is_finished:
        account.refresh_from_db()
    return lookup


def refresh_queue(
    request: HtmxHttpRequest, login: str, *, account: GitHubAccount | None = None
) -> tuple[RefreshJob | None, Problem | None]:
    """Queue a refresh for the person asking (of `account` when the caller has read it); the
    job, or what stopped it."""
    try:
        job = refresh_request(login=login, requested_by=signed_in(request), account=account)
    except PROBLEM_ERRORS as exc:
        return None, problem_for(exc)
    # Without a worker (inline tasks) the job has already run: read how it ended.
    job.refresh_from_db()
    return job, None


@dataclass(frozen=True)
class Pending:
    """An account a compare page asked for that we do not store yet (for a repository compare,
    its owner): its refresh, or why there is none (`problem`), or what holds it back
    (`waiting`: GitHub's rate limit)."""

    login: str
    job: RefreshJob | None = None
    problem: Problem | None = None
    waiting: str = ""


def jobs_polled(request: HtmxHttpRequest, *, limit: int) -> dict[str, RefreshJob]:
    """The jobs a compare page's poll names (?job=, at most `limit`), by login; each one is
    marked watched (someone is waiting for it)."""
    jobs: dict[str, RefreshJob] = {}
    for job_id in request.GET.getlist("job")[:limit]:
        job = refresh_job_get(job_id=job_id)
        if job is not None:
            refresh_job_watched(job_id=job.pk)
            jobs[job.login] = job
    return jobs


def pending_fetch(request: HtmxHttpRequest, login: str, jobs: dict[str, RefreshJob]) -> Pending:
    """Where the fetch of `login` stands: the job the poll names is reported, not queued again;
    without one a refresh is queued."""
    job = jobs.get(login)
    if job is None:
        job, problem = refresh_queue(request, login)
        if job is None:
            return Pending(login, problem=problem)
    if job.status == JobStatus.FAILED:
        problem = job_problem(job)
        if job.error_code == "not_found":
            problem = Problem("not_found", login, f"GitHub has no account called {login}.")
        return Pending(login, job=job, problem=problem)
    return Pending(login, job=job, waiting=job.error if job.is_rate_limited else "")


def _job_named(
    request: HtmxHttpRequest, *, login: str, account: GitHubAccount | None
) -> RefreshJob | None:
    """The job named by ?job=, if it is this account's; anything else is ignored."""
    job_id = request.GET.get("job")
    job = refresh_job_get(job_id=job_id) if job_id else None
    if job is None:
        return None
    if job.login == login.lower() or (account is not None and job.account_id == account.pk):
        refresh_job_watched(job_id=job.pk)  # a page polls it: someone is waiting
        return job
    return None


def canonical_redirect(
    request: HtmxHttpRequest, url: str, *, as_stored: bool
) -> HttpResponse | None:
    """A permanent redirect to the page's canonical URL (the stored spelling of the login, and
    of the repository's name) with the same query, for a plain GET of another spelling
    (/u/ALICE → /u/alice); None when the names asked for are `as_stored`, or for htmx (its URLs
    come from our own links, which are canonical)."""
    if as_stored or request.htmx:
        return None
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
