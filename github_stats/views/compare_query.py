"""The compare page's state, as its URL has it (/compare/?logins=a,b&metric=&days=&scale=):
parsed leniently (anything unknown is its default, never an error) and written back in one
canonical form, so the same comparison is one shareable URL (views/compare.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from github_stats.github.errors import InvalidName
from github_stats.github.names import validate_login
from github_stats.selectors.dashboard import DEFAULT_HISTORY_DAYS, HISTORY_RANGES, Metric

MIN_ACCOUNTS = 2
MAX_ACCOUNTS = 4
# More than this many characters of ?logins= is not a list of four logins.
MAX_LOGINS_PARAM = 400
# ?metric= names the compared metric (its label: METRIC_CHART_LABELS).
METRICS: dict[str, Metric] = {
    "stars": "total_stars",
    "followers": "followers",
    "repos": "public_repos",
}
DEFAULT_METRIC = "stars"
SCALES = ("auto", "linear", "log")


@dataclass(frozen=True)
class CompareQuery:
    """The page's state as the URL has it. `logins` is canonical (see the module docstring);
    `invalid` holds what was not a login, `left_out` the logins past the fourth."""

    logins: tuple[str, ...] = ()
    metric: str = DEFAULT_METRIC
    days: int = DEFAULT_HISTORY_DAYS
    invalid: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    scale: str = "auto"  # auto (log when the accounts differ widely) | linear | log

    @classmethod
    def parse(cls, params: Any) -> CompareQuery:
        raw = ",".join(params.getlist("logins"))[:MAX_LOGINS_PARAM]
        valid: list[str] = []
        invalid: list[str] = []
        for part in re.split(r"[,\s]+", raw):
            if not part:
                continue
            try:
                valid.append(validate_login(part.removeprefix("@")).lower())
            except InvalidName:
                invalid.append(part[:60])
        logins = tuple(dict.fromkeys(valid))  # the person's order, each once
        metric = params.get("metric", DEFAULT_METRIC)
        try:
            days = int(params.get("days", DEFAULT_HISTORY_DAYS))
        except (TypeError, ValueError):
            days = DEFAULT_HISTORY_DAYS
        scale = params.get("scale", "auto")
        return cls(
            scale=scale if scale in SCALES else "auto",
            logins=logins[:MAX_ACCOUNTS],
            metric=metric if metric in METRICS else DEFAULT_METRIC,
            days=days if days in HISTORY_RANGES else DEFAULT_HISTORY_DAYS,
            invalid=tuple(invalid),
            left_out=logins[MAX_ACCOUNTS:],
        )

    def with_logins(self, logins: tuple[str, ...] | list[str]) -> CompareQuery:
        return replace(self, logins=tuple(dict.fromkeys(logins))[:MAX_ACCOUNTS], left_out=())

    def url(self, *, add: str = "", **changes: Any) -> str:
        """The canonical URL of this state (defaults left out, so short links stay short);
        `add` asks for one more account (the add box's parameter)."""
        state = replace(self, **changes) if changes else self
        params: dict[str, str] = {}
        if state.logins:
            params["logins"] = ",".join(state.logins)
        if state.metric != DEFAULT_METRIC:
            params["metric"] = state.metric
        if state.days != DEFAULT_HISTORY_DAYS:
            params["days"] = str(state.days)
        if state.scale != "auto":
            params["scale"] = state.scale
        if add:
            params["add"] = add
        base = reverse("compare")
        # Commas stay readable in a shared link.
        return f"{base}?{urlencode(params, safe=',')}" if params else base
