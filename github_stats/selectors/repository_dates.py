"""Every stored repository's creation and push dates and its stars, oldest first: what the
dashboard's history (repositories over time, how many are starred) and an organisation's
activity panel (pushed to lately, new a month) count.

An organisation's dashboard reads both in one request, from the one account row it looked up
(views/dashboard.py), so the rows are kept on that row, as Django keeps a row's related rows
on it, and read once. They are as fresh as the row: a refresh gives the account a new version,
and a row read (or refreshed from the database) after one reads them again.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import NamedTuple

from django.db.models import DateField
from django.db.models.functions import Cast, TruncDate

from github_stats.models import GitHubAccount, Repository

# Where the rows are kept on the account row, beside the version they were read at.
_KEPT = "_repository_dates"


class RepositoryDates(NamedTuple):
    """The UTC days of a repository's creation and last push: all that is counted of them,
    by day as every figure of a cached page is. Read as dates, which psycopg loads in C:
    Django's loader of time zone-aware datetimes is Python. bench-org's 500 rows, PostgreSQL,
    medians of 30 alternating reads: one column of pushed_at, 2.9 ms as datetimes against
    0.6 as dates (raw SQL); these three columns through the ORM, 8.3 ms against 1.8."""

    created_on: date | None
    pushed_on: date | None
    stars: int


def account_repository_dates(*, account: GitHubAccount) -> list[RepositoryDates]:
    """Oldest first (those GitHub gave no creation date last). One query, the first time for
    this row and version: three short columns of every repository (~2,500 rows for the
    largest accounts)."""
    kept = vars(account).get(_KEPT)
    if kept is not None and kept[0] == account.cache_version:
        return list(kept[1])
    rows = [
        RepositoryDates._make(row)
        for row in Repository.objects.filter(owner=account)
        .order_by("created_at")
        .values_list(_utc_day("created_at"), _utc_day("pushed_at"), "stars")
    ]
    vars(account)[_KEPT] = (account.cache_version, rows)
    return list(rows)


def _utc_day(column: str) -> Cast:
    # TruncDate alone runs a Python converter on every value (to turn a datetime into a date,
    # which PostgreSQL never sends here): the cast around it leaves the date as psycopg loads
    # it. 2.5 ms against 1.8 for the two columns of 500 rows.
    return Cast(TruncDate(column, tzinfo=UTC), DateField())
