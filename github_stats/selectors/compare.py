"""Several accounts side by side: the compare page and GET /api/v1/compare."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from github_stats.models import GitHubAccount
from github_stats.selectors.activity_compare import ActivityFigures, accounts_activity_figures
from github_stats.selectors.dashboard import (
    DEFAULT_HISTORY_DAYS,
    FIGURE_DAYS,
    HISTORY_RANGES,
    METRIC_LABELS,
    Dashboard,
    accounts_history,
    dashboard_of,
)


@dataclass(frozen=True)
class Comparison:
    """The stored, visible accounts in the order asked (repeats dropped), and the logins asked
    for that we do not store yet (`unknown`: a refresh may find them) or that moderation hid."""

    accounts: list[Dashboard]
    unknown: list[str]
    hidden: list[str]
    days: int
    # Each compared account's activity, by its login in lower case (selectors/activity_compare).
    activity: dict[str, ActivityFigures] = field(default_factory=dict)

    def activity_of(self, login: str) -> ActivityFigures:
        return self.activity.get(login.lower()) or ActivityFigures(missing="not_stored")


def accounts_comparison(
    *, logins: Sequence[str], days: int = DEFAULT_HISTORY_DAYS, now: datetime | None = None
) -> Comparison:
    """Figures, languages, `days` of history and activity of each account. 3 queries whatever
    their number (the accounts, every snapshot, every user's contribution years; 2 when they
    are all organisations), none for no logins."""
    now = now or timezone.now()
    days = days if days in HISTORY_RANGES else DEFAULT_HISTORY_DAYS
    wanted = list(dict.fromkeys(login.lower() for login in logins))
    # Hidden ones too, to say "not available" rather than queue a refresh.
    stored = (
        {
            account.login.lower(): account
            for account in GitHubAccount.objects.for_display().by_logins(wanted)
        }
        if wanted
        else {}
    )
    hidden = [login for login in wanted if login in stored and stored[login].hidden]
    unknown = [login for login in wanted if login not in stored]
    shown = [stored[login] for login in wanted if login in stored and not stored[login].hidden]
    histories = (
        accounts_history(account_ids=[a.pk for a in shown], days=max(days, FIGURE_DAYS), now=now)
        if shown
        else {}
    )
    compared = [
        dashboard_of(account=account, history=histories[account.pk], days=days, now=now)
        for account in shown
    ]
    activity = accounts_activity_figures(accounts=shown, now=now)
    return Comparison(
        accounts=compared,
        unknown=unknown,
        hidden=hidden,
        days=days,
        activity={a.login.lower(): activity[a.pk] for a in shown},
    )


# Activity figures in the export, by the names of ActivityFigures' fields.
ACTIVITY_COLUMNS = (
    "contributions_this_year",
    "contributions_last_year",
    "contributions_all_time",
    "current_streak",
    "longest_streak",
)
_ACTIVITY_FIELDS = ("this_year", "last_year", "all_time", "current_streak", "longest_streak")

# One row per account compared: who, then each figure with its changes, then how fresh.
COMPARISON_COLUMNS: tuple[str, ...] = (
    "login",
    "name",
    "kind",
    *(
        f"{metric}{suffix}"
        for metric in METRIC_LABELS
        for suffix in ("", "_change_7d", "_change_30d")
    ),
    *ACTIVITY_COLUMNS,
    "fetched_at",
    "stale",
)


def comparison_rows(*, comparison: Comparison) -> Iterator[dict[str, object]]:
    """The comparison's figures table as rows (its export), in the order asked: the same
    Figure objects the page and the API show. No query."""
    for account in comparison.accounts:
        profile = account.profile
        row: dict[str, object] = {"login": profile.login, "name": profile.name}
        row["kind"] = profile.kind
        for figure in account.figures:
            row[figure.key] = figure.value
            row[f"{figure.key}_change_7d"] = figure.change_7d
            row[f"{figure.key}_change_30d"] = figure.change_30d
        activity = comparison.activity_of(profile.login)
        for column, name in zip(ACTIVITY_COLUMNS, _ACTIVITY_FIELDS, strict=True):
            row[column] = getattr(activity, name)  # None (an empty cell): none stored
        row["fetched_at"], row["stale"] = profile.fetched_at, profile.is_stale
        yield row
