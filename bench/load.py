"""Load: signed-in people reading dashboards, watchlists and the API, against gunicorn with
PostgreSQL and Redis. Prints p50/p95/p99 latency and the error rate, per kind and overall.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --quick            # 20 s instead of 120 s
    .venv/bin/python bench/load.py --users 50 --duration 120 --workers 4 --think 1.0
    .venv/bin/python bench/load.py --find-capacity    # highest rate with p95 < 100 ms, 0 errors

What it does, all on loopback and bounded in time:
1. creates a database of its own next to DATABASE_URL's (`<name>_loadbench`, dropped at the
   end unless --keep) and migrates it; Redis gets its own db numbers (--redis-db, and the next
   one for Celery's broker), flushed before and after, so nothing shared is touched;
2. seeds --users people, each watching 3 of 20 accounts with 30 repositories and 90 days of
   snapshots, all fresh (no refresh is queued, GitHub is never called), and a signed-in session
   for each (cached_db, as in production);
3. starts gunicorn (--workers processes) on a free port and runs one thread per person: a
   request, then a pause of --think seconds on average (exponential), until --duration ends.
   Requests are spread over the account dashboard, the watchlist, and API reads (account,
   repositories, watchlist), with the session cookie.

Errors are non-2xx answers (a 429 from the API's rate limit counts) and connection failures.
Without DATABASE_URL pointing at PostgreSQL and REDIS_URL, it says so and exits 2.

With --find-capacity, step 3 is an open-loop load instead (bench/capacity.py): requests leave
on a fixed schedule at a rising rate, spread over the same people and the same mix, until p95
reaches --p95-bound ms or an answer fails; it prints each step and the highest rate that held.
The API's per-person rate limit is lifted for it (the server's capacity is measured, not the
quota a person is allowed).
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.capacity import Step, find_capacity, requests_mix  # noqa: E402
from bench.harness import (  # noqa: E402
    database_drop,
    database_recreate,
    free_port,
    percentile,
    start_gunicorn,
    stop_gunicorn,
    url_with_path,
)

ACCOUNTS = 20
REPOS_PER_ACCOUNT = 30
SNAPSHOT_DAYS = 90
WATCHED_PER_PERSON = 3

_SEED = """
import datetime as dt, os, random
from allauth.account.models import EmailAddress
from django.utils import timezone
from accounts.models import User
from bench.harness import signed_in_session
from github_stats.models import GitHubAccount, AccountSnapshot, Repository, Tracking
from github_stats.services.refresh_rows import RepositorySums

users, accounts_n, repos_n, days, watched = (int(a) for a in os.environ["BENCH_SEED"].split(","))
now = timezone.now()
accounts = []
for i in range(accounts_n):
    account, _ = GitHubAccount.objects.update_or_create(
        github_id=900000 + i,
        defaults=dict(login=f"bench-{i}", name=f"Bench {i}", kind="user", followers=100 + i,
                      public_repos=repos_n, fetched_at=now, refresh_status="ok",
                      html_url=f"https://github.com/bench-{i}"),
    )
    accounts.append(account)
    Repository.objects.filter(owner=account).delete()
    repos = Repository.objects.bulk_create(
        Repository(github_id=9000000 + i * 1000 + r, owner=account, name=f"repo-{r}",
                   description="A benchmark repository",
                   language=random.choice(["Python", "Go", "Rust"]),
                   stars=r * 3, forks=r, pushed_at=now - dt.timedelta(days=r), fetched_at=now)
        for r in range(repos_n)
    )
    # What a refresh stores on the account's row with its repositories.
    sums = RepositorySums.of(repos)
    GitHubAccount.objects.filter(pk=account.pk).update(
        total_stars=sums.stars, total_forks=sums.forks,
        language_bytes=sums.language_bytes, language_repos=sums.language_repos,
    )
    AccountSnapshot.objects.filter(account=account).delete()
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(account=account, date=(now - dt.timedelta(days=d)).date(),
                        followers=100 + i - d // 10, total_stars=repos_n * 40 - d, total_forks=d)
        for d in range(days)
    )
for u in range(users):
    email = f"bench{u}@example.com"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password="bench-password-1234"
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults=dict(verified=True, primary=True)
    )
    Tracking.objects.filter(user=user).delete()
    mine = [accounts[(u + k) % accounts_n] for k in range(watched)]
    Tracking.objects.bulk_create(Tracking(user=user, account=a) for a in mine)
    print(signed_in_session(user), ",".join(a.login for a in mine))
