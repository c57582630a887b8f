"""Requests per second and p50/p95 of a cached account dashboard and of a 50-account watchlist,
beside a bare signed-in Django view, under the same gunicorn server, settings and session.

    .venv/bin/python bench/dashboard.py                       # SQLite + local-memory cache
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/dashboard.py

With DATABASE_URL (PostgreSQL) it creates and seeds its own database, <name>_bench, next to the
one named; with REDIS_URL it uses the next-but-one Redis db (the test suite flushes the named db
and its broker lives in the next) under its own key prefix. Without them: a temporary SQLite file
and each gunicorn worker's local-memory cache, which it says in the output. Loopback only, bounded
in time (about a minute with the defaults). Seeds one organisation with 500 repositories and a
year of daily snapshots, and a user watching 50 accounts.

The dashboard and the watchlist are measured twice: as configured (a repeat visit is served from
the page cache, github_stats/page_cache.py), and on a second gunicorn with PAGE_CACHE_SECONDS=0
(assembled from the cached fragments), so the figures show what each cache layer is worth.

Targets (issue 4): a cached dashboard serves at least 0.5 times the bare view's requests per
second, with at most 5 SQL queries.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.bench_settings"
ACCOUNT = "bench-org"
REPOSITORIES = 500
HISTORY_DAYS = 365
WATCHED = 50
TARGET_RATIO = 0.5
TARGET_QUERIES = 5
# What the person ran with (the bench points the variables at its own stores later).
ORIGINAL_ENV = {key: os.environ[key] for key in ("DATABASE_URL", "REDIS_URL") if key in os.environ}


# --- Stores ---------------------------------------------------------------------------------


@dataclass
class Stores:
    database_url: str
    redis_url: str
    description: str
    cleanup: list[str]


def bench_database_url(database_url: str) -> str:
    """<name>_bench next to the named PostgreSQL database, created afresh."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "postgres"
    bench_name = f"{name}_bench"
    # Through the maintenance database: the named one need not exist (tests make their own).
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{bench_name}"')
    return urlunsplit(parts._replace(path=f"/{bench_name}"))


def bench_redis_url(redis_url: str) -> str:
    parts = urlsplit(redis_url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db + 2) % 16}"))


