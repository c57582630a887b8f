"""Accounts and repositories: what the dashboard shows, as JSON."""

# No `from __future__ import annotations`: ninja reads the endpoints' annotations at import.

from contextlib import suppress
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from pydantic import Field

from config.errors import error_responses
from config.idempotency import IdempotencyKey, idempotent
from config.ratelimits import rate_limit_hit, rate_limit_scope
from github_stats.api.common import json_response, signed_in
from github_stats.api.exports import (
    ExportQuery,
    export_format_get,
    export_openapi,
    export_response,
)
from github_stats.api.jobs import job_accepted, job_hand_over
from github_stats.api.schemas import AccountOut, HistoryOut, JobOut, Login, RepoName
from github_stats.caching import CachedResponse, Shown
from github_stats.exceptions import BudgetSpent, NotFound
from github_stats.selectors.accounts import (
    account_find,
    account_get_visible,
    account_on_watchlist,
    account_profile,
    repository_find,
)
from github_stats.selectors.dashboard import (
    HISTORY_COLUMNS,
    account_dashboard,
    account_history_rows,
    accounts_history,
    history_gaps_tally,
)
from github_stats.selectors.repositories import (
    MAX_NAME_FILTER,
    REPO_COLUMNS,
    RepositoryDetail,
    RepoSort,
    RepoWindow,
    SortOrder,
    account_repositories,
    account_repositories_count,
    account_repositories_rows,
    account_top_repositories,
    repository_detail,
)
from github_stats.services.jobs import refresh_request

router = Router()

TOP_REPOS = 10
# 1..366 days back, or every day we have.
HistoryDays = Annotated[int, Field(ge=1, le=366)] | Literal["all"]


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
    "`archived` set to true or false keep only those that are or are not; `name` (contained, "
    "any case) and `language` (exactly, any case) filter as the dashboard's table does. "
    "`format=csv` or `format=json`: every matching repository as a download.",
    openapi_extra=export_openapi(what="The repositories"),
)
def account_repos(
    request: HttpRequest,
    login: Login,
    limit: Annotated[int, Query(ge=1, le=100, description="Not applied to downloads.")] = 30,
    offset: Annotated[int, Query(ge=0, le=100_000, description="Not applied to downloads.")] = 0,
    sort: RepoSort = "stars",
    order: Annotated[
        SortOrder | None, Query(description="Default: most first, names A to Z.")
    ] = None,
    fork: bool | None = None,
    archived: bool | None = None,
    name: Annotated[str, Query(max_length=MAX_NAME_FILTER)] = "",
    language: Annotated[str, Query(max_length=MAX_NAME_FILTER)] = "",
    export: ExportQuery = None,
):
    account = account_get_visible(login=login)
    chosen = export_format_get(request=request, asked=export)
    if chosen is None:
        return account_repositories(
            account=account,
            sort=sort,
            order=order,
            fork=fork,
            archived=archived,
            name=name,
            language=language,
            limit=limit,
            offset=offset,
        )
    rows = account_repositories_rows(
        account=account,
        sort=sort,
        order=order,
        fork=fork,
        archived=archived,
        name=name,
        language=language,
    )
    count = None
    if chosen == "json":  # the RepoWindow shape: `count`, then every item
        count = account_repositories_count(
            account=account, fork=fork, archived=archived, name=name, language=language
        )
    return export_response(
        export_format=chosen,
        rows=rows,
        columns=REPO_COLUMNS,
        name=(account.login, "repositories"),
        json_envelope=None if count is None else {"count": count},
    )


@router.get(
    "/accounts/{login}/history",
    response={200: HistoryOut, **error_responses(404, 422)},
    summary="An account's daily figures",
    description="`days` back from today (UTC), or `all` of them, and `missing_days`: those "
    "with no point (no refresh that day). `format=csv` or `format=json`: the same days as a "
    "download (the CSV has the points only).",
    openapi_extra=export_openapi(what="The daily figures"),
)
def account_history(
    request: HttpRequest,
    login: Login,
    days: Annotated[HistoryDays, Query(description="How many days back, or `all`.")] = 90,
    export: ExportQuery = None,
):
    account = account_get_visible(login=login, with_watchlist=True)
    chosen = export_format_get(request=request, asked=export)
    span = None if days == "all" else days
    if chosen is None and span is not None:
        on_watchlist = [account.pk] if account_on_watchlist(account=account) else []
        history = accounts_history(account_ids=[account.pk], days=span, on_watchlist=on_watchlist)
        return HistoryOut(
            login=account.login,
            days=span,
            points=history[account.pk].points,
            missing_days=history[account.pk].missing_days,
        )
    # A download, or every day (up to years of them): streamed, in the same shape, the missing
    # days (tallied as the rows pass) after the points. The CSV is the rows alone.
    gaps = history_gaps_tally(account=account)
    return export_response(
        export_format=chosen or "json",
        rows=account_history_rows(account=account, days=span, gaps=gaps),
        columns=HISTORY_COLUMNS,
        name=(account.login, "history", "all" if span is None else f"{span}d"),
        json_envelope={"login": account.login, "days": days},
        json_rows_key="points",
        json_trailer=lambda: {"missing_days": gaps.days()},
        attachment=chosen is not None,
    )


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
