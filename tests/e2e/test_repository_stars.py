"""The star history in a real browser, against the live server and the fake GitHub (tasks inline,
so a refresh's star-history fill runs right after it): search owner/repo → progress → the
repository page with a star chart of many points; its ranges swap only the panel; compare two
repositories."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from github_stats.services.jobs import refresh_job_create, refresh_job_run
from tests.fakegithub import FakeGitHub

pytestmark = pytest.mark.e2e


def search(page: Page, text: str) -> None:
    box = page.get_by_role("navigation", name="Main").get_by_role("combobox")
    box.fill(text)
    box.press("Enter")


@pytest.fixture
def star_histories(settings):
    # Off in the test settings (most tests do not want the extra requests); this one does.
    settings.STAR_HISTORY_FETCH = True
    settings.STAR_HISTORY_BUDGET = 100


def test_search_a_repository_then_read_its_star_history(
    logged_in_page: Page, fake_github: FakeGitHub, star_histories, screenshot
):
    page = logged_in_page
    fake_github.state.add_user("stellar", repos=0)
    created = datetime.now(UTC) - timedelta(days=6 * 365)
    fake_github.state.add_repo("stellar", "nova", stars=4_000, created_at=created)
    # A refresh already queued that no worker has run yet: the page shows its progress.
    job = refresh_job_create(account=None, login="stellar", enqueue=False)

    page.goto("/watchlist/")
    search(page, "stellar/nova")
    expect(page).to_have_url(re.compile(r"/r/stellar/nova$"))
    expect(page.get_by_role("heading", name=re.compile("Fetching stellar.nova"))).to_be_visible()

    refresh_job_run(job_id=job.pk)  # the worker: the refresh, then (on commit) the star history

    expect(page.get_by_role("heading", name="nova")).to_be_visible()
    stars = page.locator("#stars")
    expect(stars.locator("svg.chart-stars")).to_be_visible()
    points = stars.locator("svg.chart-stars .star-hover > g")
    # Six years: a bar a week, and (past three years) a hover column a month listing its weeks.
    assert points.count() > 60, "a hover column a month for six years"
    expect(stars.locator(".star-biggest li")).to_have_count(3)
    last = points.last.locator("title").text_content() or ""
    assert re.search(r"[\d,]+ in all \(weeks of [A-Z][a-z]{2} \d{1,2} [+-][\d,]+.*\)$", last), last
    screenshot(page, "star-history")

    # A range swaps the panel only, and the address bar keeps it shareable.
    heading = page.get_by_role("heading", name="nova")
    heading.evaluate("element => element.dataset.kept = 'yes'")
    stars.get_by_role("link", name="90 days").click()
    expect(page).to_have_url(re.compile(r"/r/stellar/nova\?range=90$"))
    expect(stars.locator("svg.chart-stars .star-hover > g")).to_have_count(90)
    expect(heading).to_have_attribute("data-kept", "yes")  # the rest of the page stayed
    stars.get_by_role("link", name="Linear").click()
    expect(page).to_have_url(re.compile(r"range=90&scale=linear$"))


def test_compare_two_repositories(
    logged_in_page: Page, fake_github: FakeGitHub, star_histories, screenshot
):
    page = logged_in_page
    fake_github.state.add_user("stellar", repos=0)
    fake_github.state.add_repo(
        "stellar", "nova", stars=900, created_at=datetime.now(UTC) - timedelta(days=1500)
    )
    fake_github.state.add_org("orbit", repos=0)
    fake_github.state.add_repo(
        "orbit", "probe", stars=120, created_at=datetime.now(UTC) - timedelta(days=400)
    )
    page.goto("/r/stellar/nova")  # stored on the way (inline refresh and fill)
    expect(page.locator("#stars svg.chart-stars")).to_be_visible()

    page.get_by_role("link", name="Compare with…").click()
    expect(page).to_have_url(re.compile(r"/compare/repos/\?repos=stellar/nova$"))
    expect(page.get_by_role("heading", name="Add one more repository")).to_be_visible()
    box = page.get_by_label("Repositories, as owner/name separated by commas")
    box.fill("stellar/nova, orbit/probe")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/compare/repos/\?repos=stellar/nova,orbit/probe$"))
    chart = page.locator("#compare-stars-wide")
    expect(chart.locator("path.chart-stroke-1")).to_have_count(1)
    expect(chart.locator("path.chart-stroke-2")).to_have_count(1)
    screenshot(page, "compare-by-date")

    page.locator("#compare-stars").get_by_role("link", name="By age").click()
    expect(page).to_have_url(re.compile(r"align=age"))
    expect(chart.locator("text", has_text="created")).to_have_count(1)
    expect(page.locator(".compare-table")).to_contain_text("orbit/probe")
