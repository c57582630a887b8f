"""The API's one set of error handlers: every failure is `{"error", "message", "request_id"}`
(config/errors.py error_body) with a fitting status, and nothing ever answers a traceback."""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from http import HTTPStatus
from typing import Any

from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from config.api_auth import CsrfFailed
from config.errors import error_body
from config.idempotency import IdempotencyKeyInFlight, IdempotencyKeyReused
from config.ratelimits import RateLimitExceeded, RateLimitUnavailable, rate_limit_hit
from github_stats.exceptions import GitHubStatsError, RateLimited

logger = logging.getLogger(__name__)

# The `error` code for a status when nothing more specific is known.
_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
}


class ErrorOut(Schema):
    error: str
    message: str
    request_id: str


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: X, **error_responses(404, 422)}`: document the errors an endpoint gives.
    401, 429, 500 and 503 can come from any endpoint, so they are always included."""
    return {status: ErrorOut for status in sorted({401, 429, 500, 503, *statuses})}


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    error: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(request, error_body(error=error, message=message), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for item in errors:
        # loc is e.g. ("query", "limit") or ("path", "login"); name the field, then the problem.
        location = ".".join(str(piece) for piece in item.get("loc", ()))
        parts.append(f"{location}: {item.get('msg', 'invalid')}")
    return "Invalid input. " + "; ".join(parts) if parts else "Invalid input."


def _seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - datetime.now(UTC)).total_seconds()))


@dataclass(frozen=True)
class _FixedAnswer:
    status: int
    error: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)


# Failures whose answer never depends on the request or on the exception's details.
_FIXED_ANSWERS: dict[type[Exception], _FixedAnswer] = {
    CsrfFailed: _FixedAnswer(
        403,
        "csrf_failed",
        "A signed-in browser must send the CSRF token (X-CSRFToken) on this method.",
    ),
    IdempotencyKeyReused: _FixedAnswer(
        409,
        "idempotency_key_reused",
        "This Idempotency-Key was used for a different request; use a new key.",
    ),
    IdempotencyKeyInFlight: _FixedAnswer(
        409,
        "idempotency_key_in_flight",
        "A request with this Idempotency-Key is still being served; retry shortly.",
        {"Retry-After": "1"},
    ),
}


def _respond_fixed(
    api: NinjaAPI, answer: _FixedAnswer, request: HttpRequest, exc: Exception
) -> HttpResponse:
    return _respond(
        api,
        request,
        status=answer.status,
        error=answer.error,
        message=answer.message,
        headers=answer.headers,
    )


def api_error_handlers_install(api: NinjaAPI) -> None:
    for exc_class, answer in _FIXED_ANSWERS.items():
        api.add_exception_handler(exc_class, partial(_respond_fixed, api, answer))

    def handler(exc_class: type[Exception]) -> Callable[[Callable[..., Any]], Any]:
        def register(func: Callable[[HttpRequest, Any], HttpResponse]) -> Any:
            api.add_exception_handler(exc_class, func)
            return func

        return register

    @handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _respond(
            api,
            request,
            status=422,
            error="validation_error",
            message=_validation_message(exc.errors),
        )

    @handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        # Anonymous calls are counted per IP address; past the limit they are told to slow down
        # rather than to sign in.
        try:
            rate_limit_hit(request, scope="anonymous")
        except RateLimitExceeded as limited:
            return rate_limit_exceeded(request, limited)
        return _respond(
            api,
            request,
            status=401,
            error="not_authenticated",
            message="Sign in: send 'Authorization: Bearer <access token>' or a session cookie.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )

    @handler(RateLimitExceeded)
    def rate_limit_exceeded(request: HttpRequest, exc: RateLimitExceeded) -> HttpResponse:
        return _respond(
            api,
            request,
            status=429,
            error="rate_limited",
            message=f"Too many requests: at most {exc.usage.limit} in this period. "
            f"Retry after {exc.retry_after} s.",
            headers={"Retry-After": str(exc.retry_after)},
        )

    @handler(RateLimitUnavailable)
    def rate_limit_unavailable(request: HttpRequest, exc: RateLimitUnavailable) -> HttpResponse:
        return _respond(
            api,
            request,
            status=503,
            error="service_unavailable",
            message="Refreshes are paused while our rate-limit store is unreachable.",
            headers={"Retry-After": str(exc.retry_after)},
        )

    @handler(GitHubStatsError)
    def domain_error(request: HttpRequest, exc: GitHubStatsError) -> HttpResponse:
        headers = {}
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(_seconds_until(exc.reset_at))
        return _respond(
            api, request, status=exc.status, error=exc.code, message=exc.message, headers=headers
        )

    @handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(
            api, request, status=404, error="not_found", message="There is nothing here."
        )

    @handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        return _respond(
            api,
            request,
            status=status,
            error=_CODES.get(status, "error"),
            message=exc.message or HTTPStatus(status).phrase,
        )

    @handler(OperationalError)
    def database_unavailable(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        logger.error("database unavailable during an API call", exc_info=exc)
        return _respond(
            api,
            request,
            status=503,
            error="database_unavailable",
            message="The database is unreachable; try again shortly.",
            headers={"Retry-After": "5"},
        )

    @handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("unhandled error in an API call", exc_info=exc)
        return _respond(
            api,
            request,
            status=500,
            error="internal_error",
            message="Something went wrong on our side. Quote the request id if you report it.",
        )
