"""The dashboard's activity panel (#activity): a user's contribution heatmap with its year
selector, totals, streaks and busiest weekday, commits by repository; the poller while the
first fill runs; the message without a token; an organisation's panel."""

import re
from datetime import UTC, date, datetime, time, timedelta
from html import unescape
from http import HTTPStatus

import pytest
from django.utils import timezone

from github_stats.models import (
    AccountActivity,
    AccountKind,
    ContributionYear,
    GitHubAccount,
    today_utc,
    year_pairs,
)
from github_stats.selectors.activity import account_activity_summary
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

LOGIN = "busy-bee"
PAGE = f"/u/{LOGIN}"
SCRIPT = '<script>alert("x")</script>'


def _account(**fields) -> GitHubAccount:
    """Refreshed just now, one snapshot: not a first visit, nothing queued."""
    account = GitHubAccountFactory(login=fields.pop("login", LOGIN), **fields)
    SnapshotFactory(account=account, date=today_utc())
    return account


def _year(account, year: int, days: dict[date, int], **fields) -> ContributionYear:
    total = sum(days.values())
    defaults = {"commits": total, "issues": 2, "pull_requests": 3, "reviews": 4, "repositories": 5}
    return ContributionYear.objects.create(
        account=account,
        year=year,
        days=year_pairs(days),
        total=total,
        fetched_at=timezone.now(),
        **{**defaults, **fields},
    )


def _cells(body: str) -> list[tuple[str, str]]:
    """(class, title) of every day cell."""
    return re.findall(r'<rect class="heat ([^"]+)"[^>]*tabindex="0"><title>([^<]*)</title>', body)


def _panel(body: str) -> str:
    start = body.index('<section id="activity"')
    return body[start : body.index("</section>", start)]


@pytest.fixture
def two_years(db):
    """This year (a 4-day run up to yesterday, 7 on the day before it) and last year."""
    account = _account()
    today = today_utc()
    this = {today - timedelta(days=n): 1 for n in range(1, 5)}
    this[today - timedelta(days=2)] = 7
    this = {day: count for day, count in this.items() if day.year == today.year}
    _year(account, today.year, this, by_repository=[[f"{LOGIN}/{SCRIPT}", 9], ["a/b", 2]])
    _year(account, today.year - 1, {date(today.year - 1, 3, 4): 3, date(today.year - 1, 3, 5): 1})
    return account


def test_the_heatmap_has_a_cell_a_day_up_to_today_in_five_shades(client_logged_in, two_years):
    body = client_logged_in.get(PAGE).content.decode()
    cells = _cells(body)
    today = today_utc()
    assert len(cells) == today.timetuple().tm_yday
    shades = {shade for shade, _ in cells}
    assert shades <= {f"heat-{level}" for level in range(5)}
    assert "heat-0" in shades
    # A group with a title (not an image): its cells can be focused and read.
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="heatmap"' in body
    assert 'role="group" aria-labelledby="activity-heatmap-title"' in body
    assert "style=" not in _panel(body)
    assert "Days as GitHub's calendar counts them (its calendar has no time zone)." in body


def test_a_cell_says_its_exact_count_and_date(client_logged_in, two_years):
    today = today_utc()
    two_days_ago = today - timedelta(days=2)
    if two_days_ago.year != today.year:
        pytest.skip("the first days of January")
    titles = [title for _, title in _cells(client_logged_in.get(PAGE).content.decode())]
    expected = f"7 contributions on {two_days_ago:%a}, {two_days_ago:%b} {two_days_ago.day}, "
    assert f"{expected}{two_days_ago:%Y}" in titles
    assert f"0 contributions on {today:%a}, {today:%b} {today.day}, {today:%Y}" in titles


def test_the_text_equivalent_lists_the_months(client_logged_in, two_years):
    last = today_utc().year - 1
    body = client_logged_in.get(f"{PAGE}?year={last}").content.decode()
    table = body[body.index(f"<caption>Contributions of {LOGIN} per month in {last}") :]
    assert f'<th scope="row">March {last}</th><td>4</td>' in table[: table.index("</table>")]
    # The whole of a past year: a cell a day.
    assert len(_cells(body)) == (date(last, 12, 31) - date(last, 1, 1)).days + 1
    titles = [title for _, title in _cells(body)]
    assert f"3 contributions on {date(last, 3, 4):%a}, Mar 4, {last}" in titles


