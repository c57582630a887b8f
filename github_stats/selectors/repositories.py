"""An account's repositories: the dashboard's table (a page of it), any window of them for the
API, and one repository's page."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import Lower
from pydantic import Field

from github_stats.models import GitHubAccount, Repository, RepositoryQuerySet
from github_stats.selectors.account_history import ALL_HISTORY
from github_stats.selectors.accounts import Internal, Profile
from github_stats.selectors.dashboard import DEFAULT_HISTORY_DAYS
from github_stats.ui.formatting import safe_external_url
from github_stats.ui.languages import LanguageShare, top_shares

REPOS_PER_PAGE = 20
MAX_PAGE = 10_000
RepoSort = Literal["stars", "forks", "pushed", "name"]
REPO_SORTS: tuple[RepoSort, ...] = ("stars", "forks", "pushed", "name")
SortOrder = Literal["asc", "desc"]
# Each column's first click: most first for figures and dates, A to Z for names.
DEFAULT_ORDER: dict[RepoSort, SortOrder] = {
    "stars": "desc",
    "forks": "desc",
    "pushed": "desc",
    "name": "asc",
}
_COLUMN: dict[str, F | Lower] = {
    "stars": F("stars"),
    "forks": F("forks"),
    "pushed": F("pushed_at"),
    "name": Lower("name"),
}
MAX_NAME_FILTER = 100
_ROW_FIELDS = (
    "name",
    "description",
    "language",
    "stars",
    "forks",
    "open_issues",
    "is_fork",
    "archived",
    "pushed_at",
    "html_url",
    "topics",
)


@dataclass(frozen=True)
class RepoQuery:
    """The dashboard table's state, parsed from query parameters; never raises on bad input."""

    sort: RepoSort = "stars"
    forks: bool = False  # include forks
    archived: bool = True  # include archived repositories
    page: int = 1
    order: SortOrder | None = None  # reversed or not; None: the sort's DEFAULT_ORDER
    name: str = ""  # only names containing this (any case)
    language: str = ""  # only this primary language (any case)

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> RepoQuery:
        """Links carry only what differs from the defaults (forks=1, archived=0). The filter form
        also sends `f=1`: an unticked box sends nothing, so then a missing `archived` is off."""
        sort: RepoSort = next(
            (known for known in REPO_SORTS if known == params.get("sort")), "stars"
        )
        try:
            page = int(params.get("page", "1"))
        except (TypeError, ValueError):
            page = 1
        on, off = ("1", "on", "true"), ("0", "off", "false")
        archived = params.get("archived", "")
        order = params.get("order")
        return cls(
            sort=sort,
            forks=params.get("forks") in on,
            archived=archived in on if "f" in params else archived not in off,
            page=min(max(page, 1), MAX_PAGE),
            order="asc" if order == "asc" else "desc" if order == "desc" else None,
            name=str(params.get("name", "")).strip()[:MAX_NAME_FILTER],
            language=str(params.get("lang", "")).strip()[:MAX_NAME_FILTER],
        )

    @property
    def direction(self) -> SortOrder:
        return self.order or DEFAULT_ORDER[self.sort]

    @property
    def order_is_default(self) -> bool:
        return self.direction == DEFAULT_ORDER[self.sort]

    def toggled(self, sort: RepoSort) -> dict[str, Any]:
        """The changes a column header's link makes: the column's own first order, or, on the
        column already sorted, the other way round; back to the first page."""
        if sort == self.sort:
            return {"order": "asc" if self.direction == "desc" else "desc", "page": 1}
        return {"sort": sort, "order": None, "page": 1}

    def order_by(self) -> tuple[Any, ...]:
        column = _COLUMN[self.sort]
        asc = self.direction == "asc"
        first = column.asc(nulls_last=True) if asc else column.desc(nulls_last=True)
        return (first, Lower("name")) if self.sort != "name" else (first,)

    def params(self, **changes: Any) -> dict[str, str]:
        """The query parameters of this state (with `changes`), defaults left out."""
        state = replace(self, **changes)
        params: dict[str, str] = {}
        if state.sort != "stars":
            params["sort"] = state.sort
        if not state.order_is_default:
            params["order"] = state.direction
        if state.name:
            params["name"] = state.name
        if state.language:
            params["lang"] = state.language
        if state.forks:
            params["forks"] = "1"
        if not state.archived:
            params["archived"] = "0"
        if state.page > 1:
            params["page"] = str(state.page)
        return params

    @property
    def export_query(self) -> str:
        """The query of /api/v1/accounts/{login}/repos keeping this table's rows in its
        order, every page (the Download links)."""
        params: dict[str, str] = {"sort": self.sort, "order": self.direction}
        if not self.forks:
            params["fork"] = "false"
        if not self.archived:
            params["archived"] = "false"
        if self.name:
            params["name"] = self.name
        if self.language:
            params["language"] = self.language
        return urlencode(params)

    def dashboard_url(self, page_url: str, *, history_days: int | None, **changes: Any) -> str:
        """The dashboard with this table and `history_days` of history (None: all of it; a
        `days` among `changes` replaces it), defaults left out: every link short and
        shareable."""
        days = changes.pop("days", history_days)
        params = self.params(**changes)
        if days is None:
            params["days"] = ALL_HISTORY
        elif int(days) != DEFAULT_HISTORY_DAYS:
            params["days"] = str(int(days))
        return f"{page_url}?{urlencode(params)}" if params else page_url


