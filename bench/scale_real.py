"""The real run of the scale benchmark: the shipped scheduler, a real Celery worker, PostgreSQL
and Redis, against the fake GitHub on loopback with GitHub's latency. bench/scale.py prints its
figures beside the simulation (bench/scale_model.py), which models GitHub and the workers.

    DATABASE_URL=postgres://app:app@127.0.0.1:5433/gitpulse REDIS_URL=redis://127.0.0.1:6379/10 \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/11 \
        .venv/bin/python bench/scale_real.py [--accounts 2000] [--minutes 10] [--latency-ms 100] \
        [--processes 2] [--change 0.05] [--seed 1] [--max-repos N]

1. A database of its own next to DATABASE_URL's (<name>_scale: created afresh, migrated,
   dropped at the end); REDIS_URL's db (the cache) and CELERY_BROKER_URL's db are FLUSHED.
2. The fake GitHub (tests/fakegithub) serves the model's accounts, made explicitly: the
   repository counts of `repository_mix` with the seed, users and organisations as the model
   draws them, one tracker each, and the model's share of starred repositories
   (bench/scale_warm.py `accounts_create`); `--max-repos` caps the biggest, and says so.
3. Warm start (bench/scale_warm.py): every account refreshed once (validators and all) and
   tracked, then made a day older; `daily_change` of them change on the fake.
4. A worker (`celery -A config worker --pool prefork -c N`) runs the jobs; this process is the
   beat: `refresh_stale_tick()` at once and every SCHEDULER_TICK_SECONDS for `minutes`, with the
   fake's GitHub quota back at 5,000 an hour (the app's quota state is read from its headers).
5. Figures of the window (bench/scale_figures.py, with the request time measured twice), then
   the model on the same accounts beside them (bench/scale_compare.py). Everything is stopped
   and dropped on error or Ctrl-C.

Django is set up by the first call with this bench's settings (bench/scale_settings.py), so
real_run runs once per process.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import database_drop, database_recreate, url_with_path  # noqa: E402
from bench.scale_compare import compare  # noqa: E402
from bench.scale_figures import RealFigures, RequestTimes, TimedState, log_figures  # noqa: E402
from bench.scale_model import STARRED_SHARE  # noqa: E402
from bench.scale_stores import (  # noqa: E402
    active_ms,
    database_size,
    redis_flush,
    table_sizes,
    worker_running,
)
from bench.scale_warm import (  # noqa: E402
    accounts_create,
    model_accounts,
    stale_and_changed,
    starred_share_of,
    warm_up,
)

SETTINGS = "bench.scale_settings"
# A token of GitHub's shape; the fake accepts only this one (so validators are per token, too).
TOKEN = "ghp_bench" + "0" * 31
COMMAND = (
    "DATABASE_URL={database} REDIS_URL={redis} CELERY_BROKER_URL={broker} "
    ".venv/bin/python bench/scale_real.py --accounts {accounts} --minutes {minutes:g} "
    "--latency-ms {latency} --processes {processes} --change {change:g} --seed {seed}{cap}"
)
# GitHub's hourly quotas with a token; the warm-up runs under a limit it cannot reach.
QUOTA = 5000
WARM_UP_QUOTA = 10**9


def real_run(
    *,
    accounts: int = 2000,
    minutes: float = 10,
    latency_ms: int = 100,
    worker_processes: int = 2,
    daily_change: float = 0.05,
    seed: int = 1,
    max_repos: int | None = None,
) -> RealFigures:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "") or redis_url
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        raise SystemExit("Needs DATABASE_URL (PostgreSQL), REDIS_URL and CELERY_BROKER_URL.")
    command = COMMAND.format(
        database=database_url, redis=redis_url, broker=broker_url, accounts=accounts,
        minutes=minutes, latency=latency_ms, processes=worker_processes, change=daily_change,
        seed=seed, cap=f" --max-repos {max_repos}" if max_repos is not None else "",
    )  # fmt: skip
    name = f"{urlsplit(database_url).path.lstrip('/') or 'postgres'}_scale"
    mix, capped = model_accounts(accounts, seed=seed, max_repos=max_repos)
    from tests.fakegithub import FakeGitHub

    with contextlib.ExitStack() as stack:
        bench_url = database_recreate(database_url, name)
        stack.callback(_drop, database_url, name)
        stack.callback(redis_flush, redis_url, broker_url)
        github = FakeGitHub(TimedState(seed="scale", autocreate=False))
        github.state.valid_tokens = {TOKEN}
        logins = accounts_create(github.state, mix, starred_share=STARRED_SHARE, seed=seed)
        stack.enter_context(github)
        env = _environment(bench_url, redis_url, broker_url, github.url)
        os.environ.update(env)
        _django_setup()
        from django.conf import settings

        figures = RealFigures(
            accounts=accounts,
            minutes=minutes,
            latency_ms=latency_ms,
            worker_processes=worker_processes,
            daily_change=daily_change,
            concurrent_requests=getattr(settings, "GITHUB_CONCURRENT_REQUESTS", None),
            rest_points_per_minute=getattr(settings, "GITHUB_REST_POINTS_PER_MINUTE", None),
            scheduler_request_ms=settings.SCHEDULER_REQUEST_MS,
            stats_ttl_hours=settings.STATS_TTL / 3600,
            command=command,
            seed=seed,
            starred_share=STARRED_SHARE,
            starred_share_seen=starred_share_of(github.state, logins),
            max_repos=max_repos,
            capped=capped,
            mix=mix,
        )
        redis_flush(redis_url, broker_url)
        admin_url = url_with_path(database_url, "/postgres")
        figures.empty_database_bytes = database_size(admin_url, name)
        started = time.perf_counter()
        warm_up(github, logins, token=TOKEN, quota=WARM_UP_QUOTA)
        figures.warm_up_seconds = time.perf_counter() - started
        figures.bytes_per_account = database_size(admin_url, name) / accounts
        figures.table_bytes_per_account = {
            table: size / accounts for table, size in table_sizes().items()
        }
        figures.changed = stale_and_changed(github, logins, daily_change)
        # The warm-up's quota states, limiter buckets and locks are not the run's.
        redis_flush(redis_url, broker_url)
        worker = stack.enter_context(worker_running(env, worker_processes))
        github.state.latency = latency_ms / 1000
        figures.quota_at_start = _quota_at_start(github, logins[0])
        github.state.reset_counters()
        _window(figures, github, worker, admin_url, name)
    return figures


def _environment(database_url: str, redis_url: str, broker_url: str, api_url: str) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "GITHUB_API_URL": api_url,
        "GITHUB_TOKEN": TOKEN,
        # The defaults say on; said here so that no exported variable switches them off.
        "STAR_HISTORY_FETCH": "1",
        "ACTIVITY_FETCH": "1",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "PYTHONPATH": str(ROOT),
    }


def _drop(database_url: str, name: str) -> None:
    from django.db import connections

    connections.close_all()
    database_drop(database_url, name)


def _django_setup() -> None:
    import django
    from django.conf import settings

    # bench/scale.py sets a default of its own before it imports us; it must not have loaded
    # it yet, or this run would talk to the wrong stores.
    if settings.configured and settings.SETTINGS_MODULE != SETTINGS:
        raise RuntimeError(f"Django is set up with {settings.SETTINGS_MODULE}, not {SETTINGS}")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _quota_at_start(github: Any, login: str) -> str:
    """GitHub's quota back at its hourly 5,000, in a window of its own; one conditional request
    (a 304, free) records it in the app's shared quota state, as any answer's headers do."""
    from github_stats.github.client import GitHubClient
    from github_stats.github.quota import quota_get
    from github_stats.models import GitHubAccount

    for resource in ("core", "graphql"):
        github.state.set_quota(resource=resource, limit=QUOTA)
    account = GitHubAccount.objects.get(login=login)
    GitHubClient().account_get(login=login, etag=account.etag or None)
    seen = quota_get()
    core, graphql = github.state.budget("core"), github.state.budget("graphql")
    app = f"{seen.remaining}/{seen.limit}" if seen else "none seen"
    return (
        f"core {core.remaining}/{core.limit}, graphql {graphql.remaining}/{graphql.limit}, "
        f"reset in {core.reset - time.time():.0f} s (the app's state: core {app})"
    )


def _window(
    figures: RealFigures, github: Any, worker: subprocess.Popen[bytes], admin_url: str, name: str
) -> None:
    from django.conf import settings
    from django.db.models import Avg, F
    from django.utils import timezone

    from github_stats.models import JobStatus, RefreshJob
    from github_stats.services.scheduling import refresh_stale_tick

    tick_seconds = float(settings.SCHEDULER_TICK_SECONDS)
    seconds = figures.minutes * 60
    active_before = active_ms(admin_url, name)
    times = RequestTimes(TOKEN)
    start, began = timezone.now(), time.monotonic()
    for index in range(math.ceil(seconds / tick_seconds)):
        _sleep_until(began + index * tick_seconds, worker)
        times.sample(github.state.total)
        tick = refresh_stale_tick()
        figures.ticks += tick.ran
        figures.queued_by_ticks += len(tick.queued) + len(tick.requeued)
        figures.left_for_later_last_tick = tick.left_for_later
        spend = tick.allowance
        if not index:
            figures.first_tick_allowance = (
                f"{spend.requests:.0f} requests, {spend.quota:.0f} quota, "
                f"{spend.graphql:.0f} GraphQL points"
            )
        progress(
            f"tick {index + 1}: queued {len(tick.queued)} (+{len(tick.requeued)} again), left "
            f"{tick.left_for_later}, backlog {tick.backlog.requests:.0f} requests; "
            f"{github.state.total} GitHub requests so far"
        )
    _sleep_until(began + seconds, worker)
    end = timezone.now()
    times.sample(github.state.total)
    log_figures(figures, github.state)
    figures.request_seconds_app = times.mean()
    # Includes the scheduler's ticks, run in this process against the same database, and the
    # fills the refreshes set off; pg_stat_database sees every backend of the bench database.
    spent_ms = active_ms(admin_url, name) - active_before

    in_window = RefreshJob.objects.filter(finished_at__gte=start, finished_at__lte=end)
    done = in_window.filter(status=JobStatus.SUCCEEDED)
    figures.refreshes = done.count()
    figures.refreshes_per_minute = figures.refreshes / figures.minutes
    failed = in_window.filter(status=JobStatus.FAILED).values_list("error_code", flat=True)
    figures.failures = dict(Counter(failed).most_common())
    figures.failed_jobs = sum(figures.failures.values())
    figures.in_flight_at_end = RefreshJob.objects.in_flight().count()
    mean = done.aggregate(mean=Avg(F("finished_at") - F("started_at")))["mean"]
    figures.mean_job_seconds = mean.total_seconds() if mean else 0.0
    figures.db_ms_per_refresh = spent_ms / max(figures.refreshes, 1)
    core, graphql = github.state.budget("core"), github.state.budget("graphql")
    figures.quota_at_end = f"core {core.remaining}/{core.limit}, graphql {graphql.remaining}"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _sleep_until(moment: float, worker: subprocess.Popen[bytes]) -> None:
    while (left := moment - time.monotonic()) > 0:
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {worker.returncode}")
        time.sleep(min(left, 1.0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2, help="worker processes (-c)")
    parser.add_argument("--change", type=float, default=0.05, help="share changed on GitHub")
    parser.add_argument("--seed", type=int, default=1, help="the model's seed for the accounts")
    parser.add_argument("--max-repos", type=int, help="cap an account's repositories")
    args = parser.parse_args()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # the same clean-up as Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    try:
        figures = real_run(
            accounts=args.accounts,
            minutes=args.minutes,
            latency_ms=args.latency_ms,
            worker_processes=args.processes,
            daily_change=args.change,
            seed=args.seed,
            max_repos=args.max_repos,
        )
    except KeyboardInterrupt:
        print("Interrupted: the worker is stopped and the bench database dropped.", file=sys.stderr)
        return 130
    print(figures)
    compare(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
