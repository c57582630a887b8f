"""The dashboard's activity panel: for a user, one year's contribution calendar with the totals,
streaks and busiest weekday over the whole life (selectors/activity.py); for an organisation,
what we store of its repositories (selectors/org_activity.py). The same for every person: it is
part of the dashboard's shared body.

A year outside what is stored (before the first contribution year, in the future, or not a
number) shows the nearest stored year, so an old or mistyped link still opens the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from github_stats.models import AccountActivity, AccountKind, ContributionYear, GitHubAccount
from github_stats.selectors.activity import (
    PENDING_FOR,
    ActivityCalendar,
    ActivitySummary,
    calendar_of,
    summary_of,
)
from github_stats.selectors.org_activity import OrganisationActivity, organisation_activity
from github_stats.selectors.recent_activity import RecentActivity

BY_REPOSITORY_SHOWN = 10


def activity_year_parse(raw: str | None) -> int | None:
    """`?year=`: a year, or None (the newest stored year) for anything that is not one."""
    if raw is None:
        return None
    try:
        year = int(raw.strip())
    except ValueError:
        return None
    return year if 1 <= year <= 9999 else None


def nearest_year(*, stored: list[int], asked: int | None) -> int | None:
    """The stored year nearest to `asked` (the later of a tie); None asked: the newest."""
    if not stored:
        return None
    if asked is None:
        return max(stored)
    return min(stored, key=lambda year: (abs(year - asked), -year))


@dataclass(frozen=True)
class ActivityPanel:
    is_org: bool
    summary: ActivitySummary | None  # users
    calendar: ActivityCalendar | None  # users: the year shown, when one is stored
    years: list[int]  # stored contribution years, newest first (the year selector)
    year: int | None  # the year shown
    pending: bool  # the first fill is on its way: the panel polls itself
    needs_token: bool  # nothing stored, and this server has no GITHUB_TOKEN to fetch it with
    organisation: OrganisationActivity | None  # organisations
    # Without a token: the last 90 days of public events, when some are stored.
    recent: RecentActivity | None = None

    @property
    def polls(self) -> bool:
        """Only the first fill is waited for: a later one would swap the panel under a person
        reading it (or tabbing through its days) for a day's change."""
        return self.pending and not self.years

    @property
    def by_repository(self) -> list[tuple[str, int]]:
        return self.calendar.by_repository[:BY_REPOSITORY_SHOWN] if self.calendar else []


def account_activity_panel(
    *, account: GitHubAccount, year: int | None, now: datetime | None = None
) -> ActivityPanel:
    """A user: 2 queries (the stored years, the activity bookkeeping). An organisation: 3 (its
    repositories' dates and its summed star history, which the dashboard's history shares
    when it reads the same account row, and its public events)."""
    now = now or timezone.now()
    if account.kind == AccountKind.ORG:
        return ActivityPanel(
            is_org=True,
            summary=None,
            calendar=None,
            years=[],
            year=None,
            pending=False,
            needs_token=False,
            organisation=organisation_activity(account=account, now=now),
        )
    # The years once (the summary needs them all), so the year shown costs no query of its own.
    rows = list(ContributionYear.objects.filter(account=account).order_by("-year"))
    state = AccountActivity.objects.filter(pk=account.pk).first()
    summary = summary_of(rows=rows, state=state, now=now)
    stored = [row.year for row in rows]
    shown = nearest_year(stored=stored, asked=year)
    calendar = next((calendar_of(row=row, now=now) for row in rows if row.year == shown), None)
    has_token = bool(settings.GITHUB_TOKEN)
    return ActivityPanel(
        is_org=False,
        summary=summary,
        calendar=calendar,
        years=stored,
        year=shown,
        pending=_pending(account, summary, has_token=has_token, now=now),
        needs_token=not stored and not has_token,
        organisation=None,
        recent=summary.recent,
    )


def _pending(
    account: GitHubAccount, summary: ActivitySummary, *, has_token: bool, now: datetime
) -> bool:
    """A fill is queued or running; or nothing is stored yet, and the account was refreshed so
    recently (with a token to fetch with) that the fill its refresh queues is surely coming.
    Past PENDING_FOR nothing is: the panel stops asking."""
    if summary.pending:
        return True
    if summary.years or not has_token or not settings.ACTIVITY_FETCH:
        return False
    fetched_at = account.fetched_at
    return fetched_at is not None and fetched_at > now - PENDING_FOR
