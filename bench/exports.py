"""Peak memory and rows per second of the API's downloads (github_stats/api/exports.py): the CSV
and JSON of an organisation's 2,500 repositories and of ten years of daily history, each beside
a 25-repository CSV export measured in the same run. Downloads stream (StreamingHttpResponse
fed by chunked querysets), so memory must not grow with the rows: the process's peak resident
memory during a big export over its peak during the small one stays near 1, and the Python
allocations an export holds at once stop growing past a cursor's chunk (10,000 repositories
hold what 2,500 do).

    .venv/bin/python bench/exports.py                       # SQLite (temporary file)
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/exports.py

In-process, through Django's test client and the whole middleware stack, signed in with a
session (as the page's Download links are); the body is read chunk by chunk and thrown away,
as a server writing to a socket does. With DATABASE_URL (PostgreSQL) it seeds its own database,
<name>_exports_bench, next to the one named (server-side cursors, as in production); with
REDIS_URL the next-but-one Redis db under the bench's key prefix (bench/bench_settings.py).

Two measures of memory, each over one export alone:
- RSS: the process's resident high-water mark, reset just before the request (Linux:
  /proc/self/clear_refs), read after it: the peak memory the export ran in, fixed costs
  (interpreter, Django, connections) included, as a server worker's would be. Without
  clear_refs: getrusage's ru_maxrss, a lifetime high mark, is shown as growth only.
- tracemalloc: the peak of Python allocations above those before the request: what the
  export holds at once (a cursor's chunk of rows, one write chunk, the csv module's fixed
  128 KiB record buffer). Its ratio to a 25-row export is not near 1 (25 rows are less than
  a chunk); its plateau is the point.
Rows per second: the best of a few untraced runs of each export.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard_seed import bench_redis_url  # noqa: E402
from bench.harness import database_drop, database_recreate  # noqa: E402

SETTINGS = "bench.bench_settings"
SMALL, BIG, HUGE = 25, 2_500, 10_000
TEN_YEARS = 3_653
# Constant memory: a big export's peak RSS at most this many times the 25-repository one's,
# and 10,000 repositories' Python allocations at most this many times 2,500's.
TARGET_RSS_RATIO = 1.1
TARGET_PLATEAU = 1.25
ORIGINAL_ENV = {key: os.environ[key] for key in ("DATABASE_URL", "REDIS_URL") if key in os.environ}


@dataclass
class Measure:
    name: str
    rows: int
    bytes: int
    traced_peak: int  # bytes
    rss_peak: int  # bytes; 0 when the high-water mark cannot be reset
    rss_growth: int  # bytes
    rows_per_second: float


# --- Stores and seed ------------------------------------------------------------------------


def stores() -> tuple[str, str, str, list[str]]:
    """(database URL, Redis URL, description, what to remove afterwards)."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    cleanup: list[str] = []
    if database_url.startswith(("postgres://", "postgresql://")):
        name = f"{urlsplit(database_url).path.lstrip('/') or 'postgres'}_exports_bench"
        bench_url = database_recreate(database_url, name)
        cleanup.append(f"db:{database_url}|{name}")
        text = f"PostgreSQL ({name})"
    else:
        folder = tempfile.mkdtemp(prefix="gitpulse-exports-bench-")
        bench_url = f"sqlite:///{folder}/bench.sqlite3"
        cleanup.append(folder)
        text = "SQLite (temporary file; DATABASE_URL not set)"
    redis = bench_redis_url(redis_url) if redis_url else ""
    cache_text = f"Redis db {urlsplit(redis).path.strip('/')}" if redis else "local memory"
    return bench_url, redis, f"{text}, cache: {cache_text}", cleanup


def seed() -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from github_stats.models import AccountSnapshot, GitHubAccount, Repository, today_utc

    call_command("migrate", verbosity=0, interactive=False)
    now, today = timezone.now(), today_utc()
    github_id = 1_000_000
    for login, count in (("small-org", SMALL), ("big-org", BIG), ("huge-org", HUGE)):
        account = GitHubAccount.objects.create(
            github_id=count, login=login, kind="org", fetched_at=now, refresh_status="ok"
        )
        Repository.objects.bulk_create(
            (
                Repository(
                    github_id=github_id + i,
                    owner=account,
                    name=f"repository-number-{i:05d}",
                    # Realistic text, a hostile cell now and then (neutralised on the way out).
                    description=("=HYPERLINK(1)" if i % 50 == 0 else "A project, ") * 4,
                    language=("Python", "Go", "Rust", "TypeScript")[i % 4],
                    stars=(i * 7919) % 20_000,
                    forks=(i * 104_729) % 2_000,
                    open_issues=i % 40,
                    is_fork=i % 10 == 0,
                    pushed_at=now - timedelta(hours=i),
                    html_url=f"https://github.com/{login}/repository-number-{i:05d}",
                    topics=["django", "htmx", "analytics"],
                    fetched_at=now,
                )
                for i in range(count)
            ),
            batch_size=1_000,
        )
        github_id += count
    old = GitHubAccount.objects.create(
        github_id=7, login="old-timer", fetched_at=now, refresh_status="ok"
    )
    AccountSnapshot.objects.bulk_create(
        (
            AccountSnapshot(
                account=old,
                date=today - timedelta(days=day),
                followers=50_000 - day,
                following=10,
                public_repos=300 - day // 20,
                total_stars=900_000 - day * 17,
                total_forks=90_000 - day,
            )
            for day in range(TEN_YEARS)
        ),
        batch_size=2_000,
    )


# --- Measures -------------------------------------------------------------------------------


