"""The GitHub quota state as every process would have seen it from GitHub's headers, set
directly for the scheduler's and the budget's tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from github_stats.github.quota import QuotaState, quota_record


def quota_seen(*, remaining: int, limit: int = 5000, reset_in: int = 3600) -> None:
    now = timezone.now()
    quota_record(
        QuotaState(
            resource="core",
            remaining=remaining,
            limit=limit,
            used=limit - remaining,
            reset_at=now + dt.timedelta(seconds=reset_in),
            seen_at=now,
        )
    )
