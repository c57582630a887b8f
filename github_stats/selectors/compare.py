"""Several accounts side by side: the compare page and GET /api/v1/compare."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from github_stats.models import GitHubAccount
from github_stats.selectors.dashboard import (
    DEFAULT_HISTORY_DAYS,
    FIGURE_DAYS,
    HISTORY_RANGES,
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


def accounts_comparison(
    *, logins: Sequence[str], days: int = DEFAULT_HISTORY_DAYS, now: datetime | None = None
) -> Comparison:
    """Figures, languages and `days` of history of each account. 2 queries whatever their
    number (the accounts, every snapshot), none for no logins."""
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
    return Comparison(accounts=compared, unknown=unknown, hidden=hidden, days=days)
