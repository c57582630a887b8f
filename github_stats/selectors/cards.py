"""Reads of the embeddable SVG cards (/cards/<login>/<kind>.svg, /cards/<owner>/<repo>/<kind>.svg);
how each is drawn, and the registry of kinds, are selectors/card_kinds.py.

A card shows exactly what the dashboard shows: each read below goes through the dashboard's and
the repository page's own selectors (account_figures, account_languages, accounts_history,
repository_detail), from the rows the view already looked up (views/cards.py: the account, and
for a repository card the repository). Each is 0 or 1 query of its own. Nothing here calls
GitHub or queues a refresh: cards are served from stored data only.

Adding a kind is one read function (here), one template (templates/cards/) and one entry in
card_kinds.CARD_KINDS; its body reuses a layout of github_stats/ui/card_layouts.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from github_stats.models import (
    AccountKind,
    ContributionYear,
    GitHubAccount,
    Repository,
    today_utc,
    year_days,
)
from github_stats.selectors.accounts import account_profile
from github_stats.selectors.activity import Streaks, account_activity_summary, levels
from github_stats.selectors.dashboard import (
    FIGURE_DAYS,
    History,
    account_figures,
    account_languages,
    accounts_history,
)
from github_stats.selectors.repositories import RepositoryDetail, repository_detail
from github_stats.selectors.star_history import (
    StarSeries,
    account_star_history,
    repository_star_history,
)
from github_stats.ui import card_activity as activity_layouts
from github_stats.ui import card_layouts as layouts
from github_stats.ui.cards import CardOptions
from github_stats.ui.languages import OTHER_LABEL

# The dashboard's figure keys, and their names for `hide=`.
STAT_PARTS = {
    "followers": "followers",
    "total_stars": "stars",
    "total_forks": "forks",
    "public_repos": "repos",
}


@dataclass(frozen=True)
class StatsCard:
    display_name: str
    stats: list[layouts.Stat]


@dataclass(frozen=True)
class LanguagesCard:
    display_name: str
    shares: list[layouts.Share]
    by: str  # what the shares count: "bytes" or "count" (of repositories)


@dataclass(frozen=True)
class HistoryCard:
    display_name: str
    values: list[int]  # total stars, oldest first
    stars: int
    change_30d: int | None
    days: int
    span: str  # what the points are, in words (the SVG's <desc>)
    title: str = ""  # "" : "<display name>: stars over time"


@dataclass(frozen=True)
class PinCard:
    repository: RepositoryDetail


def card_stats(
    *, account: GitHubAccount, options: CardOptions, repository: Repository | None = None
) -> StatsCard:
    """Followers, stars, forks, public repositories: the dashboard's figures, from the row (no
    query; their changes, which need the snapshots, are not on this card)."""
    figures = account_figures(
        account=account, history=History(days=0, points=[]), today=today_utc()
    )
    stats = [
        layouts.Stat(part=STAT_PARTS[one.key], label=one.label, value=one.value)
        for one in figures
        if one.key in STAT_PARTS
    ]
    return StatsCard(display_name=account.display_name, stats=stats)


def card_languages(
    *, account: GitHubAccount, options: CardOptions, repository: Repository | None = None
) -> LanguagesCard:
    """The dashboard's language shares (no query): by bytes when this server measured them (it
    needs a GitHub token), else by repositories; the first `top`, the rest as "Other"."""
    languages = account_languages(account=account)
    by_bytes = options.by == "bytes" and bool(languages.by_bytes)
    source = languages.by_bytes if by_bytes else languages.by_repos
    named = [one for one in source if one.name != OTHER_LABEL]
    head, rest = named[: options.top], source[len(named[: options.top]) :]
    shares = [layouts.Share(one.name, one.value, one.share) for one in head]
    if rest:
        value, share = sum(one.value for one in rest), sum(one.share for one in rest)
        shares.append(layouts.Share(OTHER_LABEL, value, share))
    return LanguagesCard(
        display_name=account.display_name, shares=shares, by="bytes" if by_bytes else "count"
    )


# The account's summed star history draws its card once it stands for this much of its stars;
# below, the daily snapshots do (a curve of a few repositories would misstate the account).
CARD_STAR_HISTORY_SHARE = 0.9


def card_history(
    *,
    account: GitHubAccount,
    options: CardOptions,
    repository: Repository | None = None,
    now: datetime | None = None,
) -> HistoryCard:
    """Stars over the account's whole life, a point a week, from the summed star history when
    it covers most of the stars; otherwise total stars per day from the daily snapshots, with
    the dashboard's 30-day change. 1 query (the summed history), 2 with the snapshots."""
    now = now or timezone.now()
    summed = account_star_history(account=account, interval="week", now=now)
    if summed.series.points and summed.coverage.share >= CARD_STAR_HISTORY_SHARE:
        return _star_history_card(
            account.display_name, summed.series, stars=account.total_stars, now=now,
            whole=summed.coverage.whole,
        )  # fmt: skip
    history = accounts_history(
        account_ids=[account.pk], days=max(options.days, FIGURE_DAYS), now=now
    )[account.pk]
    today = today_utc(now)
    stars = next(
        one
        for one in account_figures(account=account, history=history, today=today)
        if one.key == "total_stars"
    )
    return HistoryCard(
        display_name=account.display_name,
        values=history.since(options.days, today=today).values("total_stars"),
        stars=stars.value,
        change_30d=stars.change_30d,
        days=options.days,
        span=f"A point per stored day over the last {options.days} days",
    )


