"""Pages and their HTMX fragments. Thin: parse input, check permission, call one selector or
service, render. Each page is one template; an htmx request gets the partial it targets.

The account page and the repository page share one refresh flow: a page that has no data (or
stale data) queues a RefreshJob and renders a poller that asks the same URL with `?job=<id>`
every second; while the job runs the answer is the poller again, when it ends it is the page's
main partial, retargeted (HX-Retarget) over the whole page body so the data swaps in.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, reswap, retarget
from django_htmx.middleware import HtmxDetails

from config.ratelimits import RateLimitExceeded, RateLimitUnavailable, rate_limit_hit
from github_stats import fragments, selectors
from github_stats.decorators import login_required_htmx
from github_stats.exceptions import AccountHidden, GitHubStatsError, InvalidLogin, NotFound
from github_stats.models import Account, JobStatus, RefreshJob
from github_stats.page_cache import dashboard_page, page_context
from github_stats.selectors import (
    DEFAULT_HISTORY_DAYS,
    HISTORY_RANGES,
    RepoQuery,
)
from github_stats.services import refresh_request, tracking_add, tracking_remove
from github_stats.validation import parse_search, validate_repo_name

logger = logging.getLogger(__name__)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


ACCOUNT_TEMPLATE = "github_stats/account.html"
REPOSITORY_TEMPLATE = "github_stats/repository.html"
# While GitHub's rate limit holds a job back there is no point asking every second.
POLL_SECONDS = 1
POLL_SECONDS_RATE_LIMITED = 15


@dataclass(frozen=True)
class Problem:
    """Something a person can act on, shown inside the page."""

    code: str  # invalid | hidden | not_found | rate_limited | unavailable | failed | throttled
    title: str
    message: str
    reset_at: datetime | None = None
    can_retry: bool = False


PROBLEM_STATUS = {
    "invalid": HTTPStatus.BAD_REQUEST,
    "hidden": HTTPStatus.NOT_FOUND,
    "not_found": HTTPStatus.NOT_FOUND,
    "throttled": HTTPStatus.TOO_MANY_REQUESTS,
}


def _problem_from_error(code: str, message: str, reset_at: datetime | None = None) -> Problem:
    if code == "not_found":
        return Problem("not_found", "No such GitHub account", message)
    if code == "invalid_login":
        return Problem("invalid", "That is not a GitHub name", message)
    if code == "github_rate_limited":
        return Problem(
            "rate_limited",
            "GitHub's rate limit is used up",
            "We will ask GitHub again as soon as the limit resets; this page keeps waiting.",
            reset_at=reset_at,
        )
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


def _job_problem(job: RefreshJob | None) -> Problem | None:
    """What to tell a person about a job that failed or waits for GitHub's rate limit."""
    if job is None:
        return None
    if job.status == JobStatus.FAILED:
        return _problem_from_error(job.error_code, job.error)
    if job.status == JobStatus.QUEUED and job.error_code == "github_rate_limited":
        return _problem_from_error(job.error_code, job.error, job.retry_at)
    return None


def _hidden() -> Problem:
    return Problem(
        "hidden",
        "This account is not available",
        "It has been hidden by the operators of this site.",
    )


def _render_problem(request: HtmxHttpRequest, template: str, problem: Problem, **extra: Any):
    context = {"problem": problem, **extra}
    if request.htmx:
        # Inside a fragment, a 200 so htmx swaps the message in (it ignores 4xx bodies).
        return TemplateResponse(request, f"{template}#main", context)
    status = PROBLEM_STATUS.get(problem.code, HTTPStatus.OK)
    return TemplateResponse(request, template, context, status=status)


def _poll_response(response: TemplateResponse) -> TemplateResponse:
    """The job ended: swap the page's main region instead of the poller."""
    return reswap(retarget(response, "#main-region"), "outerHTML")


# --- Landing and search ---------------------------------------------------------------------


