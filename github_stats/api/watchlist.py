"""The signed-in person's watchlist, and comparisons of accounts."""

# No `from __future__ import annotations`: ninja reads the endpoints' annotations at import.

from datetime import datetime
from http import HTTPStatus
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Status

from config.errors import error_responses
from config.idempotency import IdempotencyKey, idempotent
from github_stats.api.common import json_response, signed_in
from github_stats.api.exports import (
    ExportQuery,
    attachment_mark,
    export_format_get,
    export_openapi,
    export_response,
)
from github_stats.api.schemas import COMPARE_PATTERN, CompareItemOut, CompareOut, Login
from github_stats.caching import CachedResponse, Shown
from github_stats.exceptions import NotFound
from github_stats.github.errors import InvalidLogin
from github_stats.github.names import validate_login
from github_stats.selectors.accounts import account_get_visible
from github_stats.selectors.compare import (
    COMPARISON_COLUMNS,
    Comparison,
    accounts_comparison,
    comparison_rows,
)
from github_stats.selectors.watchlist import WatchlistRow, watchlist_row, watchlist_rows
from github_stats.services.tracking import tracking_add, tracking_remove

router = Router()


@router.get(
    "/watchlist",
    response={200: list[WatchlistRow], **error_responses()},
    summary="Your watchlist",
    description="Most recently added first, with each account's figures.",
)
def watchlist(request: HttpRequest) -> list[WatchlistRow]:
    return watchlist_rows(user=signed_in(request))


@router.put(
    "/watchlist/{login}",
    response={200: WatchlistRow, **error_responses(400, 403, 404, 409, 422)},
    summary="Watch an account",
    description="Puts a stored account on your watchlist (again is fine). An account we do not "
    "have yet is 404: GET /accounts/{login} fetches it first. Accepts Idempotency-Key.",
)
@idempotent
def watchlist_put(
    request: HttpRequest, login: Login, idempotency_key: IdempotencyKey = None
) -> WatchlistRow:
    user = signed_in(request)
    account = account_get_visible(login=login)
    tracking_add(user=user, account=account)
    return watchlist_row(user=user, account=account)


@router.delete(
    "/watchlist/{login}",
    response={204: None, **error_responses(403, 404, 422)},
    summary="Stop watching an account",
    description="204 when it was on your watchlist, 404 when it was not.",
)
def watchlist_delete(request: HttpRequest, login: Login) -> Status[None]:
    account = account_get_visible(login=login)
    if not tracking_remove(user=signed_in(request), account=account):
        raise NotFound(f"{account.login} is not on your watchlist.")
    return Status(HTTPStatus.NO_CONTENT, None)


@router.get(
    "/compare",
    response={200: CompareOut, **error_responses(404, 422)},
    summary="Compare accounts",
    description="Profiles and figures of 2 to 10 stored accounts, in the order given. "
    "`format=csv`: one row per account (each figure with its 7- and 30-day change); "
    "`format=json`: this answer as a download.",
    openapi_extra=export_openapi(what="One row per account"),
)
def compare(
    request: HttpRequest,
    logins: Annotated[
        str,
        Query(
            description="Comma-separated logins, e.g. octocat,torvalds.",
            max_length=400,
            pattern=COMPARE_PATTERN,
        ),
    ],
    export: ExportQuery = None,
):
    names = list(dict.fromkeys(name.lower() for name in logins.split(",")))
    # A name GitHub would not accept (the pattern cannot say "at most 39") has no data either.
    impossible = [name for name in names if not _is_login(name)]
    if impossible:
        raise NotFound(f"We have no data for {', '.join(n[:60] for n in impossible)}.")
    chosen = export_format_get(request=request, asked=export)
    if chosen == "csv":  # before the cache: it keeps the JSON answer
        rows = comparison_rows(comparison=_comparison_shown(names))
        return export_response(
            export_format="csv", rows=rows, columns=COMPARISON_COLUMNS, name=("compare", *names)
        )
    if chosen == "json":
        out = _compare_out(_comparison_shown(names))
        return attachment_mark(
            response=json_response(request, out), name=("compare", *names), export_format="json"
        )
    cached = CachedResponse(
        request, name="api/compare", state=",".join(names), logins=names, personal=False
    )
    if (hit := cached.hit()) is not None:
        return hit
    comparison = _comparison_shown(names, now=cached.now)
    shown = [Shown.of(account.profile) for account in comparison.accounts]
    return cached.store(json_response(request, _compare_out(comparison)), shown=shown)


def _comparison_shown(names: list[str], now: datetime | None = None) -> Comparison:
    """Every account asked for, or NotFound naming those we cannot show."""
    comparison = accounts_comparison(logins=names, now=now)
    missing = comparison.unknown + comparison.hidden
    if missing:
        raise NotFound(f"We have no data for {', '.join(missing)} yet.")
    return comparison


def _compare_out(comparison: Comparison) -> CompareOut:
    return CompareOut(
        items=[
            CompareItemOut.of(account, comparison.activity_of(account.profile.login))
            for account in comparison.accounts
        ]
    )


def _is_login(name: str) -> bool:
    try:
        validate_login(name)
    except InvalidLogin:
        return False
    return True