def card_stars(
    *,
    account: GitHubAccount,
    options: CardOptions,
    repository: Repository | None = None,
    now: datetime | None = None,
) -> HistoryCard:
    """A repository's whole-life star history, a point a week (the repository page's own
    selector). 1 query."""
    assert repository is not None
    now = now or timezone.now()
    series = repository_star_history(repository=repository, interval="week", now=now)
    name = f"{account.login}/{repository.name}"
    card = _star_history_card(name, series, stars=repository.stars, now=now, whole=True)
    return replace(card, title=f"{name} stars")


def _star_history_card(
    name: str, series: StarSeries, *, stars: int, now: datetime, whole: bool
) -> HistoryCard:
    """Cumulative stars a week over the whole life; the 30-day change only when the history
    holds every star (`whole`), or it would count some repositories' stars only."""
    since = today_utc(now) - timedelta(days=30)
    gained = sum(point.gained for point in series.points if point.date >= since)
    first = f" since {series.first_star:%b %Y}" if series.first_star else ""
    return HistoryCard(
        display_name=name,
        values=[point.total for point in series.points],
        stars=stars,
        change_30d=gained if whole else None,
        days=len(series.points) * 7,
        span=f"Whole-life star history{first}, a point a week",
    )


def card_pin(
    *, account: GitHubAccount, options: CardOptions, repository: Repository | None = None
) -> PinCard:
    """The repository page's data (no query)."""
    assert repository is not None
    return PinCard(repository_detail(repository=repository, owner=account_profile(account=account)))


@dataclass(frozen=True)
class ActivityCard:
    display_name: str
    show: str  # "calendar" | "streak"
    # Why there is nothing to draw ("": there is): an organisation, or nothing stored yet.
    missing: list[str]
    days: list[tuple[date, int, int]]  # the calendar's window: (day, count, level)
    total: int  # the window's contributions (calendar), or the whole life's (streak)
    streaks: Streaks | None = None
    first_year: int | None = None


def card_activity(
    *,
    account: GitHubAccount,
    options: CardOptions,
    repository: Repository | None = None,
    now: datetime | None = None,
) -> ActivityCard:
    """The last 52 weeks of GitHub's contribution calendar from the stored years (this one and
    the one before: 1 query), or with `show=streak` the dashboard's all-time summary (2
    queries). An organisation has no calendar (no query), and says so."""
    name = account.display_name
    if account.kind == AccountKind.ORG:
        lines = [
            f"{account.login} is an organisation: GitHub keeps no contribution calendar for "
            "organisations.",
            "Its dashboard shows its repositories' activity instead.",
        ]
        return ActivityCard(name, options.show, lines, [], 0)
    today = today_utc(now)
    if options.show == "streak":
        summary = account_activity_summary(account=account, now=now)
        if summary.source == "none":
            return ActivityCard(name, "streak", _nothing_stored(account), [], 0)
        return ActivityCard(
            name, "streak", [], [], summary.all_time.total, summary.streaks, summary.first_year
        )
    start, end = activity_layouts.calendar_window(today=today)
    rows = list(
        ContributionYear.objects.filter(account=account, year__in={start.year, end.year}).only(
            "year", "days"
        )
    )
    counts: dict[date, int] = {}
    for row in rows:
        counts.update(year_days(row.year, row.days))
    if not rows:
        return ActivityCard(name, "calendar", _nothing_stored(account), [], 0)
    span = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    values = [counts.get(day, 0) for day in span]
    days = list(zip(span, values, levels(values), strict=True))
    return ActivityCard(name, "calendar", [], days, sum(values))


def _nothing_stored(account: GitHubAccount) -> list[str]:
    lines = [f"No contributions of {account.login} are stored here yet."]
    if settings.GITHUB_TOKEN:
        lines.append("They fill in after the account's next refresh.")
    else:
        lines.append("GitHub's contribution calendar needs a GITHUB_TOKEN on this server.")
    return lines
