"""The UTC days a daily history should hold and does not: the days the scheduler could not
refresh an account (GitHub's quota ran out), which the charts would otherwise bridge as if
nothing were missing.

A day is missing when it lies between two days we hold, or, for an account on someone's
watchlist (the scheduler refreshes those every day), between its last snapshot and yesterday.
Today is never missing: its refresh may still come. Nothing before the first day read counts
(the account may simply be younger than the range), an account no one watches promises no day
after its last one, and past the window of daily snapshots the retention keeps one a week
(SNAPSHOT_DAILY_DAYS, services/retention.py): a day it thinned away is not missing either.

Computed from the rows a selector reads anyway, as they pass: no query of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings

_ONE_DAY = timedelta(days=1)


def snapshots_daily_from(*, today: date) -> date | None:
    """The oldest day the retention still keeps daily (None: it keeps every day): before it a
    week has one snapshot by design. Read with getattr: a settings module without the
    retention (an older deployment's) keeps every day."""
    days = getattr(settings, "SNAPSHOT_DAILY_DAYS", None)
    return None if days is None else today - timedelta(days=int(days))


class MissingDaysTally:
    """Fed the days of a history in order (a list, or a stream of years of rows), it keeps the
    days missing between them; `days()` adds the tail an account on a watchlist lacks up to
    yesterday. Memory: the missing days only."""

    def __init__(self, *, today: date, on_watchlist: bool, daily_from: date | None) -> None:
        self.today = today
        self.on_watchlist = on_watchlist
        self.daily_from = daily_from
        self._last: date | None = None
        self._missing: list[date] = []

    def add(self, day: date) -> None:
        last = self._last
        if last is None or day > last:
            if last is not None and day > last + _ONE_DAY:
                self._missing.extend(self._between(last, day))
            self._last = day

    def days(self) -> list[date]:
        """Every missing day, oldest first (a new list: the tally can still be fed)."""
        missing = list(self._missing)
        if self.on_watchlist and self._last is not None:
            missing.extend(self._between(self._last, self.today))
        return missing

    def _between(self, after: date, before: date) -> list[date]:
        """The days strictly between two days, but none the retention thinned away."""
        if self.daily_from is not None:
            after = max(after, self.daily_from - _ONE_DAY)
        return [after + timedelta(days=n) for n in range(1, (before - after).days)]


def missing_days_of(
    *, days: Iterable[date], today: date, on_watchlist: bool, daily_from: date | None
) -> list[date]:
    """The missing days of a history whose days (oldest first) are `days`."""
    tally = MissingDaysTally(today=today, on_watchlist=on_watchlist, daily_from=daily_from)
    for day in days:
        tally.add(day)
    return tally.days()
