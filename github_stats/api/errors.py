"""GitHub's errors and ours, as the API answers them: `{"error", "message", "request_id"}` with
the exception's own code and status (hidden accounts are 404, like missing ones)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

from config.errors import error_response
from github_stats.github.errors import ShownError


def domain_error(request: HttpRequest, exc: ShownError) -> HttpResponse:
    headers = {}
    # GitHub's rate limit, and the shared budget's refusals (BudgetSpent), say when to retry.
    reset_at = getattr(exc, "reset_at", None)
    if isinstance(reset_at, datetime):
        seconds = (reset_at - datetime.now(UTC)).total_seconds()
        headers["Retry-After"] = str(max(1, math.ceil(seconds)))
    return error_response(status=exc.status, error=exc.code, message=exc.message, headers=headers)


EXCEPTION_HANDLERS: dict[type[Exception], Callable[..., HttpResponse]] = {
    ShownError: domain_error,
}
