from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("watchlist")
    return TemplateResponse(request, "github_stats/landing.html")


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    return TemplateResponse(request, "github_stats/search.html", {"search_query": query})


@login_required
@require_GET
def watchlist(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "github_stats/watchlist.html", {"trackings": []})


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "github_stats/compare.html")
