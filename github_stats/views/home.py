"""The landing page, where a login lands, and search (the nav box and its suggestions)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from github_stats.github.errors import InvalidName
from github_stats.github.names import parse_search
from github_stats.selectors.accounts import account_search_suggestions
from github_stats.views.htmx import HtmxHttpRequest, login_required_htmx

TEMPLATE = "github_stats/search.html"


@require_GET
def landing(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("watchlist")
    return TemplateResponse(request, "github_stats/landing.html")


@login_required_htmx
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Where a login lands (LOGIN_REDIRECT_URL): the watchlist."""
    return redirect("watchlist")


@login_required_htmx
@require_GET
def search(request: HtmxHttpRequest) -> HttpResponse:
    """The nav box's Enter: a login, an org, owner/repo or a github.com URL goes to its page;
    anything else is refused here, before any GitHub call."""
    query = request.GET.get("q", "").strip()[:200]
    context: dict[str, Any] = {"search_query": query}
    if not query:
        return TemplateResponse(request, TEMPLATE, context)
    try:
        target = parse_search(query)
    except InvalidName as exc:
        context["error"] = exc.message
        context["suggestions"] = account_search_suggestions(prefix=query)
        return TemplateResponse(request, TEMPLATE, context, status=HTTPStatus.BAD_REQUEST)
    if target.kind == "repo" and target.repo_name:
        return redirect("repository", owner=target.login, repo=target.repo_name)
    return redirect("account_dashboard", login=target.login)


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def search_suggestions(request: HtmxHttpRequest) -> HttpResponse:
    """Stored accounts whose login starts with what is typed (the nav box, debounced)."""
    query = request.GET.get("q", "").strip()[:40]
    context = {"search_query": query, "suggestions": account_search_suggestions(prefix=query)}
    try:
        parse_search(query) if query else None
    except InvalidName as exc:
        # What Enter would say, said now: never "press Enter to fetch it" for a name it refuses.
        context["invalid"] = exc.message
    return TemplateResponse(request, f"{TEMPLATE}#suggestions", context)
