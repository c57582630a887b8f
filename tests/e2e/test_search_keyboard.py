"""The nav box's suggestions with the keyboard alone, in Chromium: a combobox whose arrow keys
move through the stored accounts, Enter opens the one chosen, Escape closes the list."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.github_stats.factories import GitHubAccountFactory


def test_arrow_keys_choose_a_suggestion_and_enter_opens_it(logged_in_page: Page):
    for login in ("kbd-alpha", "kbd-beta", "kbd-gamma"):
        GitHubAccountFactory(login=login)
    page = logged_in_page
    page.goto("/watchlist/")
    box = page.get_by_role("combobox", name="Search GitHub accounts and repositories")
    box.press_sequentially("kbd-")
    options = page.locator("#nav-suggestions [role=option]")
    expect(options).to_have_count(3)
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    box.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id") or "")
    box.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")  # wraps to the last
    expect(options.nth(2)).to_have_attribute("aria-selected", "true")

    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/u/kbd-gamma$"))


def test_escape_closes_the_list_and_enter_then_searches(logged_in_page: Page, fake_github):
    GitHubAccountFactory(login="kbd-delta")
    fake_github.state.add_user("kbd-d", repos=1)  # what Enter searches for: GitHub has it
    page = logged_in_page
    page.goto("/watchlist/")
    box = page.get_by_role("combobox", name="Search GitHub accounts and repositories")
    box.press_sequentially("kbd-d")
    expect(page.locator("#nav-suggestions [role=option]")).to_have_count(1)
    box.press("Escape")
    expect(page.locator("#nav-suggestions [role=option]")).to_have_count(0)
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")  # nothing chosen: the search itself
    expect(page).to_have_url(re.compile(r"/u/kbd-d$"))
    expect(page.locator("#profile-name")).to_be_visible()
