"""Contributions (GraphQL, token only) and public events (REST, no token needed): the parsers
against good and broken shapes, and the client against the fake GitHub over real HTTP."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from github_stats.github.contributions import (
    ContributionDay,
    ContributionsOverview,
    parse_year,
    parse_years,
)
from github_stats.github.errors import (
    GitHubNotFound,
    GitHubUnavailable,
    InvalidLogin,
    RateLimited,
)
from github_stats.github.events import parse_events
from github_stats.github.payloads import PayloadError

THIS_YEAR = datetime.now(UTC).year


def _collection(**overrides):
    collection = {
        "totalCommitContributions": 5,
        "totalIssueContributions": 1,
        "totalPullRequestContributions": 2,
        "totalPullRequestReviewContributions": 0,
        "totalRepositoriesWithContributedCommits": 2,
        "restrictedContributionsCount": 0,
        "contributionCalendar": {
            "totalContributions": 8,
            "weeks": [
                {"contributionDays": [{"date": "2023-12-31", "contributionCount": 9}]},
                {
                    "contributionDays": [
                        {"date": "2024-01-02", "contributionCount": 3},
                        {"date": "2024-01-01", "contributionCount": 5},
                    ]
                },
            ],
        },
        "commitContributionsByRepository": [
            {"repository": {"nameWithOwner": "a/small"}, "contributions": {"totalCount": 1}},
            {"repository": {"nameWithOwner": "a/big"}, "contributions": {"totalCount": 4}},
        ],
    }
    collection.update(overrides)
    return {"user": {"contributionsCollection": collection}}


# --- parsers ----------------------------------------------------------------------------------


def test_parse_year_reads_the_documented_shape():
    year = parse_year(_collection(), 2024)
    # Sorted by date; a day outside the year asked for is dropped.
    assert year.days == [
        ContributionDay(date(2024, 1, 1), 5),
        ContributionDay(date(2024, 1, 2), 3),
    ]
    assert (year.total, year.commits, year.issues, year.pull_requests) == (8, 5, 1, 2)
    assert (year.reviews, year.repositories, year.restricted) == (0, 2, 0)
    assert year.by_repository == [("a/big", 4), ("a/small", 1)]


@pytest.mark.parametrize(
    "overrides",
    [
        {"totalCommitContributions": -1},
        {"totalIssueContributions": None},
        {"restrictedContributionsCount": True},
        {"contributionCalendar": {"totalContributions": 1}},
        {"contributionCalendar": {"totalContributions": 1, "weeks": [{"x": []}]}},
        {
            "contributionCalendar": {
                "totalContributions": 1,
                "weeks": [{"contributionDays": [{"date": "2024-13-01", "contributionCount": 1}]}],
            }
        },
        {
            "contributionCalendar": {
                "totalContributions": 2,
                "weeks": [
                    {"contributionDays": [{"date": "2024-01-01", "contributionCount": 1}]},
                    {"contributionDays": [{"date": "2024-01-01", "contributionCount": 1}]},
                ],
            }
        },
        {"commitContributionsByRepository": None},
        {"commitContributionsByRepository": [{"repository": None, "contributions": {}}]},
        {
            "commitContributionsByRepository": [
                {"repository": {"nameWithOwner": "a/b"}, "contributions": {"totalCount": "3"}}
            ]
        },
    ],
)
def test_parse_year_refuses_shapes_we_cannot_trust(overrides):
    with pytest.raises(PayloadError):
        parse_year(_collection(**overrides), 2024)


@pytest.mark.parametrize("data", [None, [], {}, {"user": {}}, {"user": {"x": 1}}])
def test_parse_year_refuses_answers_without_a_collection(data):
    with pytest.raises(PayloadError):
        parse_year(data, 2024)


def test_parse_years():
    data = {"user": {"contributionsCollection": {"contributionYears": [2024, 2023, 2023]}}}
    assert parse_years(data) == ContributionsOverview(years=[2024, 2023], is_user=True)
    assert parse_years({"user": None}) == ContributionsOverview(years=[], is_user=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"user": {}},
        {"user": {"contributionsCollection": {"contributionYears": None}}},
        {"user": {"contributionsCollection": {"contributionYears": ["2024"]}}},
        {"user": {"contributionsCollection": {"contributionYears": [True]}}},
    ],
)
def test_parse_years_refuses_broken_shapes(data):
    with pytest.raises(PayloadError):
        parse_years(data)


def _event(**overrides):
    event = {
        "id": "1",
        "type": "PushEvent",
        "created_at": "2026-11-30T10:00:00Z",
        "repo": {"name": "alice/hello"},
        "payload": {"size": 3, "distinct_size": 2},
    }
    event.update(overrides)
    return event


def test_parse_events_keeps_unknown_types_and_skips_unusable_entries():
    events = parse_events(
        [
            _event(),
            _event(id=2, type="BrandNewEvent", payload={"size": 9}),
            _event(id="3", payload={"size": 4}),
            _event(id="4", payload={"commits": [{}, {}]}),
            _event(id="5", payload={}),  # GitHub's slimmed payloads: no counts at all
            "not an event",
            _event(id=None),
            _event(id=True),
            _event(type=None),
            _event(created_at="yesterday"),
            _event(repo={"name": 7}),
            _event(repo=None),
        ]
    )
    assert [(e.id, e.type, e.commits) for e in events] == [
        ("1", "PushEvent", 2),
        ("2", "BrandNewEvent", 0),
        ("3", "PushEvent", 4),
        ("4", "PushEvent", 2),
        ("5", "PushEvent", 0),
    ]
    assert events[0].created_at == datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert events[0].repo == "alice/hello"


@pytest.mark.parametrize("data", [None, {}, {"message": "Not Found"}, "x"])
def test_parse_events_refuses_a_body_that_is_no_list(data):
    with pytest.raises(PayloadError):
        parse_events(data)


# --- the client against the fake: contributions -----------------------------------------------


def test_overview_lists_the_years_newest_first(fake_github, github_client_with_token):
    fake_github.state.add_user("alice", created_at=datetime(2019, 5, 1, tzinfo=UTC))
    fake_github.state.set_contribution_days(
        "alice", {date(2019, 6, 1): 2, date(2021, 3, 3): 1, date(THIS_YEAR, 1, 1): 4}
    )
    overview = github_client_with_token.contributions_overview(login="alice")
    assert overview == ContributionsOverview(years=[THIS_YEAR, 2021, 2019], is_user=True)
    assert github_client_with_token.stats.graphql_points == 1
    [entry] = fake_github.state.log
    assert entry.body["variables"] == {"login": "alice"}
    assert "alice" not in entry.body["query"]  # names as variables, never spliced


def test_a_year_sums_to_its_totals(fake_github, github_client_with_token):
    fake = fake_github.state.add_user("alice", repos=6)
    year = THIS_YEAR - 1
    found = github_client_with_token.contributions_year(login="alice", year=year)
    assert found.year == year
    assert found.days[0].date == date(year, 1, 1)
    assert found.days[-1].date == date(year, 12, 31)
    assert [d.date for d in found.days] == sorted(d.date for d in found.days)
    assert sum(d.count for d in found.days) == found.total
    parts = found.commits + found.issues + found.pull_requests + found.reviews + found.restricted
    assert parts == found.total
    assert sum(n for _, n in found.by_repository) <= found.commits
    assert {name for name, _ in found.by_repository} <= {
        f"alice/{r.name}" for r in fake.repos.values()
    }
    assert github_client_with_token.stats.graphql_points == 1
    variables = fake_github.state.log[0].body["variables"]
    assert (variables["from"], variables["to"]) == (
        f"{year}-01-01T00:00:00Z",
        f"{year}-12-31T23:59:59Z",
    )


def test_an_exact_calendar_comes_back_exactly(fake_github, github_client_with_token):
    fake_github.state.add_user("alice")
    fake_github.state.set_contribution_days("alice", {date(2024, 2, 29): 7, date(2024, 3, 1): 1})
    found = github_client_with_token.contributions_year(login="alice", year=2024)
    assert {d.date: d.count for d in found.days if d.count} == {
        date(2024, 2, 29): 7,
        date(2024, 3, 1): 1,
    }
    assert len(found.days) == 366
    assert found.total == 8


def test_an_organisation_is_no_user(fake_github, github_client_with_token):
    fake_github.state.add_org("acme")
    overview = github_client_with_token.contributions_overview(login="acme")
    assert overview == ContributionsOverview(years=[], is_user=False)
    with pytest.raises(GitHubNotFound):
        github_client_with_token.contributions_year(login="acme", year=2024)


def test_a_login_nobody_has_is_not_found(fake_github, github_client_with_token):
    with pytest.raises(GitHubNotFound):
        github_client_with_token.contributions_overview(login="nobody-here")
    with pytest.raises(GitHubNotFound):
        github_client_with_token.contributions_year(login="nobody-here", year=2024)


def test_contributions_need_a_token(fake_github, github_client):
    with pytest.raises(RuntimeError, match="token"):
        github_client.contributions_overview(login="alice")
    with pytest.raises(RuntimeError, match="token"):
        github_client.contributions_year(login="alice", year=2024)
    assert fake_github.state.total == 0


def test_an_invalid_login_makes_no_request(fake_github, github_client_with_token):
    with pytest.raises(InvalidLogin):
        github_client_with_token.contributions_overview(login="-bad-")
    with pytest.raises(InvalidLogin):
        github_client_with_token.contributions_year(login="a b", year=2024)
    assert fake_github.state.total == 0


@pytest.mark.parametrize("year", [2007, THIS_YEAR + 1, "2024", True, 2024.0])
def test_a_year_out_of_range_makes_no_request(fake_github, github_client_with_token, year):
    with pytest.raises(ValueError, match=r"year|2008"):
        github_client_with_token.contributions_year(login="alice", year=year)
    assert fake_github.state.total == 0


def test_rate_limited_is_raised(fake_github, github_client_with_token):
    body = {
        "data": None,
        "errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}],
    }
    fake_github.state.inject("/graphql", "body", body=json.dumps(body))
    with pytest.raises(RateLimited):
        github_client_with_token.contributions_overview(login="alice")


def test_server_errors_thrice_are_unavailable(fake_github, github_client_with_token):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/graphql", "status", status=502, count=3)
    with pytest.raises(GitHubUnavailable):
        github_client_with_token.contributions_year(login="alice", year=2024)
    assert fake_github.state.total == 3


@pytest.mark.parametrize(
    "body",
    [
        {"errors": [{"type": "INTERNAL", "message": "Something went wrong"}]},
        {"data": {"user": None}, "errors": [{"type": "FORBIDDEN", "path": ["user"]}]},
        {"data": {"user": {"contributionsCollection": {"totalCommitContributions": "x"}}}},
        {"data": None, "errors": [{"message": "must not exceed 1 year"}]},
    ],
)
def test_other_errors_and_shapes_are_unavailable(fake_github, github_client_with_token, body):
    fake_github.state.inject("/graphql", "body", body=json.dumps(body))
    with pytest.raises(GitHubUnavailable):
        github_client_with_token.contributions_year(login="alice", year=2024)


# --- the client against the fake: public events -----------------------------------------------


def test_the_first_page_of_public_events(fake_github, github_client):
    fake_github.state.add_user("alice", repos=3)
    fake_github.state.add_contributions("alice", 4)
    page = github_client.public_events_page(login="alice")
    assert not page.not_modified
    assert page.etag
    assert page.poll_interval == 60
    assert 1 <= len(page.events) <= 100
    assert [e.created_at for e in page.events] == sorted(
        (e.created_at for e in page.events), reverse=True
    )
    assert all(e.created_at >= datetime.now(UTC) - timedelta(days=91) for e in page.events)
    [entry] = fake_github.state.log
    assert entry.query == "per_page=100&page=1"
    assert "Authorization" not in entry.headers  # no token needed


def test_unchanged_events_are_a_free_304_until_something_happens(fake_github, github_client):
    fake_github.state.add_user("alice", repos=2)
    first = github_client.public_events_page(login="alice")
    again = github_client.public_events_page(login="alice", etag=first.etag)
    assert again.not_modified
    assert again.events == []
    assert again.etag == first.etag
    assert again.poll_interval == 60
    assert [entry.counted for entry in fake_github.state.log] == [True, False]
    fake_github.state.add_contributions("alice", 3)
    changed = github_client.public_events_page(login="alice", etag=first.etag)
    assert not changed.not_modified
    assert changed.etag != first.etag
    assert sum(e.commits for e in changed.events) >= 0
    assert changed.events


def test_events_pages_two_and_three_and_the_limit(fake_github, github_client):
    fake_github.state.add_user("busy", repos=5)
    fake_github.state.set_contribution_days(
        "busy", {datetime.now(UTC).date() - timedelta(days=i): 20 for i in range(30)}
    )
    pages = [github_client.public_events_page(login="busy", page=n) for n in (1, 2, 3)]
    assert [len(p.events) for p in pages] == [100, 100, 100]
    assert [p.has_next for p in pages] == [True, True, False]
    assert len({e.id for p in pages for e in p.events}) == 300
    with pytest.raises(ValueError, match="pages 1 to 3"):
        github_client.public_events_page(login="busy", page=4)


def test_a_422_is_the_limit_not_an_error(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.inject("/users/alice/events/public", "status", status=422)
    page = github_client.public_events_page(login="alice")
    assert page.limit_reached
    assert page.events == []
    assert not page.not_modified


def test_events_of_nobody_are_not_found(fake_github, github_client):
    with pytest.raises(GitHubNotFound):
        github_client.public_events_page(login="nobody-here")
    with pytest.raises(InvalidLogin):
        github_client.public_events_page(login="bad login")
    assert fake_github.state.total == 1


def test_malformed_events_are_skipped_and_a_bad_body_is_unavailable(fake_github, github_client):
    good = _event()
    fake_github.state.inject(
        "/users/alice/events/public", "body", body=json.dumps([good, {"id": "x"}, 3]), count=1
    )
    page = github_client.public_events_page(login="alice")
    assert [e.id for e in page.events] == ["1"]
    fake_github.state.inject("/users/alice/events/public", "body", body='{"message": "x"}')
    with pytest.raises(GitHubUnavailable):
        github_client.public_events_page(login="alice")
