"""Streaks, shades and totals of the activity selectors against hand-made calendars: gaps, leap
years, a streak across a year boundary, a today without contributions yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from github_stats.models import AccountActivity, ContributionYear, year_pairs
from github_stats.selectors.activity import (
    account_activity_calendar,
    account_activity_summary,
    busiest_weekday,
    levels,
    streaks_compute,
)
from tests.github_stats.factories import GitHubAccountFactory


def _run(start: date, length: int, count: int = 1) -> dict[date, int]:
    return {start + timedelta(days=i): count for i in range(length)}


def test_no_contributions_no_streaks():
    streaks = streaks_compute({}, today=date(2026, 12, 2))
    assert (streaks.current, streaks.longest) == (0, 0)
    assert streaks.current_start is None
    assert streaks.longest_start is None


def test_a_today_without_contributions_yet_does_not_break_the_current_streak():
    today = date(2026, 12, 2)
    days = _run(today - timedelta(days=5), 5)  # up to yesterday

    streaks = streaks_compute(days, today=today)

    assert streaks.current == 5
    assert streaks.current_start == today - timedelta(days=5)


def test_a_day_missed_before_yesterday_ends_the_current_streak():
    today = date(2026, 12, 2)
    days = _run(today - timedelta(days=10), 5)

    assert streaks_compute(days, today=today).current == 0
    assert streaks_compute(days, today=today).longest == 5


def test_the_longest_streak_crosses_a_year_and_a_leap_day():
    days = _run(date(2023, 12, 20), 75)  # through 2024-02-29 into March
    days.update(_run(date(2024, 6, 1), 10))
    days[date(2024, 2, 29)] = 3

    streaks = streaks_compute(days, today=date(2026, 12, 2))

    assert streaks.longest == 75
    assert (streaks.longest_start, streaks.longest_end) == (date(2023, 12, 20), date(2024, 3, 3))


def test_future_days_and_zero_days_do_not_count():
    today = date(2026, 12, 2)
    days = {today: 2, today + timedelta(days=1): 5, today - timedelta(days=1): 0}

    streaks = streaks_compute(days, today=today)

    assert (streaks.current, streaks.longest) == (1, 1)


def test_levels_are_quartiles_of_the_active_days():
    assert levels([0, 0, 0]) == [0, 0, 0]
    shades = levels([0, 1, 2, 3, 4, 5, 6, 7, 8, 20])
    assert shades[0] == 0
    assert shades[-1] == 4
    assert set(shades[1:]) <= {1, 2, 3, 4}
    assert shades == sorted(shades)


def test_the_busiest_weekday():
    days = {date(2026, 11, 30): 3, date(2026, 12, 1): 9, date(2026, 12, 8): 1}  # Mon, Tue, Tue
    assert busiest_weekday(days) == "Tuesday"
    assert busiest_weekday({}) is None


@pytest.mark.django_db
def test_the_summary_adds_up_the_years_and_finds_the_streaks():
    account = GitHubAccountFactory(login="coder")
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    for year, days, commits in (
        (2025, _run(date(2025, 12, 25), 7, 2), 10),
        (2026, _run(date(2026, 1, 1), 3, 1) | _run(date(2026, 11, 28), 4, 5), 20),
    ):
        ContributionYear.objects.create(
            account=account,
            year=year,
            days=year_pairs(days),
            total=sum(days.values()),
            commits=commits,
            pull_requests=2,
            restricted=1,
            fetched_at=now,
        )
    AccountActivity.objects.create(account=account, calendar_fetched_at=now)

    summary = account_activity_summary(account=account, now=now)

    assert [y.year for y in summary.years] == [2026, 2025]
    assert summary.all_time.total == 14 + 3 + 20
    assert summary.all_time.commits == 30
    assert summary.all_time.restricted == 2
    assert summary.streaks.longest == 10  # Dec 25, 2025 to Jan 3, 2026
    assert summary.streaks.current == 4  # Nov 28 to Dec 1; today has none yet
    assert summary.first_year == 2025
    assert summary.source == "calendar"


@pytest.mark.django_db
def test_a_calendar_is_every_day_up_to_today_and_none_outside_the_stored_years():
    account = GitHubAccountFactory(login="coder")
    now = datetime(2026, 3, 10, tzinfo=UTC)
    ContributionYear.objects.create(
        account=account,
        year=2026,
        days=year_pairs({date(2026, 3, 1): 4}),
        total=4,
        by_repository=[["coder/<script>", 4]],
        fetched_at=now,
    )

    calendar = account_activity_calendar(account=account, year=2026, now=now)

    assert calendar is not None
    assert len(calendar.days) == 69  # January 1st to March 10th
    assert [d.count for d in calendar.days if d.count] == [4]
    assert calendar.by_repository == [("coder/<script>", 4)]
    assert account_activity_calendar(account=account, year=2019, now=now) is None
