"""Star history: fetched after an account's refresh has committed, so its dashboard appears
first and the history fills in (its panels say what is still coming and poll).

What is fetched (GitHub's `stargazers/history`, 30 weeks a page, newest first, 1 quota each;
github/star_history.py):
- a repository with stars and no history: the pages down to its first star (at most
  ⌈weeks of life / 30⌉ requests; fewer once the weeks hold all its stars, since GitHub counts
  only stars that still exist), or on from the page a budget or rate limit stopped at;
- a repository whose `stargazers_count` moved since its history was fetched: the newest pages,
  conditionally on the newest page's ETag, until they overlap the weeks we store (1 request
  unless it went unfetched for more than 30 weeks);
- a starred repository not re-checked for RECHECK_AFTER: its newest page, conditionally (an
  unstar plus a new star leaves the count as it was); a 304 costs no quota.
Repositories holding the most stars go first, and one fill spends at most STAR_HISTORY_BUDGET
requests, the background share of the quota (services/budget.py) and, for a person's refresh,
what is left of their hourly share; the rest follows on later refreshes. GitHub errors on one
repository are recorded on it (retried after a back-off) and never fail the fill.

Writes are a constant number of queries whatever the number of repositories and weeks: one
upsert of the changed histories, one delete of those whose repository lost every star, the
account's sum (one read, one upsert) and the account's new cache version.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from github_stats.exceptions import BudgetSpent
from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubNotFound, GitHubUnavailable, RateLimited
from github_stats.github.star_history import StarHistoryPage, StarWeek
from github_stats.models import (
    AccountStarHistory,
    GitHubAccount,
    Repository,
    RepositoryQuerySet,
    StarHistory,
    weeks_daily,
    weeks_pack,
)
from github_stats.models.star_history import Week
from github_stats.services.budget import (
    budget_person_get,
    budget_requests_charge,
    budget_requests_check,
    quota_budget,
)
from github_stats.services.follow_ups import follow_up_lock, follow_up_queue
from github_stats.services.shown import account_shown_update

logger = logging.getLogger(__name__)

STAR_HISTORY_TASK = "github_stats.tasks.star_history_fill"
# GitHub's pagination limit for the endpoint.
MAX_PAGE = 100
WEEK_SECONDS = 7 * 24 * 60 * 60
# An unstar plus a new star leaves the count unchanged: look at the newest page this often.
RECHECK_AFTER = timedelta(days=7)
# A repository whose history GitHub refused is left alone 1 h, 6 h, then a day at a time.
_BACKOFF = (timedelta(hours=1), timedelta(hours=6), timedelta(days=1))
# This many GitHub failures in a row and GitHub is having a bad day: stop, keep what we have.
_CONSECUTIVE_FAILURES_STOP = 3


@dataclass
class FillResult:
    account_id: int
    ran: bool = True  # False: another fill of this account is running
    requests: int = 0  # sent to GitHub (304s included)
    quota_requests: int = 0  # charged by GitHub
    repositories_fetched: int = 0  # histories changed and stored
    repositories_unchanged: int = 0  # a 304, or the same weeks
    repositories_failed: list[str] = field(default_factory=list)
    left_for_later: int = 0  # repositories that still want a fetch
    rate_limited_until: datetime | None = None


@dataclass
class _Work:
    repository_id: int
    name: str
    stars: int
    history: StarHistory
    full: bool  # no complete history yet: walk on from history.next_page (or page 1)


def star_history_wanted(*, account: GitHubAccount, now: datetime | None = None) -> bool:
    """Whether a fill would have something to fetch for this account. One query."""
    return _wanted_repositories(account.pk, now=now or timezone.now()).exists()


def star_history_fill_request(
    *, account: GitHubAccount, requested_by_id: int | None = None, now: datetime | None = None
) -> None:
    """Mark the account's star history as coming and queue a fill after the commit (by the
    task's name: services never import tasks)."""
    now = now or timezone.now()
    AccountStarHistory.objects.update_or_create(
        account=account, defaults={"pending_since": now}, create_defaults={"pending_since": now}
    )
    follow_up_queue(
        task_name=STAR_HISTORY_TASK, account_id=account.pk, requested_by_id=requested_by_id
    )


