"""/watchlist/: the signed-in person's tracked accounts, sortable, with Untrack (and Undo) in
the list. Untrack and Undo post to the dashboard's Track/Untrack (views/dashboard.py), which
answers htmx with this page's list partial, so the count, the order and the empty state stay
right. Whose watchlist is always the session's user: no URL or form field names a user."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from github_stats.caching import CachedResponse, SharedFragments, Shown
from github_stats.selectors.watchlist import (
    WATCHLIST_DAYS,
    WATCHLIST_SORTS,
    WatchlistRow,
    WatchlistSort,
    WatchlistTrend,
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
    return cached.store(response, shown=[Shown.of(row) for row in context["rows"]])


def watchlist_partial(request: HtmxHttpRequest, **outcome: Any) -> TemplateResponse:
    """The list alone, after a Track, Untrack or Undo from it (`added`, `removed`, `problem`)."""
    sort = parse_sort(request.POST.get("sort"))
    return TemplateResponse(request, f"{TEMPLATE}#watchlist", _context(request, sort, **outcome))


def _context(request: HtmxHttpRequest, sort: WatchlistSort, **extra: Any) -> dict[str, Any]:
    """The rows in the order asked, each row's markup shared between the people who watch it
    (caching.SharedFragments): 1 query for the rows, and 1 for the trends of those no one has
    just rendered."""
    rows = watchlist_rows(user=request.user)
    markups, trends = _row_markups(rows)
    rows = watchlist_sorted(rows, trends, sort)
    return {
        "rows": rows,
        "row_markups": [markups[row.login] for row in rows],
        "sort": sort,
        "sorts": [(key, label, _list_url(key)) for key, label in SORT_LABELS.items()],
        "list_url": _list_url(sort),
        "days": WATCHLIST_DAYS,
        **extra,
    }


def _row_markups(
    rows: list[WatchlistRow],
) -> tuple[dict[str, SafeString], dict[str, WatchlistTrend]]:
    """Each row's markup and the trends the order needs, by login (a shared row keeps its
    stars gained beside its markup, for the "Stars gained" order)."""
    fragments = SharedFragments("watchlist-row")
    found = fragments.get_many([Shown.of(row) for row in rows])
    markups: dict[str, SafeString] = {}
    trends: dict[str, WatchlistTrend] = {}
    missing = []
    for row in rows:
        if (hit := found.get(row.login.lower())) is None:
            missing.append(row)
        else:
            markups[row.login], stars_change = hit
            trends[row.login] = WatchlistTrend(stars_change=stars_change)
    if not missing:
        return markups, trends
    template = get_template(f"{TEMPLATE}#row")
    fresh = watchlist_trends(rows=missing)
    rendered = []
    for row in missing:
        trend = fresh[row.login]
        # No request: nothing personal can end up in a row that others are shown.
        markup = template.render({"row": row, "recent": trend, "days": WATCHLIST_DAYS})
        # Our own template's output, escaped as it was rendered.
        markups[row.login] = mark_safe(markup)  # noqa: S308  # nosec B308 B703
        trends[row.login] = trend
        rendered.append((Shown.of(row), markup, trend.stars_change))
    fragments.store_many(rendered)
    return markups, trends


def _list_url(sort: WatchlistSort) -> str:
    url = reverse("watchlist")
    return url if sort == "added" else f"{url}?{urlencode({'sort': sort})}"
