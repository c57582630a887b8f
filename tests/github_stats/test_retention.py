"""The retention rule: daily snapshots for SNAPSHOT_DAILY_DAYS, one a week before that."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from github_stats.models import AccountSnapshot
from github_stats.services.retention import snapshots_thin
from tests.github_stats.factories import GitHubAccountFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)


def _daily(account, days: int) -> None:
    today = NOW.date()
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(account=account, date=today - dt.timedelta(days=n), followers=n)
        for n in range(days)
    )


def test_old_snapshots_are_thinned_to_the_first_of_each_week_and_recent_ones_kept():
    account, other = GitHubAccountFactory(), GitHubAccountFactory()
    _daily(account, 3 * 365)
    _daily(other, 10)

    deleted = snapshots_thin(now=NOW, keep_daily_days=730)

    cutoff = NOW.date() - dt.timedelta(days=730)
    recent = AccountSnapshot.objects.filter(account=account, date__gte=cutoff)
    assert recent.count() == 731  # every day of the window, today and the cutoff day included
    old = list(
        AccountSnapshot.objects.filter(account=account, date__lt=cutoff).values_list(
            "date", flat=True
        )
    )
    weeks = [day.isocalendar()[:2] for day in old]
    assert len(weeks) == len(set(weeks))  # one a week
    assert 50 <= len(old) <= 54  # a year of weeks
    # The week's first stored day: a Monday, except the very first week stored.
    assert all(day.weekday() == 0 for day in sorted(old)[1:])
    assert deleted == 3 * 365 - 731 - len(old)
    assert AccountSnapshot.objects.filter(account=other).count() == 10

    assert snapshots_thin(now=NOW, keep_daily_days=730) == 0  # idempotent


def test_the_command_thins_and_refuses_a_window_under_a_day():
    _daily(GitHubAccountFactory(), 40)
    out = StringIO()
    call_command("thin_snapshots", "--keep-daily-days", "14", stdout=out)
    assert "Deleted" in out.getvalue()
    assert AccountSnapshot.objects.count() < 40

    with pytest.raises(SystemExit) as exit_info:
        call_command("thin_snapshots", "--keep-daily-days", "0", stderr=StringIO())
    assert exit_info.value.code == 2
