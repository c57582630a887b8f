"""Real Celery workers as child processes, as production runs them (the prefork pool, which is
the one that enforces time limits), with a refresh's time limits shortened through the
environment so that redelivery and the scheduler's rescue happen in seconds. Each worker leads a
process group of its own, so a test can SIGKILL the whole worker, pool processes and all."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# The settings build the broker's visibility timeout and the rescue's delay from these
# (config/settings/base.py): 15 + 2 + 2 = 19 s, and 19 + 10 + 2 = 31 s. OUTAGE_LIMITS=production
# runs the same tests with the production limits instead (16 and 17 minutes).
SHORT_LIMITS = (
    {}
    if os.environ.get("OUTAGE_LIMITS") == "production"
    else {
        "REFRESH_SOFT_TIME_LIMIT": "12",
        "REFRESH_TIME_LIMIT": "15",
        "REFRESH_MAX_COUNTDOWN": "2",
        "REFRESH_MARGIN": "2",
    }
)
RESTORE_INTERVAL = 10  # kombu's unacked_restore_interval: how often a worker looks


def _limit(name: str) -> int:
    return int(SHORT_LIMITS.get(name, getattr(settings, name)))


# The formulas of config/settings/base.py, for the workers' environment.
VISIBILITY_TIMEOUT = (
    _limit("REFRESH_TIME_LIMIT") + _limit("REFRESH_MAX_COUNTDOWN") + _limit("REFRESH_MARGIN")
)
STUCK_AFTER = VISIBILITY_TIMEOUT + RESTORE_INTERVAL + _limit("REFRESH_MARGIN")


def worker_start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
             "--concurrency", "1", "--without-mingle", "--without-gossip", "--without-heartbeat",
             "-l", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def worker_kill(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the worker's whole process group: nothing gets to acknowledge or clean up."""
    if worker.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def pool_processes(worker: subprocess.Popen[bytes]) -> list[int]:
    """The prefork pool's processes: the worker's children (Linux /proc)."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def worker_stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=20)
    worker_kill(worker)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> float:
    """Seconds it took for `condition` to hold; fails the test past `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")