def choose_stores() -> Stores:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    cleanup: list[str] = []
    if database_url.startswith(("postgres://", "postgresql://")):
        database_url = bench_database_url(database_url)
        db_text = f"PostgreSQL ({urlsplit(database_url).path.lstrip('/')})"
    else:
        if database_url:
            print(f"DATABASE_URL is not PostgreSQL ({database_url.split(':')[0]}): using SQLite.")
        folder = tempfile.mkdtemp(prefix="gitpulse-bench-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"
        cleanup.append(folder)
        db_text = "SQLite (temporary file; DATABASE_URL not set)"
    if redis_url:
        redis_url = bench_redis_url(redis_url)
        cache_text = f"Redis (db {urlsplit(redis_url).path.strip('/')}, key prefix gitpulse-bench)"
    else:
        cache_text = "local-memory cache per worker (REDIS_URL not set)"
    return Stores(database_url, redis_url, f"{db_text}, {cache_text}", cleanup)


# --- Seed -----------------------------------------------------------------------------------


def seed() -> tuple[str, dict[str, int]]:
    """Migrate and seed; returns the session cookie of the bench user and row counts."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from github_stats.models import Account, AccountSnapshot, Repository, Tracking, today_utc

    call_command("migrate", verbosity=0, interactive=False)
    now = timezone.now()
    today = today_utc(now)
    rng = random.Random(42)
    languages = ["Python", "Go", "Rust", "TypeScript", "C", "Shell", "HTML", "Java", "Ruby"]

    user = User.objects.create_user(email="bench@example.com", password=None)
    org = Account.objects.create(
        github_id=1,
        login=ACCOUNT,
        kind="org",
        name="Bench Org",
        bio="An organisation with 500 repositories and a year of history.",
        followers=12_345,
        public_repos=REPOSITORIES,
        fetched_at=now,
        refresh_status="ok",
        html_url=f"https://github.com/{ACCOUNT}",
    )
    Repository.objects.bulk_create(
        Repository(
            github_id=10_000 + i,
            owner=org,
            name=f"repo-{i:03d}",
            description=f"Repository number {i}",
            language=rng.choice(languages),
            language_bytes={rng.choice(languages): rng.randint(1_000, 900_000) for _ in range(3)},
            stars=rng.randint(0, 20_000),
            forks=rng.randint(0, 2_000),
            is_fork=i % 10 == 0,
            archived=i % 25 == 0,
            pushed_at=now - timedelta(days=rng.randint(0, 900)),
            fetched_at=now,
        )
        for i in range(REPOSITORIES)
    )

    def history(account: Account, days: int, stars: int) -> list[AccountSnapshot]:
        return [
            AccountSnapshot(
                account=account,
                date=today - timedelta(days=days - 1 - d),
                followers=account.followers - (days - 1 - d),
                public_repos=account.public_repos,
                total_stars=stars + d * rng.randint(0, 30),
                total_forks=stars // 10 + d,
            )
            for d in range(days)
        ]

    snapshots = history(org, HISTORY_DAYS, 400_000)
    watched = Account.objects.bulk_create(
        Account(
            github_id=100 + i,
            login=f"watched-{i:02d}",
            name=f"Watched {i}",
            followers=1_000 + i * 37,
            public_repos=10 + i,
            fetched_at=now,
            refresh_status="ok",
        )
        for i in range(WATCHED)
    )
    for account in watched:
        snapshots += history(account, 37, rng.randint(100, 50_000))
    AccountSnapshot.objects.bulk_create(snapshots, batch_size=2_000)
    Tracking.objects.bulk_create(Tracking(user=user, account=account) for account in watched)

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    counts = {
        "repositories": Repository.objects.count(),
        "snapshots": AccountSnapshot.objects.count(),
        "watched": Tracking.objects.filter(user=user).count(),
    }
    return str(store.session_key), counts


def cached_dashboard_queries(cookie: str) -> int:
    """SQL queries of a dashboard request whose data is cached (the second of two)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert client.get(f"/u/{ACCOUNT}").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/u/{ACCOUNT}")
    assert response.status_code == 200, response.status_code
    return len(queries.captured_queries)


# --- Server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--timeout", "30",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        "--chdir", str(ROOT),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not start within 20 s")


# --- Load -----------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    path: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: int) -> float:
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[q - 1] * 1000


def get(port: int, path: str, cookie: str) -> int:
    # A new connection per request: gunicorn's sync workers close each one anyway.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(port: int, path: str, cookie: str, *, seconds: float, concurrency: int) -> Result:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                ok = get(port, path, cookie) == 200
            except OSError:
                ok = False
            mine.append(time.perf_counter() - started)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Result("", path, len(latencies), errors, elapsed, latencies)


# --- Main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per endpoint (default 8)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 25:
        parser.error("--seconds must be between 1 and 25 (the bench stays under 2 minutes)")
    began = time.monotonic()

    stores = choose_stores()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": stores.database_url}
    env["REDIS_URL"] = stores.redis_url
    env.pop("CELERY_BROKER_URL", None)
    # whitenoise warns once per worker that collectstatic has not run: the bench serves no assets.
    env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")})
    sys.path.insert(0, str(ROOT))

    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()
    from django.core.cache import cache

    if stores.redis_url:
        cache.delete_pattern("*")  # only keys under the bench's own prefix
    cookie, counts = seed()
    queries = cached_dashboard_queries(cookie)

    # The same app twice: as configured (with the page cache), and with the page cache off, to
    # show what each cache layer is worth.
    port, plain_port = free_port(), free_port()
    servers = [
        start_gunicorn(env, port, args.workers),
        start_gunicorn({**env, "PAGE_CACHE_SECONDS": "0"}, plain_port, args.workers),
    ]
    endpoints = [
        ("cached dashboard", port, f"/u/{ACCOUNT}"),
        (f"watchlist ({WATCHED} accounts)", port, "/watchlist/"),
        ("dashboard, no page cache", plain_port, f"/u/{ACCOUNT}"),
        ("watchlist, no page cache", plain_port, "/watchlist/"),
        ("bare signed-in view", port, "/bench/bare/"),
    ]
    results: list[Result] = []
    try:
        for _, server_port, path in endpoints:
            # Fill every worker's cache (local memory is per process) and warm connections.
            load(server_port, path, cookie, seconds=1.0, concurrency=args.concurrency)
        for name, server_port, path in endpoints:
            result = load(
                server_port, path, cookie, seconds=args.seconds, concurrency=args.concurrency
            )
            result.name = name
            results.append(result)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if stores.redis_url:
            cache.delete_pattern("*")
        for folder in stores.cleanup:
            subprocess.run(["rm", "-rf", folder], check=False)

    bare = results[-1]
    print()
    print(
        f"Gitpulse dashboard bench: gunicorn {args.workers} sync workers, "
        f"{args.concurrency} client threads, {args.seconds:g} s per endpoint, loopback"
    )
    print(f"Stores: {stores.description}; settings {SETTINGS} (DEBUG off)")
    print(
        f"Seeded: {ACCOUNT} with {counts['repositories']} repositories, "
        f"{counts['snapshots']} snapshots in all; a user watching {counts['watched']} accounts"
    )
    print()
    print(f"{'endpoint':32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'÷ bare':>7}")
    for result in results:
        ratio = result.rps / bare.rps if bare.rps else 0.0
        print(
            f"{result.name:32} {result.rps:8.1f} {result.percentile(50):8.1f} "
            f"{result.percentile(95):8.1f} {result.errors:7d} {ratio:7.2f}"
        )
    dashboard_ratio = results[0].rps / bare.rps if bare.rps else 0.0
    print()
    print(
        f"cached dashboard ÷ bare view: {dashboard_ratio:.2f} "
        f"(target ≥ {TARGET_RATIO}) {'OK' if dashboard_ratio >= TARGET_RATIO else 'MISSED'}"
    )
    print(
        f"SQL queries of a cached dashboard: {queries} "
        f"(target ≤ {TARGET_QUERIES}) {'OK' if queries <= TARGET_QUERIES else 'MISSED'}"
    )
    shown_env = " ".join(f"{key}={shlex.quote(value)}" for key, value in ORIGINAL_ENV.items())
    command = " ".join(
        [
            shown_env,
            ".venv/bin/python bench/dashboard.py",
            f"--seconds {args.seconds:g} --concurrency {args.concurrency} --workers {args.workers}",
        ]
    ).strip()
    print(f"Reproduce: {command}")
    print(f"(took {time.monotonic() - began:.0f} s)")
    failed = any(result.errors for result in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
