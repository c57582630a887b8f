"""The real run's figures (bench/scale_real.py) beside the model's (bench/scale_model.py) on the
same accounts: the repositories, users and organisations, trackers and starred repositories the
real run made on the fake GitHub, the same accounts changed, every account a day stale at the
start, the settings the worker ran with, and the request time the real run measured. Then what
one token and one worker process carry a day, limit by limit, and which limit binds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bench.scale_model import DayFigures, Params, Simulation

if TYPE_CHECKING:
    from bench.scale_figures import RealFigures

DAY_MINUTES = 1440
# What the scheduler lets the hour spend of GitHub's quotas (services/budget.py RESERVE_FRACTION).
QUOTA_SHARE = 0.9


@dataclass(frozen=True)
class Side:
    """One side's window, per refresh."""

    refreshes_per_minute: float
    rest_requests: float  # a refresh
    graphql: float  # queries (points) a refresh
    quota: float  # core quota a refresh
    not_modified_share: float  # of the REST requests
    slot_requests: float  # requests a refresh that take the token's serial slot


def model_run(figures: RealFigures, params: Params | None, request_seconds: float) -> DayFigures:
    if figures.mix is None:
        raise ValueError("the real run made no accounts")
    p = replace(
        params or Params(),
        accounts=figures.accounts,
        days=1,
        daily_change=figures.daily_change,
        has_token=True,
        latency=request_seconds,
        concurrent=figures.concurrent_requests or 1,
        rest_points_per_minute=figures.rest_points_per_minute or Params.rest_points_per_minute,
        stats_ttl=round(figures.stats_ttl_hours * 3600),
        starred_share=figures.starred_share,
        seed=figures.seed,
    )
    minutes = max(round(figures.minutes), 1)
    return Simulation(p, accounts=figures.mix).run_minutes_all_stale(minutes, figures.changed)


def real_side(f: RealFigures) -> Side:
    per = max(f.refreshes, 1)
    return Side(
        refreshes_per_minute=f.refreshes_per_minute,
        rest_requests=f.rest_requests / per,
        graphql=f.graphql_requests / per,
        quota=f.quota_spent / per,
        not_modified_share=f.not_modified / max(f.rest_requests, 1),
        slot_requests=f.github_requests / per,  # GraphQL queries take the slot too
    )


def model_side(d: DayFigures, minutes: float) -> Side:
    per = max(d.refreshed, 1)
    return Side(
        refreshes_per_minute=d.refreshed / max(round(minutes), 1),
        rest_requests=d.requests / per,
        graphql=d.graphql / per,
        quota=sum(d.quota_per_hour) / per,
        not_modified_share=d.not_modified / max(d.requests, 1),
        slot_requests=d.requests / per,  # the model charges time to REST requests only
    )


