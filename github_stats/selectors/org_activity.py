"""An organisation's activity, from what we store of its repositories: GitHub has no
contribution calendar for organisations, and summing their members' is not what their users
want. Repositories pushed to in the last 7, 30 and 90 days (UTC days, today one of them, as a
cached page's other figures: by pushed_at's day), new repositories a month (created_at's day,
of the repositories that still exist) and stars gained a week (the
repositories' summed star history). Three queries: the repositories' dates and the summed
star history, which the dashboard's history reads from the same account row (none when it
has), and the public events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from django.utils import timezone
from pydantic import Field

from github_stats.models import AccountActivity, GitHubAccount, today_utc
from github_stats.selectors.recent_activity import RecentActivity, recent_activity_of
from github_stats.selectors.repository_dates import account_repository_dates
from github_stats.selectors.star_history import StarPoint, account_star_history

ACTIVE_WINDOWS = (7, 30, 90)
MONTHS_SHOWN = 24
WEEKS_SHOWN = 52


@dataclass(frozen=True)
class ActiveCount:
    days: int
    repositories: Annotated[
        int, Field(description="Pushed to on one of the last `days` UTC days, today included.")
    ]


@dataclass(frozen=True)
class MonthCount:
    month: Annotated[date, Field(description="The first day of the month.")]
    repositories: int


@dataclass(frozen=True)
class OrganisationActivity:
    active: Annotated[list[ActiveCount], Field(description="Repositories pushed to lately.")]
    new_repositories: Annotated[
        list[MonthCount], Field(description="Of the repositories that still exist, oldest first.")
    ]
    stars_gained: Annotated[
        list[StarPoint], Field(description="A point a week over the last year (summed history).")
    ]
    repositories: int
    recent: Annotated[
        RecentActivity | None,
        Field(
            description="The organisation's last 90 days of public events by day (fetched "
            "with a GITHUB_TOKEN on the server; null until then)."
        ),
    ] = None


def organisation_activity(
    *, account: GitHubAccount, now: datetime | None = None
) -> OrganisationActivity:
    now = now or timezone.now()
    rows = account_repository_dates(account=account)
    today = today_utc(now)
    pushed = [r.pushed_on for r in rows if r.pushed_on is not None]
    active = []
    for days in ACTIVE_WINDOWS:
        # The last `days` UTC days, today one of them.
        since = today - timedelta(days=days - 1)
        active.append(ActiveCount(days, sum(1 for day in pushed if day >= since)))
    first_month = _months_back(today.replace(day=1), MONTHS_SHOWN - 1)
    by_month: dict[date, int] = {}
    for row in rows:
        if row.created_on is not None and row.created_on >= first_month:
            month = row.created_on.replace(day=1)
            by_month[month] = by_month.get(month, 0) + 1
    months = [_months_back(today.replace(day=1), back) for back in range(MONTHS_SHOWN - 1, -1, -1)]
    stars = account_star_history(
        account=account, interval="week", start=today - timedelta(weeks=WEEKS_SHOWN), now=now
    )
    recent = AccountActivity.objects.filter(pk=account.pk).values_list("recent", flat=True)
    return OrganisationActivity(
        active=active,
        new_repositories=[MonthCount(month, by_month.get(month, 0)) for month in months],
        stars_gained=stars.series.points,
        repositories=len(rows),
        recent=recent_activity_of(recent=recent.first(), today=today),
    )


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)
