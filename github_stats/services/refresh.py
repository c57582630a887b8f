"""account_refresh(): fetch one account and all its repositories from GitHub and store them.

Quota first: the account GET is conditional on its stored ETag and every repository page on its
stored validator, so a refresh of an unchanged account costs no quota at all. A 304 page stands
for the repositories it listed last time (their ids are stored with the validator), which stay as
they are in the database.

Then the database: every GitHub call happens before the first write, and all writes happen in one
transaction at the end, so a refresh that fails or is killed half-way leaves the previous state
whole (validators included: stored ETags never describe data we did not store). The writes are a
constant number of queries whatever the repository count on PostgreSQL: one upsert for the
account (with its totals and languages, summed in memory over the repositories we hold), one for
all repositories, one delete for those gone from GitHub, and one upsert for today's snapshot.
(SQLite caps a statement at 999 parameters, so Django splits the repository upsert into batches
there; the zero-setup default only.) The upsert gives the account a new cache version, published
to the cache after the commit (github_stats/caching.py).

Only a RefreshJob's run (services/jobs.py: refresh_job_run in a worker, refresh_run_now in
backfill_accounts) calls this in the product, so every refresh holds the account's job lock;
bench/quota.py calls it directly to count its requests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from github_stats import caching
from github_stats.exceptions import AccountHidden
from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubNotFound, GitHubUnavailable, InvalidLogin, RateLimited
from github_stats.github.names import validate_login
from github_stats.github.pages import AccountFetch, PageValidator
from github_stats.github.payloads import RepoPayload
from github_stats.github.transport import RequestStats
from github_stats.models import (
    AccountSnapshot,
    GitHubAccount,
    RefreshStatus,
    Repository,
    new_cache_version,
    today_utc,
)
from github_stats.services.former_names import former_names_store, repositories_renamed
from github_stats.services.refresh_cost import change_rate_next
from github_stats.services.refresh_languages import (
    repository_languages_fill,
    repository_languages_held,
)
from github_stats.services.refresh_rows import (
    ACCOUNT_FIELDS,
    PROFILE_FIELDS,
    REPOSITORY_FIELDS,
    SNAPSHOT_FIELDS,
    RepositorySums,
    profile_apply,
    repository_row,
)
from github_stats.services.shown import account_shown_update

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshResult:
    account: GitHubAccount
    created: bool  # the account was new to us
    repositories: int  # stored after the refresh
    repositories_written: int  # rows upserted (0 when every page was a 304)
    repositories_removed: int
    languages_fetched: int
    stats: RequestStats  # what this refresh cost


def account_refresh(
    *,
    account: GitHubAccount | None = None,
    login: str | None = None,
    client: GitHubClient,
    now: datetime | None = None,
) -> RefreshResult:
    """Fetch and store one account: the one given, or the one called `login` (which we may not
    have yet, or have under its old name). Raises AccountHidden before any GitHub call for a
    hidden account, and the client's exceptions (GitHubNotFound, RateLimited,
    GitHubUnavailable, GitHubBadCredentials) with nothing written but the account's status."""
    if account is None:
        if login is None:
            raise TypeError("account_refresh() needs an account or a login")
        login = validate_login(login)
        account = GitHubAccount.objects.by_login(login).first()
    else:
        login = None
    if account is not None and account.hidden:
        raise AccountHidden()
    before = replace(client.stats)
    now = now or timezone.now()
    try:
        return _refresh(account=account, asked_login=login, client=client, now=now, before=before)
    except (GitHubNotFound, GitHubUnavailable, RateLimited) as exc:
        if account is not None:
            _record_failure(account, exc, now=now)
        raise


