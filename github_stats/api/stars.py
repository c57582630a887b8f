"""Star history as JSON (and CSV): a repository's, several repositories' side by side, and an
account's sum over its repositories with how much of its stars that sum covers. The same
selectors as the repository page, the repository compare and the dashboard's stars chart
(selectors/star_history.py, selectors/compare_repos.py): one query after the account's.

Every endpoint here takes the same window (`StarsQuery`: from, to, interval), validated before
anything is read: ISO dates, from on or before to, nothing before GitHub existed, a span of at
most 20 years.
"""

# No `from __future__ import annotations`: ninja reads the endpoints' annotations at import.

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field, field_validator, model_validator
from pydantic.json_schema import JsonDict

from config.errors import error_responses
from github_stats.api.exports import (
    ExportQuery,
    export_format_get,
    export_openapi,
    export_response,
)
from github_stats.api.schemas import MAX_COMPARED, Login, RepoName
from github_stats.exceptions import NotFound
from github_stats.github.errors import InvalidName
from github_stats.github.names import validate_login, validate_repo_name
from github_stats.selectors.accounts import account_get_visible, repository_find
from github_stats.selectors.compare_repos import repositories_comparison
from github_stats.selectors.star_history import (
    Interval,
    StarCoverage,
    StarSeries,
    account_star_history,
    repository_star_history,
)

router = Router()

# GitHub opened in 2008: no star is older.
EARLIEST = date(2008, 1, 1)
MAX_SPAN_YEARS = 20
# The same rule for the schema's readers (and schemathesis): an ISO date of 2008 or later. The
# validators below enforce it, and what one parameter cannot say: `from` on or before `to`, and
# a span of MAX_SPAN_YEARS at most.
_YEAR_2008_ON = r"(200[89]|20[1-9][0-9]|2[1-9][0-9]{2}|[3-9][0-9]{3})"
_DATE_PATTERN = rf"^{_YEAR_2008_ON}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_DATE_SCHEMA: JsonDict = {"pattern": _DATE_PATTERN}

WINDOW_DESCRIPTION = (
    "`from` and `to` (ISO dates, UTC, both optional) bound the points; a total still counts "
    "every star before `from`. `interval`: one point a day, a week (weeks start on Sunday, as "
    "GitHub's) or a month, every bucket present, without stars or not. Dates before "
    f"{EARLIEST.isoformat()}, `from` after `to`, or a span over {MAX_SPAN_YEARS} years are 422."
)


class StarsQuery(Schema):
    """The window of a star-history answer."""

    start: date | None = Field(
        None,
        alias="from",
        description="The first day (ISO date). Default: the first star.",
        json_schema_extra=_DATE_SCHEMA,
    )
    end: date | None = Field(
        None,
        alias="to",
        description="The last day (ISO date). Default: today.",
        json_schema_extra=_DATE_SCHEMA,
    )
    interval: Interval = Field("day", description="One point per day, week or month.")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _iso_only(cls, value: Any) -> Any:
        # pydantic also reads "1700000000" as a date (seconds since 1970): only ISO dates here.
        if isinstance(value, str) and value and not _is_iso_date(value):
            raise ValueError("must be an ISO date, YYYY-MM-DD")
        return value or None

    @field_validator("start", "end")
    @classmethod
    def _not_before_github(cls, value: date | None) -> date | None:
        if value is not None and value < EARLIEST:
            raise ValueError(f"must be {EARLIEST.isoformat()} or later (GitHub's first year)")
        return value

    @model_validator(mode="after")
    def _ordered_and_bounded(self) -> "StarsQuery":
        if self.start is not None and self.end is not None:
            if self.start > self.end:
                raise ValueError("`from` must be on or before `to`")
            if _years_between(self.start, self.end) > MAX_SPAN_YEARS:
                raise ValueError(f"the span must be {MAX_SPAN_YEARS} years at most")
        return self


class RepoStarsOut(Schema):
    full_name: str
    series: StarSeries


class ComparedRepoOut(Schema):
    full_name: str
    stars: int
    forks: int
    created_at: datetime | None
    series: StarSeries


class CompareReposOut(Schema):
    items: list[ComparedRepoOut]


# What a star-history download holds: one row per bucket.
STARS_COLUMNS = ("date", "gained", "total")
_REPO = r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*/[A-Za-z0-9._-]+"
COMPARE_REPOS_PATTERN = rf"^{_REPO}(,{_REPO}){{1,{MAX_COMPARED - 1}}}$"


class AccountStarsOut(Schema):
    login: str
    series: StarSeries = Field(
        description="The sum over the repositories whose whole history we have (`coverage`)."
    )
    coverage: StarCoverage
    share: float = Field(
        description="coverage.stars_covered / coverage.stars_total (1 when there are no stars)."
    )
    whole: bool = Field(description="Every starred repository is in the sum.")


