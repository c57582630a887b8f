"""The API's side of the one cache layer (github_stats/caching.py): answers about accounts are
the same for everyone, so they are shared between people, and every change reaches them the
way production makes it (a real refresh against the fake GitHub, moderation)."""

import gzip
from http import HTTPStatus

import pytest

from github_stats.services.moderation import account_hide, account_unhide
from tests.pages.cache_helpers import behind_the_caches_back

pytestmark = pytest.mark.django_db

DETAIL = "/api/v1/accounts/api-org"
COMPARE = "/api/v1/compare?logins=api-org,api-other"


@pytest.fixture
def account(fake_github, refresh):
    fake_github.state.add_org("api-org", repos=3, name="Api Org")
    fake_github.state.add_user("api-other", repos=2, name="Api Other")
    refresh("api-other")
    return refresh("api-org")


def test_an_answer_is_shared_between_people(api, api_for, account, django_assert_num_queries):
    assert api.get(DETAIL).json()["profile"]["name"] == "Api Org"
    behind_the_caches_back(account, name="Changed behind the cache")
    other = api_for()
    # Only the other person's token user: the answer is the one the first person got.
    with django_assert_num_queries(1):
        answer = other.get(DETAIL)
    assert answer.status_code == HTTPStatus.OK
    assert answer.json()["profile"]["name"] == "Api Org"


def test_a_real_refresh_replaces_the_answer(api, account, fake_github, refresh):
    api.get(DETAIL)
    fake_github.state.update_account("api-org", location="What the refresh stored.")
    assert api.get(DETAIL).json()["profile"]["location"] != "What the refresh stored."

    refresh("api-org")

    assert api.get(DETAIL).json()["profile"]["location"] == "What the refresh stored."


def test_hiding_replaces_a_cached_answer_with_404(api, user, account, committed):
    api.get(DETAIL)
    with committed():
        account_hide(account=account, reason="Spam", actor=user)
    hidden = api.get(DETAIL)
    assert hidden.status_code == HTTPStatus.NOT_FOUND
    assert hidden.json()["error"] == "not_found"
    with committed():
        account_unhide(account=account, actor=user)
    assert api.get(DETAIL).status_code == HTTPStatus.OK


def test_a_refresh_of_either_account_replaces_the_comparison(api, account, fake_github, refresh):
    before = api.get(COMPARE).json()
    fake_github.state.update_account("api-other", name="Renamed Other")
    refresh("api-other")
    after = api.get(COMPARE).json()
    assert after != before
    assert "Renamed Other" in str(after)


def test_a_version_the_cache_lost_is_a_miss_then_adopted(api, account, django_assert_num_queries):
    from django.core.cache import cache

    api.get(DETAIL)
    cache.delete("github_stats:version:api-org")  # evicted, or Redis restarted
    behind_the_caches_back(account, name="Read afresh")
    assert api.get(DETAIL).json()["profile"]["name"] == "Read afresh"
    # The version came back from the row just read: the next answer is a hit again.
    with django_assert_num_queries(1):
        assert api.get(DETAIL).json()["profile"]["name"] == "Read afresh"


def test_an_api_answer_is_gzipped_for_a_client_that_asks(api, account):
    # Kept gzipped in the cache, sent so only to a client that asks (github_stats/caching.py).
    zipped = api.get(DETAIL, HTTP_ACCEPT_ENCODING="gzip")
    zipped_again = api.get(DETAIL, HTTP_ACCEPT_ENCODING="gzip")
    plain = api.get(DETAIL)
    assert zipped["Content-Encoding"] == zipped_again["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert gzip.decompress(zipped_again.content) == plain.content
    assert plain.json()["profile"]["name"] == "Api Org"
