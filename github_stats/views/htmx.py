"""What every page shares about htmx: the request type, login that redirects htmx properly,
and the answer that ends a poll."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from accounts.models import User

# Polls of a job: every second, but while GitHub's rate limit holds it there is no point.
POLL_SECONDS = 1
POLL_SECONDS_RATE_LIMITED = 15


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def login_required_htmx(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`login_required` that answers an htmx request with HX-Redirect to the login page.

    A plain 302 would make htmx follow it and swap the whole login page into a fragment
    (TOOLCHAIN.md). After logging in the person comes back to the page they were on (htmx's
    HX-Current-URL), not to the fragment's URL."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        htmx = getattr(request, "htmx", None)
        if htmx:
            next_path = htmx.current_url_abs_path or request.get_full_path()
            login_url = redirect_to_login(next_path, resolve_url(settings.LOGIN_URL)).url
            return HttpResponseClientRedirect(login_url)
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))

    return wrapper


def poll_ended(response: TemplateResponse) -> TemplateResponse:
    """The job a poller watched has ended: swap the page's main region instead of the poller."""
    return reswap(retarget(response, "#main-region"), "outerHTML")


def poll_seconds(rate_limited: bool) -> int:
    return POLL_SECONDS_RATE_LIMITED if rate_limited else POLL_SECONDS


def signed_in(request: HttpRequest) -> User:
    """The person behind a request that login_required_htmx let through."""
    assert request.user.is_authenticated
    return cast("User", request.user)