def _refresh(
    *,
    account: GitHubAccount | None,
    asked_login: str | None,
    client: GitHubClient,
    now: datetime,
    before: RequestStats,
) -> RefreshResult:
    token = client.token_fingerprint
    fetch = _account_fetch(client, account, asked_login, token=token)
    payload = fetch.payload
    if payload is not None and (account is None or account.github_id != payload.id):
        # Asked for by login: a login new to us may be an account we store under its previous
        # login (a rename), and a login we store may belong to someone else by now. The GitHub
        # id decides which row this is.
        account = GitHubAccount.objects.filter(github_id=payload.id).first()
        if account is not None and account.hidden:
            raise AccountHidden()
    stored_repos: dict[int, Repository] = (
        {repo.github_id: repo for repo in Repository.objects.filter(owner=account)}
        if account is not None
        else {}
    )
    kind: str
    if payload is not None:
        current_login, kind = payload.login, payload.kind
    else:
        assert account is not None  # a 304 answers a conditional request about a stored account
        current_login, kind = account.login, account.kind

    stored_pages = _usable_page_validators(account, token=token, stored_repos=stored_repos)
    validators, fresh, unchanged_ids = _repo_pages_walk(
        client, login=current_login, kind=kind, stored=stored_pages
    )
    gone = stored_repos.keys() - fresh.keys() - unchanged_ids

    rows = [repository_row(repo, stored_repos.get(repo.id), now=now) for repo in fresh.values()]
    rows += repository_languages_held(client, stored_repos, unchanged_ids)
    languages_fetched = repository_languages_fill(client, rows, current_login)
    held = {github_id: stored_repos[github_id] for github_id in unchanged_ids}
    held.update((row.github_id, row) for row in rows)
    sums = RepositorySums.of(held.values())

    account_row, removed = _store(
        account=account,
        fetch=fetch,
        validators=validators,
        token=token,
        now=now,
        sums=sums,
        rows=rows,
        gone=gone,
        renamed=repositories_renamed(account=account, stored=stored_repos, rows=rows),
    )
    return RefreshResult(
        account=account_row,
        created=account is None,
        repositories=sums.repositories,
        repositories_written=len(rows),
        repositories_removed=removed,
        languages_fetched=languages_fetched,
        stats=client.stats.since(before),
    )


def _store(
    *,
    account: GitHubAccount | None,
    fetch: AccountFetch,
    validators: list[PageValidator],
    token: str,
    now: datetime,
    sums: RepositorySums,
    rows: list[Repository],
    gone: set[int],
    renamed: list[tuple[str, int]],
) -> tuple[GitHubAccount, int]:
    """Every write of a refresh, in one transaction: the account (with its sums and a new cache
    version, published after the commit), its repositories, today's snapshot. The same number
    of queries for any number of repositories. Returns the account and how many were removed."""
    with transaction.atomic():
        account_row = _account_write(
            account=account,
            fetch=fetch,
            validators=validators,
            token=token,
            now=now,
            sums=sums,
            changed=fetch.payload is not None or bool(rows) or bool(gone),
        )
        for row in rows:
            row.owner_id = account_row.pk
        if rows:
            Repository.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["github_id"],
                update_fields=REPOSITORY_FIELDS,
            )
        removed = 0
        if gone:
            removed, _ = Repository.objects.filter(owner=account_row, github_id__in=gone).delete()
        AccountSnapshot.objects.bulk_create(
            [
                AccountSnapshot(
                    account=account_row,
                    date=today_utc(now),
                    followers=account_row.followers,
                    following=account_row.following,
                    public_repos=account_row.public_repos,
                    total_stars=sums.stars,
                    total_forks=sums.forks,
                    non_fork_stars=sums.non_fork_stars,
                    non_fork_forks=sums.non_fork_forks,
                )
            ],
            update_conflicts=True,
            unique_fields=["account", "date"],
            update_fields=SNAPSHOT_FIELDS,
        )
        renamed_from = [account.login] if account is not None else []
        former_names_store(account=account, account_row=account_row, renamed=renamed, now=now)
        transaction.on_commit(
            partial(
                caching.account_version_publish,
                login=account_row.login,
                version=account_row.cache_version,
                previous_logins=renamed_from,
            )
        )
    return account_row, removed


def _repo_pages_walk(
    client: GitHubClient, *, login: str, kind: str, stored: list[PageValidator] | None
) -> tuple[list[PageValidator], dict[int, RepoPayload], set[int]]:
    """Every repository page: the validators to keep, the repositories GitHub sent, and the ids
    of those its 304 pages stand for (unchanged since we stored them)."""
    validators: list[PageValidator] = []
    fresh: dict[int, RepoPayload] = {}
    unchanged_ids: set[int] = set()
    for page in client.repo_pages(login=login, kind=kind, stored=stored):
        validators.append(page.validator())
        if page.not_modified:
            unchanged_ids.update(page.repo_ids)
        else:
            # A repository can move between pages while we walk them: the last sighting wins,
            # and it must appear once in the upsert (PostgreSQL refuses to update a row twice).
            for repo in page.repos:
                fresh[repo.id] = repo
    return validators, fresh, unchanged_ids - fresh.keys()


