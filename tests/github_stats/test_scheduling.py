"""The scheduler at scale: the cost model, the pacing of a tick, the order it refreshes in, and
a person's refresh served before the scheduler's (issue: 100,000 accounts on one token)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from kombu.simple import SimpleQueue

from config.celery import app as celery_app
from github_stats.github.limiter import limiter_slow_down
from github_stats.github.quota import secondary_block
from github_stats.models import GitHubAccount, JobStatus, RefreshJob
from github_stats.services.jobs import refresh_job_create, refresh_job_watched
from github_stats.services.pacing import Allowance, Candidate, tick_plan
from github_stats.services.refresh_cost import (
    RefreshCost,
    change_rate_next,
    refresh_cost_expected,
)
from github_stats.services.scheduling import allowance_now, refresh_stale_tick
from tests.factories import UserFactory
from tests.github_stats.factories import RefreshJobFactory, TrackingFactory
from tests.github_stats.quota import quota_seen

pytestmark = pytest.mark.django_db


_quota = quota_seen


def _allowance(**overrides: float) -> Allowance:
    fields: dict = {
        "quota_limit": 5000,
        "quota_remaining": 5000,
        "seconds_to_reset": 3600.0,
        "graphql_limit": None,
        "graphql_remaining": 0,
        "graphql_seconds_to_reset": 3600.0,
        "rest_points_per_minute": 720.0,
        "graphql_points_per_minute": 1600.0,
        "concurrent_requests": 1,
        "request_seconds": 0.1,
        "reserve_fraction": 0.1,
        "tick_seconds": 60.0,
    }
    fields.update(overrides)
    return Allowance(**fields)


# --- The cost model ----------------------------------------------------------------------------


def test_a_cold_account_pays_for_everything_with_its_first_fills():
    cost = refresh_cost_expected(
        public_repos=250, is_user=True, warm=False, has_token=False, change_rate=None
    )
    # The account, 3 repository pages, 63 starred repositories (a quarter) and the events.
    assert cost == RefreshCost(requests=1 + 3 + 63 + 1, quota=68, graphql=0)


def test_a_cold_account_with_a_token_also_pays_graphql_for_languages_and_its_calendar():
    cost = refresh_cost_expected(
        public_repos=250,
        is_user=True,
        warm=False,
        has_token=True,
        change_rate=None,
        starred_repos=4,
    )
    assert cost.requests == cost.quota == 1 + 3 + 4 + 1
    assert cost.graphql == 3 + 8  # three language batches, eight contribution years


def test_a_warm_unchanged_account_sends_its_conditional_requests_but_costs_no_quota():
    cost = refresh_cost_expected(
        public_repos=250, is_user=False, warm=True, has_token=True, change_rate=0.0,
        since_seconds=0,
    )  # fmt: skip
    assert cost == RefreshCost(requests=1 + 3 + 1, quota=0, graphql=0)  # and its events


def test_a_warm_account_that_often_changes_is_expected_to_cost_quota():
    always = refresh_cost_expected(
        public_repos=30, is_user=True, warm=True, has_token=True, change_rate=1.0,
        since_seconds=0,
    )  # fmt: skip
    # The profile, one page and the events come back 200, plus a star-history page; GraphQL:
    # the languages of the changed page and the current contribution year.
    assert always == RefreshCost(requests=1 + 1 + 1 + 1, quota=4, graphql=2)
    sometimes = refresh_cost_expected(
        public_repos=30, is_user=True, warm=True, has_token=False, change_rate=0.25,
        since_seconds=0,
    )  # fmt: skip
    assert sometimes == RefreshCost(requests=3.25, quota=1.0, graphql=0)


def test_a_day_since_the_last_refresh_adds_star_rechecks_and_the_calendar_read():
    """What the real run measured a warm refresh to send beyond its pages (bench/scale.py
    --real): a seventh of its starred repositories' star history re-checked, and the day's
    calendar read."""
    day = refresh_cost_expected(
        public_repos=280, is_user=True, warm=True, has_token=True, change_rate=0.0,
        since_seconds=24 * 3600, starred_repos=70,
    )  # fmt: skip
    assert day.requests == pytest.approx(1 + 3 + 1 + 10)
    assert day.quota == 0  # all conditional: 304s
    assert day.graphql == pytest.approx(1)
    week = refresh_cost_expected(
        public_repos=280, is_user=True, warm=True, has_token=False, change_rate=0.0,
        since_seconds=30 * 24 * 3600, starred_repos=70,
    )  # fmt: skip
    assert week.requests == pytest.approx(1 + 3 + 1 + 70)  # every one re-checked, no more
    assert week.graphql == 0


def test_the_change_rate_follows_what_the_refreshes_find():
    rate = None
    for _ in range(10):
        rate = change_rate_next(previous=rate, changed=False)
    assert rate < 0.03
    assert change_rate_next(previous=rate, changed=True) > rate + 0.15


def test_every_refresh_keeps_the_account_change_rate(fake_github, refresh):
    fake_github.state.add_user("alice", repos=3)
    first = refresh("alice")
    assert first.change_rate == pytest.approx(0.36)  # the first refresh found everything new

    unchanged = refresh("alice")  # every answer a 304
    assert unchanged.change_rate == pytest.approx(0.288)

    fake_github.state.update_account("alice", followers=999)
    changed = refresh("alice")
    assert changed.change_rate == pytest.approx(0.4304)


# --- Pacing ---------------------------------------------------------------------------------


def test_the_hour_is_spent_evenly_not_at_its_top():
    allowance = _allowance(request_seconds=0.01, rest_points_per_minute=100_000)
    # Just after GitHub's reset, 4,500 usable over 60 ticks.
    assert allowance.spend(backlog=RefreshCost()).quota == pytest.approx(75)
    # Half the hour gone with half the quota left: the same pace.
    half = _allowance(quota_remaining=2750, seconds_to_reset=1800, request_seconds=0.01)
    assert half.spend(backlog=RefreshCost()).quota == pytest.approx(75)
    # An idle hour's quota ten minutes before the reset: at most twice the even pace.
    idle = _allowance(seconds_to_reset=600, request_seconds=0.01)
    assert idle.spend(backlog=RefreshCost()).quota == pytest.approx(150)
    # Down to the reserve: nothing.
    spent = _allowance(quota_remaining=500)
    assert spent.spend(backlog=RefreshCost()).quota == 0


def test_requests_are_held_under_the_secondary_limit_and_what_the_workers_can_send():
    # 720 points a minute, but one request in flight at 100 ms sends 600 a minute.
    assert _allowance().spend(backlog=RefreshCost()).requests == pytest.approx(600)
    fast = _allowance(concurrent_requests=4)
    assert fast.spend(backlog=RefreshCost()).requests == pytest.approx(720)
    # What earlier ticks queued and no worker started yet is paid first.
    assert fast.spend(backlog=RefreshCost(requests=700)).requests == pytest.approx(20)


def test_a_burst_of_ten_thousand_newly_stale_accounts_is_spread_over_the_hours():
    """10,000 tracked accounts all turn stale at once (say, after an outage): every tick takes
    only its share, the stalest first, and no minute's requests pass the limit."""
    cost = refresh_cost_expected(
        public_repos=40, is_user=True, warm=True, has_token=False, change_rate=0.5
    )
    waiting = [
        Candidate(key=i, login=f"u{i}", stale_seconds=7 * 3600 + i, trackers=1, cost=cost)
        for i in range(10_000)
    ]
    quota_left, per_tick_requests, ticks = 5000, [], 0
    while waiting:
        allowance = _allowance(
            quota_remaining=quota_left, seconds_to_reset=3600 - (ticks % 60) * 60
        )
        plan = tick_plan(candidates=waiting, allowance=allowance.spend(backlog=RefreshCost()))
        assert plan.chosen, "a tick with quota left takes something"
        chosen = {c.key for c in plan.chosen}
        # The stalest go first.
        assert (
            min(c.stale_seconds for c in plan.chosen)
            >= max(c.stale_seconds for c in waiting if c.key not in chosen)
            if len(chosen) < len(waiting)
            else True
        )
        waiting = [c for c in waiting if c.key not in chosen]
        per_tick_requests.append(plan.spent.requests)
        quota_left -= round(plan.spent.quota)
        ticks += 1
        if ticks % 60 == 0:
            quota_left = 5000  # GitHub's hourly reset
    assert max(per_tick_requests) <= 600
    assert ticks >= 10_000 * cost.requests / 600  # not sent at once: many minutes
    assert ticks < 8 * 60  # and not starved either: done within a working day


