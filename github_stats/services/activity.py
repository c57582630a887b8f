"""Activity: a user's contribution calendar, fetched after their refresh has committed (like star
history, in its own task), so the dashboard appears first.

What is fetched (GraphQL, token only; github/contributions.py):
- the first time: the years GitHub lists (contributionYears, 1 point) and each of them once
  (about 1 point a year), at most ACTIVITY_BUDGET years a fill, newest first; the rest follows;
- later: first the public events, conditionally on their stored ETag. An authorized 304 costs
  no quota and says nothing public happened: then nothing else is asked, unless the calendar is
  a day old (private contributions never show in public events). Otherwise the current year
  only (1 point), and the year before once more when the year has just turned.
Organisations have no contributions: nothing is fetched for them (their activity panel reads
what we store of their repositories). Without a token there is no calendar to fetch: the fill
keeps the last 90 days of a tracked user's public events instead (services/recent_activity.py).

Writes are a constant number of queries: one upsert of the fetched years, the bookkeeping row,
and the account's new cache version.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from github_stats.exceptions import BudgetSpent
from github_stats.github.client import GitHubClient
from github_stats.github.contributions import ContributionYear as FetchedYear
from github_stats.github.errors import GitHubNotFound, GitHubUnavailable, RateLimited
from github_stats.models import (
    AccountActivity,
    AccountKind,
    ContributionYear,
    GitHubAccount,
    today_utc,
    year_pairs,
)
from github_stats.services.budget import budget_requests_charge, budget_requests_check
from github_stats.services.follow_ups import follow_up_lock, follow_up_queue
from github_stats.services.recent_activity import recent_activity_fetch, recent_activity_wanted
from github_stats.services.shown import account_shown_update

logger = logging.getLogger(__name__)

ACTIVITY_TASK = "github_stats.tasks.activity_fill"
# Private contributions never show in public events: the calendar is asked at least this often.
CALENDAR_AT_LEAST_EVERY = timedelta(days=1)
_BACKOFF = (timedelta(hours=1), timedelta(hours=6), timedelta(days=1))


@dataclass
class ActivityResult:
    account_id: int
    ran: bool = True  # False: another fill of this account is running, or nothing to do
    years_fetched: list[int] = field(default_factory=list)
    events_not_modified: bool = False
    requests: int = 0
    graphql_points: int = 0
    left_for_later: int = 0  # contribution years still to fetch
    rate_limited_until: datetime | None = None
    error: str = ""
    recent_changed: bool = False  # without a token: the 90 days of public events changed


def activity_wanted(*, account: GitHubAccount, has_token: bool) -> bool:
    """A fill could fetch something: a user (with a token, the calendar; without, the fill
    polls the public events if someone tracks them: services/recent_activity.py), or with a
    token an organisation (its public events). No query."""
    return (account.kind == AccountKind.USER or has_token) and not account.hidden


def activity_fill_request(
    *,
    account: GitHubAccount,
    requested_by_id: int | None = None,
    now: datetime | None = None,
    has_token: bool = True,
) -> None:
    """Queue a fill after the commit (by the task's name: services never import tasks). With a
    token the calendar is marked as coming, so the panel waits for it; the events without one
    are a quiet addition the panel shows when they are there."""
    now = now or timezone.now()
    if has_token:
        AccountActivity.objects.update_or_create(
            account=account,
            defaults={"pending_since": now},
            create_defaults={"pending_since": now},
        )
    follow_up_queue(task_name=ACTIVITY_TASK, account_id=account.pk, requested_by_id=requested_by_id)


def activity_fill(
    *,
    account_id: int,
    client: GitHubClient,
    requested_by_id: int | None = None,
    budget: int | None = None,
    now: datetime | None = None,
) -> ActivityResult:
    """Fetch what the account's activity lacks and store it. Idempotent: a second run finds the
    events unchanged (a free 304) and fetches nothing."""
    now = now or timezone.now()
    result = ActivityResult(account_id=account_id)
    with follow_up_lock(kind="activity", account_id=account_id) as held:
        if not held:
            result.ran = False
            return result
        account = GitHubAccount.objects.for_display().filter(pk=account_id, hidden=False).first()
        if account is None or not activity_wanted(account=account, has_token=client.has_token):
            result.ran = False
            return result
        if requested_by_id is not None:
            try:
                budget_requests_check(user_id=requested_by_id)
            except BudgetSpent:
                result.ran = False
                return result
        calendar = client.has_token and account.kind == AccountKind.USER
        if not calendar and not recent_activity_wanted(account=account, has_token=client.has_token):
            result.ran = False
            return result
        state, _ = AccountActivity.objects.get_or_create(account=account)
        before = (client.stats.requests, client.stats.graphql_points)
        if calendar:
            fetched = _fetch(account, state, client, budget=budget, now=now, result=result)
        else:
            fetched = []
            result.recent_changed = _recent(account, state, client, now=now, result=result)
        result.requests = client.stats.requests - before[0]
        result.graphql_points = client.stats.graphql_points - before[1]
        _store(account, state, fetched, now=now, shown_changed=result.recent_changed)
        if requested_by_id is not None:
            budget_requests_charge(user_id=requested_by_id, requests=result.requests)
        return result


def _recent(
    account: GitHubAccount,
    state: AccountActivity,
    client: GitHubClient,
    *,
    now: datetime,
    result: ActivityResult,
) -> bool:
    try:
        changed = recent_activity_fetch(account=account, state=state, client=client, now=now)
    except RateLimited as exc:
        result.rate_limited_until = exc.reset_at
        return False
    except (GitHubNotFound, GitHubUnavailable) as exc:
        _failed(state, exc.message, now=now, result=result)
        return False
    state.failures, state.last_error, state.retry_after = 0, "", None
    return changed


def _failed(state: AccountActivity, message: str, *, now: datetime, result: ActivityResult) -> None:
    result.error = message
    state.failures = min(state.failures + 1, 1000)
    state.last_error = message[:500]
    state.retry_after = now + _BACKOFF[min(state.failures, len(_BACKOFF)) - 1]


def _fetch(
    account: GitHubAccount,
    state: AccountActivity,
    client: GitHubClient,
    *,
    budget: int | None,
    now: datetime,
    result: ActivityResult,
) -> list[FetchedYear]:
    allowed = settings.ACTIVITY_BUDGET if budget is None else budget
    fetched: list[FetchedYear] = []
    try:
        # Asked every time, the first too: its ETag makes the next fill's question free.
        if _nothing_new(account, state, client, now) and not _years_missing(account, state):
            result.events_not_modified = True
            return fetched
        if not state.years:
            overview = client.contributions_overview(login=account.login)
            state.years = overview.years if overview.is_user else []
            if not overview.is_user:
                return fetched
        for year in _years_wanted(account, state, now=now)[:allowed]:
            fetched.append(client.contributions_year(login=account.login, year=year))
    except RateLimited as exc:
        result.rate_limited_until = exc.reset_at
    except (GitHubNotFound, GitHubUnavailable) as exc:
        _failed(state, exc.message, now=now, result=result)
    else:
        state.failures, state.last_error, state.retry_after = 0, "", None
    result.years_fetched = [one.year for one in fetched]
    stored = set(ContributionYear.objects.filter(account=account).values_list("year", flat=True))
    result.left_for_later = len(set(state.years) - stored - set(result.years_fetched))
    return fetched


def _nothing_new(
    account: GitHubAccount, state: AccountActivity, client: GitHubClient, now: datetime
) -> bool:
    """The public events, conditionally: unchanged (a 304, free when authorized) and a calendar
    younger than a day mean there is nothing to ask GitHub's GraphQL."""
    token = client.token_fingerprint
    etag = state.events_etag if state.validators_token == token else None
    page = client.public_events_page(login=account.login, etag=etag or None)
    state.events_polled_at = now
    if page.poll_interval:
        state.poll_interval = page.poll_interval
    if page.etag:
        state.events_etag, state.validators_token = page.etag, token
    fresh = state.calendar_fetched_at is not None and (
        now - state.calendar_fetched_at < CALENDAR_AT_LEAST_EVERY
    )
    return page.not_modified and fresh


def _years_missing(account: GitHubAccount, state: AccountActivity) -> bool:
    """Years GitHub lists that are not stored yet (a fill cut short by its budget)."""
    if not state.years:
        return state.calendar_fetched_at is None
    stored = set(ContributionYear.objects.filter(account=account).values_list("year", flat=True))
    return bool(set(state.years) - stored)


def _years_wanted(account: GitHubAccount, state: AccountActivity, *, now: datetime) -> list[int]:
    """Newest first: the current year always; every listed year not stored yet; the year just
    ended once more when the calendar was last fetched before it ended."""
    today = today_utc(now)
    stored = set(ContributionYear.objects.filter(account=account).values_list("year", flat=True))
    wanted = [today.year]
    last = state.calendar_fetched_at
    if last is not None and today_utc(last).year < today.year:
        wanted.append(today.year - 1)
    wanted += sorted((y for y in state.years if y not in stored and y < today.year), reverse=True)
    return list(dict.fromkeys(wanted))


def _store(
    account: GitHubAccount,
    state: AccountActivity,
    fetched: list[FetchedYear],
    *,
    now: datetime,
    shown_changed: bool = False,
) -> None:
    with transaction.atomic():
        if fetched:
            ContributionYear.objects.bulk_create(
                [_row(account, one, now=now) for one in fetched],
                update_conflicts=True,
                unique_fields=["account", "year"],
                update_fields=_YEAR_FIELDS,
            )
            state.calendar_fetched_at = now
        state.pending_since = None
        state.save()
        if fetched or shown_changed:
            account_shown_update(account=account)


_YEAR_FIELDS = [
    "days",
    "total",
    "commits",
    "issues",
    "pull_requests",
    "reviews",
    "repositories",
    "restricted",
    "by_repository",
    "fetched_at",
]


def _row(account: GitHubAccount, one: FetchedYear, *, now: datetime) -> ContributionYear:
    return ContributionYear(
        account=account,
        year=one.year,
        days=year_pairs({day.date: day.count for day in one.days if day.date.year == one.year}),
        total=one.total,
        commits=one.commits,
        issues=one.issues,
        pull_requests=one.pull_requests,
        reviews=one.reviews,
        repositories=one.repositories,
        restricted=one.restricted,
        by_repository=[[name, count] for name, count in one.by_repository],
        fetched_at=now,
    )
