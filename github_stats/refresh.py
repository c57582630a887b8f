"""account_refresh(): fetch one account and all its repositories from GitHub and store them.

Quota first: the account GET is conditional on its stored ETag and every repository page on its
stored validator, so a refresh of an unchanged account costs no quota at all. A 304 page stands
for the repositories it listed last time (their ids are stored with the validator), which stay as
they are in the database.

Then the database: every GitHub call happens before the first write, and all writes happen in one
transaction at the end, so a refresh that fails or is killed half-way leaves the previous state
whole (validators included: stored ETags never describe data we did not store). The writes are a
constant number of queries whatever the repository count on PostgreSQL: one upsert for the
account, one for all repositories, one delete for those gone from GitHub, one aggregate and one
upsert for today's snapshot. (SQLite caps a statement at 999 parameters, so Django splits the
repository upsert into batches there; the zero-setup default only.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from github_stats.caching import account_cache_invalidate
from github_stats.client import AccountFetch, GitHubClient, PageValidator, RequestStats
from github_stats.exceptions import (
    AccountHidden,
    GitHubUnavailable,
    InvalidLogin,
    NotFound,
    RateLimited,
)
from github_stats.models import (
    Account,
    AccountSnapshot,
    RefreshStatus,
    Repository,
    today_utc,
    token_fingerprint,
)
from github_stats.payloads import AccountPayload, RepoPayload
from github_stats.validation import validate_login

logger = logging.getLogger(__name__)

# Written by every refresh; everything else on Account is ours (first_seen_at) or moderation's.
_PROFILE_FIELDS = [
    "login",
    "kind",
    "name",
    "bio",
    "company",
    "location",
    "blog",
    "email",
    "twitter_username",
    "avatar_url",
    "html_url",
    "followers",
    "following",
    "public_repos",
    "public_gists",
    "created_at",
    "updated_at",
]
_ACCOUNT_FIELDS = [
    *_PROFILE_FIELDS,
    "fetched_at",
    "refresh_status",
    "last_error",
    "last_error_at",
    "etag",
    "last_modified",
    "repo_page_validators",
    "validators_token",
]
_REPOSITORY_FIELDS = [
    "owner",
    "name",
    "description",
    "language",
    "language_bytes",
    "languages_pushed_at",
    "stars",
    "forks",
    "open_issues",
    "watchers",
    "size_kb",
    "is_fork",
    "archived",
    "disabled",
    "default_branch",
    "topics",
    "license_spdx",
    "homepage",
    "html_url",
    "pushed_at",
    "created_at",
    "updated_at",
    "fetched_at",
]
_SNAPSHOT_FIELDS = [
    "followers",
    "following",
    "public_repos",
    "total_stars",
    "total_forks",
    "non_fork_stars",
    "non_fork_forks",
]


@dataclass(frozen=True)
class RefreshResult:
    account: Account
    created: bool  # the account was new to us
    repositories: int  # stored after the refresh
    repositories_written: int  # rows upserted (0 when every page was a 304)
    repositories_removed: int
    languages_fetched: int
    stats: RequestStats  # what this refresh cost


def account_refresh(
    *,
    account: Account | None = None,
    login: str | None = None,
    client: GitHubClient | None = None,
    now: datetime | None = None,
) -> RefreshResult:
    """Fetch and store one account: the one given, or the one called `login` (which we may not
    have yet, or have under its old name). Raises AccountHidden before any GitHub call for a
    hidden account, and the client's domain exceptions (NotFound, RateLimited,
    GitHubUnavailable, GitHubBadCredentials) with nothing written but the account's status."""
    if account is not None:
        login = None
    elif login is None:
        raise TypeError("account_refresh() needs an account or a login")
    else:
        login = validate_login(login)
        account = Account.objects.by_login(login).first()
    if account is not None and account.hidden:
        raise AccountHidden()
    client = client or GitHubClient()
    before = replace(client.stats)
    now = now or timezone.now()
    try:
        return _refresh(account=account, asked_login=login, client=client, now=now, before=before)
    except (NotFound, GitHubUnavailable, RateLimited) as exc:
        if account is not None:
            _record_failure(account, exc, now=now)
        raise


