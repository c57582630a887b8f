"""The one way a service changes what is shown of a GitHub account outside a refresh's own
upsert: the fields and a new cache version in one UPDATE, the version published after the
commit (github_stats/caching.py's rule)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction

from github_stats import caching
from github_stats.models import GitHubAccount, new_cache_version


def account_shown_update(*, account: GitHubAccount, **fields: Any) -> None:
    """Write `fields` and a new cache version to the account's row (and to `account`), and
    publish the version once the surrounding transaction commits."""
    fields["cache_version"] = new_cache_version()
    GitHubAccount.objects.filter(pk=account.pk).update(**fields)
    for name, value in fields.items():
        setattr(account, name, value)
    transaction.on_commit(
        partial(caching.account_version_publish, login=account.login, version=account.cache_version)
    )


def watchlists_changed(*, user_ids: Iterable[int]) -> None:
    """These people's watchlists show something else now: after the commit, a page rendered
    before it cannot be served after it."""
    ids = list(user_ids)
    if ids:
        transaction.on_commit(partial(caching.watchlist_version_publish, user_ids=ids))
