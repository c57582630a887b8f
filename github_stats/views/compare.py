"""The compare page (/compare/?logins=a,b): two to four accounts side by side, with HTMX to add
and remove accounts and to change the history chart.

The whole state is in the URL, so a comparison can be shared. The URL is canonical: logins in
lower case, each once, in the order the person gave them (each keeps its place and its colour);
a full-page request for any other spelling is redirected, an htmx one gets the canonical URL
pushed (HX-Push-Url). More than four: the first four are compared and the page names the rest.
Accounts we do not store yet get a refresh queued through the services and show as pending, in
their place; the page polls their jobs (`job=<id>` in the poll URL, so a
failed job is reported rather than queued again on every poll).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from github_stats.caching import CachedResponse, Shown
from github_stats.github.errors import InvalidName
from github_stats.github.names import parse_search
from github_stats.models import JobStatus
from github_stats.selectors.accounts import Profile
from github_stats.selectors.compare import Comparison, accounts_comparison
from github_stats.selectors.dashboard import (
    HISTORY_RANGES,
    METRIC_CHART_LABELS,
    Figure,
)
from github_stats.selectors.watchlist import watchlist_profiles
from github_stats.ui.charts import Series, line_chart, wide_spread
from github_stats.views.compare_query import (
    MAX_ACCOUNTS,
    METRICS,
    MIN_ACCOUNTS,
    CompareQuery,
)
from github_stats.views.fetching import Pending, jobs_polled, pending_fetch
from github_stats.views.htmx import HtmxHttpRequest, login_required_htmx
from github_stats.views.problems import Problem

TEMPLATE = "github_stats/compare.html"
POLL_SECONDS = 2


@dataclass(frozen=True)
class FigureRow:
    label: str
    cells: list[tuple[Figure, bool]] = field(default_factory=list)  # (figure, leads)


# Figures where more is better: only these mark their highest ("the most Following" means
# nothing).
_RANKED = frozenset({"followers", "public_repos", "total_stars", "total_forks"})


def _figure_rows(comparison: Comparison) -> list[FigureRow]:
    if not comparison.accounts:
        return []
    rows = []
    for index, first in enumerate(comparison.accounts[0].figures):
        figures = [account.figures[index] for account in comparison.accounts]
        best = max(figure.value for figure in figures)
        leads = len(figures) >= MIN_ACCOUNTS and best > 0 and first.key in _RANKED
        rows.append(
            FigureRow(
                label=first.label,
                cells=[(figure, leads and figure.value == best) for figure in figures],
            )
        )
    return rows


@dataclass(frozen=True)
class ActivityRow:
    label: str
    cells: list[tuple[int | None, str, bool]] = field(default_factory=list)  # value, why not, leads


_ACTIVITY_ROWS = (
    ("this_year", "Contributions this year"),
    ("last_year", "Contributions last year"),
    ("all_time", "All-time contributions"),
    ("current_streak", "Current streak, days"),
    ("longest_streak", "Longest streak, days"),
)


def _activity_rows(comparison: Comparison) -> list[ActivityRow]:
    """The contribution figures beneath the others, when a user is compared (organisations
    have none: their cells say why, as do users whose calendar is not stored yet)."""
    figures = [comparison.activity_of(a.profile.login) for a in comparison.accounts]
    if all(one.missing == "organisation" for one in figures):
        return []
    rows = []
    for name, label in _ACTIVITY_ROWS:
        values = [getattr(one, name) for one in figures]
        best = max((v for v in values if v is not None), default=0)
        leads = sum(v is not None for v in values) >= MIN_ACCOUNTS and best > 0
        rows.append(
            ActivityRow(
                label,
                [
                    (value, one.reason, leads and value == best)
                    for value, one in zip(values, figures, strict=True)
                ],
            )
        )
    return rows


def _history_series(comparison: Comparison, metric: str) -> list[Series]:
    return [a.history.series(METRICS[metric], a.profile.login) for a in comparison.accounts]


def _context(
    query: CompareQuery, comparison: Comparison, pending: list[Pending], **extra: Any
) -> dict[str, Any]:
    accounts = comparison.accounts
    # One measure for every account, or the bars would not compare: bytes only if all have them.
    by_bytes = bool(accounts) and all(a.languages.by_bytes for a in accounts)
    metric_key = METRICS[query.metric]
    metric_label = METRIC_CHART_LABELS[metric_key]
    series = _history_series(comparison, query.metric)
    logins = ", ".join(a.profile.login for a in accounts)
    log = query.scale == "log" or (query.scale == "auto" and wide_spread(series))
    chart_title = f"{metric_label} of {logins} over the last {query.days} days"
    if log:
        chart_title += " (log scale)"

    def remove(login: str) -> str:
        return query.url(logins=tuple(x for x in query.logins if x != login.lower()))

    return {
        "query": query,
        "accounts": accounts,
        "pending": pending,
        "figure_rows": _figure_rows(comparison),
        "activity_rows": _activity_rows(comparison),
        "metric_label": metric_label,
        "metrics": [
            (key, METRIC_CHART_LABELS[metric], query.url(metric=key))
            for key, metric in METRICS.items()
        ],
        "ranges": [(days, query.url(days=days)) for days in HISTORY_RANGES],
        "languages_unit": "bytes" if by_bytes else "repos",
        "chips": _chips(query, comparison, pending, remove),
        # SVG text scales with the drawing: one drawing for wide screens and one for phones
        # (CSS shows one), so the axis labels stay readable on both.
        "charts": [
            line_chart(
                chart_id=f"compare-history-{size}",
                title=chart_title,
                series=series,
                width=width,
                height=height,
                log=log,
            )
            for size, width, height in (("wide", 720, 280), ("narrow", 340, 240))
        ],
        "log_scale": log,
        "log_scale_chosen": log and query.scale == "auto",
        "scales": [
            ("linear", "Linear", query.url(scale="linear")),
            ("log", "Log", query.url(scale="log")),
        ],
        "can_add": len(query.logins) < MAX_ACCOUNTS,
        "max_accounts": MAX_ACCOUNTS,
        **extra,
    }


@dataclass(frozen=True)
class Chip:
    """One account of the comparison, in the order the person gave: shown (`slot`: its colour
    in the chart, 1-based) or `pending` (being fetched, or why it cannot be)."""

    login: str
    remove_url: str
    slot: int = 0
    pending: Pending | None = None


def _chips(
    query: CompareQuery,
    comparison: Comparison,
    pending: list[Pending],
    remove: Callable[[str], str],
) -> list[Chip]:
    shown = {a.profile.login.lower(): (index, a) for index, a in enumerate(comparison.accounts)}
    waiting = {p.login.lower(): p for p in pending}
    chips = []
    for login in query.logins:
        if login in shown:
            index, account = shown[login]
            chips.append(Chip(account.profile.login, remove(login), slot=index + 1))
        elif login in waiting:
            chips.append(Chip(waiting[login].login, remove(login), pending=waiting[login]))
    return chips


_CANNOT = "Some of these cannot be compared"


def _problem(query: CompareQuery, comparison: Comparison | None) -> Problem | None:
    """What is wrong with the asked-for list (its status is the page's)."""
    if query.invalid:
        names = ", ".join(repr(name) for name in query.invalid[:3])
        verb = "is not a GitHub login" if len(query.invalid) == 1 else "are not GitHub logins"
        message = f"{names} {verb}: use 1 to 39 letters, digits or single hyphens."
        return Problem("invalid", _CANNOT, message)
    if comparison is not None and comparison.hidden:
        names, verb = ", ".join(comparison.hidden), "is" if len(comparison.hidden) == 1 else "are"
        message = f"{names} {verb} not available: hidden by the operators of this site."
        return Problem("hidden", _CANNOT, message)
    return None


def _add(query: CompareQuery, text: str) -> tuple[CompareQuery, str]:
    """The add form's text (a login, @login or a github.com URL), validated before anything
    else; a message for a person when it cannot be added."""
    try:
        target = parse_search(text[:200])
    except InvalidName as exc:
        return query, exc.message
    if target.kind != "account":
        return query, f"{target.full_name} is a repository: compare takes accounts."
    login = target.login.lower()
    if login in query.logins:
        return query, f"{target.login} is already in the comparison."
    if len(query.logins) >= MAX_ACCOUNTS:
        return query, f"Compare at most {MAX_ACCOUNTS} accounts: remove one first."
    return query.with_logins((*query.logins, login)), ""


def _left_out_notice(query: CompareQuery) -> str:
    """What the page says when more than four were asked for: which four, and who was not."""
    if not query.left_out:
        return ""
    shown, rest = ", ".join(query.logins), ", ".join(query.left_out)
    return (
        f"Compare at most {MAX_ACCOUNTS} accounts at a time: comparing {shown}, the first "
        f"{MAX_ACCOUNTS} you gave. Left out: {rest}."
    )


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def compare(request: HtmxHttpRequest) -> HttpResponse:
    query = CompareQuery.parse(request.GET)
    add_text = request.GET.get("add", "").strip()
    add_error = ""
    if add_text:
        query, add_error = _add(query, add_text)
    elif "add" in request.GET:
        add_error = "Type a GitHub login to add."

    canonical = query.url()
    is_poll = bool(request.GET.getlist("job"))
    # A list cut to four is shown where it was asked for, with the notice naming the rest.
    clean = not add_error and _problem(query, None) is None and not query.left_out
    if not request.htmx and clean and not is_poll and unquote(request.get_full_path()) != canonical:
        return redirect(canonical)

    cached = CachedResponse(
        request, name="compare", state=canonical, logins=query.logins, personal=True
    )
    if clean and not is_poll and (hit := cached.hit()) is not None:
        return hit
    comparison, pending, poll_url = _comparison_with_fetches(request, query, canonical)
    problem = _problem(query, comparison)
    suggestions = _quick_picks(request, query) if not problem else []
    context = _context(
        query,
        comparison,
        pending,
        poll_url=poll_url,
        poll_seconds=POLL_SECONDS,
        problem=problem,
        continue_url=query.url(logins=tuple(a.profile.login.lower() for a in comparison.accounts))
        if problem
        else "",
        add_error=add_error,
        add_text=add_text if add_error else "",
        suggestions=suggestions,
        left_out_notice=_left_out_notice(query),
    )
    status = HTTPStatus.BAD_REQUEST if add_error else (problem.status if problem else HTTPStatus.OK)

    if request.htmx and not request.htmx.history_restore_request:
        target = request.htmx.target
        partial = "history" if target == "compare-history" and not pending else "body"
        # htmx ignores error bodies by default: the message is the fragment, sent as a 200.
        response = TemplateResponse(request, f"{TEMPLATE}#{partial}", context)
        return response if is_poll else push_url(response, canonical)
    response = TemplateResponse(request, TEMPLATE, context, status=status)
    if status == HTTPStatus.OK and not pending:
        cached.store(response, shown=[Shown.of(account.profile) for account in comparison.accounts])
    return response


def _comparison_with_fetches(
    request: HtmxHttpRequest, query: CompareQuery, canonical: str
) -> tuple[Comparison, list[Pending], str | None]:
    """The stored accounts, a refresh queued for each we do not have yet, and the URL that
    polls those in flight (None: nothing to wait for)."""
    comparison = accounts_comparison(logins=query.logins, days=query.days)
    # Bad input fetches nothing from GitHub: the message and the stored accounts only.
    to_fetch = [] if _problem(query, None) else comparison.unknown
    jobs = jobs_polled(request, limit=MAX_ACCOUNTS) if to_fetch else {}
    pending = [pending_fetch(request, login, jobs) for login in to_fetch]
    if any(p.job is not None and p.job.status == JobStatus.SUCCEEDED for p in pending):
        # Inline tasks (no worker) finish inside refresh_request: read the new accounts now.
        comparison = accounts_comparison(logins=query.logins, days=query.days)
        pending = [p for p in pending if p.login in comparison.unknown]
    in_flight = [p for p in pending if p.job is not None and p.job.is_in_flight]
    if not in_flight:
        return comparison, pending, None
    job_params = urlencode([("job", str(p.job.pk)) for p in in_flight if p.job is not None])
    return comparison, pending, f"{canonical}{'&' if '?' in canonical else '?'}{job_params}"


def _quick_picks(request: HtmxHttpRequest, query: CompareQuery) -> list[tuple[Profile, str]]:
    """What this person watches, on a page with too few accounts to compare (one query), each
    with the URL of this comparison with it added."""
    if len(query.logins) >= MIN_ACCOUNTS:
        return []
    watched = watchlist_profiles(user=request.user)
    picks = [profile for profile in watched if profile.login.lower() not in query.logins][:8]
    return [(profile, query.url(add=profile.login)) for profile in picks]
