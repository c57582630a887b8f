"""Can one GitHub token keep 100,000 tracked accounts fresh every day? The scheduler's own
decision code over simulated days (bench/scale_model.py says what is real and what modelled),
then, with --real, a real run on this machine to check the model's figures.

    .venv/bin/python bench/scale.py [--accounts 100000] [--days 3] [--change 0.05] [--no-bisect]
    DATABASE_URL=... REDIS_URL=... CELERY_BROKER_URL=... .venv/bin/python bench/scale.py --real \
        [--real-accounts 2000] [--real-minutes 10] [--real-processes 2] [--real-max-repos N]

Printed per simulated day: accounts refreshed, the share with that day's snapshot, quota per
hour (max and mean) against the limit, requests per minute (max) against the secondary limit,
304s, refusals GitHub would have sent, and the staleness at the day's end (p50/p95/max). Then
the targets, the largest N that still meets them at 5 % and 20 % daily change (bisected on the
model scaled down tenfold: N, every rate and the tick's pool divided by ten, the latency
multiplied by ten, which keeps every ratio the scheduler sees), the same at the fake GitHub's
autocreated share of starred repositories (STARRED_SHARE_FAKE) to show what that assumption
moves, the days a cold start takes, and the database size at N. With --real, the real run's
figures and the model's on its very accounts, side by side (bench/scale_compare.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scale_model import (  # noqa: E402
    STARRED_SHARE,
    DayFigures,
    Params,
    Simulation,
    cold_start_days,
    targets_met,
)

COMMAND = ".venv/bin/python bench/scale.py --accounts {accounts} --days {days} --change {change}"
# Bytes PostgreSQL holds per tracked account (rows, TOAST, indexes): measured by
# `bench/scale.py --real` (bench/scale_real.py) on the fake GitHub's mix; replaced by the real
# run's own figure when it runs.
BYTES_PER_ACCOUNT = 97_271  # bench/scale.py --real, 2,000 accounts, 2026-12-02
# Daily rows (a snapshot an account a day) are what grows: 1 row ~ 120 bytes with its index.
SNAPSHOT_BYTES = 120
BISECT_SCALE = 10
# Of the fake GitHub's autocreated repositories, the share with stars (tests/fakegithub/state.py:
# int(paretovariate(1.1)) - 1 > 0), against the model's assumption STARRED_SHARE.
STARRED_SHARE_FAKE = 0.47


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--change", type=float, default=0.05)
    parser.add_argument("--no-token", action="store_true")
    parser.add_argument("--no-bisect", action="store_true")
    parser.add_argument("--real", action="store_true", help="also the real run (PostgreSQL, Redis)")
    parser.add_argument("--real-accounts", type=int, default=2000)
    parser.add_argument("--real-minutes", type=float, default=10)
    parser.add_argument("--real-processes", type=int, default=2)
    parser.add_argument("--real-max-repos", type=int, help="cap an account's repositories")
    args = parser.parse_args()

    params = Params(
        accounts=args.accounts,
        days=args.days,
        daily_change=args.change,
        has_token=not args.no_token,
    )
    print(COMMAND.format(accounts=args.accounts, days=args.days, change=args.change))
    print(_describe(params))
    started = time.perf_counter()
    days = Simulation(params).run()
    took = time.perf_counter() - started
    report(days, params)
    met = targets_met(days, params)
    print(f"\nTargets {'met' if met else 'NOT met'} (simulated in {took:.0f} s).")

    if not args.no_bisect:
        for share in (STARRED_SHARE, STARRED_SHARE_FAKE):
            for change in (0.05, 0.20):
                q = replace(params, daily_change=change, days=2, starred_share=share)
                print(
                    f"Largest N meeting the targets at {change:.0%} daily change, {share:.0%} "
                    f"of repositories starred: about {largest_n(q):,} (bisected on the model "
                    f"scaled 1/{BISECT_SCALE}, 2 simulated days)"
                )
    print(f"\nA cold start of {params.accounts:,} new accounts: {cold_start_days(params):.1f} days")
    print("(the primary quota bounds it: 90 % of it, every account's first fetch with its fills)")

    per_account = BYTES_PER_ACCOUNT
    if args.real:
        from bench.scale_compare import compare
        from bench.scale_real import real_run

        figures = real_run(
            accounts=args.real_accounts,
            minutes=args.real_minutes,
            worker_processes=args.real_processes,
            daily_change=args.change,
            seed=params.seed,
            max_repos=args.real_max_repos,
        )
        print("\nReal run\n")
        print(figures)
        per_account = int(figures.bytes_per_account)
        compare(figures, params)
    _sizes(params.accounts, per_account)
    sys.exit(0 if met else 1)


def _describe(p: Params) -> str:
    return (
        f"{p.accounts:,} accounts, {p.days} days, {p.daily_change:.0%} changing a day, "
        f"token: {'yes' if p.has_token else 'no'}, latency {p.latency * 1000:.0f} ms, "
        f"{p.concurrent} request(s) in flight, limiter {p.rest_points_per_minute}/min, "
        f"STATS_TTL {p.stats_ttl // 3600} h, tick {p.tick_seconds} s, "
        f"{p.starred_share:.0%} of repositories starred (an assumption)\n"
    )


def report(days: list[DayFigures], p: Params) -> None:
    print(
        "| day | refreshed | with snapshot | quota/hour max (mean) of "
        f"{p.quota_limit} | requests/min max of {p.secondary_rest_limit} | 304s | refused "
        "| staleness h p50 / p95 / max |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for d in days:
        mean = sum(d.quota_per_hour) / len(d.quota_per_hour)
        p50, p95, worst = d.staleness_hours
        print(
            f"| {d.day + 1} | {d.refreshed:,} | {d.with_snapshot / p.accounts:.1%} | "
            f"{max(d.quota_per_hour):,} ({mean:,.0f}) = {max(d.quota_per_hour) / p.quota_limit:.0%}"
            f" | {d.max_requests_per_minute} = "
            f"{d.max_requests_per_minute / p.secondary_rest_limit:.0%} | "
            f"{d.not_modified:,} of {d.requests:,} | {d.refused} | "
            f"{p50:.1f} / {p95:.1f} / {worst:.1f} |"
        )


def scaled(p: Params, factor: int) -> Params:
    return replace(
        p,
        accounts=max(p.accounts // factor, 1),
        latency=p.latency * factor,
        rest_points_per_minute=p.rest_points_per_minute // factor,
        graphql_points_per_minute=p.graphql_points_per_minute // factor,
        quota_limit=p.quota_limit // factor,
        graphql_limit=p.graphql_limit // factor,
        secondary_rest_limit=p.secondary_rest_limit // factor,
        pool=max(p.pool // factor, 1),
    )


def largest_n(p: Params, *, precision: float = 0.03) -> int:
    def meets(n: int) -> bool:
        q = scaled(replace(p, accounts=n), BISECT_SCALE)
        return targets_met(Simulation(q).run(), q)

    low, high = 10_000, 100_000
    if not meets(low):
        low, high = 0, low
    while low and meets(high):
        low, high = high, high * 2
    while high - low > max(low * precision, 100):
        middle = (low + high) // 2
        if meets(middle):
            low = middle
        else:
            high = middle
    return low


def _sizes(accounts: int, per_account: int) -> None:
    stored = accounts * per_account
    yearly = accounts * SNAPSHOT_BYTES * 365
    print(
        f"\nDatabase at {accounts:,} accounts: about {stored / 2**30:.1f} GiB stored "
        f"({per_account:,} bytes an account), growing {yearly / 2**30:.1f} GiB a year of daily "
        "snapshots; the retention rule (docs/operations.md) keeps daily rows for two years and "
        "one a week before that, which bounds the growth."
    )


if __name__ == "__main__":
    main()
