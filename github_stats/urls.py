from django.urls import path

from github_stats.views import (
    cards,
    compare,
    compare_repos,
    dashboard,
    home,
    repository,
    watchlist,
)

urlpatterns = [
    path("", home.landing, name="landing"),
    path("home/", home.home, name="home"),
    path("search/", home.search, name="search"),
    path("search/suggest/", home.search_suggestions, name="search_suggest"),
    path("u/<str:login>", dashboard.account_dashboard, name="account_dashboard"),
    path("u/<str:login>/refresh", dashboard.account_refresh, name="account_refresh"),
    path("u/<str:login>/track", dashboard.account_track, name="account_track"),
    path("u/<str:login>/untrack", dashboard.account_untrack, name="account_untrack"),
    path("r/<str:owner>/<str:repo>", repository.repository, name="repository"),
    path("watchlist/", watchlist.watchlist, name="watchlist"),
    path("compare/", compare.compare, name="compare"),
    path("compare/repos/", compare_repos.compare_repos, name="compare_repos"),
    # Embeddable SVG cards (docs/cards.md): an account's, and a repository's one segment deeper,
    # so a repository named like a card kind cannot collide with the account's card.
    path("cards/<str:login>/<str:kind>.svg", cards.account_card, name="account_card"),
    path(
        "cards/<str:owner>/<str:repo>/<str:kind>.svg",
        cards.repository_card,
        name="repository_card",
    ),
]
