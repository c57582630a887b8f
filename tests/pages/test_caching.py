"""Cached reads of the dashboard: invalidated by a refresh, and the pages still render from the
database when the cache (Redis in production) is down."""

from http import HTTPStatus

import pytest

from github_stats.caching import account_cache_invalidate
from github_stats.models import Account
from tests.pages.factories import AccountFactory, RepositoryFactory, snapshots_for

pytestmark = pytest.mark.django_db

# A django-redis cache on a closed port, configured as production is (errors ignored).
REDIS_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}


def test_a_refresh_invalidates_the_cached_dashboard(client_logged_in):
    account = AccountFactory(login="cached", followers=100)
    snapshots_for(account, days=3)
    assert b">100<" in client_logged_in.get("/u/cached").content

    Account.objects.filter(pk=account.pk).update(followers=2500)
    # Still the cached figures until a refresh says otherwise...
    assert b">100<" in client_logged_in.get("/u/cached").content
    # ...which bumps the account's cache version (services do this after every refresh).
    account_cache_invalidate(account_id=account.pk)
    assert b">2.5k<" in client_logged_in.get("/u/cached").content


def test_pages_render_from_the_database_when_the_cache_is_down(
    client, user, settings, django_assert_num_queries
):
    account = AccountFactory(login="no-cache")
    RepositoryFactory(owner=account, name="still-here")
    snapshots_for(account, days=5)
    settings.CACHES = REDIS_DOWN
    client.force_login(user)  # the session lives in the database (cached_db)
    response = client.get("/u/no-cache")
    assert response.status_code == HTTPStatus.OK
    assert b"/r/no-cache/still-here" in response.content
    # Every read goes to the database, every time: the session, the user, the account,
    # snapshots, languages x2, repositories count + page, history, the tracking state.
    with django_assert_num_queries(10):
        assert client.get("/u/no-cache").status_code == HTTPStatus.OK
    assert client.get("/r/no-cache/still-here").status_code == HTTPStatus.OK
    assert client.get("/search/suggest/?q=no").status_code == HTTPStatus.OK