@dataclass(frozen=True)
class RepoRow:
    name: str
    full_name: str
    description: str
    language: str
    stars: int
    forks: int
    open_issues: int
    is_fork: bool
    archived: bool
    pushed_at: datetime | None
    html_url: Annotated[str, Field(description="http(s) only, else empty.")]
    topics: list[str] = field(default_factory=list)


# Every column of a row, in order: the export's header.
REPO_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(RepoRow))
# Rows per fetch of an export's cursor: memory bounded by this, not by the repositories.
REPO_CHUNK = 100


@dataclass(frozen=True)
class RepoPage:
    """One page of the dashboard's table; `query` is the state shown (a page past the end is
    the last one)."""

    rows: list[RepoRow]
    query: RepoQuery
    total: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1

    @property
    def has_next(self) -> bool:
        return self.query.page < self.num_pages


@dataclass(frozen=True)
class RepoWindow:
    """`limit` repositories from `offset`, and how many match in all."""

    items: list[RepoRow]
    count: Annotated[int, Field(description="Repositories matching the filters, on all pages.")]


@dataclass(frozen=True)
class RepositoryDetail:
    owner: Annotated[str, Field(description="The owner's login.")]
    owner_profile: Annotated[Profile, Internal]
    name: str
    full_name: str
    description: str
    language: str
    languages: Annotated[
        list[LanguageShare], Field(description="By bytes; the primary language alone without.")
    ]
    languages_measured: Annotated[bool, Field(description="False: the primary one only.")]
    stars: int
    forks: int
    open_issues: int
    watchers: int
    size_kb: int
    is_fork: bool
    archived: bool
    topics: list[str]
    license_spdx: str
    default_branch: str
    html_url: Annotated[str, Field(description="http(s) only.")]
    homepage: Annotated[str, Field(description="As GitHub has it; may be any text.")]
    homepage_url: Annotated[str, Field(description="The homepage when http(s), else empty.")]
    pushed_at: datetime | None
    created_at: datetime | None
    fetched_at: datetime | None


def account_repositories_page(*, account: GitHubAccount, query: RepoQuery) -> RepoPage:
    """The dashboard's table: forks hidden unless asked for, archived shown unless hidden.
    2 queries (the count and the page)."""
    repos = _repositories(
        account,
        fork=None if query.forks else False,
        archived=None if query.archived else False,
        name=query.name,
        language=query.language,
    )
    paginator = Paginator(repos.order_by(*query.order_by()), REPOS_PER_PAGE)
    page = paginator.get_page(query.page)
    rows = [_row(values, account.login) for values in page.object_list]
    shown = replace(query, page=page.number)
    return RepoPage(rows=rows, query=shown, total=paginator.count, num_pages=paginator.num_pages)


def repository_languages(*, account: GitHubAccount) -> list[str]:
    """The primary languages of the account's own repositories, most used first (from the
    counts its refresh stores on the row: no query)."""
    counts = account.language_repos if isinstance(account.language_repos, dict) else {}
    ranked = [(name, n) for name, n in counts.items() if isinstance(n, int) and name]
    return [name for name, _ in sorted(ranked, key=lambda item: (-item[1], item[0].lower()))]


def account_repositories(
    *,
    account: GitHubAccount,
    sort: RepoSort = "stars",
    order: SortOrder | None = None,
    fork: bool | None = None,
    archived: bool | None = None,
    name: str = "",
    language: str = "",
    limit: int = 30,
    offset: int = 0,
) -> RepoWindow:
    """Any window of the repositories (the API): every one by default; `fork`/`archived` True
    or False keep only those that are or are not; `name` and `language` filter as the
    dashboard's table does. 2 queries (the window, the count)."""
    repos = _repositories(account, fork=fork, archived=archived, name=name, language=language)
    window = repos.order_by(*RepoQuery(sort=sort, order=order).order_by())
    window = window[offset : offset + limit]
    return RepoWindow(items=[_row(v, account.login) for v in window], count=repos.count())