def test_a_large_account_is_taken_even_when_it_costs_more_than_a_tick():
    huge = refresh_cost_expected(
        public_repos=2500, is_user=False, warm=False, has_token=False, change_rate=None
    )
    small = RefreshCost(requests=2, quota=0.1)
    plan = tick_plan(
        candidates=[
            Candidate(key=1, login="huge", stale_seconds=9000, trackers=1, cost=huge),
            Candidate(key=2, login="small", stale_seconds=8000, trackers=1, cost=small),
        ],
        allowance=RefreshCost(requests=100, quota=50),
    )
    assert [c.login for c in plan.chosen] == ["huge"]  # and the small one waits its turn
    assert plan.left_for_later == 1


def test_nothing_is_taken_from_a_limit_with_nothing_left():
    plan = tick_plan(
        candidates=[
            Candidate(key=1, login="a", stale_seconds=9000, trackers=1, cost=RefreshCost(2, 1))
        ],
        allowance=RefreshCost(requests=100, quota=0),
    )
    assert plan.chosen == []


def test_equally_stale_accounts_go_by_how_many_people_track_them():
    cost = RefreshCost(requests=2)
    plan = tick_plan(
        candidates=[
            Candidate(key=1, login="loner", stale_seconds=8 * 3600, trackers=1, cost=cost),
            Candidate(key=2, login="popular", stale_seconds=8 * 3600, trackers=50, cost=cost),
            Candidate(key=3, login="forgotten", stale_seconds=30 * 3600, trackers=1, cost=cost),
        ],
        allowance=RefreshCost(requests=4, quota=10),
    )
    # A day and more stale beats popular; popular beats an equally stale loner.
    assert [c.login for c in plan.chosen] == ["forgotten", "popular"]


