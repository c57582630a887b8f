"""Days without a snapshot (GitHub's quota allowed no refresh): the dashboard says which under
its snapshot charts and breaks their lines there, rather than drawing across the gap."""

import re
from datetime import date, timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import AccountSnapshot, AccountStarHistory, today_utc, weeks_pack
from github_stats.selectors.history_gaps import missing_days_of
from github_stats.ui.charts import Series, line_chart
from github_stats.ui.formatting import missing_days_sentence
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, TrackingFactory

EN_DASH = "\u2013"
NOTE = re.compile(r'<p class="history-note history-gaps small">([^<]*)</p>')


def _snapshots(account, *, days_ago) -> None:
    """One snapshot on each of these days (0 is today), followers growing by one a day."""
    today = today_utc()
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(
            account=account,
            date=today - timedelta(days=ago),
            followers=2000 - ago,
            total_stars=1000 - ago,
        )
        for ago in days_ago
    )


def _days_ago(*agos: int) -> list[date]:
    return sorted(today_utc() - timedelta(days=ago) for ago in agos)


def _notes(body: str) -> list[str]:
    return NOTE.findall(body)


def _followers_path(body: str) -> str:
    chart = body.split('id="history-followers"', 1)[1].split("</svg>", 1)[0]
    found = re.search(r'class="chart-path chart-stroke-1" d="([^"]+)"', chart)
    assert found is not None
    return found.group(1)


# --- The rule (selectors/history_gaps.py) -------------------------------------------------


def test_the_days_between_two_snapshots_are_missing():
    held = [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 7)]
    missing = missing_days_of(
        days=held, today=date(2026, 11, 7), on_watchlist=False, daily_from=None
    )
    assert missing == [date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 6)]


def test_a_watched_account_misses_the_days_up_to_yesterday_but_not_today():
    held = [date(2026, 11, 1), date(2026, 11, 2)]
    today = date(2026, 11, 5)
    assert missing_days_of(days=held, today=today, on_watchlist=True, daily_from=None) == [
        date(2026, 11, 3),
        date(2026, 11, 4),
    ]
    # No one watches it: nothing promised a snapshot after its last one.
    assert missing_days_of(days=held, today=today, on_watchlist=False, daily_from=None) == []


def test_a_week_the_retention_thinned_to_one_snapshot_has_no_missing_day():
    # Before Nov 10 one snapshot a week is kept by design (services/retention.py).
    held = [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 12)]
    missing = missing_days_of(
        days=held, today=date(2026, 11, 13), on_watchlist=True, daily_from=date(2026, 11, 10)
    )
    assert missing == [date(2026, 11, 10), date(2026, 11, 11)]


def test_no_snapshot_is_no_missing_day():
    assert (
        missing_days_of(days=[], today=date(2026, 11, 5), on_watchlist=True, daily_from=None) == []
    )


# --- The sentence (ui/formatting.py) --------------------------------------------------------


def test_the_sentence_collapses_runs_of_days():
    days = [date(2026, 11, 4), date(2026, 11, 6), date(2026, 11, 7)]
    assert (
        missing_days_sentence(days, named=True) == f"No figures for 3 days: Nov 4, Nov 6{EN_DASH}7."
    )


def test_the_sentence_names_a_run_across_months_and_one_day_alone():
    days = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)]
    assert (
        missing_days_sentence(days, named=True) == f"No figures for 3 days: Nov 30{EN_DASH}Dec 2."
    )
    assert missing_days_sentence([date(2026, 11, 4)], named=True) == (
        "No figures for 1 day: Nov 4."
    )


def test_the_sentence_names_five_runs_then_counts_the_rest():
    days = [date(2026, 11, n) for n in (1, 3, 4, 6, 8, 10, 12, 13, 20)]
    assert missing_days_sentence(days, named=True) == (
        f"No figures for 9 days: Nov 1, Nov 3{EN_DASH}4, Nov 6, Nov 8, Nov 10 and 3 more days."
    )


def test_a_long_range_says_only_the_count_and_nothing_missing_says_nothing():
    days = [date(2026, 11, 4), date(2026, 11, 6)]
    assert missing_days_sentence(days, named=False) == "No figures for 2 days."
    assert missing_days_sentence([], named=True) == ""


# --- The line (ui/charts.py) ----------------------------------------------------------------


def _path(points, missing) -> str:
    return line_chart(chart_id="c", title="t", series=[Series("s", points, missing)]).lines[0].path


def test_the_line_breaks_at_a_missing_day_and_a_lone_day_is_a_dot():
    start = date(2026, 1, 1)
    points = [(start + timedelta(days=n), 10 + n) for n in (0, 1, 3, 5, 6)]
    path = _path(points, [start + timedelta(days=2), start + timedelta(days=4)])
    pieces = path.split("M")[1:]
    assert len(pieces) == 3  # days 0-1, day 3 alone, days 5-6
    assert " a1.5,1.5 " in pieces[1]  # a dot: a ring the line's stroke fills
    assert _path(points, []).count("M") == 1  # no missing day: bridged as before


def test_the_area_under_a_broken_line_is_one_shape_a_piece():
    start = date(2026, 1, 1)
    points = [(start + timedelta(days=n), 10 + n) for n in (0, 1, 3, 4)]
    chart = line_chart(
        chart_id="c", title="t", series=[Series("s", points, [start + timedelta(days=2)])]
    )
    assert chart.lines[0].area.count("Z") == 2


