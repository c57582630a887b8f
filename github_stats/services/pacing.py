"""How much GitHub one scheduler tick may spend, and on which accounts: the pure decisions of the
tick, without the database, so that bench/scale.py runs the very same code over simulated days.

- The hour's quota is spent evenly: each tick gets what is left (minus the reserve kept for
  people) divided by the ticks left before GitHub's reset, and never more than twice the even
  share of a whole hour. No burst at the top of the hour, none after an outage: a backlog of
  stale accounts drains at that pace over the following hours, stalest first.
- Requests (every one, 304s included) are held under the secondary limit's share a tick and
  under what the requests in flight can carry at the expected latency: queuing more than the
  workers can send before the next tick only makes a person's refresh wait behind it.
- Work queued by earlier ticks and not started yet (the backlog) is paid from the same
  allowance.
- Order: the longest stale first, weighted by how many people track the account, so a popular
  account does not wait behind nobody's favourite, and nobody's favourite still gets its turn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from github_stats.services.refresh_cost import RefreshCost

# Never more than this multiple of the even share of an hour's quota in one tick: an idle first
# half-hour does not turn into a burst in the second.
BURST_FACTOR = 2.0
# Staleness given to an account never fetched (it goes first, but not before one stale for
# longer than this).
NEVER_FETCHED_SECONDS = 7 * 24 * 3600.0


@dataclass(frozen=True)
class Allowance:
    """GitHub's state and our settings, as one tick sees them."""

    quota_limit: int
    quota_remaining: int
    seconds_to_reset: float
    graphql_limit: int | None  # None: no token, so no GraphQL
    graphql_remaining: int
    graphql_seconds_to_reset: float
    rest_points_per_minute: float
    graphql_points_per_minute: float
    concurrent_requests: int
    request_seconds: float
    reserve_fraction: float
    tick_seconds: float

    def spend(self, *, backlog: RefreshCost) -> RefreshCost:
        """What this tick may queue, after the backlog has been paid for."""
        tick = self.tick_seconds
        quota = _even_share(
            limit=self.quota_limit,
            remaining=self.quota_remaining,
            seconds_to_reset=self.seconds_to_reset,
            reserve_fraction=self.reserve_fraction,
            tick_seconds=tick,
        )
        by_latency = self.concurrent_requests * tick / max(self.request_seconds, 0.001)
        requests = min(self.rest_points_per_minute * tick / 60, by_latency)
        graphql = 0.0
        if self.graphql_limit is not None:
            graphql = min(
                _even_share(
                    limit=self.graphql_limit,
                    remaining=self.graphql_remaining,
                    seconds_to_reset=self.graphql_seconds_to_reset,
                    reserve_fraction=self.reserve_fraction,
                    tick_seconds=tick,
                ),
                self.graphql_points_per_minute * tick / 60,
            )
        return RefreshCost(
            requests=max(requests - backlog.requests, 0.0),
            quota=max(quota - backlog.quota, 0.0),
            graphql=max(graphql - backlog.graphql, 0.0),
        )


def _even_share(
    *,
    limit: int,
    remaining: int,
    seconds_to_reset: float,
    reserve_fraction: float,
    tick_seconds: float,
) -> float:
    usable = max(remaining - math.ceil(limit * reserve_fraction), 0)
    ticks_left = max(seconds_to_reset, tick_seconds) / tick_seconds
    ceiling = BURST_FACTOR * limit * (1 - reserve_fraction) * tick_seconds / 3600
    return min(usable / ticks_left, ceiling)


@dataclass(frozen=True)
class Candidate:
    """A tracked account that is due, as the tick plans it."""

    key: int  # the account's primary key (an index in the simulation)
    login: str
    stale_seconds: float | None  # None: never fetched
    trackers: int
    cost: RefreshCost

    @property
    def priority(self) -> float:
        stale = NEVER_FETCHED_SECONDS if self.stale_seconds is None else self.stale_seconds
        return stale * (1 + math.log2(1 + max(self.trackers, 1)))


@dataclass(frozen=True)
class Plan:
    chosen: list[Candidate]
    left_for_later: int
    spent: RefreshCost


def candidates_order(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (-c.priority, c.key))


def tick_plan(*, candidates: list[Candidate], allowance: RefreshCost) -> Plan:
    """The candidates this tick queues, in order, while the allowance pays for them. The first
    is taken even when it costs more than a whole tick's allowance (a 2,500-repository account
    would otherwise never fit): the overdraft is the next ticks' backlog. Stops at the first
    that does not fit rather than skipping to cheaper ones, so large accounts are not starved."""
    ordered = candidates_order(candidates)
    spent = RefreshCost()
    chosen: list[Candidate] = []
    if ordered and not _affordable_at_all(ordered[0].cost, allowance):
        return Plan(chosen=[], left_for_later=len(ordered), spent=spent)
    for candidate in ordered:
        total = spent + candidate.cost
        if chosen and not _within(total, allowance):
            break
        chosen.append(candidate)
        spent = total
    return Plan(chosen=chosen, left_for_later=len(ordered) - len(chosen), spent=spent)


def _affordable_at_all(cost: RefreshCost, allowance: RefreshCost) -> bool:
    """Nothing is taken on credit from a limit that has nothing left this tick."""
    return all(
        need <= 0 or left > 0
        for need, left in (
            (cost.requests, allowance.requests),
            (cost.quota, allowance.quota),
            (cost.graphql, allowance.graphql),
        )
    )


def _within(total: RefreshCost, allowance: RefreshCost) -> bool:
    return (
        total.requests <= allowance.requests
        and total.quota <= allowance.quota
        and total.graphql <= allowance.graphql + 1e-9
    )


def seconds_between(later: datetime, earlier: datetime | None) -> float | None:
    return None if earlier is None else max((later - earlier).total_seconds(), 0.0)
