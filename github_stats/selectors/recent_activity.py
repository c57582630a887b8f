"""Without a token: the last 90 days of a user's public events (services/recent_activity.py),
as the dashboard's activity panel and the activity API show them. Pure: reads what the panel
has already read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

RECENT_DAYS = 90
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class RecentDay:
    date: date
    events: int
    commits: int


@dataclass(frozen=True)
class RecentActivity:
    """Labelled everywhere "last 90 days, public events": GitHub serves no more without a
    token (300 events at most), so it is no contribution calendar."""

    first_day: date
    last_day: date
    days: list[RecentDay]  # every day of the span, oldest first, zeros included
    events: int
    commits: int
    active_days: int
    busiest_weekday: str | None

    def weekly(self) -> list[tuple[str, int]]:
        """Events a week, oldest first, labelled by the week's first day."""
        weeks: list[tuple[str, int]] = []
        for start in range(0, len(self.days), 7):
            chunk = self.days[start : start + 7]
            weeks.append((f"{chunk[0].date:%b %-d}", sum(day.events for day in chunk)))
        return weeks


def recent_activity_of(*, recent: Any, today: date) -> RecentActivity | None:
    """None when nothing is stored (or only junk)."""
    if not isinstance(recent, dict) or not recent:
        return None
    counts: dict[date, tuple[int, int]] = {}
    for raw, value in recent.items():
        try:
            day = date.fromisoformat(str(raw))
            events, commits = int(value[0]), int(value[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        counts[day] = (max(events, 0), max(commits, 0))
    if not counts:
        return None
    first = today - timedelta(days=RECENT_DAYS - 1)
    span = [first + timedelta(days=i) for i in range(RECENT_DAYS)]
    days = [RecentDay(d, *counts.get(d, (0, 0))) for d in span]
    by_weekday = [0] * 7
    for shown in days:
        by_weekday[shown.date.weekday()] += shown.events
    busiest = max(range(7), key=lambda i: by_weekday[i]) if any(by_weekday) else None
    return RecentActivity(
        first_day=first,
        last_day=today,
        days=days,
        events=sum(shown.events for shown in days),
        commits=sum(shown.commits for shown in days),
        active_days=sum(1 for shown in days if shown.events),
        busiest_weekday=WEEKDAYS[busiest] if busiest is not None else None,
    )
