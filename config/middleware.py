from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from config.request_id import request_id_choose, request_id_reset, request_id_set


class RequestIdMiddleware:
    """Give every request an id (keeping a well-formed incoming X-Request-ID), expose it to log
    lines through a context variable and echo it in every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_choose(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_reset(token)
        response["X-Request-ID"] = request_id
        return response
