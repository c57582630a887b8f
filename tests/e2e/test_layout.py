"""Issue 15, item 13: the account page's panels (`.card`) never touch or overlap, at 1280 and
at 375 px: every two of them either sit side by side with a gap or one under the other with
one."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import MOBILE_VIEWPORT
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

pytestmark = pytest.mark.e2e

MIN_GAP = 8  # px: var(--space-2), the smallest gap the stylesheet puts between panels

BOXES_JS = """() => [...document.querySelectorAll('main .card')]
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {id: e.id || e.className, left: r.left, right: r.right,
                      top: r.top + scrollY, bottom: r.bottom + scrollY}; })"""


def _touching(boxes: list[dict]) -> list[tuple[str, str, float]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["left"] >= b["left"]
                and a["right"] <= b["right"]
                and a["top"] >= b["top"]
                and a["bottom"] <= b["bottom"]
            ):
                continue  # one panel inside another (a card within a card) is a layout, not a clash
            if (
                b["left"] >= a["left"]
                and b["right"] <= a["right"]
                and b["top"] >= a["top"]
                and b["bottom"] <= a["bottom"]
            ):
                continue
            horizontal = max(b["left"] - a["right"], a["left"] - b["right"])
            vertical = max(b["top"] - a["bottom"], a["top"] - b["bottom"])
            gap = max(horizontal, vertical)
            if gap < MIN_GAP:
                found.append((a["id"], b["id"], round(gap, 1)))
    return found


@pytest.mark.parametrize("width", [1280, MOBILE_VIEWPORT["width"]])
def test_the_account_page_s_panels_do_not_touch(logged_in_page: Page, width: int, screenshot):
    account = GitHubAccountFactory(login="layout-check", bio="A bio that is a little long " * 3)
    for n in range(12):
        RepositoryFactory(owner=account, name=f"repo-{n}", language="Python", stars=n * 7)
    snapshots_for(account, days=40)
    page = logged_in_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/u/layout-check")
    expect(page.locator(".repo-table")).to_be_visible()
    screenshot(page, f"account-layout-{width}")

    boxes = page.evaluate(BOXES_JS)
    assert len(boxes) >= 3, boxes
    assert _touching(boxes) == []
