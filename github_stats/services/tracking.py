"""The watchlist: a person tracks GitHub accounts, and the scheduler keeps those fresh.

Whose watchlist is always the signed-in person's: callers pass the session's (or the token's)
user, never one named in a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from github_stats.exceptions import AccountHidden
from github_stats.models import GitHubAccount, Tracking
from github_stats.services.shown import watchlists_changed

if TYPE_CHECKING:
    from accounts.models import User


def tracking_add(*, user: User, account: GitHubAccount) -> None:
    """Put an account on a person's watchlist (again is fine: one statement either way).
    Hidden accounts cannot be."""
    if account.hidden:
        raise AccountHidden()
    Tracking.objects.bulk_create([Tracking(user=user, account=account)], ignore_conflicts=True)
    watchlists_changed(user_ids=[user.pk])


def tracking_remove(*, user: User, account: GitHubAccount) -> bool:
    """Take an account off a person's watchlist; False when it was not on it."""
    deleted, _ = Tracking.objects.filter(user=user, account=account).delete()
    if deleted:
        watchlists_changed(user_ids=[user.pk])
    return deleted > 0