def _read(client, path: str) -> int:
    """The download, read chunk by chunk and dropped; its size in bytes."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.streaming, path
    return sum(len(chunk) for chunk in response.streaming_content)


def _rss_now() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _rss_high_water_reset() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # Linux: the peak RSS starts again from the current RSS
        return True
    except OSError:
        return False


def _rss_high_water() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def measure(client, name: str, path: str, rows: int, runs: int) -> Measure:
    _read(client, path)  # warm: imports, URL resolution, the database's caches
    gc.collect()
    # RSS first (tracemalloc's own bookkeeping would count in it).
    if _rss_high_water_reset():
        before = _rss_now()
        _read(client, path)
        rss_peak = _rss_high_water()
        rss_growth = max(rss_peak - before, 0)
    else:  # a lifetime high mark: only growth beyond anything the process held before
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        _read(client, path)
        rss_peak = 0
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    size = _read(client, path)
    traced_peak = tracemalloc.get_traced_memory()[1] - start
    tracemalloc.stop()
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        _read(client, path)
        best = min(best, time.perf_counter() - began)
    return Measure(name, rows, size, traced_peak, rss_peak, rss_growth, rows / best)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per export (default 5)")
    args = parser.parse_args()
    if not 1 <= args.runs <= 50:
        parser.error("--runs must be between 1 and 50")
    began = time.monotonic()
    database_url, redis_url, described, cleanup = stores()
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": database_url, "REDIS_URL": redis_url}
    )
    # The bench makes a few dozen calls a minute as one person: above the API's default limit.
    os.environ["API_RATE_LIMIT_DEFAULT"] = "100000/m"
    os.environ.pop("CELERY_BROKER_URL", None)

    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()
    from django.test import Client

    from accounts.models import User

    try:
        seed()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.create_user(email="exports@example.com", password=None))
        repos = "/api/v1/accounts/{}/repos?format={}"
        history = "/api/v1/accounts/old-timer/history?days=all&format={}"
        exports = [
            (f"{SMALL} repositories, CSV", repos.format("small-org", "csv"), SMALL),
            (f"{BIG:,} repositories, CSV", repos.format("big-org", "csv"), BIG),
            (f"{BIG:,} repositories, JSON", repos.format("big-org", "json"), BIG),
            (f"{HUGE:,} repositories, CSV", repos.format("huge-org", "csv"), HUGE),
            ("ten years of days, CSV", history.format("csv"), TEN_YEARS),
            ("ten years of days, JSON", history.format("json"), TEN_YEARS),
        ]
        results = [measure(client, name, path, rows, args.runs) for name, path, rows in exports]
    finally:
        for item in cleanup:
            if item.startswith("db:"):
                from django.db import connections

                connections.close_all()
                admin_url, name = item[3:].split("|")
                database_drop(admin_url, name)
            else:
                subprocess.run(["rm", "-rf", item], check=False)

    small = results[0]
    by_name = {m.name: m for m in results}
    print()
    print(f"Gitpulse exports bench: in-process, signed in, {args.runs} timed runs per export")
    print(f"Stores: {described}; settings {SETTINGS} (DEBUG off)")
    print()
    print(
        f"{'export':28} {'rows':>7} {'KiB':>6} {'RSS peak':>9} {'÷ 25':>5} {'+RSS':>6} "
        f"{'py peak':>8} {'÷ 25':>5} {'rows/s':>8}"
    )
    for m in results:
        rss_ratio = m.rss_peak / small.rss_peak if small.rss_peak else 0.0
        py_ratio = m.traced_peak / small.traced_peak if small.traced_peak else 0.0
        print(
            f"{m.name:28} {m.rows:7,d} {m.bytes / 1024:6.0f} {m.rss_peak / 2**20:7.1f}Mi "
            f"{rss_ratio:5.2f} {m.rss_growth / 1024:4.0f}Ki {m.traced_peak / 1024:6.0f}Ki "
            f"{py_ratio:5.2f} {m.rows_per_second:8,.0f}"
        )
    print()
    print("RSS peak: the process's resident high-water mark during the export (÷ 25: over the")
    print(f"{SMALL}-repository CSV's); +RSS: its growth over the resident size before; py peak:")
    print("tracemalloc's peak of Python allocations during the export (÷ 25: likewise).")
    print()
    for m in results[1:]:
        if not small.rss_peak:
            print(f"{m.name}: RSS peak not measurable here (no /proc/self/clear_refs)")
            continue
        ratio = m.rss_peak / small.rss_peak
        verdict = "OK" if ratio <= TARGET_RSS_RATIO else "MISSED"
        limit = f"(≤ {TARGET_RSS_RATIO}) {verdict}"
        print(f"{m.name}: RSS peak ÷ {SMALL} repositories {ratio:.3f} {limit}")
    big, huge = by_name[f"{BIG:,} repositories, CSV"], by_name[f"{HUGE:,} repositories, CSV"]
    plateau = huge.traced_peak / big.traced_peak if big.traced_peak else 0.0
    verdict = "OK" if plateau <= TARGET_PLATEAU else "MISSED"
    print(
        f"Python allocations, {HUGE:,} ÷ {BIG:,} repositories (CSV): {plateau:.2f} "
        f"(≤ {TARGET_PLATEAU}) {verdict}"
    )
    shown_env = " ".join(f"{key}={shlex.quote(value)}" for key, value in ORIGINAL_ENV.items())
    command = f"{shown_env} .venv/bin/python bench/exports.py --runs {args.runs}".strip()
    print(f"Reproduce: {command}")
    print(f"(took {time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
