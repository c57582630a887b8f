"""One row of an account's figures per UTC day: the history behind every chart."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import models
from django.utils import timezone


def today_utc(now: datetime | None = None) -> date:
    """Snapshots are per UTC day."""
    return (now or timezone.now()).astimezone(UTC).date()


class AccountSnapshot(models.Model):
    """The account's figures on one day (UTC); today's row is rewritten by every refresh."""

    account = models.ForeignKey(
        "github_stats.GitHubAccount", on_delete=models.CASCADE, related_name="snapshots"
    )
    date = models.DateField()
    followers = models.PositiveIntegerField(default=0)
    following = models.PositiveIntegerField(default=0)
    public_repos = models.PositiveIntegerField(default=0)
    total_stars = models.PositiveIntegerField(default=0)
    total_forks = models.PositiveIntegerField(default=0)
    non_fork_stars = models.PositiveIntegerField(default=0)
    non_fork_forks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["account", "date"]
        constraints = [
            # Also the index of every history query (account, date range).
            models.UniqueConstraint(
                fields=["account", "date"], name="snapshot_account_date_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} on {self.date}"
