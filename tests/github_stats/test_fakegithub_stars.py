"""The fake GitHub's star history (tests/fakegithub/stars.py): generated histories repeat by
seed, sum to the stars GitHub still attributes, follow stars and unstars, and the endpoint
answers as GitHub describes it (Sunday weeks newest first, 30 a page, 100 pages, Link, ETags,
403 for a private history, faults on its path)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from tests.fakegithub import FakeState
from tests.fakegithub.stars import star_days

DAY = timedelta(days=1)
TODAY = datetime.now(UTC).date()


def _get(fake_github, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{fake_github.url}{path}", headers=headers, timeout=5)


def _repo(state: FakeState, name: str = "hello", *, years: float = 3, **fields):
    if state.account("alice") is None:
        state.add_user("alice", created_at=datetime(2012, 1, 1, tzinfo=UTC))
    created = datetime.now(UTC) - timedelta(days=round(365 * years))
    return state.add_repo("alice", name, created_at=created, **fields)


def _walk(fake_github, name: str = "hello") -> list[dict]:
    weeks, page = [], 1
    while True:
        response = _get(fake_github, f"/repos/alice/{name}/stargazers/history?page={page}")
        assert response.status_code == 200
        weeks += response.json()
        if "next" not in response.links:
            return weeks
        page += 1


# --- generation -------------------------------------------------------------------------------


def test_histories_repeat_by_seed_and_differ_by_seed_and_repository():
    first, second, other = FakeState(), FakeState(), FakeState(seed="other")
    # One id for all three: only the seed differs (an id is derived from the seed otherwise).
    histories = [
        star_days(state, _repo(state, stars=700, id=4242)) for state in (first, second, other)
    ]
    assert histories[0] == histories[1]
    assert histories[0] != histories[2]
    assert star_days(first, _repo(first, "twin", stars=700, id=4243)) != histories[0]


def test_every_generated_history_sums_to_the_attributed_stars():
    state = FakeState()
    account = state.add_user("many", repos=40)
    for repo in account.repos.values():
        days = star_days(state, repo)
        assert sum(days.values()) == repo.stars
        assert all(count > 0 for count in days.values())
        if days:
            assert min(days) >= repo.created_at.date()
            assert max(days) <= TODAY


def test_unattributed_stars_are_left_out():
    state = FakeState()
    repo = _repo(state, stars=120, unattributed=20)
    assert sum(star_days(state, repo).values()) == 100
    assert sum(star_days(state, _repo(state, "few", stars=3, unattributed=9)).values()) == 0


@pytest.mark.parametrize(("years", "stars"), [(1, 10), (5, 10), (10, 10), (10, 200)])
def test_most_weeks_of_a_small_repository_are_empty(years, stars):
    state = FakeState()
    days = star_days(state, _repo(state, years=years, stars=stars))
    busy_weeks = {day - timedelta(days=day.isoweekday() % 7) for day in days}
    assert len(busy_weeks) <= min(stars, 52 * years // 2)


def test_a_launch_burst_then_a_long_tail():
    state = FakeState()
    repo = _repo(state, years=10, stars=20_000)
    days = star_days(state, repo)
    created = repo.created_at.date()
    first_quarter = sum(n for day, n in days.items() if day < created + timedelta(weeks=13))
    last_year = sum(n for day, n in days.items() if day > TODAY - timedelta(days=365))
    assert first_quarter >= 0.15 * 20_000  # 2.5 % of the life, more than 15 % of the stars
    assert 0 < last_year < first_quarter


def test_a_big_repository_is_generated_quickly():
    state = FakeState()
    days = star_days(state, _repo(state, years=15, stars=2_000_000))
    assert sum(days.values()) == 2_000_000


# --- mutations --------------------------------------------------------------------------------


def test_new_stars_land_on_today():
    state = FakeState()
    repo = _repo(state, stars=300)
    before = dict(star_days(state, repo))
    state.bump_stars("alice", "hello", by=5)
    after = star_days(state, repo)
    assert after.get(TODAY, 0) == before.get(TODAY, 0) + 5
    assert {day: n for day, n in after.items() if day != TODAY} == {
        day: n for day, n in before.items() if day != TODAY
    }


def test_stars_given_before_the_history_was_first_seen_still_land_on_today():
    bumped, twin = FakeState(), FakeState()
    repo, twin_repo = _repo(bumped, stars=300), _repo(twin, stars=300)
    bumped.bump_stars("alice", "hello", by=5)
    expected = dict(star_days(twin, twin_repo))
    expected[TODAY] = expected.get(TODAY, 0) + 5
    assert star_days(bumped, repo) == expected


def test_an_unstar_removes_an_earlier_star_from_its_day():
    state = FakeState()
    repo = _repo(state, stars=300)
    before = dict(star_days(state, repo))
    state.bump_stars("alice", "hello", by=-40)
    after = star_days(state, repo)
    assert repo.stars == 260
    assert sum(after.values()) == 260
    assert all(after.get(day, 0) <= n for day, n in before.items())
    assert set(after) <= set(before)
    changed = {day for day, n in before.items() if after.get(day, 0) != n}
    assert len(changed) > 5  # random stars of the whole life, not the newest ones


def test_an_unstar_is_any_star_not_the_newest():
    state = FakeState()
    _repo(state, stars=0)
    old, recent = TODAY - timedelta(days=900), TODAY - timedelta(days=2)
    state.set_star_days("alice", "hello", {old: 100, recent: 100})
    state.bump_stars("alice", "hello", by=-100)
    after = star_days(state, state.repo("alice", "hello"))
    assert 0 < after[old] < 100
    assert 0 < after[recent] < 100


def test_unstarring_everything_empties_the_history():
    state = FakeState()
    repo = _repo(state, stars=30, unattributed=10)
    state.bump_stars("alice", "hello", by=-100)
    assert (repo.stars, repo.unattributed, star_days(state, repo)) == (0, 0, {})


def test_a_star_count_set_directly_is_reconciled():
    state = FakeState()
    repo = _repo(state, stars=50)
    star_days(state, repo)
    repo.stars = 58
    assert sum(star_days(state, repo).values()) == 58


def test_an_exact_history_sets_the_star_count():
    state = FakeState()
    repo = _repo(state, stars=999, unattributed=2)
    state.set_star_days("alice", "hello", {TODAY - 3 * DAY: 4, TODAY: 1, TODAY - 9 * DAY: 0})
    assert star_days(state, repo) == {TODAY - 3 * DAY: 4, TODAY: 1}
    assert repo.stars == 7


@pytest.mark.parametrize(
    "days",
    [
        {TODAY + DAY: 1},
        {date(2000, 1, 1): 1},
        {TODAY: -1},
        {TODAY: True},
        {TODAY: 1.5},
    ],
)
def test_an_exact_history_must_make_sense(days):
    state = FakeState()
    _repo(state, stars=5)
    with pytest.raises(ValueError, match=r"non-negative|outside"):
        state.set_star_days("alice", "hello", days)


# --- the endpoint -----------------------------------------------------------------------------


def test_weeks_start_on_sundays_newest_first_and_cover_the_whole_life(fake_github):
    repo = _repo(fake_github.state, years=2, stars=400, unattributed=11)
    weeks = _walk(fake_github)
    starts = [datetime.fromtimestamp(week["week"], tz=UTC) for week in weeks]
    assert all((s.isoweekday(), s.hour, s.minute, s.second) == (7, 0, 0, 0) for s in starts)
    assert starts == sorted(starts, reverse=True)
    assert [a - b for a, b in itertools.pairwise(starts)] == [timedelta(weeks=1)] * (
        len(starts) - 1
    )
    assert starts[0].date() <= TODAY < starts[0].date() + timedelta(weeks=1)
    created = repo.created_at.date()
    assert starts[-1].date() <= created < starts[-1].date() + timedelta(weeks=1)
    assert all(len(week["days"]) == 7 and week["total"] == sum(week["days"]) for week in weeks)
    assert sum(week["total"] for week in weeks) == 389


def test_days_sit_in_their_weeks_place(fake_github):
    _repo(fake_github.state, years=1, stars=0)
    sunday = TODAY - timedelta(days=TODAY.isoweekday() % 7)
    last_tuesday = sunday - timedelta(days=5)
    fake_github.state.set_star_days("alice", "hello", {last_tuesday: 3, sunday: 2})
    weeks = _get(fake_github, "/repos/alice/hello/stargazers/history").json()
    assert weeks[0]["days"] == [2, 0, 0, 0, 0, 0, 0]
    assert weeks[1]["days"] == [0, 0, 3, 0, 0, 0, 0]
    assert sum(week["total"] for week in weeks[2:]) == 0


def test_pagination_headers(fake_github):
    repo = _repo(fake_github.state, years=1.5, stars=100)  # 79 or 80 weeks: 3 pages
    path = "/repos/alice/hello/stargazers/history?per_page=30"
    collection = f"{fake_github.url}/repositories/{repo.id}/stargazers/history"
    first = _get(fake_github, path)
    assert set(first.links) == {"next", "last"}
    assert first.links["next"]["url"] == f"{collection}?per_page=30&page=2"
    assert first.links["last"]["url"] == f"{collection}?per_page=30&page=3"
    middle = requests.get(first.links["next"]["url"], timeout=5)
    assert set(middle.links) == {"prev", "next", "last", "first"}
    last = requests.get(middle.links["next"]["url"], timeout=5)
    assert set(last.links) == {"prev", "first"}
    assert [len(r.json()) for r in (first, middle)] == [30, 30]
    assert 1 <= len(last.json()) <= 30
    past = _get(fake_github, f"{path}&page=4")
    assert past.json() == []
    assert past.links["prev"]["url"].endswith("page=3")


def test_page_size_is_thirty_at_most_and_one_at_least(fake_github):
    _repo(fake_github.state, years=3, stars=10)
    base = "/repos/alice/hello/stargazers/history"
    assert len(_get(fake_github, base).json()) == 30
    assert len(_get(fake_github, f"{base}?per_page=100").json()) == 30
    assert len(_get(fake_github, f"{base}?per_page=0").json()) == 1
    assert len(_get(fake_github, f"{base}?per_page=7").json()) == 7


def test_a_single_page_has_no_link_header(fake_github):
    _repo(fake_github.state, years=0.2, stars=10)
    assert "Link" not in _get(fake_github, "/repos/alice/hello/stargazers/history").headers


def test_pagination_is_limited_to_100_pages(fake_github):
    _repo(fake_github.state, years=3, stars=10)
    base = "/repos/alice/hello/stargazers/history?per_page=1"
    assert "page=100" in _get(fake_github, base).links["last"]["url"]
    hundredth = _get(fake_github, f"{base}&page=100")
    assert len(hundredth.json()) == 1
    assert "next" not in hundredth.links
    refused = _get(fake_github, f"{base}&page=101")
    assert refused.status_code == 422
    assert refused.json()["message"].startswith("Pagination is limited for this resource.")


def test_etags_and_304s_cost_no_quota(fake_github):
    _repo(fake_github.state, stars=40)
    path = "/repos/alice/hello/stargazers/history"
    first = _get(fake_github, path)
    again = _get(fake_github, path, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert fake_github.state.quota_counted == 1
    fake_github.state.bump_stars("alice", "hello")
    changed = _get(fake_github, path, **{"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.json()[0]["total"] == first.json()[0]["total"] + 1
    assert fake_github.state.quota_counted == 2


def test_an_unstar_changes_only_the_page_of_its_week(fake_github):
    repo = _repo(fake_github.state, years=2, stars=0)
    old_day = repo.created_at.date() + timedelta(days=3)
    fake_github.state.set_star_days("alice", "hello", {old_day: 1, TODAY: 1})
    base = "/repos/alice/hello/stargazers/history?page="
    pages = [_get(fake_github, f"{base}{n}") for n in (1, 2, 3, 4)]
    assert [sum(w["total"] for w in p.json()) for p in pages] == [1, 0, 0, 1]
    fake_github.state.set_star_days("alice", "hello", {TODAY: 1})  # the old star is gone
    after = [
        _get(fake_github, f"{base}{n}", **{"If-None-Match": page.headers["ETag"]}).status_code
        for n, page in enumerate(pages, start=1)
    ]
    assert after == [304, 304, 304, 200]


def test_missing_private_renamed_and_by_id(fake_github):
    state = fake_github.state
    repo = _repo(state, stars=12)
    _repo(state, "secret", stars=3, private_history=True)
    assert _get(fake_github, "/repos/alice/nothing/stargazers/history").status_code == 404
    private = _get(fake_github, "/repos/alice/secret/stargazers/history")
    assert (private.status_code, private.json()["message"]) == (
        403,
        "Must have admin rights to Repository.",
    )
    by_id = _get(fake_github, f"/repositories/{repo.id}/stargazers/history?page=2")
    assert by_id.json() == _get(fake_github, "/repos/alice/hello/stargazers/history?page=2").json()
    state.rename_account("alice", "alicia")
    moved = requests.get(
        f"{fake_github.url}/repos/alice/hello/stargazers/history?page=2",
        allow_redirects=False,
        timeout=5,
    )
    assert moved.status_code == 301
    assert moved.headers["Location"] == (
        f"{fake_github.url}/repositories/{repo.id}/stargazers/history?page=2"
    )
    assert _get(fake_github, "/repos/alicia/hello/stargazers/history?page=2").json() == by_id.json()
    assert _get(fake_github, f"/repositories/{10**12}/stargazers/history").status_code == 404


def test_every_answer_costs_one_and_faults_reach_the_path(fake_github):
    _repo(fake_github.state, stars=12)
    path = "/repos/alice/hello/stargazers/history"
    fake_github.state.inject("/repos/*/stargazers/history", "status", status=502)
    assert _get(fake_github, path).status_code == 502
    fake_github.state.inject(path, "malformed")
    with pytest.raises(requests.JSONDecodeError):
        _get(fake_github, path).json()
    assert _get(fake_github, path).status_code == 200
    assert _get(fake_github, "/repos/alice/nothing/stargazers/history").status_code == 404
    assert [entry.counted for entry in fake_github.state.log] == [False, False, True, True]
    fake_github.state.set_quota(remaining=0)
    assert _get(fake_github, path).status_code == 403
