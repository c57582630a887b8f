"""The simulation behind bench/scale.py: N tracked accounts on one token, in simulated time.

What is real: every tick plans with the scheduler's own decision code, `Allowance.spend` and
`tick_plan` (github_stats/services/pacing.py), pricing every candidate with the cost model
`refresh_cost_expected` and keeping each account's `change_rate` with `change_rate_next`
(github_stats/services/refresh_cost.py), with the settings' defaults (STATS_TTL, the tick, the
pool a tick looks at, the reserve, the requests a minute and in flight).

What is modelled: GitHub and the workers. A refresh's cost is what the fake GitHub's data model
answers (tests/fakegithub: conditional requests with ETags, one page per 100 repositories): an
unchanged account is all 304s (the profile, every page, a user's events, and the weekly
conditional re-check of its starred repositories' star history, `starred_count` of them); a
changed one gets the profile, one page, the events and one star-history page back 200 (charged)
and, with a token, a GraphQL point for languages and one for the contribution year. GitHub's
primary quota resets every hour; its secondary limit counts every request a minute; a REST
request takes `latency` seconds (GraphQL queries are counted as points, not as time) and the
workers send `concurrent` at a time, at most the limiter's requests a minute. Jobs run in the
order queued, people's first. The database and Celery are not simulated: the real run
(bench/scale.py --real) measures them.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass, field

from github_stats.services.pacing import (
    Allowance,
    Candidate,
    tick_plan,
)
from github_stats.services.refresh_cost import (
    RefreshCost,
    change_rate_next,
    refresh_cost_expected,
    repository_pages,
)

DAY = 24 * 3600
HOUR = 3600
# Of an account's repositories, the share with stars: an assumption about tracked accounts,
# not a measurement (the fake GitHub's autocreated mix has about 0.47: bench/scale.py prints the
# headroom at both). Each account has ceil(repositories * share) starred (`starred_count`).
STARRED_SHARE = 0.25
STAR_RECHECK_DAYS = 7  # services/star_history.py re-checks every starred repository weekly


@dataclass(frozen=True)
class Params:
    accounts: int = 100_000
    days: int = 3
    daily_change: float = 0.05
    has_token: bool = True
    latency: float = 0.1
    concurrent: int = 1
    rest_points_per_minute: int = 720
    graphql_points_per_minute: int = 1600
    quota_limit: int = 5000
    graphql_limit: int = 5000
    secondary_rest_limit: int = 900
    stats_ttl: int = 6 * HOUR
    tick_seconds: int = 60
    pool: int = 2000  # services/scheduling.MAX_ACCOUNTS_PER_TICK
    reserve_fraction: float = 0.1
    starred_share: float = STARRED_SHARE
    seed: int = 1


@dataclass
class DayFigures:
    day: int
    refreshed: int = 0
    with_snapshot: int = 0
    requests: int = 0
    not_modified: int = 0
    graphql: int = 0  # points (a query each)
    quota_per_hour: list[int] = field(default_factory=list)
    max_requests_per_minute: int = 0
    refused: int = 0  # 403/429 answers GitHub would have sent
    staleness_hours: list[float] = field(default_factory=list)  # p50, p95, max at day's end


@dataclass(frozen=True)
class Accounts:
    """The simulated accounts: repositories, user (or organisation), people tracking each."""

    repos: list[int]
    is_user: list[bool]
    trackers: list[int]


def repository_mix(count: int, rng: random.Random) -> list[int]:
    """Most accounts under 30 repositories, a long tail to 2,500 (a Pareto tail, as GitHub's)."""
    out = []
    for _ in range(count):
        if rng.random() < 0.8:
            out.append(int(rng.random() ** 2 * 30))
        else:
            out.append(min(2500, int(30 * rng.paretovariate(1.1))))
    return out


def accounts_drawn(count: int, rng: random.Random) -> Accounts:
    """`repository_mix`, nine in ten users, most accounts on one watchlist and a few on many."""
    repos = repository_mix(count, rng)
    is_user = [rng.random() < 0.9 for _ in range(count)]
    trackers = [1 if rng.random() < 0.9 else int(rng.paretovariate(1.2)) + 1 for _ in range(count)]
    return Accounts(repos=repos, is_user=is_user, trackers=trackers)


def starred_count(repos: int, share: float = STARRED_SHARE) -> int:
    return math.ceil(repos * share)


class Simulation:
    """`accounts`, when given, are the accounts simulated (the real run's, to check the model
    on them); otherwise drawn with `accounts_drawn` from the seed."""

    def __init__(self, params: Params, accounts: Accounts | None = None) -> None:
        self.p = params
        rng = random.Random(params.seed)
        self.rng = rng
        n = params.accounts
        drawn = accounts if accounts is not None else accounts_drawn(n, rng)
        if not len(drawn.repos) == len(drawn.is_user) == len(drawn.trackers) == n:
            raise ValueError(f"{n} accounts in the parameters, not as many in {drawn}")
        self.repos, self.is_user, self.trackers = drawn.repos, drawn.is_user, drawn.trackers
        # Warm: every account stored with its validators, refreshed at some time of the last day.
        self.fetched_at = [-rng.uniform(0, DAY) for _ in range(n)]
        self.change_rate: list[float | None] = [params.daily_change] * n
        self.changed = [False] * n
        self.in_flight = [False] * n
        order = sorted(range(n), key=lambda i: self.fetched_at[i])
        self.by_staleness: deque[int] = deque(order)
        self.queue: deque[tuple[int, RefreshCost]] = deque()
        self.carry = 0.0  # requests of a job begun in the previous minute
        self.refreshed_on: dict[int, bytearray] = {}
        self.quota_used = 0
        self.graphql_used = 0
        self.days: list[DayFigures] = []

    # --- GitHub's answers (the fake GitHub's data model) ---------------------------------------

    def _actual(self, i: int, now: float) -> tuple[int, int, int, int]:
        """requests, charged, 304s, GraphQL points of one refresh of account i."""
        pages = repository_pages(self.repos[i])
        events = 1 if self.is_user[i] or self.p.has_token else 0
        starred = starred_count(self.repos[i], self.p.starred_share)
        since = max(now - self.fetched_at[i], 0.0)
        rechecks = min(starred, round(starred * since / (STAR_RECHECK_DAYS * DAY)))
        requests = 1 + pages + events + rechecks
        # A user's calendar is read once a day whatever happened (services/activity.py).
        calendar = 1 if self.p.has_token and self.is_user[i] and since >= DAY else 0
        if not self.changed[i]:
            return requests, 0, requests, calendar
        charged = 2 + events + (1 if starred else 0)
        requests += 1 if starred else 0
        graphql = (1 + (1 if self.is_user[i] else 0)) if self.p.has_token else 0
        return requests, charged, requests - charged, graphql

    def _cost(self, i: int, now: float) -> RefreshCost:
        return refresh_cost_expected(
            public_repos=self.repos[i],
            is_user=self.is_user[i],
            warm=True,
            has_token=self.p.has_token,
            change_rate=self.change_rate[i],
            since_seconds=now - self.fetched_at[i],
        )

    # --- the run ----------------------------------------------------------------------------

    def run(self) -> list[DayFigures]:
        p = self.p
        changes = self._changes_of_day(0)
        for day in range(p.days):
            figures = DayFigures(day=day)
            marks = self.refreshed_on.setdefault(day, bytearray(p.accounts))
            hour_quota = 0
            for minute in range(DAY // p.tick_seconds):
                now = day * DAY + minute * p.tick_seconds
                if now % HOUR == 0:
                    if minute:
                        figures.quota_per_hour.append(hour_quota)
                    hour_quota, self.quota_used, self.graphql_used = 0, 0, 0
                while changes and changes[-1][0] <= now:
                    self.changed[changes.pop()[1]] = True
                self._tick(now)
                used_before = self.quota_used
                sent = self._work(now, figures, marks)
                hour_quota += self.quota_used - used_before
                figures.max_requests_per_minute = max(figures.max_requests_per_minute, sent)
                if sent > p.secondary_rest_limit:
                    figures.refused += sent - p.secondary_rest_limit
            figures.quota_per_hour.append(hour_quota)
            figures.with_snapshot = sum(marks)
            figures.staleness_hours = self._staleness((day + 1) * DAY)
            self.days.append(figures)
            changes = self._changes_of_day(day + 1)
        return self.days

    def run_minutes_all_stale(self, minutes: int, changed: list[int] | None = None) -> DayFigures:
        """The first `minutes` when every account starts a day stale and `changed` (by default
        `daily_change` of them, drawn) changed on GitHub, as the real run (bench/scale_real.py)
        starts: the model's figures to set beside it. `quota_per_hour` holds the quota spent."""
        self.fetched_at = [-float(DAY)] * self.p.accounts
        self.by_staleness = deque(range(self.p.accounts))
        if changed is None:
            changed = self.rng.sample(
                range(self.p.accounts), int(self.p.accounts * self.p.daily_change)
            )
        for i in changed:
            self.changed[i] = True
        figures = DayFigures(day=0)
        marks = bytearray(self.p.accounts)
        for minute in range(minutes):
            now = minute * self.p.tick_seconds
            self._tick(now)
            self._work(now, figures, marks)
        figures.quota_per_hour = [self.quota_used]
        figures.with_snapshot = sum(marks)
        return figures

    def _changes_of_day(self, day: int) -> list[tuple[float, int]]:
        n = self.p.accounts
        count = int(n * self.p.daily_change)
        picked = self.rng.sample(range(n), count)
        times = [(day * DAY + self.rng.uniform(0, DAY), i) for i in picked]
        return sorted(times, reverse=True)  # pop() from the end: the earliest first

    def _tick(self, now: float) -> None:
        p = self.p
        backlog = RefreshCost()
        for _, cost in self.queue:
            backlog = backlog + cost
        seconds_to_reset = HOUR - now % HOUR
        allowance = Allowance(
            quota_limit=p.quota_limit,
            quota_remaining=p.quota_limit - self.quota_used,
            seconds_to_reset=seconds_to_reset,
            graphql_limit=p.graphql_limit if p.has_token else None,
            graphql_remaining=p.graphql_limit - self.graphql_used,
            graphql_seconds_to_reset=seconds_to_reset,
            rest_points_per_minute=p.rest_points_per_minute,
            graphql_points_per_minute=p.graphql_points_per_minute,
            concurrent_requests=p.concurrent,
            request_seconds=p.latency,
            reserve_fraction=p.reserve_fraction,
            tick_seconds=p.tick_seconds,
        ).spend(backlog=backlog)
        cutoff = now - p.stats_ttl
        pool: list[Candidate] = []
        for i in self.by_staleness:
            if len(pool) >= p.pool or self.fetched_at[i] >= cutoff:
                break
            pool.append(
                Candidate(
                    key=i,
                    login="",
                    stale_seconds=now - self.fetched_at[i],
                    trackers=self.trackers[i],
                    cost=self._cost(i, now),
                )
            )
        if not pool:
            return
        plan = tick_plan(candidates=pool, allowance=allowance)
        chosen = {c.key for c in plan.chosen}
        if chosen:
            # The pool is the front of the deque: only it needs sifting.
            front = [self.by_staleness.popleft() for _ in range(len(pool))]
            self.by_staleness.extendleft(reversed([i for i in front if i not in chosen]))
        for candidate in plan.chosen:
            self.in_flight[candidate.key] = True
            self.queue.append((candidate.key, candidate.cost))

    def _work(self, now: float, figures: DayFigures, marks: bytearray) -> int:
        """The workers' minute: jobs in order, as many requests as latency, requests in flight
        and the limiter allow. Returns the requests sent this minute."""
        p = self.p
        capacity = min(p.concurrent * p.tick_seconds / p.latency, p.rest_points_per_minute)
        sent = min(self.carry, capacity)
        self.carry -= sent
        while self.queue and sent < capacity:
            i, _ = self.queue.popleft()
            requests, charged, not_modified, graphql = self._actual(i, now)
            if self.quota_used + charged > p.quota_limit:
                figures.refused += charged
            self.quota_used += charged
            self.graphql_used += graphql
            figures.graphql += graphql
            done_at = now + sent * p.latency / p.concurrent
            take = min(requests, capacity - sent)
            sent += take
            self.carry += requests - take
            figures.requests += requests
            figures.not_modified += not_modified
            figures.refreshed += 1
            self.change_rate[i] = change_rate_next(
                previous=self.change_rate[i], changed=self.changed[i]
            )
            self.changed[i] = False
            self.fetched_at[i] = done_at
            self.in_flight[i] = False
            self.by_staleness.append(i)
            marks[i] = 1
        return int(sent)

    def _staleness(self, now: float) -> list[float]:
        ages = sorted(now - t for t in self.fetched_at)
        n = len(ages)
        return [
            ages[n // 2] / HOUR,
            ages[min(n - 1, math.ceil(n * 0.95) - 1)] / HOUR,
            ages[-1] / HOUR,
        ]


def targets_met(days: list[DayFigures], params: Params) -> bool:
    """Every tracked account refreshed every day, p95 staleness at most 24 h, quota at most 90 %
    of the hour's, requests at most 80 % of the secondary limit's minute, nothing refused."""
    for figures in days:
        if figures.with_snapshot < params.accounts:
            return False
        if figures.staleness_hours[1] > 24:
            return False
        if max(figures.quota_per_hour) > 0.9 * params.quota_limit:
            return False
        if figures.max_requests_per_minute > 0.8 * params.secondary_rest_limit:
            return False
        if figures.refused:
            return False
    return True


def cold_start_days(params: Params) -> float:
    """Days a cold start of N new accounts takes, bounded by the primary quota (90 % of it)."""
    rng = random.Random(params.seed)
    total = 0.0
    for repos in repository_mix(params.accounts, rng):
        total += refresh_cost_expected(
            public_repos=repos,
            is_user=True,
            warm=False,
            has_token=params.has_token,
            change_rate=None,
        ).quota
    return total / (params.quota_limit * (1 - params.reserve_fraction) * 24)