def _usable_page_validators(
    account: GitHubAccount | None, *, token: str, stored_repos: dict[int, Repository]
) -> list[PageValidator] | None:
    """The stored page validators we may send: ours (same token), and only for pages whose
    repositories are all still in the database, since a 304 page stands for exactly those."""
    if account is None or account.validators_token != token:
        return None
    pages = [PageValidator.from_json(raw) for raw in account.repo_page_validators]
    return [page for page in pages if all(i in stored_repos for i in page.repo_ids)]


def _account_fetch(
    client: GitHubClient, account: GitHubAccount | None, asked_login: str | None, *, token: str
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
        except GitHubNotFound:
            return client.account_get_by_id(account_id=account.github_id)
    try:
        validate_login(account.login)
    except InvalidLogin:
        # A login we parked (see _displace_login): only the id finds the account now.
        return client.account_get_by_id(account_id=account.github_id)
    try:
        fetch = client.account_get(login=account.login, etag=etag, last_modified=last_modified)
    except GitHubNotFound:
        # GitHub frees a login at a rename (the old one 404s); the id still finds the account.
        return client.account_get_by_id(account_id=account.github_id)
    if fetch.payload is not None and fetch.payload.id != account.github_id:
        # Renamed, and someone else has taken the login since: this refresh is about ours.
        return client.account_get_by_id(account_id=account.github_id)
    return fetch


def _account_write(
    *,
    account: GitHubAccount | None,
    fetch: AccountFetch,
    validators: list[PageValidator],
    token: str,
    now: datetime,
    sums: RepositorySums,
    changed: bool,
) -> GitHubAccount:
    payload = fetch.payload
    # A new instance whether or not we know the account: the upsert must not carry our primary
    # key (SQLite would report it as the conflict), and leaves moderation's fields alone.
    row = GitHubAccount()
    if payload is None:
        # 304: the profile is as stored; only our bookkeeping changes.
        assert account is not None
        for name in ("github_id", *PROFILE_FIELDS):
            setattr(row, name, getattr(account, name))
    else:
        profile_apply(row, payload)
        if account is None or account.login.lower() != payload.login.lower():
            _displace_login(payload.login, github_id=payload.id)
    row.total_stars, row.total_forks = sums.stars, sums.forks
    row.language_bytes, row.language_repos = sums.language_bytes, sums.language_repos
    row.fetched_at = now
    row.refresh_status = RefreshStatus.OK
    row.last_error = ""
    row.last_error_at = None
    row.etag = fetch.etag or ""
    row.last_modified = fetch.last_modified or ""
    row.repo_page_validators = [v.to_json() for v in validators]
    row.validators_token = token
    row.change_rate = change_rate_next(
        previous=account.change_rate if account is not None else None, changed=changed
    )
    row.cache_version = new_cache_version()
    # One statement whether the account is new or known; it also returns the primary key.
    (written,) = GitHubAccount.objects.bulk_create(
        [row], update_conflicts=True, unique_fields=["github_id"], update_fields=ACCOUNT_FIELDS
    )
    if account is not None:
        written.hidden, written.hidden_reason = account.hidden, account.hidden_reason
        written.first_seen_at = account.first_seen_at
    return written


def _displace_login(login: str, *, github_id: int) -> None:
    """Another stored account may still hold this login: GitHub gave it to someone else after
    a rename. Park that row's login (login~github_id) until its own refresh finds its new one,
    so the case-insensitive unique login never blocks this write. Its cached responses go with
    it: the login's version is republished with the new holder's after the commit."""
    GitHubAccount.objects.by_login(login).exclude(github_id=github_id).update(
        login=Concat(F("login"), Value("~"), Cast("github_id", output_field=CharField())),
        cache_version=new_cache_version(),
    )


def _record_failure(account: GitHubAccount, exc: Exception, *, now: datetime) -> None:
    status = RefreshStatus.NOT_FOUND if isinstance(exc, GitHubNotFound) else RefreshStatus.FAILED
    if isinstance(exc, RateLimited):
        status = RefreshStatus(account.refresh_status)  # not the account's fault
    message = getattr(exc, "message", str(exc))
    account_shown_update(
        account=account, refresh_status=status, last_error=message, last_error_at=now
    )
