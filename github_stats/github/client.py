"""The GitHub API as the refresh uses it. Keyword-only arguments; every name is validated
before any request, so a typo never costs quota.

    client = GitHubClient(base_url=None, token=None, may_sleep=False, session=None)
        # defaults: settings.GITHUB_API_URL / settings.GITHUB_TOKEN; may_sleep only in workers
    client.stats: RequestStats          # requests, quota_requests, not_modified, graphql_points
    client.has_token, client.token_fingerprint   # validators are per token
    client.account_get(login=, etag=None, last_modified=None) -> AccountFetch    # /users/{login}
    client.account_get_by_id(account_id=, ...) -> AccountFetch                    # /user/{id}
    client.repo_pages(login=, kind="user"|"org", stored=None) -> Iterator[RepoListPage]
    client.languages_for(repos=[(owner, name), ...]) -> {"owner/name": {language: bytes}}
        # GraphQL, token only
    client.star_history_page(owner=, name=, page=1, etag=None) -> StarHistoryPage
        # /repos/{owner}/{name}/stargazers/history, 30 weeks a page, newest first, pages
        # 1..100 (else ValueError); a 422 past GitHub's limit is limit_reached, not an error
    client.contributions_overview(login=) -> ContributionsOverview    # GraphQL, token only
    client.contributions_year(login=, year=) -> ContributionYear      # 2008..this year
    client.public_events_page(login=, etag=None, page=1, org=False) -> EventsPage
        # /users/{login}/events/public, 100 a page, pages 1..3; 304 not_modified; 422 past the
        # 300th event is limit_reached, not an error

Errors (github/errors.py): InvalidLogin / InvalidRepoName before any request, GitHubNotFound
(also a star history GitHub keeps private: a 403 that is no rate limit),
RateLimited(reset_at, secondary=...), GitHubBadCredentials, GitHubUnavailable.
Contributions: a login nobody has, or contributions_year for an organisation, is GitHubNotFound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests
from django.conf import settings

from github_stats.github.contributions import (
    FIRST_YEAR,
    ContributionsOverview,
    ContributionYear,
    contributions_year_query,
    contributions_years_query,
    owner_kind,
    parse_year,
    parse_years,
)
from github_stats.github.errors import GitHubNotFound, GitHubUnavailable
from github_stats.github.events import EventsPage, events_page
from github_stats.github.graphql import (
    LANGUAGES_BATCH,
    graphql_errors,
    languages_query,
    query_cost,
    repository_languages,
)
from github_stats.github.names import validate_login, validate_repo_name
from github_stats.github.pages import AccountFetch, PageValidator, RepoListPage
from github_stats.github.payloads import (
    PayloadError,
    parse_account,
    parse_repo_list,
)
from github_stats.github.quota import GRAPHQL
from github_stats.github.star_history import (
    MAX_PAGE,
    WEEKS_PER_PAGE,
    StarHistoryPage,
    parse_star_history,
)
from github_stats.github.transport import RequestStats, Transport

PER_PAGE = 100
_T = TypeVar("_T")


class GitHubClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        may_sleep: bool = False,
        session: requests.Session | None = None,
        **transport_options: Any,
    ) -> None:
        self._http = Transport(
            base_url=base_url or settings.GITHUB_API_URL,
            token=settings.GITHUB_TOKEN if token is None else token,
            may_sleep=may_sleep,
            session=session,
            **transport_options,
        )
        self.base_url = self._http.base_url
        self.has_token = bool(self._http.token)

    @property
    def stats(self) -> RequestStats:
        return self._http.stats

    @property
    def token_fingerprint(self) -> str:
        """Whose validators these are: GitHub's ETags are per token."""
        return self._http.token_fingerprint

    # --- accounts ---------------------------------------------------------------------------

    def account_get(
        self, *, login: str, etag: str | None = None, last_modified: str | None = None
    ) -> AccountFetch:
        """GET /users/{login}: users and organisations alike (type "Organization")."""
        login = validate_login(login)
        response = self._http.request(
            "GET",
            f"{self.base_url}/users/{login}",
            etag=etag,
            last_modified=last_modified,
            not_found=f"No GitHub account is called {login}.",
        )
        return self._account_fetch(response, etag, last_modified)

    def account_get_by_id(
        self, *, account_id: int, etag: str | None = None, last_modified: str | None = None
    ) -> AccountFetch:
        """GET /user/{id}: finds an account again after a rename."""
        if not isinstance(account_id, int) or isinstance(account_id, bool) or account_id <= 0:
            raise GitHubNotFound(f"{account_id!r} is not a GitHub account id.")
        response = self._http.request(
            "GET",
            f"{self.base_url}/user/{account_id}",
            etag=etag,
            last_modified=last_modified,
            not_found=f"No GitHub account has the id {account_id}.",
        )
        return self._account_fetch(response, etag, last_modified)

    def _account_fetch(
        self, response: requests.Response, etag: str | None, last_modified: str | None
    ) -> AccountFetch:
        if response.status_code == 304:
            return AccountFetch(
                payload=None,
                etag=etag or response.headers.get("ETag"),
                last_modified=last_modified or response.headers.get("Last-Modified"),
            )
        return AccountFetch(
            payload=self._http.parse(parse_account, response),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    # --- repositories -----------------------------------------------------------------------

    def repo_pages(
        self, *, login: str, kind: str, stored: Sequence[PageValidator] | None = None
    ) -> Iterator[RepoListPage]:
        """Every page of an account's repositories, each conditional on its stored validator.

        Page 2 onwards come only from the Link header's rel="next", exactly as given: GitHub
        switches to /user/{id}/repos or /organizations/{id}/repos there. A 304 usually carries
        no Link header; the stored validator's next_url continues the walk then."""
        login = validate_login(login)
        if kind == "org":
            url: str | None = f"{self.base_url}/orgs/{login}/repos?per_page={PER_PAGE}&type=all"
        elif kind == "user":
            url = f"{self.base_url}/users/{login}/repos?per_page={PER_PAGE}&type=owner"
        else:
            raise ValueError(f"kind must be 'user' or 'org', not {kind!r}")
        by_url = {validator.url: validator for validator in stored or ()}
        seen: set[str] = set()
        while url is not None:
            if url in seen:
                raise GitHubUnavailable("GitHub's pagination went round in a circle.")
            seen.add(url)
            known = by_url.get(url)
            response = self._http.request(
                "GET",
                url,
                etag=known.etag if known else None,
                last_modified=known.last_modified if known else None,
                not_found=f"No GitHub account is called {login}.",
            )
            linked_next = self._http.next_link(response)
            if response.status_code == 304 and known is not None:
                page = RepoListPage(
                    url=url,
                    not_modified=True,
                    repos=[],
                    etag=known.etag,
                    last_modified=known.last_modified,
                    next_url=linked_next if linked_next is not None else known.next_url,
                    repo_ids=known.repo_ids,
                )
            else:
                repos = self._http.parse(parse_repo_list, response)
                page = RepoListPage(
                    url=url,
                    not_modified=False,
                    repos=repos,
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                    next_url=linked_next,
                    repo_ids=tuple(repo.id for repo in repos),
                )
            yield page
            url = page.next_url

    # --- star history -----------------------------------------------------------------------

    def star_history_page(
        self, *, owner: str, name: str, page: int = 1, etag: str | None = None
    ) -> StarHistoryPage:
        """One page of a repository's star history (page 1: the newest 30 weeks), conditional
        on `etag`. Pages are asked for by number, not by Link, so a caller can resume a walk
        where it stopped; has_next says whether the Link header names an older page."""
        owner, name = validate_login(owner), validate_repo_name(name)
        if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= MAX_PAGE:
            raise ValueError(f"GitHub serves star history pages 1 to {MAX_PAGE}, not {page!r}")
        response = self._http.request(
            "GET",
            f"{self.base_url}/repos/{owner}/{name}/stargazers/history"
            f"?per_page={WEEKS_PER_PAGE}&page={page}",
            etag=etag,
            not_found=f"GitHub has no repository {owner}/{name}.",
            # 403 (once known to be no rate limit): a private repository's history, which
            # GitHub shows its admins only. 422: "pagination is limited", the end of the walk.
            passthrough=frozenset({403, 422}),
        )
        has_next = self._http.next_link(response) is not None
        if response.status_code == 403:
            raise GitHubNotFound(
                f"GitHub does not show the star history of {owner}/{name} to us "
                "(a private repository, or one whose admins keep it to themselves)."
            )
        if response.status_code == 422:
            return StarHistoryPage(
                page=page, not_modified=False, weeks=[], etag=None, has_next=False,
                limit_reached=True,
            )  # fmt: skip
        if response.status_code == 304:
            return StarHistoryPage(
                page=page,
                not_modified=True,
                weeks=[],
                etag=etag or response.headers.get("ETag"),
                has_next=has_next,
            )
        return StarHistoryPage(
            page=page,
            not_modified=False,
            weeks=self._http.parse(parse_star_history, response),
            etag=response.headers.get("ETag"),
            has_next=has_next,
        )

    # --- languages (GraphQL) ----------------------------------------------------------------

    def languages_for(self, *, repos: Sequence[tuple[str, str]]) -> dict[str, dict[str, int]]:
        """Language bytes per repository: one query per 100 repositories, about one point
        each. Keys are "owner/name" as given; a repository GitHub no longer has (NOT_FOUND) is
        left out. Without a token GitHub has no GraphQL for us: use primary languages."""
        if not self.has_token:
            raise RuntimeError("GitHub's GraphQL API needs a token; use primary languages.")
        wanted: list[tuple[str, str]] = []
        for owner, name in repos:
            pair = (validate_login(owner), validate_repo_name(name))
            if pair not in wanted:
                wanted.append(pair)
        result: dict[str, dict[str, int]] = {}
        for start in range(0, len(wanted), LANGUAGES_BATCH):
            result.update(self._languages_batch(wanted[start : start + LANGUAGES_BATCH]))
        return result

    def _languages_batch(self, batch: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
        query, variables = languages_query(batch)
        data, skipped = self._graphql(query, variables)
        result: dict[str, dict[str, int]] = {}
        for index, (owner, name) in enumerate(batch):
            alias = f"r{index}"
            node = data.get(alias)
            if node is None or alias in skipped:
                continue
            try:
                result[f"{owner}/{name}"] = repository_languages(node)
            except ValueError as exc:
                raise GitHubUnavailable("GitHub's GraphQL languages had the wrong shape.") from exc
        return result

    # --- contributions (GraphQL) and public events ------------------------------------------

    def contributions_overview(self, *, login: str) -> ContributionsOverview:
        """The years with contributions (newest first), one point. An organisation is
        is_user=False; a login nobody has is GitHubNotFound."""
        login = self._graphql_login(login)
        data, skipped = self._graphql(*contributions_years_query(login))
        if data.get("user") is None:
            if skipped.get("user") == "FORBIDDEN":
                raise GitHubUnavailable(f"GitHub does not show us {login}'s contributions.")
            if owner_kind(data) is None:
                raise GitHubNotFound(f"No GitHub account is called {login}.")
        return self._parsed_graphql(parse_years, data, "contribution years")

    def contributions_year(self, *, login: str, year: int) -> ContributionYear:
        """One calendar year of contributions (UTC), one point. Not a user (an organisation or
        nobody): GitHubNotFound, so ask contributions_overview first."""
        login = self._graphql_login(login)
        this_year = datetime.now(UTC).year
        if not isinstance(year, int) or isinstance(year, bool):
            raise ValueError(f"year must be an integer, not {year!r}")
        if not FIRST_YEAR <= year <= this_year:
            raise ValueError(f"contributions exist for {FIRST_YEAR} to {this_year}, not {year}")
        data, skipped = self._graphql(*contributions_year_query(login, year))
        if data.get("user") is None:
            if skipped.get("user") == "FORBIDDEN":
                raise GitHubUnavailable(f"GitHub does not show us {login}'s contributions.")
            raise GitHubNotFound(f"{login} is no GitHub user: no contributions to show.")
        return self._parsed_graphql(lambda found: parse_year(found, year), data, "contributions")

    def public_events_page(
        self, *, login: str, etag: str | None = None, page: int = 1, org: bool = False
    ) -> EventsPage:
        """One page of a user's (or, `org`, an organisation's) public events (page 1: the
        newest 100), conditional on `etag`; never walks further by itself (events.py says
        why)."""
        login = validate_login(login)
        url = (
            f"{self.base_url}/orgs/{login}/events"
            if org
            else f"{self.base_url}/users/{login}/events/public"
        )
        return events_page(self._http, url, etag=etag, page=page)

    def _graphql_login(self, login: str) -> str:
        if not self.has_token:
            raise RuntimeError("GitHub's GraphQL API needs a token; use the public events.")
        return validate_login(login)

    def _parsed_graphql(self, parser: Callable[[Any], _T], data: Any, what: str) -> _T:
        try:
            return parser(data)
        except PayloadError as exc:
            raise GitHubUnavailable(
                f"GitHub's GraphQL {what} had the wrong shape ({exc})."
            ) from exc

    def _graphql(
        self, query: str, variables: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The answer's `data`, and the top-level fields GitHub could not resolve beside data
        for the rest ({field: "NOT_FOUND" or "FORBIDDEN"}); the points it cost are added to the
        stats."""
        response = self._http.request(
            "POST",
            f"{self.base_url}/graphql",
            json_body={"query": query, "variables": variables},
            resource=GRAPHQL,
            not_found="GitHub's GraphQL endpoint was not found.",
        )
        self.stats.graphql_requests += 1
        body = self._http.json(response)
        if not isinstance(body, dict):
            raise GitHubUnavailable("GitHub's GraphQL answer was not an object.")
        data = body.get("data")
        skipped = graphql_errors(body.get("errors"), response, has_data=bool(data))
        if not isinstance(data, dict):
            raise GitHubUnavailable("GitHub's GraphQL answer had no data.")
        self.stats.graphql_points += query_cost(data)
        return data, skipped
