"""The product's URLs plus the bench's own (bench/dashboard.py), never served by the product:

- /bench/bare/: signed in, no queries of its own: the floor every signed-in page pays
  (middleware, session, user);
- /bench/after-refresh/<page>: the page as its first visitor after a refresh meets it. Before
  the page's own view runs, an account it shows gets a new cache version, stored and published
  as a refresh's commit does it (services/refresh.py, github_stats/caching.py), so every request
  misses the cache. (The UPDATE that stores the version is counted in the page's time: the
  figures are a little pessimistic.)"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as product
from github_stats.caching import account_version_publish
from github_stats.models import GitHubAccount, new_cache_version
from github_stats.views.dashboard import account_dashboard
from github_stats.views.watchlist import watchlist

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _refreshed(login: str) -> None:
    version = new_cache_version()
    GitHubAccount.objects.filter(login=login).update(cache_version=version)
    account_version_publish(login=login, version=version)


def dashboard_after_refresh(request: HttpRequest, login: str) -> HttpResponse:
    _refreshed(login)
    return account_dashboard(request, login)


def watchlist_after_refresh(request: HttpRequest, login: str) -> HttpResponse:
    # One watched account refreshed: the person's whole watchlist page is rendered again.
    _refreshed(login)
    return watchlist(request)


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/after-refresh/u/<str:login>", dashboard_after_refresh),
    path("bench/after-refresh/watchlist/<str:login>", watchlist_after_refresh),
    *product,
]
