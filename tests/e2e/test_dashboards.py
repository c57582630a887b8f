"""Issue 4 in a real browser, against the live server and the fake GitHub (tasks inline): search →
progress → dashboard, refresh, track → watchlist (untrack, undo), compare (add, remove, the
chart), and the pages at 375 px without sideways scrolling. The harness fails any test on a
JavaScript error, a CSP violation, a 5xx or a request leaving the machine."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from github_stats.models import AccountSnapshot, GitHubAccount, Tracking, today_utc
from github_stats.services.jobs import refresh_job_create, refresh_job_run
from tests.e2e.helpers import MOBILE_VIEWPORT, assert_no_horizontal_scroll
from tests.fakegithub import HOSTILE_SCRIPT, FakeGitHub

pytestmark = pytest.mark.e2e

EMPTY_WATCHLIST = "You are not watching any account yet"


def search(page: Page, text: str) -> None:
    box = page.get_by_role("navigation", name="Main").get_by_role("combobox")
    box.fill(text)
    box.press("Enter")


def history(login: str, *, days: int = 90, stars_from: int = 50, step: int = 3) -> None:
    """Past snapshots under today's (written by the refresh), so the charts have a shape."""
    account = GitHubAccount.objects.get(login__iexact=login)
    today = today_utc()
    AccountSnapshot.objects.bulk_create(
        [
            AccountSnapshot(
                account=account,
                date=today - timedelta(days=days - i),
                followers=max(account.followers - (days - i) // 3, 0),
                public_repos=account.public_repos,
                total_stars=stars_from + i * step,
                total_forks=10 + i // 5,
            )
            for i in range(days)
        ],
        ignore_conflicts=True,
    )
    # Today's snapshot and the account's totals are the refresh's: bring them in line with the
    # made-up past.
    AccountSnapshot.objects.filter(account=account, date=today).update(
        total_stars=stars_from + days * step
    )
    GitHubAccount.objects.filter(pk=account.pk).update(total_stars=stars_from + days * step)


def snap(screenshot, page: Page, name: str) -> None:
    """A screenshot, then the empty style="" it leaves behind removed. Playwright hides the text
    caret for the shot with an inline style on the focused field and leaves the attribute empty;
    htmx's settle step would copy it onto the swapped-in field with the same id, which our CSP
    (rightly) reports as an inline style."""
    screenshot(page, name)
    page.evaluate(
        "document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))"
    )


def fetch(page: Page, login: str) -> None:
    """Open an account's dashboard; the inline refresh stores it on the way."""
    page.goto(f"/u/{login}")
    expect(page.locator("#profile-name")).to_be_visible()


def test_search_shows_progress_then_swaps_in_the_dashboard(
    logged_in_page: Page, fake_github: FakeGitHub, screenshot
):
    page = logged_in_page
    fake_github.state.add_user("octo-e2e", repos=30)
    # A refresh already queued (by the scheduler, say) that no worker has run yet: the first
    # visit joins it and shows its progress instead of fetching inline.
    job = refresh_job_create(account=None, login="octo-e2e", enqueue=False)

    page.goto("/watchlist/")
    search(page, "octo-e2e")
    expect(page).to_have_url(re.compile(r"/u/octo-e2e$"))
    expect(
        page.get_by_role("heading", name=re.compile("Fetching octo-e2e from GitHub"))
    ).to_be_visible()
    snap(screenshot, page, "progress")

    refresh_job_run(job_id=job.pk)  # what the worker does

    # The poller (every second) sees the job done and swaps the dashboard in, same URL.
    expect(page.locator("#profile-name")).to_contain_text("Octo-E2E")
    expect(page.locator("#repos")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/u/octo-e2e$"))
    snap(screenshot, page, "dashboard")


def test_refresh_then_track_and_find_it_on_the_watchlist(
    logged_in_page: Page, logged_in_user, fake_github: FakeGitHub, screenshot
):
    page = logged_in_page
    fake_github.state.add_user("tracker-e2e", repos=12)
    page.goto("/watchlist/")
    expect(page.get_by_role("heading", name=EMPTY_WATCHLIST)).to_be_visible()
    search(page, "tracker-e2e")
    expect(page.locator("#profile-name")).to_be_visible()
    history("tracker-e2e")

    calls_before = fake_github.state.total
    with page.expect_response(re.compile(r"/u/tracker-e2e/refresh$")) as refreshed:
        page.locator("#refresh-status").get_by_role("button", name="Refresh").click()
    assert refreshed.value.ok
    expect(page.locator("#refresh-status")).to_contain_text(
        re.compile("Refreshed (just now|in a moment)")
    )
    assert fake_github.state.total > calls_before, "Refresh did not ask GitHub"
    snap(screenshot, page, "refreshed")

    page.locator("#track").get_by_role("button", name="Track").click()
    expect(page.locator("#track").get_by_role("button", name="Tracking")).to_be_visible()
    assert Tracking.objects.filter(user=logged_in_user, account__login="tracker-e2e").exists()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Watchlist").click()
    row = page.locator("#watch-tracker-e2e")
    expect(row).to_be_visible()
    expect(row.locator("svg.sparkline")).to_be_visible()
    expect(page.get_by_text("keeps fresh", exact=False)).to_be_visible()
    snap(screenshot, page, "watchlist")

    row.get_by_role("button", name=re.compile("Untrack")).click()
    expect(page.get_by_role("heading", name=EMPTY_WATCHLIST)).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#watch-tracker-e2e")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/watchlist/$"))
    snap(screenshot, page, "watchlist-after-undo")


def test_a_throttled_refresh_keeps_the_page_and_its_button(
    logged_in_page: Page, fake_github: FakeGitHub, settings, screenshot
):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "refresh": "1/m"}
    page = logged_in_page
    fake_github.state.add_user("eager-e2e", repos=3)
    fetch(page, "eager-e2e")
    status = page.locator("#refresh-status")
    for expected in ("Refreshed", "Too many refreshes. You can press Refresh again in"):
        with page.expect_response(re.compile(r"/u/eager-e2e/refresh$")):
            status.get_by_role("button", name="Refresh").click()
        expect(status).to_contain_text(expected)
    # The page as it was: one heading, the figures, and the button to press again later.
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator(".figures")).to_be_visible()
    expect(status.get_by_role("button", name="Refresh")).to_be_visible()
    snap(screenshot, page, "throttled")


