"""Template tags for people-friendly figures, dates and safe GitHub links.

{% load gitpulse %}
  {{ 1234|compact }}            → 1.2k
  {{ change|signed }}           → +12 / (minus sign)3 / 0
  {% reltime account.fetched_at %}
                                → <time datetime="…" title="2026-11-22 14:03 UTC">12 min ago</time>
  {{ account.blog|safe_url }}   → the URL if http(s), else ""
"""

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from github_stats.formatting import (
    compact_number,
    exact_time,
    relative_time,
    safe_external_url,
    signed_compact,
)

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
