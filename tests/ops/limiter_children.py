"""What a child process of tests/ops/test_limiter_processes.py does: start Django on the test
settings (the same Redis cache as the test, from the environment), lower the limiter's limits,
wait for the other children, then ask the fake GitHub as a worker or a web request would.

Imports nothing of Django or the project at the top: a spawned child imports this module
before it has set Django up."""

from __future__ import annotations

import os
import time
from typing import Any

# All children of one run wait here once Django is up, then go at once.
_start: Any = None


def child_init(start: Any) -> None:
    """The pool's initializer: a barrier reaches a spawned child only this way."""
    global _start
    _start = start


def child_requests(
    *,
    fake_url: str,
    token: str,
    count: int,
    may_sleep: bool,
    overrides: dict[str, Any],
    path_login: str = "alice",
) -> dict[str, Any]:
    """`count` GETs of /users/{path_login}; what was admitted, what was refused (and until
    when), each request's wall-clock span on the wire, and whether the rate was halved."""
    import django

    django.setup()
    import requests
    from django.conf import settings

    for name, value in overrides.items():
        setattr(settings, name, value)

    from github_stats.github.client import GitHubClient
    from github_stats.github.errors import RateLimited
    from github_stats.github.limiter import limiter_slowed_until

    spans: list[tuple[float, float]] = []

    class TimedSession(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            started = time.time()
            try:
                return super().request(*args, **kwargs)
            finally:
                spans.append((started, time.time()))

    client = GitHubClient(
        base_url=fake_url, token=token, may_sleep=may_sleep, session=TimedSession()
    )
    if _start is not None:
        _start.wait(timeout=60)
    admitted = 0
    refused: list[dict[str, Any]] = []
    for _ in range(count):
        try:
            client.account_get(login=path_login)
            admitted += 1
        except RateLimited as exc:
            refused.append({"until": exc.reset_at.timestamp(), "secondary": exc.secondary})
    return {
        "pid": os.getpid(),
        "admitted": admitted,
        "refused": refused,
        "spans": spans,
        "slowed": limiter_slowed_until(token=token) is not None,
    }
