"""/watchlist/: the signed-in person's tracked accounts, sortable, with Untrack (and Undo) in
the list. Untrack and Undo post to the dashboard's Track/Untrack (views/dashboard.py), which
answers htmx with this page's list partial, so the count, the order and the empty state stay
right. Whose watchlist is always the session's user: no URL or form field names a user."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from github_stats.caching import CachedResponse, Shown
from github_stats.selectors.watchlist import (
    WATCHLIST_DAYS,
    WATCHLIST_SORTS,
    WatchlistSort,
    watchlist_rows,
    watchlist_sorted,
    watchlist_trends,
)
from github_stats.views.htmx import HtmxHttpRequest, login_required_htmx

TEMPLATE = "github_stats/watchlist.html"
SORT_LABELS: dict[WatchlistSort, str] = {
    "added": "Recently added",
    "name": "Name",
    "followers": "Followers",
    "stars": "Stars",
    "forks": "Forks",
    "repos": "Repositories",
    "change": "Stars gained",
}


def parse_sort(value: object) -> WatchlistSort:
    """Any unknown value is the default order, never an error."""
    return next((sort for sort in WATCHLIST_SORTS if sort == value), "added")


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def watchlist(request: HtmxHttpRequest) -> HttpResponse:
    sort = parse_sort(request.GET.get("sort"))
    cached = CachedResponse(request, name="watchlist", state=sort, personal=True)
    if (hit := cached.hit()) is not None:
        return hit
    context = _context(request, sort)
    template = TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#watchlist"
    response = TemplateResponse(request, template, context)
    return cached.store(response, shown=[Shown.of(row) for row, _ in context["rows"]])


def watchlist_partial(request: HtmxHttpRequest, **outcome: Any) -> TemplateResponse:
    """The list alone, after a Track, Untrack or Undo from it (`added`, `removed`, `problem`)."""
    sort = parse_sort(request.POST.get("sort"))
    return TemplateResponse(request, f"{TEMPLATE}#watchlist", _context(request, sort, **outcome))


def _context(request: HtmxHttpRequest, sort: WatchlistSort, **extra: Any) -> dict[str, Any]:
    """The rows (row, trend) in the order asked: 2 queries, the rows and their trends."""
    rows = watchlist_rows(user=request.user)
    trends = watchlist_trends(rows=rows)
    return {
        "rows": [(row, trends[row.login]) for row in watchlist_sorted(rows, trends, sort)],
        "sort": sort,
        "sorts": [(key, label, _list_url(key)) for key, label in SORT_LABELS.items()],
        "list_url": _list_url(sort),
        "days": WATCHLIST_DAYS,
        **extra,
    }


def _list_url(sort: WatchlistSort) -> str:
    url = reverse("watchlist")
    return url if sort == "added" else f"{url}?{urlencode({'sort': sort})}"
