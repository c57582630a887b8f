"""The compare page (/compare/?logins=a,b): two to four accounts side by side, with HTMX to add
and remove accounts and to change the history chart.

The whole state is in the URL, so a comparison can be shared. The URL is canonical: logins in
lower case, each once, in alphabetical order (the same set is one URL, and each account keeps
its colour); a full-page request for any other spelling is redirected, an htmx one gets the
canonical URL pushed (HX-Push-Url). Accounts we do not store yet get a refresh queued through
the services and show as pending; the page polls their jobs (`job=<id>` in the poll URL, so a
failed job is reported rather than queued again on every poll).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from github_stats.caching import CachedResponse, Shown
from github_stats.github.errors import InvalidName
from github_stats.github.names import parse_search, validate_login
from github_stats.models import JobStatus, RefreshJob
from github_stats.selectors.accounts import Profile, refresh_job_get
from github_stats.selectors.compare import Comparison, accounts_comparison
from github_stats.selectors.dashboard import (
    DEFAULT_HISTORY_DAYS,
    HISTORY_RANGES,
    METRIC_CHART_LABELS,
    Figure,
    Metric,
)
from github_stats.selectors.watchlist import watchlist_profiles
from github_stats.ui.charts import Series, line_chart
from github_stats.views.fetching import refresh_queue
from github_stats.views.htmx import HtmxHttpRequest, login_required_htmx
from github_stats.views.problems import Problem, job_problem

TEMPLATE = "github_stats/compare.html"
MIN_ACCOUNTS = 2
MAX_ACCOUNTS = 4
# More than this many characters of ?logins= is not a list of four logins.
MAX_LOGINS_PARAM = 400
POLL_SECONDS = 2
# ?metric= names the compared metric (its label: METRIC_CHART_LABELS).
METRICS: dict[str, Metric] = {
    "stars": "total_stars",
    "followers": "followers",
    "repos": "public_repos",
}
DEFAULT_METRIC = "stars"


@dataclass(frozen=True)
class CompareQuery:
    """The page's state as the URL has it. `logins` is canonical (see the module docstring);
    `invalid` holds what was not a login, `too_many` says more than four were asked for."""

    logins: tuple[str, ...] = ()
    metric: str = DEFAULT_METRIC
    days: int = DEFAULT_HISTORY_DAYS
    invalid: tuple[str, ...] = ()
    too_many: bool = False

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
        logins = tuple(sorted(set(valid)))
        metric = params.get("metric", DEFAULT_METRIC)
        try:
            days = int(params.get("days", DEFAULT_HISTORY_DAYS))
        except (TypeError, ValueError):
            days = DEFAULT_HISTORY_DAYS
        return cls(
            logins=logins[:MAX_ACCOUNTS],
            metric=metric if metric in METRICS else DEFAULT_METRIC,
            days=days if days in HISTORY_RANGES else DEFAULT_HISTORY_DAYS,
            invalid=tuple(invalid),
            too_many=len(logins) > MAX_ACCOUNTS,
        )

    def with_logins(self, logins: tuple[str, ...] | list[str]) -> CompareQuery:
        return replace(self, logins=tuple(sorted(set(logins)))[:MAX_ACCOUNTS])

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
        if add:
            params["add"] = add
        base = reverse("compare")
        # Commas stay readable in a shared link.
        return f"{base}?{urlencode(params, safe=',')}" if params else base


@dataclass(frozen=True)
class Pending:
    """An account asked for that we do not store: its refresh in flight, or why there is none
    (`problem`), or what holds it back (`waiting`: GitHub's rate limit)."""

    login: str
    job: RefreshJob | None = None
    problem: Problem | None = None
    waiting: str = ""


@dataclass(frozen=True)
class FigureRow:
    label: str
    cells: list[tuple[Figure, bool]] = field(default_factory=list)  # (figure, leads)


def _pending(request: HtmxHttpRequest, login: str, jobs: dict[str, RefreshJob]) -> Pending:
    """The poll names the job it watches: a finished one is reported, not queued again."""
    job = jobs.get(login)
    if job is None:
        job, problem = refresh_queue(request, login)
        if job is None:
            return Pending(login, problem=problem)
    if job.status == JobStatus.FAILED:
        problem = job_problem(job)
        if job.error_code == "not_found":
            problem = Problem("not_found", login, f"GitHub has no account called {login}.")
        return Pending(login, problem=problem)
    if job.status == JobStatus.SUCCEEDED:
        return Pending(login, job=job)
    waiting = job.error if job.is_rate_limited else ""
    return Pending(login, job=job, waiting=waiting)


def _jobs_named(request: HtmxHttpRequest) -> dict[str, RefreshJob]:
    jobs: dict[str, RefreshJob] = {}
    for job_id in request.GET.getlist("job")[:MAX_ACCOUNTS]:
        job = refresh_job_get(job_id=job_id)
        if job is not None:
            jobs[job.login] = job
    return jobs


def _figure_rows(comparison: Comparison) -> list[FigureRow]:
    if not comparison.accounts:
        return []
    rows = []
    for index, first in enumerate(comparison.accounts[0].figures):
        figures = [account.figures[index] for account in comparison.accounts]
        best = max(figure.value for figure in figures)
        leads = len(figures) >= MIN_ACCOUNTS and best > 0
        rows.append(
            FigureRow(
                label=first.label,
                cells=[(figure, leads and figure.value == best) for figure in figures],
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
    chart_title = f"{metric_label} of {logins} over the last {query.days} days"

    def remove(login: str) -> str:
        return query.url(logins=tuple(x for x in query.logins if x != login.lower()))

    return {
        "query": query,
        "accounts": accounts,
        "pending": pending,
        "figure_rows": _figure_rows(comparison),
        "metric_label": metric_label,
        "metrics": [
            (key, METRIC_CHART_LABELS[metric], query.url(metric=key))
            for key, metric in METRICS.items()
        ],
        "ranges": [(days, query.url(days=days)) for days in HISTORY_RANGES],
        "languages_unit": "bytes" if by_bytes else "repos",
        "chips": [(a.profile.login, remove(a.profile.login)) for a in accounts],
        "pending_chips": [(p, remove(p.login)) for p in pending],
        # SVG text scales with the drawing: one drawing for wide screens and one for phones
        # (CSS shows one), so the axis labels stay readable on both.
        "charts": [
            line_chart(
                chart_id=f"compare-history-{size}",
                title=chart_title,
                series=series,
                width=width,
                height=height,
            )
            for size, width, height in (("wide", 720, 280), ("narrow", 340, 240))
        ],
        "can_add": len(query.logins) < MAX_ACCOUNTS,
        "max_accounts": MAX_ACCOUNTS,
        **extra,
    }


_CANNOT = "Some of these cannot be compared"


def _problem(query: CompareQuery, comparison: Comparison | None) -> Problem | None:
    """What is wrong with the asked-for list (its status is the page's)."""
    if query.invalid:
        names = ", ".join(repr(name) for name in query.invalid[:3])
        verb = "is not a GitHub login" if len(query.invalid) == 1 else "are not GitHub logins"
        message = f"{names} {verb}: use 1 to 39 letters, digits or single hyphens."
        return Problem("invalid", _CANNOT, message)
    if query.too_many:
        message = (
            f"Compare at most {MAX_ACCOUNTS} accounts at a time. Showing the first "
            f"{MAX_ACCOUNTS} in alphabetical order."
        )
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
    clean = not add_error and _problem(query, None) is None
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
    jobs = _jobs_named(request) if to_fetch else {}
    pending = [_pending(request, login, jobs) for login in to_fetch]
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
