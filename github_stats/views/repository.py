"""/r/<owner>/<repo>: one repository. An owner we do not have yet is fetched first, as on the
dashboard (views/fetching.py); so is a stale owner whose repository we do not know."""

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
from github_stats.selectors.accounts import account_profile, repository_find
from github_stats.selectors.repositories import repository_detail
from github_stats.views.fetching import account_lookup, canonical_redirect, refresh_queue
from github_stats.views.htmx import HtmxHttpRequest, login_required_htmx, poll_ended
from github_stats.views.problems import Problem, render_problem

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
    base: dict[str, Any] = {
        "login": owner,
        "repo_name": repo,
        "page_url": reverse("repository", kwargs={"owner": owner, "repo": repo}),
    }
    # The names as typed: another spelling of them misses, and is redirected below.
    cached = CachedResponse(request, name=f"r/{owner}/{repo}", logins=[owner], personal=True)
    if (hit := cached.hit()) is not None:
        return hit

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
    profile = account_profile(account=account)
    context = {**base, "login": account.login, "repository": repository_detail(
        repository=found, owner=profile
    )}  # fmt: skip
    if lookup.polling:
        return poll_ended(TemplateResponse(request, f"{TEMPLATE}#main", context))
    response = TemplateResponse(request, TEMPLATE, context)
    return cached.store(response, shown=[Shown.of(profile)])


def _find(account: GitHubAccount | None, name: str) -> Repository | None:
    return repository_find(owner=account, name=name) if account is not None else None
