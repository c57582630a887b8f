"""One shape for every API error, and the site's own error pages."""

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from config.request_id import request_id_get


def error_body(*, error: str, message: str) -> dict[str, str]:
    return {"error": error, "message": message, "request_id": request_id_get()}


def error_response(
    *, status: int, error: str, message: str, headers: dict[str, str] | None = None
) -> JsonResponse:
    return JsonResponse(error_body(error=error, message=message), status=status, headers=headers)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _page(request: HttpRequest, *, status: HTTPStatus, template: str, error: str, message: str):
    if _wants_json(request):
        return error_response(status=status, error=error, message=message)
    body = loader.render_to_string(template, {"request_id": request_id_get()}, request)
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        status=HTTPStatus.NOT_FOUND,
        template="errors/404.html",
        error="not_found",
        message="There is nothing at this address.",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        status=HTTPStatus.FORBIDDEN,
        template="errors/403.html",
        error="forbidden",
        message="You are not allowed to do that.",
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        status=HTTPStatus.BAD_REQUEST,
        template="errors/400.html",
        error="bad_request",
        message="The request could not be understood.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return error_response(
            status=HTTPStatus.INTERNAL_SERVER_ERROR,
            error="internal_error",
            message="Something went wrong on our side. Quote the request id if you report it.",
        )
    # No request context: the thing that failed may be a context processor or the database.
    body = loader.render_to_string("errors/500.html", {"request_id": request_id_get()})
    return HttpResponse(body, status=HTTPStatus.INTERNAL_SERVER_ERROR)
