"""The kinds of embeddable card: what each reads (selectors/cards.py), how its body is laid out
for the template (ui/card_layouts.py, ui/card_activity.py) and which template draws it. The
views and the embed panel look kinds up here; adding one is a read, a template and an entry in
CARD_KINDS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from github_stats.models import today_utc
from github_stats.selectors.cards import (
    ActivityCard,
    HistoryCard,
    LanguagesCard,
    PinCard,
    StatsCard,
    card_activity,
    card_history,
    card_languages,
    card_pin,
    card_stars,
    card_stats,
)
from github_stats.ui import card_activity as activity_layouts
from github_stats.ui import card_layouts as layouts
from github_stats.ui.cards import LOCALES, CardOptions
from github_stats.ui.charts import EMPTY_HISTORY
from github_stats.ui.formatting import signed_compact

# --- Drawn: the template's context ------------------------------------------------------------


def _stats_drawn(card: StatsCard, options: CardOptions) -> layouts.StatsDrawing:
    title = f"{card.display_name}'s GitHub stats"
    return layouts.stats_layout(stats=card.stats, options=options, title=title)


def _languages_drawn(card: LanguagesCard, options: CardOptions) -> layouts.LanguagesDrawing:
    title = "Most used languages" if card.by == "bytes" else "Languages by repositories"
    note = "No languages yet: no repositories of its own are stored."
    return layouts.languages_layout(shares=card.shares, options=options, title=title, note=note)


def _history_drawn(card: HistoryCard, options: CardOptions) -> layouts.HistoryDrawing:
    change = ""
    if card.change_30d is not None:
        decimal = LOCALES.get(options.locale, LOCALES["en"]).decimal
        change = f"{signed_compact(card.change_30d).replace('.', decimal)} in 30 days"
    return layouts.history_layout(
        values=card.values,
        value=card.stars,
        label="total stars",
        change=change,
        options=options,
        title=card.title or f"{card.display_name}: stars over time",
        note=EMPTY_HISTORY.split(":")[0],
    )


def _pin_drawn(card: PinCard, options: CardOptions) -> layouts.PinDrawing:
    r = card.repository
    return layouts.pin_layout(
        description=r.description,
        language=r.language,
        stars=r.stars,
        forks=r.forks,
        badge="Archived" if r.archived else "Fork" if r.is_fork else "",
        options=options,
        title=r.name,
    )


def _activity_drawn(card: ActivityCard, options: CardOptions) -> activity_layouts.ActivityDrawing:
    if card.show == "streak":
        title = f"{card.display_name}'s contribution streaks"
    else:
        title = f"{card.display_name}'s contributions"
    if card.missing:
        return activity_layouts.activity_notice_layout(
            lines=card.missing, options=options, title=title
        )
    if card.show == "calendar":
        return activity_layouts.calendar_layout(
            days=card.days, total=card.total, options=options, title=title
        )
    streaks = card.streaks
    assert streaks is not None
    figures = [
        activity_layouts.StreakFigure(
            "total", "Total contributions", card.total,
            since=f"since {card.first_year}" if card.first_year else "",
        ),
        activity_layouts.StreakFigure(
            "current", "Current streak", streaks.current, streaks.current_start,
            today_utc() if streaks.current else None,
        ),
        activity_layouts.StreakFigure(
            "longest", "Longest streak", streaks.longest, streaks.longest_start,
            streaks.longest_end,
        ),
    ]  # fmt: skip
    return activity_layouts.streak_layout(
        figures=figures, options=options, title=title, this_year=today_utc().year
    )


@dataclass(frozen=True)
class CardKind:
    """One kind of card: what it reads, how its body is laid out, which template draws it."""

    name: str
    label: str  # the embed panel's caption
    scope: Literal["account", "repository"]
    template: str
    read: Callable[..., Any]  # (*, account, options, repository) -> the card's data
    draw: Callable[[Any, CardOptions], Any]  # (data, options) -> a layout of ui/card_layouts

    def alt(self, name: str) -> str:
        """The image's alternative text in a README (`name`: a login or owner/repo)."""
        return f"{self.label} of {name}"


CARD_KINDS: tuple[CardKind, ...] = (
    CardKind("stats", "GitHub stats", "account", "cards/stats.svg", card_stats, _stats_drawn),
    CardKind(
        "languages",
        "Top languages",
        "account",
        "cards/languages.svg",
        card_languages,
        _languages_drawn,
    ),
    CardKind(
        "history", "Stars over time", "account", "cards/history.svg", card_history, _history_drawn
    ),
    CardKind(
        "activity",
        "Contributions",
        "account",
        "cards/activity.svg",
        card_activity,
        _activity_drawn,
    ),
    CardKind("pin", "Repository", "repository", "cards/pin.svg", card_pin, _pin_drawn),
    CardKind(
        "stars", "Star history", "repository", "cards/history.svg", card_stars, _history_drawn
    ),
)
_BY_NAME = {(kind.scope, kind.name): kind for kind in CARD_KINDS}


def card_kind_get(*, scope: Literal["account", "repository"], name: str) -> CardKind | None:
    """The kind called `name` among the account's or the repository's cards (a repository card
    and an account card may share a name: their URLs differ by a path segment)."""
    return _BY_NAME.get((scope, name))


def card_kinds(*, scope: Literal["account", "repository"]) -> list[CardKind]:
    return [kind for kind in CARD_KINDS if kind.scope == scope]
