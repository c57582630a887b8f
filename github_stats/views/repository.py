"""/r/<owner>/<repo>: one repository, with its star history (views/repository_stars.py) and the
owner's Refresh and Track buttons. An owner we do not have yet is fetched first, as on the
dashboard (views/fetching.py); so is a stale owner whose repository we do not know.

htmx asks for parts alone: the star panel (#stars: its range and scale links, and its poll while
the history is fetched), the refresh line while a refresh runs (`?job=`, #refresh-status), and
the whole main region when that job ends. The Refresh and Track buttons post to the dashboard's
endpoints (views/dashboard.py), which come back here (`next`). The page is cached per person
(its Track state is theirs: Track and Untrack publish a new version of their watchlist)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from github_stats.caching import CachedResponse, Shown
from github_stats.github.errors import InvalidName
from github_stats.github.names import validate_login, validate_repo_name
from github_stats.models import GitHubAccount, Repository
from github_stats.selectors.accounts import account_is_tracked, account_profile, repository_find
from github_stats.selectors.repositories import repository_detail
from github_stats.views.compare_repos_query import CompareReposQuery
from github_stats.views.fetching import (
    AccountLookup,
    account_lookup,
    canonical_redirect,
    refresh_queue,
)
from github_stats.views.htmx import HtmxHttpRequest, login_required_htmx, poll_ended
from github_stats.views.problems import Problem, render_problem
from github_stats.views.repository_stars import StarsQuery, stars_panel

TEMPLATE = "github_stats/repository.html"


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def repository(request: HtmxHttpRequest, owner: str, repo: str) -> HttpResponse:
    try:
        owner, repo = validate_login(owner), validate_repo_name(repo)
    except InvalidName as exc:
        invalid = Problem("invalid", "That is not a GitHub repository", exc.message)
        return render_problem(request, TEMPLATE, invalid)
    stars = StarsQuery.parse(request.GET)
    # The names as typed: another spelling of them misses, and is redirected below.
    cached = CachedResponse(
        request, name=f"r/{owner}/{repo}", state=stars.state(), logins=[owner], personal=True
    )
    if (hit := cached.hit()) is not None:
        return hit

    base: dict[str, Any] = {
        "login": owner,
        "repo_name": repo,
        "page_url": reverse("repository", kwargs={"owner": owner, "repo": repo}),
    }

    lookup = account_lookup(request, owner, refresh_if_stale=False)
    if lookup.problem is not None and lookup.account is None:
        return render_problem(request, TEMPLATE, lookup.problem, **base)
    account = lookup.account
    found = _find(account, repo)
    if found is None and account is not None and lookup.job is None and account.is_stale():
        lookup.job, problem = refresh_queue(request, account.login, account=account)
        if problem is not None and problem.code != "rate_limited":
            return render_problem(request, TEMPLATE, problem, **base)
        if lookup.job is not None and lookup.job.is_finished:
            account.refresh_from_db()
            found = _find(account, repo)

    if found is None and lookup.job_in_flight is not None:
        context = {**base, **lookup.poll_context()}
        if lookup.polling:
            return TemplateResponse(request, f"{TEMPLATE}#progress", context)
        return TemplateResponse(request, TEMPLATE, context, status=HTTPStatus.ACCEPTED)
    if found is None or account is None:
        owner_login = account.login if account else owner
        missing = lookup.job_problem or Problem(
            "not_found",
            "No such repository",
            f"{owner_login} has no public repository called {repo}.",
        )
        return render_problem(request, TEMPLATE, missing, **base)

    canonical = reverse("repository", kwargs={"owner": account.login, "repo": found.name})
    as_stored = (owner, repo) == (account.login, found.name)
    if (moved := canonical_redirect(request, canonical, as_stored=as_stored)) is not None:
        return moved
    context = _context(request, lookup, found, stars=stars, page_url=canonical)
    target = request.htmx.target if request.htmx else ""
    if lookup.polling:
        if lookup.job_in_flight is not None:
            return TemplateResponse(request, f"{TEMPLATE}#refresh", context)
        return poll_ended(TemplateResponse(request, f"{TEMPLATE}#main", context))
    if target == "stars" and not request.htmx.history_restore_request:
        return TemplateResponse(request, f"{TEMPLATE}#stars", context)
    response = TemplateResponse(request, TEMPLATE, context)
    if lookup.job is not None:
        return response  # a refresh in flight (?job=): the page polls it, nothing to keep
    return cached.store(response, shown=[Shown.of(context["profile"])])


def _context(
    request: HtmxHttpRequest,
    lookup: AccountLookup,
    found: Repository,
    *,
    stars: StarsQuery,
    page_url: str,
) -> dict[str, Any]:
    """The page's data: the repository, its owner's refresh state and whether this person
    tracks the owner (read with the owner), the star panel (one query)."""
    account = lookup.account
    assert account is not None
    profile = account_profile(account=account)
    detail = repository_detail(repository=found, owner=profile)
    compare = CompareReposQuery(names=((account.login.lower(), found.name.lower()),))
    return {
        "login": account.login,
        "repo_name": found.name,
        "page_url": page_url,
        "profile": profile,
        "repository": detail,
        "is_tracked": account_is_tracked(user=request.user, account=account),
        "compare_url": compare.url(),
        **lookup.poll_context(),
        **stars_panel(repository=found, full_name=detail.full_name, query=stars, page_url=page_url),
    }


def _find(account: GitHubAccount | None, name: str) -> Repository | None:
    return repository_find(owner=account, name=name) if account is not None else None