def test_a_cached_dashboard_tracks_with_its_own_csrf_token(
    logged_in_page: Page, logged_in_user, fake_github: FakeGitHub
):
    page = logged_in_page
    fake_github.state.add_user("cached-e2e", repos=3)
    fetch(page, "cached-e2e")  # the first visit refreshes (and is not cached)
    fetch(page, "cached-e2e")  # rendered and cached
    with page.expect_response(re.compile(r"/u/cached-e2e$")) as served:
        fetch(page, "cached-e2e")  # from the response cache
    assert served.value.ok
    # htmx posts with the X-CSRFToken of <body>: a cached page is kept per CSRF secret, so the
    # token in it is one this browser's cookie accepts.
    page.locator("#track").get_by_role("button", name="Track").click()
    expect(page.locator("#track").get_by_role("button", name="Tracking")).to_be_visible()
    assert Tracking.objects.filter(user=logged_in_user, account__login="cached-e2e").exists()
    # Tracking published a new watchlist version, which the cached page carried: a reload renders.
    page.reload()
    expect(page.locator("#track").get_by_role("button", name="Tracking")).to_be_visible()


def test_watchlist_sorts_with_htmx_and_keeps_the_url(
    logged_in_page: Page, logged_in_user, fake_github: FakeGitHub, screenshot
):
    page = logged_in_page
    for login, stars in (("sort-few", 10), ("sort-many", 900)):
        fake_github.state.add_user(login, repos=2)
        fetch(page, login)
        history(login, stars_from=stars, step=0)
        Tracking.objects.create(user=logged_in_user, account=GitHubAccount.objects.get(login=login))
    page.goto("/watchlist/?sort=name")
    rows = page.locator(".watchlist-table tbody tr")
    expect(rows.first).to_have_id("watch-sort-few")
    page.get_by_role("navigation", name="Sort the watchlist").get_by_role(
        "link", name="Stars", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/watchlist/\?sort=stars$"))
    expect(rows.first).to_have_id("watch-sort-many")
    snap(screenshot, page, "sorted-by-stars")


def test_compare_add_and_remove_accounts_with_a_shareable_url(
    logged_in_page: Page, fake_github: FakeGitHub, browser_problems, screenshot
):
    page = logged_in_page
    browser_problems.allow(r"status of 400 \(Bad Request\)")  # the deliberate bad input
    for login in ("alice-e2e", "bob-e2e", "carol-e2e"):
        fake_github.state.add_user(login, repos=8)
    page.goto("/compare/")
    expect(page.get_by_role("heading", name="Pick two to four accounts")).to_be_visible()

    add = page.get_by_label("Add an account")
    add.fill("bob-e2e")
    add.press("Enter")
    expect(page).to_have_url(re.compile(r"/compare/\?logins=bob-e2e$"))
    expect(page.get_by_role("heading", name="Add one more account")).to_be_visible()

    add = page.get_by_label("Add an account")
    add.fill("https://github.com/Alice-E2E")
    add.press("Enter")
    # Canonical: lower case, in the order added; pushed by the server (HX-Push-Url).
    expect(page).to_have_url(re.compile(r"/compare/\?logins=bob-e2e,alice-e2e$"))
    chart = page.locator("#compare-history-wide")
    expect(chart).to_be_visible()
    expect(chart.locator("path.chart-path")).to_have_count(2)
    # Five figures, and five activity figures (this year, last year, all-time, two streaks).
    expect(page.locator(".compare-table tbody tr:not(.compare-activity)")).to_have_count(5)
    expect(page.locator(".compare-table tbody tr.compare-activity")).to_have_count(5)
    snap(screenshot, page, "two-accounts")

    page.get_by_label("Add an account").fill("carol-e2e")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page).to_have_url(re.compile(r"/compare/\?logins=bob-e2e,alice-e2e,carol-e2e$"))
    page.get_by_role("link", name="Followers", exact=True).click()
    expect(page.locator("#compare-history-title")).to_have_text("Followers over 90 days")
    expect(page).to_have_url(re.compile(r"metric=followers"))

    page.get_by_role("link", name="Remove alice-e2e from the comparison").click()
    expect(page).to_have_url(re.compile(r"/compare/\?logins=bob-e2e,carol-e2e&metric=followers$"))
    expect(chart.locator("path.chart-path")).to_have_count(2)
    snap(screenshot, page, "after-remove")

    # The URL is the comparison: opened elsewhere it shows the same thing.
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    expect(other.locator(".compare-profile")).to_have_count(2)

    # Bad input is a message, not an error page.
    page.goto("/compare/?logins=a1,b2,c3,d4,e5")
    expect(page.get_by_text("Compare at most 4 accounts")).to_be_visible()


