"""Star history: when each repository's stars were given, from GitHub's
`GET /repos/{owner}/{repo}/stargazers/history` (2026-09-04), and its sum over an account.

Compact by design: a repository without stars has no row, and a row keeps only the weeks that
had stars, as flat lists `[week_start_unix, d0, d1, d2, d3, d4, d5, d6]` oldest first (d0 is the
day the week starts on). Ten years of a busy repository are about 520 such lists; most
repositories have a handful. The cumulative series is derived on read and anchored to the
repository's current `stargazers_count`: the difference (stars GitHub no longer attributes to a
week, or given since the last fetch) is reported, never spread over the chart.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db import models

# A week as stored: its start (unix seconds, as GitHub sends it) then seven daily counts.
Week = list[int]
DAYS_PER_WEEK = 7


def week_days(week: Week) -> list[tuple[date, int]]:
    """The seven (day, stars) of a stored week. GitHub does not promise weeks that start at
    midnight UTC: each day is the UTC date its start falls on."""
    start = datetime.fromtimestamp(week[0], tz=UTC)
    return [
        ((start + timedelta(days=index)).date(), count)
        for index, count in enumerate(week[1 : 1 + DAYS_PER_WEEK])
    ]


class StarHistory(models.Model):
    """One repository's star history as far as we have fetched it."""

    repository = models.OneToOneField(
        "github_stats.Repository",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="star_history",
    )
    weeks = models.JSONField(
        default=list, blank=True, help_text="[[week_start_unix, 7 daily counts…], …] oldest first."
    )
    attributed = models.PositiveIntegerField(
        default=0, help_text="Stars GitHub attributes to a day (the sum of the weeks)."
    )
    stars_at_fetch = models.PositiveIntegerField(
        default=0, help_text="The repository's stargazers_count when the history was fetched."
    )
    # The newest page's validator: re-checking an unchanged history costs no quota (per token).
    newest_etag = models.CharField(max_length=255, blank=True)
    validators_token = models.CharField(max_length=16, blank=True)
    complete = models.BooleanField(
        default=False, help_text="Every page down to the repository's first star was fetched."
    )
    truncated = models.BooleanField(
        default=False, help_text="GitHub's pagination limit stopped us before the oldest week."
    )
    next_page = models.PositiveSmallIntegerField(
        default=0, help_text="The older page to continue from (0: nothing left to fetch)."
    )
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="Last fetch or re-check.")
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    retry_after = models.DateTimeField(
        null=True, blank=True, help_text="A failing repository is left alone until then."
    )

    class Meta:
        verbose_name_plural = "star histories"

    def __str__(self) -> str:
        return f"star history of repository {self.repository_id}"


class AccountStarHistory(models.Model):
    """The star histories of an account's repositories, summed when they change, so the
    dashboard reads one row instead of hundreds. Coverage says how much of the account's
    stars the sum stands for."""

    account = models.OneToOneField(
        "github_stats.GitHubAccount",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="star_history",
    )
    weeks = models.JSONField(default=list, blank=True, help_text="As StarHistory.weeks, summed.")
    repositories_covered = models.PositiveIntegerField(default=0)
    repositories_starred = models.PositiveIntegerField(
        default=0, help_text="Own repositories with at least one star."
    )
    stars_covered = models.PositiveIntegerField(
        default=0, help_text="Current stars of the repositories whose history is summed."
    )
    stars_total = models.PositiveIntegerField(default=0)
    attributed = models.PositiveIntegerField(default=0)
    pending_since = models.DateTimeField(
        null=True, blank=True, help_text="A fill was queued then and has not finished."
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "account star histories"

    def __str__(self) -> str:
        return f"star history of account {self.account_id}"


def weeks_pack(days: dict[date, int]) -> list[Week]:
    """Daily counts packed into stored weeks (UTC weeks starting on Sunday, as GitHub's own
    statistics are), only weeks with stars, oldest first: the inverse of week_days for sums."""
    by_week: dict[date, list[int]] = {}
    for day, count in days.items():
        if count <= 0:
            continue
        sunday = day - timedelta(days=(day.weekday() + 1) % DAYS_PER_WEEK)
        counts = by_week.setdefault(sunday, [0] * DAYS_PER_WEEK)
        counts[(day - sunday).days] += count
    return [
        [int(datetime(s.year, s.month, s.day, tzinfo=UTC).timestamp()), *counts]
        for s, counts in sorted(by_week.items())
    ]


def week_ordinal(week: Week) -> int:
    """The day number (date.toordinal) of the UTC day a stored week starts on."""
    return _EPOCH_ORDINAL + week[0] // _SECONDS_PER_DAY


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_SECONDS_PER_DAY = 24 * 60 * 60


def weeks_daily(weeks: list[Week]) -> dict[date, int]:
    """Stored weeks as {day: stars} (days without stars left out). On every read of a chart
    (ten years are 3,650 days), so by day numbers: a date is made once per day with stars."""
    by_ordinal: dict[int, int] = {}
    for week in weeks:
        first = week_ordinal(week)
        for index, count in enumerate(week[1 : 1 + DAYS_PER_WEEK]):
            if count:
                by_ordinal[first + index] = by_ordinal.get(first + index, 0) + count
    return {date.fromordinal(ordinal): count for ordinal, count in by_ordinal.items()}
