"""One shape for every API error, and the site's own error pages.

API paths and clients asking for JSON get `{"error", "message", "request_id"}`; people get a
page in the site's style that shows the request id, so a report can be matched to log lines."""

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django_ratelimit.exceptions import Ratelimited
from ninja import Schema

from config.context_processors import site_name
from config.request_id import request_id_get


class ErrorOut(Schema):
    error: str
    message: str
    request_id: str


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: X, **error_responses(404, 422)}`: document the errors an endpoint gives.
    401, 429, 500 and 503 can come from any endpoint, so they are always included."""
    return {status: ErrorOut for status in sorted({401, 429, 500, 503, *statuses})}


def error_body(*, error: str, message: str) -> dict[str, str]:
    return {"error": error, "message": message, "request_id": request_id_get()}


def error_response(
    *, status: int, error: str, message: str, headers: dict[str, str] | None = None
) -> JsonResponse:
    return JsonResponse(error_body(error=error, message=message), status=status, headers=headers)


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or "application/json" in accept


def _render(
    request: HttpRequest, *, status: HTTPStatus, template: str, error: str, message: str
) -> HttpResponse:
    if wants_json(request):
        return error_response(status=status, error=error, message=message)
    context = {"request_id": request_id_get(), "message": message}
    return HttpResponse(loader.render_to_string(template, context, request), status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(
        request,
        status=HTTPStatus.NOT_FOUND,
        template="errors/404.html",
        error="not_found",
        message="There is nothing at this address.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, Ratelimited):
        # django-ratelimit raises PermissionDenied; to a client that is "slow down", not "no".
        return _render(
            request,
            status=HTTPStatus.TOO_MANY_REQUESTS,
            template="errors/429.html",
            error="rate_limited",
            message="Too many requests. Wait a minute and try again.",
        )
    return _render(
        request,
        status=HTTPStatus.FORBIDDEN,
        template="errors/403.html",
        error="forbidden",
        message="You are not allowed to do that.",
    )


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    """A URL that answers other methods (`GET /u/<login>/refresh`, a button's target): Django
    has no handler for 405 and `require_POST` answers an empty body."""
    response = _render(
        request,
        status=HTTPStatus.METHOD_NOT_ALLOWED,
        template="errors/405.html",
        error="method_not_allowed",
        message=f"This address takes {allowed or 'no'} requests, not {request.method}.",
    )
    response["Allow"] = allowed
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The reason is Django's diagnosis for developers; people get advice they can act on.
    return _render(
        request,
        status=HTTPStatus.FORBIDDEN,
        template="errors/403_csrf.html",
        error="csrf_failed",
        message="The form expired or came from another site. Reload the page and try again.",
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(
        request,
        status=HTTPStatus.BAD_REQUEST,
        template="errors/400.html",
        error="bad_request",
        message="The request could not be understood.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return error_response(
            status=HTTPStatus.INTERNAL_SERVER_ERROR,
            error="internal_error",
            message="Something went wrong on our side. Quote the request id if you report it.",
        )
    # No request context: the thing that failed may be a context processor or the database.
    context = {"request_id": request_id_get(), **site_name(None)}
    body = loader.render_to_string("errors/500.html", context)
    return HttpResponse(body, status=HTTPStatus.INTERNAL_SERVER_ERROR)
