"""With a real Celery worker and the real Redis broker (CI): a requested refresh runs in a worker,
and a worker killed in the middle of one leaves nothing half-written; the redelivered task
finishes the job to the same state a clean run leaves.

The broker uses another Redis db than the cache (config/settings/test.py), since the autouse
cache.clear() FLUSHes the cache's db."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app as celery_app
from github_stats.github.client import GitHubClient
from github_stats.models import GitHubAccount, JobStatus, RefreshJob, Repository
from github_stats.services.jobs import refresh_request
from github_stats.services.refresh import account_refresh
from tests.services import child_process_env, require_postgres, require_redis

pytestmark = [pytest.mark.celery, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_broker() -> Iterator[None]:
    """Tasks go to Redis instead of running inline, and the queue starts and ends empty."""
    require_redis()
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    try:
        yield
    finally:
        celery_app.control.purge()
        celery_app.conf.task_always_eager = True


def _wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _job_status(job: RefreshJob) -> str:
    return RefreshJob.objects.values_list("status", flat=True).get(pk=job.pk)


def _stored() -> list[tuple[int, str, int, bool]]:
    return sorted(Repository.objects.values_list("github_id", "name", "stars", "is_fork"))


def test_a_real_worker_runs_a_requested_refresh(transactional_db, fake_github, real_broker):
    fake_github.state.add_user("alice", repos=120)

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        job = refresh_request(login="alice", requested_by=None)
        _wait_for(
            lambda: _job_status(job) in {JobStatus.SUCCEEDED, JobStatus.FAILED},
            timeout=30,
            what="the worker to finish the job",
        )

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.account == GitHubAccount.objects.get(login="alice")
    assert job.quota_requests == 3
    assert Repository.objects.count() == 120


@pytest.mark.postgres
def test_a_worker_killed_mid_refresh_leaves_nothing_half_written_and_the_redelivery_finishes(
    transactional_db, fake_github, real_broker, tmp_path
):
    # The worker is another process, so it needs the test database on a real server.
    require_postgres()
    fake_github.state.add_user("alice", repos=250)
    expected = sorted(
        (r.id, r.name, r.stars, r.is_fork)
        for r in fake_github.state.account("alice").repos.values()
    )
    # The third page of repositories hangs long enough for us to kill the worker meanwhile.
    fake_github.state.inject("/user/*/repos", "slow", seconds=8, count=1)
    env = child_process_env(GITHUB_API_URL=fake_github.url, GITHUB_TOKEN="")
    log = tmp_path / "worker.log"
    with log.open("wb") as log_file:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            job = refresh_request(login="alice", requested_by=None)
            _wait_for(
                lambda: fake_github.state.count("/users/alice/repos") >= 1,
                timeout=30,
                what=f"the worker to fetch the first page (log: {log.read_text()[-2000:]})",
            )
            time.sleep(1.5)  # waiting for the slow second page now
            assert _job_status(job) == JobStatus.RUNNING
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)

    # Killed half-way: the job is still "running" and nothing of the refresh was written.
    assert _job_status(job) == JobStatus.RUNNING
    assert not GitHubAccount.objects.exists()
    assert not Repository.objects.exists()

    # The message was never acknowledged (acks_late): Redis gives it to the next worker once
    # the visibility timeout has passed (shortened here from an hour to a second; the worker's
    # consumer opens a new connection, which reads it).
    celery_app.conf.broker_transport_options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": 1,
    }
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            _wait_for(
                lambda: _job_status(job) in {JobStatus.SUCCEEDED, JobStatus.FAILED},
                timeout=45,
                what="the redelivered task to finish the job",
            )
    finally:
        celery_app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert _stored() == expected
    # ...the very state a clean refresh leaves.
    account_refresh(account=GitHubAccount.objects.get(), client=GitHubClient())
    assert _stored() == expected
