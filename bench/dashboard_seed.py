"""The data of bench/dashboard.py: its own stores (a database next to DATABASE_URL's, or a
temporary SQLite file; a Redis db of its own) and the seed (an organisation with 500
repositories and a year of daily snapshots, a person watching 50 accounts)."""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bench.harness import database_recreate, signed_in_session, url_with_path

ACCOUNT = "bench-org"
REPOSITORIES = 500
HISTORY_DAYS = 365
WATCHED = 50
# A repository with ten years of daily star history (its page is benchmarked cached).
STAR_REPOSITORY = "repo-001"
STAR_HISTORY_DAYS = 3650
# A watched user with this year's contribution calendar (their dashboard is benchmarked too).
CALENDAR_USER = "watched-01"


# --- Stores ---------------------------------------------------------------------------------


@dataclass
class Stores:
    database_url: str
    redis_url: str
    description: str
    cleanup: list[str]


def bench_database_url(database_url: str) -> str:
    """<name>_bench next to the named PostgreSQL database, created afresh."""
    name = urlsplit(database_url).path.lstrip("/") or "postgres"
    return database_recreate(database_url, f"{name}_bench")


def bench_redis_url(redis_url: str) -> str:
    db = int(urlsplit(redis_url).path.strip("/") or 0)
    return url_with_path(redis_url, f"/{(db + 2) % 16}")


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
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from github_stats.models import (
        AccountSnapshot,
        GitHubAccount,
        Repository,
        StarHistory,
        Tracking,
        today_utc,
    )
    from github_stats.services.refresh_rows import RepositorySums

    call_command("migrate", verbosity=0, interactive=False)
    now = timezone.now()
    today = today_utc(now)
    rng = random.Random(42)
    languages = ["Python", "Go", "Rust", "TypeScript", "C", "Shell", "HTML", "Java", "Ruby"]

    user = User.objects.create_user(email="bench@example.com", password=None)
    org = GitHubAccount.objects.create(
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
            # As every repository GitHub describes has one: the dashboard counts them by day.
            created_at=now - timedelta(days=rng.randint(900, 4_000)),
            fetched_at=now,
        )
        for i in range(REPOSITORIES)
    )

    def history(account: GitHubAccount, days: int, stars: int) -> list[AccountSnapshot]:
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
    # What a refresh stores on the account row (services/refresh.py): its totals and languages.
    sums = RepositorySums.of(Repository.objects.filter(owner=org))
    GitHubAccount.objects.filter(pk=org.pk).update(
        total_stars=snapshots[-1].total_stars,
        total_forks=snapshots[-1].total_forks,
        language_bytes=sums.language_bytes,
        language_repos=sums.language_repos,
    )
    stars_repository(org, today=today, now=now, rng=rng)
    watched = GitHubAccount.objects.bulk_create(
        GitHubAccount(
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
        recent = history(account, 37, rng.randint(100, 50_000))
        account.total_stars, account.total_forks = recent[-1].total_stars, recent[-1].total_forks
        snapshots += recent
    GitHubAccount.objects.bulk_update(watched, ["total_stars", "total_forks"])
    calendar_user = GitHubAccount.objects.get(login=CALENDAR_USER)
    contribution_calendar(calendar_user, today=today, now=now, rng=rng)
    AccountSnapshot.objects.bulk_create(snapshots, batch_size=2_000)
    Tracking.objects.bulk_create(Tracking(user=user, account=account) for account in watched)

    session_key = signed_in_session(user)
    counts = {
        "repositories": Repository.objects.count(),
        "snapshots": AccountSnapshot.objects.count(),
        "watched": Tracking.objects.filter(user=user).count(),
        "star_weeks": len(StarHistory.objects.get(repository__name=STAR_REPOSITORY).weeks),
        "calendar_days": (today - date(today.year, 1, 1)).days + 1,
    }
    return session_key, counts


def stars_repository(org: Any, *, today: date, now: datetime, rng: random.Random) -> None:
    """STAR_REPOSITORY's whole life, a day at a time for ten years, stored as the fill stores
    it, and the organisation's sum."""
    from github_stats.models import Repository, StarHistory, weeks_pack
    from github_stats.services.star_history import account_star_history_sum

    days = {today - timedelta(days=d): rng.randint(1, 40) for d in range(STAR_HISTORY_DAYS)}
    total = sum(days.values())
    repository = Repository.objects.get(owner=org, name=STAR_REPOSITORY)
    Repository.objects.filter(pk=repository.pk).update(
        stars=total, created_at=now - timedelta(days=STAR_HISTORY_DAYS)
    )
    StarHistory.objects.create(
        repository=repository,
        weeks=weeks_pack(days),
        attributed=total,
        stars_at_fetch=total,
        complete=True,
        fetched_at=now,
    )
    account_star_history_sum(account=org, now=now)


def contribution_calendar(account: Any, *, today: date, now: datetime, rng: random.Random) -> None:
    """This year's calendar up to today, as the activity fill stores it."""
    from github_stats.models import AccountActivity, ContributionYear, year_pairs

    first = date(today.year, 1, 1)
    days = {first + timedelta(days=n): rng.randint(0, 12) for n in range((today - first).days + 1)}
    total = sum(days.values())
    ContributionYear.objects.create(
        account=account,
        year=today.year,
        days=year_pairs(days),
        total=total,
        commits=total,
        fetched_at=now,
    )
    AccountActivity.objects.create(account=account, years=[today.year], calendar_fetched_at=now)
