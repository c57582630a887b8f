"""Template tags for figures, moments, safe GitHub links and the SVG charts.

{% load gitpulse %}
  {{ 1234|compact }}            → 1.2k
  {{ change|signed }}           → +12 / (minus sign)3 / 0
  {% moment account.fetched_at %}
        → <time datetime="…" title="2026-11-22 14:03 UTC" data-relative>today, 14:03 UTC</time>
          (static/js/times.js tells it as "12 minutes ago" in the browser)
  {% row_url "account_dashboard" row.login %}   → {% url %} for links in every row of a table
  {% history_chart history "total_stars" login %}, {% account_chart charts "followers" login %},
  {% sparkline values label %}, {{ charts.gaps|missing_days_note }}
  {% language_chart shares chart_id title unit %}   → SVG drawn by github_stats/ui/svg.py
  {% card_embeds login repo as embeds %}   → the embed panel's cards, previews and snippets
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template.defaultfilters import stringfilter, truncatechars
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from github_stats.models import today_utc
from github_stats.selectors.account_history import AccountCharts, HistoryGaps
from github_stats.selectors.card_kinds import card_kinds
from github_stats.selectors.dashboard import (
    METRIC_CHART_LABELS,
    History,
    Metric,
)
from github_stats.selectors.repositories import RepoQuery, RepoSort
from github_stats.ui import charts, svg
from github_stats.ui.formatting import (
    compact_number,
    exact_time,
    missing_days_sentence,
    moment_text,
    signed_compact,
)
from github_stats.ui.heatmap import Bars, Heatmap
from github_stats.ui.languages import LANGUAGE_COLORS, LanguageShare

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


@register.filter(is_safe=True)
@stringfilter
def shortened(value: str, length: int) -> str:
    """Django's truncatechars, without its walk through every character where it would change
    nothing: ASCII text that fits, as most descriptions and bios are (25 µs against 0.1, a
    dashboard's 20 rows)."""
    if len(value) <= length and value.isascii():
        return value
    return truncatechars(value, length)


@register.simple_tag
def language_dot(name: str) -> SafeString:
    """A repository's primary language as a dot of GitHub's colour for it (ui/svg.py)."""
    return _drawn(svg.language_dot_svg(LANGUAGE_COLORS.get(name, "")))


@register.simple_tag
def moment(value: datetime | None, empty: str = "never") -> SafeString | str:
    """A moment, written so that it stays right all day in a cached page; the exact UTC time on
    hover and in `datetime` for machines (and for static/js/times.js)."""
    if value is None:
        return empty
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return format_html(
        '<time datetime="{}" title="{}" data-relative>{}</time>',
        value.astimezone(UTC).isoformat(timespec="seconds"),
        exact_time(value),
        moment_text(value, today_utc()),
    )


def _drawn(markup: str) -> SafeString:
    # ui/svg.py escapes every string it is given (the chart tests feed it <script>).
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703


@register.simple_tag
def row_url(name: str, *args: object) -> str:
    """`{% url %}` for the links repeated in every row of a table (fifty on a watchlist):
    reverse() costs ~25 µs a call and its answer depends only on these arguments, the script
    prefix and the URLconf, so it is remembered."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF  # what reverse() would use, in the key
    return _reversed(get_script_prefix(), urlconf, name, tuple(str(arg) for arg in args))


@lru_cache(maxsize=8192)
def _reversed(prefix: str, urlconf: str | None, name: str, args: tuple[str, ...]) -> str:
    return reverse(name, args=args, urlconf=urlconf)


@register.simple_tag
def history_chart(history: History, metric: Metric, login: str) -> SafeString:
    """One metric of an account's history as a line chart with axes and an accessible title."""
    label = METRIC_CHART_LABELS[metric]
    chart = charts.line_chart(
        chart_id=f"history-{metric}",
        title=f"{label} of {login} {_over(history.days)}",
        series=[history.series(metric, label)],
    )
    return _drawn(svg.line_chart_svg(chart))


# Why a dashboard chart is empty, or a lone dot, where the snapshots' reasons do not apply.
_NOTES: dict[str, tuple[str, str]] = {
    "stars-history": (
        "No dated stars yet: GitHub attributes none of them to a day.",
        "One day so far: the first star was given today.",
    ),
    "public_repos": (
        "No repositories: each one is counted from the day it was created.",
        "One day so far: the first repository was created today.",
    ),
}


@register.simple_tag
def account_chart(account_charts: AccountCharts, metric: Metric, login: str) -> SafeString:
    """One chart of the dashboard's history panel (selectors/account_history.py): stars from
    the summed star history (or the snapshots until there is one), followers from the
    snapshots, public repositories by creation date. The snapshots' lines break at the days
    they lack."""
    label = METRIC_CHART_LABELS[metric]
    breaks = account_charts.gaps.breaks
    if metric == "total_stars":
        points = account_charts.stars.points
        notes = "stars-history" if account_charts.stars.from_history else ""
        if account_charts.stars.from_history:
            breaks = []  # a sum of star histories has every day
    elif metric == "public_repos":
        points, notes, breaks = account_charts.repositories, "public_repos", []
    else:
        points, notes = account_charts.followers, ""
    empty, one_point = _NOTES.get(notes, (charts.EMPTY_HISTORY, charts.ONE_DAY_SO_FAR))
    chart = charts.line_chart(
        chart_id=f"history-{metric}",
        title=f"{label} of {login} {_over(account_charts.days)}",
        series=[charts.Series(label, points, missing=breaks)],
        empty_note=empty,
        one_point_note=one_point,
    )
    return _drawn(svg.line_chart_svg(chart))


@register.filter
def missing_days_note(gaps: HistoryGaps) -> str:
    """The sentence under a snapshot chart: which days have no figures ("" when none)."""
    return missing_days_sentence(gaps.days, named=gaps.named)


def _over(days: int | None) -> str:
    return "over its whole history" if days is None else f"over the last {days} days"


@register.simple_tag
def line_chart(chart: charts.LineChart) -> SafeString:
    return _drawn(svg.line_chart_svg(chart))


@register.simple_tag
def figure_sparkline(history: History, metric: Metric, days: int = 30) -> SafeString | str:
    """The last `days` days of one metric as a sparkline (for a figure card); nothing for less
    than two days."""
    values = history.values(metric)[-(days + 1) :]
    if len(values) < 2:
        return ""
    label = f"{METRIC_CHART_LABELS[metric]} over the last {days} days"
    return _drawn(svg.sparkline_svg(charts.sparkline(values, label=label, width=96, height=28)))


@register.simple_tag
def sparkline(values: list[int], label: str) -> SafeString:
    return _drawn(svg.sparkline_svg(charts.sparkline(values, label=label)))


@register.simple_tag
def activity_bars(bars: Bars) -> SafeString:
    return _drawn(svg.bars_svg(bars))


@register.simple_tag
def activity_heatmap(heat: Heatmap) -> SafeString:
    return _drawn(svg.heatmap_svg(heat))


@register.simple_tag
def language_chart(shares: list[LanguageShare], chart_id: str, title: str, unit: str) -> SafeString:
    """A stacked bar of language shares with a legend; `unit` is "bytes" or "repos"."""
    bar = charts.language_bar(chart_id=chart_id, title=title, slices=shares, unit=unit)
    return _drawn(svg.language_bar_html(bar))


@register.simple_tag
def dashboard_url(page_url: str, query: RepoQuery, history_days: int | None, **changes: Any) -> str:
    """The dashboard with the table and the history in this state, some of it changed:
    `{% dashboard_url page_url repos.query history_days sort="name" page=1 %}`. Defaults are
    left out, so every link is short and shareable."""
    return query.dashboard_url(page_url, history_days=history_days, **changes)


@register.simple_tag
def sort_url(page_url: str, query: RepoQuery, history_days: int | None, sort: RepoSort) -> str:
    """A column header's link: sort by it, or on the column already sorted, the other way."""
    return query.dashboard_url(page_url, history_days=history_days, **query.toggled(sort))


# --- Embeddable cards (templates/github_stats/includes/embed_panel.html) ----------------------


@dataclass(frozen=True)
class CardEmbed:
    """One card of the embed panel: its previews (this site's own path, which the page's CSP
    allows) and the snippets a README author copies (the site's public address)."""

    label: str
    alt: str
    preview: str
    preview_dark: str
    url: str
    markdown: str
    html: str


@register.simple_tag(takes_context=True)
def card_embeds(context: template.Context, login: str, repo: str = "") -> list[CardEmbed]:
    """The cards of an account (or of its repository `repo`), from the registry of kinds
    (selectors/card_kinds.py). The same for everyone: only names and this site's address."""
    if not settings.CARDS_ENABLED or not login:
        return []
    request = context.get("request")
    base = settings.PUBLIC_BASE_URL
    if not base and request is not None:
        base = request.build_absolute_uri("/").rstrip("/")
    name = f"{login}/{repo}" if repo else login
    embeds = []
    for kind in card_kinds(scope="repository" if repo else "account"):
        if repo:
            path = reverse(
                "repository_card", kwargs={"owner": login, "repo": repo, "kind": kind.name}
            )
        else:
            path = reverse("account_card", kwargs={"login": login, "kind": kind.name})
        url, alt = f"{base}{path}", kind.alt(name)
        # Logins and repository names are [A-Za-z0-9._-] (github/names.py): nothing in them
        # needs escaping in Markdown; the HTML snippet is escaped as HTML anyway.
        markdown = f"[![{alt}]({url})](https://github.com/{name})"
        html = format_html(
            '<a href="https://github.com/{}"><picture>'
            '<source media="(prefers-color-scheme: dark)" srcset="{}?theme=dark">'
            '<img src="{}" alt="{}"></picture></a>',
            name,
            url,
            url,
            alt,
        )
        embeds.append(
            CardEmbed(kind.label, alt, path, f"{path}?theme=dark", url, markdown, str(html))
        )
    return embeds
