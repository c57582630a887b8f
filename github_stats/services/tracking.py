"""The watchlist: a person tracks GitHub accounts, and the scheduler keeps those fresh.

Whose watchlist is always the signed-in person's: callers pass the session's (or the token's)
user, never one named in a request."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction

from github_stats import caching
from github_stats.exceptions import AccountHidden
from github_stats.models import GitHubAccount, Tracking

if TYPE_CHECKING:
    from accounts.models import User


def tracking_add(*, user: User, account: GitHubAccount) -> None:
    """Put an account on a person's watchlist (again is fine: one statement either way).
    Hidden accounts cannot be."""
    if account.hidden:
        raise AccountHidden()
    Tracking.objects.bulk_create([Tracking(user=user, account=account)], ignore_conflicts=True)
    _watchlist_changed(user)


def tracking_remove(*, user: User, account: GitHubAccount) -> bool:
    """Take an account off a person's watchlist; False when it was not on it."""
    deleted, _ = Tracking.objects.filter(user=user, account=account).delete()
    if deleted:
        _watchlist_changed(user)
    return deleted > 0


def _watchlist_changed(user: User) -> None:
    # After the commit: a page rendered before it cannot be served after it (caching.py).
    transaction.on_commit(partial(caching.watchlist_version_publish, user_id=user.pk))
