"""Refresh jobs survive the two deaths that used to leave them "running" for ever, with real
Celery workers (prefork, as in production), the real broker and a fake GitHub slowed so that the
refresh is in flight when it happens. The limits are shortened through the workers' environment
(tests/ops/workers.py); docs/operations.md gives the production figures they scale to.

- PostgreSQL stopped mid-refresh (a cluster of our own, the suite's stays up), then started:
  the outcome could not be written, so the job stays "running" until the first scheduler tick
  past REFRESH_STUCK_AFTER fails it with its reason; the next refresh request then runs.
- The whole worker SIGKILLed mid-refresh, a new worker started: the unacknowledged message comes
  back once the visibility timeout has passed and the new worker finishes the very same job.
- Only the pool process running the refresh SIGKILLed (the OOM killer's way): the worker sees it
  die and puts the task back at once (reject_on_worker_lost), long before the visibility timeout."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from config.celery import app as celery_app
from github_stats.models import GitHubAccount, JobStatus, RefreshJob, Repository
from github_stats.services.jobs import refresh_request
from tests.ops.throwaway import ThrowawayPostgres, require_postgres_server
from tests.ops.workers import (
    RESTORE_INTERVAL,
    ROOT,
    SHORT_LIMITS,
    STUCK_AFTER,
    VISIBILITY_TIMEOUT,
    pool_processes,
    wait_for,
    worker_kill,
    worker_start,
    worker_stop,
)
from tests.services import child_process_env, require_postgres, require_redis

pytestmark = [pytest.mark.celery, pytest.mark.redis, pytest.mark.postgres]

TICK_EVERY = 2.0  # the beat's 5 minutes, shortened like the limits
SLOW_PAGE_SECONDS = 5  # the second page of repositories: the refresh is in flight meanwhile
SCRIPT = "import django, json, sys, time\ndjango.setup()\n"
REQUEST = (
    SCRIPT
    + """
from github_stats.services.jobs import refresh_request
print(refresh_request(login=sys.argv[1]).pk)
"""
)
# Beat's tick, every TICK_EVERY seconds until the job is no longer running.
BEAT = (
    SCRIPT
    + """
from github_stats.models import RefreshJob
from github_stats.services.scheduling import refresh_stale_tick
while RefreshJob.objects.filter(pk=sys.argv[1], status="running").exists():
    tick = refresh_stale_tick()
    print(json.dumps({"at": time.time(), "failed_stuck": tick.failed_stuck}), flush=True)
    time.sleep(float(sys.argv[2]))
