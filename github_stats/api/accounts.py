"""Accounts and repositories: what the dashboard shows, as JSON."""

# No `from __future__ import annotations`: ninja reads the endpoints' annotations at import.

from contextlib import suppress
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from config.errors import error_responses
from config.idempotency import IdempotencyKey, idempotent
from config.ratelimits import rate_limit_hit, rate_limit_scope
from github_stats.api.common import json_response, signed_in
from github_stats.api.jobs import job_accepted, job_hand_over
from github_stats.api.schemas import AccountOut, HistoryOut, JobOut, Login, RepoName
from github_stats.caching import CachedResponse, Shown
from github_stats.exceptions import BudgetSpent, NotFound
from github_stats.selectors.accounts import (
    account_find,
    account_get_visible,
    account_profile,
    repository_find,
)
from github_stats.selectors.dashboard import account_dashboard, accounts_history
from github_stats.selectors.repositories import (
    RepositoryDetail,
    RepoSort,
    RepoWindow,
    account_repositories,
    account_top_repositories,
    repository_detail,
)
from github_stats.services.jobs import refresh_request

router = Router()

TOP_REPOS = 10


@router.get(
    "/accounts/{login}",
    response={200: AccountOut, 202: JobOut, **error_responses(404, 422)},
    summary="An account's dashboard",
    description="200 with what we store (`stale: true` and `job_id` when a refresh was queued "
    "because it is older than the TTL). An account we do not have yet: 202 with the refresh "
    "job and a Location to poll; never waits for GitHub. A first fetch past your hourly share "
    "is 429 `person_budget_spent`, and while the site keeps the rest of GitHub's quota for "
    "tracked accounts 503 `quota_reserved`; both with Retry-After (GET /api/v1/me shows what "
    "is left).",
)
def account_detail(request: HttpRequest, response: HttpResponse, login: Login):
    user = signed_in(request)
    cached = CachedResponse(
        request, name=f"api/accounts/{login.lower()}", logins=[login], personal=False
    )
    if (hit := cached.hit()) is not None:
        return hit
    account = account_find(login=login)
    if account is None:
        # A first fetch spends GitHub quota: it counts against the refresh budget too.
        rate_limit_hit(request, scope="refresh")
        job = refresh_request(login=login, requested_by=user)
        return job_accepted(response, job_hand_over(job, user))
    # The figures' 30 days of history (the API's history endpoint has the rest).
    dashboard = account_dashboard(account=account, history_days=30, now=cached.now)
    profile = dashboard.profile
    top = account_top_repositories(account=account, limit=TOP_REPOS)
    job_id = None
    if profile.is_stale:
        # What we store is the answer either way; past the caller's share it stays stale.
        with suppress(BudgetSpent):
            job = refresh_request(login=account.login, requested_by=user, account=account)
            job_id = job_hand_over(job, user).pk
    out = AccountOut(
        profile=profile,
        figures=dashboard.figures,
        languages=dashboard.languages,
        top_repos=top,
        fetched_at=profile.fetched_at,
        stale=profile.is_stale,
        refresh_status=profile.refresh_status,
        job_id=job_id,
    )
    if job_id is not None:
        return out
    return cached.store(json_response(request, out), shown=[Shown.of(profile)])


@router.get(
    "/accounts/{login}/repos",
    response={200: RepoWindow, **error_responses(404, 422)},
    summary="An account's repositories",
    description="Every repository by default, forks and archived ones included; `fork` and "
    "`archived` set to true or false keep only those that are or are not.",
)
def account_repos(
    request: HttpRequest,
    login: Login,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    sort: RepoSort = "stars",
    fork: bool | None = None,
    archived: bool | None = None,
):
    account = account_get_visible(login=login)
    return account_repositories(
        account=account, sort=sort, fork=fork, archived=archived, limit=limit, offset=offset
    )


@router.get(
    "/accounts/{login}/history",
    response={200: HistoryOut, **error_responses(404, 422)},
    summary="An account's daily figures",
)
def account_history(
    request: HttpRequest,
    login: Login,
    days: Annotated[int, Query(ge=1, le=366, description="How many days back.")] = 90,
):
    account = account_get_visible(login=login)
    history = accounts_history(account_ids=[account.pk], days=days)[account.pk]
    return HistoryOut(login=account.login, days=days, points=history.points)


@router.post(
    "/accounts/{login}/refresh",
    response={202: JobOut, **error_responses(400, 403, 404, 409, 422)},
    summary="Queue a refresh",
    description="202 with the refresh job: a new one, or the one already queued or running "
    "for this account. Accepts Idempotency-Key.",
)
@rate_limit_scope("refresh")
@idempotent
def account_refresh(
    request: HttpRequest,
    response: HttpResponse,
    login: Login,
    idempotency_key: IdempotencyKey = None,
) -> Status[JobOut]:
    user = signed_in(request)
    job = refresh_request(login=login, requested_by=user)
    return job_accepted(response, job_hand_over(job, user))


@router.get(
    "/repos/{owner}/{repo}",
    response={200: RepositoryDetail, **error_responses(404, 422)},
    summary="One repository",
)
def repository(request: HttpRequest, owner: Login, repo: RepoName) -> RepositoryDetail:
    account = account_get_visible(login=owner)
    found = repository_find(owner=account, name=repo)
    if found is None:
        raise NotFound(f"We have no repository {account.login}/{repo}.")
    return repository_detail(repository=found, owner=account_profile(account=account))
