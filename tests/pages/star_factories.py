"""Star histories for page tests, stored as the fill stores them (models/star_history.py):
weeks `[week_start_unix, d0..d6]`, oldest first, only weeks with stars."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from github_stats.models import AccountStarHistory, Repository, StarHistory, today_utc, weeks_pack


def star_history_store(
    repository: Repository,
    days: dict[date, int],
    *,
    stars: int | None = None,
    complete: bool = True,
    truncated: bool = False,
    pending_since: datetime | None = None,
) -> StarHistory:
    """The repository's history with these daily counts; its star count `stars` (default: the
    sum, so nothing is unattributed)."""
    weeks = weeks_pack(days)
    attributed = sum(days.values())
    stars = attributed if stars is None else stars
    Repository.objects.filter(pk=repository.pk).update(stars=stars)
    repository.stars = stars
    history = StarHistory.objects.create(
        repository=repository,
        weeks=weeks,
        attributed=attributed,
        stars_at_fetch=stars,
        complete=complete,
        truncated=truncated,
        fetched_at=timezone.now(),
    )
    if pending_since is not None:
        AccountStarHistory.objects.update_or_create(
            account_id=repository.owner_id, defaults={"pending_since": pending_since}
        )
    return history


def daily_stars(*, years: float = 10, per_day: int = 3, spikes: dict[int, int] | None = None):
    """A star every day (`per_day`, more on Mondays) for `years` up to today, and `spikes`
    ({days ago: stars}) on top."""
    today = today_utc()
    count = int(years * 365)
    days = {
        today - timedelta(days=ago): per_day
        + (2 if (today - timedelta(days=ago)).weekday() == 0 else 0)
        for ago in range(count)
    }
    for ago, extra in (spikes or {}).items():
        day = today - timedelta(days=ago)
        days[day] = days.get(day, 0) + extra
    return days
