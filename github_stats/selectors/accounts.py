"""Finding stored accounts and repositories, the profile header, search suggestions, jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from pydantic import Field

from github_stats.exceptions import AccountHidden, NotFound
from github_stats.models import FormerName, GitHubAccount, RefreshJob, Repository, Tracking
from github_stats.ui.formatting import safe_external_url

# Fields pages need but the API does not publish: Field(exclude=True) leaves them out of its
# JSON and its schema.
Internal = Field(exclude=True)


class Named:
    """What pages call an account by, for any read of one with a login, a kind and a name."""

    login: str
    kind: str
    name: str

    @property
    def display_name(self) -> str:
        return self.name or self.login

    @property
    def is_org(self) -> bool:
        return self.kind == "org"


@dataclass(frozen=True)
class Profile(Named):
    """The header of an account page."""

    login: str
    kind: str  # "user" | "org"
    name: str
    avatar_url: Annotated[str, Field(description="http(s) only, else empty.")]
    bio: str
    company: str
    location: str
    blog: Annotated[str, Field(description="As GitHub has it; may be any text.")]
    blog_url: Annotated[str, Field(description="The blog as a link when http(s), else empty.")]
    html_url: str
    joined_at: datetime | None
    fetched_at: datetime | None
    refresh_status: str
    is_stale: bool
    # The account's state as read: what a cached response records (github_stats/caching.py).
    cache_version: Annotated[str, Internal] = ""
    stale_at: Annotated[datetime | None, Internal] = None


@dataclass(frozen=True)
class Suggestion:
    login: str
    name: str
    kind: str
    avatar_url: str


def account_find(
    *,
    login: str = "",
    account_id: int | None = None,
    tracked_by: Any = None,
    with_watchlist: bool = False,
) -> GitHubAccount | None:
    """The stored account with this login (any case) or this id, or None if we do not have it
    yet; raises AccountHidden if moderation hid it. Callers validate what a person typed first
    (github/names.py), so a typo is refused before any query. With `tracked_by` (a person),
    the same query tells whether they watch it: `account.is_tracked`; `with_watchlist`,
    whether anyone does (account_on_watchlist)."""
    tracked = bool(getattr(tracked_by, "is_authenticated", False))
    sql, params = _account_sql(
        connection.vendor, by_id=bool(account_id), tracked=tracked, with_watchlist=with_watchlist
    )
    values = {
        _LOGIN: login.lower(),
        _ACCOUNT_ID: account_id,
        _USER_ID: getattr(tracked_by, "pk", None),
    }
    bound = [values.get(p, p) if type(p) in (str, int) else p for p in params]
    account = next(iter(GitHubAccount.objects.raw(sql, bound)), None)
    if account is not None and account.hidden:
        raise AccountHidden()
    return account


# What account_find's query is compiled with, once per process and database, before the real
# values replace them. It is the read of every page not served whole from the cache, and
# compiling it (37 columns, two EXISTS) cost Django three times what PostgreSQL spends answering
# it: 4.2 ms against 1.0 ms for the whole call now (timed in-process). No login holds a NUL
# and no id is negative, so a sentinel is never a real value.
_LOGIN = "\x00login"
_ACCOUNT_ID = -1_000_000_001
_USER_ID = -1_000_000_002


@lru_cache(maxsize=16)
def _account_sql(
    vendor: str, *, by_id: bool, tracked: bool, with_watchlist: bool
) -> tuple[str, tuple[Any, ...]]:
    accounts = GitHubAccount.objects.for_display()
    accounts = accounts.filter(pk=_ACCOUNT_ID) if by_id else accounts.by_login(_LOGIN)
    if tracked:
        mine = Tracking.objects.filter(user_id=_USER_ID, account=OuterRef("pk"))
        accounts = accounts.annotate(is_tracked=Exists(mine))
    if with_watchlist:
        anyone = Tracking.objects.filter(account=OuterRef("pk"))
        accounts = accounts.annotate(on_watchlist=Exists(anyone))
    sql, params = accounts[:1].query.sql_with_params()
    expected = {_ACCOUNT_ID if by_id else _LOGIN} | ({_USER_ID} if tracked else set())
    found = [p for p in params if type(p) in (str, int) and p in expected]
    # Each sentinel a parameter of its own, once: anything else would bind the wrong value.
    if sorted(map(str, found)) != sorted(map(str, expected)):
        raise RuntimeError(f"account_find's SQL no longer binds its values one each: {sql}")
    return sql, tuple(params)


def account_get_visible(*, login: str, with_watchlist: bool = False) -> GitHubAccount:
    """Like `account_find`, but a login we do not store is NotFound (the API's view of it)."""
    account = account_find(login=login, with_watchlist=with_watchlist)
    if account is None:
        raise NotFound(f"We have no data for {login!r} yet.")
    return account


def account_profile(*, account: GitHubAccount, now: datetime | None = None) -> Profile:
    return Profile(
        login=account.login,
        kind=account.kind,
        name=account.name,
        avatar_url=safe_external_url(account.avatar_url),
        bio=account.bio,
        company=account.company,
        location=account.location,
        blog=account.blog,
        blog_url=safe_external_url(account.blog),
        html_url=safe_external_url(account.html_url) or f"https://github.com/{account.login}",
        joined_at=account.created_at,
        fetched_at=account.fetched_at,
        refresh_status=account.refresh_status,
        is_stale=account.is_stale(now or timezone.now()),
        cache_version=account.cache_version,
        stale_at=account.stale_at(),
    )


def account_is_tracked(*, user: Any, account: GitHubAccount) -> bool:
    """Whether this person watches the account: read with it by account_find(tracked_by=), or
    asked now (1 query)."""
    known = getattr(account, "is_tracked", None)
    if known is not None:
        return bool(known)
    if not getattr(user, "is_authenticated", False):
        return False
    return Tracking.objects.filter(user=user, account=account).exists()


def account_on_watchlist(*, account: GitHubAccount) -> bool:
    """Whether anyone watches the account, so the scheduler refreshes it every day: read with
    it by account_find(with_watchlist=True). False when it was not read: no query here, the
    history's readers must not add one, and all it costs is the tail of the missing days
    (selectors/history_gaps.py)."""
    return bool(getattr(account, "on_watchlist", False))


def repository_find(*, owner: GitHubAccount, name: str) -> Repository | None:
    """The owner's repository with this name (any case), or None."""
    return Repository.objects.for_account(owner).by_name(name).order_by("-fetched_at").first()


def former_name_find(*, login: str, repo: str = "") -> str | None:
    """Where a renamed account (`login`) or repository (`login/repo`) is stored now, as
    "login" or "login/name"; None when we know of no such rename, or its account is hidden.
    One query."""
    if repo:
        found = (
            FormerName.objects.filter(
                kind=FormerName.Kind.REPOSITORY, name=f"{login}/{repo}".lower()
            )
            .select_related("account", "repository")
            .first()
        )
        if found is None or found.repository is None or found.account.hidden:
            return None
        return f"{found.account.login}/{found.repository.name}"
    found = (
        FormerName.objects.filter(kind=FormerName.Kind.ACCOUNT, name=login.lower())
        .select_related("account")
        .first()
    )
    return None if found is None or found.account.hidden else found.account.login


def refresh_job_get(*, job_id: Any) -> RefreshJob | None:
    """The job with this id, or None for an unknown or malformed id (never a 500)."""
    try:
        return RefreshJob.objects.filter(pk=job_id).first()
    except (ValidationError, ValueError, TypeError):  # a malformed UUID
        return None


def account_search_suggestions(*, prefix: str, limit: int = 8) -> list[Suggestion]:
    """Stored, visible accounts whose login starts with `prefix` (any case), shortest first.
    The range on LOWER(login) lets the database walk the unique LOWER(login) index; the LIKE
    keeps the answer exact whatever the collation."""
    prefix = prefix.strip().lstrip("@").lower()
    if not prefix or len(prefix) > 39 or not prefix.isascii():
        return []
    if not all(ch.isalnum() or ch == "-" for ch in prefix):
        return []
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    rows = (
        GitHubAccount.objects.visible()
        .alias(login_lower=Lower("login"))
        .filter(login_lower__gte=prefix, login_lower__lt=upper, login_lower__startswith=prefix)
        .order_by("login_lower")
        .values_list("login", "name", "kind", "avatar_url")[: limit * 4]
    )
    found = sorted(rows, key=lambda row: (len(row[0]), row[0].lower()))[:limit]
    return [Suggestion(login=r[0], name=r[1], kind=r[2], avatar_url=r[3]) for r in found]
