"""Activity without a token: a tracked user's last 90 days of public events (services/
recent_activity.py), on the dashboard's panel and in the API summary, within the 60-an-hour
rules: tracked accounts only, never before X-Poll-Interval, a conditional first page."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from github_stats.github.client import GitHubClient
from github_stats.github.events import PublicEvent
from github_stats.models import AccountActivity, AccountKind, today_utc
from github_stats.services.activity import activity_fill
from github_stats.services.recent_activity import recent_merge
from tests.fakegithub.contributions import public_events
from tests.github_stats.factories import GitHubAccountFactory, TrackingFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


def _event(day: date, commits: int = 0) -> PublicEvent:
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return PublicEvent(
        id=str(moment), type="PushEvent", created_at=moment, repo="a/b", commits=commits
    )


# --- merging (pure) --------------------------------------------------------------------------


def test_fetched_days_replace_stored_ones_and_older_days_are_kept_until_ninety():
    stored = {
        "2026-08-01": [9, 9],  # more than 90 days ago: dropped
        "2026-10-01": [4, 2],  # before the oldest fetched event: kept
        "2026-11-20": [7, 7],  # covered by the fetch: replaced
        "junk": [1, 1],
        "2026-11-01": ["x", 1],
    }
    events = [_event(date(2026, 11, 20), commits=3), _event(date(2026, 12, 1)), _event(TODAY)]

    merged = recent_merge(stored=stored, events=events, truncated=False, today=TODAY)

    assert merged == {
        "2026-10-01": [4, 2],
        "2026-11-20": [1, 3],
        "2026-12-01": [1, 0],
        "2026-12-02": [1, 0],
    }


def test_a_feed_cut_at_300_events_keeps_the_larger_count_of_its_partial_oldest_day():
    stored = {"2026-11-20": [7, 5]}
    events = [_event(date(2026, 11, 20)), _event(date(2026, 11, 21), commits=2)]

    merged = recent_merge(stored=stored, events=events, truncated=True, today=TODAY)

    assert merged["2026-11-20"] == [7, 5]
    assert merged["2026-11-21"] == [1, 2]


# --- the fill against the fake GitHub ----------------------------------------------------------


@pytest.fixture
def coder(fake_github, refresh):
    fake_github.state.add_user("coder", repos=3)
    return refresh("coder")


@pytest.fixture
def anonymous_client(fake_github) -> GitHubClient:
    return GitHubClient(base_url=fake_github.url, token="")


def _events_requests(fake_github) -> int:
    return fake_github.state.count("/users/coder/events/public*")


def test_a_tracked_users_public_events_are_stored_by_day(coder, fake_github, anonymous_client):
    TrackingFactory(account=coder)
    fake_github.state.reset_counters()

    result = activity_fill(account_id=coder.pk, client=anonymous_client)

    assert result.ran
    assert result.recent_changed
    assert result.graphql_points == 0
    fake_events = public_events(fake_github.state, fake_github.state.account("coder"))
    expected = Counter(e["created_at"][:10] for e in fake_events)
    state = AccountActivity.objects.get(account=coder)
    assert {day: counts[0] for day, counts in state.recent.items()} == dict(expected)
    pages = -(-len(fake_events) // 100)
    assert _events_requests(fake_github) == max(pages, 1)
    assert state.pending_since is None


def test_no_poll_before_github_s_poll_interval_then_a_304_asks_nothing_more(
    coder, fake_github, anonymous_client
):
    TrackingFactory(account=coder)
    activity_fill(account_id=coder.pk, client=anonymous_client)
    fake_github.state.reset_counters()

    activity_fill(account_id=coder.pk, client=anonymous_client)  # within X-Poll-Interval
    assert _events_requests(fake_github) == 0

    state = AccountActivity.objects.get(account=coder)
    later = state.events_polled_at + timedelta(seconds=state.poll_interval + 1)
    result = activity_fill(account_id=coder.pk, client=anonymous_client, now=later)
    assert _events_requests(fake_github) == 1  # the first page, answered 304
    assert fake_github.state.count("/users/coder/events/public*", status=304) == 1
    assert not result.recent_changed


def test_an_untracked_user_is_not_polled_without_a_token(coder, fake_github, anonymous_client):
    fake_github.state.reset_counters()

    result = activity_fill(account_id=coder.pk, client=anonymous_client)

    assert not result.ran
    assert fake_github.state.total == 0
    assert not AccountActivity.objects.filter(account=coder).exists()


def test_a_missing_events_feed_is_recorded_and_backed_off(coder, fake_github, anonymous_client):
    TrackingFactory(account=coder)
    fake_github.state.inject("/users/coder/events/public", "not_found")

    result = activity_fill(account_id=coder.pk, client=anonymous_client)

    state = AccountActivity.objects.get(account=coder)
    assert result.error
    assert state.failures == 1
    assert state.retry_after is not None
    assert state.recent == {}


# --- the page and the API ----------------------------------------------------------------------


def test_the_dashboard_and_the_api_show_the_ninety_days_labelled_as_such(
    coder, fake_github, anonymous_client, client_logged_in
):
    TrackingFactory(account=coder)
    activity_fill(account_id=coder.pk, client=anonymous_client)
    state = AccountActivity.objects.get(account=coder)
    events = sum(counts[0] for counts in state.recent.values())

    page = client_logged_in.get(reverse("account_dashboard", args=["coder"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Last 90 days, public events" in html
    assert f'data-figure="recent-events">{events}<' in html
    assert "needs a <code>GITHUB_TOKEN</code>" in html

    answer = client_logged_in.get("/api/v1/accounts/coder/activity/summary").json()
    assert answer["summary"]["source"] == "public_events"
    recent = answer["summary"]["recent"]
    assert recent["events"] == events
    assert len(recent["days"]) == 90


def test_an_organisation_s_panel_and_api_show_its_ninety_days_of_events(client_logged_in):
    org = GitHubAccountFactory(login="events-org", kind=AccountKind.ORG)
    today = today_utc()
    AccountActivity.objects.create(
        account=org,
        recent={
            (today - timedelta(days=2)).isoformat(): [5, 9],
            (today - timedelta(days=100)).isoformat(): [7, 7],  # past 90 days: not counted
        },
    )

    html = client_logged_in.get(reverse("account_dashboard", args=["events-org"])).content.decode()
    assert "Public events a week, last 90 days" in html
    assert "5 public events on 1 of 90 days, 9 commits pushed" in html

    answer = client_logged_in.get("/api/v1/accounts/events-org/activity/summary").json()
    assert answer["kind"] == "org"
    assert answer["organisation"]["recent"]["events"] == 5
