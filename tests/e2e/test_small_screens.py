"""Issue 15, items 7 and 8 in Chromium: at 375 px the dashboard's repositories table fits the
page (the secondary columns are not displayed), and the API docs are dark in dark mode."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import MOBILE_VIEWPORT, assert_no_horizontal_scroll
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

pytestmark = pytest.mark.e2e

LONG_NAME = "an-uncommonly-long-repository-name-that-would-push-a-phone-table-sideways"


@pytest.mark.browser_context_args(viewport=MOBILE_VIEWPORT, is_mobile=True, has_touch=True)
def test_the_repositories_table_fits_375px(logged_in_page: Page, screenshot):
    account = GitHubAccountFactory(login="phone-table")
    RepositoryFactory(
        owner=account, name=LONG_NAME, language="JavaScript", stars=123456, forks=9999
    )
    RepositoryFactory(owner=account, name="small", language="Objective-C++", stars=7, forks=1)
    snapshots_for(account, days=3)
    page = logged_in_page
    page.set_viewport_size(MOBILE_VIEWPORT)
    page.goto("/u/phone-table")
    expect(page.locator(".repo-table")).to_be_visible()
    screenshot(page, "dashboard-table-375px")

    assert page.evaluate("document.scrollingElement.scrollWidth") <= MOBILE_VIEWPORT["width"]
    for cell in page.locator(".repo-table .col-secondary").all():
        expect(cell).to_be_hidden()
    expect(page.locator(".repo-table th", has_text="Language")).to_be_visible()
    expect(page.locator(".repo-table th", has_text="Stars")).to_be_visible()
    # The table itself fits too: nothing hidden behind a sideways scroll in its wrapper.
    wrap = page.locator("#repos .table-wrap")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


@pytest.mark.parametrize(("scheme", "dark"), [("dark", True), ("light", False)])
def test_the_api_docs_follow_the_colour_scheme(new_context, scheme: str, dark: bool, screenshot):
    page = new_context(color_scheme=scheme).new_page()
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    expect(page.get_by_role("link", name="← Gitpulse")).to_be_visible()
    screenshot(page, f"api-docs-{scheme}")
    # The luminance of the page's background and of what is drawn over Swagger's white panel.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    rgb = [int(part) for part in background.removeprefix("rgb(").rstrip(")").split(",")[:3]]
    assert (max(rgb) < 64) is dark, background
    # Swagger's own panel (light colours hard-coded by swagger-ui.css) is darkened as a whole.
    panel_filter = page.evaluate("getComputedStyle(document.getElementById('swagger-ui')).filter")
    assert ("invert" in panel_filter) is dark, panel_filter
    # Schema names: in dark, the panel's text on no grey of their own (inverted, light on dark).
    name = page.locator(".json-schema-2020-12-accordion").first
    expect(name).to_be_visible()
    name_background = name.evaluate("e => getComputedStyle(e).backgroundColor")
    assert (name_background == "rgba(0, 0, 0, 0)") is dark, name_background


@pytest.mark.browser_context_args(viewport=MOBILE_VIEWPORT, is_mobile=True, has_touch=True)
def test_the_repository_compare_table_fits_375px(logged_in_page: Page, screenshot):
    owner = GitHubAccountFactory(login="an-organisation-with-a-long-name")
    names = [f"{LONG_NAME}-{n}" for n in range(4)]
    for n, name in enumerate(names):
        RepositoryFactory(owner=owner, name=name, language="TypeScript", stars=10**n * 1234)
    page = logged_in_page
    page.set_viewport_size(MOBILE_VIEWPORT)
    page.goto("/compare/repos/?repos=" + ",".join(f"{owner.login}/{name}" for name in names))
    expect(page.get_by_text(names[3], exact=False).first).to_be_visible()
    screenshot(page, "compare-repos-375px")

    assert_no_horizontal_scroll(page)
    # Four columns of 1,234,000 would break mid-number: compact figures, the exact one kept
    # for screen readers and as the cell's title.
    stars = page.locator(".compare-table tbody tr", has_text="Stars").locator("td")
    expect(stars.last).to_have_attribute("title", "1,234,000")
    assert stars.last.locator("[aria-hidden=true]").inner_text() == "1.2M"
    line = stars.last.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert (
        stars.last.locator("[aria-hidden=true]").evaluate("e => e.getBoundingClientRect().height")
        < 1.5 * line
    )