def test_the_year_selector_links_every_stored_year_and_swaps_only_the_panel(
    client_logged_in, htmx, two_years
):
    today = today_utc()
    panel = _panel(client_logged_in.get(PAGE).content.decode())
    last = today.year - 1
    assert f'href="{PAGE}?year={last}" hx-get="{PAGE}?year={last}" hx-target="#activity"' in panel
    assert re.search(rf'aria-current="true">{today.year}</a>', panel)
    swapped = htmx.get(f"{PAGE}?year={last}", target="activity")
    assert swapped.status_code == HTTPStatus.OK
    fragment = swapped.content.decode().strip()
    assert fragment.startswith('<section id="activity"')
    assert fragment.endswith("</section>")
    assert "Repositories" not in fragment.split("</section>")[-1]
    assert re.search(rf'aria-current="true">{last}</a>', fragment)
    # The newest year is the default, left out of its link.
    assert f'href="{PAGE}" hx-get="{PAGE}" hx-target="#activity"' in fragment
    assert len(_cells(fragment)) == (date(last, 12, 31) - date(last, 1, 1)).days + 1


@pytest.mark.parametrize("asked", ["1990", "abc", "3000", ""])
def test_a_year_outside_the_stored_ones_shows_the_nearest(client_logged_in, two_years, asked):
    today = today_utc()
    response = client_logged_in.get(f"{PAGE}?year={asked}")
    assert response.status_code == HTTPStatus.OK
    expected = today.year - 1 if asked == "1990" else today.year
    assert f"Activity in {expected}</h2>" in response.content.decode()


def test_totals_streaks_and_busiest_weekday_are_the_selectors(client_logged_in, two_years):
    panel = unescape(_panel(client_logged_in.get(PAGE).content.decode()))
    summary = account_activity_summary(account=two_years)
    this_year = summary.years[0]
    for name in ("total", "commits", "pull_requests", "issues", "reviews", "repositories"):
        assert f'data-figure="{name}">{getattr(this_year, name)}<' in panel
        assert f'data-figure="all-{name}">{getattr(summary.all_time, name)}<' in panel
    assert summary.all_time.reviews == 8
    streaks = summary.streaks
    assert f"<dt>Current streak</dt><dd>{streaks.current} day" in panel
    assert f"<dt>Longest streak</dt><dd>{streaks.longest} day" in panel
    assert f"<dt>Busiest weekday</dt><dd>{summary.busiest_weekday}</dd>" in panel
    assert summary.busiest_weekday is not None


def test_private_contributions_are_shown_only_when_github_reports_them(client_logged_in):
    account = _account()
    year = today_utc().year
    row = _year(account, year, {date(year, 1, 1): 1})
    assert "Private contributions" not in client_logged_in.get(PAGE).content.decode()
    ContributionYear.objects.filter(pk=row.pk).update(restricted=12)
    GitHubAccount.objects.filter(pk=account.pk).update(cache_version="after-the-fill")
    panel = _panel(client_logged_in.get(f"{PAGE}?year={year}").content.decode())
    assert '<th scope="row">Private contributions</th>' in panel
    assert 'data-figure="restricted">12<' in panel


def test_hostile_repository_names_are_text(client_logged_in, two_years):
    panel = _panel(client_logged_in.get(PAGE).content.decode())
    assert SCRIPT not in panel
    assert (
        '<span class="activity-repo">busy-bee/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
        "</span> <span" in panel
    )
    assert "9 commits" in panel


def test_a_pending_first_fill_polls_only_its_panel_until_it_is_there(
    client_logged_in, htmx, django_assert_num_queries
):
    account = _account()
    AccountActivity.objects.create(account=account, pending_since=timezone.now())
    panel = _panel(client_logged_in.get(PAGE).content.decode())
    assert "Activity is being fetched…" in panel
    assert f'hx-get="{PAGE}" hx-trigger="every 5s" hx-target="this"' in panel
    # The poll: the user, the account, its stored years, its activity bookkeeping (no year
    # stored: no calendar to read), nothing else of the page.
    with django_assert_num_queries(4):
        polled = htmx.get(PAGE, target="activity")
    fragment = polled.content.decode().strip()
    assert fragment.startswith('<section id="activity"')
    assert 'hx-trigger="every 5s"' in fragment
    # The fill stores: the answer is the calendar, and asks no more.
    _year(account, today_utc().year, {today_utc(): 2})
    AccountActivity.objects.filter(pk=account.pk).update(pending_since=None)
    done = htmx.get(PAGE, target="activity").content.decode()
    assert 'hx-trigger="every 5s"' not in done
    assert len(_cells(done)) == today_utc().timetuple().tm_yday


def test_a_user_just_refreshed_with_a_token_and_nothing_stored_is_pending(
    client_logged_in, settings
):
    _account()
    settings.GITHUB_TOKEN = "ghp_test"
    settings.ACTIVITY_FETCH = True
    panel = _panel(client_logged_in.get(PAGE).content.decode())
    assert 'hx-trigger="every 5s"' in panel
    assert "GITHUB_TOKEN" not in panel


