"""The README's screenshots, taken from `make demo` in Debian's Chromium, offline:

    .venv/bin/python -m tests.e2e.screenshots                  # into test-artifacts/screenshots/
    .venv/bin/python -m tests.e2e.screenshots --update-readme  # and the README's, landing's image

It runs `make demo` on free ports with a database of its own (a temporary SQLite file, so your
demo.sqlite3 is left alone), signs a person in, and photographs alice's dashboard at 1280 px in
light and dark and at 375 px, acme-org's dashboard, and the not-found state (`nobody`). CI runs
it through tests/e2e/test_screenshots.py and keeps test-artifacts/ (the images among them);
readme-dashboard.png is the README's image.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-artifacts" / "screenshots"
README_IMAGE = ROOT / "docs" / "screenshot-dashboard.png"
LANDING_IMAGE = ROOT / "static" / "img" / "preview-dashboard.png"  # the landing page's preview
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As tests/e2e/conftest.py launches it: headless, and no host but loopback resolves.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
# name, path, viewport width, colour scheme, the whole page (else the first screenful)
SHOTS = [
    ("readme-dashboard", "/u/alice", 1280, "light", False),
    ("dashboard-1280-light", "/u/alice", 1280, "light", True),
    ("dashboard-1280-dark", "/u/alice", 1280, "dark", True),
    ("dashboard-375-light", "/u/alice", 375, "light", True),
    ("organisation-1280-light", "/u/acme-org", 1280, "light", True),
    ("not-found-1280-light", "/u/nobody", 1280, "light", True),
]
SIGN_IN = """
from django.contrib.auth import get_user_model
from django.test import Client
user, _ = get_user_model().objects.get_or_create(email="demo@example.org")
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


@dataclass(frozen=True)
class Demo:
    url: str
    session: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"make demo exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"make demo did not serve on port {port} within {seconds:.0f} s")


@contextmanager
def demo_running(*, seconds: float = 120) -> Iterator[Demo]:
    """`make demo` on free ports and a temporary database, with a signed-in session."""
    folder = Path(tempfile.mkdtemp(prefix="gitpulse-screenshots-"))
    port, fake_port = _free_port(), _free_port()
    # The demo's own stores and settings, whatever the caller (a test run, CI) has set.
    ours = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    env = {key: value for key, value in os.environ.items() if key not in ours}
    env["DEMO_DB"] = str(folder / "demo.sqlite3")
    command = [
        "make",
        "--no-print-directory",
        "demo",
        f"PORT={port}",
        f"FAKE_GITHUB_PORT={fake_port}",
    ]
    log = (folder / "demo.log").open("wb")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait_for(port, process, seconds)
        session = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", SIGN_IN],
            cwd=ROOT,
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": "config.settings.development",
                "DATABASE_URL": f"sqlite:///{env['DEMO_DB']}",
            },
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.split()[-1]
        yield Demo(url=f"http://127.0.0.1:{port}", session=session)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def take_screenshots(browser: Browser, demo: Demo, out: Path = OUT) -> list[Path]:
    """Each of SHOTS as a PNG in `out`; the pages must have answered (a 404 only for nobody)."""
    out.mkdir(parents=True, exist_ok=True)
    taken = []
    for name, path, width, scheme, full_page in SHOTS:
        context = browser.new_context(
            viewport={"width": width, "height": 1000},
            color_scheme=scheme,  # type: ignore[arg-type]
            locale="en-GB",
            timezone_id="UTC",
        )
        context.add_cookies([{"name": "sessionid", "value": demo.session, "url": demo.url}])
        page = context.new_page()
        response = page.goto(demo.url + path, wait_until="networkidle")
        expected = 404 if path.startswith("/u/nobody") else 200
        if response is None or response.status != expected:
            status = response.status if response else "no answer"
            raise RuntimeError(f"{path} answered {status}, not {expected}")
        target = out / f"{name}.png"
        page.screenshot(path=target, full_page=full_page, animations="disabled")
        taken.append(target)
        context.close()
    return taken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--update-readme",
        action="store_true",
        help="also write the README's and the landing page's image",
    )
    args = parser.parse_args()
    with demo_running() as demo, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        taken = take_screenshots(browser, demo)
        browser.close()
    for path in taken:
        print(path.relative_to(ROOT))
    if args.update_readme:
        for image in (README_IMAGE, LANDING_IMAGE):
            shutil.copyfile(OUT / "readme-dashboard.png", image)
            print(f"{image.relative_to(ROOT)} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
