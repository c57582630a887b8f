"""What a GitHub user does: contributions per day from GitHub's contribution calendar (GraphQL,
with a token), a year per row, and the account's activity bookkeeping (what was fetched when,
the public events' validator). Organisations have no contributions: their activity panel is
drawn from what we store of their repositories.

Compact by design: a year keeps only its days with contributions, as `[[day_of_year, count],
…]` (1 = January 1st), so an inactive year is a handful of pairs and a busy one at most 366.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import models


def year_days(year: int, pairs: list[list[int]]) -> dict[date, int]:
    """A stored year's {day: contributions} (days without any left out)."""
    first = date(year, 1, 1)
    return {first + timedelta(days=doy - 1): count for doy, count in pairs if count > 0}


def year_pairs(days: dict[date, int]) -> list[list[int]]:
    """{day: contributions} of one year as stored: days with contributions, in order."""
    return [[day.timetuple().tm_yday, count] for day, count in sorted(days.items()) if count > 0]


class ContributionYear(models.Model):
    """One calendar year of a user's contributions, as GitHub's contributionsCollection has it
    for January 1st to December 31st (UTC)."""

    account = models.ForeignKey(
        "github_stats.GitHubAccount", on_delete=models.CASCADE, related_name="contribution_years"
    )
    year = models.PositiveSmallIntegerField()
    days = models.JSONField(default=list, blank=True, help_text="[[day_of_year, count], …]")
    total = models.PositiveIntegerField(default=0)
    commits = models.PositiveIntegerField(default=0)
    issues = models.PositiveIntegerField(default=0)
    pull_requests = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    repositories = models.PositiveIntegerField(
        default=0, help_text="Repositories contributed commits to."
    )
    restricted = models.PositiveIntegerField(
        default=0, help_text="Private contributions: GitHub gives their count only."
    )
    by_repository = models.JSONField(
        default=list, blank=True, help_text='[["owner/name", commits], …] most first.'
    )
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["account", "year"]
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="contribution_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} in {self.year}"


class AccountActivity(models.Model):
    """An account's activity bookkeeping: the contribution years GitHub lists, when the
    calendar and the public events were last fetched, and (without a token) the recent
    public events' daily counts."""

    account = models.OneToOneField(
        "github_stats.GitHubAccount",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="activity",
    )
    years = models.JSONField(default=list, blank=True, help_text="contributionYears, newest first.")
    calendar_fetched_at = models.DateTimeField(null=True, blank=True)
    # The public events' validator: an unchanged feed (an authorized 304) costs nothing and
    # says nothing happened, so the calendar is not asked again.
    events_etag = models.CharField(max_length=255, blank=True)
    validators_token = models.CharField(max_length=16, blank=True)
    events_polled_at = models.DateTimeField(null=True, blank=True)
    poll_interval = models.PositiveIntegerField(default=60, help_text="GitHub's X-Poll-Interval.")
    # Without a token: the last 90 days of public events, {"YYYY-MM-DD": [events, commits]}.
    recent = models.JSONField(default=dict, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    retry_after = models.DateTimeField(null=True, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "account activities"

    def __str__(self) -> str:
        return f"activity of account {self.account_id}"