def test_a_fill_that_died_is_no_longer_waited_for(client_logged_in):
    account = _account()
    AccountActivity.objects.create(
        account=account, pending_since=timezone.now() - timedelta(hours=1)
    )
    panel = _panel(client_logged_in.get(PAGE).content.decode())
    assert 'hx-trigger="every 5s"' not in panel
    assert "being fetched" not in panel


def test_without_a_token_and_nothing_stored_the_panel_says_what_is_needed(
    client_logged_in, settings
):
    _account()
    settings.GITHUB_TOKEN = ""
    panel = _panel(client_logged_in.get(PAGE).content.decode())
    assert (
        "The full contribution calendar needs a <code>GITHUB_TOKEN</code> on the server "
        "(no scopes are needed for public data)." in panel
    )
    assert 'hx-trigger="every 5s"' not in panel


def test_an_organisation_gets_its_repositories_activity(client_logged_in):
    org = _account(login="big-org", kind=AccountKind.ORG)
    now = timezone.now()
    for index, pushed in enumerate((3, 20, 60, 200)):
        RepositoryFactory(
            owner=org,
            name=f"repo-{index}",
            pushed_at=now - timedelta(days=pushed),
            created_at=now - timedelta(days=pushed),
        )
    panel = _panel(client_logged_in.get("/u/big-org").content.decode())
    assert "GitHub has no contribution calendar for organisations" in panel
    assert "<dt>Repositories pushed to in the last 7 days</dt><dd>1</dd>" in panel
    assert "<dt>Repositories pushed to in the last 30 days</dt><dd>2</dd>" in panel
    assert "<dt>Repositories pushed to in the last 90 days</dt><dd>3</dd>" in panel
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bars" id="org-new-' in panel
    assert "4 new repositories in all" in panel
    assert 'id="org-stars-gained"' in panel
    assert "heatmap" not in panel
    assert "GITHUB_TOKEN" not in panel


def test_an_organisations_windows_count_utc_days_today_included(client_logged_in):
    """ "The last 7 days" are today and the six before it, by the push's UTC day, as every
    figure of a page cached for the day; the 8th day back is out, whatever its hour."""
    org = _account(login="day-org", kind=AccountKind.ORG)
    midnight = datetime.combine(today_utc(), time(), tzinfo=UTC)
    moments = {
        "six-days-back-first-second": midnight - timedelta(days=6),
        "seven-days-back-last-second": midnight - timedelta(days=6, seconds=1),
        "twenty-nine-days-back": midnight - timedelta(days=29) + timedelta(hours=12),
    }
    for name, moment in moments.items():
        RepositoryFactory(owner=org, name=name, pushed_at=moment, created_at=moment)
    panel = _panel(client_logged_in.get("/u/day-org").content.decode())
    assert "<dt>Repositories pushed to in the last 7 days</dt><dd>1</dd>" in panel
    assert "<dt>Repositories pushed to in the last 30 days</dt><dd>3</dd>" in panel


def test_the_dashboard_with_activity_is_a_constant_number_of_queries(
    client_logged_in, htmx, two_years, django_assert_num_queries
):
    for index in range(20):
        RepositoryFactory(owner=two_years, name=f"repo-{index}")
    # The user, the account (with whether I track it), its snapshots, its summed star history,
    # its repositories' creation dates, its contribution years (the year shown among them), its
    # activity bookkeeping, the table's count and page.
    with django_assert_num_queries(9):
        client_logged_in.get(PAGE)
    # Another year, the panel alone: the user, the account, the years, the bookkeeping.
    with django_assert_num_queries(4):
        htmx.get(f"{PAGE}?year={today_utc().year - 1}", target="activity")


def test_an_organisation_panel_is_one_query_more(client_logged_in, django_assert_num_queries):
    org = _account(login="big-org", kind=AccountKind.ORG)
    for index in range(20):
        RepositoryFactory(owner=org, name=f"repo-{index}")
    # The user, the account, its repositories' creation and push dates and its summed star
    # history (each read once, for the panel and the history alike), its public events (the
    # panel's own), its snapshots, the table's count and page.
    with django_assert_num_queries(8):
        client_logged_in.get("/u/big-org")


def test_anonymous_people_are_sent_to_log_in(client, htmx_anonymous, two_years):
    response = client.get(f"{PAGE}?year=2024")
    assert response.status_code == HTTPStatus.FOUND
    assert "/login" in response["Location"]
    polled = htmx_anonymous.get(PAGE, target="activity")
    assert "HX-Redirect" in polled
    assert "activity" not in polled.content.decode()


def test_each_year_is_its_own_page_in_the_cache(client_logged_in, two_years):
    # The body is shared between people under the account's version: the year is in its key.
    last = today_utc().year - 1
    this_year = client_logged_in.get(PAGE).content.decode()
    assert f"Activity in {today_utc().year}</h2>" in this_year
    assert (
        f"Activity in {last}</h2>" in client_logged_in.get(f"{PAGE}?year={last}").content.decode()
    )
