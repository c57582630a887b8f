"""What a person is told when something is wrong: one Problem, made from a domain exception or
from how a refresh job ended, shown by templates/github_stats/includes/problem.html."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any

from django.template.response import TemplateResponse
from django.utils import timezone

from github_stats.exceptions import AccountHidden
from github_stats.github.errors import ShownError
from github_stats.models import JobStatus, RefreshJob
from github_stats.views.htmx import HtmxHttpRequest, poll_ended

# A refusal that says when to come back tells browsers and crawlers too.
_RETRY_AFTER_STATUSES = (HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE)
# Everything a service or selector raises for a person to read.
PROBLEM_ERRORS = (ShownError,)

_STATUS = {
    "invalid": HTTPStatus.BAD_REQUEST,
    "hidden": HTTPStatus.NOT_FOUND,
    "not_found": HTTPStatus.NOT_FOUND,
    "throttled": HTTPStatus.TOO_MANY_REQUESTS,
    "reserved": HTTPStatus.SERVICE_UNAVAILABLE,
}


@dataclass(frozen=True)
class Problem:
    """Something a person can act on, shown inside the page."""

    # invalid | hidden | not_found | rate_limited | unavailable | failed | throttled | reserved
    code: str
    title: str
    message: str
    reset_at: datetime | None = None
    can_retry: bool = False

    @property
    def status(self) -> int:
        return _STATUS.get(self.code, HTTPStatus.OK)


HIDDEN = Problem(
    "hidden", "This account is not available", "It has been hidden by the operators of this site."
)


def problem_from_code(code: str, message: str, reset_at: datetime | None = None) -> Problem:
    """From an error's code and message, as exceptions and finished jobs carry them."""
    if code == "not_found":
        return Problem("not_found", "No such GitHub account", message)
    if code in ("invalid_login", "invalid_repo_name", "invalid_name"):
        return Problem("invalid", "That is not a GitHub name", message)
    if code == "github_rate_limited":
        return Problem(
            "rate_limited",
            "GitHub's rate limit is used up",
            "We will ask GitHub again as soon as the limit resets; this page keeps waiting.",
            reset_at=reset_at,
        )
    if code == "person_budget_spent":
        # The message says when (services/budget.py); so does reset_at, for the template.
        title = "You have used your share of GitHub for this hour"
        return Problem("throttled", title, message, reset_at=reset_at)
    if code == "quota_reserved":
        title = "New accounts are paused for now"
        return Problem("reserved", title, message, reset_at=reset_at)
    if code == "github_unavailable":
        return Problem(
            "unavailable",
            "GitHub is not answering right now",
            "Nothing is lost: try again in a few minutes.",
            can_retry=True,
        )
    return Problem(
        "failed", "The refresh failed", message or "Something went wrong.", can_retry=True
    )


def problem_for(exc: ShownError) -> Problem:
    if isinstance(exc, AccountHidden):
        return HIDDEN
    return problem_from_code(exc.code, exc.message, getattr(exc, "reset_at", None))


def job_problem(job: RefreshJob | None) -> Problem | None:
    """What to tell a person about a job that failed or waits for GitHub's rate limit."""
    if job is None:
        return None
    if job.status == JobStatus.FAILED:
        # A job the budget stopped as it started keeps when to try again in retry_at.
        return problem_from_code(job.error_code, job.error, job.retry_at)
    if job.is_rate_limited:
        return problem_from_code(job.error_code, job.error, job.retry_at)
    return None


def render_problem(
    request: HtmxHttpRequest, template: str, problem: Problem, **context: Any
) -> TemplateResponse:
    if request.htmx:
        # A 200 so htmx swaps the message in (it ignores 4xx bodies), and into the page's main
        # region whatever the request targeted (a button, the table, a poller).
        main = TemplateResponse(request, f"{template}#main", {"problem": problem, **context})
        return poll_ended(main)
    context = {"problem": problem, **context}
    response = TemplateResponse(request, template, context, status=problem.status)
    if problem.reset_at is not None and problem.status in _RETRY_AFTER_STATUSES:
        seconds = (problem.reset_at - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(1, math.ceil(seconds)))
    return response
