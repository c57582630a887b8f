"""View decorators shared by the pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


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
