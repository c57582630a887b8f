"""Real-browser harness: pytest-playwright driving Debian's Chromium against pytest-django's
live server, offline, failing on any JavaScript error or CSP violation.

Fixtures for browser tests (everything else comes from pytest-playwright and pytest-django):

- ``page`` / ``context`` / ``new_context``: pytest-playwright's, but every context is pointed at
  the live server (``page.goto("/watchlist/")`` works), offline (see ``_route_offline``), and
  watched by ``browser_problems``.
- ``browser_problems``: console errors, uncaught exceptions, CSP violations, server errors and
  off-site requests; the test fails at teardown if there was any. ``browser_problems.allow(regex)``
  accepts an expected console message (e.g. a page that is a deliberate 404).
- ``screenshot(page, "step")``: a PNG under test-artifacts/e2e/<test>/; every open page is also
  captured as failure-N.png whenever the test fails.
- ``logged_in_user`` / ``logged_in_page``: a verified user and a page whose context carries that
  user's session cookie (no trip through the login form; the sign-up test covers the form).

Helpers (assert_no_horizontal_scroll, MOBILE_VIEWPORT, confirmation_link) are in helpers.py.
A phone-sized test: ``@pytest.mark.browser_context_args(viewport=MOBILE_VIEWPORT, is_mobile=True)``.
Playwright traces of failures: ``pytest tests/e2e --tracing retain-on-failure`` (to test-results/).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    Route,
    WebError,
    expect,
)

from tests.factories import UserFactory
from tests.services import CHROMIUM_PATH, require_chromium

ARTIFACTS_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"

# Every page here is served from loopback: a failing test should say so in seconds, not after
# Playwright's 30 s default; the margin is for a busy CI machine, not for slow pages.
ACTION_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 15_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Second fence behind the request routing: no host name but loopback resolves at all, so
    # nothing the routes do not see (a WebSocket, the browser's own traffic) can go out either.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

# Served instead of off-site images (GitHub avatars on dashboards) so pages render as they would
# online, without a request leaving the machine or a "failed to load" console error.
TRANSPARENT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test in this folder drives a browser: `-m "not e2e"` must leave all of them out,
    # even one whose author forgot the marker.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    # Kept on the item so fixtures know at teardown whether the test failed (failure screenshots).
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _test_failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {}).values()
    # An expected failure (xfail) is a failure too: capture it, do not add a teardown error.
    return any(report.failed or hasattr(report, "wasxfail") for report in reports)


# --- Browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright(playwright: Playwright) -> Iterator[Playwright]:
    # Playwright's sync API keeps an asyncio loop running on the main thread from the first
    # browser test to the end of the session, and Django refuses ORM calls from a thread with a
    # running loop (SynchronousOnlyOperation). The test code and fixtures that create users, the
    # transactional_db flush and even later non-browser tests in the same run all hit that, so
    # the escape hatch is on exactly as long as the loop lives, and never in runs without it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield playwright
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # `playwright install` cannot download its own browsers here; Debian's Chromium is the one.
    # Skips on a machine without it, fails under CI (which must run the browser tests).
    require_chromium()
    executable = CHROMIUM_PATH if os.path.exists(CHROMIUM_PATH) else shutil.which("chromium")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url() -> None:
    # The live server's address is per run: browser_context_args points contexts at it. (This
    # also replaces pytest-playwright's fallback fixture, which pytest 9 warns about.)
    return None


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any], live_server) -> dict[str, Any]:
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-US",
        "timezone_id": "UTC",
        # A service worker's fetches would bypass the request routing below.
        "service_workers": "block",
    }


# --- Problems a page may have ----------------------------------------------------------------


@dataclass
class BrowserProblems:
    """What went wrong in the browser during one test. Empty at teardown, or the test fails."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    # Off-site images answered with a placeholder: recorded for assertions, not a problem.
    stubbed_images: list[str] = field(default_factory=list)
    _allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Accept console messages and 5xx responses whose text or URL matches `pattern` (a
        regex), e.g. `allow(r"/deliberately-broken/")` for a test of the 500 page."""
        self._allowed.append(re.compile(pattern))

    def _is_allowed(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self._allowed)

    def on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        where = f"{text} ({message.location.get('url', '?')})"
        if self._is_allowed(where):
            return
        if "Content Security Policy" in text:
            # Also report-only violations, which Chromium logs as warnings.
            self.csp_violations.append(where)
        elif message.type == "error":
            self.console_errors.append(where)

    def on_web_error(self, web_error: WebError) -> None:
        error = web_error.error
        self.page_errors.append(f"{error.name}: {error.message}\n{error.stack or ''}".strip())

    def on_response(self, response: Response) -> None:
        if response.status >= 500 and not self._is_allowed(response.url):
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def clear(self) -> None:
        """Forget everything recorded so far (for tests of the harness itself)."""
        for problems in (
            self.console_errors,
            self.page_errors,
            self.csp_violations,
            self.server_errors,
            self.offsite_requests,
            self.stubbed_images,
        ):
            problems.clear()

    def summary(self) -> str:
        sections = [
            ("Console errors", self.console_errors),
            ("Uncaught exceptions", self.page_errors),
            ("CSP violations", self.csp_violations),
            ("Server errors (5xx)", self.server_errors),
            ("Requests to other hosts (blocked)", self.offsite_requests),
        ]
        return "\n".join(
            f"{title}:\n" + "\n".join(f"  - {item}" for item in items)
            for title, items in sections
            if items
        )

    def assert_none(self) -> None:
        summary = self.summary()
        if summary:
            pytest.fail(f"The browser reported problems:\n{summary}", pytrace=False)


@pytest.fixture
def browser_problems(request: pytest.FixtureRequest) -> Iterator[BrowserProblems]:
    problems = BrowserProblems()
    yield problems
    # Torn down after the browser contexts are closed, so nothing logged late is missed.
    if _test_failed(request):
        # Already failing: the problems explain why, as part of that failure, not a second error.
        summary = problems.summary()
        if summary:
            request.node.add_report_section("teardown", "browser problems", summary)
        return
    problems.assert_none()


def _route_offline(context: BrowserContext, origin: str, problems: BrowserProblems) -> None:
    """Only the live server is reachable: other hosts' images get a placeholder, anything else
    is aborted and fails the test."""

    def handle(route: Route, request: Request) -> None:
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" == origin:
            route.continue_()
        elif request.resource_type == "image":
            problems.stubbed_images.append(request.url)
            route.fulfill(status=200, content_type="image/png", body=TRANSPARENT_PNG)
        else:
            problems.offsite_requests.append(f"{request.resource_type} {request.url}")
            route.abort("blockedbyclient")

    context.route("**/*", handle)


# --- Screenshots ----------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:150]


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """test-artifacts/e2e/<test>/, emptied at the start of the test."""
    path = ARTIFACTS_DIR / _slug(request.node.nodeid.removeprefix("tests/e2e/"))
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture
def screenshot(artifacts_dir: Path) -> Callable[..., Path]:
    """`screenshot(page, "signed-up")` saves 01-signed-up.png, 02-..., in step order."""
    taken = 0

    def take(page: Page, name: str, *, full_page: bool = True) -> Path:
        nonlocal taken
        taken += 1
        path = artifacts_dir / f"{taken:02d}-{_slug(name)}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled")
        return path

    return take


# --- Contexts and pages ---------------------------------------------------------------------


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext],
    live_server,
    browser_problems: BrowserProblems,
    artifacts_dir: Path,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., BrowserContext]]:
    """pytest-playwright's new_context, with every context offline, timed out early and watched
    for problems; on failure each open page is captured before the contexts close."""
    contexts: list[BrowserContext] = []
    origin = live_server.url.rstrip("/")

    def create(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.on("console", browser_problems.on_console)
        context.on("weberror", browser_problems.on_web_error)
        context.on("response", browser_problems.on_response)
        _route_offline(context, origin, browser_problems)
        contexts.append(context)
        return context

    yield create

    if _test_failed(request) or browser_problems.summary():
        index = 0
        for context in contexts:
            for page in context.pages:
                index += 1
                try:
                    page.screenshot(path=artifacts_dir / f"failure-{index}.png", full_page=True)
                except Exception as error:  # a crashed page must not hide the real failure
                    (artifacts_dir / f"failure-{index}.txt").write_text(repr(error))
    # pytest-playwright's own new_context teardown closes the contexts after this.


@pytest.fixture
def logged_in_user(transactional_db):
    # transactional_db: the live server runs in another thread and must see this row.
    return UserFactory()


@pytest.fixture
def logged_in_page(new_context: Callable[..., BrowserContext], logged_in_user, live_server) -> Page:
    """A page already signed in as `logged_in_user` via a real session cookie."""
    client = Client()
    client.force_login(logged_in_user)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie.value,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    return context.new_page()
