"""/cards/<login>/activity.svg: the last 52 weeks of a user's stored contribution calendar
(`?show=calendar`, the default) or their all-time total and streaks (`?show=streak`); a readable
card for an organisation or a user without stored activity; every framework option; pinned
queries; no GitHub request."""

from __future__ import annotations

from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.utils import timezone

from github_stats.models import ContributionYear, today_utc
from tests.cards.conftest import HOSTILE_TEXTS, SVG_NS, svg_of, texts_of
from tests.github_stats.factories import contribution_days
from tests.pages.factories import GitHubAccountFactory

pytestmark = pytest.mark.django_db

URL = "/cards/{}/activity.svg"


@pytest.fixture
def coder(db):
    """Today and the 4 days before (a current streak of 5), a 10-day run 100 days ago, a busy
    day 200 days ago, and a year long ago (outside the calendar, inside the totals)."""
    account = GitHubAccountFactory(login="coder", name="Code R", kind="user")
    today = today_utc()
    days = {today - timedelta(days=i): 2 for i in range(5)}
    days |= {today - timedelta(days=100 + i): 1 for i in range(10)}
    days[today - timedelta(days=200)] = 40
    days[date(today.year - 6, 3, 1)] = 7
    contribution_days(account, days)
    return account


def _cells(root) -> list:
    return [
        el
        for el in root.iter(f"{SVG_NS}rect")
        if el.get("class", "").startswith(("icon lv", "track"))
    ]


def _drawn(root) -> str:
    """The <text> the card draws (not its <title> and <desc>, which always say it all)."""
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))


def _desc(root) -> str:
    return next(el.text for el in root.iter(f"{SVG_NS}desc"))


def test_the_calendar_draws_52_weeks_of_stored_days(client, coder):
    root = svg_of(client.get(URL.format("coder")))

    text = texts_of(root)
    # 5 x 2 + 10 + 40 in the window; the year long ago is not in the last 52 weeks
    assert "60 contributions in the last year" in text
    assert "Code R's contributions" in text
    cells = _cells(root)[:-5]  # the legend's five
    today = today_utc()
    assert 52 * 7 + 1 <= len(cells) <= 53 * 7
    active = [el for el in cells if el.get("class").startswith("icon")]
    assert len(active) == 5 + 10 + 1
    assert sum(el.get("class") == "icon lv4" for el in active) >= 1  # the busy day
    assert f"Busiest day: {today - timedelta(days=200):%Y-%m-%d}, 40 contributions." in _desc(root)
    assert "Less" in text
    assert "More" in text
    assert "Jan" in text


def test_the_streak_card_shows_all_time_and_streaks(client, coder):
    root = svg_of(client.get(URL.format("coder") + "?show=streak"))

    text = texts_of(root)
    assert "Code R's contribution streaks" in text
    assert "Total contributions" in text
    assert "67" in text  # 60 + the old year's 7
    assert f"since {today_utc().year - 6}" in text
    assert "Current streak: 5" in _desc(root)
    assert "Longest streak: 10" in _desc(root)


def test_an_organisation_gets_a_card_saying_why(client, db):
    GitHubAccountFactory(login="acme", kind="org")
    for show in ("calendar", "streak"):
        text = texts_of(svg_of(client.get(URL.format("acme") + f"?show={show}")))
        assert "acme is an organisation" in text
        assert "no contribution calendar" in text


@pytest.mark.parametrize("token", ["", "ghp_test"])
def test_a_user_without_stored_activity_gets_a_card_saying_so(client, db, settings, token):
    settings.GITHUB_TOKEN = token
    GitHubAccountFactory(login="quiet", kind="user")
    for show in ("calendar", "streak"):
        text = texts_of(svg_of(client.get(URL.format("quiet") + f"?show={show}")))
        assert "No contributions of quiet are stored here yet." in text
        assert ("needs a GITHUB_TOKEN" in text) is (not token)


def test_a_user_without_recent_days_still_gets_an_empty_calendar(client, db):
    account = GitHubAccountFactory(login="lapsed", kind="user")
    ContributionYear.objects.create(
        account=account, year=today_utc().year, days=[], total=0, fetched_at=timezone.now()
    )
    root = svg_of(client.get(URL.format("lapsed")))
    assert "0 contributions in the last year" in texts_of(root)
    assert not [el for el in _cells(root) if el.get("class").startswith("icon")][:-4]


