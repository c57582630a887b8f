"""The one NinjaAPI, served at /api/v1/ (schema at /api/v1/openapi.json, docs at /api/v1/docs).

Every operation needs a signed-in caller (Bearer token or session), is rate limited after
authentication, and answers errors through config/api_errors.py."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern
from ninja import NinjaAPI

from accounts.api import router as accounts_router
from config.api_auth import bearer_token_auth, session_csrf_auth
from config.api_errors import api_error_handlers_install
from config.errors import error_response
from config.idempotency import idempotency_record
from config.ratelimits import rate_limit_headers_set, rate_limited
from github_stats.api import router as github_stats_router

DESCRIPTION = """Every figure of the dashboards, as JSON.

Authenticate with `Authorization: Bearer <access token>` (log in at
`/_allauth/app/v1/auth/login`) or, from the browser, the session cookie plus `X-CSRFToken` on
unsafe methods. Errors are always `{"error", "message", "request_id"}`. Responses carry
`X-RateLimit-Limit` and `X-RateLimit-Remaining`; a 429 carries `Retry-After`. POST and PUT accept
`Idempotency-Key`."""


def _finish(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps each operation's whole run (auth, validation, view, error handlers)."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = run(request, *args, **kwargs)
        idempotency_record(request, response)
        rate_limit_headers_set(request, response)
        return response

    return wrapper


api = NinjaAPI(
    title="Gitpulse API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[bearer_token_auth, session_csrf_auth],
)
api_error_handlers_install(api)
api.add_decorator(_finish, mode="view")
api.add_decorator(rate_limited, mode="operation")
api.add_router("", accounts_router)
api.add_router("", github_stats_router)


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
