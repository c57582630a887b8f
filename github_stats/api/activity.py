"""Activity as JSON: a user's contribution calendar for a year and their all-time summary
(totals, streaks); an organisation's activity panel from its stored repositories (GitHub has no
calendar for organisations: the answer says so in `kind`, it is not an error). The same
selectors as the dashboard's activity panel (selectors/activity.py, selectors/org_activity.py).
"""

# No `from __future__ import annotations`: ninja reads the endpoints' annotations at import.

from dataclasses import asdict
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from config.errors import error_responses
from github_stats.api.exports import (
    ExportQuery,
    export_format_get,
    export_openapi,
    export_response,
)
from github_stats.api.schemas import Login
from github_stats.exceptions import NotFound
from github_stats.models import AccountKind, today_utc
from github_stats.selectors.accounts import account_get_visible
from github_stats.selectors.activity import (
    ActivityCalendar,
    ActivitySummary,
    account_activity_calendar,
    account_activity_summary,
)
from github_stats.selectors.org_activity import OrganisationActivity, organisation_activity

router = Router()

# GitHub opened in 2008.
FIRST_YEAR = 2008
# A calendar download: a row a day of the year, up to today.
CALENDAR_COLUMNS = ("date", "count", "level")


class ActivityOut(Schema):
    login: str
    kind: Literal["user", "org"]
    calendar: ActivityCalendar | None = Field(
        None, description="A user's year (null for an organisation)."
    )
    organisation: OrganisationActivity | None = Field(
        None, description="An organisation's panel (null for a user)."
    )


class SummaryOut(Schema):
    login: str
    kind: Literal["user", "org"]
    summary: ActivitySummary | None = Field(None, description="A user's (null: organisation).")
    organisation: OrganisationActivity | None = None


@router.get(
    "/accounts/{login}/activity",
    response={200: ActivityOut, **error_responses(404, 422)},
    summary="A year of an account's activity",
    description="A user's contribution calendar for `year` (default: this year), every day "
    "up to today with its count and shade, the year's totals (commits, pull requests, issues, "
    "reviews, repositories contributed to, private contributions as a count) and commits by "
    "repository. Days are GitHub's calendar days. A year we do not store (outside the "
    "account's life, or not fetched yet: the calendar needs a GITHUB_TOKEN on the server) is "
    "404. An organisation answers its activity panel instead (`kind: org`). `format=csv` "
    "(or `Accept: text/csv`): the year's days as rows (date, count, level), a file named "
    "`<login>-activity-<year>-<day>.csv`; `format=json`: the days with the year's totals as a "
    "download. An organisation has no calendar to download (404).",
    openapi_extra=export_openapi(what="A row a day (date, count, level)"),
)
def account_activity(
    request: HttpRequest,
    login: Login,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=2100)] = None,
    export: ExportQuery = None,
):
    account = account_get_visible(login=login)
    chosen = export_format_get(request=request, asked=export)
    if account.kind == AccountKind.ORG:
        if chosen is not None:
            raise NotFound(f"{account.login} is an organisation: it has no contribution calendar.")
        return ActivityOut(
            login=account.login,
            kind="org",
            calendar=None,
            organisation=organisation_activity(account=account),
        )
    calendar = account_activity_calendar(account=account, year=year)
    if calendar is None:
        asked = year or today_utc().year
        raise NotFound(f"We have no activity of {account.login} in {asked}.")
    if chosen is not None:
        return export_response(
            export_format=chosen,
            rows=calendar.days,
            columns=CALENDAR_COLUMNS,
            name=(account.login, "activity", str(calendar.year)),
            json_envelope={
                "login": account.login,
                "year": calendar.year,
                "totals": asdict(calendar.totals),
            },
            json_rows_key="days",
        )
    return ActivityOut(login=account.login, kind="user", calendar=calendar, organisation=None)


@router.get(
    "/accounts/{login}/activity/summary",
    response={200: SummaryOut, **error_responses(404, 422)},
    summary="An account's all-time activity",
    description="A user's totals per year and over the whole life, the current and longest "
    "streak (GitHub's calendar days; today without contributions yet does not break a "
    "streak) and the busiest weekday. An organisation answers its activity panel.",
)
def account_activity_all_time(request: HttpRequest, login: Login):
    account = account_get_visible(login=login)
    if account.kind == AccountKind.ORG:
        return SummaryOut(
            login=account.login,
            kind="org",
            summary=None,
            organisation=organisation_activity(account=account),
        )
    summary = account_activity_summary(account=account)
    return SummaryOut(login=account.login, kind="user", summary=summary, organisation=None)
