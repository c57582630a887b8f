"""What a refresh is expected to cost GitHub, from what we know of the account.

The scheduler (services/scheduling.py) plans each tick with it, and bench/scale.py runs the same
function over simulated accounts. Three figures, because GitHub limits three things:

- `requests`: REST requests sent, 304s included. GitHub's secondary limit counts every one
  (900 points a minute), and so does our own request pacing.
- `quota`: the part of them GitHub charges to the hourly primary quota (everything but a 304).
- `graphql`: GraphQL points (languages of repositories whose code moved; a user's contribution
  calendar), charged to the GraphQL quota.

A warm account (validators stored under today's token) costs its conditional requests whatever
happens, and quota only when something changed; how often that happens is the account's
`change_rate`, kept by every refresh (services/refresh.py). A cold account (never fetched, or its
validators belong to another token) pays for everything, including the first star-history fill
and, with a token, the whole-life contribution calendar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# GitHub's page size for repository lists and the GraphQL language batches.
REPOS_PER_PAGE = 100
# What a change usually touches: the profile and one repository page come back 200 (the others
# stay 304), one starred repository's newest star-history page, and the public events.
CHANGED_PROFILE_AND_PAGE = 2
CHANGED_STAR_PAGES = 1
# A user's events are asked for on every refresh (conditional: a 304 unless something happened);
# a change also re-reads the current contribution year (one GraphQL point).
EVENTS_REQUESTS = 1
ACTIVITY_POINTS_PER_CHANGE = 1
# Star history of a first fill: at most this many pages an account (settings.STAR_HISTORY_BUDGET),
# about one page per starred repository (30 weeks a page; most repositories' stars fit in one).
# Unknown star counts before the first fetch: assume a quarter of the repositories are starred.
COLD_STARRED_SHARE = 0.25
# Contribution years of a user's first activity fill (settings.ACTIVITY_BUDGET caps it).
COLD_ACTIVITY_YEARS = 8
# services/star_history.py re-checks every starred repository's newest page once a week.
STAR_RECHECK_DAYS = 7
DAY_SECONDS = 24 * 3600
# A change_rate we know nothing of yet: GitHub accounts change on about one day in five.
UNKNOWN_CHANGE_RATE = 0.2


@dataclass(frozen=True)
class RefreshCost:
    requests: float = 0.0
    quota: float = 0.0
    graphql: float = 0.0

    def __add__(self, other: RefreshCost) -> RefreshCost:
        return RefreshCost(
            requests=self.requests + other.requests,
            quota=self.quota + other.quota,
            graphql=self.graphql + other.graphql,
        )

    def scaled(self, factor: float) -> RefreshCost:
        return RefreshCost(
            requests=self.requests * factor,
            quota=self.quota * factor,
            graphql=self.graphql * factor,
        )


def repository_pages(public_repos: int) -> int:
    return max(1, math.ceil(public_repos / REPOS_PER_PAGE))


def refresh_cost_expected(
    *,
    public_repos: int,
    is_user: bool,
    warm: bool,
    has_token: bool,
    change_rate: float | None,
    starred_repos: int | None = None,
    star_history_budget: int = 100,
    activity_budget: int = 20,
    since_seconds: float | None = None,
) -> RefreshCost:
    """The expected cost of one refresh and the fills it sets off (star history, activity).

    `warm`: the account's validators are stored under the token in use. `change_rate`: the share
    of recent refreshes that found something new (None: never measured). `starred_repos`: how many
    repositories have stars, when known. `since_seconds`: since the last refresh (a warm
    account's weekly star-history re-checks and daily calendar read grow with it; None: a
    day)."""
    pages = repository_pages(public_repos)
    starred = (
        starred_repos if starred_repos is not None else math.ceil(public_repos * COLD_STARRED_SHARE)
    )
    # A user's events always (the calendar's check, or the 90-day view without a token); an
    # organisation's with a token (its 90-day view: services/recent_activity.py).
    events = EVENTS_REQUESTS if is_user or has_token else 0
    if not warm:
        star_pages = min(starred, star_history_budget)
        requests = 1 + pages + star_pages + events
        graphql = 0.0
        if has_token:
            graphql = pages + (min(COLD_ACTIVITY_YEARS, activity_budget) if is_user else 0)
        return RefreshCost(requests=requests, quota=requests, graphql=graphql)

    rate = UNKNOWN_CHANGE_RATE if change_rate is None else min(max(change_rate, 0.0), 1.0)
    # Every conditional request is sent; a change adds the star-history page (a new request) and
    # turns the profile, one repository page and the events from 304s into charged answers.
    changed_quota = CHANGED_PROFILE_AND_PAGE + CHANGED_STAR_PAGES + events
    # Measured by bench/scale.py --real: without these two a warm refresh was priced 2.7 times
    # too low. Every starred repository's star history is re-checked (conditionally) once a
    # week, and a user's calendar is read once a day whatever the events say (private
    # contributions never show in them).
    since_days = (since_seconds if since_seconds is not None else DAY_SECONDS) / DAY_SECONDS
    rechecks = min(starred, starred * since_days / STAR_RECHECK_DAYS) if star_history_budget else 0
    calendar = min(since_days, 1.0) if has_token and is_user and activity_budget else 0.0
    expected_requests = 1 + pages + events + rechecks + rate * CHANGED_STAR_PAGES
    graphql = rate * (1 + (ACTIVITY_POINTS_PER_CHANGE if is_user else 0)) if has_token else 0.0
    graphql = max(graphql, calendar + (rate if has_token else 0.0))
    return RefreshCost(requests=expected_requests, quota=rate * changed_quota, graphql=graphql)


def change_rate_next(*, previous: float | None, changed: bool, weight: float = 0.2) -> float:
    """The account's change rate after one more refresh: an exponentially weighted mean, so the
    last couple of weeks of daily refreshes count most and one odd day does not swing it."""
    start = UNKNOWN_CHANGE_RATE if previous is None else previous
    return round(start * (1 - weight) + (1.0 if changed else 0.0) * weight, 4)
