"""Two scheduler processes (two Celery beats, or beat and `manage.py refresh_stale`) ticking at
the same moment, against the real PostgreSQL, Redis and broker: one tick does the work, every
stale account is queued once and the broker gets one message per account (CI)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from config.celery import app as celery_app
from github_stats.models import RefreshJob
from github_stats.services.jobs import BACKGROUND_PRIORITY
from tests.config.helpers import closed_loopback_port
from tests.github_stats.factories import TrackingFactory
from tests.services import child_process_env, require_postgres, require_redis

pytestmark = [pytest.mark.celery, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
STALE_ACCOUNTS = 20  # 2 requests each: within one tick's share of the quota recorded below
# Each process records the same quota state (a minute before GitHub's reset, plenty left), waits
# for the same wall-clock moment, then ticks.
TICK = """
import json, time
from datetime import UTC, datetime, timedelta
from github_stats.github.quota import QuotaState, quota_record
from github_stats.services.scheduling import refresh_stale_tick
now = datetime.now(tz=UTC)
quota_record(QuotaState(resource="core", remaining=5000, limit=5000, used=0,
                        reset_at=now + timedelta(seconds=60), seen_at=now))
time.sleep(max(0.0, {start} - time.time()))
tick = refresh_stale_tick()
print(json.dumps({{"ran": tick.ran, "queued": tick.queued}}))
"""


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    """The real broker's Redis, its queue empty before and after."""
    require_redis()
    celery_app.control.purge()
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        yield client
    finally:
        celery_app.control.purge()
        client.close()


def _scheduler_process(start: float) -> subprocess.Popen[str]:
    env = child_process_env(
        GITHUB_API_URL=f"http://127.0.0.1:{closed_loopback_port()}",  # never called
        LOG_LEVEL="WARNING",
    )
    code = "import django\ndjango.setup()\n" + TICK.format(start=start)
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_schedulers_ticking_at_once_queue_each_stale_account_once(transactional_db, broker):
    # The schedulers are other processes, so they need the test database on a real server.
    require_postgres()
    stale = timezone.now() - timedelta(days=3)
    accounts = [
        TrackingFactory(account__fetched_at=stale - timedelta(minutes=i)).account
        for i in range(STALE_ACCOUNTS)
    ]

    start = time.time() + 5  # after both have started Python and Django
    processes = [_scheduler_process(start) for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=90)
        assert process.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))

    # One tick queued everything; the other found the lock taken (or, had it started after the
    # first one ended, every account with its job already in flight).
    assert sorted(len(result["queued"]) for result in results) == [0, STALE_ACCOUNTS], results
    queued = [login for result in results for login in result["queued"]]
    assert sorted(queued) == sorted(account.login for account in accounts)
    assert RefreshJob.objects.count() == STALE_ACCOUNTS
    # The scheduler's jobs wait in the background priority's list (kombu names it
    # "<queue>\x06\x16<priority>"), behind anything a person asked for in "celery".
    assert broker.llen("celery") == 0
    assert broker.llen(f"celery\x06\x16{BACKGROUND_PRIORITY}") == STALE_ACCOUNTS