@require_GET
def landing(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("watchlist")
    return TemplateResponse(request, "github_stats/landing.html")


@login_required_htmx
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Where a login lands (LOGIN_REDIRECT_URL): the watchlist."""
    return redirect("watchlist")


@login_required_htmx
@require_GET
def search(request: HtmxHttpRequest) -> HttpResponse:
    """The nav box's Enter: a login, an org, owner/repo or a github.com URL goes to its page;
    anything else is refused here, before any GitHub call."""
    query = request.GET.get("q", "").strip()[:200]
    context: dict[str, Any] = {"search_query": query}
    if not query:
        return TemplateResponse(request, "github_stats/search.html", context)
    try:
        target = parse_search(query)
    except InvalidLogin as exc:
        context["error"] = exc.message
        context["suggestions"] = selectors.account_search_suggestions(prefix=query)
        return TemplateResponse(
            request, "github_stats/search.html", context, status=HTTPStatus.BAD_REQUEST
        )
    if target.kind == "repo" and target.repo_name:
        return redirect("repository", owner=target.login, repo=target.repo_name)
    return redirect("account_dashboard", login=target.login)


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def search_suggestions(request: HtmxHttpRequest) -> HttpResponse:
    """Stored accounts whose login starts with what is typed (the nav box, debounced)."""
    query = request.GET.get("q", "").strip()[:40]
    context = {
        "search_query": query,
        "suggestions": selectors.account_search_suggestions(prefix=query),
    }
    return TemplateResponse(request, "github_stats/search.html#suggestions", context)


# --- Account dashboard ----------------------------------------------------------------------


def _job_for(request: HtmxHttpRequest, *, login: str, account: Account | None) -> RefreshJob | None:
    """The job named by ?job=, if it is this account's; anything else is ignored."""
    job_id = request.GET.get("job")
    if not job_id:
        return None
    job = selectors.refresh_job_get(job_id=job_id)
    if job is None:
        return None
    if job.login == login.lower() or (account is not None and job.account_id == account.pk):
        return job
    return None


def _history_days(request: HtmxHttpRequest) -> int:
    try:
        days = int(request.GET.get("days", DEFAULT_HISTORY_DAYS))
    except ValueError:
        return DEFAULT_HISTORY_DAYS
    return days if days in HISTORY_RANGES else DEFAULT_HISTORY_DAYS


def _queue_refresh(
    request: HtmxHttpRequest, login: str
) -> tuple[RefreshJob | None, Problem | None]:
    try:
        job = refresh_request(login=login, requested_by=request.user)  # type: ignore[arg-type]
    except AccountHidden:
        return None, _hidden()
    except GitHubStatsError as exc:
        return None, _problem_from_error(exc.code, exc.message, getattr(exc, "reset_at", None))
    # Without a worker (inline tasks) the job has already run: read how it ended.
    job.refresh_from_db()
    return job, None


def _dashboard_context(
    request: HtmxHttpRequest,
    account: Account,
    *,
    job: RefreshJob | None,
    parts: Sequence[str] = fragments.PAGE_PARTS,
    full: bool = True,
) -> dict[str, Any]:
    """The account's parts come rendered from the fragment cache; what is about the person
    looking (tracking state, the refresh line, CSRF tokens) is rendered around them."""
    days = _history_days(request)
    page = fragments.account_fragments(
        account=account, repo_query=RepoQuery.parse(request.GET), history_days=days, parts=parts
    )
    return {
        "login": account.login,
        "profile": selectors.account_profile(account=account),
        "fragments": page,
        "repo_query": page.repo_query,
        "history_days": days,
        "history_ranges": HISTORY_RANGES,
        "is_tracked": selectors.account_is_tracked(user=request.user, account=account)
        if full
        else None,
        "job": job if job is not None and job.is_in_flight else None,
        "job_problem": _job_problem(job),
        "poll_seconds": _poll_seconds(job),
        "page_url": reverse("account_dashboard", kwargs={"login": account.login}),
    }


def _canonical_url(context: dict[str, Any]) -> str:
    params = context["repo_query"].params()
    if context["history_days"] != DEFAULT_HISTORY_DAYS:
        params["days"] = str(context["history_days"])
    return f"{context['page_url']}?{urlencode(params)}" if params else context["page_url"]


def _refresh_status(request: HtmxHttpRequest, account: Account, job: RefreshJob) -> HttpResponse:
    """The "Refreshing…" line that polls a job in flight (it replaces itself until done)."""
    context = {
        "login": account.login,
        "profile": selectors.account_profile(account=account),
        "job": job,
        "job_problem": _job_problem(job),
        "poll_seconds": _poll_seconds(job),
        "page_url": reverse("account_dashboard", kwargs={"login": account.login}),
    }
    return TemplateResponse(request, f"{ACCOUNT_TEMPLATE}#refresh", context)


def _poll_seconds(job: RefreshJob | None) -> int:
    if job is not None and job.error_code == "github_rate_limited":
        return POLL_SECONDS_RATE_LIMITED
    return POLL_SECONDS


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def account_dashboard(request: HtmxHttpRequest, login: str) -> HttpResponse:
    page = dashboard_page(request, login=login, state=_dashboard_state(request))
    if page is not None and (cached := page.cached()) is not None:
        return cached
    try:
        account = selectors.account_find(login=login)
    except InvalidLogin as exc:
        return _render_problem(
            request, ACCOUNT_TEMPLATE, Problem("invalid", "That is not a GitHub login", exc.message)
        )
    except AccountHidden:
        return _render_problem(request, ACCOUNT_TEMPLATE, _hidden(), login=login)

    job = _job_for(request, login=login, account=account)
    polling = job is not None and bool(request.htmx)

    if account is None:
        # First visit: queue a refresh and answer at once with a progress state that polls it.
        if job is None:
            job, problem = _queue_refresh(request, login)
            if job is None and problem is not None:
                return _render_problem(request, ACCOUNT_TEMPLATE, problem, login=login)
        assert job is not None
        if job.status == JobStatus.SUCCEEDED and job.account_id is not None:
            # Inline tasks (no worker) have finished inside refresh_request already.
            account = Account.objects.filter(pk=job.account_id, hidden=False).first()
        if account is None:
            problem = _job_problem(job)
            if problem is not None and problem.code != "rate_limited":
                response = _render_problem(request, ACCOUNT_TEMPLATE, problem, login=login)
                return _poll_response(response) if polling else response
            context: dict[str, Any] = {
                "login": login,
                "job": job,
                "job_problem": problem,
                "poll_seconds": _poll_seconds(job),
                "page_url": reverse("account_dashboard", kwargs={"login": login}),
            }
            if polling:
                return TemplateResponse(request, f"{ACCOUNT_TEMPLATE}#progress", context)
            return TemplateResponse(request, ACCOUNT_TEMPLATE, context, status=HTTPStatus.ACCEPTED)
        if polling:
            context = _dashboard_context(request, account, job=None)
            return _poll_response(TemplateResponse(request, f"{ACCOUNT_TEMPLATE}#main", context))

    if polling and job is not None:
        if job.is_in_flight:
            return _refresh_status(request, account, job)
        account.refresh_from_db()
        context = _dashboard_context(request, account, job=job)
        return _poll_response(TemplateResponse(request, f"{ACCOUNT_TEMPLATE}#main", context))

    target = request.htmx.target if request.htmx else None
    if target in ("repos", "history") and not request.htmx.history_restore_request:
        # The table or the charts alone (no tracking state, no refresh queued), with the other
        # region's links out of band so both keep carrying the whole state in their URLs.
        parts = fragments.REPOS_PARTS if target == "repos" else fragments.HISTORY_PARTS
        context = _dashboard_context(request, account, job=None, parts=parts, full=False)
        response = TemplateResponse(request, f"{ACCOUNT_TEMPLATE}#{target}_swap", context)
        # The canonical URL of this state (the filter form's raw query string is not).
        return push_url(response, _canonical_url(context))

    if job is None and account.is_stale():
        # Show what we have at once, marked stale, and queue a refresh that the page polls.
        job, _ = _queue_refresh(request, account.login)
        if job is not None and job.is_finished:
            account.refresh_from_db()
    context = _dashboard_context(request, account, job=job)
    context.update(page_context(request))
    response = TemplateResponse(request, ACCOUNT_TEMPLATE, context)
    if page is not None and job is None and context["job_problem"] is None:
        page.store_when_rendered(
            response,
            account_versions={account.pk: context["fragments"].cache_version},
            fetched_at=[account.fetched_at],
        )
    return response


def _dashboard_state(request: HtmxHttpRequest) -> str:
    """The table's and the history's state asked for, in one canonical form (unknown or
    malformed parameters fall back to their defaults, as the page does)."""
    params = RepoQuery.parse(request.GET).params()
    params["days"] = str(_history_days(request))
    return urlencode(params)


def _account_or_problem(request: HtmxHttpRequest, login: str) -> Account | HttpResponse:
    try:
        return selectors.account_get_visible(login=login)
    except InvalidLogin as exc:
        problem = Problem("invalid", "That is not a GitHub login", exc.message)
    except AccountHidden:
        problem = _hidden()
    except NotFound:
        problem = Problem("not_found", "No such account here yet", f"Open /u/{login} first.")
    return _render_problem(request, ACCOUNT_TEMPLATE, problem, login=login)


@login_required_htmx
@require_POST
def account_refresh(request: HtmxHttpRequest, login: str) -> HttpResponse:
    """The Refresh button: queue a refresh (one per account at a time) and poll it."""
    try:
        rate_limit_hit(request, scope="refresh")
    except (RateLimitExceeded, RateLimitUnavailable) as exc:
        throttled = Problem(
            "throttled",
            "Too many refreshes",
            f"Please wait {exc.retry_after} seconds before asking again.",
        )
        return _render_problem(request, ACCOUNT_TEMPLATE, throttled, login=login)
    found = _account_or_problem(request, login)
    if isinstance(found, HttpResponse):
        return found
    account = found
    job, problem = _queue_refresh(request, account.login)
    url = reverse("account_dashboard", kwargs={"login": account.login})
    if not request.htmx:
        if problem is not None:
            messages.error(request, f"{problem.title}. {problem.message}")
        elif job is not None and job.is_in_flight:
            return redirect(f"{url}?job={job.pk}")
        return redirect(url)
    if job is not None and job.is_in_flight:
        return _refresh_status(request, account, job)
    account.refresh_from_db()
    context = _dashboard_context(request, account, job=job)
    if problem is not None:
        context["job_problem"] = problem
    return _poll_response(TemplateResponse(request, f"{ACCOUNT_TEMPLATE}#main", context))


def _tracking_toggle(request: HtmxHttpRequest, login: str, *, track: bool) -> HttpResponse:
    found = _account_or_problem(request, login)
    if isinstance(found, HttpResponse):
        return found
    account = found
    # Only ever the signed-in person's own watchlist: the user comes from the session.
    if track:
        tracking_add(user=request.user, account=account)  # type: ignore[arg-type]
    else:
        tracking_remove(user=request.user, account=account)  # type: ignore[arg-type]
    if request.htmx:
        context = {"login": account.login, "is_tracked": track}
        return TemplateResponse(request, f"{ACCOUNT_TEMPLATE}#track", context)
    if track:
        messages.success(request, f"{account.login} is on your watchlist.")
    else:
        messages.success(request, f"{account.login} is off your watchlist.")
    return redirect("account_dashboard", login=account.login)


@login_required_htmx
@require_POST
def account_track(request: HtmxHttpRequest, login: str) -> HttpResponse:
    return _tracking_toggle(request, login, track=True)


@login_required_htmx
@require_POST
def account_untrack(request: HtmxHttpRequest, login: str) -> HttpResponse:
    return _tracking_toggle(request, login, track=False)


# --- Repository page ------------------------------------------------------------------------


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def repository(request: HtmxHttpRequest, owner: str, repo: str) -> HttpResponse:
    try:
        account = selectors.account_find(login=owner)
        repo_name = validate_repo_name(repo)
    except InvalidLogin as exc:
        invalid = Problem("invalid", "That is not a GitHub repository", exc.message)
        return _render_problem(request, REPOSITORY_TEMPLATE, invalid)
    except AccountHidden:
        return _render_problem(request, REPOSITORY_TEMPLATE, _hidden(), login=owner)

    job = _job_for(request, login=owner, account=account)
    polling = job is not None and bool(request.htmx)
    base: dict[str, Any] = {
        "login": account.login if account else owner,
        "repo_name": repo_name,
        "page_url": reverse("repository", kwargs={"owner": owner, "repo": repo_name}),
    }
    found = selectors.repository_find(owner=account, name=repo_name) if account else None

    if found is None and job is None and (account is None or account.is_stale()):
        job, problem = _queue_refresh(request, owner)
        if problem is not None and problem.code != "rate_limited":
            return _render_problem(request, REPOSITORY_TEMPLATE, problem, **base)
    if found is None and job is not None and job.is_finished and job.account_id is not None:
        account = account or Account.objects.filter(pk=job.account_id, hidden=False).first()
        if account is not None:
            found = selectors.repository_find(owner=account, name=repo_name)

    if found is None and job is not None and job.is_in_flight:
        context = {**base, "job": job, "job_problem": _job_problem(job), "poll_seconds": 1}
        if polling:
            return TemplateResponse(request, f"{REPOSITORY_TEMPLATE}#progress", context)
        return TemplateResponse(request, REPOSITORY_TEMPLATE, context, status=HTTPStatus.ACCEPTED)

    if found is None:
        missing = _job_problem(job) or Problem(
            "not_found",
            "No such repository",
            f"{base['login']} has no public repository called {repo_name}.",
        )
        response = _render_problem(request, REPOSITORY_TEMPLATE, missing, **base)
        return _poll_response(response) if polling else response

    found.owner = account  # type: ignore[assignment]
    context = {**base, "repository": selectors.repository_detail(repository=found)}
    if polling:
        return _poll_response(TemplateResponse(request, f"{REPOSITORY_TEMPLATE}#main", context))
    return TemplateResponse(request, REPOSITORY_TEMPLATE, context)


# --- Watchlist and compare (bodies for the watchlist/compare pages come later) ---------------


@login_required_htmx
@require_GET
def watchlist(request: HtmxHttpRequest) -> HttpResponse:
    return TemplateResponse(request, "github_stats/watchlist.html", {"trackings": []})


@login_required_htmx
@require_GET
def compare(request: HtmxHttpRequest) -> HttpResponse:
    return TemplateResponse(request, "github_stats/compare.html")
