"""Requests per second, p50/p95 and body bytes sent of an account dashboard and of a
50-account watchlist, as a repeat visit (from the cache) and as the first visit after a refresh
(rendered from the database), beside a bare signed-in Django view, under the same gunicorn
server and session.

    .venv/bin/python bench/dashboard.py                       # SQLite + local-memory cache
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/dashboard.py

With DATABASE_URL (PostgreSQL) it creates and seeds its own database, <name>_bench, next to the
one named; with REDIS_URL it uses the next-but-one Redis db (the test suite flushes the named db
and its broker lives in the next) under its own key prefix. Without them: a temporary SQLite file
and each gunicorn worker's local-memory cache, which it says in the output. Loopback only, bounded
in time (about a minute with the defaults). Seeds one organisation with 500 repositories and a
year of daily snapshots, and a user watching 50 accounts, one of them with this year's
contribution calendar (its dashboard after a refresh is measured too, without a target: the
house issue's 0.3 is the organisation's).

The dashboard and the watchlist are measured three ways: as a repeat visit (served whole from
the one cache layer, github_stats/caching.py); as the first visit after a refresh (bench URLs
that publish a new cache version of the account first, as a refresh's commit does, so every
request misses: bench/bench_urls.py; on the watchlist one of the fifty accounts is refreshed);
and as a new visitor's first view (a browser never seen, so no page of its own, of accounts
that others just looked at: the shared fragments serve). The client otherwise keeps its cookies
as a browser does (the session and the CSRF cookie: cached pages are per browser).

Targets (the house issue): a cached dashboard at least 0.8 times the bare view's requests per
second, with at most 5 SQL queries; the first view after a refresh of the 500-repository
account (after a refresh, and a new visitor's) and the 50-account watchlist after a refresh of
one of its accounts, at least 0.3 times.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard_seed import (  # noqa: E402
    ACCOUNT,
    CALENDAR_USER,
    STAR_REPOSITORY,
    WATCHED,
    choose_stores,
    seed,
)
from bench.harness import (  # noqa: E402
    Result,
    closed_loop,
    free_port,
    start_gunicorn,
    stop_gunicorn,
)

SETTINGS = "bench.bench_settings"
TARGET_CACHED = 0.8
TARGET_UNCACHED = 0.3
TARGET_QUERIES = 5
# The browser's CSRF cookie, as Django issues it (32 letters and digits): kept like a browser.
CSRF_SECRET = "benchcsrfsecret0123456789abcdefg"  # noqa: S105 - a bench cookie, not a secret
# What Chromium sends: cached pages are kept gzipped and sent so (github_stats/caching.py).
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
# What the person ran with (the bench points the variables at its own stores later).
NEW_VISITOR = "new-visitor:"
ORIGINAL_ENV = {key: os.environ[key] for key in ("DATABASE_URL", "REDIS_URL") if key in os.environ}


def cached_dashboard_queries(cookie: str) -> int:
    """SQL queries of a dashboard request whose data is cached (the second of two)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    assert client.get(f"/u/{ACCOUNT}").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/u/{ACCOUNT}")
    assert response.status_code == 200, response.status_code
    return len(queries.captured_queries)


# --- Load -----------------------------------------------------------------------------------


def get(port: int, path: str, cookie: str) -> tuple[int, int]:
    """The status and the length of the body as sent (gzipped where the server gzipped it)."""
    # A new connection per request: gunicorn's sync workers close each one anyway.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    # NEW_VISITOR: a browser never seen before (its own CSRF secret, so its own page), as each
    # person's first view of an account that others look at.
    path, new_visitor = path.removeprefix(NEW_VISITOR), path.startswith(NEW_VISITOR)
    csrf = secrets.token_hex(16) if new_visitor else CSRF_SECRET
    try:
        cookies = f"sessionid={cookie}; csrftoken={csrf}"
        # As every browser asks; the body is read as sent (a browser's inflating is its own CPU).
        headers = {"Cookie": cookies, "Accept-Encoding": ACCEPT_ENCODING}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def load(port: int, path: str, cookie: str, *, seconds: float, concurrency: int) -> Result:
    return closed_loop(lambda: get(port, path, cookie), seconds=seconds, concurrency=concurrency)


