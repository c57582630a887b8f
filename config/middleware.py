from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost, MiddlewareNotUsed, PermissionDenied
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.utils.module_loading import import_string
from django_prometheus import middleware as django_prometheus

from config import errors, health, metrics
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


class EarlyResponseMiddleware:
    """Answers that need nothing of the session, CSRF, auth, messages or htmx machinery (a cached
    card: settings.EARLY_RESPONDERS maps a path prefix to the callable that answers it or says
    None), given before that stack runs: for such an answer the stack costs more than the
    answer itself.

    Placed right after SecurityMiddleware, so its HTTPS redirect comes first and its headers
    (nosniff, Referrer-Policy, COOP, HSTS) still reach the answer on the way out, as do the
    request id and the metrics of the middleware above. What CommonMiddleware would refuse or
    redirect (a host outside ALLOWED_HOSTS, a disallowed user agent, PREPEND_WWW) is left to the
    stack, which answers it as it always did (the 400 page, with the site's CSP). An early answer
    gets the headers the skipped middleware give every answer (X-Frame-Options,
    Content-Length); tests/cards/test_card_fast_path.py compares it header for header with the
    stack's. Not counted by PrometheusAfterMiddleware's per-view metrics, which never run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        responders: dict[str, str] = getattr(settings, "EARLY_RESPONDERS", {})
        if not responders:
            raise MiddlewareNotUsed
        self.responders: tuple[tuple[str, Callable[[HttpRequest], HttpResponse | None]], ...]
        self.responders = tuple(
            (prefix, import_string(path)) for prefix, path in responders.items()
        )
        self.common = CommonMiddleware(get_response)
        self.frame_options = XFrameOptionsMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in ("GET", "HEAD"):
            for prefix, responder in self.responders:
                if request.path_info.startswith(prefix):
                    answer = self._answer(request, responder)
                    if answer is not None:
                        return answer
                    break
        return self.get_response(request)

    def _answer(
        self, request: HttpRequest, responder: Callable[[HttpRequest], HttpResponse | None]
    ) -> HttpResponseBase | None:
        try:
            if self.common.process_request(request) is not None:
                return None
        except (DisallowedHost, PermissionDenied):
            return None
        answer = responder(request)
        if answer is None:
            return None
        answer = self.frame_options.process_response(request, answer)
        return self.common.process_response(request, answer)


class PrometheusAfterMiddleware(django_prometheus.PrometheusAfterMiddleware):
    """django-prometheus's, with a bounded `method` label: every label value is a time series
    kept for the life of the process (and, in multiprocess mode, in its files), and the method
    is whatever an anonymous client writes. django-prometheus 2.5 buckets unknown methods for
    most metrics but labels its latency histogram with the raw method, so each invented method
    added a histogram (200 invented methods doubled /metrics). Here every metric gets a known
    method or "other"."""

    KNOWN_METHODS = frozenset(
        {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
    )

    def label_metric(
        self, metric: Any, request: HttpRequest, response: Any = None, **labels: Any
    ) -> Any:
        if "method" in labels and labels["method"] not in self.KNOWN_METHODS:
            labels["method"] = "other"
        return super().label_metric(metric, request, response, **labels)


class MethodNotAllowedPageMiddleware:
    """Django's 405 (`require_POST`, `require_GET`) is an empty body: a person who opens a
    button's address gets the site's error page instead, with its Allow header kept. Answers
    that already say something (the API's JSON errors) pass as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        return errors.method_not_allowed(request, allowed=response.get("Allow", ""))