@pytest.mark.browser_context_args(viewport=MOBILE_VIEWPORT, is_mobile=True, has_touch=True)
def test_dashboard_watchlist_and_compare_fit_375px(
    logged_in_page: Page, logged_in_user, fake_github: FakeGitHub, browser_problems, screenshot
):
    page = logged_in_page
    page.set_viewport_size(MOBILE_VIEWPORT)
    # Long names, hostile strings and many repositories: the worst a phone sees.
    fake_github.state.add_org("a-very-long-organisation-name-e2e", repos=60, hostile=True)
    fake_github.state.add_user("phone-user-e2e", repos=5)
    fetch(page, "a-very-long-organisation-name-e2e")
    fetch(page, "phone-user-e2e")
    for login in ("a-very-long-organisation-name-e2e", "phone-user-e2e"):
        history(login)
        Tracking.objects.create(user=logged_in_user, account=GitHubAccount.objects.get(login=login))

    page.goto("/u/a-very-long-organisation-name-e2e")
    expect(page.locator("#profile-name")).to_be_visible()
    assert page.evaluate("window.innerWidth") == MOBILE_VIEWPORT["width"]
    assert_no_horizontal_scroll(page)
    assert HOSTILE_SCRIPT not in page.content()  # GitHub's strings are text
    snap(screenshot, page, "dashboard-375px")

    page.goto("/watchlist/")
    expect(page.locator(".watchlist-table tbody tr")).to_have_count(2)
    assert_no_horizontal_scroll(page)
    snap(screenshot, page, "watchlist-375px")

    page.goto("/compare/?logins=a-very-long-organisation-name-e2e,phone-user-e2e")
    expect(page.locator("#compare-history-narrow")).to_be_visible()
    expect(page.locator("#compare-history-wide")).to_be_hidden()
    assert_no_horizontal_scroll(page)
    snap(screenshot, page, "compare-375px")


