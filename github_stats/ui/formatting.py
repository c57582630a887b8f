"""Numbers, moments and links for people. Pure functions, shared by the template tags and the SVG
charts so a figure reads the same in a card, a table and a chart axis."""

import math
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

_SUFFIXES = ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k"))


def compact_number(value: int | float | None) -> str:
    """1234 → "1.2k", 12_345 → "12k", 1_250_000 → "1.3M"; None → "—"."""
    if value is None:
        return "—"
    number = float(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    for index, (threshold, suffix) in enumerate(_SUFFIXES):
        if number < threshold:
            continue
        scaled = _round_half_up(number / threshold, 1 if number / threshold < 10 else 0)
        # 999_950 rounds to "1000k": say "1M" instead.
        if scaled >= 1000 and index > 0:
            threshold, suffix = _SUFFIXES[index - 1]
            scaled = _round_half_up(number / threshold, 1)
        return f"{sign}{_fmt_scaled(scaled)}{suffix}"
    rounded = _round_half_up(number, 1)
    return f"{sign}{_fmt_scaled(rounded)}"


def _round_half_up(value: float, digits: int) -> float:
    factor = 10**digits
    return math.floor(value * factor + 0.5) / factor


def _fmt_scaled(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def signed_compact(value: int | None) -> str:
    """A change: "+12", "\u22123" (a real minus sign), "0"; None → "—"."""
    if value is None:
        return "—"
    if value > 0:
        return "+" + compact_number(value)
    if value < 0:
        return "\u2212" + compact_number(-value)
    return "0"


def safe_external_url(value: str | None) -> str:
    """The URL if it is http(s) and has a host, else "". A bare host ("example.com/x", as GitHub's
    blog field often is) gets https://. Anything else (javascript:, data:, mailto:) is refused."""
    if not value:
        return ""
    url = value.strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in url) or "\\" in url:
        return ""
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc and "." in url.split("/", 1)[0]:
        # "example.com:8080/x" parses with scheme "example.com"; a bare host has no "://".
        url = "https://" + url
        parts = urlsplit(url)
    elif parts.scheme and "://" not in url and "." in parts.scheme:
        url = "https://" + url
        parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url


def moment_text(moment: datetime, today: date) -> str:
    """A moment as a cached page may show it all day: "today, 14:03 UTC", "yesterday, 09:12
    UTC", "tomorrow, 00:05 UTC", else the date ("Nov 28, 2026"). The browser tells it relative
    to now (static/js/times.js); this text depends only on `today`."""
    moment = moment.astimezone(UTC)
    day = {0: "today", -1: "yesterday", 1: "tomorrow"}.get((moment.date() - today).days)
    if day is not None:
        return f"{day}, {moment:%H:%M} UTC"
    return f"{moment:%b} {moment.day}, {moment.year}"


def exact_time(moment: datetime) -> str:
    """The full timestamp shown on hover: "2026-11-22 14:03 UTC"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
