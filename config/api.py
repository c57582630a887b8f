"""The one NinjaAPI, served at /api/v1/ (schema at /api/v1/openapi.json, docs at /api/v1/docs).

Every operation needs a signed-in caller (Bearer token or session), is rate limited after
authentication, and every failure answers `{"error", "message", "request_id"}` with a fitting
status (config/errors.py), never a traceback. The apps' routers and their own error handlers are
registered here: github_stats's in github_stats/api/."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern
from django.utils.cache import patch_cache_control
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api import router as accounts_router
from config.api_auth import CsrfFailed, bearer_token_auth, session_csrf_auth
from config.db_unavailable import DATABASE_ERRORS, database_unavailable_response
from config.errors import error_response
from config.idempotency import (
    IdempotencyBodyTooLarge,
    IdempotencyKeyInFlight,
    IdempotencyKeyReused,
    idempotency_record,
)
from config.ratelimits import (
    RateLimitExceeded,
    RateLimitUnavailable,
    rate_limit_headers_set,
    rate_limit_hit,
    rate_limited,
)
from github_stats import api as github_stats_api

logger = logging.getLogger(__name__)

DESCRIPTION = """Every figure of the dashboards, as JSON.

Authenticate with `Authorization: Bearer <access token>` (log in at
`/_allauth/app/v1/auth/login`) or, from the browser, the session cookie plus `X-CSRFToken` on
unsafe methods. Errors are always `{"error", "message", "request_id"}`. Responses carry
`X-RateLimit-Limit` and `X-RateLimit-Remaining`; a 429 carries `Retry-After`. POST and PUT accept
`Idempotency-Key`."""

# The `error` code for a status when nothing more specific is known.
_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
}


def _finish(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps each operation's whole run (auth, validation, view, error handlers)."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = run(request, *args, **kwargs)
        idempotency_record(request, response)
        rate_limit_headers_set(request, response)
        _private_cache_control_set(response)
        return response

    return wrapper


def _private_cache_control_set(response: HttpResponseBase) -> None:
    # Every answer is about (or for) the caller, so no shared cache (a proxy, a CDN) may keep it,
    # and with no-store nor may the browser's disk: a later person on the same machine, or the
    # back button after logout, must not see it. An endpoint that chose its own caching keeps
    # its directives, made private.
    if response.has_header("Cache-Control"):
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, private=True, no_store=True)


api = NinjaAPI(
    title="Gitpulse API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[bearer_token_auth, session_csrf_auth],
)
api.add_decorator(_finish, mode="view")
api.add_decorator(rate_limited, mode="operation")
api.add_router("", accounts_router)
api.add_router("", github_stats_api.router)
for exc_class, handler in github_stats_api.EXCEPTION_HANDLERS.items():
    api.add_exception_handler(exc_class, handler)


# --- errors that do not come from an app ------------------------------------------------------


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    parts = []
    for item in exc.errors:
        # loc is e.g. ("query", "limit") or ("path", "login"); name the field, then the problem.
        location = ".".join(str(piece) for piece in item.get("loc", ()))
        parts.append(f"{location}: {item.get('msg', 'invalid')}")
    message = "Invalid input. " + "; ".join(parts) if parts else "Invalid input."
    return error_response(status=422, error="validation_error", message=message)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # Anonymous calls are counted per IP address; past the limit they are told to slow down
    # rather than to sign in.
    try:
        rate_limit_hit(request, scope="anonymous")
    except RateLimitExceeded as limited:
        return rate_limit_exceeded(request, limited)
    return error_response(
        status=401,
        error="not_authenticated",
        message="Sign in: send 'Authorization: Bearer <access token>' or a session cookie.",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(RateLimitExceeded)
def rate_limit_exceeded(request: HttpRequest, exc: RateLimitExceeded) -> HttpResponse:
    return error_response(
        status=429,
        error="rate_limited",
        message=f"Too many requests: at most {exc.usage.limit} in this period. "
        f"Retry after {exc.retry_after} s.",
        headers={"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(RateLimitUnavailable)
def rate_limit_unavailable(request: HttpRequest, exc: RateLimitUnavailable) -> HttpResponse:
    return error_response(
        status=503,
        error="service_unavailable",
        message="Refreshes are paused while our rate-limit store is unreachable.",
        headers={"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(CsrfFailed)
def csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    message = "A signed-in browser must send the CSRF token (X-CSRFToken) on this method."
    return error_response(status=403, error="csrf_failed", message=message)


@api.exception_handler(IdempotencyKeyReused)
def idempotency_key_reused(request: HttpRequest, exc: IdempotencyKeyReused) -> HttpResponse:
    message = "This Idempotency-Key was used for a different request; use a new key."
    return error_response(status=409, error="idempotency_key_reused", message=message)


@api.exception_handler(IdempotencyKeyInFlight)
def idempotency_key_in_flight(request: HttpRequest, exc: IdempotencyKeyInFlight) -> HttpResponse:
    return error_response(
        status=409,
        error="idempotency_key_in_flight",
        message="A request with this Idempotency-Key is still being served; retry shortly.",
        headers={"Retry-After": "1"},
    )


@api.exception_handler(IdempotencyBodyTooLarge)
def idempotency_body_too_large(request: HttpRequest, exc: IdempotencyBodyTooLarge) -> HttpResponse:
    message = f"A request with an Idempotency-Key may carry at most {exc.limit} bytes."
    return error_response(status=413, error="payload_too_large", message=message)


@api.exception_handler(RequestDataTooBig)
def request_data_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE; without this handler the
    # catch-all below would call it a 500.
    return error_response(status=413, error="payload_too_large", message="The body is too large.")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(status=404, error="not_found", message="There is nothing here.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    message = exc.message or HTTPStatus(status).phrase
    return error_response(status=status, error=_CODES.get(status, "error"), message=message)


def database_unavailable(request: HttpRequest, exc: Any) -> HttpResponse:
    logger.error("database unavailable during an API call", exc_info=exc)
    return database_unavailable_response(request)  # the pages' 503, in the JSON error shape


for _database_error in DATABASE_ERRORS:
    api.add_exception_handler(_database_error, database_unavailable)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("unhandled error in an API call", exc_info=exc)
    return error_response(
        status=500,
        error="internal_error",
        message="Something went wrong on our side. Quote the request id if you report it.",
    )


# --- URLs -----------------------------------------------------------------------------------


def _json_method_not_allowed(view: Callable[..., HttpResponseBase]) -> Callable[..., Any]:
    # Ninja answers an unsupported method with a plain-text 405; give it the API's error shape.
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return error_response(
                status=405,
                error="method_not_allowed",
                message=f"{request.method} is not allowed here.",
                headers={"Allow": response["Allow"]},
            )
        return response

    return wrapper


def api_urls() -> tuple[list[Any], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_method_not_allowed(pattern.callback)
    return patterns, app_name, namespace
