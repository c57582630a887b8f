from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import AccountDeleteForm
from accounts.selectors import account_overview_get
from accounts.services import user_delete


@login_required
@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    """The person's own page: email, GitHub login, deleting the account."""
    context = {
        "overview": account_overview_get(user=request.user),  # type: ignore[arg-type]
        "github_login_enabled": settings.GITHUB_LOGIN_ENABLED,
    }
    return TemplateResponse(request, "accounts/settings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountDeleteForm(request.POST or None, email=user.email)  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        logout(request)
        user_delete(user=user)  # type: ignore[arg-type]
        messages.success(request, "Your account and your data have been deleted.")
        return redirect("landing")
    return TemplateResponse(request, "accounts/delete.html", {"form": form})
