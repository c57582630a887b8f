"""One logical request to GitHub: the shared limits checked first, every try through the shared
request limiter (limiter.py), conditional headers, retries of 5xx and timeouts, secondary limits
waited out (only where waiting is allowed), and what each answer cost. The client (client.py)
builds on it; nothing else sends requests to GitHub.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import backoff
import requests
from django.conf import settings
from django.utils.module_loading import import_string

from github_stats.github.errors import (
    GitHubBadCredentials,
    GitHubNotFound,
    GitHubUnavailable,
    RateLimited,
)
from github_stats.github.limiter import RequestLimiter, limiter_slow_down
from github_stats.github.payloads import PayloadError
from github_stats.github.quota import (
    CORE,
    quota_from_headers,
    quota_get,
    quota_record,
    quota_reset_at,
    secondary_block,
    secondary_blocked_until,
    token_fingerprint,
)

logger = logging.getLogger(__name__)

USER_AGENT = "Gitpulse/0.1 (self-hosted GitHub analytics)"
API_VERSION = "2022-11-28"
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

    def since(self, before: RequestStats) -> RequestStats:
        return RequestStats(
            requests=self.requests - before.requests,
            quota_requests=self.quota_requests - before.quota_requests,
            not_modified=self.not_modified - before.not_modified,
            graphql_points=self.graphql_points - before.graphql_points,
            graphql_requests=self.graphql_requests - before.graphql_requests,
        )


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


class Transport:
    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        may_sleep: bool,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        timeout: tuple[float, float] | None = None,
        retry_base_seconds: float | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
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
        # Through a lambda: the limiter's waits use whatever self._sleep is at the time.
        self._limiter = RequestLimiter(
            token=token,
            may_sleep=may_sleep,
            sleep=lambda seconds: self._sleep(seconds),
            request_seconds=sum(self._timeout),
        )

    @property
    def token_fingerprint(self) -> str:
        return token_fingerprint(self.token)

    def request(
        self,
        method: str,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        json_body: Any = None,
        resource: str = CORE,
        not_found: str = "",
        passthrough: frozenset[int] = frozenset(),
    ) -> requests.Response:
        """Returns a 2xx or a 304; raises a domain exception for everything else. Statuses in
        `passthrough` are returned too, for the caller to read (a 422 that ends a pagination),
        but only once they are known to be no rate limit: a limit is raised all the same."""
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._check_same_origin(url)
        secondary_tries = 0
        waited_for_secondary = False
        while True:
            self._check_limits(resource, skip_secondary=waited_for_secondary)
            response = self._send(method, url, headers, json_body, resource)
            status = response.status_code
            if status < 300 or status == 304:
                return response
            if status in (403, 429):
                secondary_tries += 1
                wait = self._limit_wait(response, secondary_tries)
                if wait is not None:
                    logger.warning("GitHub secondary rate limit; waiting %.0f s", wait)
                    self._sleep(wait)
                    waited_for_secondary = True
                    continue
            if status in passthrough:
                return response
            raise self._error_for(response, not_found)

    def parse(self, parser: Callable[[Any], _Parsed], response: requests.Response) -> _Parsed:
        try:
            return parser(self.json(response))
        except PayloadError as exc:
            raise GitHubUnavailable(f"GitHub's answer had an unexpected shape ({exc}).") from exc

    def json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise GitHubUnavailable("GitHub answered something that is not JSON.") from exc

    def next_link(self, response: requests.Response) -> str | None:
        try:
            next_link = response.links.get("next")
        except (ValueError, IndexError):
            return None
        return next_link.get("url") if next_link else None

    # --- internals ----------------------------------------------------------------------------

    def _check_limits(self, resource: str, *, skip_secondary: bool) -> None:
        if not skip_secondary:
            until = secondary_blocked_until(token=self.token)
            if until is not None:
                raise RateLimited(until, secondary=True)
        state = quota_get(resource=resource, token=self.token)
        if state is not None and state.is_exhausted():
            raise RateLimited(state.reset_at)

    def _send(
        self, method: str, url: str, headers: dict[str, str], json_body: Any, resource: str
    ) -> requests.Response:
        def attempt() -> requests.Response:
            # Every try is a request GitHub counts: each one takes points and a slot.
            with self._limiter.request(resource=resource) as answer:
                self.stats.requests += 1
                response = self._session.request(
                    method, url, headers=headers, json=json_body, timeout=self._timeout
                )
                # Any status is a request GitHub served in that time; redirects followed
                # share it, as they share the slot.
                answer.answered(requests=1 + len(response.history))
            if response.history:
                self._limiter.charge(resource=resource, cost=len(response.history))
            self._count(response)
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

    def _count(self, response: requests.Response) -> None:
        # Redirects followed by requests were requests too (and GitHub charges them).
        self.stats.requests += len(response.history)
        self.stats.quota_requests += len(response.history)
        if response.status_code == 304:
            self.stats.not_modified += 1
        elif not urlsplit(response.url).path.endswith("/graphql"):
            self.stats.quota_requests += 1
        state = quota_from_headers(response.headers)
        if state is not None:
            quota_record(state, token=self.token)

    def _limit_wait(self, response: requests.Response, tries: int) -> float | None:
        """Seconds to wait before trying again, None when this 403/429 is no rate limit;
        raises RateLimited when we may not (or should not) wait."""
        now = _now()
        retry_after = _retry_after_seconds(response.headers, now)
        if retry_after is not None:
            return self._secondary(now, retry_after, tries)
        if response.headers.get("x-ratelimit-remaining", "").strip() == "0":
            # Recorded already in _count; a 403 without a reset still blocks a minute.
            raise RateLimited(quota_reset_at(response.headers, now=now))
        message = error_message(response).lower()
        if "secondary rate limit" in message or "abuse" in message:
            wait = SECONDARY_MIN_WAIT_SECONDS * 2 ** (tries - 1)
            return self._secondary(now, wait, tries)
        return None

    def _secondary(self, now: datetime, wait: float, tries: int) -> float:
        until = now + timedelta(seconds=wait)
        secondary_block(until=until, token=self.token)
        # We were too fast for GitHub: every process runs at half the rate for a while.
        limiter_slow_down(token=self.token)
        if not self.may_sleep or tries >= SECONDARY_MAX_TRIES or wait > MAX_SLEEP_SECONDS:
            raise RateLimited(until, secondary=True)
        return wait

    def _error_for(self, response: requests.Response, not_found: str) -> Exception:
        status = response.status_code
        if status == 401:
            return GitHubBadCredentials()
        # 410 Gone and 451 (blocked for legal reasons) leave nothing to show either.
        if status in (404, 410, 451):
            return GitHubNotFound(not_found)
        message = error_message(response)
        detail = f": {message}" if message else ""
        return GitHubUnavailable(f"GitHub refused the request ({status}{detail}).")

    def _check_same_origin(self, url: str) -> None:
        # Link headers come from the network: never send our token anywhere else.
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self._origin:
            raise GitHubUnavailable("GitHub pointed us at another host; not following.")


def error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return message if isinstance(message, str) else ""


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


def _log_retry(details: Any) -> None:
    logger.warning(
        "GitHub request failed (try %s), retrying in %.2f s",
        details.get("tries"),
        details.get("wait") or 0.0,
    )


def _now() -> datetime:
    return datetime.now(tz=UTC)
