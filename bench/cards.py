"""Cards per second: a cached embeddable card (/cards/<login>/stats.svg, served from the one
cache layer) beside /health/live (answered before the middleware stack: the cheapest answer the
server gives), under the same gunicorn server, without cookies, as an image proxy asks; and the
SQL queries of each card kind, uncached and cached.

    .venv/bin/python bench/cards.py                       # SQLite + local-memory cache
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/cards.py

The stores and the seed are bench/dashboard.py's (its own database <name>_bench and Redis db;
an organisation with 500 repositories and a year of snapshots). The card rate limit is lifted
for the run (CARDS_RATE_LIMIT): one loopback client would otherwise be one address over it.

Targets (the cards issue): a cached card at least 0.5 times /health/live's requests per second;
0 SQL queries per cached card, at most 3 per uncached one.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import ORIGINAL_ENV, SETTINGS  # noqa: E402
from bench.dashboard_seed import ACCOUNT, choose_stores, seed  # noqa: E402
from bench.harness import Result, closed_loop, free_port, start_gunicorn, stop_gunicorn  # noqa: E402

TARGET_RATIO = 0.5
TARGET_CACHED_QUERIES = 0
TARGET_UNCACHED_QUERIES = 3
CARD = f"/cards/{ACCOUNT}/stats.svg"
KINDS = [
    f"/cards/{ACCOUNT}/stats.svg",
    f"/cards/{ACCOUNT}/languages.svg",
    f"/cards/{ACCOUNT}/history.svg",
    f"/cards/{ACCOUNT}/repo-001/pin.svg",
]


def card_queries() -> dict[str, tuple[int, int]]:
    """(uncached, cached) SQL queries of each kind, in-process through the whole stack."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for path in KINDS:
        answers = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            answers.append(len(queries.captured_queries))
        counts[path] = (answers[0], answers[1])
    return counts


def get(port: int, path: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


def load(port: int, path: str, *, seconds: float, concurrency: int) -> Result:
    return closed_loop(lambda: get(port, path), seconds=seconds, concurrency=concurrency)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per endpoint (default 8)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--rounds", type=int, default=4, help="slices per endpoint (default 4)")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 25:
        parser.error("--seconds must be between 1 and 25")
    began = time.monotonic()

    stores = choose_stores()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": stores.database_url}
    env["REDIS_URL"] = stores.redis_url
    env["CARDS_RATE_LIMIT"] = "100000000/m"
    env.pop("CELERY_BROKER_URL", None)
    env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"
    keys = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CARDS_RATE_LIMIT")
    os.environ.update({k: env[k] for k in keys})

    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()
    from django.core.cache import cache

    if stores.redis_url:
        cache.delete_pattern("*")  # only keys under the bench's own prefix
    _cookie, counts = seed()
    queries = card_queries()

    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    endpoints = [("cached card", CARD), ("/health/live", "/health/live")]
    results = [Result(name, 0, 0, 0.0, []) for name, _ in endpoints]
    try:
        for _, path in endpoints:
            load(port, path, seconds=1.0, concurrency=args.concurrency)  # warm every worker
        # Round-robin in short slices: a machine slowing down weighs on both alike.
        for _round in range(args.rounds):
            for result, (_, path) in zip(results, endpoints, strict=True):
                part = load(
                    port, path, seconds=args.seconds / args.rounds, concurrency=args.concurrency
                )
                result.add(part)
    finally:
        stop_gunicorn(server)
        if stores.redis_url:
            cache.delete_pattern("*")
        for folder in stores.cleanup:
            subprocess.run(["rm", "-rf", folder], check=False)

    card, live = results
    ratio = card.rps / live.rps if live.rps else 0.0
    print()
    print(
        f"Gitpulse cards bench: gunicorn {args.workers} sync workers, {args.concurrency} client "
        f"threads, {args.seconds:g} s per endpoint, loopback, no cookies"
    )
    print(f"Stores: {stores.description}; settings {SETTINGS} (DEBUG off)")
    print(f"Seeded: {ACCOUNT} with {counts['repositories']} repositories")
    print()
    print(f"{'endpoint':16} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for result in results:
        print(
            f"{result.name:16} {result.rps:8.1f} {result.percentile_ms(50):8.1f} "
            f"{result.percentile_ms(95):8.1f} {result.errors:7d}"
        )
    print()
    verdict = "OK" if ratio >= TARGET_RATIO else "MISSED"
    print(f"cached card ÷ /health/live: {ratio:.2f} (target ≥ {TARGET_RATIO}) {verdict}")
    print("SQL queries per card (uncached, cached):")
    for path, (uncached, cached) in queries.items():
        ok = uncached <= TARGET_UNCACHED_QUERIES and cached <= TARGET_CACHED_QUERIES
        print(f"  {path:40} {uncached} / {cached}  {'OK' if ok else 'MISSED'}")
    print(f"  (targets: ≤ {TARGET_UNCACHED_QUERIES} uncached, {TARGET_CACHED_QUERIES} cached)")
    shown_env = " ".join(f"{key}={shlex.quote(value)}" for key, value in ORIGINAL_ENV.items())
    options = (
        f"--seconds {args.seconds:g} --concurrency {args.concurrency} --workers {args.workers}"
        f" --rounds {args.rounds}"
    )
    print(f"Reproduce: {' '.join([shown_env, '.venv/bin/python bench/cards.py', options]).strip()}")
    print(f"(took {time.monotonic() - began:.0f} s)")
    return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
