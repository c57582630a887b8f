"""/u/<login>: an account's dashboard, and its Refresh, Track and Untrack buttons.

The whole page is cached per person (github_stats/caching.py); htmx asks for its parts alone:
the repository table (#repos) and the history charts (#history) as their links and filters
change them, the refresh status while a job runs, the Track button after a click.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from config.gzip_pieces import Deflated, Spliced
from config.ratelimits import RateLimitExceeded, RateLimitUnavailable, rate_limit_hit
from github_stats.caching import CachedResponse, SharedFragments, Shown
from github_stats.github.errors import InvalidName
from github_stats.github.names import validate_login
from github_stats.models import GitHubAccount
from github_stats.selectors.account_history import (
    DASHBOARD_RANGES,
    account_dashboard_page,
    history_days_param,
    history_days_parse,
)
from github_stats.selectors.accounts import (
    account_get_visible,
    account_is_tracked,
    account_profile,
)
from github_stats.selectors.dashboard import DEFAULT_HISTORY_DAYS
from github_stats.selectors.repositories import (
    RepoQuery,
    account_repositories_page,
    repository_languages,
)
from github_stats.services.tracking import tracking_add, tracking_remove
from github_stats.views.dashboard_activity import (
    ACTIVITY_TARGET,
    activity_context,
    activity_year_parse,
)
from github_stats.views.fetching import (
    AccountLookup,
    account_lookup,
    canonical_redirect,
    refresh_queue,
)
from github_stats.views.htmx import HtmxHttpRequest, login_required_htmx, poll_ended, signed_in
from github_stats.views.problems import (
    PROBLEM_ERRORS,
    Problem,
    problem_for,
    render_problem,
)
from github_stats.views.watchlist import watchlist_partial

TEMPLATE = "github_stats/account.html"
# The id of the stars chart, which polls itself while its star history is being fetched.
STARS_TARGET = "stars-history"


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def account_dashboard(request: HtmxHttpRequest, login: str) -> HttpResponse:
    try:
        login = validate_login(login)
    except InvalidName as exc:
        invalid = Problem("invalid", "That is not a GitHub login", exc.message)
        return render_problem(request, TEMPLATE, invalid)
    # 30, 90, 365, or None for `days=all`; anything else the default (old links work).
    query, days = RepoQuery.parse(request.GET), history_days_parse(request.GET.get("days"))
    year = activity_year_parse(request.GET.get("year"))
    # The login as typed: another spelling of it misses, and is redirected below.
    cached = CachedResponse(
        request, name=f"u/{login}", state=_state(query, days, year), logins=[login], personal=True
    )
    if (hit := cached.hit()) is not None:
        return hit

    lookup = account_lookup(request, login, with_watchlist=True)
    if lookup.account is None:
        return _without_account(request, lookup)
    canonical = reverse("account_dashboard", kwargs={"login": lookup.account.login})
    moved = canonical_redirect(request, canonical, as_stored=login == lookup.account.login)
    if moved is not None:
        return moved
    if lookup.polling:
        if lookup.job_in_flight is not None:
            return _refresh_status(request, lookup)
        context = _context(request, lookup, query=query, days=days)
        return poll_ended(TemplateResponse(request, f"{TEMPLATE}#main", context))

    target = (
        request.htmx.target if request.htmx and not request.htmx.history_restore_request else ""
    )
    if target == STARS_TARGET:
        # The stars chart polling while its history is fetched: itself alone, until the
        # answer no longer polls.
        context = _context(request, lookup, query=query, days=days, parts="stars")
        return TemplateResponse(request, f"{TEMPLATE}#stars", context)
    if target == ACTIVITY_TARGET:
        # The activity panel alone: a year picked, or its poll while the first fill runs.
        context = _context(request, lookup, query=query, days=days, year=year, parts="activity")
        return TemplateResponse(request, f"{TEMPLATE}#activity", context)
    if target in ("repos", "history"):
        # The table or the charts alone (no tracking state, no refresh queued), with the other
        # region's links out of band so both keep carrying the whole state in their URLs.
        context = _context(request, lookup, query=query, days=days, parts=target)
        response = TemplateResponse(request, f"{TEMPLATE}#{target}_swap", context)
        shown: RepoQuery = context["repo_query"]  # the page the table landed on
        return push_url(response, shown.dashboard_url(context["page_url"], history_days=days))

    kept = lookup.job is None  # a page that polls its refresh is not kept
    context = _context(request, lookup, query=query, days=days, year=year, spliced=kept)
    response = TemplateResponse(request, TEMPLATE, context)
    if not kept:
        return response
    return cached.store(
        response, shown=[Shown.of(context["profile"])], spliced=context["body_spliced"]
    )


@login_required_htmx
@require_POST
def account_refresh(request: HtmxHttpRequest, login: str) -> HttpResponse:
    """The Refresh button: queue a refresh (one per account at a time) and poll it. Pressed too
    often, it leaves the page as it is and says, in place, when it can be pressed again."""
    try:
        rate_limit_hit(request, scope="refresh")
    except (RateLimitExceeded, RateLimitUnavailable) as exc:
        throttled: Problem | None = Problem(
            "throttled",
            "Too many refreshes",
            f"You can press Refresh again in {exc.retry_after} seconds.",
            reset_at=timezone.now() + timedelta(seconds=exc.retry_after),
        )
    else:
        throttled = None
    found = _stored_account(request, login)
    if not isinstance(found, GitHubAccount):
        return found
    if throttled is not None:
        if request.htmx:
            return _refresh_status(
                request, AccountLookup(login=found.login, account=found), throttled
            )
        messages.error(request, f"{throttled.title}. {throttled.message}")
        return redirect("account_dashboard", login=found.login)
    job, problem = refresh_queue(request, found.login, account=found)
    # The button may be on another page of the account (a repository's): it polls there.
    back = _page_back(request)
    url = back or reverse("account_dashboard", kwargs={"login": found.login})
    if not request.htmx:
        if problem is not None:
            messages.error(request, f"{problem.title}. {problem.message}")
        elif job is not None and job.is_in_flight:
            return redirect(f"{url}?job={job.pk}")
        return redirect(url)
    lookup = AccountLookup(login=found.login, account=found, job=job)
    if job is not None and job.is_in_flight:
        return _refresh_status(request, lookup, page_url=back)
    if back:
        if problem is not None:
            messages.error(request, f"{problem.title}. {problem.message}")
        return HttpResponseClientRedirect(back)  # done already (inline): that page, fresh
    found.refresh_from_db()
    context = _context(request, lookup, query=RepoQuery(), days=DEFAULT_HISTORY_DAYS)
    if problem is not None:
        context["job_problem"] = problem
    return poll_ended(TemplateResponse(request, f"{TEMPLATE}#main", context))


@login_required_htmx
@require_POST
def account_track(request: HtmxHttpRequest, login: str) -> HttpResponse:
    return _tracking_change(request, login, track=True)


@login_required_htmx
@require_POST
def account_untrack(request: HtmxHttpRequest, login: str) -> HttpResponse:
    return _tracking_change(request, login, track=False)


def _tracking_change(request: HtmxHttpRequest, login: str, *, track: bool) -> HttpResponse:
    """Track and Untrack, from the dashboard (#track) or the watchlist (#watchlist, with its
    Undo). Only ever the signed-in person's own watchlist: the user comes from the session."""
    from_watchlist = bool(request.htmx) and request.htmx.target == "watchlist"
    found = _stored_account(request, login, for_watchlist=from_watchlist)
    if not isinstance(found, GitHubAccount):
        return found
    user = signed_in(request)
    if track:
        tracking_add(user=user, account=found)
    else:
        tracking_remove(user=user, account=found)
    if from_watchlist:
        outcome = {"added": found.login} if track else {"removed": found.login}
        return watchlist_partial(request, **outcome)
    if request.htmx:
        return TemplateResponse(
            request, f"{TEMPLATE}#track", {"login": found.login, "is_tracked": track}
        )
    verb = "is on" if track else "is off"
    messages.success(request, f"{found.login} {verb} your watchlist.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("account_dashboard", login=found.login)


# --- the parts --------------------------------------------------------------------------------


def _context(
    request: HtmxHttpRequest,
    lookup: AccountLookup,
    *,
    query: RepoQuery,
    days: int | None,
    year: int | None = None,
    parts: str = "",
    spliced: bool = False,
) -> dict[str, Any]:
    """Everything the page (or the `parts` an htmx request asked for) shows. A whole page: the
    account row (already read) and its shared body, read only when no one has just rendered
    it; the table or the charts alone: the dashboard's snapshot query, the table's two.
    `spliced`: the body as kept, compressed, for the response to splice in (Spliced)."""
    account = lookup.account
    assert account is not None
    profile = account_profile(account=account)
    context: dict[str, Any] = {
        "login": account.login,
        "profile": profile,
        "history_days": days,
        "history_ranges": DASHBOARD_RANGES,
        "default_history_days": DEFAULT_HISTORY_DAYS,
        **lookup.poll_context(),
        "page_url": reverse("account_dashboard", kwargs={"login": account.login}),
    }
    if parts:
        context.update(_data(account, query=query, days=days, year=year, parts=parts))
    else:
        context["is_tracked"] = account_is_tracked(user=request.user, account=account)
        body = _body(context, account=account, query=query, days=days, year=year)
        piece = Spliced(body)
        context["body"] = piece.placeholder if spliced else piece.markup()
        if spliced:
            context["body_spliced"] = piece
    return context


def _data(
    account: GitHubAccount,
    *,
    query: RepoQuery,
    days: int | None,
    year: int | None = None,
    parts: str = "",
) -> dict[str, Any]:
    page_url = reverse("account_dashboard", kwargs={"login": account.login})
    if parts == "activity":
        return activity_context(account=account, year=year, days=days, page_url=page_url)
    data: dict[str, Any] = {"dashboard": None}
    if not parts:
        data.update(activity_context(account=account, year=year, days=days, page_url=page_url))
    if parts != "repos":
        page = account_dashboard_page(account=account, days=days)
        # Only the range: nothing personal, and the same for every state of the table.
        poll = page_url
        if days != DEFAULT_HISTORY_DAYS:
            poll += f"?days={history_days_param(days)}"
        data.update(dashboard=page.dashboard, charts=page.charts, stars_poll_url=poll)
    if parts == "stars":
        return data
    repos = account_repositories_page(account=account, query=query)
    return {
        **data,
        "repos": repos,
        "repo_query": repos.query,
        "public_repos": account.public_repos,
        # The table's language filter: the primary languages the account's refresh counted.
        "repo_languages": repository_languages(account=account),
    }


def _body(
    context: dict[str, Any],
    *,
    account: GitHubAccount,
    query: RepoQuery,
    days: int | None,
    year: int | None,
) -> Deflated:
    """Figures, history, languages and the table in this state, as every person sees them:
    shared between people under the account's version (caching.SharedFragments), kept
    compressed as a gzipped page carries it (config/gzip_pieces.py)."""
    shown = Shown.of(context["profile"])
    fragments = SharedFragments("dashboard", state=_state(query, days, year))
    if (found := fragments.get_deflated(shown)) is not None:
        return found
    # No request: the body cannot pick up anything personal (a CSRF token, the user).
    body = render_to_string(
        f"{TEMPLATE}#body", {**context, **_data(account, query=query, days=days, year=year)}
    )
    deflated = Deflated.of(body.encode())
    fragments.store_deflated(shown, deflated)
    return deflated


def _without_account(request: HtmxHttpRequest, lookup: AccountLookup) -> HttpResponse:
    """A first visit: what stopped the fetch, or the progress panel that polls it."""
    if lookup.problem is not None:
        return render_problem(request, TEMPLATE, lookup.problem, login=lookup.login)
    context = {
        "login": lookup.login,
        **lookup.poll_context(),
        "job": lookup.job,  # the progress panel shows a job that ended too (how it failed)
        "page_url": reverse("account_dashboard", kwargs={"login": lookup.login}),
    }
    if lookup.polling:
        return TemplateResponse(request, f"{TEMPLATE}#progress", context)
    return TemplateResponse(request, TEMPLATE, context, status=HTTPStatus.ACCEPTED)


def _refresh_status(
    request: HtmxHttpRequest,
    lookup: AccountLookup,
    problem: Problem | None = None,
    *,
    page_url: str = "",
) -> HttpResponse:
    """The "Refreshing…" line that polls a job in flight (it replaces itself until done), or
    the refresh line saying what stopped a refresh (`problem`). It polls `page_url` (the
    dashboard unless the button was on another page)."""
    account = lookup.account
    assert account is not None
    context = {
        "login": account.login,
        "profile": account_profile(account=account),
        **lookup.poll_context(),
        "page_url": page_url or reverse("account_dashboard", kwargs={"login": account.login}),
    }
    if problem is not None:
        context["job_problem"] = problem
    return TemplateResponse(request, f"{TEMPLATE}#refresh", context)


def _stored_account(
    request: HtmxHttpRequest, login: str, *, for_watchlist: bool = False
) -> GitHubAccount | HttpResponse:
    """The stored, visible account the POST is about, or the answer a person can read."""
    try:
        # Whether anyone watches it: a refresh's answer renders the shared history panel.
        return account_get_visible(login=validate_login(login), with_watchlist=True)
    except PROBLEM_ERRORS as exc:
        problem = problem_for(exc)
        if problem.code == "not_found":
            problem = Problem("not_found", "No such account here yet", f"Open /u/{login} first.")
    if for_watchlist:
        unknown = Problem(
            "not_found", "Not on the list", f"{login[:60]} is not an account we know."
        )
        return watchlist_partial(request, problem=unknown)
    return render_problem(request, TEMPLATE, problem, login=login)


def _page_back(request: HtmxHttpRequest) -> str:
    """The POST's `next`, when it is a repository page of this site (its path only: the poll
    adds `?job=`); "" otherwise."""
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    path = urlsplit(back).path
    return path if safe and not urlsplit(back).netloc and path.startswith("/r/") else ""


def _state(query: RepoQuery, days: int | None, year: int | None = None) -> str:
    """The table's, the history's and the activity year's state in one canonical form
    (unknown or malformed parameters fall back to their defaults, as the page does)."""
    params = query.params()
    params["days"] = history_days_param(days)
    if year is not None:
        params["year"] = str(year)
    return urlencode(params)
