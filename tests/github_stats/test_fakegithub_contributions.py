"""The fake GitHub's contributions: deterministic, realistic, and consistent between the
calendar, its totals and the public events."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from tests.fakegithub import FakeState
from tests.fakegithub.contributions import contribution_days, public_events, year_totals

TODAY = datetime.now(UTC).date()


def _history(seed: str, login: str) -> dict[date, int]:
    state = FakeState(seed=seed)
    return dict(contribution_days(state, state.add_user(login, repos=4)))


def test_the_history_repeats_for_a_seed_and_differs_between_accounts():
    assert _history("s", "alice") == _history("s", "alice")
    assert _history("s", "alice") != _history("s", "bob")
    assert _history("s", "alice") != _history("t", "alice")


def test_the_history_covers_the_life_and_is_weekday_heavy():
    state = FakeState()
    totals, weekdays, weekends = [], 0, 0
    for index in range(40):
        account = state.add_user(f"user{index}", repos=3)
        days = contribution_days(state, account)
        assert all(account.created_at.date() <= day <= TODAY for day in days)
        assert all(count > 0 for count in days.values())
        totals.append(sum(days.values()))
        weekdays += sum(n for d, n in days.items() if d.weekday() < 5)
        weekends += sum(n for d, n in days.items() if d.weekday() >= 5)
    assert weekdays / 5 > 1.5 * weekends / 2  # per day, weekdays clearly busier
    assert min(totals) < 200 < max(totals)  # some nearly inactive, some very active


def test_a_years_totals_add_up():
    state = FakeState()
    account = state.add_user("alice", repos=5, hostile=True)
    found = year_totals(state, account, date(TODAY.year - 1, 1, 1), date(TODAY.year - 1, 12, 31))
    assert sum(found["days"].values()) == sum(found["totals"].values())
    assert sum(n for _, n in found["by_repository"]) == found["totals"]["commits"]
    counts = [n for _, n in found["by_repository"]]
    assert counts == sorted(counts, reverse=True)


def test_events_match_the_recent_days():
    state = FakeState()
    account = state.add_user("alice", repos=3)
    state.set_contribution_days("alice", {TODAY - timedelta(days=i): 3 for i in range(0, 120, 2)})
    events = public_events(state, account)
    assert len(events) <= 300
    moments = [e["created_at"] for e in events]
    assert moments == sorted(moments, reverse=True)
    by_day = Counter()
    for event in events:
        if event["type"] != "WatchEvent":
            by_day[date.fromisoformat(event["created_at"][:10])] += event["payload"].get("size", 1)
    assert min(by_day) >= TODAY - timedelta(days=89)
    days = contribution_days(state, account)
    # Every contribution of the last 90 days shows, except private ones (none for most).
    assert all(by_day[day] <= days[day] for day in by_day)
    assert sum(by_day.values()) >= 0.5 * sum(
        n for d, n in days.items() if d >= TODAY - timedelta(days=89)
    )


def test_added_contributions_show_today():
    state = FakeState()
    account = state.add_user("alice", repos=1)
    state.set_contribution_days("alice", {})
    assert public_events(state, account) == []
    state.add_contributions("alice", 5)
    assert contribution_days(state, account) == {TODAY: 5}
    assert public_events(state, account)


def test_organisations_have_no_events():
    state = FakeState()
    assert public_events(state, state.add_org("acme", repos=2)) == []
