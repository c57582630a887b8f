from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.budget import person_budget_get
from accounts.forms import AccountDeleteForm
from accounts.selectors import account_overview_get
from accounts.services import user_delete


@login_required
@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    """The person's own page: email, GitHub login, what is left of their share of GitHub,
    deleting the account."""
    context = {
        "overview": account_overview_get(user=request.user),  # type: ignore[arg-type]
        "github_budget": person_budget_get(user_id=request.user.pk),  # type: ignore[arg-type]
        "github_login_enabled": settings.GITHUB_LOGIN_ENABLED,
    }
    return TemplateResponse(request, "accounts/settings.html", context)


def _has_no_password(request: HttpRequest) -> bool:
    return not request.user.has_usable_password()  # type: ignore[union-attr]


@login_required
# Who has a password types it into the form; who has none proves it is them to allauth first
# (accounts/forms.py).
@reauthentication_required(enabled=_has_no_password)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Bound on every POST: a password-less person's confirmation posts no field at all.
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        logout(request)
        user_delete(user=user)  # type: ignore[arg-type]
        messages.success(request, "Your account and your data have been deleted.")
        return redirect("landing")
    return TemplateResponse(request, "accounts/delete.html", {"form": form})