def _refresh(
    *,
    account: Account | None,
    asked_login: str | None,
    client: GitHubClient,
    now: datetime,
    before: RequestStats,
) -> RefreshResult:
    token = token_fingerprint(_client_token(client))
    fetch = _account_fetch(client, account, asked_login, token=token)
    payload = fetch.payload
    if payload is not None and (account is None or account.github_id != payload.id):
        # Asked for by login: a login new to us may be an account we store under its previous
        # login (a rename), and a login we store may belong to someone else by now. The GitHub
        # id decides which row this is.
        account = Account.objects.filter(github_id=payload.id).first()
        if account is not None and account.hidden:
            raise AccountHidden()
    stored_repos: dict[int, Repository] = (
        {repo.github_id: repo for repo in Repository.objects.filter(owner=account)}
        if account is not None
        else {}
    )
    current_login = payload.login if payload else account.login  # type: ignore[union-attr]
    kind = payload.kind if payload else account.kind  # type: ignore[union-attr]

    validators: list[PageValidator] = []
    fresh: dict[int, RepoPayload] = {}
    unchanged_ids: set[int] = set()
    stored_pages = _usable_page_validators(account, token=token, stored_repos=stored_repos)
    for page in client.repo_pages(login=current_login, kind=kind, stored=stored_pages):
        validators.append(page.validator())
        if page.not_modified:
            unchanged_ids.update(page.repo_ids)
        else:
            # A repository can move between pages while we walk them: the last sighting wins,
            # and it must appear once in the upsert (PostgreSQL refuses to update a row twice).
            for repo in page.repos:
                fresh[repo.id] = repo
    unchanged_ids -= fresh.keys()
    gone = stored_repos.keys() - fresh.keys() - unchanged_ids

    rows = [_repository_row(repo, stored_repos.get(repo.id), now=now) for repo in fresh.values()]
    rows += _languages_outdated_unchanged(client, stored_repos, unchanged_ids)
    languages_fetched = _languages_fill(client, rows, current_login)

    with transaction.atomic():
        account_row = _account_write(
            account=account, fetch=fetch, validators=validators, token=token, now=now
        )
        for row in rows:
            row.owner_id = account_row.pk
        if rows:
            Repository.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["github_id"],
                update_fields=_REPOSITORY_FIELDS,
            )
        removed = 0
        if gone:
            removed, _ = Repository.objects.filter(owner=account_row, github_id__in=gone).delete()
        totals = Repository.objects.for_account(account_row).totals()
        AccountSnapshot.objects.bulk_create(
            [
                AccountSnapshot(
                    account=account_row,
                    date=today_utc(now),
                    followers=account_row.followers,
                    following=account_row.following,
                    public_repos=account_row.public_repos,
                    total_stars=totals.stars,
                    total_forks=totals.forks,
                    non_fork_stars=totals.non_fork_stars,
                    non_fork_forks=totals.non_fork_forks,
                )
            ],
            update_conflicts=True,
            unique_fields=["account", "date"],
            update_fields=_SNAPSHOT_FIELDS,
        )
        account_id = account_row.pk
        transaction.on_commit(lambda: account_cache_invalidate(account_id=account_id))

    return RefreshResult(
        account=account_row,
        created=account is None,
        repositories=totals.repositories,
        repositories_written=len(rows),
        repositories_removed=removed,
        languages_fetched=languages_fetched,
        stats=_stats_since(before, client.stats),
    )


def _usable_page_validators(
    account: Account | None, *, token: str, stored_repos: dict[int, Repository]
) -> list[PageValidator] | None:
    """The stored page validators we may send: ours (same token), and only for pages whose
    repositories are all still in the database, since a 304 page stands for exactly those."""
    if account is None or account.validators_token != token:
        return None
    pages = [PageValidator.from_json(raw) for raw in account.repo_page_validators]
    return [page for page in pages if all(i in stored_repos for i in page.repo_ids)]


