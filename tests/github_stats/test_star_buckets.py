"""The star series' buckets come straight from the stored weeks (selectors/star_history.py):
for any weeks, interval and window they must equal the plain reading, day by day, of the same
weeks (models.weeks_daily), which is how they were worked out before."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from github_stats.models import weeks_daily, weeks_pack
from github_stats.selectors.star_history import INTERVALS, StarPoint, _buckets, _first_star

TODAY = date(2026, 12, 3)


def _day_by_day(days: dict[date, int], *, interval: str, first: date, last: date) -> list:
    """The oracle: every day dated, each put in its bucket."""
    bucket_of = {
        "day": lambda d: d,
        "week": lambda d: d - timedelta(days=(d.weekday() + 1) % 7),
        "month": lambda d: d.replace(day=1),
    }[interval]
    if last < first:
        return []
    start = bucket_of(first)
    points, total, bucket = [], sum(c for d, c in days.items() if d < start), start
    while bucket <= last:
        following = [d for d in (bucket + timedelta(days=n) for n in range(1, 32))]
        end = next(d for d in following if bucket_of(d) != bucket)
        gained = sum(c for d, c in days.items() if bucket <= d < end and d <= last)
        total += gained
        points.append(StarPoint(date=bucket, gained=gained, total=total))
        bucket = end
    return points


def _random_days(seed: int) -> dict[date, int]:
    rng = random.Random(seed)
    span = rng.choice((3, 40, 400, 3650))
    return {
        TODAY - timedelta(days=rng.randrange(span)): rng.randint(1, 50)
        for _ in range(rng.randint(1, 300))
    }


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("interval", INTERVALS)
def test_buckets_from_weeks_equal_the_day_by_day_reading(seed, interval):
    rng = random.Random(seed)
    days = _random_days(seed)
    weeks = weeks_pack(days)
    rng.shuffle(weeks)  # stored weeks are read in any order
    first_star = min(days)
    assert _first_star(weeks) == first_star
    assert weeks_daily(weeks) == days
    first = max(first_star, TODAY - timedelta(days=rng.choice((7, 30, 90, 365, 5000))))
    last = rng.choice((TODAY, TODAY - timedelta(days=rng.randrange(0, 20))))
    assert _buckets(weeks, interval=interval, first=first, last=last) == _day_by_day(
        days, interval=interval, first=first, last=last
    )


def test_a_week_not_starting_on_sunday_is_read_day_by_day():
    """Weeks we store start on Sunday; one that does not (written by an older release, or by
    hand) still puts each day in its own weekly bucket."""
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    weeks = [[int(monday.timestamp()), 1, 0, 0, 0, 0, 0, 5]]  # Monday 1, the next Sunday 5
    points = _buckets(weeks, interval="week", first=date(2026, 11, 22), last=TODAY)
    assert [(p.date, p.gained, p.total) for p in points] == [
        (date(2026, 11, 22), 1, 1),
        (date(2026, 11, 29), 5, 6),
    ]


def test_no_stars_no_first_star():
    assert _first_star([]) is None
    assert (
        _first_star([[int(datetime(2026, 11, 29, tzinfo=UTC).timestamp()), 0, 0, 0, 0, 0, 0, 0]])
        is None
    )