"""
)


@pytest.fixture
def broker() -> Iterator[None]:
    require_redis()
    celery_app.control.purge()
    yield
    celery_app.control.purge()


def _django(env: dict[str, str], code: str, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _job(url: str, job_id: str) -> dict[str, object]:
    with psycopg.connect(url, connect_timeout=3) as conn:
        row = conn.execute(
            "SELECT status, error_code, error, started_at, finished_at, attempts "
            "FROM github_stats_refreshjob WHERE id = %s",
            (job_id,),
        ).fetchone()
    assert row is not None
    keys = ("status", "error_code", "error", "started_at", "finished_at", "attempts")
    return dict(zip(keys, row, strict=True))


def _status(url: str, job_id: str) -> str:
    try:
        return str(_job(url, job_id)["status"])
    except psycopg.OperationalError:
        return "unreachable"


@pytest.fixture
def postgres() -> Iterator[ThrowawayPostgres]:
    require_postgres_server()
    # Not under pytest's tmp folder: that is private to root, and the cluster runs as postgres.
    workdir = Path(tempfile.mkdtemp(prefix="gitpulse-job-outage-"))
    cluster = ThrowawayPostgres(workdir=workdir, database="gitpulse_jobs")
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.stop_quietly()
        shutil.rmtree(workdir, ignore_errors=True)


def test_postgres_dropped_mid_refresh_the_tick_fails_the_job_and_the_next_refresh_runs(
    postgres, fake_github, broker, tmp_path
):
    fake_github.state.add_user("alice", repos=250)
    fake_github.state.inject("/user/*/repos", "slow", seconds=SLOW_PAGE_SECONDS, count=1)
    env = child_process_env(
        DATABASE_URL=postgres.url, GITHUB_API_URL=fake_github.url, GITHUB_TOKEN="", **SHORT_LIMITS
    )
    env = {key: value for key, value in env.items() if not key.startswith("PG")}
    _django(env, "import django\ndjango.setup()\nfrom django.core.management import "
            "call_command\ncall_command('migrate', verbosity=0)", timeout=300)  # fmt: skip
    log = tmp_path / "worker.log"
    worker = worker_start(env, log)
    try:
        job_id = _django(env, REQUEST, "alice").strip()
        wait_for(
            lambda: fake_github.state.count("/users/alice/repos") >= 1,
            timeout=60,
            what=f"the first page (worker log: {log.read_text()[-2000:]})",
        )
        time.sleep(1)  # waiting for the slow second page now
        assert _status(postgres.url, job_id) == JobStatus.RUNNING
        postgres.stop()  # a fast shutdown: the worker's connection is cut
        time.sleep(SLOW_PAGE_SECONDS + 1)  # the refresh ends and cannot write its outcome
        postgres.start()

        stuck = _job(postgres.url, job_id)
        assert stuck["status"] == JobStatus.RUNNING  # what used to last for ever
        assert "OperationalError" in log.read_text()  # the outcome's write was what failed
        beat = _django(env, BEAT, job_id, str(TICK_EVERY), timeout=STUCK_AFTER + 60)

        failed = _job(postgres.url, job_id)
        assert failed["status"] == JobStatus.FAILED, failed
        assert failed["error_code"] == "job_lost"
        assert "database connection was lost" in str(failed["error"])
        started, ended = stuck["started_at"], failed["finished_at"]
        assert isinstance(started, datetime)
        assert isinstance(ended, datetime)
        took = (ended - started).total_seconds()
        # Not before the limit, and at the first tick after it.
        assert STUCK_AFTER <= took <= STUCK_AFTER + TICK_EVERY + 3, (took, beat)
        ticks = [json.loads(line) for line in beat.splitlines() if line.startswith("{")]
        assert ticks[-1]["failed_stuck"] == ["alice"]
        assert all(tick["failed_stuck"] == [] for tick in ticks[:-1])

        requested = time.monotonic()
        retry_id = _django(env, REQUEST, "alice").strip()
        assert retry_id != job_id
        wait_for(
            lambda: _status(postgres.url, retry_id) in {JobStatus.SUCCEEDED, JobStatus.FAILED},
            timeout=60,
            what=f"the next refresh (worker log: {log.read_text()[-2000:]})",
        )
        ran = time.monotonic() - requested
        assert _job(postgres.url, retry_id)["status"] == JobStatus.SUCCEEDED
        print(
            f"\nPostgreSQL dropped mid-refresh: job failed {took:.1f} s after it started "
            f"(REFRESH_STUCK_AFTER {STUCK_AFTER} s, a tick every {TICK_EVERY} s); "
            f"the next refresh finished {ran:.1f} s after it was requested"
        )
    finally:
        worker_stop(worker)


def _stored() -> list[tuple[int, str, int]]:
    return sorted(Repository.objects.values_list("github_id", "name", "stars"))


def test_a_whole_worker_killed_mid_refresh_the_next_worker_finishes_the_job_in_time(
    transactional_db, fake_github, broker, tmp_path
):
    require_postgres()  # the workers are other processes, on the test database
    fake_github.state.add_user("alice", repos=250)
    expected = sorted(
        (r.id, r.name, r.stars) for r in fake_github.state.account("alice").repos.values()
    )
    # Within the client's read timeout (10 s), so the dead worker's request is not retried.
    fake_github.state.inject("/user/*/repos", "slow", seconds=8, count=1)
    env = child_process_env(GITHUB_API_URL=fake_github.url, GITHUB_TOKEN="", **SHORT_LIMITS)
    log = tmp_path / "worker.log"
    celery_app.conf.task_always_eager = False
    try:
        first = worker_start(env, log)
        try:
            job = refresh_request(login="alice")
            wait_for(
                lambda: fake_github.state.count("/users/alice/repos") >= 1,
                timeout=60,
                what=f"the first page (worker log: {log.read_text()[-2000:]})",
            )
            time.sleep(1)  # waiting for the slow second page now
            job.refresh_from_db()
            assert job.status == JobStatus.RUNNING
            taken_at = job.started_at
        finally:
            worker_kill(first)
        killed = time.monotonic()

        second = worker_start(env, log)
        try:
            wait_for(
                lambda: RefreshJob.objects.get(pk=job.pk).is_finished,
                timeout=VISIBILITY_TIMEOUT + RESTORE_INTERVAL + 45,
                what=f"the redelivered task (worker log: {log.read_text()[-3000:]})",
            )
            after_kill = time.monotonic() - killed
        finally:
            worker_stop(second)
    finally:
        celery_app.conf.task_always_eager = True

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2  # the same job, claimed again by the redelivery
    assert GitHubAccount.objects.get().login == "alice"
    assert _stored() == expected
    assert job.finished_at is not None
    assert taken_at is not None
    since_taken = (job.finished_at - taken_at).total_seconds()
    # Redelivered once the visibility timeout has passed, at the next look of the new worker,
    # then the (fast) refresh: never the hour it used to take. (The message was delivered a
    # moment before the claim, hence the second of slack below.)
    assert VISIBILITY_TIMEOUT - 1 <= since_taken <= VISIBILITY_TIMEOUT + RESTORE_INTERVAL + 10
    print(
        f"\nworker SIGKILLed mid-refresh: job finished {since_taken:.1f} s after the dead "
        f"worker took it, {after_kill:.1f} s after the kill (visibility timeout "
        f"{VISIBILITY_TIMEOUT} s, a worker looks every {RESTORE_INTERVAL} s)"
    )


def test_a_pool_process_killed_mid_refresh_is_put_back_at_once(
    transactional_db, fake_github, broker, tmp_path
):
    require_postgres()
    fake_github.state.add_user("alice", repos=250)
    fake_github.state.inject("/user/*/repos", "slow", seconds=8, count=1)
    env = child_process_env(GITHUB_API_URL=fake_github.url, GITHUB_TOKEN="", **SHORT_LIMITS)
    log = tmp_path / "worker.log"
    celery_app.conf.task_always_eager = False
    worker = worker_start(env, log)
    try:
        job = refresh_request(login="alice")
        wait_for(
            lambda: fake_github.state.count("/users/alice/repos") >= 1,
            timeout=60,
            what=f"the first page (worker log: {log.read_text()[-2000:]})",
        )
        time.sleep(1)  # waiting for the slow second page now
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING
        (pool_process,) = pool_processes(worker)
        os.kill(pool_process, signal.SIGKILL)
        recovered = wait_for(
            lambda: RefreshJob.objects.get(pk=job.pk).is_finished,
            timeout=VISIBILITY_TIMEOUT,
            what=f"the task put back by the worker (worker log: {log.read_text()[-3000:]})",
        )
    finally:
        worker_stop(worker)
        celery_app.conf.task_always_eager = True

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert "WorkerLostError" in log.read_text()
    print(f"\npool process SIGKILLed mid-refresh: job finished {recovered:.1f} s after the kill")
