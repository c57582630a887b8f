"""What the API's endpoints share: who is calling, and a JSON answer that can be cached."""

from __future__ import annotations

from http import HTTPStatus
from typing import cast

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer

from accounts.models import User

_RENDERER = JSONRenderer()


def signed_in(request: HttpRequest) -> User:
    """The caller, as the API's authentication (config/api_auth.py) resolved them."""
    return cast(User, request.user)


def json_response(request: HttpRequest, out: Schema) -> HttpResponse:
    """`out` rendered exactly as ninja renders an endpoint's return value, but as a response a
    CachedResponse can store (github_stats/caching.py)."""
    body = _RENDERER.render(request, out.model_dump(), response_status=HTTPStatus.OK)
    return HttpResponse(body, content_type=_RENDERER.media_type)
