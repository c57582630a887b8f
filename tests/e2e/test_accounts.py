"""Issue 2 in a real browser: a person signs up with email and password, confirms the address from
the email, lands on their watchlist, logs out and back in, and the login page works on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import MOBILE_VIEWPORT, assert_no_horizontal_scroll, confirmation_link
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e

EMAIL = "new.person@example.com"
PASSWORD = "correct-horse-battery-42"
EMPTY_WATCHLIST = "You are not watching any account yet"
LANDING_HEADLINE = "The pulse of any GitHub account"


def log_out_from_nav(page: Page) -> None:
    # Log out is a POST form in the nav (ACCOUNT_LOGOUT_ON_GET is off): no confirmation page.
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LANDING_HEADLINE)
    expect(page.get_by_role("link", name="Log in", exact=True).first).to_be_visible()


def log_in_with_form(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form").get_by_role("button", name="Log in").click()


def test_sign_up_confirm_email_log_out_and_in(page: Page, live_server, mailoutbox, screenshot):
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    screenshot(page, "signup-form")
    page.locator("main form").get_by_role("button", name="Sign up").click()

    # Verification is mandatory: no session yet, a "check your email" page instead.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    screenshot(page, "verification-sent")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [EMAIL]
    link = confirmation_link(message)
    assert link.startswith(live_server.url), f"{link} does not point at this site"

    # Confirming takes a POST (ACCOUNT_CONFIRM_EMAIL_ON_GET is off): opening the link alone
    # must not confirm, so a mail scanner following links cannot.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    screenshot(page, "confirm-email")
    page.locator("main form").get_by_role("button", name="Confirm").click()

    # Same browser session as the sign-up, so confirming logs the person in.
    expect(page).to_have_url(re.compile(r"/watchlist/$"))
    expect(page.get_by_role("heading", name=EMPTY_WATCHLIST)).to_be_visible()
    screenshot(page, "watchlist-after-confirmation")

    log_out_from_nav(page)
    screenshot(page, "landing-after-logout")
    page.goto("/watchlist/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/watchlist/$"))

    log_in_with_form(page, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/watchlist/$"))
    expect(page.get_by_role("heading", name=EMPTY_WATCHLIST)).to_be_visible()
    screenshot(page, "watchlist-after-login")

    log_out_from_nav(page)


@pytest.mark.browser_context_args(viewport=MOBILE_VIEWPORT, is_mobile=True, has_touch=True)
def test_login_page_at_375px_has_no_sideways_scroll(page: Page, transactional_db, screenshot):
    user = UserFactory()
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert page.evaluate("document.documentElement.clientWidth") == MOBILE_VIEWPORT["width"]
    assert_no_horizontal_scroll(page)
    screenshot(page, "login-375px")

    log_in_with_form(page, user.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name=EMPTY_WATCHLIST)).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "watchlist-375px")


def test_logged_in_page_fixture_is_signed_in(logged_in_page: Page, logged_in_user):
    # The harness's shortcut for later browser tests: a session cookie, no login form.
    logged_in_page.goto("/")
    expect(logged_in_page).to_have_url(re.compile(r"/watchlist/$"))
    expect(logged_in_page.get_by_role("heading", name=EMPTY_WATCHLIST)).to_be_visible()
    expect(logged_in_page.get_by_role("button", name="Log out")).to_be_visible()