def test_a_hostile_account_is_text(client, hostile):
    contribution_days(hostile, {today_utc(): 3})
    for query in ("", "?show=streak", f"?title={HOSTILE_TEXTS[0]}"):
        response = client.get(URL.format("mallory") + query)
        svg_of(response)
        assert b"<script" not in response.content
        assert b"<img" not in response.content  # the name is text, escaped


@pytest.mark.parametrize(
    "query",
    [
        "theme=dark",
        "theme=auto",
        "theme=dracula",
        "hide=title,total,months,legend",
        "hide=current,longest&show=streak",
        "title=My+year",
        "width=300",
        "width=800",
        "locale=de",
        "border=0",
        "compact=1",
        "compact=1&show=streak",
        # garbage: each is its default, never an error image
        "theme=%3Cscript%3E&width=abc&locale=xx&show=%22%3E&hide=%00&compact=maybe",
        "width=-5&border=&show=",
    ],
)
def test_every_option_draws_a_valid_card(client, coder, query):
    root = svg_of(client.get(URL.format("coder") + "?" + query))
    assert root.get("width")


def test_options_change_the_drawing(client, coder):
    plain = svg_of(client.get(URL.format("coder")))
    assert float(svg_of(client.get(URL.format("coder") + "?width=300")).get("width")) == 300
    hidden = _drawn(svg_of(client.get(URL.format("coder") + "?hide=title,total,months,legend")))
    assert "contributions in the last year" not in hidden
    assert "Code R" not in hidden
    assert "Less" not in hidden
    assert "Jan" not in hidden
    compact = svg_of(client.get(URL.format("coder") + "?compact=1"))
    assert float(compact.get("height")) < float(plain.get("height"))
    streak = _drawn(svg_of(client.get(URL.format("coder") + "?show=streak&hide=current")))
    assert "Current streak" not in streak
    assert "Longest streak" in streak
    assert "My year" in texts_of(svg_of(client.get(URL.format("coder") + "?title=My+year")))
    dark = client.get(URL.format("coder") + "?theme=auto").content
    assert b"prefers-color-scheme: dark" in dark
    assert b"stroke-opacity:0" in client.get(URL.format("coder") + "?border=0").content


def test_locale_formats_numbers(client, db):
    account = GitHubAccountFactory(login="busy", kind="user")
    today = today_utc()
    contribution_days(account, {today - timedelta(days=i): 300 for i in range(5)})
    assert "1.500 contributions" in texts_of(svg_of(client.get(URL.format("busy") + "?locale=de")))
    assert "1,500 contributions" in texts_of(svg_of(client.get(URL.format("busy"))))


@pytest.mark.parametrize(
    ("query", "queries"),
    [
        ("", 2),  # the account, its contribution years of this year and last
        ("?show=streak", 3),  # the account, every contribution year, the bookkeeping
    ],
)
def test_at_most_three_queries_and_none_once_cached(
    client, coder, django_assert_num_queries, query, queries
):
    with django_assert_num_queries(queries):
        assert client.get(URL.format("coder") + query).status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        assert client.get(URL.format("coder") + query).status_code == HTTPStatus.OK


def test_an_organisation_card_is_one_query(client, db, django_assert_num_queries):
    GitHubAccountFactory(login="acme", kind="org")
    with django_assert_num_queries(1):  # the account
        assert client.get(URL.format("acme")).status_code == HTTPStatus.OK


@pytest.mark.parametrize("cached", [False, True], ids=["from the database", "from the cache"])
def test_etag_and_304(client, coder, cached):
    first = client.get(URL.format("coder"))
    assert first["ETag"].startswith('"')
    assert client.get(URL.format("coder") + "?show=streak")["ETag"] != first["ETag"]
    if not cached:
        cache.clear()
    again = client.get(URL.format("coder"), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert not again.content


def test_no_activity_card_asks_github(client, coder, fake_github, settings):
    settings.GITHUB_TOKEN = "ghp_test"
    fake_github.state.add_user("ghost", repos=0)
    GitHubAccountFactory(login="quiet", kind="user")
    for path in ("coder", "quiet", "ghost"):
        for query in ("", "?show=streak"):
            assert client.get(URL.format(path) + query).status_code == HTTPStatus.OK
    assert fake_github.state.log == []
