"""The star history (GET /repos/{owner}/{repo}/stargazers/history, 2026-09-04): the parser's
rules for every doubtful shape (no recording of the endpoint exists, so its broken shapes are
built here), and client.star_history_page against the fake GitHub over real HTTP."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from github_stats.github.errors import (
    GitHubNotFound,
    GitHubUnavailable,
    InvalidLogin,
    InvalidRepoName,
    RateLimited,
)
from github_stats.github.payloads import PayloadError
from github_stats.github.star_history import StarWeek, parse_star_history

WEEK = 7 * 24 * 3600
DAYS = [0, 1, 2, 0, 0, 3, 1]


def _sunday(day: date) -> date:
    return day - timedelta(days=day.isoweekday() % 7)


def _weeks_of_life(created: datetime) -> int:
    today = datetime.now(UTC).date()
    return (_sunday(today) - _sunday(created.date())).days // 7 + 1


# --- the parser -------------------------------------------------------------------------------


def test_the_documented_shape_newest_first():
    weeks = parse_star_history(
        [
            {"week": 1_700_006_400, "total": 7, "days": DAYS},
            {"week": 1_700_006_400 - WEEK, "total": 0, "days": [0] * 7},
        ]
    )
    assert weeks == [
        StarWeek(start=1_700_006_400, days=tuple(DAYS)),
        StarWeek(start=1_700_006_400 - WEEK, days=(0,) * 7),
    ]
    assert [week.total for week in weeks] == [7, 0]


def test_an_empty_page_is_no_weeks():
    assert parse_star_history([]) == []


def test_unknown_fields_are_ignored():
    [week] = parse_star_history([{"week": 10, "total": 1, "days": [1] + [0] * 6, "x": "y"}])
    assert week.total == 1


@pytest.mark.parametrize("body", [None, {"message": "Not Found"}, "weeks", 3, True])
def test_a_body_that_is_not_a_list_is_refused(body):
    with pytest.raises(PayloadError, match="list of weeks"):
        parse_star_history(body)


@pytest.mark.parametrize("entry", [None, 3, "week", [10, 1, DAYS], True])
def test_an_entry_that_is_not_an_object_is_refused(entry):
    with pytest.raises(PayloadError, match="object"):
        parse_star_history([{"week": 10, "total": 7, "days": DAYS}, entry])


@pytest.mark.parametrize("start", [None, "1700006400", 1.7e9, True, False, -WEEK])
def test_a_week_without_a_usable_start_is_refused(start):
    entry = {"total": 7, "days": DAYS} | ({} if start is None else {"week": start})
    with pytest.raises(PayloadError, match="week start"):
        parse_star_history([entry])


@pytest.mark.parametrize(
    "days",
    [
        None,  # missing
        [1, 2, 3],
        [1] * 8,
        [],
        "1234567",
        [1, 2, 3, "4", 5, 6, 7],
        [1.0, 0, 0, 0, 0, 0, 0],
        [True, 0, 0, 0, 0, 0, 0],
    ],
)
def test_unusable_days_with_a_total_keep_the_total_on_the_first_day(days):
    entry = {"week": 10, "total": 9} | ({} if days is None else {"days": days})
    [week] = parse_star_history([entry])
    assert week.days == (9, 0, 0, 0, 0, 0, 0)
    assert week.total == 9


@pytest.mark.parametrize(
    "entry",
    [
        {"week": 10},
        {"week": 10, "days": [1, 2, 3]},
        {"week": 10, "days": [True] * 7},
        {"week": 10, "days": [1] * 8, "total": "8"},
        {"week": 10, "days": None, "total": None},
        {"week": 10, "total": True},
        {"week": 10, "total": 9.0},
    ],
)
def test_a_week_without_any_usable_count_is_refused(entry):
    with pytest.raises(PayloadError, match="neither"):
        parse_star_history([entry])


@pytest.mark.parametrize(
    "entry",
    [
        {"week": 10, "total": 1, "days": [2, -1, 0, 0, 0, 0, 0]},
        {"week": 10, "total": -1, "days": [0] * 7},
        {"week": 10, "total": -1},
        {"week": 10, "total": 5, "days": [-5, 10]},  # wrong length, but still a negative count
    ],
)
def test_negative_counts_are_refused(entry):
    with pytest.raises(PayloadError, match="negative"):
        parse_star_history([entry])


@pytest.mark.parametrize("total", [100, 0, None, "7", True])
def test_the_days_win_over_a_total_that_disagrees(total):
    entry = {"week": 10, "days": DAYS} | ({} if total is None else {"total": total})
    [week] = parse_star_history([entry])
    assert week.total == sum(DAYS)


def test_a_week_sent_twice_counts_once_with_the_last_counts_in_the_first_place():
    weeks = parse_star_history(
        [
            {"week": 30, "total": 1, "days": [1] + [0] * 6},
            {"week": 20, "total": 2, "days": [2] + [0] * 6},
            {"week": 30, "total": 5, "days": [5] + [0] * 6},
        ]
    )
    assert [(week.start, week.total) for week in weeks] == [(30, 5), (20, 2)]


@pytest.mark.parametrize("days", [(1,) * 6, (1,) * 8, (0, 0, 0, 0, 0, 0, -1), (True,) * 7])
def test_a_star_week_refuses_anything_but_seven_counts(days):
    with pytest.raises(ValueError, match="non-negative counts"):
        StarWeek(start=0, days=days)


# --- the client against the fake GitHub -------------------------------------------------------


@pytest.fixture
def alice(fake_github):
    return fake_github.state.add_user("alice", created_at=datetime(2012, 1, 1, tzinfo=UTC))


def test_a_young_repository_is_one_page(fake_github, github_client, alice):
    created = datetime.now(UTC) - timedelta(weeks=9, days=3)
    fake_github.state.add_repo("alice", "young", stars=50, unattributed=4, created_at=created)
    page = github_client.star_history_page(owner="alice", name="young")
    assert (page.page, page.not_modified, page.has_next, page.limit_reached) == (
        1,
        False,
        False,
        False,
    )
    assert len(page.weeks) == _weeks_of_life(created)
    assert sum(week.total for week in page.weeks) == 46
    assert [a.start - b.start for a, b in itertools.pairwise(page.weeks)] == [WEEK] * (
        len(page.weeks) - 1
    )
    assert page.etag
    assert page.etag.startswith('W/"')
    [entry] = fake_github.state.log
    assert (entry.path, entry.query) == (
        "/repos/alice/young/stargazers/history",
        "per_page=30&page=1",
    )
    assert entry.counted
    assert github_client.stats.quota_requests == 1


def test_walking_ten_years_yields_every_week_once(fake_github, github_client, alice):
    created = datetime.now(UTC) - timedelta(days=3653)
    fake_github.state.add_repo("alice", "old", stars=20_000, unattributed=37, created_at=created)
    weeks_of_life = _weeks_of_life(created)
    pages = []
    number = 1
    while True:
        page = github_client.star_history_page(owner="alice", name="old", page=number)
        pages.append(page)
        if not page.has_next:
            break
        number += 1
    assert len(pages) == math.ceil(weeks_of_life / 30)
    assert [len(page.weeks) for page in pages[:-1]] == [30] * (len(pages) - 1)
    starts = [week.start for page in pages for week in page.weeks]
    assert len(starts) == len(set(starts)) == weeks_of_life
    assert starts == sorted(starts, reverse=True)
    assert sum(week.total for page in pages for week in page.weeks) == 20_000 - 37
    assert github_client.stats.quota_requests == len(pages)
    assert fake_github.state.quota_counted == len(pages)


def test_an_unchanged_page_is_a_304_that_costs_no_quota(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "hello", stars=300)
    first = github_client.star_history_page(owner="alice", name="hello")
    second = github_client.star_history_page(owner="alice", name="hello", etag=first.etag)
    assert (second.not_modified, second.weeks, second.etag) == (True, [], first.etag)
    assert [(entry.status, entry.counted) for entry in fake_github.state.log] == [
        (200, True),
        (304, False),
    ]
    assert fake_github.state.log[-1].headers["If-None-Match"] == first.etag
    assert (github_client.stats.quota_requests, github_client.stats.not_modified) == (1, 1)


def test_a_new_star_changes_the_newest_page(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "hello", stars=300)
    first = github_client.star_history_page(owner="alice", name="hello")
    fake_github.state.bump_stars("alice", "hello", by=2)
    second = github_client.star_history_page(owner="alice", name="hello", etag=first.etag)
    assert not second.not_modified
    assert second.etag != first.etag
    assert second.weeks[0].total == first.weeks[0].total + 2


@pytest.mark.parametrize("page", [0, 101, -1, True, 1.0, "2"])
def test_pages_outside_githubs_limit_are_refused_before_any_request(
    fake_github, github_client, page
):
    with pytest.raises(ValueError, match="1 to 100"):
        github_client.star_history_page(owner="alice", name="hello", page=page)
    assert fake_github.state.total == 0


def test_page_100_is_asked_for(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "hello", stars=3)
    page = github_client.star_history_page(owner="alice", name="hello", page=100)
    assert (page.weeks, page.has_next, page.limit_reached) == ([], False, False)


def test_a_422_is_the_end_of_the_walk_not_an_error(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "hello", stars=3)
    fake_github.state.replay(
        "/repos/alice/hello/stargazers/history",
        status=422,
        headers={"Content-Type": "application/json; charset=utf-8"},
        body={
            "message": "Pagination is limited for this resource.",
            "documentation_url": "https://docs.github.com/rest",
        },
    )
    page = github_client.star_history_page(owner="alice", name="hello", page=100)
    assert page == type(page)(
        page=100, not_modified=False, weeks=[], etag=None, has_next=False, limit_reached=True
    )
    assert github_client.stats.requests == 1  # never retried


def test_the_fakes_own_422_is_limit_reached(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "hello", stars=3)
    # The client never asks past page 100; a Link-following caller could meet GitHub's rule.
    fake_github.state.inject("/repos/alice/hello/stargazers/history", "status", status=422)
    assert github_client.star_history_page(owner="alice", name="hello").limit_reached


def test_a_missing_repository_is_not_found(fake_github, github_client, alice):
    with pytest.raises(GitHubNotFound, match="alice/nothing"):
        github_client.star_history_page(owner="alice", name="nothing")
    assert github_client.stats.requests == 1


def test_a_private_history_is_not_found_with_a_reason(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "secret", stars=5, private_history=True)
    with pytest.raises(GitHubNotFound, match="private"):
        github_client.star_history_page(owner="alice", name="secret")
    assert fake_github.state.by_status() == {403: 1}
    assert github_client.stats.requests == 1


def test_a_rate_limit_403_is_still_rate_limited(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "hello", stars=5)
    budget = fake_github.state.set_quota(remaining=0, reset_in=900)
    with pytest.raises(RateLimited) as excinfo:
        github_client.star_history_page(owner="alice", name="hello")
    assert excinfo.value.reset_at == datetime.fromtimestamp(budget.reset, tz=UTC)
    assert not excinfo.value.secondary
    assert fake_github.state.by_status() == {403: 1}


def test_a_secondary_limit_403_is_rate_limited(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "hello", stars=5)
    fake_github.state.inject("/repos/*/stargazers/history", "secondary", retry_after=30)
    with pytest.raises(RateLimited) as excinfo:
        github_client.star_history_page(owner="alice", name="hello")
    assert excinfo.value.secondary


def test_server_errors_are_retried_then_unavailable(fake_github, github_client, alice):
    fake_github.state.add_repo("alice", "hello", stars=5)
    fake_github.state.inject("/repos/alice/hello/stargazers/history", "status", count=3)
    with pytest.raises(GitHubUnavailable, match="500 3 times"):
        github_client.star_history_page(owner="alice", name="hello")
    assert github_client.stats.requests == 3


def test_a_server_error_then_an_answer(fake_github, github_client, alice):
    created = datetime.now(UTC) - timedelta(days=100)  # one page holds it all
    fake_github.state.add_repo("alice", "hello", stars=5, created_at=created)
    fake_github.state.inject("/repos/alice/hello/stargazers/history", "status", count=2)
    page = github_client.star_history_page(owner="alice", name="hello")
    assert sum(week.total for week in page.weeks) == 5


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("malformed", ""),
        ("body", '{"message": "an object, not weeks"}'),
        ("body", '[{"week": 1700006400, "total": -3}]'),
        ("body", '[{"total": 3, "days": [3, 0, 0, 0, 0, 0, 0]}]'),
    ],
)
def test_a_body_of_the_wrong_shape_is_unavailable(fake_github, github_client, alice, kind, body):
    fake_github.state.add_repo("alice", "hello", stars=5)
    fake_github.state.inject("/repos/alice/hello/stargazers/history", kind, body=body)
    with pytest.raises(GitHubUnavailable):
        github_client.star_history_page(owner="alice", name="hello")


@pytest.mark.parametrize(
    ("owner", "name", "error"),
    [
        ("-alice", "hello", InvalidLogin),
        ("al/ice", "hello", InvalidLogin),
        ("alice", "..", InvalidRepoName),
        ("alice", "a/b", InvalidRepoName),
        ("alice", "hello?page=2", InvalidRepoName),
    ],
)
def test_invalid_names_are_refused_before_any_request(
    fake_github, github_client, owner, name, error
):
    with pytest.raises(error):
        github_client.star_history_page(owner=owner, name=name)
    assert fake_github.state.total == 0


def test_a_renamed_accounts_repository_answers_through_the_301(fake_github, github_client, alice):
    created = datetime.now(UTC) - timedelta(days=400)
    repo = fake_github.state.add_repo("alice", "hello", stars=80, created_at=created)
    fake_github.state.rename_account("alice", "alicia")
    first = github_client.star_history_page(owner="alice", name="hello")
    second = github_client.star_history_page(owner="alice", name="hello", page=2)
    assert first.has_next
    assert not second.has_next
    assert len(first.weeks) + len(second.weeks) == _weeks_of_life(created)
    assert sum(week.total for week in first.weeks + second.weeks) == 80
    moved = [(entry.status, entry.path, entry.query) for entry in fake_github.state.log]
    history = f"/repositories/{repo.id}/stargazers/history"
    assert moved == [
        (301, "/repos/alice/hello/stargazers/history", "per_page=30&page=1"),
        (200, history, "per_page=30&page=1"),
        (301, "/repos/alice/hello/stargazers/history", "per_page=30&page=2"),
        (200, history, "per_page=30&page=2"),
    ]
    assert github_client.stats.quota_requests == 4  # GitHub charges the redirects too
