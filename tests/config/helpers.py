"""Helpers for tests that need a closed port, a log capture with the project's own filters and
formatters, or a fresh Django process with a clean environment."""

import io
import json
import logging
import logging.config
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def closed_loopback_port() -> int:
    """A loopback port nobody listens on: bound by us, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def captured_logs(fmt: str = "text") -> Iterator[io.StringIO]:
    """Attach a handler built from settings.LOGGING (its filters, the given formatter) to the
    root logger, as the console handler is in every environment."""
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        configurator.configure_formatter(dict(settings.LOGGING["formatters"][fmt]))
    )
    for name in settings.LOGGING["handlers"]["console"]["filters"]:
        handler.addFilter(configurator.configure_filter(dict(settings.LOGGING["filters"][name])))
    root = logging.getLogger()
    # Other tests (a real Celery worker hijacks the root logger, commands reconfigure logging)
    # may have raised the root level; the capture must see INFO lines whatever ran before.
    previous_level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


def json_lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def run_django(
    code: str, *, settings_module: str, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run `code` in a new Python process after django.setup(), with only PATH and `env` in its
    environment: what a fresh server would see."""
    clean_env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": settings_module}
    clean_env.update(env or {})
    prelude = "import django\ndjango.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=PROJECT_ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_manage(
    *args: str, settings_module: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean_env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": settings_module}
    clean_env.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
