"""GitHub transport: HTTP, validators, pagination and rate limits. Knows nothing of our models.

Public interface (the services call these; keyword-only arguments throughout):

    client = GitHubClient(base_url=None, token=None, may_sleep=False, session=None)
        # defaults: settings.GITHUB_API_URL / settings.GITHUB_TOKEN; may_sleep only in workers
    client.stats: RequestStats   # requests, quota_requests, not_modified, graphql_points, ...
    client.has_token: bool
    client.token_fingerprint: str   # "anonymous" or 12 hex digits; validators are per token
    client.account_get(login=, etag=None, last_modified=None) -> AccountFetch   # /users/{login}
    client.account_get_by_id(account_id=, etag=None, last_modified=None) -> AccountFetch
        # /user/{id}
    client.repo_pages(login=, kind="user"|"org", stored=None) -> Iterator[RepoPage]
        # page.validator() -> PageValidator to store; PageValidator.to_json()/from_json()
    client.repo_get(owner=, name=, etag=None, last_modified=None) -> RepoFetch
    client.languages_for(repos=[(owner, name), ...]) -> {"owner/name": {language: bytes}}
        # GraphQL, token only (RuntimeError without one)
    client.repo_languages(owner=, name=) -> {language: bytes}   # REST, one repository

Errors are the domain exceptions of github_stats.exceptions: InvalidLogin (before any request),
NotFound, RateLimited(reset_at, secondary=...), GitHubBadCredentials, GitHubUnavailable.
The shared rate-limit state lives in github_stats.quota (quota_get(), quota_can_spend()).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import backoff
import requests
from django.conf import settings
from django.utils.module_loading import import_string

from github_stats.exceptions import (
    GitHubBadCredentials,
    GitHubUnavailable,
    NotFound,
    RateLimited,
)
from github_stats.payloads import (
    AccountPayload,
    PayloadError,
    RepoPayload,
    parse_account,
    parse_languages,
    parse_repo,
    parse_repo_list,
)
from github_stats.quota import (
    CORE,
    GRAPHQL,
    quota_from_headers,
    quota_get,
    quota_record,
    secondary_block,
    secondary_blocked_until,
    token_fingerprint,
)
from github_stats.validation import validate_login, validate_repo_name

__all__ = [
    "AccountFetch",
    "GitHubClient",
    "PageValidator",
    "RepoFetch",
    "RepoPage",
    "RequestStats",
]

logger = logging.getLogger(__name__)

USER_AGENT = "Gitpulse/0.1 (self-hosted GitHub analytics)"
API_VERSION = "2022-11-28"
PER_PAGE = 100
GRAPHQL_BATCH = 100
# 5xx, timeouts and connection errors: tries in all, jittered exponential waits between them.
RETRY_MAX_TRIES = 3
# Secondary limits when we may sleep: tries in all; GitHub asks for at least a minute without
# Retry-After, doubling while it persists. A wait longer than the cap is raised, not slept.
SECONDARY_MAX_TRIES = 3
SECONDARY_MIN_WAIT_SECONDS = 60.0
MAX_SLEEP_SECONDS = 300.0

_Parsed = TypeVar("_Parsed")


@dataclass
class RequestStats:
    """What a client has spent. `quota_requests` counts REST responses that GitHub charges
    (everything but a 304); GraphQL is charged in points, counted in `graphql_points`."""

    requests: int = 0
    quota_requests: int = 0
    not_modified: int = 0
    graphql_points: int = 0
    graphql_requests: int = 0


@dataclass(frozen=True)
class PageValidator:
    """One page of a repository listing as we last saw it; stored (as JSON) on the Account,
    keyed by the page's position."""

    url: str
    etag: str | None
    last_modified: str | None
    next_url: str | None
    repo_ids: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "next_url": self.next_url,
            "repo_ids": list(self.repo_ids),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageValidator:
        return cls(
            url=str(data["url"]),
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
            next_url=data.get("next_url"),
            repo_ids=tuple(int(i) for i in data.get("repo_ids") or ()),
        )