def star_history_fill(
    *,
    account_id: int,
    client: GitHubClient,
    requested_by_id: int | None = None,
    budget: int | None = None,
    now: datetime | None = None,
) -> FillResult:
    """Fetch what the account's star history lacks, within the budgets, and store it.
    Idempotent: a second run finds nothing to fetch (or only 304s). RateLimited stops the
    fill after storing what was fetched; `rate_limited_until` says when to go on."""
    now = now or timezone.now()
    result = FillResult(account_id=account_id)
    with follow_up_lock(kind="star_history", account_id=account_id) as held:
        if not held:
            result.ran = False
            return result
        account = GitHubAccount.objects.for_display().filter(pk=account_id, hidden=False).first()
        if account is None:
            return result
        allowed = _allowed_requests(budget=budget, requested_by_id=requested_by_id)
        before = replace(client.stats)
        changed, emptied = _fetch(account, client, allowed=allowed, now=now, result=result)
        spent = client.stats.since(before)
        result.requests, result.quota_requests = spent.requests, spent.quota_requests
        _store(account, changed=changed, emptied=emptied, now=now)
        if requested_by_id is not None:
            budget_requests_charge(user_id=requested_by_id, requests=result.requests)
        result.left_for_later = _wanted_repositories(account.pk, now=now).count()
        return result


def _allowed_requests(*, budget: int | None, requested_by_id: int | None) -> int:
    allowed = settings.STAR_HISTORY_BUDGET if budget is None else budget
    allowed = min(allowed, quota_budget())
    if requested_by_id is not None:
        try:
            budget_requests_check(user_id=requested_by_id)
        except BudgetSpent:
            return 0
        allowed = min(allowed, budget_person_get(user_id=requested_by_id).requests_left)
    return max(allowed, 0)


def _wanted_repositories(account_id: int, *, now: datetime) -> RepositoryQuerySet:
    """Starred repositories whose history is missing, unfinished, behind their star count or
    due for a re-check, and not backing off after a failure; or unstarred ones that still have
    a history to drop."""
    recheck_before = now - RECHECK_AFTER
    due = (
        Q(star_history__isnull=True)
        | Q(star_history__next_page__gt=0)
        | ~Q(star_history__stars_at_fetch=F("stars"))
        | Q(star_history__fetched_at__lt=recheck_before)
        | Q(star_history__fetched_at__isnull=True)
    )
    not_backing_off = Q(star_history__retry_after__isnull=True) | Q(
        star_history__retry_after__lte=now
    )
    starred = Q(stars__gt=0) & due & not_backing_off
    unstarred_with_history = Q(stars=0, star_history__isnull=False)
    return Repository.objects.filter(owner_id=account_id).filter(starred | unstarred_with_history)


def _fetch(
    account: GitHubAccount,
    client: GitHubClient,
    *,
    allowed: int,
    now: datetime,
    result: FillResult,
) -> tuple[list[StarHistory], list[int]]:
    """The histories changed by this fill, and the repositories that lost every star."""
    rows = list(
        _wanted_repositories(account.pk, now=now)
        .select_related("star_history")
        .only("pk", "name", "stars", "star_history")
        .order_by(F("stars").desc(), "pk")
    )
    emptied = [row.pk for row in rows if row.stars == 0]
    changed: list[StarHistory] = []
    spent = 0
    failures_in_a_row = 0
    token = client.token_fingerprint
    for row in rows:
        if row.stars == 0:
            continue
        if spent >= allowed:
            break
        history = getattr(row, "star_history", None) or StarHistory(repository_id=row.pk)
        work = _Work(row.pk, row.name, row.stars, history, full=not _has_whole_life(history))
        # A walk that goes on from an older page has not seen the newest weeks since it began:
        # its star count stays unmatched, so the newest pages are fetched once it is whole.
        from_top = not work.full or not history.next_page
        start = client.stats.requests
        try:
            updated = _walk(account.login, work, client, allowed=allowed - spent, token=token)
        except RateLimited as exc:
            result.rate_limited_until = exc.reset_at
            spent += client.stats.requests - start
            if work.history.weeks or work.history.next_page:
                changed.append(_finished(work.history, stars=None, now=now))
            break
        except (GitHubNotFound, GitHubUnavailable) as exc:
            spent += client.stats.requests - start
            changed.append(_failed(history, exc, now=now))
            result.repositories_failed.append(row.name)
            failures_in_a_row += 1
            if failures_in_a_row >= _CONSECUTIVE_FAILURES_STOP:
                break
            continue
        spent += client.stats.requests - start
        failures_in_a_row = 0
        if updated:
            result.repositories_fetched += 1
        else:
            result.repositories_unchanged += 1
        changed.append(_finished(work.history, stars=row.stars if from_top else None, now=now))
    return changed, emptied


def _has_whole_life(history: StarHistory) -> bool:
    return (history.complete or history.truncated) and history.next_page == 0


