"""The dashboard's activity panel in a real browser: the heatmap renders (an SVG of a cell a
day), the keyboard reaches a day and its exact count is readable, and the year selector swaps
the panel through htmx without loading the page again."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from github_stats.models import ContributionYear, today_utc, year_pairs
from tests.pages.factories import GitHubAccountFactory, SnapshotFactory

pytestmark = pytest.mark.e2e

LOGIN = "busy-bee"


@pytest.fixture
def two_years(transactional_db):
    """A user refreshed just now (nothing is fetched on the visit) with two stored years."""
    account = GitHubAccountFactory(login=LOGIN)
    SnapshotFactory(account=account, date=today_utc())
    today = today_utc()
    this = {date(today.year, 1, 1) + timedelta(days=n): 1 + n % 5 for n in range(0, 300, 3)}
    this = {day: count for day, count in this.items() if day <= today}
    this[date(today.year, 1, 1)] = 3
    last = {date(today.year - 1, 3, 4): 3, date(today.year - 1, 7, 1): 12}
    for year, days in ((today.year, this), (today.year - 1, last)):
        ContributionYear.objects.create(
            account=account,
            year=year,
            days=year_pairs(days),
            total=sum(days.values()),
            commits=sum(days.values()),
            by_repository=[[f"{LOGIN}/hive", 5]],
            fetched_at=timezone.now(),
        )
    return account


def test_the_heatmap_renders_a_cell_a_day(logged_in_page: Page, two_years, screenshot):
    page = logged_in_page
    page.goto(f"/u/{LOGIN}")
    heatmap = page.locator("#activity svg.heatmap")
    expect(heatmap).to_be_visible()
    cells = heatmap.locator("rect.heat")
    expect(cells).to_have_count(today_utc().timetuple().tm_yday)
    box = heatmap.bounding_box()
    assert box is not None
    assert box["width"] > 500, box
    screenshot(page, "activity")


def test_the_keyboard_reaches_a_day_and_reads_its_exact_count(logged_in_page: Page, two_years):
    page = logged_in_page
    page.goto(f"/u/{LOGIN}")
    year = today_utc().year
    # The last link before the heatmap is the year selector's; the next Tab is January 1st.
    page.locator("#activity nav a").last.focus()
    page.keyboard.press("Tab")
    focused = page.locator("#activity rect.heat:focus")
    expect(focused).to_have_count(1)
    first = date(year, 1, 1)
    expect(focused.locator("title")).to_have_text(f"3 contributions on {first:%a}, Jan 1, {year}")
    # The focus is seen: a ring in the focus colour.
    width = focused.evaluate("element => getComputedStyle(element).strokeWidth")
    assert width == "2px", width
    # One tab stop for the whole grid (a roving tabindex): the arrow keys move within it.
    page.keyboard.press("ArrowDown")
    second = date(year, 1, 2)
    expect(page.locator("#activity rect.heat:focus title")).to_have_text(
        f"0 contributions on {second:%a}, Jan 2, {year}"
    )
    page.keyboard.press("ArrowRight")
    week_later = date(year, 1, 9)
    expect(page.locator("#activity rect.heat:focus title")).to_contain_text(
        f"on {week_later:%a}, Jan 9, {year}"
    )
    page.keyboard.press("End")
    expect(page.locator("#activity rect.heat:focus title")).to_contain_text(
        f"{today_utc():%b} {today_utc().day}, {year}"
    )
    # Tab leaves the grid at once, not after 300 days; Shift+Tab comes back to the same day.
    page.keyboard.press("Tab")
    expect(page.locator("#activity rect.heat:focus")).to_have_count(0)
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#activity rect.heat:focus title")).to_contain_text(
        f"{today_utc():%b} {today_utc().day}, {year}"
    )


def test_the_year_selector_swaps_only_the_panel(logged_in_page: Page, two_years):
    page = logged_in_page
    page.goto(f"/u/{LOGIN}")
    last = today_utc().year - 1
    heading = page.locator("#profile-name")
    heading.evaluate("element => element.dataset.kept = 'yes'")
    page.locator("#activity").get_by_role("link", name=str(last)).click()
    expect(page).to_have_url(re.compile(rf"/u/{LOGIN}\?year={last}$"))
    activity = page.locator("#activity")
    expect(activity.get_by_role("heading", name=f"Activity in {last}")).to_be_visible()
    days = (date(last, 12, 31) - date(last, 1, 1)).days + 1
    expect(activity.locator("rect.heat")).to_have_count(days)
    expect(activity.locator("rect.heat-0")).to_have_count(days - 2)  # two days with some
    july = date(last, 7, 1)
    expect(activity.locator("rect.heat title", has_text=f"on {july:%a}, Jul 1,")).to_have_text(
        f"12 contributions on {july:%a}, Jul 1, {last}"
    )
    expect(heading).to_have_attribute("data-kept", "yes")  # no page load: the rest stayed
    expect(activity.get_by_role("link", name=str(last))).to_have_attribute("aria-current", "true")
