"""The JSON API over GitHub data: accounts, repositories, history, refresh jobs, the watchlist
and comparisons. Thin: validate, check permission, call one selector or service, return.

Jobs: a person sees the jobs they requested, and a job the API handed them because it was
already in flight for the account they asked about (someone else's request or the scheduler's).
Any other job is 404, the same answer as a job that does not exist."""

from http import HTTPStatus
from typing import Annotated
from uuid import UUID

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError

from accounts.models import User
from config.api_errors import error_responses
from config.idempotency import IdempotencyKey, idempotent
from config.ratelimits import rate_limit_hit, rate_limit_scope
from github_stats import selectors, services
from github_stats.exceptions import NotFound
from github_stats.models import RefreshJob
from github_stats.schemas import (
    AccountOut,
    CompareItemOut,
    CompareOut,
    HistoryOut,
    JobOut,
    RepoListOut,
    RepositoryOut,
    RepoSort,
    WatchlistItemOut,
)

router = Router(tags=["github"])

TOP_REPOS = 10
MAX_COMPARED = 10
# How long a person may poll a job someone else started, after we handed it to them.
_HANDED_JOB_SECONDS = 24 * 60 * 60

# GitHub's rules (github_stats/validation.py) published in the schema, so clients and schema
# checkers know them; the services validate again.
LOGIN_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"
# Letters, digits, ".", "_", "-", but not "." or ".." (no look-ahead: pydantic's regex has none).
REPO_NAME_PATTERN = (
    r"^([A-Za-z0-9_-][A-Za-z0-9._-]*|\.[A-Za-z0-9_-][A-Za-z0-9._-]*|\.\.[A-Za-z0-9._-]+)$"
)
_LOGIN = r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*"
COMPARE_PATTERN = rf"^{_LOGIN}(,{_LOGIN})+$"
Login = Annotated[
    str,
    Path(
        description="A GitHub user or organisation login.",
        max_length=39,
        pattern=LOGIN_PATTERN,
    ),
]
RepoName = Annotated[
    str, Path(description="A repository name.", max_length=100, pattern=REPO_NAME_PATTERN)
]


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _job_out(job: RefreshJob) -> JobOut:
    return JobOut(
        id=job.pk,
        login=job.login,
        status=job.status,  # type: ignore[arg-type]
        error_code=job.error_code or None,
        error=job.error or None,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        retry_at=job.retry_at,
        url=_job_url(job),
    )


def _job_url(job: RefreshJob) -> str:
    return f"/api/v1/jobs/{job.pk}"


def _handed_key(job_id: UUID, user: User) -> str:
    return f"api:job-handed:{job_id}:{user.pk}"


def _job_hand_over(job: RefreshJob, user: User) -> RefreshJob:
    if job.requested_by_id != user.pk:
        cache.set(_handed_key(job.pk, user), True, timeout=_HANDED_JOB_SECONDS)
    return job


def _job_visible(job: RefreshJob, user: User) -> bool:
    return job.requested_by_id == user.pk or bool(cache.get(_handed_key(job.pk, user)))


def _job_accepted(response: HttpResponse, job: RefreshJob) -> Status[JobOut]:
    response["Location"] = _job_url(job)
    return Status(HTTPStatus.ACCEPTED, _job_out(job))


# --- Accounts -------------------------------------------------------------------------------


@router.get(
    "/accounts/{login}",
    response={200: AccountOut, 202: JobOut, **error_responses(404, 422)},
    summary="An account's dashboard",
    description="200 with what we store (`stale: true` and `job_id` when a refresh was queued "
    "because it is older than the TTL). An account we do not have yet: 202 with the refresh "
    "job and a Location to poll; never waits for GitHub.",
)
def account_detail(request: HttpRequest, response: HttpResponse, login: Login):
    user = _user(request)
    account = selectors.account_find(login=login)
    if account is None:
        # A first fetch spends GitHub quota: it counts against the refresh budget too.
        rate_limit_hit(request, scope="refresh")
        job = services.refresh_request(login=login, requested_by=user)
        return _job_accepted(response, _job_hand_over(job, user))
    dashboard, repos, _ = selectors.account_page_data(account=account)
    job_id = None
    if dashboard.profile.is_stale:
        job = services.refresh_request(login=account.login, requested_by=user)
        job_id = _job_hand_over(job, user).pk
    return AccountOut(
        profile=dashboard.profile,  # type: ignore[arg-type]
        figures=dashboard.figures,  # type: ignore[arg-type]
        languages=dashboard.languages,  # type: ignore[arg-type]
        top_repos=repos.rows[:TOP_REPOS],  # type: ignore[arg-type]
        fetched_at=dashboard.profile.fetched_at,
        stale=dashboard.profile.is_stale,
        refresh_status=dashboard.profile.refresh_status,
        job_id=job_id,
    )