"""


def _run(command: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=600, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds (default 120)")
    parser.add_argument("--quick", action="store_true", help="20 s instead of --duration")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--find-capacity", action="store_true", help="open-loop rate search")
    parser.add_argument("--start-rate", type=float, default=20.0, help="requests/s, first step")
    parser.add_argument("--step-seconds", type=float, default=15.0, help="per capacity step")
    parser.add_argument("--p95-bound", type=float, default=100.0, help="ms, capacity bound")
    args = parser.parse_args()
    duration = 20.0 if args.quick else args.duration

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        print("bench/load.py needs DATABASE_URL (PostgreSQL) and REDIS_URL: not set, not run.")
        return 2

    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    bench_db = urlsplit(database_url).path.strip("/") + "_loadbench"
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.development",
        DJANGO_DEBUG="0",
        DATABASE_URL=url_with_path(database_url, f"/{bench_db}"),
        REDIS_URL=url_with_path(redis_url, f"/{args.redis_db}"),
        CELERY_BROKER_URL=url_with_path(redis_url, f"/{args.redis_db + 1}"),
        GITHUB_API_URL="http://127.0.0.1:9",  # never GitHub: everything seeded is fresh
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore::UserWarning",  # "No directory at staticfiles/": not collected
    )
    if args.find_capacity:
        env["API_RATE_LIMIT_DEFAULT"] = "1000000/m"
    manage = [sys.executable, str(ROOT / "manage.py")]
    port = free_port()
    server: subprocess.Popen | None = None

    import redis as redis_lib

    def flush_redis() -> None:
        for db in (args.redis_db, args.redis_db + 1):
            redis_lib.Redis.from_url(url_with_path(redis_url, f"/{db}")).flushdb()

    try:
        print(f"setting up database {bench_db} and Redis dbs {args.redis_db}/{args.redis_db + 1}")
        database_recreate(database_url, bench_db)
        flush_redis()
        _run([*manage, "migrate", "--noinput", "-v", "0"], env)
        sizes = (args.users, ACCOUNTS, REPOS_PER_ACCOUNT, SNAPSHOT_DAYS, WATCHED_PER_PERSON)
        seeded = _run(
            [*manage, "shell", "-c", _SEED],
            {**env, "BENCH_SEED": ",".join(str(n) for n in sizes)},
            capture_output=True,
            text=True,
        ).stdout.split("\n")
        # Only "session_key login,login,login" lines (the shell may print other things).
        people = [
            parts
            for parts in (line.split(" ") for line in seeded)
            if len(parts) == 2 and len(parts[0]) == 32 and parts[0].isalnum()
        ]
        server = start_gunicorn(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        if args.find_capacity:
            print(f"\ncommand: {command}")
            print(
                f"open-loop steps of {args.step_seconds:.0f} s over {len(people)} people, "
                f"gunicorn workers {args.workers}, bound p95 < {args.p95_bound:.0f} ms, 0 errors"
            )
            print(
                f"{'rate/s':>8}{'requests':>10}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}"
                f"{'client lag s':>14}  held"
            )
            capacity = find_capacity(
                base,
                people,
                start=args.start_rate,
                step_seconds=args.step_seconds,
                p95_bound_ms=args.p95_bound,
                report=_report_step,
            )
            print(
                f"capacity: {capacity:.0f} requests/s sustained with p95 < "
                f"{args.p95_bound:.0f} ms and 0 errors"
            )
            return 0
        results = _load(base, people, duration=duration, think=args.think)
    finally:
        if server is not None:
            stop_gunicorn(server)
        flush_redis()
        if not args.keep:
            database_drop(database_url, bench_db)

    _report(results, command=command, users=args.users, duration=duration, args=args)
    return 0


Result = tuple[str, float, int]  # kind, seconds, status (0: connection failure)


def _load(base: str, people: list[list[str]], *, duration: float, think: float) -> list[Result]:
    import requests

    results: list[Result] = []
    lock = threading.Lock()
    start_at = time.monotonic() + 1.0
    stop_at = start_at + duration

    def person(session_key: str, logins: str) -> None:
        watched = logins.split(",")
        rng = random.Random(session_key)
        http = requests.Session()
        http.cookies.set("sessionid", session_key, domain="127.0.0.1")
        mine: list[Result] = []
        time.sleep(max(0.0, start_at - time.monotonic()) + rng.uniform(0, think))
        while time.monotonic() < stop_at:
            login = rng.choice(watched)
            kind, path = rng.choice(requests_mix(login))
            began = time.perf_counter()
            try:
                status = http.get(base + path, timeout=10, allow_redirects=False).status_code
            except requests.RequestException:
                status = 0
            mine.append((kind, time.perf_counter() - began, status))
            time.sleep(rng.expovariate(1 / think) if think > 0 else 0)
        with lock:
            results.extend(mine)

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        for key, logins in people:
            pool.submit(person, key, logins)
    return results


def _report_step(step: Step, held: bool | None) -> None:
    verdict = "warm-up" if held is None else "yes" if held else "no"
    print(
        f"{step.rate:>8.0f}{step.requests:>10}{step.p50_ms:>9.1f}{step.p95_ms:>9.1f}"
        f"{step.errors:>8}{step.client_lag_s:>14.2f}  {verdict}",
        flush=True,
    )


def _report(results: list[Result], *, command: str, users: int, duration: float, args) -> None:
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_kind[result[0]].append(result)
    print(f"\ncommand: {command}")
    print(
        f"{users} signed-in users, {duration:.0f} s, think time {args.think} s, "
        f"gunicorn workers {args.workers}, {len(results)} requests "
        f"({len(results) / duration:.1f}/s)"
    )
    print(f"{'kind':<14}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>9}")
    for kind, rows in [*sorted(by_kind.items()), ("all", results)]:
        ms = [seconds * 1000 for _, seconds, _ in rows]
        errors = sum(1 for *_, status in rows if not 200 <= status < 300)
        print(
            f"{kind:<14}{len(rows):>9}{percentile(ms, 50):>9.1f}{percentile(ms, 95):>9.1f}"
            f"{percentile(ms, 99):>9.1f}{errors:>9}"
        )
    statuses: dict[int, int] = defaultdict(int)
    for *_, status in results:
        statuses[status] += 1
    errors = sum(n for status, n in statuses.items() if not 200 <= status < 300)
    rate = errors / len(results) if results else 0.0
    print(f"error rate: {rate:.2%}  statuses: {dict(sorted(statuses.items()))}")
    if results:
        print(f"mean {statistics.fmean(s for _, s, _ in results) * 1000:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
