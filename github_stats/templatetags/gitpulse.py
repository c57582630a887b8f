"""Template tags for people-friendly figures, dates and safe GitHub links.

{% load gitpulse %}
  {{ 1234|compact }}            → 1.2k
  {{ change|signed }}           → +12 / (minus sign)3 / 0
  {% reltime account.fetched_at %}
                                → <time datetime="…" title="2026-11-22 14:03 UTC">12 min ago</time>
  {{ account.blog|safe_url }}   → the URL if http(s), else ""
"""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from github_stats import charts
from github_stats.formatting import (
    compact_number,
    exact_time,
    relative_time,
    safe_external_url,
    signed_compact,
)
from github_stats.selectors import DEFAULT_HISTORY_DAYS, History, RepoQuery

register = template.Library()


@register.filter
def compact(value: int | float | None) -> str:
    try:
        return compact_number(value)
    except (TypeError, ValueError):
        return "—"


@register.filter
def signed(value: int | None) -> str:
    try:
        return signed_compact(value)
    except (TypeError, ValueError):
        return "—"


@register.filter
def trend(value: int | None) -> str:
    """A CSS modifier for a change: "up", "down" or "flat"."""
    if not isinstance(value, int) or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


@register.filter
def safe_url(value: str | None) -> str:
    return safe_external_url(value)


@register.simple_tag
def reltime(moment: datetime | None, empty: str = "never") -> SafeString | str:
    """A relative date with the exact UTC time on hover and in `datetime` for machines."""
    if moment is None:
        return empty
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    moment = moment.astimezone(UTC)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(timespec="seconds"),
        exact_time(moment),
        relative_time(moment, timezone.now()),
    )


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1%}"


# --- Charts -----------------------------------------------------------------------------------

_METRIC_LABELS = {
    "total_stars": "Stars",
    "followers": "Followers",
    "public_repos": "Repositories",
    "following": "Following",
    "total_forks": "Forks",
}


@register.simple_tag
def history_chart(history: History, metric: str, login: str) -> SafeString | str:
    """One metric of an account's history as a line chart with axes and an accessible title."""
    if metric not in _METRIC_LABELS:
        return ""
    label = _METRIC_LABELS[metric]
    return charts.line_chart(
        chart_id=f"history-{metric}",
        title=f"{label} of {login} over the last {history.days} days",
        series=[history.series(metric, label)],  # type: ignore[arg-type]
    )


@register.simple_tag
def figure_sparkline(history: History, metric: str, days: int = 30) -> SafeString | str:
    """The last `days` days of one metric as a sparkline (for a figure card)."""
    if metric not in _METRIC_LABELS or history is None:
        return ""
    values = history.values(metric)[-(days + 1) :]  # type: ignore[arg-type]
    if len(values) < 2:
        return ""
    return charts.sparkline(
        values, label=f"{_METRIC_LABELS[metric]} over the last {days} days", width=96, height=28
    )


@register.simple_tag
def language_chart(slices: list[charts.Slice], chart_id: str, title: str, unit: str) -> SafeString:
    return charts.language_chart(chart_id=chart_id, title=title, slices=slices, unit=unit)


@register.simple_tag
def sparkline(values: list[int], label: str) -> SafeString:
    return charts.sparkline(values, label=label)


@register.filter
def language_color(name: str) -> str:
    """GitHub's colour for a language ("" when we have none): for an SVG fill attribute."""
    return charts.LANGUAGE_COLORS.get(name, "")


# --- Links to the dashboard's states ------------------------------------------------------------


@register.simple_tag
def dashboard_url(page_url: str, query: RepoQuery, history_days: int, **changes: Any) -> str:
    """The dashboard with the table and the history in this state, some of it changed:
    `{% dashboard_url page_url repos.query history_days sort="name" page=1 %}`. Defaults are
    left out, so every link is short and shareable."""
    days = int(changes.pop("days", history_days))
    params = query.params(**changes)
    if days != DEFAULT_HISTORY_DAYS:
        params["days"] = str(days)
    return f"{page_url}?{urlencode(params)}" if params else page_url