# --- Main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per endpoint (default 8)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--rounds", type=int, default=4, help="slices per endpoint, round-robin (default 4)"
    )
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

    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()
    from django.core.cache import cache

    if stores.redis_url:
        cache.delete_pattern("*")  # only keys under the bench's own prefix
    cookie, counts = seed()
    queries = cached_dashboard_queries(cookie)

    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    endpoints = [
        ("cached dashboard", port, f"/u/{ACCOUNT}"),
        ("dashboard after a refresh", port, f"/bench/after-refresh/u/{ACCOUNT}"),
        ("dashboard, a new visitor", port, f"{NEW_VISITOR}/u/{ACCOUNT}"),
        ("user dashboard after a refresh", port, f"/bench/after-refresh/u/{CALENDAR_USER}"),
        (f"cached watchlist ({WATCHED})", port, "/watchlist/"),
        ("watchlist after a refresh", port, "/bench/after-refresh/watchlist/watched-00"),
        ("watchlist, a new visitor", port, f"{NEW_VISITOR}/watchlist/"),
        ("cached repository (10 y stars)", port, f"/r/{ACCOUNT}/{STAR_REPOSITORY}"),
        ("bare signed-in view", port, "/bench/bare/"),
    ]
    results: list[Result] = []
    try:
        for _, server_port, path in endpoints:
            # Fill every worker's cache (local memory is per process) and warm connections.
            load(server_port, path, cookie, seconds=1.0, concurrency=args.concurrency)
        # Round-robin in short slices, so that a machine slowing down or speeding up during the
        # run weighs on every endpoint alike: the ratios compare like with like.
        results = [Result(name, 0, 0, 0.0, []) for name, _, _ in endpoints]
        for _round in range(args.rounds):
            for result, (_, server_port, path) in zip(results, endpoints, strict=True):
                part = load(
                    server_port,
                    path,
                    cookie,
                    seconds=args.seconds / args.rounds,
                    concurrency=args.concurrency,
                )
                result.add(part)
    finally:
        stop_gunicorn(server)
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
        f"{counts['snapshots']} snapshots in all; a user watching {counts['watched']} accounts; "
        f"{STAR_REPOSITORY} with {counts['star_weeks']} weeks of daily star history; "
        f"{CALENDAR_USER} with a contribution calendar of {counts['calendar_days']} days"
    )
    print()
    print(
        f"{'endpoint':32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'÷ bare':>7}"
        f" {'KB sent':>8}"
    )
    for result in results:
        ratio = result.rps / bare.rps if bare.rps else 0.0
        print(
            f"{result.name:32} {result.rps:8.1f} {result.percentile_ms(50):8.1f} "
            f"{result.percentile_ms(95):8.1f} {result.errors:7d} {ratio:7.2f}"
            f" {result.kilobytes:8.1f}"
        )
    print()
    targets = (
        TARGET_CACHED,
        TARGET_UNCACHED,
        TARGET_UNCACHED,
        None,
        None,
        TARGET_UNCACHED,
        None,
        TARGET_CACHED,
    )
    for result, target in zip(results[:-1], targets, strict=True):
        if target is None:
            continue
        ratio = result.rps / bare.rps if bare.rps else 0.0
        verdict = "OK" if ratio >= target else "MISSED"
        print(f"{result.name} ÷ bare view: {ratio:.2f} (target ≥ {target}) {verdict}")
    print(
        f"SQL queries of a cached dashboard: {queries} "
        f"(target ≤ {TARGET_QUERIES}) {'OK' if queries <= TARGET_QUERIES else 'MISSED'}"
    )
    shown_env = " ".join(f"{key}={shlex.quote(value)}" for key, value in ORIGINAL_ENV.items())
    command = " ".join(
        [
            shown_env,
            ".venv/bin/python bench/dashboard.py",
            f"--seconds {args.seconds:g} --concurrency {args.concurrency} --workers {args.workers}"
            f" --rounds {args.rounds}",
        ]
    ).strip()
    print(f"Reproduce: {command}")
    print(f"(took {time.monotonic() - began:.0f} s)")
    failed = any(result.errors for result in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
