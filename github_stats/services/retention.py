"""What keeps the database bounded at 100,000 tracked accounts: daily snapshots are kept for
SNAPSHOT_DAILY_DAYS (two years by default), and one a week (the week's first) before that.

Snapshots are the only rows that grow with time; an account's repositories, star history and
contribution calendar are rewritten in place. A weekly row is what the charts draw past three
years anyway (their long ranges are coarse), so nothing shown changes. Run by beat once a day
(github_stats.tasks.snapshots_thin) and by `manage.py thin_snapshots`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncWeek

from github_stats.models import AccountSnapshot, today_utc


def snapshots_thin(*, now: datetime | None = None, keep_daily_days: int | None = None) -> int:
    """Delete the snapshots older than the daily window that are not their week's first.
    Returns how many were deleted. Idempotent: a second run deletes nothing."""
    days = settings.SNAPSHOT_DAILY_DAYS if keep_daily_days is None else keep_daily_days
    cutoff = today_utc(now) - timedelta(days=days)
    earlier_same_week = AccountSnapshot.objects.filter(
        account=OuterRef("account"),
        date__lt=OuterRef("date"),
        date__gte=OuterRef("week_start"),
    )
    deleted, _ = (
        AccountSnapshot.objects.filter(date__lt=cutoff)
        .annotate(week_start=TruncWeek("date"))
        .filter(Exists(earlier_same_week))
        .delete()
    )
    return deleted