def test_compare_keeps_the_given_order_names_what_it_left_out_and_picks_a_log_scale(
    logged_in_page: Page, fake_github: FakeGitHub, screenshot
):
    page = logged_in_page
    fake_github.state.add_user("giant-e2e", repos=3)
    fake_github.state.add_user("small-e2e", repos=1)
    for login in ("giant-e2e", "small-e2e"):
        fetch(page, login)
    for login, followers in (("giant-e2e", 30_000), ("small-e2e", 49)):
        GitHubAccount.objects.filter(login=login).update(followers=followers)
        AccountSnapshot.objects.filter(account__login=login).update(followers=followers)

    page.goto("/compare/?logins=small-e2e,giant-e2e,c3,d4,e5&metric=followers")
    expect(page.get_by_role("status").filter(has_text="Left out: e5.")).to_be_visible()
    chips = page.get_by_role("list", name="Accounts compared").get_by_role("listitem")
    expect(chips.first).to_contain_text("small-e2e")
    expect(chips.nth(1)).to_contain_text("giant-e2e")

    page.goto("/compare/?logins=small-e2e,giant-e2e&metric=followers")
    caption = page.locator(".compare-chart figcaption")
    expect(caption).to_contain_text("Log scale, chosen because these accounts differ")
    snap(screenshot, page, "log-scale")
    page.get_by_role("navigation", name="Scale").get_by_role("link", name="Linear").click()
    expect(caption).to_contain_text("One scale for every account.")
    expect(page).to_have_url(re.compile(r"scale=linear"))


def test_the_repository_table_sorts_both_ways_and_filters_by_name(
    logged_in_page: Page, fake_github: FakeGitHub
):
    page = logged_in_page
    fake_github.state.add_user("table-e2e", repos=30)
    fetch(page, "table-e2e")
    stars = page.locator("#repos thead th").nth(2)
    expect(stars).to_have_attribute("aria-sort", "descending")
    stars.get_by_role("link", name="Stars").click()
    expect(page.locator("#repos thead th").nth(2)).to_have_attribute("aria-sort", "ascending")
    expect(page).to_have_url(re.compile(r"order=asc"))
    page.locator("#repos thead th").nth(2).get_by_role("link", name="Stars").click()
    expect(page.locator("#repos thead th").nth(2)).to_have_attribute("aria-sort", "descending")

    first = page.locator("#repos tbody tr").first.locator(".repo-name").inner_text()
    page.get_by_placeholder("Filter by name").fill(first)
    expect(page.locator("#repos tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"name={re.escape(first)}"))
