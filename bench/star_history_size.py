"""Star history's database size per 1,000 accounts of the fake GitHub's realistic mix, so the
scale issue can extrapolate to 100,000 (issue 11 asks for the figure).

    DATABASE_URL=postgres://app:app@127.0.0.1:5433/gitpulse \
        .venv/bin/python bench/star_history_size.py [--accounts 100]

It needs PostgreSQL (the sizes are pg_total_relation_size: rows, TOAST and indexes) and works in
a database of its own next to DATABASE_URL's (<name>_starsize, created afresh and dropped). The
mix is the fake GitHub's autocreated accounts (0, 3, 12, 40, 150 or 320 repositories; stars
Pareto-distributed, 2 % of repositories with thousands; whole-life daily histories shaped like
real ones: tests/fakegithub/stars.py), stored exactly as the fill stores them (models/
star_history.py weeks_pack, services/star_history.py account_star_history_sum), without HTTP.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
COMMAND = (
    "DATABASE_URL=postgres://app:app@127.0.0.1:5433/gitpulse "
    ".venv/bin/python bench/star_history_size.py --accounts {accounts}"
)
TABLES = ("github_stats_starhistory", "github_stats_accountstarhistory", "github_stats_repository")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.harness import database_drop, database_recreate

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("Needs DATABASE_URL pointing at PostgreSQL (sizes are PostgreSQL's).")
        return 2
    name = f"{urlsplit(database_url).path.lstrip('/') or 'postgres'}_starsize"
    os.environ["DATABASE_URL"] = database_recreate(database_url, name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.pop("REDIS_URL", None)
    try:
        return _run(args.accounts)
    finally:
        from django.db import connections

        connections.close_all()
        database_drop(database_url, name)


def _run(count: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from github_stats.models import GitHubAccount, Repository, StarHistory, weeks_pack
    from github_stats.services.star_history import account_star_history_sum
    from tests.fakegithub.stars import star_days
    from tests.fakegithub.state import FakeState

    call_command("migrate", verbosity=0)
    state = FakeState(seed="starsize", autocreate=True)
    started = time.perf_counter()
    repositories = starred = weeks = 0
    for index in range(count):
        fake = state.account(f"mix-{index}")
        assert fake is not None
        account = GitHubAccount.objects.create(
            github_id=fake.id,
            login=fake.login,
            total_stars=sum(r.stars for r in fake.repos.values()),
        )
        rows = Repository.objects.bulk_create(
            Repository(github_id=r.id, owner=account, name=r.name, stars=r.stars)
            for r in fake.repos.values()
        )
        histories = []
        for row, repo in zip(rows, fake.repos.values(), strict=True):
            repositories += 1
            if not repo.stars:
                continue  # the fill stores nothing for a repository without stars
            starred += 1
            packed = weeks_pack(star_days(state, repo))
            weeks += len(packed)
            histories.append(
                StarHistory(
                    repository=row,
                    weeks=packed,
                    attributed=sum(sum(w[1:]) for w in packed),
                    stars_at_fetch=repo.stars,
                    newest_etag='W/"0123456789abcdef0123456789abcdef"',
                    complete=True,
                )
            )
        StarHistory.objects.bulk_create(histories)
        account_star_history_sum(account=account)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        sizes = {}
        for table in TABLES:
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = cursor.fetchone()[0]
    history_bytes = sizes[TABLES[0]] + sizes[TABLES[1]]
    per_thousand = history_bytes * 1000 / count
    print(f"$ {COMMAND.format(accounts=count)}")
    print(
        f"{count} accounts, {repositories} repositories, {starred} with stars "
        f"({starred / max(repositories, 1):.0%}), {weeks} stored weeks "
        f"({weeks / max(starred, 1):.0f} a starred repository); seeded in {seconds:.0f} s\n"
    )
    for table, size in sizes.items():
        print(f"  {table:<34} {size / 2**20:8.1f} MiB")
    print(
        f"\nStar history (both tables): {history_bytes / 2**20:.1f} MiB for {count} accounts = "
        f"{per_thousand / 2**20:.1f} MiB per 1,000 accounts, "
        f"{per_thousand * 100 / 2**30:.2f} GiB for 100,000 (repository rows for comparison: "
        f"{sizes[TABLES[2]] * 1000 / count / 2**20:.1f} MiB per 1,000)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
