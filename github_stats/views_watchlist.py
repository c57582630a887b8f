"""The watchlist page (/watchlist/) and its HTMX fragment: the signed-in person's tracked
accounts, sortable, with untrack (and undo) from the list.

Whose watchlist is always the session's user: no URL or form field names a user, so nobody can
change another person's list. Untrack and undo answer htmx with the whole list fragment (count,
order and the empty state stay right) and plain forms with a redirect back to the list.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from github_stats import fragments, selectors
from github_stats.decorators import login_required_htmx
from github_stats.exceptions import AccountHidden, InvalidLogin
from github_stats.models import Account
from github_stats.page_cache import page_context, watchlist_page
from github_stats.selectors import WATCHLIST_DAYS, WATCHLIST_SORTS, WatchlistSortKey
from github_stats.services import tracking_add, tracking_remove

TEMPLATE = "github_stats/watchlist.html"
SORT_LABELS: dict[WatchlistSortKey, str] = {
    "added": "Recently added",
    "name": "Name",
    "followers": "Followers",
    "stars": "Stars",
    "forks": "Forks",
    "repos": "Repositories",
    "change": "Stars gained",
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def parse_sort(value: object) -> WatchlistSortKey:
    """Any unknown value is the default order, never an error."""
    return value if value in WATCHLIST_SORTS else "added"  # type: ignore[return-value]


def _list_url(sort: WatchlistSortKey) -> str:
    url = reverse("watchlist")
    return url if sort == "added" else f"{url}?{urlencode({'sort': sort})}"


def _context(request: HtmxHttpRequest, sort: WatchlistSortKey, **extra: Any) -> dict[str, Any]:
    rows = selectors.watchlist_rows(user=request.user, sort=sort)
    return {
        # Each account's cells come rendered from the fragment cache; the Untrack buttons (CSRF
        # token, this person's sort) are rendered around them.
        "rows": fragments.watchlist_items(rows=rows),
        "sort": sort,
        "sorts": [(key, label, _list_url(key)) for key, label in SORT_LABELS.items()],
        "days": WATCHLIST_DAYS,
        **extra,
    }


def _render_list(request: HtmxHttpRequest, context: dict[str, Any]) -> TemplateResponse:
    template = TEMPLATE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#watchlist"
    return TemplateResponse(request, template, context)


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def watchlist(request: HtmxHttpRequest) -> HttpResponse:
    sort = parse_sort(request.GET.get("sort"))
    page = watchlist_page(request, sort=sort)
    if (cached := page.cached()) is not None:
        return cached
    context = _context(request, sort)
    context.update(page_context(request))
    response = _render_list(request, context)
    items: list[fragments.WatchlistItem] = context["rows"]
    page.store_when_rendered(
        response,
        account_versions={item.row.profile.id: item.cache_version for item in items},
        fetched_at=[item.profile.fetched_at for item in items],
    )
    return response


def _find_account(request: HtmxHttpRequest, login: str) -> Account | HttpResponse:
    """The stored, visible account, or a 404 a person can read (the list fragment for htmx,
    which ignores error bodies)."""
    try:
        account = selectors.account_find(login=login)
    except (InvalidLogin, AccountHidden):
        account = None
    if account is not None:
        return account
    sort = parse_sort(request.POST.get("sort"))
    problem = f"{login[:60]} is not an account we know."
    if request.htmx:
        return _render_list(request, _context(request, sort, problem=problem))
    return TemplateResponse(
        request, TEMPLATE, _context(request, sort, problem=problem), status=HTTPStatus.NOT_FOUND
    )


@login_required_htmx
@require_POST
def untrack(request: HtmxHttpRequest, login: str) -> HttpResponse:
    """Stop watching an account (already not watched is fine)."""
    return _change_tracking(request, login, watch=False)


@login_required_htmx
@require_POST
def track(request: HtmxHttpRequest, login: str) -> HttpResponse:
    """Watch an account again: the list's Undo."""
    return _change_tracking(request, login, watch=True)


def _change_tracking(request: HtmxHttpRequest, login: str, *, watch: bool) -> HttpResponse:
    found = _find_account(request, login)
    if isinstance(found, HttpResponse):
        return found
    change = tracking_add if watch else tracking_remove
    change(user=request.user, account=found)  # type: ignore[arg-type]
    sort = parse_sort(request.POST.get("sort"))
    if request.htmx:
        outcome = {"added": found.login} if watch else {"removed": found.login}
        return _render_list(request, _context(request, sort, **outcome))
    if watch:
        messages.success(request, f"You watch {found.login} again.")
    else:
        messages.success(request, f"You no longer watch {found.login}.")
    return redirect(_list_url(sort))
