"""The repository compare page (/compare/repos/?repos=owner/a,owner/b): two to four repositories'
star histories on shared axes, aligned by date or by days since each was created, with their
figures in a table.

As on the account compare page (views/compare.py): the whole state is in the URL, which is
canonical (names in lower case, each once, in the order given; a full-page request for another
spelling is redirected); more than four: the first four are compared and the page names the
rest. A repository whose owner we do not store yet, or whose stale owner may have it since,
gets the owner's refresh queued and shows as pending; the page polls those jobs (`job=<id>`), so
a failed one is reported rather than queued again. What cannot be compared is listed with the
reason. A name that is not owner/repo is a form error (400), looked up nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from github_stats.models import JobStatus, today_utc
from github_stats.selectors.compare_repos import RepositoriesComparison, repositories_comparison
from github_stats.ui.charts import LineChart, Series, wide_spread
from github_stats.ui.formatting import compact_number
from github_stats.ui.star_compare_charts import AgeSeries, age_chart, age_label, dated_chart
from github_stats.views.compare_repos_query import MAX_REPOS, MIN_REPOS, CompareReposQuery
from github_stats.views.fetching import Pending, jobs_polled, pending_fetch
from github_stats.views.htmx import HtmxHttpRequest, login_required_htmx

TEMPLATE = "github_stats/compare_repos.html"
POLL_SECONDS = 2
# While a star history is still being fetched the page asks again this often.
STARS_POLL_SECONDS = 5


@dataclass(frozen=True)
class LeftOut:
    """A repository asked for that the comparison cannot show, and why, in words."""

    name: str
    reason: str


@dataclass(frozen=True)
class FigureRow:
    label: str
    cells: list[tuple[str, str, bool]]  # (shown, exact, leads)


@login_required_htmx
@require_GET
@vary_on_headers("HX-Request")
def compare_repos(request: HtmxHttpRequest) -> HttpResponse:
    query = CompareReposQuery.parse(request.GET)
    canonical = query.url()
    is_poll = bool(request.GET.getlist("job"))
    form_error = _form_error(query)
    clean = not form_error and not query.left_out
    if not request.htmx and clean and not is_poll and unquote(request.get_full_path()) != canonical:
        return redirect(canonical)

    owners = list(dict.fromkeys(owner for owner, _ in query.names))
    cached = CachedResponse(
        request, name="compare_repos", state=canonical, logins=owners, personal=True
    )
    if clean and not is_poll and (hit := cached.hit()) is not None:
        return hit
    comparison, pending, poll_url = _comparison_with_fetches(request, query, canonical)
    context = _context(query, comparison, pending, poll_url=poll_url, form_error=form_error)
    if request.htmx and not request.htmx.history_restore_request:
        # htmx ignores error bodies by default: the form error is in the fragment, as a 200.
        response = TemplateResponse(request, f"{TEMPLATE}#body", context)
        return response if is_poll else push_url(response, canonical)
    status = HTTPStatus.BAD_REQUEST if form_error else HTTPStatus.OK
    response = TemplateResponse(request, TEMPLATE, context, status=status)
    if status == HTTPStatus.OK and not pending and not context["stars_poll"]:
        cached.store(response, shown=[Shown.of(r.owner) for r in comparison.repositories])
    return response


def _form_error(query: CompareReposQuery) -> str:
    if not query.invalid:
        return ""
    names = ", ".join(repr(name) for name in query.invalid[:3])
    verb = "is not" if len(query.invalid) == 1 else "are not"
    return f"{names} {verb} owner/repository: for example octocat/hello-world."


def _comparison_with_fetches(
    request: HtmxHttpRequest, query: CompareReposQuery, canonical: str
) -> tuple[RepositoriesComparison, list[Pending], str | None]:
    """The stored repositories, a refresh queued for each owner that may have the rest, and the
    URL that polls those in flight (None: nothing to wait for)."""
    comparison = repositories_comparison(names=query.names)
    # Bad input fetches nothing from GitHub: the form error and what we store only.
    to_fetch = [] if query.invalid else [*comparison.unknown_owners, *comparison.stale_owners]
    jobs = jobs_polled(request, limit=MAX_REPOS) if to_fetch else {}
    pending = [pending_fetch(request, login, jobs) for login in dict.fromkeys(to_fetch)]
    if any(p.job is not None and p.job.status == JobStatus.SUCCEEDED for p in pending):
        # Inline tasks (no worker) finish inside refresh_request: read the new rows now.
        comparison = repositories_comparison(names=query.names)
        # A finished owner's repositories are compared now, or listed as left out.
        pending = [p for p in pending if p.job is None or p.job.status != JobStatus.SUCCEEDED]
    in_flight = [p for p in pending if p.job is not None and p.job.is_in_flight]
    if not in_flight:
        return comparison, pending, None
    params = urlencode([("job", str(p.job.pk)) for p in in_flight if p.job is not None])
    return comparison, pending, f"{canonical}{'&' if '?' in canonical else '?'}{params}"


def _left_out(
    query: CompareReposQuery, comparison: RepositoriesComparison, pending: list[Pending]
) -> list[LeftOut]:
    """Every name asked for that is not compared and not being fetched, with the reason."""
    fetching = {p.login for p in pending if p.problem is None}
    failed = {p.login: p.problem for p in pending if p.problem is not None}
    shown = {r.name for r in comparison.repositories}
    hidden, missing = set(comparison.hidden), set(comparison.missing)
    left = []
    for owner, name in query.names:
        full = f"{owner}/{name}"
        if (owner, name) in shown or owner in fetching:
            continue
        if (owner, name) in hidden:
            left.append(LeftOut(full, "not available: hidden by the operators of this site."))
        elif owner in failed and (problem := failed[owner]) is not None:
            left.append(LeftOut(full, problem.message))
        elif (owner, name) in missing:
            left.append(LeftOut(full, f"{owner} has no public repository called {name}."))
    left.extend(
        LeftOut(f"{owner}/{name}", f"compare at most {MAX_REPOS} repositories at a time.")
        for owner, name in query.left_out
    )
    return left


def _context(
    query: CompareReposQuery,
    comparison: RepositoriesComparison,
    pending: list[Pending],
    *,
    poll_url: str | None,
    form_error: str,
) -> dict[str, Any]:
    repositories = comparison.repositories
    charted = [r for r in repositories if not r.series.empty]
    if query.align == "age":
        lines = [AgeSeries(r.full_name, r.by_age()) for r in charted]
        log = query.scale == "log" or (
            query.scale == "auto" and wide_spread([Series(s.label, _as_dated(s)) for s in lines])
        )
    else:
        dated = [Series(r.full_name, [(p.date, p.total) for p in r.series.points]) for r in charted]
        log = query.scale == "log" or (query.scale == "auto" and wide_spread(dated))
    names = ", ".join(r.full_name for r in charted)
    axis = "by days since each was created" if query.align == "age" else "by date"
    title = f"Stars of {names}, {axis}" + (" (log scale)" if log else "")
    charts: list[LineChart] = []
    for size, width, height in (("wide", 720, 280), ("narrow", 340, 240)):
        chart_id = f"compare-stars-{size}"
        if query.align == "age":
            charts.append(
                age_chart(chart_id=chart_id, title=title, series=lines, log=log, width=width,
                          height=height)
            )  # fmt: skip
        else:
            by_date = [(one.label, one.points) for one in dated]
            charts.append(
                dated_chart(chart_id=chart_id, title=title, series=by_date, log=log, width=width,
                            height=height)
            )  # fmt: skip
    stars_poll = any(r.series.pending for r in repositories)
    slots = {r.full_name: index for index, r in enumerate(charted, start=1)}
    return {
        "query": query,
        "repositories": repositories,
        # Each with its colour on the chart (0: not drawn, no history yet).
        "compared": [(r, slots.get(r.full_name, 0)) for r in repositories],
        "pending": pending,
        "left_out": _left_out(query, comparison, pending),
        "form_error": form_error,
        "form_text": ", ".join(query.invalid) if form_error else query.text,
        "figure_rows": _figure_rows(comparison),
        "charts": charts if charted else [],
        "log_scale": log,
        "log_scale_chosen": log and query.scale == "auto",
        "aligns": [
            (key, label, query.url(align=key))
            for key, label in (("date", "By date"), ("age", "By age"))
        ],
        "scales": [
            ("linear", "Linear", query.url(scale="linear")),
            ("log", "Log", query.url(scale="log")),
        ],
        "poll_url": poll_url or (query.url() if stars_poll else None),
        "poll_seconds": POLL_SECONDS if poll_url else STARS_POLL_SECONDS,
        "stars_poll": stars_poll,
        "min_repos": MIN_REPOS,
        "max_repos": MAX_REPOS,
    }


def _as_dated(series: AgeSeries) -> list[tuple[Any, int]]:
    # wide_spread reads only the values.
    return [(day, value) for day, value in series.points]


def _figure_rows(comparison: RepositoriesComparison) -> list[FigureRow]:
    repositories = comparison.repositories
    if not repositories:
        return []

    def ranked(label: str, values: list[int]) -> FigureRow:
        best = max(values)
        leads = len(values) >= MIN_REPOS and best > 0
        return FigureRow(
            label, [(compact_number(v), f"{v:,}", leads and v == best) for v in values]
        )

    def counted(label: str, values: list[int]) -> FigureRow:
        # Compact, as on the account compare page: four columns of 1,234,567 do not fit a
        # phone. The exact figure is the cell's title and what a screen reader reads.
        return FigureRow(label, [(compact_number(v), f"{v:,}", False) for v in values])

    def plain(label: str, values: list[str]) -> FigureRow:
        return FigureRow(label, [(v, v, False) for v in values])

    def day(value: Any) -> str:
        return f"{value:%b} {value.day}, {value:%Y}" if value else "—"

    def best_week(r: Any) -> str:
        points = r.series.points
        top = max(points, key=lambda p: (p.gained, p.date), default=None)
        return f"{top.gained:+,} ({day(top.date)})" if top and top.gained else "—"

    created = [r.created for r in repositories]
    today = today_utc()
    biggest = "Biggest day" if repositories[0].series.interval == "day" else "Biggest week"
    return [
        ranked("Stars", [r.repository.stars for r in repositories]),
        ranked("Forks", [r.repository.forks for r in repositories]),
        counted("Open issues", [r.repository.open_issues for r in repositories]),
        plain("Language", [r.repository.language or "—" for r in repositories]),
        plain("Created", [day(value) for value in created]),
        plain("Age", [age_label((today - c).days) if c else "—" for c in created]),
        plain(biggest, [best_week(r) for r in repositories]),
        counted("Not attributed to a day", [r.series.unattributed for r in repositories]),
    ]
