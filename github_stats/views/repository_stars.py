"""The repository page's star-history panel (#stars): its state in the URL (`range`, `scale`),
the series it reads (one query) and what the panel says about it.

Ranges of 30 and 90 days are drawn a bar a day, a year and the whole life a bar a week. The
scale is "auto" unless asked: log when the cumulative line spans LOG_SPREAD times or more and
ends at LOG_MIN_TOTAL stars or more (ui/star_charts.wants_log), else linear.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from github_stats.models import Repository, today_utc
from github_stats.selectors.star_history import Interval, StarSeries, repository_star_history
from github_stats.ui.star_charts import star_chart, wants_log

RANGES: dict[str, tuple[str, int | None, Interval]] = {
    # key: (label, days, bucket)
    "30": ("30 days", 30, "day"),
    "90": ("90 days", 90, "day"),
    "365": ("1 year", 365, "week"),
    "all": ("All time", None, "week"),
}
DEFAULT_RANGE = "all"
SCALES = ("auto", "linear", "log")
# The panel asks again this often while the history is being fetched.
STARS_POLL_SECONDS = 5


@dataclass(frozen=True)
class StarsQuery:
    """The panel's state as the URL has it; anything unknown is its default, never an error."""

    range: str = DEFAULT_RANGE
    scale: str = "auto"

    @classmethod
    def parse(cls, params: Any) -> StarsQuery:
        wanted_range, scale = params.get("range", DEFAULT_RANGE), params.get("scale", "auto")
        return cls(
            range=wanted_range if wanted_range in RANGES else DEFAULT_RANGE,
            scale=scale if scale in SCALES else "auto",
        )

    def params(self) -> dict[str, str]:
        params = {}
        if self.range != DEFAULT_RANGE:
            params["range"] = self.range
        if self.scale != "auto":
            params["scale"] = self.scale
        return params

    def state(self) -> str:
        return urlencode(self.params())

    def url(self, page_url: str, **changes: str) -> str:
        query = urlencode(replace(self, **changes).params() if changes else self.params())
        return f"{page_url}?{query}" if query else page_url


def stars_panel(
    *,
    repository: Repository,
    full_name: str,
    query: StarsQuery,
    page_url: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """What the #stars partial shows. One query (the series)."""
    now = now or timezone.now()
    label, days, interval = RANGES[query.range]
    start = today_utc(now) - timedelta(days=days - 1) if days else None
    series = repository_star_history(repository=repository, interval=interval, start=start, now=now)
    log_chosen = query.scale == "auto" and wants_log(series.points)
    log = query.scale == "log" or log_chosen
    state = _state(series)
    chart = None
    if state == "chart":
        title = f"Stars of {full_name}, {label.lower()}" + (" (log scale)" if log else "")
        chart = star_chart(
            chart_id="star-history", title=title, points=series.points, interval=interval, log=log
        )
    points = series.points
    return {
        "stars_query": query,
        # The line's last point: every star GitHub attributes to a day (the series' attributed).
        "stars_last_total": f"{points[-1].total:,}" if points else "0",
        "stars_gained": f"{sum(point.gained for point in points):+,}",
        "stars_first_day": points[0].date if points else None,
        "stars_series": series,
        "stars_state": state,
        "stars_chart": chart,
        "stars_range_label": label,
        "stars_interval": interval,
        "stars_log": log,
        "stars_log_chosen": log_chosen,
        # Asked again (the same panel URL) until the fetch is done: the new markup has no poller.
        "stars_poll": state == "fetching",
        "stars_poll_seconds": STARS_POLL_SECONDS,
        "stars_url": query.url(page_url),
        "stars_ranges": [
            (key, text, query.url(page_url, range=key), key == query.range)
            for key, (text, _, _) in RANGES.items()
        ],
        "stars_scales": [
            ("linear", "Linear", query.url(page_url, scale="linear"), not log),
            ("log", "Log", query.url(page_url, scale="log"), log),
        ],
    }


def _state(series: StarSeries) -> str:
    """chart: a history to draw; none: no stars at all; fetching: stars, no history yet and a
    fill on its way (the panel polls); refused: GitHub would not give it (retried later);
    later: a later refresh brings it (a fill's budget went to more-starred repositories);
    off: this server does not fetch star histories."""
    if not series.empty:
        return "chart"
    if series.stars == 0:
        return "none"
    if series.complete or series.truncated:
        return "unattributed"  # fetched, and GitHub places none of the stars on a day
    if series.pending:
        return "fetching"
    if series.error:
        return "refused"
    return "later" if settings.STAR_HISTORY_FETCH else "off"
