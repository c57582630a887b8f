"""The scale benchmark's simulation, shortened (1,000 accounts, one simulated day): the
scheduler's pacing and cost model keep every account fresh within GitHub's limits, and the same
simulation says so when they cannot (bench/scale.py runs the whole of it)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from bench.scale import largest_n, scaled
from bench.scale_model import (
    Accounts,
    Params,
    Simulation,
    accounts_drawn,
    cold_start_days,
    starred_count,
    targets_met,
)
from bench.scale_warm import accounts_create, model_accounts
from tests.fakegithub import FakeState

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
    window = sim.run_minutes_all_stale(10)

    assert 0 < window.refreshed < 5000  # spread, not all at once
    assert window.refreshed <= 10 * 600 / 3  # at most what 600 requests a minute carry
    assert window.requests >= 3 * window.refreshed  # the profile, a page and the events


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


def test_the_model_runs_on_the_accounts_it_is_given():
    # The real run's accounts, handed over: the model simulates those, not a draw of its own.
    p = replace(SHORT, accounts=300)
    given = Accounts(repos=[250] * 300, is_user=[False] * 300, trackers=[1] * 300)
    sim = Simulation(p, accounts=given)
    assert (sim.repos, sim.is_user, sim.trackers) == (given.repos, given.is_user, given.trackers)

    heavy = sim.run_minutes_all_stale(5, changed=[0, 1, 2])
    light = Simulation(p).run_minutes_all_stale(5, changed=[0, 1, 2])
    assert heavy.requests / heavy.refreshed > 2 * light.requests / light.refreshed
    assert heavy.graphql == 3  # the three changed organisations: languages only
    assert Simulation(p).repos == accounts_drawn(300, random.Random(p.seed)).repos

    with pytest.raises(ValueError, match="301 accounts"):
        Simulation(replace(p, accounts=301), accounts=given)


def test_the_real_runs_accounts_on_the_fake_are_the_models():
    mix, capped = model_accounts(200, seed=1, max_repos=100)
    assert capped > 0
    assert max(mix.repos) == 100
    assert mix.trackers == [1] * 200
    state = FakeState(seed="scale")
    logins = accounts_create(state, mix, starred_share=0.25, seed=1)

    for login, repos, is_user in zip(logins, mix.repos, mix.is_user, strict=True):
        account = state.account(login)
        assert account.kind == ("user" if is_user else "org")
        assert len(account.repos) == repos
        starred = sum(1 for repo in account.repos.values() if repo.stars)
        assert starred == starred_count(repos, 0.25)
