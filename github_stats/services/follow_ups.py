"""What runs after a refresh has stored an account: the star-history and activity fills
(services/star_history.py, services/activity.py). Both are queued the same way, by their task's
name after the commit, and both hold a per-account lock while they run, so one account is never
filled twice at once (a refresh's follow-up, the scheduler's, a backfill's)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from celery import Signature, signature
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def follow_up_queue(*, task_name: str, account_id: int, requested_by_id: int | None) -> None:
    """Queue a fill of the account after the commit, by the task's name (services never import
    tasks). A broker outage loses nothing but time: the next refresh asks again."""
    task = signature(task_name, args=(account_id, requested_by_id))
    transaction.on_commit(partial(_enqueue, task, task_name))


def _enqueue(task: Signature, task_name: str) -> None:
    try:
        task.apply_async()
    except Exception:
        logger.exception("Could not enqueue %s", task_name)


@contextmanager
def follow_up_lock(*, kind: str, account_id: int) -> Iterator[bool]:
    """True while this process holds the account's `kind` lock (False: another fill of it
    runs). It expires with the longest a task may run, so a killed worker cannot keep it."""
    key = f"github_stats:{kind}:lock:{account_id}"
    held = bool(cache.add(key, True, timeout=settings.REFRESH_TIME_LIMIT))
    try:
        yield held
    finally:
        if held:
            cache.delete(key)