def _client_token(client: GitHubClient) -> str:
    # The client keeps its token private; it is settings' unless a caller passed another.
    return getattr(client, "_token", settings.GITHUB_TOKEN) or ""


def _account_fetch(
    client: GitHubClient, account: Account | None, asked_login: str | None, *, token: str
) -> AccountFetch:
    """The account's profile: by login, conditional on what we store. Asked for an account we
    store (not a login), it is that GitHub id we want, whatever login it has now."""
    if account is None:
        return client.account_get(login=asked_login or "")
    usable = account.validators_token == token
    etag = (account.etag or None) if usable else None
    last_modified = (account.last_modified or None) if usable else None
    if asked_login is not None:
        try:
            return client.account_get(login=asked_login, etag=etag, last_modified=last_modified)
        except NotFound:
            return client.account_get_by_id(account_id=account.github_id)
    try:
        validate_login(account.login)
    except InvalidLogin:
        # A login we parked (see _displace_login): only the id finds the account now.
        return client.account_get_by_id(account_id=account.github_id)
    try:
        fetch = client.account_get(login=account.login, etag=etag, last_modified=last_modified)
    except NotFound:
        # GitHub frees a login at a rename (the old one 404s); the id still finds the account.
        return client.account_get_by_id(account_id=account.github_id)
    if fetch.payload is not None and fetch.payload.id != account.github_id:
        # Renamed, and someone else has taken the login since: this refresh is about ours.
        return client.account_get_by_id(account_id=account.github_id)
    return fetch


def _account_write(
    *,
    account: Account | None,
    fetch: AccountFetch,
    validators: list[PageValidator],
    token: str,
    now: datetime,
) -> Account:
    payload = fetch.payload
    # A new instance whether or not we know the account: the upsert must not carry our primary
    # key (SQLite would report it as the conflict), and leaves moderation's fields alone.
    row = Account()
    if payload is None:
        # 304: the profile is as stored; only our bookkeeping changes.
        assert account is not None
        for name in ("github_id", *_PROFILE_FIELDS):
            setattr(row, name, getattr(account, name))
    else:
        _apply_profile(row, payload)
        if account is None or account.login.lower() != payload.login.lower():
            _displace_login(payload)
    row.fetched_at = now
    row.refresh_status = RefreshStatus.OK
    row.last_error = ""
    row.last_error_at = None
    row.etag = fetch.etag or ""
    row.last_modified = fetch.last_modified or ""
    row.repo_page_validators = [v.to_json() for v in validators]
    row.validators_token = token
    # One statement whether the account is new or known; it also returns the primary key.
    (written,) = Account.objects.bulk_create(
        [row], update_conflicts=True, unique_fields=["github_id"], update_fields=_ACCOUNT_FIELDS
    )
    if account is not None:
        written.hidden, written.hidden_reason = account.hidden, account.hidden_reason
        written.first_seen_at = account.first_seen_at
    return written


def _apply_profile(row: Account, payload: AccountPayload) -> None:
    row.github_id = payload.id
    row.login = payload.login
    row.kind = payload.kind
    row.name = payload.name or ""
    row.bio = payload.bio or ""
    row.company = payload.company or ""
    row.location = payload.location or ""
    row.blog = payload.blog or ""
    row.email = payload.email or ""
    row.twitter_username = payload.twitter_username or ""
    row.avatar_url = payload.avatar_url or ""
    row.html_url = payload.html_url or ""
    row.followers = payload.followers
    row.following = payload.following
    row.public_repos = payload.public_repos
    row.public_gists = payload.public_gists
    row.created_at = payload.created_at
    row.updated_at = payload.updated_at


