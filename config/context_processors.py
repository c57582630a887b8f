"""Template context every page gets."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_name(request: HttpRequest | None) -> dict[str, str]:
    # One setting names the site in page titles, the header and allauth's pages and e-mails;
    # also called without a request by the 500 and 503 pages, which render without processors.
    return {"SITE_NAME": settings.SITE_NAME}