@router.get(
    "/accounts/{login}/stars",
    response={200: AccountStarsOut, **error_responses(404, 422)},
    summary="An account's star history",
    description="When the stars of the account's repositories were given, summed over the "
    "repositories whose whole history we have fetched, from the first star: `coverage` says "
    "how many repositories and stars that is (the dashboard's 'history of 41 repositories "
    "holding 97 % of the stars'). The history fills in after a refresh: `series.pending` is "
    "true while it is fetched. " + WINDOW_DESCRIPTION + " An account we do not store is 404: "
    "open it (GET /api/v1/accounts/{login}) first.",
)
def account_stars(request: HttpRequest, login: Login, window: Query[StarsQuery]):
    account = account_get_visible(login=login)
    found = account_star_history(
        account=account, interval=window.interval, start=window.start, end=window.end
    )
    return AccountStarsOut(
        login=account.login,
        series=found.series,
        coverage=found.coverage,
        share=found.coverage.share,
        whole=found.coverage.whole,
    )


@router.get(
    "/repos/{owner}/{repo}/stars",
    response={200: RepoStarsOut, **error_responses(404, 422)},
    summary="A repository's star history",
    description="When the repository's stars were given, from GitHub's star history "
    "(stargazers/history), cumulative and gained per bucket. `series.stars` is the count "
    "GitHub reports now; `series.unattributed` the stars it does not date. Empty while the "
    "history is still fetched (`series.pending`). "
    + WINDOW_DESCRIPTION
    + " `format=csv` or `json`: a download of the points (date, gained, total).",
    openapi_extra=export_openapi(what="One row per bucket: date, gained, total"),
)
def repository_stars(
    request: HttpRequest,
    owner: Login,
    repo: RepoName,
    window: Query[StarsQuery],
    export: ExportQuery = None,
):
    account = account_get_visible(login=owner)
    found = repository_find(owner=account, name=repo)
    if found is None:
        raise NotFound(f"We have no repository {account.login}/{repo}.")
    series = repository_star_history(
        repository=found, interval=window.interval, start=window.start, end=window.end
    )
    full_name = f"{account.login}/{found.name}"
    chosen = export_format_get(request=request, asked=export)
    if chosen is not None:
        envelope = {"full_name": full_name, "interval": series.interval, "stars": series.stars}
        return export_response(
            export_format=chosen,
            rows=series.points,
            columns=STARS_COLUMNS,
            name=(account.login, found.name, "stars", series.interval),
            json_envelope=envelope,
            json_rows_key="points",
        )
    return RepoStarsOut(full_name=full_name, series=series)


@router.get(
    "/compare/repos",
    response={200: CompareReposOut, **error_responses(404, 422)},
    summary="Compare repositories' star histories",
    description="The star histories of 2 to 10 stored repositories (`owner/name`, "
    "comma-separated), in the order given, on one interval. " + WINDOW_DESCRIPTION,
)
def compare_repos(
    request: HttpRequest,
    repos: Annotated[
        str,
        Query(
            description="Comma-separated owner/name pairs, e.g. octocat/hello,torvalds/linux.",
            max_length=1400,
            pattern=COMPARE_REPOS_PATTERN,
        ),
    ],
    window: Query[StarsQuery],
):
    names = [_repo_name(pair) for pair in dict.fromkeys(pair.lower() for pair in repos.split(","))]
    if len(names) < 2:
        raise NotFound("Name at least two different repositories.")
    comparison = repositories_comparison(
        names=names, interval=window.interval, start=window.start, end=window.end
    )
    missing = [f"{owner}/{name}" for owner, name in comparison.missing + comparison.hidden]
    missing += comparison.unknown_owners
    if missing:
        raise NotFound(f"We have no data for {', '.join(m[:80] for m in missing)} yet.")
    items = [
        ComparedRepoOut(
            full_name=compared.full_name,
            stars=compared.repository.stars,
            forks=compared.repository.forks,
            created_at=compared.repository.created_at,
            series=compared.series,
        )
        for compared in comparison.repositories
    ]
    return CompareReposOut(items=items)


def _repo_name(pair: str) -> tuple[str, str]:
    """(owner, name) of an `owner/name`, or NotFound: a name GitHub would not accept has no
    data here either (the pattern cannot say "at most 39")."""
    owner, _, name = pair.partition("/")
    try:
        return validate_login(owner), validate_repo_name(name)
    except InvalidName:
        raise NotFound(f"We have no data for {pair[:80]}.") from None


def _is_iso_date(value: str) -> bool:
    try:
        return len(value) == len("YYYY-MM-DD") and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _years_between(start: date, end: date) -> float:
    return (end - start).days / 365.25
