"""The activity fill (services/activity.py) against the fake GitHub over HTTP: the whole life
once (about a point a contribution year), then only the current year, and nothing at all while
the public events answer 304 and the calendar is younger than a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from github_stats.github.client import GitHubClient
from github_stats.models import AccountActivity, ContributionYear, GitHubAccount, year_days
from github_stats.services.activity import activity_fill
from tests.fakegithub.contributions import public_events, set_contribution_days
from tests.github_stats.conftest import TOKEN

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)


@pytest.fixture
def coder(fake_github, refresh):
    fake_github.state.add_user("coder", repos=3, created_at=NOW - timedelta(days=5 * 365))
    return refresh("coder")


@pytest.fixture
def client(fake_github, settings) -> GitHubClient:
    settings.GITHUB_TOKEN = TOKEN
    return GitHubClient(base_url=fake_github.url, token=TOKEN)


def _graphql(fake_github) -> list:
    return [r for r in fake_github.state.log if r.path == "/graphql"]


def test_the_first_fill_stores_every_contribution_year_once(coder, fake_github, client):
    fake_github.state.reset_counters()

    result = activity_fill(account_id=coder.pk, client=client)

    state = AccountActivity.objects.get(account=coder)
    years = sorted(ContributionYear.objects.filter(account=coder).values_list("year", flat=True))
    assert years == sorted(state.years)
    assert len(years) >= 5
    # The years GitHub lists (one query), then one query a year.
    assert len(_graphql(fake_github)) == 1 + len(years)
    assert result.graphql_points == 1 + len(years)
    assert state.calendar_fetched_at is not None
    assert state.pending_since is None
    # What is stored is what the fake's calendar says, day by day.
    fake = fake_github.state.account("coder")
    expected = {
        d: n for d, n in (fake.contribution_days or {}).items() if n and d.year == years[-1]
    }
    row = ContributionYear.objects.get(account=coder, year=years[-1])
    assert year_days(row.year, row.days) == expected
    assert row.total == sum(expected.values())


def test_a_second_fill_with_nothing_new_asks_no_graphql(coder, fake_github, client):
    activity_fill(account_id=coder.pk, client=client)
    fake_github.state.reset_counters()

    result = activity_fill(account_id=coder.pk, client=client)

    assert result.events_not_modified
    assert _graphql(fake_github) == []
    [events] = fake_github.state.log
    assert events.status == 304
    assert not events.counted


def test_new_activity_costs_only_the_current_year(coder, fake_github, client):
    activity_fill(account_id=coder.pk, client=client)
    fake_github.state.add_contributions("coder", 4)
    fake_github.state.reset_counters()

    result = activity_fill(account_id=coder.pk, client=client)

    assert result.years_fetched == [NOW.year]
    assert len(_graphql(fake_github)) == 1
    row = ContributionYear.objects.get(account=coder, year=NOW.year)
    assert year_days(row.year, row.days).get(NOW.date(), 0) >= 4


def test_a_day_old_calendar_is_asked_again_for_private_contributions(coder, fake_github, client):
    activity_fill(account_id=coder.pk, client=client)
    fake_github.state.reset_counters()

    result = activity_fill(
        account_id=coder.pk, client=client, now=timezone.now() + timedelta(days=1, minutes=1)
    )

    assert result.years_fetched == [NOW.year]


def test_the_budget_leaves_the_oldest_years_for_later(coder, fake_github, client):
    first = activity_fill(account_id=coder.pk, client=client, budget=2)

    assert first.years_fetched[0] == NOW.year
    assert len(first.years_fetched) == 2
    assert first.left_for_later > 0
    # The events now answer 304, but years are missing: those are fetched, not skipped.
    second = activity_fill(
        account_id=coder.pk, client=client, now=timezone.now() + timedelta(days=2)
    )
    assert second.left_for_later == 0


def test_an_organisation_gets_no_calendar_but_its_public_events(fake_github, refresh, client):
    fake_github.state.add_org("acme-org", repos=2)
    today = datetime.now(UTC).date()
    # Its members' pushes: the fake's state has no helper for an organisation's days.
    set_contribution_days(
        fake_github.state.account("acme-org"),
        {today - timedelta(days=3): 4, today - timedelta(days=40): 2},
    )
    org = refresh("acme-org")
    fake_github.state.reset_counters()

    result = activity_fill(account_id=org.pk, client=client)

    assert result.ran
    assert result.graphql_points == 0  # no calendar: GraphQL is never asked
    assert [r.path for r in fake_github.state.log] == ["/orgs/acme-org/events"]
    recent = AccountActivity.objects.get(account=org).recent
    fake_events = public_events(fake_github.state, fake_github.state.account("acme-org"))
    assert len(fake_events) >= 2  # pushes on both days
    assert sum(counts[0] for counts in recent.values()) == len(fake_events)


def test_without_a_token_nothing_is_fetched(coder, fake_github):
    client = GitHubClient(base_url=fake_github.url, token="")
    fake_github.state.reset_counters()

    result = activity_fill(account_id=coder.pk, client=client)

    assert not result.ran
    assert fake_github.state.log == []


def test_a_graphql_failure_keeps_the_rest_and_backs_off(coder, fake_github, client):
    fake_github.state.inject("/graphql", "status", status=502, count=None)

    result = activity_fill(account_id=coder.pk, client=client)

    assert result.error
    state = AccountActivity.objects.get(account=coder)
    assert state.failures == 1
    assert state.retry_after > timezone.now()
    assert GitHubAccount.objects.get(pk=coder.pk).fetched_at is not None  # the refresh stands


def test_a_hidden_account_is_not_filled(coder, fake_github, client):
    GitHubAccount.objects.filter(pk=coder.pk).update(hidden=True)
    fake_github.state.reset_counters()

    assert not activity_fill(account_id=coder.pk, client=client).ran
    assert fake_github.state.log == []


def test_a_refresh_queues_the_fill_when_switched_on(fake_github, refresh, settings):
    settings.ACTIVITY_FETCH = True
    settings.GITHUB_TOKEN = TOKEN
    fake_github.state.add_user("fresh", repos=1, created_at=NOW - timedelta(days=400))

    account = refresh("fresh")

    assert ContributionYear.objects.filter(account=account).exists()
    assert ContributionYear.objects.filter(account=account, year=date.today().year).exists()
