"""manage.py thin_snapshots [--keep-daily-days N]: the retention rule, now (beat runs it daily)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from github_stats.services.retention import snapshots_thin


class Command(BaseCommand):
    help = (
        "Keep daily snapshots for SNAPSHOT_DAILY_DAYS and one a week before that "
        "(docs/operations.md, 'Keeping 100,000 accounts fresh')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keep-daily-days", type=int, default=settings.SNAPSHOT_DAILY_DAYS, metavar="N"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["keep_daily_days"] < 1:
            self.stderr.write("--keep-daily-days must be at least 1.")
            raise SystemExit(2)
        deleted = snapshots_thin(keep_daily_days=options["keep_daily_days"])
        self.stdout.write(f"Deleted {deleted} snapshots older than the daily window.")
