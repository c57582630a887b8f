"""Numbers, moments and links for people. Pure functions, shared by the template tags and the SVG
charts so a figure reads the same in a card, a table and a chart axis."""

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

_SUFFIXES = ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k"))
# The note under a chart names this many runs of missing days, then counts the rest.
MISSING_RUNS_NAMED = 5


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


def day_runs(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive ones: [(first, last), ...]."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def missing_days_sentence(days: Sequence[date], *, named: bool) -> str:
    """The note under a chart: "No figures for 3 days: Nov 4, Nov 6\u20137." (`named`: up to
    MISSING_RUNS_NAMED runs, then "and 4 more days"), else "No figures for 3 days."; "" when no
    day is missing."""
    if not days:
        return ""
    head = f"No figures for {_days(len(days))}"
    if not named:
        return f"{head}."
    runs = day_runs(days)
    shown = ", ".join(_run_text(first, last) for first, last in runs[:MISSING_RUNS_NAMED])
    rest = sum((last - first).days + 1 for first, last in runs[MISSING_RUNS_NAMED:])
    more = f" and {_days(rest, more=True)}" if rest else ""
    return f"{head}: {shown}{more}."


def _days(count: int, *, more: bool = False) -> str:
    return f"{count:,}{' more' if more else ''} day{'' if count == 1 else 's'}"


def _run_text(first: date, last: date) -> str:
    """A run of days: "Nov 4", "Nov 6\u20137", "Nov 30\u2013Dec 2" (an en dash, as ranges of
    days are written)."""
    start = f"{first:%b} {first.day}"
    if first == last:
        return start
    same_month = (last.year, last.month) == (first.year, first.month)
    end = str(last.day) if same_month else f"{last:%b} {last.day}"
    return f"{start}\u2013{end}"
