"""The stores and the Celery worker of bench/scale_real.py: PostgreSQL's sizes and statement
time for the bench database (read through the maintenance database, so reading costs the bench
database nothing), Redis flushes, and a worker process started and stopped as a whole group."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Worker lines worth showing after a run (its banner and the root warning are not).
_LOG_MARKS = ("ERROR", "CRITICAL", "Traceback", "WARNING/")


def _admin_one(admin_url: str, sql: str, name: str) -> Any:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        row = conn.execute(sql, [name]).fetchone()
    return row[0] if row else None


def database_size(admin_url: str, name: str) -> int:
    return int(_admin_one(admin_url, "SELECT pg_database_size(%s)", name) or 0)


def active_ms(admin_url: str, name: str) -> float:
    """PostgreSQL 15's time the database's backends spent running statements, in ms (each
    backend adds its share at the end of a transaction, within about a second)."""
    sql = "SELECT active_time FROM pg_stat_database WHERE datname = %s"
    value = _admin_one(admin_url, sql, name)
    return float(value) if isinstance(value, int | float) else math.nan


def table_sizes() -> dict[str, int]:
    """pg_total_relation_size (rows, TOAST, indexes) of every github_stats table, through
    Django's connection to the bench database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'github_stats_%%'"
        )
        return {name: int(size) for name, size in cursor.fetchall() if size}


def redis_flush(*urls: str) -> None:
    import redis

    for url in dict.fromkeys(urls):
        redis.Redis.from_url(url, socket_timeout=5).flushdb()


@contextlib.contextmanager
def worker_running(env: dict[str, str], processes: int) -> Iterator[subprocess.Popen[bytes]]:
    """`celery -A config worker --pool prefork -c N` in a session of its own (Ctrl-C reaches
    only the bench, which stops it), yielded once it answers a ping. Its warnings and errors
    are shown when it stops."""
    from config.celery import app

    command = [
        str(Path(sys.executable).with_name("celery")), "-A", "config", "worker",
        "--pool", "prefork", "-c", str(processes), "--loglevel", "WARNING",
        "-n", f"scale-bench-{os.getpid()}@%h",
    ]  # fmt: skip
    # As bench/load.py: metrics of a multi-process server are not this worker's business.
    child_env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, env={**child_env, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(timeout=1.0):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Celery worker did not start ({process.returncode})")
            yield process
        finally:
            process_group_stop(process)
            log.seek(0)
            lines = log.read().decode(errors="replace").splitlines()
            shown = [line for line in lines if any(mark in line for mark in _LOG_MARKS)]
            if shown:
                print(f"Worker warnings and errors ({len(shown)}, the last 20):", file=sys.stderr)
                print("\n".join(shown[-20:]), file=sys.stderr)


def process_group_stop(process: subprocess.Popen[bytes]) -> None:
    """A warm shutdown of the worker (SIGTERM to its main process only: its pool processes
    finish their tasks, within 30 s), then SIGKILL to the whole group, so nothing outlives us."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
