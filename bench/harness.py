"""What the benches share: a gunicorn server of the project on a free loopback port, a
PostgreSQL database of their own, a signed-in session, a closed-loop load, and one
percentile."""

from __future__ import annotations

import math
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    """Started in a session of its own and returned once /health/ready answers 200 (the
    database and the cache answer, and a worker has loaded the app)."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--timeout", "30",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        "--chdir", str(ROOT),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            with urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except (OSError, URLError):
            time.sleep(0.2)
    stop_gunicorn(process)
    raise SystemExit("gunicorn was not ready within 60 s")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- Stores ---------------------------------------------------------------------------------


def url_with_path(url: str, path: str) -> str:
    """The URL with its path replaced: a database name ("/name") or a Redis db ("/12")."""
    return urlunsplit(urlsplit(url)._replace(path=path))


def _postgres_admin(database_url: str, *statements: str) -> None:
    import psycopg

    # Through the maintenance database: the one named in the URL need not exist (the tests make
    # their own).
    admin_url = url_with_path(database_url, "/postgres")
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        for statement in statements:
            conn.execute(statement)


def database_recreate(database_url: str, name: str) -> str:
    """Drops the PostgreSQL database `name` on database_url's server (ending any session still
    connected to it: WITH (FORCE), PostgreSQL 13 or later) and creates it empty; returns
    database_url pointing at it."""
    _postgres_admin(
        database_url,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
    )
    return url_with_path(database_url, f"/{name}")


def database_drop(database_url: str, name: str) -> None:
    """Drops the PostgreSQL database `name` on database_url's server, as database_recreate."""
    _postgres_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Session --------------------------------------------------------------------------------


def signed_in_session(user: AbstractBaseUser) -> str:
    """A session of the configured engine in which `user` is signed in, as django.contrib.auth's
    login() leaves it; returns its key (the sessionid cookie). Needs Django set up."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


# --- Load ------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    body_bytes: int = 0  # of every response, summed: what went on the wire beyond the headers

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def kilobytes(self) -> float:
        return self.body_bytes / self.requests / 1024 if self.requests else 0.0

    def percentile_ms(self, pct: int) -> float:
        return percentile(self.latencies, pct) * 1000

    def add(self, part: Result) -> None:
        """Another slice of the same endpoint's load."""
        self.requests += part.requests
        self.errors += part.errors
        self.seconds += part.seconds
        self.latencies += part.latencies
        self.body_bytes += part.body_bytes


def closed_loop(
    request: Callable[[], tuple[int, int]], *, seconds: float, concurrency: int
) -> Result:
    """`concurrency` threads each sending `request` (it answers the status and the body's
    length) one after the other for `seconds`: a 200 is a success, anything else or a
    connection failure an error."""
    latencies: list[float] = []
    errors = body_bytes = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors, body_bytes
        mine: list[float] = []
        failed = sent = 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                status, size = request()
                ok, sent = status == 200, sent + size
            except OSError:
                ok = False
            mine.append(time.perf_counter() - started)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors += failed
            body_bytes += sent

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result("", len(latencies), errors, time.perf_counter() - started, latencies, body_bytes)


# --- Statistics -----------------------------------------------------------------------------


def percentile(values: list[float], pct: int) -> float:
    """The pct-th percentile (1 to 99) of values, interpolated between the two nearest ranks
    (statistics.quantiles' inclusive method, numpy's default); nan if there are none."""
    if not 1 <= pct <= 99:
        raise ValueError(f"percentile {pct} is not between 1 and 99")
    if not values:
        return math.nan
    if len(values) == 1:  # statistics.quantiles needs two (before Python 3.13)
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]
