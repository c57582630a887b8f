"""The figures of bench/scale_real.py's window, and how it measures a GitHub request's time.

The time a request takes is measured twice:
- the app's own mean (github_stats/github/request_time.py `request_seconds_mean`: how long a
  request held its slot, in every worker process, a decayed mean of about the last minute in
  Redis), read at every tick and weighted by the requests sent since the one before: the
  window's mean, and what the scheduler planned with;
- at the fake GitHub: the median gap between one request's arrival and the next. With one
  request in flight per token the gap is a request's whole turn of the slot (latency, our own
  time until the slot is freed, and the hand-over to the next process), which bounds what the
  serial token can send; idle gaps are longer and the median leaves them out while the token is
  busy most of the window.
"""

from __future__ import annotations

import itertools
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from bench.scale_model import Accounts
from tests.fakegithub.state import FakeState, RequestRecord


class TimedState(FakeState):
    """The fake GitHub's state, with each logged request's arrival (time.monotonic)."""

    def reset_counters(self) -> None:
        with self.lock:
            self.arrivals: list[float] = []
            super().reset_counters()

    def record(self, entry: RequestRecord) -> None:
        with self.lock:
            self.arrivals.append(time.monotonic())
            super().record(entry)


def gap_median(arrivals: list[float]) -> float | None:
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    return statistics.median(gaps) if gaps else None


