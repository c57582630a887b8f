"""The dashboard's activity panel (#activity): what views/dashboard.py adds to its context, for
the whole body and for the panel alone (its year selector and its poller, HX-Target
"activity"). Nothing personal: the panel is part of the body shared between people, so its
links carry only the year and the history range."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from github_stats.models import GitHubAccount
from github_stats.selectors.account_history import history_days_param
from github_stats.selectors.activity import CalendarDay
from github_stats.selectors.activity_panel import account_activity_panel, activity_year_parse
from github_stats.selectors.dashboard import DEFAULT_HISTORY_DAYS
from github_stats.selectors.org_activity import OrganisationActivity
from github_stats.ui.heatmap import Bars, Heatmap, bar_chart, heatmap

ACTIVITY_TARGET = "activity"

__all__ = ["ACTIVITY_TARGET", "activity_context", "activity_year_parse"]


def activity_context(
    *, account: GitHubAccount, year: int | None, days: int | None, page_url: str
) -> dict[str, Any]:
    panel = account_activity_panel(account=account, year=year)
    context: dict[str, Any] = {"activity": panel}
    keep = {} if days == DEFAULT_HISTORY_DAYS else {"days": history_days_param(days)}
    # The poll asks for the year shown, so the answer is the same panel once it is there.
    poll = {**keep, **({"year": str(year)} if year else {})}
    context["activity_poll_url"] = _url(page_url, poll)
    # The newest year is the default: left out of its link, as every default is.
    context["activity_years"] = [
        (shown, _url(page_url, keep if index == 0 else {**keep, "year": str(shown)}))
        for index, shown in enumerate(panel.years)
    ]
    if panel.calendar is not None:
        context["heatmap"] = _heatmap(account.login, panel.calendar.year, panel.calendar.days)
    if panel.organisation is not None:
        context["org_bars"] = _org_bars(panel.organisation)
    recent = panel.recent or (panel.organisation.recent if panel.organisation else None)
    if recent is not None:
        context["recent_bars"] = bar_chart(
            values=[(f"Week of {label}", events) for label, events in recent.weekly()],
            title=f"Public events of {account.login} a week, last 90 days",
            chart_id="activity-recent",
            unit="events",
        )
    return context


def _heatmap(login: str, year: int, days: list[CalendarDay]) -> Heatmap:
    total = sum(day.count for day in days)
    title = f"Contributions of {login} in {year}: {total:,}"
    return heatmap(year=year, days=days, title=title, chart_id="activity-heatmap")


def _org_bars(organisation: OrganisationActivity) -> dict[str, Bars]:
    months = [(f"{m.month:%b %Y}", m.repositories) for m in organisation.new_repositories]
    weeks = [
        (f"Week of {p.date:%b} {p.date.day}, {p.date:%Y}", p.gained)
        for p in organisation.stars_gained
    ]
    return {
        "new_repositories": bar_chart(
            values=months,
            title="New repositories a month, last 24 months",
            chart_id="org-new-repositories",
            unit="new repositories",
        ),
        "stars_gained": bar_chart(
            values=weeks,
            title="Stars gained a week, last year",
            chart_id="org-stars-gained",
            unit="stars gained",
        ),
    }


def _url(page_url: str, params: dict[str, str]) -> str:
    return f"{page_url}?{urlencode(params)}" if params else page_url
