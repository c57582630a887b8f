"""manage.py backfill_accounts --star-history: with logins (refresh and fill), alone (the upgrade
path for accounts stored before star history), budgets and rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from github_stats.models import AccountStarHistory, StarHistory
from tests.github_stats.commands import backfill
from tests.github_stats.factories import TrackingFactory

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)


@pytest.fixture
def two_accounts(fake_github):
    state = fake_github.state
    for login in ("alice", "bob"):
        state.add_user(login, repos=0)
        state.add_repo(login, "tool", stars=40, created_at=NOW - timedelta(days=400))
        state.add_repo(login, "quiet", stars=0, created_at=NOW - timedelta(days=400))
    return state


def test_with_logins_it_refreshes_and_fills_in_the_star_history(two_accounts):
    status, output = backfill("alice", "--star-history")

    assert status == 0, output
    # 400 days are 58 or 59 weeks: two pages of 30.
    assert "star history of 1 repositories fetched (2 requests, 2 counted)" in output
    history = StarHistory.objects.get(repository__owner__login="alice")
    assert history.complete
    assert history.attributed == 40
    assert AccountStarHistory.objects.get(account__login="alice").repositories_covered == 1


def test_alone_it_fills_every_stored_account_lacking_history_most_tracked_first(
    two_accounts, refresh
):
    refresh("alice")
    bob = refresh("bob")
    TrackingFactory(account=bob)

    status, output = backfill("--star-history")

    assert status == 0, output
    lines = [line for line in output.splitlines() if line.startswith("[")]
    assert lines[0].startswith("[1/2] bob: star history of 1 repositories fetched")
    assert lines[1].startswith("[2/2] alice:")
    assert StarHistory.objects.count() == 2
    # Nothing left: a second run says so and costs nothing.
    two_accounts.reset_counters()
    status, output = backfill("--star-history")
    assert status == 0
    assert "Every stored account has its star history." in output
    assert two_accounts.log == []


def test_the_budget_leaves_the_rest_for_later(two_accounts, refresh):
    refresh("alice")

    status, output = backfill("--star-history", "--star-history-budget", "1")

    assert status == 0, output
    assert (
        "star history of 1 repositories fetched (1 requests, 1 counted), 1 left for later" in output
    )
    assert StarHistory.objects.get().next_page == 2


def test_a_rate_limit_stops_the_fill_and_the_command(two_accounts, refresh):
    refresh("alice")
    refresh("bob")
    two_accounts.set_quota(remaining=1)

    status, output = backfill("--star-history")

    assert status == 1
    assert "rate limited until" in output
    assert "not attempted 1" in output


def test_a_bad_budget_is_refused(two_accounts):
    status, output = backfill("alice", "--star-history", "--star-history-budget", "0")

    assert status == 1
    assert "--star-history-budget must be at least 1." in output
    assert two_accounts.log == []
