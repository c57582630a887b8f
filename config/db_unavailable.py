"""PostgreSQL down: every page and API call answers a clean 503, never a 500 page.

Django turns an exception into a response at each middleware layer, so a database error raised
while a middleware loads the session or the user has already become a 500 by the time an outer
middleware sees it. Two halves therefore: `got_request_exception` (sent for every such error,
with the request) marks the request, and DatabaseUnavailableMiddleware, near the top of the
stack, replaces a marked 500 with a 503; a database error raised by a view it answers directly.
The API's own handler (`database_unavailable` in config/api.py) already answers these errors
(DATABASE_ERRORS) with the same shape. Nothing is cached and nothing needs restarting: Django
opens a new connection per request (CONN_HEALTH_CHECKS), so the first request after PostgreSQL is
back succeeds."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template import loader

from config.context_processors import site_name
from config.errors import error_response, wants_json
from config.request_id import request_id_get

logger = logging.getLogger(__name__)

_MARK = "_database_unavailable"
RETRY_AFTER_SECONDS = "5"
DATABASE_ERRORS = (OperationalError, InterfaceError)
_OWN_HEADERS = {"content-type", "content-length", "retry-after"}


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return error_response(
            status=HTTPStatus.SERVICE_UNAVAILABLE,
            error="database_unavailable",
            message="The database is unreachable; try again shortly.",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    # No request context: its processors would ask the database for the user.
    context = {"request_id": request_id_get(), **site_name(None)}
    body = loader.render_to_string("errors/503.html", context)
    response = HttpResponse(body, status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


@receiver(got_request_exception, dispatch_uid="config.db_unavailable.mark")
def _mark_database_errors(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        setattr(request, _MARK, True)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR and getattr(
            request, _MARK, False
        ):
            replacement = database_unavailable_response(request)
            # The 500 went through the security middlewares below us; keep what they added.
            for header, value in response.items():
                if header.lower() not in _OWN_HEADERS:
                    replacement.headers.setdefault(header, value)
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            # One line, no traceback: during an outage every request fails the same way.
            logger.error("database unavailable: %s: %s", type(exception).__name__, exception)
            return database_unavailable_response(request)
        return None
