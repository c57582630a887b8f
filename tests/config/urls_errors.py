"""The site's URLs plus views that fail on purpose, for the error-page tests only."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django_ratelimit.exceptions import Ratelimited

from config import urls as site_urls

SECRET_IN_EXCEPTION = "postgres://app:s3cret-db-password@db:5432/app"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"could not connect to {SECRET_IN_EXCEPTION}")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("tampered input")


def rate_limited(request: HttpRequest) -> HttpResponse:
    raise Ratelimited


urlpatterns = [
    path("test-errors/boom/", boom),
    path("api/test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/rate-limited/", rate_limited),
    *site_urls.urlpatterns,
]

handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500
