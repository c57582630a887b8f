"""GitHub quota per account refresh: cold and warm, 10 / 250 / 2,500 repositories, with and
without a token, against the fake GitHub (tests/fakegithub) started in this process.

Run from the project root:

    .venv/bin/python bench/quota.py

It uses the test settings on a throwaway SQLite database in a temporary directory and the
local-memory cache (REDIS_URL and DATABASE_URL from the environment are ignored), so it touches
nothing of yours. Targets (issue 3):

    cold:  at most 1 + ceil(R/100) requests counted against the REST quota,
           plus ceil(R/100) GraphQL points with a token (languages)
    warm, nothing changed:  0 requests counted against the quota (every answer a 304)

and then star history's figures (bench/quota_star_history.py, issue 11) and activity's
(bench/quota_activity.py, issue 12).
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10, 250, 2500)
TOKEN = "ghp_bench_token_0123456789"  # noqa: S105 (the fake GitHub accepts any token)
COMMAND = ".venv/bin/python bench/quota.py"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix="gitpulse-bench-quota-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from bench.quota_activity import activity_report
    from bench.quota_star_history import star_history_report
    from github_stats.github.client import GitHubClient
    from github_stats.models import GitHubAccount, Repository
    from github_stats.services.refresh import account_refresh
    from tests.fakegithub import FakeGitHub

    call_command("migrate", verbosity=0)
    print(f"$ {COMMAND}")
    print("GitHub requests per account refresh (fake GitHub over HTTP, SQLite, no Redis)\n")
    header = (
        f"{'repos':>6} {'token':>5} | {'cold req':>8} {'quota':>5} {'gql pts':>7} "
        f"{'target':>14} {'ok':>3} | {'warm req':>8} {'quota':>5} {'304s':>5} {'gql pts':>7} "
        f"{'ok':>3} | {'cold s':>6} {'warm s':>6}"
    )
    print(header)
    print("-" * len(header))
    all_met = True
    with FakeGitHub() as github:
        for size in SIZES:
            for token in ("", TOKEN):
                github.reset()
                cache.clear()
                Repository.objects.all().delete()
                GitHubAccount.objects.all().delete()
                login = f"bench-{size}"
                github.state.add_user(login, repos=size)
                client = GitHubClient(base_url=github.url, token=token)

                started = time.perf_counter()
                cold = account_refresh(login=login, client=client).stats
                cold_seconds = time.perf_counter() - started
                started = time.perf_counter()
                warm = account_refresh(login=login, client=client).stats
                warm_seconds = time.perf_counter() - started

                pages = math.ceil(size / 100)
                points = pages if token else 0
                cold_ok = cold.quota_requests <= 1 + pages and cold.graphql_points <= points
                warm_ok = warm.quota_requests == 0
                all_met = all_met and cold_ok and warm_ok
                target = f"<={1 + pages} +{points} pts"
                print(
                    f"{size:>6} {'yes' if token else 'no':>5} | {cold.requests:>8} "
                    f"{cold.quota_requests:>5} {cold.graphql_points:>7} {target:>14} "
                    f"{'yes' if cold_ok else 'NO':>3} | {warm.requests:>8} "
                    f"{warm.quota_requests:>5} {warm.not_modified:>5} {warm.graphql_points:>7} "
                    f"{'yes' if warm_ok else 'NO':>3} | {cold_seconds:>6.2f} {warm_seconds:>6.2f}"
                )
        print(
            "\nreq: HTTP requests sent (REST and GraphQL); quota: REST requests GitHub counts "
            "(a 304 costs nothing); gql pts: GraphQL points (languages, token only)."
        )
        all_met = star_history_report(github) and all_met
        all_met = activity_report(github) and all_met
    print("All targets met." if all_met else "SOME TARGETS MISSED.")
    return 0 if all_met else 1


if __name__ == "__main__":
    raise SystemExit(main())