# --- The page ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_days_missing_in_the_middle_are_said_under_the_charts_and_break_the_line(
    client_logged_in,
):
    account = GitHubAccountFactory(login="gappy")
    _snapshots(account, days_ago=[ago for ago in range(11) if ago not in (4, 6, 7)])
    response = client_logged_in.get("/u/gappy")
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    expected = missing_days_sentence(_days_ago(4, 6, 7), named=True)
    assert expected.startswith("No figures for 3 days: ")
    # Under the followers chart, and under the stars chart while it draws the snapshots.
    assert _notes(body) == [expected, expected]
    assert _followers_path(body).count("M") == 3  # 10-8 days ago, 5, 3-0


@pytest.mark.django_db
def test_a_watched_account_without_yesterdays_snapshot_misses_it(client_logged_in):
    account = GitHubAccountFactory(login="gappy")
    TrackingFactory(account=account)
    _snapshots(account, days_ago=range(3, 11))
    body = client_logged_in.get("/u/gappy").content.decode()
    assert _notes(body)[0] == missing_days_sentence(_days_ago(1, 2), named=True)
    assert "No figures for 2 days: " in _notes(body)[0]


@pytest.mark.django_db
def test_an_account_no_one_watches_misses_no_day_after_its_last_snapshot(client_logged_in):
    account = GitHubAccountFactory(login="gappy")
    _snapshots(account, days_ago=range(3, 11))
    assert _notes(client_logged_in.get("/u/gappy").content.decode()) == []


@pytest.mark.django_db
def test_today_not_yet_refreshed_is_not_missing(client_logged_in):
    account = GitHubAccountFactory(login="gappy")
    TrackingFactory(account=account)
    _snapshots(account, days_ago=range(1, 11))
    body = client_logged_in.get("/u/gappy").content.decode()
    assert _notes(body) == []
    assert "No figures" not in body
    assert _followers_path(body).count("M") == 1


@pytest.mark.django_db
def test_nothing_missing_says_nothing(client_logged_in):
    account = GitHubAccountFactory(login="gappy")
    TrackingFactory(account=account)
    _snapshots(account, days_ago=range(40))
    body = client_logged_in.get("/u/gappy").content.decode()
    assert "No figures" not in body
    assert _followers_path(body).count("M") == 1


@pytest.mark.django_db
def test_a_year_says_only_how_many_days_are_missing(client_logged_in):
    account = GitHubAccountFactory(login="gappy")
    gaps = {20, 21, 22, 100, 300}
    _snapshots(account, days_ago=[ago for ago in range(366) if ago not in gaps])
    body = client_logged_in.get("/u/gappy?days=365").content.decode()
    assert _notes(body)[0] == "No figures for 5 days."
    # The year is still drawn a point a day: its line breaks at the gaps.
    assert _followers_path(body).count("M") == 4


@pytest.mark.django_db
def test_a_weekly_chart_counts_the_missing_days_without_breaking_its_line(client_logged_in):
    account = GitHubAccountFactory(login="gappy")
    _snapshots(account, days_ago=[ago for ago in range(700) if ago not in (50, 51, 400)])
    body = client_logged_in.get("/u/gappy?days=all").content.decode()
    assert _notes(body)[0] == "No figures for 3 days."
    assert _followers_path(body).count("M") == 1  # a point a week: no day to break at


@pytest.mark.django_db
def test_the_weeks_the_retention_thinned_are_not_missing(client_logged_in, settings):
    settings.SNAPSHOT_DAILY_DAYS = 100  # one snapshot a week is kept before that
    account = GitHubAccountFactory(login="gappy")
    _snapshots(account, days_ago=[*range(100, 700, 7), *(ago for ago in range(100) if ago != 9)])
    body = client_logged_in.get("/u/gappy?days=all").content.decode()
    assert _notes(body)[0] == "No figures for 1 day."


@pytest.mark.django_db
def test_a_summed_star_history_has_every_day_so_only_followers_say_the_gap(client_logged_in):
    account = GitHubAccountFactory(login="gappy", total_stars=13)
    RepositoryFactory(owner=account, name="starred", stars=13)
    _snapshots(account, days_ago=[ago for ago in range(11) if ago != 4])
    AccountStarHistory.objects.create(
        account=account,
        weeks=weeks_pack({today_utc() - timedelta(days=20): 13}),
        repositories_covered=1,
        repositories_starred=1,
        stars_covered=13,
        stars_total=13,
        attributed=13,
        updated_at=timezone.now(),
    )
    body = client_logged_in.get("/u/gappy").content.decode()
    assert "Summed history of 1 repository" in body
    assert _notes(body) == [missing_days_sentence(_days_ago(4), named=True)]


@pytest.mark.django_db
def test_the_history_panel_alone_says_it_too_in_the_same_queries(htmx, django_assert_num_queries):
    account = GitHubAccountFactory(login="gappy")
    RepositoryFactory(owner=account, name="one")
    TrackingFactory(account=account)
    # 33 days ago is read (the figures' 30-day change) but is not in the range shown.
    _snapshots(account, days_ago=[ago for ago in range(3, 40) if ago not in (10, 33)])
    # As without gaps (tests/pages/test_dashboard_star_history.py): the user, the account
    # (whether I and whether anyone track it), its snapshots, its summed star history, its
    # repositories' creation dates, the table's count and page
    with django_assert_num_queries(7):
        response = htmx.get("/u/gappy?days=30", target="history")
    expected = missing_days_sentence(_days_ago(1, 2, 10), named=True)
    assert _notes(response.content.decode())[0] == expected