def _displace_login(payload: AccountPayload) -> None:
    """Another stored account may still hold this login: GitHub gave it to someone else after
    a rename. Park that row's login (login~github_id) until its own refresh finds its new one,
    so the case-insensitive unique login never blocks this write. Its cached pages go with it:
    the login's page now shows the account that holds it."""
    parked = (
        Account.objects.by_login(payload.login)
        .exclude(github_id=payload.id)
        .update(login=Concat(F("login"), Value("~"), Cast("github_id", output_field=CharField())))
    )
    if parked:  # rare: only then the extra query (every parked row of this login; harmless)
        parked_rows = Account.objects.filter(login__istartswith=f"{payload.login}~")
        for account_id in parked_rows.values_list("pk", flat=True):
            transaction.on_commit(partial(account_cache_invalidate, account_id=account_id))


def _repository_row(repo: RepoPayload, stored: Repository | None, *, now: datetime) -> Repository:
    return Repository(
        github_id=repo.id,
        name=repo.name,
        description=repo.description or "",
        language=repo.language or "",
        # Language sizes describe a push: keep them until a newer push asks for new ones.
        language_bytes=stored.language_bytes if stored else {},
        languages_pushed_at=stored.languages_pushed_at if stored else None,
        stars=repo.stars,
        forks=repo.forks,
        open_issues=repo.open_issues,
        watchers=repo.watchers,
        size_kb=repo.size_kb,
        is_fork=repo.is_fork,
        archived=repo.archived,
        disabled=repo.disabled,
        default_branch=repo.default_branch or "",
        topics=list(repo.topics),
        license_spdx=repo.license_spdx or "",
        homepage=repo.homepage or "",
        html_url=repo.html_url,
        pushed_at=repo.pushed_at,
        created_at=repo.created_at,
        updated_at=repo.updated_at,
        fetched_at=now,
    )


def _languages_outdated_unchanged(
    client: GitHubClient, stored: dict[int, Repository], unchanged_ids: set[int]
) -> list[Repository]:
    """Repositories on 304 pages whose languages were never fetched for their latest push (a
    token added since, or a GraphQL failure last time): they join the upsert as stored."""
    if not client.has_token:
        return []
    rows = []
    for github_id in unchanged_ids:
        repo = stored.get(github_id)
        if repo is not None and _needs_languages(repo):
            repo.pk = None  # see _account_write: the upsert goes by github_id alone
            rows.append(repo)
    return rows


def _needs_languages(repo: Repository) -> bool:
    return repo.pushed_at is not None and repo.languages_pushed_at != repo.pushed_at


def _languages_fill(client: GitHubClient, rows: list[Repository], login: str) -> int:
    """Language sizes through GraphQL (token only), only for repositories pushed to since we
    last looked. Without a token the primary language is all we use: no per-repo calls."""
    if not client.has_token:
        return 0
    wanted = [row for row in rows if _needs_languages(row)]
    if not wanted:
        return 0
    try:
        sizes = client.languages_for(repos=[(login, row.name) for row in wanted])
    except (GitHubUnavailable, RateLimited) as exc:
        # Languages are the least of it: store everything else and try them next time.
        logger.warning("Languages for %s skipped: %s", login, exc)
        return 0
    fetched = 0
    for row in wanted:
        found = sizes.get(f"{login}/{row.name}")
        if found is not None:
            row.language_bytes = found
            row.languages_pushed_at = row.pushed_at
            fetched += 1
    return fetched


def _record_failure(account: Account, exc: Exception, *, now: datetime) -> None:
    status = RefreshStatus.NOT_FOUND if isinstance(exc, NotFound) else RefreshStatus.FAILED
    if isinstance(exc, RateLimited):
        status = RefreshStatus(account.refresh_status)  # not the account's fault
    message = getattr(exc, "message", str(exc))
    Account.objects.filter(pk=account.pk).update(
        refresh_status=status, last_error=message, last_error_at=now
    )
    account.refresh_status, account.last_error, account.last_error_at = status, message, now


def _stats_since(before: RequestStats, after: RequestStats) -> RequestStats:
    return RequestStats(
        requests=after.requests - before.requests,
        quota_requests=after.quota_requests - before.quota_requests,
        not_modified=after.not_modified - before.not_modified,
        graphql_points=after.graphql_points - before.graphql_points,
        graphql_requests=after.graphql_requests - before.graphql_requests,
    )
