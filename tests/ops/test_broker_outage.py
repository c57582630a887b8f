"""The Celery broker down (refused, or accepting connections and never answering): Refresh
answers within 3 s, never a 500, and the job stays queued in the database, where the
scheduler's next tick hands it to Celery again (github_stats.scheduling.LOST_AFTER)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.test import Client

from config.celery import app as celery_app
from github_stats.models import JobStatus, RefreshJob
from tests.github_stats.factories import GitHubAccountFactory
from tests.ops.throwaway import free_port

pytestmark = pytest.mark.django_db

BUDGET_SECONDS = 3.0


@pytest.fixture
def unanswering_port() -> Iterator[int]:
    """A 'broker' that accepts connections and never says a word (a hung Redis)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        listener.close()


def _broker_at(url: str) -> Iterator[None]:
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    _pools_forget()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        _pools_forget()


def _pools_forget() -> None:
    # The connection and producer pools were built for the old URL; the next publish makes new.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_refusing() -> Iterator[None]:
    yield from _broker_at(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there


@pytest.fixture
def broker_hung(unanswering_port) -> Iterator[None]:
    yield from _broker_at(f"redis://127.0.0.1:{unanswering_port}/0")


def _refresh(client: Client, path: str, capture, caplog) -> tuple[object, float]:
    started = time.monotonic()
    with capture(execute=True):
        response = client.post(path)
    took = time.monotonic() - started
    # The publish really reached for the broker and failed there (not some other error).
    failures = [r for r in caplog.records if r.getMessage().startswith("Could not enqueue")]
    assert failures, "the refresh was not handed to the broker"
    # (The log filter renders, and redacts, the traceback into exc_text.)
    assert "kombu.exceptions.OperationalError" in (failures[0].exc_text or "")
    return response, took


@pytest.mark.parametrize("broker", ["broker_refusing", "broker_hung"])
def test_the_refresh_button_answers_quickly_and_leaves_the_job_queued(
    request, broker, client_logged_in, django_capture_on_commit_callbacks, caplog
):
    request.getfixturevalue(broker)
    account = GitHubAccountFactory(login="octo-cat")
    response, took = _refresh(
        client_logged_in, "/u/octo-cat/refresh", django_capture_on_commit_callbacks, caplog
    )
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert took < BUDGET_SECONDS, f"took {took:.2f} s"
    job = RefreshJob.objects.get(account=account)
    assert job.status == JobStatus.QUEUED  # the scheduler hands it to Celery again


@pytest.mark.parametrize("broker", ["broker_refusing", "broker_hung"])
def test_the_api_refresh_answers_quickly_and_leaves_the_job_queued(
    request, broker, client_logged_in, django_capture_on_commit_callbacks, caplog
):
    request.getfixturevalue(broker)
    account = GitHubAccountFactory(login="octo-cat")
    response, took = _refresh(
        client_logged_in,
        "/api/v1/accounts/octo-cat/refresh",
        django_capture_on_commit_callbacks,
        caplog,
    )
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, response.content
    assert took < BUDGET_SECONDS, f"took {took:.2f} s"
    assert RefreshJob.objects.get(account=account).status == JobStatus.QUEUED
