"""The dashboard's history over the account's whole life: stars from the summed star history
(with how much of the stars it covers, and a panel that polls while the history is fetched),
public repositories by creation date, followers from the snapshots (said so), figure changes
from the star history where the snapshots are too young, and `days=all`."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import AccountStarHistory, GitHubAccount, today_utc, weeks_pack
from github_stats.selectors.account_history import account_dashboard_page
from github_stats.selectors.star_history import account_star_history
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

LOGIN = "star-gazer"
PAGE = f"/u/{LOGIN}"
SCRIPT = '<script>alert("x")</script>'


def _ago(days: int):
    return timezone.now() - timedelta(days=days)


def _account(*, stars=(60, 37, 3), created=(2000, 900, 10), **fields) -> GitHubAccount:
    """An account refreshed just now with one snapshot (a first visit): repositories with these
    stars, created these many days ago; its totals as a refresh leaves them."""
    account = GitHubAccountFactory(login=LOGIN, created_at=_ago(3000), **fields)
    for index, (count, days) in enumerate(zip(stars, created, strict=True)):
        RepositoryFactory(
            owner=account, name=f"repo-{index}", stars=count, created_at=_ago(days), forks=0
        )
    GitHubAccount.objects.filter(pk=account.pk).update(
        total_stars=sum(stars), public_repos=len(stars)
    )
    account.refresh_from_db()
    SnapshotFactory(account=account, date=today_utc(), total_stars=sum(stars), followers=1200)
    return account


def _summed(account, days: dict, *, covered: int, starred: int, stars: int, **fields):
    """The account's summed star history as the fill stores it."""
    return AccountStarHistory.objects.create(
        account=account,
        weeks=weeks_pack(days),
        repositories_covered=covered,
        repositories_starred=starred,
        stars_covered=stars,
        stars_total=account.total_stars,
        attributed=sum(days.values()),
        updated_at=fields.pop("updated_at", timezone.now()),
        **fields,
    )


def _desc(body: str, chart: str) -> str:
    match = re.search(rf'<desc id="history-{chart}-desc">([^<]*)</desc>', body)
    assert match, f"no {chart} chart"
    return match.group(1)


def _stars_figure(body: str) -> str:
    start = body.index('<figure id="stars-history"')
    return body[start : body.index("</figure>", start)]


@pytest.fixture
def whole_life(db):
    """97 of the 100 stars covered by the history of 2 of the 3 starred repositories, the
    first star given 1,000 days ago."""
    account = _account()
    today = today_utc()
    days = {today - timedelta(days=1000): 7, today - timedelta(days=400): 40}
    days[today - timedelta(days=20)] = 50
    _summed(account, days, covered=2, starred=3, stars=97)
    return account


def test_the_first_visit_shows_the_whole_life_of_the_stars_with_their_coverage(
    client_logged_in, whole_life
):
    body = client_logged_in.get(f"{PAGE}?days=all").content.decode()
    stars = _stars_figure(body)
    assert (
        "Summed history of 2 repositories holding 97 % of the stars; the other 1 follows" in stars
    )
    expected = account_star_history(account=whole_life).series
    first, last = expected.points[0], expected.points[-1]
    assert first.total == 7
    assert last.total == 97
    # The chart is the selector's numbers, from the first star (a point a week past 400 days).
    desc = _desc(body, "total_stars")
    assert desc.startswith(f"Stars: 7 on {first.date:%b %d, %Y}, 97 on {last.date:%b %d, %Y}")
    assert "over its whole history" in body
    # No poller: nothing is coming.
    assert 'hx-trigger="every 5s"' not in body


def test_the_default_range_reads_the_star_history_too(client_logged_in, whole_life):
    body = client_logged_in.get(PAGE).content.decode()
    today = today_utc()
    start = today - timedelta(days=90)
    # 47 stars before the window (the total counts them), 50 more 20 days ago.
    assert _desc(body, "total_stars").startswith(
        f"Stars: 47 on {start:%b %d, %Y}, 97 on {today:%b %d, %Y} (+50)"
    )