# --- The tick against the database ---------------------------------------------------------------


def test_the_tick_queues_the_most_tracked_of_equally_stale_accounts_first(
    django_capture_on_commit_callbacks, settings
):
    _quota(remaining=100, limit=100, reset_in=60)  # a tick's share: 3 cold accounts' worth
    stale = timezone.now() - dt.timedelta(days=2)
    TrackingFactory(account__fetched_at=stale)  # tracked by one person
    popular = TrackingFactory(account__fetched_at=stale).account
    for _ in range(4):
        TrackingFactory(account=popular, user=UserFactory())

    with django_capture_on_commit_callbacks(execute=False):
        tick = refresh_stale_tick()

    assert tick.queued == [popular.login]
    assert tick.left_for_later == 1  # the loner, next minute


def test_work_queued_by_earlier_ticks_is_paid_before_new_work(django_capture_on_commit_callbacks):
    _quota(remaining=100, limit=100, reset_in=60)
    stale = timezone.now() - dt.timedelta(days=2)
    earlier = [TrackingFactory(account__fetched_at=stale).account for _ in range(2)]
    for account in earlier:
        RefreshJobFactory(account=account, login=account.login)  # queued, not started
    TrackingFactory(account__fetched_at=stale)

    with django_capture_on_commit_callbacks(execute=False):
        tick = refresh_stale_tick()

    assert tick.backlog.quota == pytest.approx(6)  # two cold accounts, 3 each
    assert tick.allowance.quota == 0  # the minute's share (3) is spoken for
    assert tick.queued == []


def test_a_secondary_limit_stops_the_tick(django_capture_on_commit_callbacks):
    _quota(remaining=5000, reset_in=60)
    TrackingFactory(account__fetched_at=None)
    secondary_block(until=timezone.now() + dt.timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=False):
        tick = refresh_stale_tick()

    assert tick.queued == []
    assert tick.allowance == RefreshCost()


def test_a_persons_parked_job_goes_before_the_schedulers(django_capture_on_commit_callbacks):
    _quota(remaining=100, limit=100, reset_in=60)  # room for one first fetch (3) this tick
    reset = timezone.now() - dt.timedelta(minutes=5)
    parked = {"error_code": "github_rate_limited", "retry_at": reset}
    background = TrackingFactory().account
    RefreshJobFactory(account=background, login=background.login, **parked)
    theirs = RefreshJobFactory(
        account=None, login="asked-for", requested_by=UserFactory(), **parked
    )
    refresh_job_watched(job_id=theirs.pk)  # their page still polls it

    with django_capture_on_commit_callbacks(execute=False):
        tick = refresh_stale_tick()

    assert tick.requeued == [theirs.login]


@pytest.fixture
def broker_queue() -> Iterator[SimpleQueue]:
    celery_app.conf.task_always_eager = False
    with celery_app.connection_for_read() as conn:
        queue = SimpleQueue(conn, celery_app.conf.task_default_queue)
        queue.clear()
        try:
            yield queue
        finally:
            queue.clear()
            queue.close()
            celery_app.conf.task_always_eager = True


@pytest.mark.redis
def test_the_broker_hands_a_persons_refresh_out_before_the_schedulers(
    broker_queue, django_capture_on_commit_callbacks, settings
):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("priorities are the Redis transport's")
    accounts = [TrackingFactory().account for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for account in accounts:
            refresh_job_create(account=account)  # the scheduler's
        person = refresh_job_create(account=None, login="someone", requested_by=UserFactory())

    order = []
    for _ in range(4):
        message = broker_queue.get(timeout=2)
        order.append(message.headers["argsrepr"])
        message.ack()
    assert order[0] == repr((str(person.pk),))
    assert RefreshJob.objects.filter(status=JobStatus.QUEUED).count() == 4
    assert GitHubAccount.objects.count() == 3


def test_after_a_secondary_limit_the_tick_plans_at_half_the_rate(settings):
    settings.GITHUB_REST_POINTS_PER_MINUTE = 720
    before = allowance_now(now=timezone.now())
    limiter_slow_down(token=settings.GITHUB_TOKEN)
    after = allowance_now(now=timezone.now())

    assert before.rest_points_per_minute == 720
    assert after.rest_points_per_minute == 360


def test_a_limiter_switched_off_leaves_github_s_own_limits_as_the_pace(settings):
    settings.GITHUB_REST_POINTS_PER_MINUTE = 0
    settings.GITHUB_CONCURRENT_REQUESTS = 0
    allowance = allowance_now(now=timezone.now())

    assert allowance.rest_points_per_minute == 900
    assert allowance.concurrent_requests == 100