def _walk(login: str, work: _Work, client: GitHubClient, *, allowed: int, token: str) -> bool:
    """Fetch pages into work.history (in memory) and say whether its weeks changed."""
    history = work.history
    ours = history.validators_token == token
    # The last fetch saw every week up to then: a newer page that reaches back past the week
    # before it overlaps what we store (a quiet repository's newest star may be years older).
    seen_until = (
        int((history.fetched_at - timedelta(days=7)).timestamp())
        if history.fetched_at is not None and not work.full
        else None
    )
    page_number = (history.next_page or 1) if work.full else 1
    changed = False
    spent = 0
    while spent < allowed:
        etag = history.newest_etag if page_number == 1 and ours and not work.full else None
        page = client.star_history_page(
            owner=login, name=work.name, page=page_number, etag=etag or None
        )
        spent += 1
        if page_number == 1 and page.etag:
            history.newest_etag, history.validators_token = page.etag, token
        if page.not_modified:
            return changed
        if page.limit_reached:
            history.truncated, history.next_page = True, 0
            return changed
        changed |= _merge(history, page.weeks)
        # GitHub counts only stars that still exist: once the weeks hold as many as the
        # repository has, the older pages are empty (a repository ten years old that got its
        # first stars last month costs one request). Stars given between the listing and
        # this walk can end it a little early; the next refresh's newest page adds them.
        whole = work.full and history.attributed >= work.stars
        if not page.has_next or whole:
            history.complete, history.next_page = True, 0
            return changed
        if seen_until is not None and _overlaps(page, seen_until):
            return changed  # the rest is stored already
        if page_number >= MAX_PAGE:
            history.truncated, history.next_page = True, 0
            return changed
        page_number += 1
        if work.full:
            history.next_page = page_number
    # The budget ran out mid-walk: go on from here next time, older weeks first.
    history.next_page = page_number
    return changed


def _overlaps(page: StarHistoryPage, seen_until: int) -> bool:
    return bool(page.weeks) and min(week.start for week in page.weeks) <= seen_until


def _merge(history: StarHistory, weeks: list[StarWeek]) -> bool:
    """Put a page's weeks into the history: the stored weeks within the page's span are
    replaced by the page's (a star removed since disappears from its week), weeks without
    stars are not kept. Whether anything changed."""
    if not weeks:
        return False
    low = min(week.start for week in weeks)
    high = max(week.start for week in weeks) + WEEK_SECONDS
    kept: list[Week] = [w for w in history.weeks if not low <= w[0] < high]
    fetched: list[Week] = [[week.start, *week.days] for week in weeks if week.total > 0]
    merged = sorted(kept + fetched, key=lambda week: week[0])
    if merged == history.weeks:
        return False
    history.weeks = merged
    history.attributed = sum(sum(week[1:]) for week in merged)
    return True


def _finished(history: StarHistory, *, stars: int | None, now: datetime) -> StarHistory:
    if stars is not None:
        history.stars_at_fetch = stars
    history.fetched_at = now
    history.failures = 0
    history.last_error = ""
    history.retry_after = None
    return history


def _failed(history: StarHistory, exc: Exception, *, now: datetime) -> StarHistory:
    history.failures = min(history.failures + 1, 1000)
    history.last_error = getattr(exc, "message", str(exc))[:500]
    history.retry_after = now + _BACKOFF[min(history.failures, len(_BACKOFF)) - 1]
    return history


_HISTORY_FIELDS = [
    "weeks",
    "attributed",
    "stars_at_fetch",
    "newest_etag",
    "validators_token",
    "complete",
    "truncated",
    "next_page",
    "fetched_at",
    "failures",
    "last_error",
    "retry_after",
]


def _store(
    account: GitHubAccount, *, changed: list[StarHistory], emptied: list[int], now: datetime
) -> None:
    with transaction.atomic():
        if changed:
            StarHistory.objects.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["repository"],
                update_fields=_HISTORY_FIELDS,
            )
        if emptied:
            StarHistory.objects.filter(repository_id__in=emptied).delete()
        account_star_history_sum(account=account, now=now)
        # What the pages show of the account changed: its cached pages and fragments go.
        account_shown_update(account=account)


def account_star_history_sum(*, account: GitHubAccount, now: datetime | None = None) -> None:
    """Sum the histories that cover a repository's whole life into the account's row, with
    the coverage the pages show. Two queries (the read, the upsert)."""
    now = now or timezone.now()
    rows = Repository.objects.filter(owner=account, stars__gt=0).values_list(
        "stars",
        "star_history__weeks",
        "star_history__complete",
        "star_history__truncated",
        "star_history__next_page",
    )
    days: dict[date, int] = {}
    starred = covered = stars_total = stars_covered = 0
    for stars, weeks, complete, truncated, next_page in rows:
        starred += 1
        stars_total += stars
        if not (complete or truncated) or next_page:
            continue
        covered += 1
        stars_covered += stars
        for day, count in weeks_daily(weeks or []).items():
            days[day] = days.get(day, 0) + count
    packed = weeks_pack(days)
    AccountStarHistory.objects.update_or_create(
        account=account,
        defaults={
            "weeks": packed,
            "repositories_covered": covered,
            "repositories_starred": starred,
            "stars_covered": stars_covered,
            "stars_total": stars_total,
            "attributed": sum(days.values()),
            "pending_since": None,
            "updated_at": now,
        },
    )
