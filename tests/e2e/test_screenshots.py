"""The README's screenshots come from `make demo` (tests/e2e/screenshots.py), in CI too: the
images land in test-artifacts/screenshots/, which CI keeps. The demo must show the product as
the README does: a year of history drawn as curves, and the not-found state for `nobody`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.e2e.screenshots import SHOTS, Demo, demo_running, take_screenshots
from tests.svg_paths import drawn


@pytest.fixture(scope="module")
def demo() -> Demo:
    with demo_running() as running:
        yield running


def test_the_screenshots_are_taken_from_make_demo(browser: Browser, demo: Demo):
    taken = take_screenshots(browser, demo)
    assert [path.stem for path in taken] == [name for name, *_ in SHOTS]
    for path in taken:
        assert path.stat().st_size > 10_000, f"{path.name} looks empty"


def test_the_demo_dashboard_draws_a_year_as_curves(browser: Browser, demo: Demo):
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": demo.session, "url": demo.url}])
    page = context.new_page()
    page.goto(f"{demo.url}/u/alice?days=365")
    chart = page.locator("svg[aria-labelledby^='history-total_stars']")
    path = chart.locator("path.chart-path").first.get_attribute("d")
    assert path is not None
    (line,) = drawn(path)
    assert len(line) > 300  # a point a day, not one dot
    assert "A point is added every day" not in page.content()
    context.close()
