"""manage.py backfill_accounts --activity: with logins (refresh, then fill the contribution
calendar), alone (the upgrade path for users stored before activity), without a token, for an
organisation, budgets and GraphQL rate limits. Against the fake GitHub over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from github_stats.models import ContributionYear, GitHubAccount
from tests.github_stats.commands import backfill
from tests.github_stats.factories import TrackingFactory

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)
TOKEN = "ghp_fake_activity"


@pytest.fixture
def users(fake_github):
    state = fake_github.state
    # Three and a half years old: four or five contribution years (this one included).
    for login in ("alice", "bob"):
        state.add_user(login, repos=1, created_at=NOW - timedelta(days=int(3.5 * 365)))
    state.add_org("acme", repos=1)
    return state


def _graphql(state) -> int:
    return sum(1 for entry in state.log if entry.path == "/graphql")


def _years(login: str) -> set[int]:
    return set(ContributionYear.objects.filter(account__login=login).values_list("year", flat=True))


def _expected_years() -> set[int]:
    first = (NOW - timedelta(days=int(3.5 * 365))).year
    return set(range(first, NOW.year + 1))


def test_with_logins_it_refreshes_and_fills_the_calendar(users, settings):
    settings.GITHUB_TOKEN = TOKEN

    status, output = backfill("alice", "--activity")

    assert status == 0, output
    years = _years("alice")
    assert years <= _expected_years()
    assert NOW.year in years
    assert len(years) >= 3  # the fake's random quiet years may be left out by GitHub's list
    # a point a year and one for the list of years
    assert f"activity: {len(years)} years fetched ({len(years) + 1} GraphQL points)" in output
    assert _graphql(users) == len(years) + 1 + 1  # and the refresh's own languages query


def test_alone_it_fills_every_user_without_activity_most_tracked_first(users, refresh, settings):
    refresh("alice")  # refreshed without a token: no activity stored
    TrackingFactory(account=refresh("bob"))
    refresh("acme")
    settings.GITHUB_TOKEN = TOKEN
    users.reset_counters()

    status, output = backfill("--activity")

    assert status == 0, output
    lines = [line for line in output.splitlines() if line.startswith("[")]
    assert len(lines) == 2  # users only: the organisation has no calendar
    assert lines[0].startswith("[1/2] bob: activity: ")
    assert lines[1].startswith("[2/2] alice: activity: ")
    assert "years fetched" in lines[0]
    assert _years("alice")
    assert _years("bob")
    # Nothing left: a second run says so and asks GitHub nothing.
    users.reset_counters()
    status, output = backfill("--activity")
    assert status == 0
    assert "Every stored account has its activity." in output
    assert users.log == []


def test_without_a_token_each_account_says_skipped(users, refresh):
    refresh("alice")
    users.reset_counters()

    status, output = backfill("--activity")

    assert status == 0, output
    assert "[1/1] alice: activity: skipped (no GITHUB_TOKEN)" in output
    assert users.log == []
    status, output = backfill("bob", "--activity")
    assert status == 0, output
    assert "; activity: skipped (no GITHUB_TOKEN)" in output
    assert _graphql(users) == 0


def test_an_organisation_is_skipped(users, settings):
    settings.GITHUB_TOKEN = TOKEN

    status, output = backfill("acme", "--activity")

    assert status == 0, output
    assert "activity: skipped (an organisation has no contribution calendar)" in output
    assert not ContributionYear.objects.exists()


def test_the_budget_leaves_the_rest_for_later(users, refresh, settings):
    refresh("alice")
    settings.GITHUB_TOKEN = TOKEN

    status, output = backfill("--activity", "--activity-budget", "1")

    assert status == 0, output
    assert "activity: 1 year fetched (2 GraphQL points)" in output
    assert "left for later" in output
    assert _years("alice") == {NOW.year}


def test_a_graphql_rate_limit_stops_the_command(users, refresh, settings):
    refresh("alice")
    refresh("bob")
    settings.GITHUB_TOKEN = TOKEN
    users.set_quota(resource="graphql", remaining=2)  # the year list and one year

    status, output = backfill("--activity")

    assert status == 1
    assert "rate limited until" in output
    assert "stopping here" in output
    assert "not attempted 1" in output
    assert sum(len(_years(login)) for login in ("alice", "bob")) == 1


def test_a_bad_budget_is_refused(users):
    status, output = backfill("alice", "--activity", "--activity-budget", "0")

    assert status == 1
    assert "--activity-budget must be at least 1." in output
    assert users.log == []
    assert not GitHubAccount.objects.exists()