@router.get(
    "/accounts/{login}/repos",
    response={200: RepoListOut, **error_responses(404, 422)},
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
    account = selectors.account_get_visible(login=login)
    found = selectors.repositories_list(
        account=account, sort=sort, fork=fork, archived=archived, limit=limit, offset=offset
    )
    return RepoListOut(items=found.items, count=found.count)  # type: ignore[arg-type]


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
    account = selectors.account_get_visible(login=login)
    history = selectors.accounts_history(account_ids=[account.pk], days=days)[account.pk]
    return HistoryOut(
        login=account.login,
        days=days,
        points=history.points,  # type: ignore[arg-type]
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
):
    user = _user(request)
    job = services.refresh_request(login=login, requested_by=user)
    return _job_accepted(response, _job_hand_over(job, user))


# --- Repositories, jobs ---------------------------------------------------------------------


@router.get(
    "/repos/{owner}/{repo}",
    response={200: RepositoryOut, **error_responses(404, 422)},
    summary="One repository",
)
def repository_detail(request: HttpRequest, owner: Login, repo: RepoName):
    account = selectors.account_get_visible(login=owner)
    repository = selectors.repository_find(owner=account, name=repo)
    if repository is None:
        raise NotFound(f"We have no repository {account.login}/{repo}.")
    repository.owner = account  # already loaded: no second query for it
    detail = selectors.repository_detail(repository=repository)
    return RepositoryOut(
        owner=account.login,
        **{
            field: getattr(detail, field)
            for field in RepositoryOut.model_fields
            if field != "owner"
        },
    )


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **error_responses(404, 422)},
    summary="A refresh job",
    description="Yours, or one handed to you because it was in flight; anyone else's is 404.",
)
def job_detail(request: HttpRequest, job_id: UUID):
    job = selectors.refresh_job_get(job_id=job_id)
    if job is None or not _job_visible(job, _user(request)):
        raise NotFound("There is no such job.")
    return _job_out(job)


# --- Watchlist, comparison ------------------------------------------------------------------


def _watchlist_item(entry: selectors.WatchlistEntry) -> WatchlistItemOut:
    profile = entry.profile
    return WatchlistItemOut(
        login=profile.login,
        kind=profile.kind,  # type: ignore[arg-type]
        name=profile.name,
        avatar_url=profile.avatar_url,
        followers=entry.followers,
        public_repos=entry.public_repos,
        fetched_at=profile.fetched_at,
        stale=profile.is_stale,
        tracked_since=entry.tracked_since,
    )


@router.get(
    "/watchlist",
    response={200: list[WatchlistItemOut], **error_responses()},
    summary="Your watchlist",
)
def watchlist(request: HttpRequest):
    return [_watchlist_item(entry) for entry in selectors.watchlist_list(user=_user(request))]


@router.put(
    "/watchlist/{login}",
    response={200: WatchlistItemOut, **error_responses(400, 403, 404, 409, 422)},
    summary="Watch an account",
    description="Puts a stored account on your watchlist (again is fine). An account we do not "
    "have yet is 404: GET /accounts/{login} fetches it first. Accepts Idempotency-Key.",
)
@idempotent
def watchlist_put(request: HttpRequest, login: Login, idempotency_key: IdempotencyKey = None):
    user = _user(request)
    account = selectors.account_get_visible(login=login)
    tracking = services.tracking_add(user=user, account=account)
    return WatchlistItemOut(
        login=account.login,
        kind=account.kind,  # type: ignore[arg-type]
        name=account.name,
        avatar_url=selectors.account_profile(account=account).avatar_url,
        followers=account.followers,
        public_repos=account.public_repos,
        fetched_at=account.fetched_at,
        stale=account.is_stale(),
        tracked_since=tracking.created_at,
    )


@router.delete(
    "/watchlist/{login}",
    response={204: None, **error_responses(403, 404, 422)},
    summary="Stop watching an account",
    description="204 when it was on your watchlist, 404 when it was not.",
)
def watchlist_delete(request: HttpRequest, login: Login):
    account = selectors.account_get_visible(login=login)
    if not services.tracking_remove(user=_user(request), account=account):
        raise NotFound(f"{account.login} is not on your watchlist.")
    return Status(HTTPStatus.NO_CONTENT, None)


@router.get(
    "/compare",
    response={200: CompareOut, **error_responses(404, 422)},
    summary="Compare accounts",
    description="Profiles and figures of 2 to 10 stored accounts, in the order given.",
)
def compare(
    request: HttpRequest,
    logins: Annotated[
        str,
        Query(
            description="Comma-separated logins, e.g. octocat,torvalds.",
            max_length=400,
            pattern=COMPARE_PATTERN,
        ),
    ],
):
    names = logins.split(",")
    if len({name.lower() for name in names}) > MAX_COMPARED:
        raise ValidationError(
            [{"loc": ("query", "logins"), "msg": f"At most {MAX_COMPARED} logins."}]
        )
    entries = selectors.accounts_compare(logins=names)
    return CompareOut(
        items=[
            CompareItemOut(
                profile=entry.profile,  # type: ignore[arg-type]
                figures=entry.figures,  # type: ignore[arg-type]
                fetched_at=entry.profile.fetched_at,
                stale=entry.profile.is_stale,
            )
            for entry in entries
        ]
    )