@dataclass
class AccountFetch:
    payload: AccountPayload | None  # None ⇔ 304 not modified
    etag: str | None
    last_modified: str | None
    renamed_from: str | None = None  # the login we asked for, when GitHub answered another

    @property
    def not_modified(self) -> bool:
        return self.payload is None


@dataclass
class RepoPage:
    url: str
    not_modified: bool
    repos: list[RepoPayload]  # empty when not_modified
    etag: str | None
    last_modified: str | None
    next_url: str | None
    # The page's repository ids: parsed on a 200, the stored validator's on a 304.
    repo_ids: tuple[int, ...] = ()

    def validator(self) -> PageValidator:
        return PageValidator(
            url=self.url,
            etag=self.etag,
            last_modified=self.last_modified,
            next_url=self.next_url,
            repo_ids=self.repo_ids,
        )


@dataclass
class RepoFetch:
    payload: RepoPayload | None  # None ⇔ 304 not modified
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.payload is None


class _ServerError(Exception):
    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


_RETRYABLE = (
    _ServerError,
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
)


class GitHubClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        may_sleep: bool = False,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        timeout: tuple[float, float] | None = None,
        retry_base_seconds: float | None = None,
    ) -> None:
        self.base_url = (base_url or settings.GITHUB_API_URL).rstrip("/")
        self._token = settings.GITHUB_TOKEN if token is None else token
        self.has_token = bool(self._token)
        # Inside a web request never sleep: raise RateLimited and let the caller re-queue.
        self.may_sleep = may_sleep
        self._session = session or requests.Session()
        # Observers of every answer (the metrics counter), named in settings so the transport
        # imports nothing of ours; a hook must never raise.
        for hook_path in getattr(settings, "GITHUB_RESPONSE_HOOKS", ()):
            self._session.hooks["response"].append(import_string(hook_path))
        self._sleep = sleep or time.sleep
        self._timeout = timeout or (
            float(settings.GITHUB_CONNECT_TIMEOUT),
            float(settings.GITHUB_READ_TIMEOUT),
        )
        self._retry_base = (
            float(getattr(settings, "GITHUB_RETRY_BASE_SECONDS", 1.0))
            if retry_base_seconds is None
            else retry_base_seconds
        )
        base = urlsplit(self.base_url)
        self._origin = (base.scheme, base.netloc)
        self.stats = RequestStats()

    @property
    def token_fingerprint(self) -> str:
        """Stored validators are only valid for the token they were fetched with."""
        return token_fingerprint(self._token)

    # --- accounts ---------------------------------------------------------------------------

    def account_get(
        self, *, login: str, etag: str | None = None, last_modified: str | None = None
    ) -> AccountFetch:
        """GET /users/{login}: users and organisations alike (type "Organization")."""
        login = validate_login(login)
        response = self._request(
            "GET",
            f"{self.base_url}/users/{login}",
            etag=etag,
            last_modified=last_modified,
            not_found=f"No GitHub account is called {login}.",
        )
        return self._account_fetch(response, etag, last_modified, asked_login=login)

    def account_get_by_id(
        self, *, account_id: int, etag: str | None = None, last_modified: str | None = None
    ) -> AccountFetch:
        """GET /user/{id}: finds an account again after a rename."""
        if not isinstance(account_id, int) or isinstance(account_id, bool) or account_id <= 0:
            raise NotFound(f"{account_id!r} is not a GitHub account id.")
        response = self._request(
            "GET",
            f"{self.base_url}/user/{account_id}",
            etag=etag,
            last_modified=last_modified,
            not_found=f"No GitHub account has the id {account_id}.",
        )
        return self._account_fetch(response, etag, last_modified, asked_login=None)

    def _account_fetch(
        self,
        response: requests.Response,
        etag: str | None,
        last_modified: str | None,
        *,
        asked_login: str | None,
    ) -> AccountFetch:
        if response.status_code == 304:
            return AccountFetch(
                payload=None,
                etag=etag or response.headers.get("ETag"),
                last_modified=last_modified or response.headers.get("Last-Modified"),
            )
        payload = self._parse(parse_account, response)
        renamed = asked_login is not None and payload.login.lower() != asked_login.lower()
        return AccountFetch(
            payload=payload,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            renamed_from=asked_login if renamed else None,
        )

    # --- repositories -----------------------------------------------------------------------

    def repo_pages(
        self, *, login: str, kind: str, stored: Sequence[PageValidator] | None = None
    ) -> Iterator[RepoPage]:
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
            response = self._request(
                "GET",
                url,
                etag=known.etag if known else None,
                last_modified=known.last_modified if known else None,
                not_found=f"No GitHub account is called {login}.",
            )
            linked_next = self._next_link(response)
            if response.status_code == 304 and known is not None:
                page = RepoPage(
                    url=url,
                    not_modified=True,
                    repos=[],
                    etag=known.etag,
                    last_modified=known.last_modified,
                    next_url=linked_next if "next" in response.links else known.next_url,
                    repo_ids=known.repo_ids,
                )
            else:
                repos = self._parse(parse_repo_list, response)
                page = RepoPage(
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

    def repo_get(
        self,
        *,
        owner: str,
        name: str,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> RepoFetch:
        owner = validate_login(owner)
        name = validate_repo_name(name)
        response = self._request(
            "GET",
            f"{self.base_url}/repos/{owner}/{name}",
            etag=etag,
            last_modified=last_modified,
            not_found=f"No GitHub repository is called {owner}/{name}.",
        )
        if response.status_code == 304:
            return RepoFetch(
                payload=None,
                etag=etag or response.headers.get("ETag"),
                last_modified=last_modified or response.headers.get("Last-Modified"),
            )
        return RepoFetch(
            payload=self._parse(parse_repo, response),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    # --- languages --------------------------------------------------------------------------

    def repo_languages(self, *, owner: str, name: str) -> dict[str, int]:
        """REST /repos/{o}/{r}/languages: one request per repository, so the repository page
        only; whole accounts go through languages_for() (GraphQL) or primary languages."""
        owner = validate_login(owner)
        name = validate_repo_name(name)
        response = self._request(
            "GET",
            f"{self.base_url}/repos/{owner}/{name}/languages",
            not_found=f"No GitHub repository is called {owner}/{name}.",
        )
        return self._parse(parse_languages, response)

    def languages_for(self, *, repos: Sequence[tuple[str, str]]) -> dict[str, dict[str, int]]:
        """Language bytes per repository through GraphQL: one query per 100 repositories,
        about one point each. Keys are "owner/name" as given; a repository GitHub no longer
        has (NOT_FOUND) is left out."""
        if not self.has_token:
            raise RuntimeError("GitHub's GraphQL API needs a token; use primary languages.")
        wanted: list[tuple[str, str]] = []
        for owner, name in repos:
            pair = (validate_login(owner), validate_repo_name(name))
            if pair not in wanted:
                wanted.append(pair)
        result: dict[str, dict[str, int]] = {}
        for start in range(0, len(wanted), GRAPHQL_BATCH):
            result.update(self._languages_batch(wanted[start : start + GRAPHQL_BATCH]))
        return result

    def _languages_batch(self, batch: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
        query, variables = languages_query(batch)
        response = self._request(
            "POST",
            f"{self.base_url}/graphql",
            json_body={"query": query, "variables": variables},
            resource=GRAPHQL,
            not_found="GitHub's GraphQL endpoint was not found.",
        )
        self.stats.graphql_requests += 1
        body = self._json(response)
        if not isinstance(body, dict):
            raise GitHubUnavailable("GitHub's GraphQL answer was not an object.")
        data = body.get("data")
        skipped = self._graphql_errors(body.get("errors"), response, has_data=bool(data))
        if not isinstance(data, dict):
            raise GitHubUnavailable("GitHub's GraphQL answer had no data.")
        rate = data.get("rateLimit")
        if isinstance(rate, dict) and isinstance(rate.get("cost"), int):
            self.stats.graphql_points += rate["cost"]
        result: dict[str, dict[str, int]] = {}
        for index, (owner, name) in enumerate(batch):
            alias = f"r{index}"
            node = data.get(alias)
            if node is None or alias in skipped:
                continue
            try:
                result[f"{owner}/{name}"] = _graphql_languages(node)
            except (KeyError, TypeError, ValueError) as exc:
                raise GitHubUnavailable("GitHub's GraphQL languages had the wrong shape.") from exc
        return result

    def _graphql_errors(
        self, errors: Any, response: requests.Response, *, has_data: bool
    ) -> set[str]:
        """Aliases to skip; raises for errors that spoil the whole answer."""
        if not errors:
            return set()
        if not isinstance(errors, list):
            raise GitHubUnavailable("GitHub's GraphQL errors had the wrong shape.")
        skipped: set[str] = set()
        for error in errors:
            kind = error.get("type") if isinstance(error, dict) else None
            path = error.get("path") if isinstance(error, dict) else None
            if kind == "RATE_LIMITED":
                state = quota_from_headers(response.headers)
                reset_at = state.reset_at if state else _now() + timedelta(minutes=1)
                raise RateLimited(reset_at)
            if kind in {"NOT_FOUND", "FORBIDDEN"} and isinstance(path, list) and path and has_data:
                skipped.add(str(path[0]))
                continue
            message = error.get("message") if isinstance(error, dict) else None
            raise GitHubUnavailable(f"GitHub's GraphQL API answered an error: {message or kind}")
        return skipped

    # --- transport --------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        json_body: Any = None,
        resource: str = CORE,
        not_found: str = "",
    ) -> requests.Response:
        """One logical request: limits checked first, then sent with retries; returns a 2xx
        or a 304, raises a domain exception for everything else."""
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._check_same_origin(url)
        secondary_tries = 0
        waited_for_secondary = False
        while True:
            self._check_limits(resource, skip_secondary=waited_for_secondary)
            response = self._send(method, url, headers, json_body)
            status = response.status_code
            if status < 300 or status == 304:
                return response
            if status in (403, 429):
                secondary_tries += 1
                wait = self._limit_wait(response, resource, secondary_tries)
                if wait is not None:
                    logger.warning("GitHub secondary rate limit; waiting %.0f s", wait)
                    self._sleep(wait)
                    waited_for_secondary = True
                    continue
            raise self._error_for(response, not_found)

    def _check_limits(self, resource: str, *, skip_secondary: bool) -> None:
        if not skip_secondary:
            until = secondary_blocked_until(token=self._token)
            if until is not None:
                raise RateLimited(until, secondary=True)
        state = quota_get(resource=resource, token=self._token)
        if state is not None and state.is_exhausted():
            raise RateLimited(state.reset_at)

    def _send(
        self, method: str, url: str, headers: dict[str, str], json_body: Any
    ) -> requests.Response:
        def attempt() -> requests.Response:
            self.stats.requests += 1
            response = self._session.request(
                method, url, headers=headers, json=json_body, timeout=self._timeout
            )
            self._account_for(response)
            if response.status_code >= 500:
                raise _ServerError(response)
            return response

        retrying = backoff.on_exception(
            backoff.expo,
            _RETRYABLE,
            max_tries=RETRY_MAX_TRIES,
            jitter=backoff.full_jitter,
            factor=self._retry_base,
            on_backoff=_log_retry,
            logger=None,
        )(attempt)
        try:
            return retrying()
        except _ServerError as exc:
            raise GitHubUnavailable(
                f"GitHub answered {exc.response.status_code} {RETRY_MAX_TRIES} times."
            ) from exc
        except requests.Timeout as exc:
            raise GitHubUnavailable("GitHub did not answer in time.") from exc
        except requests.RequestException as exc:
            raise GitHubUnavailable("Could not reach GitHub.") from exc

    def _account_for(self, response: requests.Response) -> None:
        # Redirects followed by requests were requests too (and GitHub charges them).
        self.stats.requests += len(response.history)
        self.stats.quota_requests += len(response.history)
        if response.status_code == 304:
            self.stats.not_modified += 1
        elif not urlsplit(response.url).path.endswith("/graphql"):
            self.stats.quota_requests += 1
        state = quota_from_headers(response.headers)
        if state is not None:
            quota_record(state, token=self._token)

    def _limit_wait(self, response: requests.Response, resource: str, tries: int) -> float | None:
        """Seconds to wait before trying again, None when this 403/429 is no rate limit;
        raises RateLimited when we may not (or should not) wait."""
        now = _now()
        retry_after = _retry_after_seconds(response.headers, now)
        if retry_after is not None:
            return self._secondary(now, retry_after, tries)
        if response.headers.get("x-ratelimit-remaining", "").strip() == "0":
            state = quota_from_headers(response.headers, now=now)
            # Recorded already in _account_for; a 403 without a reset still blocks a minute.
            raise RateLimited(state.reset_at if state else now + timedelta(minutes=1))
        message = _error_message(response).lower()
        if "secondary rate limit" in message or "abuse" in message:
            wait = SECONDARY_MIN_WAIT_SECONDS * 2 ** (tries - 1)
            return self._secondary(now, wait, tries)
        return None

    def _secondary(self, now: datetime, wait: float, tries: int) -> float:
        until = now + timedelta(seconds=wait)
        secondary_block(until=until, token=self._token)
        if not self.may_sleep or tries >= SECONDARY_MAX_TRIES or wait > MAX_SLEEP_SECONDS:
            raise RateLimited(until, secondary=True)
        return wait

    def _error_for(self, response: requests.Response, not_found: str) -> Exception:
        status = response.status_code
        message = _error_message(response)
        if status == 401:
            return GitHubBadCredentials()
        # 410 Gone and 451 (blocked for legal reasons) leave nothing to show either.
        if status in (404, 410, 451):
            return NotFound(not_found) if not_found else NotFound()
        detail = f": {message}" if message else ""
        return GitHubUnavailable(f"GitHub refused the request ({status}{detail}).")

    def _check_same_origin(self, url: str) -> None:
        # Link headers come from the network: never send our token anywhere else.
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self._origin:
            raise GitHubUnavailable("GitHub pointed us at another host; not following.")

    def _next_link(self, response: requests.Response) -> str | None:
        try:
            next_link = response.links.get("next")
        except (ValueError, IndexError):
            return None
        return next_link.get("url") if next_link else None

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise GitHubUnavailable("GitHub answered something that is not JSON.") from exc

    def _parse(self, parser: Callable[[Any], _Parsed], response: requests.Response) -> _Parsed:
        try:
            return parser(self._json(response))
        except PayloadError as exc:
            raise GitHubUnavailable(f"GitHub's answer had an unexpected shape ({exc}).") from exc


def languages_query(batch: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """One GraphQL query for up to 100 repositories: an alias r{i} per repository, names
    passed as variables (never spliced into the query text)."""
    params: list[str] = []
    fields: list[str] = []
    variables: dict[str, str] = {}
    for index, (owner, name) in enumerate(batch):
        params.append(f"$o{index}: String!, $n{index}: String!")
        variables[f"o{index}"] = owner
        variables[f"n{index}"] = name
        fields.append(
            f"  r{index}: repository(owner: $o{index}, name: $n{index}) "
            "{ languages(first: 100) { edges { size node { name } } } }"
        )
    query = (
        f"query Languages({', '.join(params)}) {{\n"
        "  rateLimit { cost remaining resetAt limit used }\n" + "\n".join(fields) + "\n}"
    )
    return query, variables


def _graphql_languages(node: Any) -> dict[str, int]:
    edges = node["languages"]["edges"]
    languages: dict[str, int] = {}
    for edge in edges:
        size = edge["size"]
        name = edge["node"]["name"]
        if not isinstance(size, int) or not isinstance(name, str):
            raise ValueError("language edge of the wrong shape")
        languages[name] = size
    return languages


def _retry_after_seconds(headers: Any, now: datetime) -> float | None:
    raw = headers.get("Retry-After")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:  # Retry-After may also be an HTTP date.
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return SECONDARY_MIN_WAIT_SECONDS
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def _error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return message if isinstance(message, str) else ""


def _log_retry(details: Any) -> None:
    logger.warning(
        "GitHub request failed (try %s), retrying in %.2f s",
        details.get("tries"),
        details.get("wait") or 0.0,
    )


def _now() -> datetime:
    return datetime.now(tz=UTC)
