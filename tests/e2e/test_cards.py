"""The embeddable cards in a real Chromium: every kind shown through <img> on another page
renders (a non-zero natural width) in light and dark, `theme=auto` follows the colour scheme
inside the image, a card opened on its own breaks no CSP, and the Markdown snippet of the embed
panel, pasted into a page as the image it stands for, renders."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from github_stats.selectors.card_kinds import card_kinds
from tests.github_stats.factories import account_sums_store
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

pytestmark = pytest.mark.e2e

CARDS = [
    "/cards/octocat/stats.svg",
    "/cards/octocat/languages.svg",
    "/cards/octocat/languages.svg?layout=compact&by=count",
    "/cards/octocat/history.svg",
    "/cards/octocat/Hello-World/pin.svg",
    "/cards/octocat/Hello-World/stars.svg",
    "/cards/nobody-here/stats.svg",  # the placeholder
]
README = "/e2e-readme/"  # a page of the live server's origin, answered by the test itself


@pytest.fixture
def octocat(transactional_db):
    account = GitHubAccountFactory(login="octocat", name="The Octocat", followers=1234)
    RepositoryFactory(owner=account, name="Hello-World", language="Python", stars=2500)
    RepositoryFactory(owner=account, name="Spoon-Knife", language="HTML", stars=12)
    account_sums_store(account)
    snapshots_for(account, days=40)
    return account


def _readme(page: Page, origin: str, images: str) -> None:
    """Open a page of the server's origin made of `images` (served by the test, as a README
    rendered elsewhere would be), and wait until every image has loaded or failed."""
    document = f"<!doctype html><html><body>{images}</body></html>"
    page.route(
        f"{origin}{README}",
        lambda route: route.fulfill(status=200, content_type="text/html", body=document),
    )
    page.goto(README)
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")


def _widths(page: Page) -> list[int]:
    return page.eval_on_selector_all("img", "images => images.map(image => image.naturalWidth)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_card_renders_as_an_image(page: Page, live_server, octocat, scheme):
    page.emulate_media(color_scheme=scheme)
    themes = ["", "?theme=dark", "?theme=auto"]
    images = "".join(
        f'<img src="{path}{theme if "?" not in path else theme.replace("?", "&")}" alt="">'
        for path in CARDS
        for theme in themes
    )
    _readme(page, live_server.url, images)
    widths = _widths(page)
    assert len(widths) == len(CARDS) * len(themes)
    assert all(width > 0 for width in widths), widths


def test_theme_auto_follows_the_colour_scheme_inside_the_image(page: Page, live_server, octocat):
    _readme(page, live_server.url, '<img id="card" src="/cards/octocat/stats.svg?theme=auto">')
    light = page.locator("#card").screenshot()
    page.emulate_media(color_scheme="dark")
    page.reload()
    page.wait_for_function("document.getElementById('card').complete")
    dark = page.locator("#card").screenshot()
    assert light != dark


def test_a_card_opened_on_its_own_renders_under_its_own_policy(page: Page, octocat):
    # browser_problems fails the test on any CSP violation: the card's <style> is allowed by
    # the card's policy, and nothing else is in it.
    response = page.goto("/cards/octocat/stats.svg?theme=auto")
    assert response is not None
    assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert page.locator("svg text").first.is_visible()
    assert page.evaluate("document.documentElement.getBBox().width") > 0


def test_the_markdown_snippet_pasted_into_a_page_renders(
    logged_in_page: Page, live_server, octocat
):
    logged_in_page.goto("/u/octocat")
    panel = logged_in_page.locator("details.embed-panel")
    panel.locator("summary").click()
    previews = panel.locator("img")
    previews.first.scroll_into_view_if_needed()
    snippets = panel.locator('textarea[data-embed="markdown"]')
    # One snippet per account card kind (stats, languages, history, activity).
    assert snippets.count() == len(card_kinds(scope="account"))
    markdown = snippets.first.input_value()
    # What a Markdown renderer makes of it: [![alt](src)](href) → <a href><img src alt></a>.
    match = re.fullmatch(r"\[!\[([^\]]*)\]\(([^)]+)\)\]\(([^)]+)\)", markdown)
    assert match, markdown
    alt, src, href = match.groups()
    assert src.startswith(live_server.url)
    _readme(logged_in_page, live_server.url, f'<a href="{href}"><img src="{src}" alt="{alt}"></a>')
    assert _widths(logged_in_page) == [360]
