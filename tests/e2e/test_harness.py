"""The browser harness itself: later browser tests rely on it to notice JavaScript errors, CSP
violations, server errors, sideways scrolling and any attempt to leave the machine."""

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import BrowserProblems
from tests.e2e.helpers import MOBILE_VIEWPORT, assert_no_horizontal_scroll

pytestmark = pytest.mark.e2e

# Served by the test at a live-server URL, under the same kind of policy as the site's own.
CSP = "default-src 'self'; img-src 'self' https:; connect-src 'self' https:"
BROKEN_PAGE = """<!doctype html><html><head><title>broken</title>
<script>console.log("inline scripts are refused by the policy")</script>
</head><body><img alt="" src="https://avatars.githubusercontent.com/u/1?v=4">
<script src="/__harness__/broken.js"></script></body></html>"""
# One step after another, so that the uncaught error at the end is the last thing that happens
# and waiting for it is waiting for everything.
BROKEN_JS = """
(async () => {
  await fetch("https://example.com/tracker").catch(() => {});
  await fetch("/__harness__/server-error");
  console.error("something broke");
  setTimeout(() => { throw new Error("uncaught in the page"); });
})();
"""
WIDE_PAGE = """<!doctype html><html><head><meta name="viewport"
content="width=device-width, initial-scale=1"></head>
<body><div id="too-wide" style="width: 600px">wide</div></body></html>"""


def _serve(route: Route) -> None:
    path = route.request.url.split("/__harness__/", 1)[1]
    if path == "broken":
        body, content_type, status = BROKEN_PAGE, "text/html", 200
    elif path == "broken.js":
        body, content_type, status = BROKEN_JS, "text/javascript", 200
    elif path == "wide":
        # No policy here: its inline style would (rightly) be reported as a violation.
        route.fulfill(body=WIDE_PAGE, content_type="text/html")
        return
    else:
        body, content_type, status = "boom", "text/plain", 500
    headers = {"Content-Security-Policy": CSP}
    route.fulfill(status=status, body=body, content_type=content_type, headers=headers)


def test_harness_records_every_kind_of_browser_problem(
    page: Page, browser_problems: BrowserProblems
):
    page.route("**/__harness__/**", _serve)
    with page.expect_event("pageerror"):
        page.goto("/__harness__/broken")

    assert any("Content Security Policy" in v for v in browser_problems.csp_violations)
    assert any("something broke" in e for e in browser_problems.console_errors)
    assert any("uncaught in the page" in e for e in browser_problems.page_errors)
    assert any(e.endswith("/__harness__/server-error") for e in browser_problems.server_errors)
    assert browser_problems.offsite_requests == ["fetch https://example.com/tracker"]
    assert browser_problems.stubbed_images == ["https://avatars.githubusercontent.com/u/1?v=4"]
    assert "Uncaught exceptions" in browser_problems.summary()
    # Recorded as intended; cleared so this test does not fail at teardown.
    browser_problems.clear()


@pytest.mark.browser_context_args(viewport=MOBILE_VIEWPORT, is_mobile=True)
def test_harness_notices_sideways_scrolling(page: Page):
    page.route("**/__harness__/**", _serve)
    page.goto("/__harness__/wide")
    expect(page.locator("#too-wide")).to_be_visible()
    with pytest.raises(AssertionError, match=r"scrolls sideways.*div#too-wide"):
        assert_no_horizontal_scroll(page)


def test_harness_accepts_problems_a_test_expects(page: Page, browser_problems: BrowserProblems):
    # A test of an error page says which failure it expects; nothing else is let through.
    browser_problems.allow(r"/__harness__/server-error")
    page.route("**/__harness__/**", _serve)
    with page.expect_response(lambda response: response.status == 500):
        page.goto("/__harness__/server-error")
    assert browser_problems.server_errors == []
