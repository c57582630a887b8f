"""Plain helpers for browser tests (fixtures live in conftest.py)."""

import re

from django.core.mail import EmailMessage
from playwright.sync_api import Page

MOBILE_VIEWPORT = {"width": 375, "height": 812}

# Measured against the layout viewport (documentElement.clientWidth), not window.innerWidth: in
# mobile emulation Chromium zooms out to fit wide content and innerWidth grows to match, so
# `scrollWidth <= innerWidth` would hold on a page that does scroll sideways.
_OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (classes ? "." + classes.split(/\\s+/).join(".") : "");
    return name + " right=" + Math.round(el.getBoundingClientRect().right);
  };
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(describe);
  return {scrollWidth: document.documentElement.scrollWidth, viewportWidth: width, wide};
}"""


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page fits its viewport's width: nothing to scroll sideways."""
    result = page.evaluate(_OVERFLOW_JS)
    assert result["scrollWidth"] <= result["viewportWidth"], (
        f"{page.url} scrolls sideways: scrollWidth {result['scrollWidth']} > "
        f"viewport width {result['viewportWidth']}; overflowing: {result['wide']}"
    )


def confirmation_link(message: EmailMessage) -> str:
    """The email-confirmation URL in an allauth confirmation email."""
    match = re.search(r"https?://\S+/accounts/confirm-email/[^\s/]+/", message.body)
    assert match, f"no confirmation link in the email:\n{message.body}"
    return match.group(0)
