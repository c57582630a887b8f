from django.urls import path

from github_stats import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("search/", views.search, name="search"),
    path("watchlist/", views.watchlist, name="watchlist"),
    path("compare/", views.compare, name="compare"),
]
