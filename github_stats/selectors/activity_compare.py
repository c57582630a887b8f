"""Activity figures of several accounts at once, for the compare page and GET /api/v1/compare:
contributions this year and last year, over the whole life, and the current and longest streak,
from the stored contribution years (selectors/activity.py computes them the same way for one
account's dashboard). One query whatever the number of accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from github_stats.models import AccountKind, ContributionYear, GitHubAccount, today_utc, year_days
from github_stats.selectors.activity import streaks_compute

Missing = Literal["", "organisation", "not_stored"]
MISSING_REASONS: dict[str, str] = {
    "organisation": "GitHub keeps no contribution calendar for organisations.",
    "not_stored": "No contributions stored yet: the calendar is fetched after a refresh, "
    "with a GITHUB_TOKEN on the server.",
}


@dataclass(frozen=True)
class ActivityFigures:
    """None figures when `missing` says why there are none."""

    missing: Annotated[
        Missing,
        Field(description='Why there are no figures: "organisation", "not_stored"; "" if any.'),
    ]
    this_year: int | None = None
    last_year: int | None = None
    all_time: int | None = None
    current_streak: Annotated[int | None, Field(description="Days, up to today.")] = None
    longest_streak: int | None = None

    @property
    def reason(self) -> str:
        """In words, for the page's title on a "—"."""
        return MISSING_REASONS.get(self.missing, "")


def accounts_activity_figures(
    *, accounts: Sequence[GitHubAccount], now: datetime | None = None
) -> dict[int, ActivityFigures]:
    """Each account's figures by its id. One query (every stored year of the users among them;
    none when there are only organisations)."""
    today = today_utc(now)
    users = [a.pk for a in accounts if a.kind != AccountKind.ORG]
    years: dict[int, list[ContributionYear]] = {pk: [] for pk in users}
    if users:
        rows = ContributionYear.objects.filter(account_id__in=users).only(
            "account_id", "year", "days", "total"
        )
        for row in rows:
            years[row.account_id].append(row)
    figures: dict[int, ActivityFigures] = {}
    for account in accounts:
        if account.kind == AccountKind.ORG:
            figures[account.pk] = ActivityFigures(missing="organisation")
            continue
        stored = years[account.pk]
        if not stored:
            figures[account.pk] = ActivityFigures(missing="not_stored")
            continue
        figures[account.pk] = _figures(stored, today=today)
    return figures


def _figures(rows: list[ContributionYear], *, today: date) -> ActivityFigures:
    totals = {row.year: row.total for row in rows}
    days: dict[date, int] = {}
    for row in rows:
        days.update(year_days(row.year, row.days))
    streaks = streaks_compute(days, today=today)
    return ActivityFigures(
        missing="",
        this_year=totals.get(today.year, 0),
        last_year=totals.get(today.year - 1, 0),
        all_time=sum(totals.values()),
        current_streak=streaks.current,
        longest_streak=streaks.longest,
    )