def compare(figures: RealFigures, params: Params | None = None) -> None:
    seconds = figures.request_seconds
    source = (
        "the app's measured mean"
        if figures.request_seconds_app
        else "the median gap at the fake"
        if figures.request_seconds_gap
        else "the latency alone: nothing measured"
    )
    real = real_side(figures)
    model = model_side(model_run(figures, params, seconds), figures.minutes)
    print(
        f"\nReal beside the model on the same {figures.accounts:,} accounts (the repositories, "
        f"users and organisations, trackers and starred repositories above; the same "
        f"{len(figures.changed)} changed), every account a day stale at the start; the model "
        f"prices a request at {seconds * 1000:.1f} ms ({source})\n"
    )
    print(f"| {figures.minutes:g}-minute window | real | model | real ÷ model |")
    print("| --- | --- | --- | --- |")
    for label, a, b, form in (
        ("refreshes a minute", real.refreshes_per_minute, model.refreshes_per_minute, ".1f"),
        ("REST requests a refresh", real.rest_requests, model.rest_requests, ".2f"),
        ("304s, of the REST requests", real.not_modified_share, model.not_modified_share, ".1%"),
        ("GraphQL queries a refresh", real.graphql, model.graphql, ".2f"),
        ("core quota a refresh", real.quota, model.quota, ".2f"),
    ):
        print(f"| {label} | {a:{form}} | {b:{form}} | {a / b if b else math.nan:.2f} |")
    gap = figures.request_seconds_gap
    if gap and figures.request_seconds_app and abs(gap - seconds) > 0.001:
        at_gap = model_side(model_run(figures, params, gap), figures.minutes).refreshes_per_minute
        print(
            f"\nThe model at the fake's median gap between requests ({gap * 1000:.1f} ms, the "
            f"slot's hand-over between processes included): {at_gap:.1f} refreshes a minute "
            f"(real ÷ model {real.refreshes_per_minute / at_gap if at_gap else math.nan:.2f})"
        )
    busy = figures.github_requests * seconds / (figures.minutes * 60)
    slots = figures.concurrent_requests or 1
    print(
        f"The token's slot was busy {busy / slots:.0%} of the window ({figures.github_requests:,}"
        f" requests at {seconds * 1000:.1f} ms each, {slots} in flight at most)"
    )
    _per_day(figures, real, model, seconds)


def _per_day(figures: RealFigures, real: Side, model: Side, seconds: float) -> None:
    p = Params()
    slots = figures.concurrent_requests or 1
    rest_rate = figures.rest_points_per_minute or p.rest_points_per_minute

    def limits(side: Side) -> dict[tuple[str, str], float]:
        def bound(per_day: float, per_refresh: float) -> float:
            return per_day / per_refresh if per_refresh else math.inf

        return {
            ("the serial token", f"{slots} in flight at {seconds * 1000:.0f} ms a request"): bound(
                slots * 86_400 / seconds, side.slot_requests
            ),
            (
                "the request limiter",
                f"{rest_rate} REST requests a minute, 80 % of GitHub's {p.secondary_rest_limit}",
            ): bound(rest_rate * DAY_MINUTES, side.rest_requests),
            ("the core quota", f"{QUOTA_SHARE:.0%} of {p.quota_limit:,} an hour"): bound(
                QUOTA_SHARE * p.quota_limit * 24, side.quota
            ),
            ("GraphQL", f"{QUOTA_SHARE:.0%} of {p.graphql_limit:,} points an hour"): bound(
                QUOTA_SHARE * p.graphql_limit * 24, side.graphql
            ),
        }

    real_limits, model_limits = limits(real), limits(model)
    per_process = real.refreshes_per_minute * DAY_MINUTES / max(figures.worker_processes, 1)
    print(
        "\nExtrapolated: accounts refreshed once a day each, at each side's figures a refresh "
        "(every refresh of the window is of an account a day stale, so each costs what a daily "
        "one does: a user's calendar read, a seventh of the star re-checks):\n\n"
        "| limit | real | model |\n| --- | --- | --- |\n"
        f"| one worker process (what each of the {figures.worker_processes} did in the window) "
        f"| {per_process:,.0f} | - |"
    )
    for key, value in real_limits.items():
        print(f"| {key[0]} ({key[1]}) | {_day(value)} | {_day(model_limits[key])} |")
    binding = min(real_limits, key=lambda key: real_limits[key])
    ran = real.refreshes_per_minute * DAY_MINUTES / real_limits[binding]
    held = (
        "that limit, paced by the scheduler over the hour, held the window back; more worker "
        "processes would not carry more"
        if ran >= 0.85
        else "below it: the workers or the scheduler's plan held the window back"
    )
    print(
        f"\nThe binding limit for the token: {binding[0]}, about {_day(real_limits[binding])} "
        f"accounts a day; the window ran at {ran:.0%} of it ({held})."
    )


def _day(value: float) -> str:
    return f"{value:,.0f}" if math.isfinite(value) else "unbounded"
