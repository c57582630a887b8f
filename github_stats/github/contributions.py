"""A user's contributions from GitHub's GraphQL API (token only): the years that have any, and
one calendar year at a time (GitHub refuses a `contributionsCollection` span over one year).

Two documents, names always as variables (tests/github_stats/test_graphql_schema.py validates
both against GitHub's published schema):

- `ContributionYears`: `user { contributionsCollection { contributionYears } }` beside
  `repositoryOwner(login:) { __typename }`. GitHub answers `user(login:)` for an organisation
  exactly as for a login nobody has (`user: null` and a NOT_FOUND error on ["user"]); the
  repository owner tells the two apart in the same query and the same point: an organisation
  is `is_user=False`, nobody at all is GitHubNotFound (the client raises it).
- `ContributionYear`: one calendar year, Jan 1 00:00:00Z to Dec 31 23:59:59Z. GitHub's calendar
  has no time-zone parameter; its days are the dates it lists, kept as sent.

The readers decide every doubtful shape here, once (PayloadError, which the client reports as
GitHubUnavailable, so the caller retries later and keeps what it stored):
- A count that is not a non-negative integer (booleans are no counts): refused. A negative or
  missing total would put a wrong all-time figure on a page.
- A calendar day whose date is not an ISO date, or a date listed twice: refused, since summing
  a doubled day would overcount. Days outside the asked year are dropped (GitHub's calendar
  keeps to the span; a stray padding day belongs to the neighbouring year's query).
- A per-repository entry without `repository.nameWithOwner` or an integer
  `contributions.totalCount`: refused. Entries are sorted most commits first (ties by name).
- `contributionYears` that is not a list of integers: refused; duplicates are dropped and the
  order is GitHub's (newest first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeGuard

from github_stats.github.payloads import PayloadError

FIRST_YEAR = 2008  # GitHub opened in 2008: no contributions before it
BY_REPOSITORY_MAX = 25  # GitHub's maximum for commitContributionsByRepository
_RATE_LIMIT = "rateLimit { cost remaining resetAt limit used }"

YEARS_QUERY = f"""query ContributionYears($login: String!) {{
  {_RATE_LIMIT}
  user(login: $login) {{ contributionsCollection {{ contributionYears }} }}
  owner: repositoryOwner(login: $login) {{ __typename }}
}}"""

YEAR_QUERY = f"""query ContributionYear($login: String!, $from: DateTime!, $to: DateTime!) {{
  {_RATE_LIMIT}
  user(login: $login) {{
    contributionsCollection(from: $from, to: $to) {{
      totalCommitContributions
      totalIssueContributions
      totalPullRequestContributions
      totalPullRequestReviewContributions
      totalRepositoriesWithContributedCommits
      restrictedContributionsCount
      contributionCalendar {{
        totalContributions
        weeks {{ contributionDays {{ date contributionCount }} }}
      }}
      commitContributionsByRepository(maxRepositories: {BY_REPOSITORY_MAX}) {{
        repository {{ nameWithOwner }}
        contributions {{ totalCount }}
      }}
    }}
  }}
}}"""


@dataclass(frozen=True)
class ContributionDay:
    date: date
    count: int  # contributionCount


@dataclass(frozen=True)
class ContributionYear:
    year: int
    days: list[ContributionDay]  # every day GitHub's calendar lists in the span, in date order
    total: int  # contributionCalendar.totalContributions
    commits: int  # totalCommitContributions
    issues: int  # totalIssueContributions
    pull_requests: int  # totalPullRequestContributions
    reviews: int  # totalPullRequestReviewContributions
    repositories: int  # totalRepositoriesWithContributedCommits
    restricted: int  # restrictedContributionsCount (private, count only)
    by_repository: list[tuple[str, int]]  # ("owner/name", commits), most first, at most 25


@dataclass(frozen=True)
class ContributionsOverview:
    years: list[int]  # contributionYears, newest first as GitHub sends them
    is_user: bool  # False: the login is an organisation: no contributions


def contributions_years_query(login: str) -> tuple[str, dict[str, Any]]:
    return YEARS_QUERY, {"login": login}


def contributions_year_query(login: str, year: int) -> tuple[str, dict[str, Any]]:
    """One calendar year in UTC: a span of just under a year, which GitHub accepts."""
    return YEAR_QUERY, {
        "login": login,
        "from": f"{year:04d}-01-01T00:00:00Z",
        "to": f"{year:04d}-12-31T23:59:59Z",
    }


def owner_kind(data: Any) -> str | None:
    """`repositoryOwner.__typename` ("User", "Organization") or None: nobody has the login."""
    owner = data.get("owner") if isinstance(data, dict) else None
    kind = owner.get("__typename") if isinstance(owner, dict) else None
    return kind if isinstance(kind, str) else None


def parse_years(data: Any) -> ContributionsOverview:
    """The ContributionYears answer's `data`. `user: null` is an organisation's answer (the
    client has checked the owner before, so nobody-at-all never gets here)."""
    if not isinstance(data, dict) or "user" not in data:
        raise PayloadError("contribution years: no `user` in the answer")
    user = data["user"]
    if user is None:
        return ContributionsOverview(years=[], is_user=False)
    years = _field(user, "contributionsCollection", "contributionYears")
    if not isinstance(years, list) or not all(_is_count(year) for year in years):
        raise PayloadError(f"contribution years: not a list of years ({years!r})")
    return ContributionsOverview(years=list(dict.fromkeys(years)), is_user=True)


def parse_year(data: Any, year: int) -> ContributionYear:
    """The ContributionYear answer's `data` for `year`; PayloadError on a shape we cannot
    trust (the rules are in the module docstring), and on `user: null`, which the client has
    turned into GitHubNotFound before."""
    collection = _field(data, "user", "contributionsCollection")
    if not isinstance(collection, dict):
        raise PayloadError("contributions: no contributionsCollection")
    calendar = collection.get("contributionCalendar")
    return ContributionYear(
        year=year,
        days=_days(calendar, year),
        total=_count(calendar, "totalContributions"),
        commits=_count(collection, "totalCommitContributions"),
        issues=_count(collection, "totalIssueContributions"),
        pull_requests=_count(collection, "totalPullRequestContributions"),
        reviews=_count(collection, "totalPullRequestReviewContributions"),
        repositories=_count(collection, "totalRepositoriesWithContributedCommits"),
        restricted=_count(collection, "restrictedContributionsCount"),
        by_repository=_by_repository(collection.get("commitContributionsByRepository")),
    )


def _days(calendar: Any, year: int) -> list[ContributionDay]:
    weeks = calendar.get("weeks") if isinstance(calendar, dict) else None
    if not isinstance(weeks, list):
        raise PayloadError("contributions: the calendar has no weeks")
    by_date: dict[date, int] = {}
    for week in weeks:
        listed = week.get("contributionDays") if isinstance(week, dict) else None
        if not isinstance(listed, list):
            raise PayloadError("contributions: a week without contributionDays")
        for entry in listed:
            if not isinstance(entry, dict):
                raise PayloadError("contributions: a day that is not an object")
            try:
                day = date.fromisoformat(entry.get("date"))  # type: ignore[arg-type]
            except (TypeError, ValueError) as exc:
                raise PayloadError(f"contributions: a bad date {entry.get('date')!r}") from exc
            if day in by_date:
                raise PayloadError(f"contributions: {day} listed twice")
            by_date[day] = _count(entry, "contributionCount")
    return [
        ContributionDay(date=day, count=count)
        for day, count in sorted(by_date.items())
        if day.year == year
    ]


def _by_repository(entries: Any) -> list[tuple[str, int]]:
    if not isinstance(entries, list):
        raise PayloadError("contributions: commitContributionsByRepository is not a list")
    result: list[tuple[str, int]] = []
    for entry in entries:
        name = _field(entry, "repository", "nameWithOwner")
        if not isinstance(name, str) or "/" not in name:
            raise PayloadError(f"contributions: a repository without a name ({name!r})")
        contributions = entry.get("contributions")
        result.append((name, _count(contributions, "totalCount")))
    return sorted(result, key=lambda pair: (-pair[1], pair[0].lower()))


def _field(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _count(data: Any, key: str) -> int:
    value = data.get(key) if isinstance(data, dict) else None
    if not _is_count(value):
        raise PayloadError(f"contributions: {key} is not a count ({value!r})")
    return value


def _is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
