"""The shared GitHub budget: how much of GitHub one person may spend on demand, and the part of
the hourly quota that first fetches of new accounts leave alone.

Per person and clock hour (UTC): GITHUB_FIRST_FETCHES_PER_PERSON_HOUR accounts we did not store
yet, and GITHUB_REQUESTS_PER_PERSON_HOUR GitHub requests spent by the refreshes they asked for
(every request, 304s included: GitHub counts those toward its secondary limits). Background
refreshes (the scheduler's jobs have no requester) count against nobody. Site-wide, first
fetches stop while no more than GITHUB_QUOTA_RESERVE_PERCENT of the hourly quota is left, so
one person, or many free sign-ups, cannot take the scheduler's and the watchlists' share.

The counters live in the Django cache (Redis in production, local memory in the embedded
default): `cache.add` then `cache.incr`, atomic on both, so concurrent web processes and
workers can never admit one fetch too many. Fixed clock-hour windows, as django-ratelimit's:
a person may spend a share just before the hour and another just after, never more.

When the counters cannot be read (Redis down), first fetches fail closed (Celery's broker is
the same Redis, so nothing could be queued anyway) and refreshes of stored accounts fail open.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from github_stats.exceptions import PersonBudgetSpent, QuotaReserved
from github_stats.github.quota import GRAPHQL, quota_get, secondary_blocked_until
from github_stats.models import GitHubAccount, Tracking

logger = logging.getLogger(__name__)

_HOUR = 3600
_KEY_PREFIX = "github_stats:budget"
# How soon to try again when the counters could not be read.
_UNAVAILABLE_RETRY = timedelta(minutes=1)
# GitHub's smallest hourly quota (no token): what we assume before any response told us more.
UNKNOWN_QUOTA = 60
# Left for people by background work (the scheduler's ticks, star-history fills): a page or API
# request for an account must still find quota.
RESERVE_FRACTION = 0.1


@dataclass(frozen=True)
class PersonBudget:
    """What is left of one person's share this hour (settings page, GET /api/v1/me)."""

    first_fetches_limit: int
    first_fetches_left: int
    requests_limit: int
    requests_left: int
    resets_at: datetime
    # Set while the site's reserve holds every first fetch back: when they may start again.
    first_fetches_paused_until: datetime | None


def budget_person_get(*, user_id: int, now: datetime | None = None) -> PersonBudget:
    """One cache round trip (and the quota state's)."""
    now = now or _now()
    window = _window(now)
    keys = [_key("first", user_id, window), _key("requests", user_id, window)]
    try:
        counted = cache.get_many(keys)
    except Exception:
        logger.warning("budget counters unavailable", exc_info=True)
        counted = {}
    first_limit = settings.GITHUB_FIRST_FETCHES_PER_PERSON_HOUR
    requests_limit = settings.GITHUB_REQUESTS_PER_PERSON_HOUR
    return PersonBudget(
        first_fetches_limit=first_limit,
        first_fetches_left=max(0, first_limit - int(counted.get(keys[0]) or 0)),
        requests_limit=requests_limit,
        requests_left=max(0, requests_limit - int(counted.get(keys[1]) or 0)),
        resets_at=_window_end(window),
        first_fetches_paused_until=_reserve_reached_until(now),
    )


def budget_admit(*, user_id: int | None, first_fetch: bool, now: datetime | None = None) -> bool:
    """Let one on-demand refresh through, or raise QuotaReserved (a first fetch while the site
    reserve is reached) or PersonBudgetSpent. A first fetch is counted against the person at
    once; True says so, and `budget_first_fetch_refund` gives it back if no job was queued."""
    now = now or _now()
    if first_fetch:
        budget_reserve_check(now=now)
    if user_id is None:
        return False
    budget_requests_check(user_id=user_id, now=now)
    if not first_fetch:
        return False
    window = _window(now)
    key = _key("first", user_id, window)
    count = _count(key, 1, window)
    if count is None:
        raise QuotaReserved(
            now + _UNAVAILABLE_RETRY,
            "New accounts cannot be fetched for a moment; please try again in a minute.",
        )
    limit = settings.GITHUB_FIRST_FETCHES_PER_PERSON_HOUR
    if count > limit:
        _count(key, -1, window)  # refused: it fetches nothing, so it takes no slot
        reset_at = _window_end(window)
        raise PersonBudgetSpent(
            reset_at,
            f"You have opened {limit} new accounts this hour, the most one person may. "
            f"Try again after {reset_at:%H:%M} UTC.",
        )
    return True