def test_a_pending_fill_says_what_is_coming_and_polls_only_its_panel(
    client_logged_in, htmx, django_assert_num_queries
):
    account = _account()
    AccountStarHistory.objects.create(account=account, pending_since=timezone.now())
    body = client_logged_in.get(PAGE).content.decode()
    stars = _stars_figure(body)
    assert "Star history is being fetched for 3 repositories…" in stars
    # Until then, the snapshots' stars; the poll asks for this panel alone, at a URL with
    # nothing personal in it (the body is shared between people).
    assert "Until then, the stars of each day the account was refreshed." in stars
    assert f'hx-get="{PAGE}" hx-trigger="every 5s" hx-target="this"' in stars
    # The poll: the user, the account, its snapshots, its summed star history, its
    # repositories' creation dates (no table, no tracking state).
    with django_assert_num_queries(5):
        polled = htmx.get(PAGE, target="stars-history")
    assert polled.status_code == HTTPStatus.OK
    fragment = polled.content.decode().strip()
    assert fragment.startswith('<figure id="stars-history"')
    assert fragment.endswith("</figure>")
    assert 'hx-trigger="every 5s"' in fragment
    # The fill stores: the next poll answers the chart, and asks no more.
    AccountStarHistory.objects.filter(pk=account.pk).update(
        weeks=weeks_pack({today_utc() - timedelta(days=3): 100}),
        repositories_covered=3,
        repositories_starred=3,
        stars_covered=100,
        attributed=100,
        pending_since=None,
        updated_at=timezone.now(),
    )
    done = htmx.get(PAGE, target="stars-history").content.decode()
    assert 'hx-trigger="every 5s"' not in done
    assert "Summed history of 3 repositories holding 100 % of the stars." in done


def test_the_poll_keeps_the_range(client_logged_in):
    account = _account()
    AccountStarHistory.objects.create(account=account, pending_since=timezone.now())
    stars = _stars_figure(client_logged_in.get(f"{PAGE}?days=all").content.decode())
    assert f'hx-get="{PAGE}?days=all"' in stars


def test_stars_without_a_summed_history_yet_are_pending_just_after_a_refresh(
    client_logged_in, settings
):
    _account()
    settings.STAR_HISTORY_FETCH = True
    assert 'hx-trigger="every 5s"' in _stars_figure(client_logged_in.get(PAGE).content.decode())


@pytest.mark.parametrize("case", ["fetching off", "refreshed long ago", "fill died"])
def test_nothing_coming_means_no_polling(client_logged_in, settings, case):
    account = _account()
    settings.STAR_HISTORY_FETCH = case != "fetching off"
    if case != "fetching off":
        # Refreshed (and its fill queued) 23 hours ago; not stale, so the visit queues nothing.
        GitHubAccount.objects.filter(pk=account.pk).update(fetched_at=_ago(1) + timedelta(hours=1))
        settings.STATS_TTL = 2 * 24 * 60 * 60
    if case == "fill died":
        AccountStarHistory.objects.create(account=account, pending_since=_ago(1))
    stars = _stars_figure(client_logged_in.get(PAGE).content.decode())
    assert 'hx-trigger="every 5s"' not in stars
    assert "being fetched" not in stars


def test_public_repositories_over_time_count_creation_days(client_logged_in, whole_life):
    body = client_logged_in.get(f"{PAGE}?days=all").content.decode()
    today = today_utc()
    first = (timezone.now() - timedelta(days=2000)).date()
    assert _desc(body, "public_repos").startswith(
        f"Repositories: 1 on {first:%b %d, %Y}, 3 on {today:%b %d, %Y} (+2)"
    )
    assert "Counted by the day each repository was created: exact for the 3 that still exist" in (
        body
    )
    # 90 days: the two older ones already there, the third created 10 days ago.
    ninety = client_logged_in.get(PAGE).content.decode()
    start = today - timedelta(days=90)
    assert _desc(ninety, "public_repos").startswith(
        f"Repositories: 2 on {start:%b %d, %Y}, 3 on {today:%b %d, %Y} (+1)"
    )


def test_followers_say_github_keeps_no_history_of_them(client_logged_in, whole_life):
    body = client_logged_in.get(PAGE).content.decode()
    today = today_utc()
    assert (
        "GitHub keeps no history of followers: these are our daily snapshots, since "
        f"{today:%b} {today.day}, {today:%Y}." in body
    )


def test_a_lone_dot_says_why(client_logged_in, whole_life):
    # One snapshot so far: the followers chart is one dot, and says so on the chart.
    body = client_logged_in.get(PAGE).content.decode()
    followers = body[body.index('id="history-followers"') :]
    followers = followers[: followers.index("</svg>")]
    assert "<circle" in followers
    assert '<text class="chart-note chart-note-head"' in followers
    assert "One day so far:" in followers
    assert "A point is added every day the account is refreshed." in followers


def test_the_star_card_changes_come_from_the_star_history_when_it_covers_everything():
    account = _account(stars=(60, 40), created=(900, 800))
    today = today_utc()
    days = {today - timedelta(days=3): 5, today - timedelta(days=20): 10}
    days[today - timedelta(days=500)] = 85
    _summed(account, days, covered=2, starred=2, stars=100)
    figures = {f.key: f for f in account_dashboard_page(account=account, days=90).dashboard.figures}
    assert (figures["total_stars"].change_7d, figures["total_stars"].change_30d) == (5, 15)
    # Only the stars: followers have no history but their snapshots.
    assert figures["followers"].change_7d is None


