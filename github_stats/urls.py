from django.urls import path

from github_stats import views, views_compare, views_watchlist

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggestions, name="search_suggest"),
    path("u/<str:login>", views.account_dashboard, name="account_dashboard"),
    path("u/<str:login>/refresh", views.account_refresh, name="account_refresh"),
    path("u/<str:login>/track", views.account_track, name="account_track"),
    path("u/<str:login>/untrack", views.account_untrack, name="account_untrack"),
    path("r/<str:owner>/<str:repo>", views.repository, name="repository"),
    path("watchlist/", views_watchlist.watchlist, name="watchlist"),
    path("watchlist/<str:login>/untrack", views_watchlist.untrack, name="watchlist_untrack"),
    path("watchlist/<str:login>/track", views_watchlist.track, name="watchlist_track"),
    path("compare/", views_compare.compare, name="compare"),
]