def account_repositories_count(*, account: GitHubAccount, **filters: Any) -> int:
    """How many rows account_repositories_rows yields for the same `fork`, `archived`, `name`
    and `language`. 1 query."""
    return int(_repositories(account, **filters).count())


def account_repositories_rows(
    *,
    account: GitHubAccount,
    sort: RepoSort = "stars",
    order: SortOrder | None = None,
    fork: bool | None = None,
    archived: bool | None = None,
    name: str = "",
    language: str = "",
) -> Iterator[RepoRow]:
    """Every repository the filters keep, in the table's order, as the rows the table shows,
    read in chunks: the exports' reader, constant in memory for 2,500 repositories. 1 query
    (a server-side cursor on PostgreSQL)."""
    repos = _repositories(account, fork=fork, archived=archived, name=name, language=language)
    ordered = repos.order_by(*RepoQuery(sort=sort, order=order).order_by())
    for values in ordered.iterator(chunk_size=REPO_CHUNK):
        yield _row(values, account.login)


def account_top_repositories(*, account: GitHubAccount, limit: int) -> list[RepoRow]:
    """The most starred own repositories (not forks). 1 query."""
    top = _repositories(account, fork=False, archived=None).order_by(*RepoQuery().order_by())
    top = top[:limit]
    return [_row(values, account.login) for values in top]


def repository_detail(*, repository: Repository, owner: Profile) -> RepositoryDetail:
    """The repository page's data. No query."""
    sizes = repository.language_bytes if isinstance(repository.language_bytes, dict) else {}
    languages = top_shares(sizes.items())
    if not languages and repository.language:
        languages = [LanguageShare(name=repository.language, value=1, share=1.0)]
    return RepositoryDetail(
        owner=owner.login,
        owner_profile=owner,
        name=repository.name,
        full_name=f"{owner.login}/{repository.name}",
        description=repository.description,
        language=repository.language,
        languages=languages,
        languages_measured=bool(sizes),
        stars=repository.stars,
        forks=repository.forks,
        open_issues=repository.open_issues,
        watchers=repository.watchers,
        size_kb=repository.size_kb,
        is_fork=repository.is_fork,
        archived=repository.archived,
        topics=_topics(repository.topics),
        license_spdx=repository.license_spdx,
        default_branch=repository.default_branch,
        html_url=safe_external_url(repository.html_url)
        or f"https://github.com/{owner.login}/{repository.name}",
        homepage=repository.homepage,
        homepage_url=safe_external_url(repository.homepage),
        pushed_at=repository.pushed_at,
        created_at=repository.created_at,
        fetched_at=repository.fetched_at,
    )


def _repositories(
    account: GitHubAccount,
    *,
    fork: bool | None = None,
    archived: bool | None = None,
    name: str = "",
    language: str = "",
) -> Any:
    """The rows as plain values, not models: a table page reads twenty, the API up to 100, an
    export every one in chunks. The one filter of the table, the API and the exports."""
    repos: RepositoryQuerySet = Repository.objects.for_account(account)
    if fork is not None:
        repos = repos.filter(is_fork=fork)
    if archived is not None:
        repos = repos.filter(archived=archived)
    # PostgreSQL refuses a NUL in a string literal (an error, not "no rows").
    name, language = name.replace("\x00", ""), language.replace("\x00", "")
    if name:
        repos = repos.filter(name__icontains=name)
    if language:
        repos = repos.filter(language__iexact=language)
    return repos.values_list(*_ROW_FIELDS)


def _row(values: tuple[Any, ...], owner_login: str) -> RepoRow:
    name, description, language, stars, forks, issues, is_fork, archived, pushed, url, topics = (
        values
    )
    return RepoRow(
        name=name,
        full_name=f"{owner_login}/{name}",
        description=description,
        language=language,
        stars=stars,
        forks=forks,
        open_issues=issues,
        is_fork=is_fork,
        archived=archived,
        pushed_at=pushed,
        html_url=safe_external_url(url),
        topics=_topics(topics),
    )


def _topics(raw: object) -> list[str]:
    return [topic for topic in raw if isinstance(topic, str)] if isinstance(raw, list) else []