def test_the_star_card_shows_them_on_the_page(client_logged_in):
    account = _account(stars=(60, 40), created=(900, 800))
    _summed(account, {today_utc() - timedelta(days=3): 100}, covered=2, starred=2, stars=100)
    body = client_logged_in.get(PAGE).content.decode()
    card = body[body.index("Total stars") :]
    card = card[: card.index('<div class="figure">')]
    assert "+100<span" in card  # the 7-day change
    assert 'Change over the last 30 days">+100' in card


def test_a_partial_star_history_leaves_the_changes_unknown():
    account = _account()
    _summed(account, {today_utc() - timedelta(days=3): 60}, covered=1, starred=3, stars=60)
    stars = account_dashboard_page(account=account, days=90).dashboard.figures
    figure = next(f for f in stars if f.key == "total_stars")
    assert (figure.change_7d, figure.change_30d) == (None, None)


def test_snapshots_old_enough_keep_their_own_change():
    account = _account(stars=(60, 40), created=(900, 800))
    SnapshotFactory(account=account, date=today_utc() - timedelta(days=7), total_stars=98)
    _summed(account, {today_utc() - timedelta(days=3): 100}, covered=2, starred=2, stars=100)
    stars = account_dashboard_page(account=account, days=90).dashboard.figures
    figure = next(f for f in stars if f.key == "total_stars")
    # 7 days: the snapshot (+2, unstars count too); 30 days: no snapshot, the history.
    assert (figure.change_7d, figure.change_30d) == (2, 100)


def test_days_all_is_a_range_and_old_links_keep_working(client_logged_in, htmx, whole_life):
    body = client_logged_in.get(f"{PAGE}?days=all").content.decode()
    nav = body[body.index('id="history-range"') : body.index("</nav>", body.index("history-range"))]
    assert f'href="{PAGE}?days=all"' in nav
    assert re.search(r'aria-current="true">All</a>', nav)
    assert f'href="{PAGE}?days=30"' in nav
    # The table's links and its filter form keep the range.
    assert f'href="{PAGE}?sort=name&amp;days=all"' in body
    assert '<input type="hidden" name="days" value="all">' in body
    for old in ("?days=30", "?days=365", "?days=7", "?days=ALL", "?days="):
        assert client_logged_in.get(f"{PAGE}{old}").status_code == HTTPStatus.OK
    swapped = htmx.get(f"{PAGE}?days=all", target="history")
    assert swapped["HX-Push-Url"] == f"{PAGE}?days=all"
    assert "over its whole history" in swapped.content.decode()


def test_the_dashboard_with_a_star_history_is_a_constant_number_of_queries(
    client_logged_in, htmx, whole_life, django_assert_num_queries
):
    for index in range(20):
        RepositoryFactory(owner=whole_life, name=f"more-{index}", created_at=_ago(index))
    # The user, the account (with whether I track it), its snapshots, its summed star history
    # (one row), its repositories' creation dates (one column), its contribution years and
    # activity bookkeeping (the activity panel: nothing stored, no calendar read), the table's
    # count and page.
    with django_assert_num_queries(9):
        client_logged_in.get(f"{PAGE}?days=all")
    # The charts alone (a new range): no tracking state, no activity panel.
    with django_assert_num_queries(7):
        htmx.get(f"{PAGE}?days=30", target="history")


def test_hostile_strings_stay_text(client_logged_in):
    account = _account(name=SCRIPT, bio=SCRIPT)
    AccountStarHistory.objects.create(account=account, pending_since=timezone.now())
    RepositoryFactory(owner=account, name="evil", description=SCRIPT, created_at=_ago(1))
    body = client_logged_in.get(PAGE).content.decode()
    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


def test_the_sum_is_read_by_day_and_by_week_from_the_weeks_on_the_row():
    """An organisation's dashboard reads the sum twice (its history by day, its activity panel
    by week) from the weeks on its row, and a week written onto the row since is read too."""
    account = _account()
    today = today_utc()
    _summed(account, {today - timedelta(days=9): 4}, covered=3, starred=3, stars=100)
    account = GitHubAccount.objects.select_related("star_history").get(pk=account.pk)

    by_day = account_star_history(account=account, interval="day")
    by_week = account_star_history(account=account, interval="week")
    assert by_day.series.attributed == by_week.series.attributed == 4
    assert sum(point.gained for point in by_week.series.points) == 4
    assert by_day.series.first_star == today - timedelta(days=9)

    account.star_history.weeks = weeks_pack({today - timedelta(days=2): 7})
    assert account_star_history(account=account, interval="week").series.points[-1].gained == 7
