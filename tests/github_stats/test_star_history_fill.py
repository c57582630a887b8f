"""The star-history fill (services/star_history.py) against the fake GitHub over HTTP: the first
fill stores every repository's whole life once, later fills fetch only what changed, budgets and
failures stop it without losing anything. The GitHub requests of each case are pinned."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from github_stats.github.client import GitHubClient
from github_stats.github.quota import QuotaState, quota_record
from github_stats.models import AccountStarHistory, GitHubAccount, Repository, StarHistory
from github_stats.services.star_history import star_history_fill, star_history_wanted
from tests.fakegithub.stars import star_days, week_start

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)


def _weeks_of_life(created: datetime) -> int:
    first = week_start(created.date())
    return (week_start(NOW.date()) - first).days // 7 + 1


def _history_requests(fake_github) -> list:
    return [r for r in fake_github.state.log if r.path.endswith("/stargazers/history")]


@pytest.fixture
def octo(fake_github):
    state = fake_github.state
    state.add_user("octo", repos=0)
    state.add_repo("octo", "old-big", stars=900, created_at=NOW - timedelta(days=3650))
    state.add_repo("octo", "young", stars=12, created_at=NOW - timedelta(days=365))
    state.add_repo("octo", "mid", stars=60, created_at=NOW - timedelta(days=5 * 365))
    state.add_repo("octo", "nobody-cares", stars=0, created_at=NOW - timedelta(days=900))
    return state


@pytest.fixture
def with_fill(settings):
    settings.STAR_HISTORY_FETCH = True
    settings.STAR_HISTORY_BUDGET = 100


def _fill(account: GitHubAccount, fake_github, **options):
    client = GitHubClient(base_url=fake_github.url, token="")
    return star_history_fill(account_id=account.pk, client=client, **options)


def test_a_refresh_fills_in_every_starred_repository_s_whole_life(
    octo, fake_github, refresh, with_fill
):
    account = refresh("octo")

    expected_requests = sum(
        math.ceil(_weeks_of_life(repo.created_at) / 30)
        for repo in octo.account("octo").repos.values()
        if repo.stars
    )
    assert len(_history_requests(fake_github)) == expected_requests
    histories = {h.repository.name: h for h in StarHistory.objects.select_related("repository")}
    assert set(histories) == {"old-big", "young", "mid"}  # nothing stored without stars
    for name, history in histories.items():
        fake = octo.repo("octo", name)
        assert history.complete
        assert not history.truncated
        assert history.next_page == 0
        assert history.attributed == fake.stars - fake.unattributed
        assert history.stars_at_fetch == fake.stars
        # Only weeks with stars are kept, oldest first.
        assert all(sum(week[1:]) > 0 for week in history.weeks)
        assert [w[0] for w in history.weeks] == sorted(w[0] for w in history.weeks)
        stored_days = {d: n for w in history.weeks for d, n in _days(w).items() if n}
        assert stored_days == {d: n for d, n in star_days(octo, fake).items() if n}
    summed = AccountStarHistory.objects.get(account=account)
    assert summed.repositories_covered == summed.repositories_starred == 3
    assert summed.stars_covered == summed.stars_total == 972
    assert summed.attributed == 972
    assert summed.pending_since is None


def _days(week: list[int]) -> dict[date, int]:
    start = datetime.fromtimestamp(week[0], tz=UTC).date()
    return {start + timedelta(days=i): n for i, n in enumerate(week[1:])}


def test_a_warm_refresh_without_star_changes_costs_no_star_history_request(
    octo, fake_github, refresh, with_fill
):
    account = refresh("octo")
    fake_github.state.reset_counters()

    refresh("octo")

    assert _history_requests(fake_github) == []
    assert not star_history_wanted(account=account)


def test_a_repository_that_gained_stars_costs_one_request(octo, fake_github, refresh, with_fill):
    refresh("octo")
    octo.bump_stars("octo", "old-big", by=3)
    fake_github.state.reset_counters()

    refresh("octo")

    requests = _history_requests(fake_github)
    assert [(r.path, r.status) for r in requests] == [
        ("/repos/octo/old-big/stargazers/history", 200)
    ]
    assert "If-None-Match" in requests[0].headers  # conditional on the newest page's ETag
    history = StarHistory.objects.get(repository__name="old-big")
    assert history.attributed == 903
    assert history.stars_at_fetch == 903
    today = NOW.date()
    assert any(n >= 3 for d, n in _days(history.weeks[-1]).items() if d == today)
    assert AccountStarHistory.objects.get().attributed == 975


def test_an_unstar_and_a_star_are_caught_by_the_weekly_recheck_for_free_when_unchanged(
    octo, fake_github, refresh, with_fill
):
    account = refresh("octo")
    later = timezone.now() + timedelta(days=8)
    fake_github.state.reset_counters()

    result = _fill(account, fake_github, now=later)

    requests = _history_requests(fake_github)
    assert len(requests) == 3
    assert {r.status for r in requests} == {304}
    assert not any(r.counted for r in requests)  # a 304 costs no quota
    assert result.quota_requests == 0
    assert result.repositories_unchanged == 3


def test_the_budget_goes_to_the_most_starred_repositories_first_and_the_rest_follows(
    octo, fake_github, with_fill, refresh, settings
):
    settings.STAR_HISTORY_FETCH = False
    account = refresh("octo")
    big_pages = math.ceil(_weeks_of_life(octo.repo("octo", "old-big").created_at) / 30)

    first = _fill(account, fake_github, budget=big_pages + 2)

    assert first.requests == big_pages + 2
    old_big = StarHistory.objects.get(repository__name="old-big")
    assert old_big.complete
    mid = StarHistory.objects.get(repository__name="mid")
    assert not mid.complete
    assert mid.next_page == 3
    assert not StarHistory.objects.filter(repository__name="young").exists()
    assert first.left_for_later == 2
    summed = AccountStarHistory.objects.get()
    assert (summed.repositories_covered, summed.stars_covered) == (1, 900)

    second = _fill(account, fake_github)

    assert second.left_for_later == 0
    mid.refresh_from_db()
    assert mid.complete
    assert mid.attributed == 60
    summed.refresh_from_db()
    assert (summed.repositories_covered, summed.stars_covered) == (3, 972)


def test_a_repository_github_refuses_is_marked_and_the_others_are_stored(
    octo, fake_github, refresh, with_fill
):
    octo.repo("octo", "mid").private_history = True

    refresh("octo")

    mid = StarHistory.objects.get(repository__name="mid")
    assert mid.weeks == []
    assert mid.failures == 1
    assert mid.last_error
    assert mid.retry_after > timezone.now()
    assert StarHistory.objects.get(repository__name="old-big").complete
    summed = AccountStarHistory.objects.get()
    assert (summed.repositories_covered, summed.repositories_starred) == (2, 3)
    # Backing off: the next refresh does not ask for it again.
    fake_github.state.reset_counters()
    refresh("octo")
    assert _history_requests(fake_github) == []


def test_a_rate_limit_mid_fill_keeps_what_was_fetched(octo, fake_github, refresh, settings):
    settings.STAR_HISTORY_FETCH = False
    account = refresh("octo")
    used = fake_github.state.budget("core").used
    fake_github.state.limits["core"] = used + 5  # five more requests, then 403
    fake_github.state.budgets.clear()
    fake_github.state.budget("core").used = used

    result = _fill(account, fake_github)

    assert result.rate_limited_until is not None
    old_big = StarHistory.objects.get(repository__name="old-big")
    assert not old_big.complete
    assert old_big.next_page == 6
    assert len(old_big.weeks) > 0
    assert not AccountStarHistory.objects.get().repositories_covered


def test_the_fill_leaves_the_background_reserve_alone(octo, fake_github, refresh, settings):
    settings.STAR_HISTORY_FETCH = False
    account = refresh("octo")
    reset = datetime.now(UTC) + timedelta(minutes=30)
    quota_record(
        QuotaState(
            resource="core", limit=5000, remaining=400, used=4600, reset_at=reset, seen_at=NOW
        )
    )
    fake_github.state.reset_counters()

    result = _fill(account, fake_github)

    assert result.requests == 0
    assert _history_requests(fake_github) == []


def test_a_repository_that_lost_every_star_loses_its_history(octo, fake_github, refresh, with_fill):
    refresh("octo")
    octo.bump_stars("octo", "young", by=-12)

    refresh("octo")

    assert not StarHistory.objects.filter(repository__name="young").exists()
    assert AccountStarHistory.objects.get().stars_total == 960


def test_github_s_pagination_limit_stops_the_walk_and_keeps_the_weeks(
    octo, fake_github, refresh, with_fill
):
    # GitHub stops at page 100 (3,000 weeks: older than GitHub itself), so its 422 is faked
    # earlier here; the client never asks past page 100 (test_star_history_client.py).
    octo.inject("/repos/octo/old-big/stargazers/history?per_page=30&page=4", "status", status=422)

    refresh("octo")

    old_big = StarHistory.objects.get(repository__name="old-big")
    assert not old_big.last_error
    assert old_big.truncated
    assert not old_big.complete
    assert old_big.next_page == 0
    pages = [r for r in _history_requests(fake_github) if "/old-big/" in r.path]
    assert len(pages) == 4
    newest_90_weeks = sum(
        n for d, n in star_days(octo, octo.repo("octo", "old-big")).items()
        if d >= week_start(NOW.date()) - timedelta(weeks=89)
    )  # fmt: skip
    assert old_big.attributed == newest_90_weeks
    # What it has is summed, and the page says the history is cut short.
    assert AccountStarHistory.objects.get().repositories_covered == 3


def test_the_fill_s_queries_do_not_grow_with_repositories(fake_github, refresh, settings):
    settings.STAR_HISTORY_FETCH = False
    counts = []
    for login, repos in (("small", 3), ("large", 30)):
        fake_github.state.add_user(login, repos=0)
        for index in range(repos):
            fake_github.state.add_repo(
                login, f"repo-{index}", stars=5 + index, created_at=NOW - timedelta(days=200)
            )
        account = refresh(login)
        with CaptureQueriesContext(connection) as queries:
            result = _fill(account, fake_github)
        assert result.repositories_fetched == repos
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_hidden_account_is_not_filled(octo, fake_github, refresh, settings):
    settings.STAR_HISTORY_FETCH = False
    account = refresh("octo")
    GitHubAccount.objects.filter(pk=account.pk).update(hidden=True)
    fake_github.state.reset_counters()

    result = _fill(account, fake_github)

    assert result.requests == 0
    assert _history_requests(fake_github) == []


def test_a_person_s_fill_is_charged_to_them_and_stops_at_their_share(
    octo, fake_github, refresh, user, settings
):
    from github_stats.services.budget import budget_person_get

    settings.STAR_HISTORY_FETCH = False
    account = refresh("octo")
    settings.GITHUB_REQUESTS_PER_PERSON_HOUR = 4

    result = _fill(account, fake_github, requested_by_id=user.pk)

    assert result.requests == 4
    assert budget_person_get(user_id=user.pk).requests_left == 0
    assert Repository.objects.filter(star_history__isnull=False).count() == 1
