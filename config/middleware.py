from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from config import health, metrics
from config.request_id import HEADER, request_id_choose, request_id_clear, request_id_set


class RequestIdMiddleware:
    """Give every request an id (keeping a well-formed incoming X-Request-ID), expose it to log
    lines through a context variable and echo it in every response.

    The id is cleared when the response is closed (request_finished), not when this middleware
    returns: the development server writes its access line after the app returns and before it
    closes the response, and that line should carry the id too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_choose(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        request_id_set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="config.request_id.clear")
def _clear_request_id(sender: Any, **kwargs: Any) -> None:
    request_id_clear()


class ProbesMiddleware:
    """Answer the health probes and Prometheus's scrape before anything that could refuse or
    slow them down; this is the only place they are served.

    Orchestrators, `docker compose` and Prometheus call by IP or `localhost`, which production's
    ALLOWED_HOSTS rightly refuses (CommonMiddleware would answer 400), and they need no session,
    CSRF or HTTPS redirect. Only the exact paths are served here."""

    _VIEWS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
        "/health/live": health.live,
        "/health/ready": health.ready,
        metrics.PATH: metrics.metrics_response,
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self._VIEWS.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