def budget_first_fetch_refund(*, user_id: int, now: datetime | None = None) -> None:
    """An admitted first fetch that queued nothing (a job was already in flight)."""
    window = _window(now or _now())
    _count(_key("first", user_id, window), -1, window)


def budget_requests_check(*, user_id: int, now: datetime | None = None) -> None:
    """PersonBudgetSpent when the person's refreshes have spent their requests this hour."""
    window = _window(now or _now())
    try:
        spent = int(cache.get(_key("requests", user_id, window)) or 0)
    except Exception:
        logger.warning("budget counters unavailable; a stored account's refresh goes ahead")
        return
    limit = settings.GITHUB_REQUESTS_PER_PERSON_HOUR
    if spent >= limit:
        reset_at = _window_end(window)
        raise PersonBudgetSpent(
            reset_at,
            f"Your refreshes have used {limit} GitHub requests this hour, the most one person "
            f"may. Try again after {reset_at:%H:%M} UTC.",
        )


def budget_requests_charge(*, user_id: int, requests: int, now: datetime | None = None) -> None:
    """What a job the person asked for spent (called when the job's attempt ends)."""
    if requests > 0:
        window = _window(now or _now())
        _count(_key("requests", user_id, window), requests, window)


def budget_reserve_check(*, now: datetime | None = None) -> None:
    """QuotaReserved while the hour's quota is down to the reserve kept for tracked accounts."""
    until = _reserve_reached_until(now or _now())
    if until is not None:
        raise QuotaReserved(
            until,
            "The rest of this hour's GitHub quota is kept for the accounts people already "
            f"track. New accounts can be fetched again after {until:%H:%M} UTC.",
        )


def budget_reserve_check_stored(*, account: GitHubAccount) -> None:
    """Within the site's reserve, a person's refresh of a stored account runs only if someone
    tracks it: the reserve is the scheduler's and the watchlists', and many free sign-ups, each
    within their own share, must not spend it on accounts nobody watches. (The tracking query
    runs only while the reserve is reached.)"""
    try:
        budget_reserve_check()
    except QuotaReserved as exc:
        if not Tracking.objects.filter(account=account).exists():
            raise QuotaReserved(
                exc.reset_at,
                "The rest of this hour's GitHub quota is kept for the accounts people track: "
                f"track this one, or refresh it after {exc.reset_at:%H:%M} UTC.",
            ) from exc


def _reserve_reached_until(now: datetime) -> datetime | None:
    """GitHub's reset, while what is left of the quota is within the reserve; an unknown quota
    (no answer seen yet) or one whose window has reset is not."""
    state = quota_get()
    if state is None or state.reset_at <= now:
        return None
    limit = state.limit or state.remaining + (state.used or 0)
    reserve = math.ceil(limit * settings.GITHUB_QUOTA_RESERVE_PERCENT / 100)
    return state.reset_at if state.remaining <= reserve else None


def _count(key: str, delta: int, window: int) -> int | None:
    """Add `delta` to a counter of this window, atomically; None when the cache cannot count."""
    timeout = int((_window_end(window) - _now()).total_seconds()) + 60
    try:
        for _ in range(2):
            cache.add(key, 0, timeout=max(timeout, 60))
            try:
                value = cache.incr(key, delta)
            except ValueError:
                continue  # expired between add and incr: add it again
            return None if value is None else int(value)
    except Exception:
        logger.warning("budget counters unavailable", exc_info=True)
    return None


def _window(now: datetime) -> int:
    return int(now.timestamp()) // _HOUR


def _window_end(window: int) -> datetime:
    return datetime.fromtimestamp((window + 1) * _HOUR, tz=UTC)


def _key(kind: str, user_id: int, window: int) -> str:
    return f"{_KEY_PREFIX}:{kind}:{user_id}:{window}"


def _now() -> datetime:
    return datetime.now(tz=UTC)


def quota_budget(*, now: datetime | None = None) -> int:
    """Requests background work (the scheduler, star-history fills) may spend now: what is left
    of the quota minus a reserve."""
    now = now or timezone.now()
    if secondary_blocked_until() is not None:
        return 0
    state = quota_get()
    if state is None:
        limit = remaining = UNKNOWN_QUOTA
    else:
        limit = state.limit or UNKNOWN_QUOTA
        remaining = limit if state.reset_at <= now else state.remaining
    if settings.GITHUB_TOKEN:
        graphql = quota_get(resource=GRAPHQL)
        if graphql is not None and graphql.is_exhausted(now):
            return 0
    return max(remaining - math.ceil(limit * RESERVE_FRACTION), 0)