class RequestTimes:
    """The app's measured request time over the window: `sample` at every tick."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.seen = 0
        self.weighted = 0.0
        self.requests = 0

    def sample(self, requests_so_far: int) -> None:
        new, self.seen = requests_so_far - self.seen, requests_so_far
        mean = _app_mean(self.token)
        if mean is not None and new > 0:
            self.weighted += mean * new
            self.requests += new

    def mean(self) -> float | None:
        return self.weighted / self.requests if self.requests else None


def _app_mean(token: str) -> float | None:
    try:
        from github_stats.github.request_time import request_seconds_mean
    except ImportError:  # a checkout from before the app measured it
        return None
    return request_seconds_mean(token=token)


@dataclass
class RealFigures:
    accounts: int
    minutes: float
    latency_ms: int
    worker_processes: int
    daily_change: float
    concurrent_requests: int | None  # settings.GITHUB_CONCURRENT_REQUESTS
    rest_points_per_minute: int | None
    scheduler_request_ms: int
    stats_ttl_hours: float
    command: str
    seed: int = 1
    starred_share: float = 0.0  # the model's, made so on the fake
    starred_share_seen: float = 0.0  # of the fake's repositories, those with stars
    max_repos: int | None = None
    capped: int = 0  # accounts whose repositories max_repos cut
    mix: Accounts | None = None  # the accounts, in login order, for the model to run on
    changed: list[int] = field(default_factory=list)  # indexes into mix
    warm_up_seconds: float = 0.0
    quota_at_start: str = ""
    quota_at_end: str = ""
    first_tick_allowance: str = ""
    ticks: int = 0
    queued_by_ticks: int = 0
    left_for_later_last_tick: int = 0
    refreshes: int = 0  # RefreshJobs that succeeded in the window
    refreshes_per_minute: float = 0.0
    failed_jobs: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # error_code → jobs
    in_flight_at_end: int = 0
    github_requests: int = 0
    not_modified: int = 0
    quota_spent: int = 0  # answers the fake charged to the core quota
    graphql_requests: int = 0
    requests_by_kind: dict[str, int] = field(default_factory=dict)  # what they asked for
    request_seconds_app: float | None = None  # RequestTimes.mean()
    request_seconds_gap: float | None = None  # gap_median at the fake
    db_ms_per_refresh: float = 0.0
    mean_job_seconds: float = 0.0
    bytes_per_account: float = 0.0  # pg_database_size after the warm-up / accounts
    empty_database_bytes: int = 0  # the migrated, empty database (catalogs and all)
    table_bytes_per_account: dict[str, float] = field(default_factory=dict)

    @property
    def rest_requests(self) -> int:
        return self.github_requests - self.graphql_requests

    @property
    def request_seconds(self) -> float:
        """The request time the model is run at: the app's mean, else the fake's gap, else the
        latency alone."""
        return self.request_seconds_app or self.request_seconds_gap or self.latency_ms / 1000

    def __str__(self) -> str:
        per = self.refreshes or 1
        tables = sorted(self.table_bytes_per_account.items(), key=lambda kv: -kv[1])
        failures = ", ".join(f"{code} {n}" for code, n in self.failures.items()) or "none"
        return "\n".join(
            [
                f"$ {self.command}",
                f"{self.accounts:,} accounts, {self.minutes:g} min, GitHub latency "
                f"{self.latency_ms} ms, {self.worker_processes} worker processes, "
                f"{self.daily_change:.0%} changed; GITHUB_CONCURRENT_REQUESTS "
                f"{self.concurrent_requests}, GITHUB_REST_POINTS_PER_MINUTE "
                f"{self.rest_points_per_minute}, SCHEDULER_REQUEST_MS "
                f"{self.scheduler_request_ms}, STATS_TTL {self.stats_ttl_hours:g} h",
                self._accounts_line(),
                f"Warm-up {self.warm_up_seconds:.0f} s = "
                f"{self.warm_up_seconds / max(self.accounts, 1):.2f} s an account; "
                f"{len(self.changed)} accounts changed; quota at start: {self.quota_at_start}",
                f"Ticks {self.ticks}: {self.queued_by_ticks:,} jobs queued, "
                f"{self.left_for_later_last_tick:,} left for later by the last; the first "
                f"could spend {self.first_tick_allowance}",
                f"Refreshes succeeded {self.refreshes:,} = {self.refreshes_per_minute:.1f} a "
                f"minute; failed {self.failed_jobs} ({failures}); in flight at the end "
                f"{self.in_flight_at_end}",
                f"GitHub requests {self.github_requests:,} ({self.not_modified:,} 304s = "
                f"{self.not_modified / max(self.github_requests, 1):.0%}; "
                f"{self.github_requests / per:.1f} a refresh), charged to the core quota "
                f"{self.quota_spent:,}, GraphQL {self.graphql_requests:,}; quota at the end: "
                f"{self.quota_at_end}",
                "  by kind: " + ", ".join(f"{k} {n:,}" for k, n in self.requests_by_kind.items()),
                f"Request time: {_ms(self.request_seconds_app)} the app's mean slot time "
                "(request_time.py, read every tick, weighted by requests); "
                f"{_ms(self.request_seconds_gap)} the median gap between requests at the fake",
                f"Mean job {self.mean_job_seconds:.2f} s; database time "
                f"{self.db_ms_per_refresh:.1f} ms a refresh (its fills and the ticks included)",
                f"Stored: {self.bytes_per_account:,.0f} bytes an account (pg_database_size; "
                f"the empty database is {self.empty_database_bytes / 2**20:.1f} MiB); tables:",
                *(f"  {name:<38} {size:>10,.0f} B/account" for name, size in tables),
            ]
        )

    def _accounts_line(self) -> str:
        if self.mix is None:
            return "Accounts: none made"
        repos = sorted(self.mix.repos)
        users = sum(self.mix.is_user)
        cap = (
            f"; repositories capped at {self.max_repos:,} ({self.capped} accounts cut)"
            if self.max_repos is not None
            else "; no cap"
        )
        return (
            f"Accounts: the model's (repository_mix, seed {self.seed}): repositories p50 / p95 / "
            f"max {repos[len(repos) // 2]} / {repos[int(len(repos) * 0.95)]} / {repos[-1]:,}, "
            f"mean {sum(repos) / len(repos):.1f}{cap}; {users:,} users, "
            f"{len(repos) - users:,} organisations, one tracker each; "
            f"{self.starred_share_seen:.1%} of repositories starred: ceil({self.starred_share:.0%}"
            " of each account's), as the model has them"
        )


def log_figures(figures: RealFigures, state: Any) -> None:
    """The request figures of the window, from the fake's log."""
    log = list(state.log)
    figures.github_requests = len(log)
    figures.not_modified = sum(1 for entry in log if entry.status == 304)
    figures.quota_spent = sum(1 for e in log if e.counted and e.path != "/graphql")
    figures.graphql_requests = sum(1 for entry in log if entry.path == "/graphql")
    kinds: dict[str, int] = {}
    for entry in log:
        kinds[_kind(entry.path)] = kinds.get(_kind(entry.path), 0) + 1
    figures.requests_by_kind = dict(sorted(kinds.items(), key=lambda kv: -kv[1]))
    figures.request_seconds_gap = gap_median(list(getattr(state, "arrivals", [])))


def _kind(path: str) -> str:
    """What a request to the fake asked for, to set beside the cost model's parts."""
    for suffix, kind in (
        ("/stargazers/history", "star history"),
        ("/events/public", "events"),
        ("/events", "events"),  # an organisation's
        ("/repos", "repository pages"),
        ("/languages", "languages"),
        ("/graphql", "GraphQL"),
    ):
        if path.endswith(suffix):
            return kind
    return "account" if path.count("/") == 2 else path


def _ms(seconds: float | None) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds is not None else "none measured"
