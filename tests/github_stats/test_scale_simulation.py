"""The scale benchmark's simulation, shortened (1,000 accounts, one simulated day): the
scheduler's pacing and cost model keep every account fresh within GitHub's limits, and the same
simulation says so when they cannot (bench/scale.py runs the whole of it)."""

from __future__ import annotations

from dataclasses import replace

from bench.scale import largest_n, scaled
from bench.scale_model import Params, Simulation, cold_start_days, targets_met

SHORT = Params(accounts=1000, days=1, pool=200)


def test_a_thousand_accounts_are_all_refreshed_within_the_limits():
    (day,) = Simulation(SHORT).run()

    assert day.with_snapshot == 1000  # every account has today's snapshot
    assert day.refreshed >= 3000  # STATS_TTL 6 h: about four refreshes each
    assert max(day.quota_per_hour) <= 0.9 * SHORT.quota_limit
    assert day.max_requests_per_minute <= 0.8 * SHORT.secondary_rest_limit
    assert day.refused == 0
    assert day.staleness_hours[1] <= 24
    assert day.not_modified > 0.9 * day.requests  # warm: almost everything a 304
    assert targets_met([day], SHORT)


def test_when_the_workers_cannot_keep_up_the_simulation_says_so():
    # One request every 2 s cannot carry 1,000 accounts' ~3,700 requests a pass, 4 passes a day.
    slow = replace(SHORT, latency=30.0)
    (day,) = Simulation(slow).run()

    assert day.with_snapshot < 1000
    assert not targets_met([day], slow)


def test_a_burst_of_stale_accounts_is_paced_under_the_minute_limit():
    # Every account a day stale at once: the scheduler spreads them, never past the limiter.
    sim = Simulation(replace(SHORT, accounts=5000, pool=2000))
    refreshed = sim.run_minutes_all_stale(10)

    assert 0 < refreshed < 5000  # spread, not all at once
    assert refreshed <= 10 * 600 / 3  # at most what 600 requests a minute carry


def test_scaling_the_model_keeps_what_the_scheduler_sees():
    p = scaled(Params(accounts=100_000), 10)
    assert (p.accounts, p.quota_limit, p.rest_points_per_minute, p.latency) == (
        10_000,
        500,
        72,
        1.0,
    )
    assert cold_start_days(Params(accounts=1000)) > 0


def test_the_bisection_finds_where_the_targets_stop_holding():
    # Scaled tenfold: 2 simulated days of at most a few thousand accounts.
    small = replace(SHORT, days=1, latency=1.0, pool=200)  # a slow worker: headroom is small
    largest = largest_n(small, precision=0.2)
    assert 10_000 <= largest < 100_000
