"""Who is calling the API: a Bearer access token from django-allauth headless, or the browser's
session cookie (with Django's CSRF check on unsafe methods). Both resolve to the same `User`, set
as `request.auth` and `request.user`; anything else is anonymous and gets 401."""

from typing import Any

from allauth.headless.contrib.ninja.security import JWTTokenAuth
from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf


class CsrfFailed(Exception):
    """A signed-in browser sent an unsafe request without a valid CSRF token."""


class BearerTokenAuth(JWTTokenAuth):
    """allauth's own JWT validation (signature, expiry, and with stateful validation the login
    session behind the token, so a logout revokes it), published as an HTTP bearer scheme:
    allauth's class publishes `{"type": "apiKey"}` without `name`/`in`, an invalid OpenAPI
    security scheme."""

    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_bearerFormat = "JWT"

    def __call__(self, request: HttpRequest) -> Any:
        if super().__call__(request) is None:
            return None
        user = request.user
        return user if user.is_active else None


class SessionCsrfAuth(APIKeyCookie):
    """The browser's login session. CSRF is checked only once we know the session is signed in,
    so an anonymous unsafe request is a 401 (who are you?), not a 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed
        return request.user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        # Required by APIKeyCookie; __call__ above does the work without reading the cookie
        # value itself (Django's session middleware already did).
        return request.user if request.user.is_authenticated else None


bearer_token_auth = BearerTokenAuth()
session_csrf_auth = SessionCsrfAuth()
