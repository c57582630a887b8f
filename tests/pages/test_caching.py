"""With the cache (Redis in production) down, pages render from the database, every time.
(The cache working is tests/pages/test_response_cache.py.)"""

from http import HTTPStatus

import pytest

from tests.pages.cache_helpers import dead_redis
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

pytestmark = pytest.mark.django_db


def test_pages_render_from_the_database_when_the_cache_is_down(
    client, user, settings, django_assert_num_queries
):
    account = GitHubAccountFactory(login="no-cache")
    RepositoryFactory(owner=account, name="still-here")
    snapshots_for(account, days=5)
    settings.CACHES = dead_redis()  # errors ignored, as production
    client.force_login(user)  # the session lives in the database (cached_db)
    response = client.get("/u/no-cache")
    assert response.status_code == HTTPStatus.OK
    assert b"/r/no-cache/still-here" in response.content
    # Every read goes to the database, every time: the session, the user, the account (with
    # the tracking state), its snapshots, its summed star history, its repositories' creation
    # dates, its contribution years and activity bookkeeping (no year stored: no calendar
    # read), the repositories' count and page.
    with django_assert_num_queries(10):
        assert client.get("/u/no-cache").status_code == HTTPStatus.OK
    assert client.get("/r/no-cache/still-here").status_code == HTTPStatus.OK
    assert client.get("/search/suggest/?q=no").status_code == HTTPStatus.OK
