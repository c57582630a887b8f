"""The rendered HTML of the dashboard's and the watchlist's account parts comes from the cache
(github_stats/fragments.py): reused by the next request and by the htmx partials, replaced after
a refresh, escaped, never holding anything about the person looking, with relative times told
for the moment of the request."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.utils import timezone

from github_stats import fragments
from github_stats.caching import account_cache_invalidate
from github_stats.models import Account, Repository
from github_stats.selectors import DEFAULT_HISTORY_DAYS, RepoQuery
from tests.pages.factories import (
    AccountFactory,
    RepositoryFactory,
    TrackingFactory,
    snapshots_for,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
SENTINEL = '<p id="from-the-cache">served from the fragment cache</p>'


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The whole-page cache (tests/pages/test_page_cache.py) would answer before the fragments.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def account():
    account = AccountFactory(login="frag-org", name="Frag Org", followers=100)
    for i in range(25):
        RepositoryFactory(owner=account, name=f"repo-{i:02d}", stars=i, description="old words")
    snapshots_for(account, days=40)
    return account


def _keys(account, *, query=None, days=DEFAULT_HISTORY_DAYS):
    return fragments.account_fragment_keys(
        account=Account.objects.get(pk=account.pk),
        repo_query=query or RepoQuery(),
        history_days=days,
    )


def test_first_dashboard_stores_every_account_part_in_the_cache(client_logged_in, account):
    keys = _keys(account)
    assert cache.get_many(list(keys.values())) == {}
    assert client_logged_in.get("/u/frag-org").status_code == HTTPStatus.OK
    assert set(cache.get_many(list(keys.values()))) == set(keys.values())


def test_second_dashboard_is_assembled_from_the_cached_fragments(client_logged_in, account):
    client_logged_in.get("/u/frag-org")
    key = _keys(account)["languages"]
    cache.set(key, (SENTINEL, {}))
    body = client_logged_in.get("/u/frag-org").content.decode()
    assert SENTINEL in body
    assert "By number of repositories" not in body  # the languages were not rendered again


def test_htmx_table_uses_the_same_cached_fragment_as_the_page(client_logged_in, htmx, account):
    client_logged_in.get("/u/frag-org?sort=name")
    cache.set(_keys(account, query=RepoQuery(sort="name"))["repos"], (SENTINEL, {"sort": "name"}))
    response = htmx.get("/u/frag-org?sort=name", target="repos")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="repos"')
    assert SENTINEL in body
    assert response["HX-Push-Url"] == "/u/frag-org?sort=name"


def test_each_table_state_and_range_is_its_own_fragment(client_logged_in, account):
    client_logged_in.get("/u/frag-org")
    body = client_logged_in.get("/u/frag-org?sort=name&page=2&days=30").content.decode()
    assert "Page 2 of 2" in body
    assert 'aria-sort="ascending"' in body
    assert "over the last 30 days" in body
    # the table's links carry the range, the range's links carry the table's state
    assert 'href="/u/frag-org?sort=forks&amp;days=30"' in body
    assert 'href="/u/frag-org?sort=name&amp;page=2"' in body


def test_a_page_past_the_end_is_cached_as_the_last_page_with_its_own_links(htmx, account):
    response = htmx.get("/u/frag-org?page=99", target="repos")
    assert "Page 2 of 2" in response.content.decode()
    assert response["HX-Push-Url"] == "/u/frag-org?page=2"
    response = htmx.get("/u/frag-org?page=99", target="repos")  # from the cache
    assert "Page 2 of 2" in response.content.decode()
    assert response["HX-Push-Url"] == "/u/frag-org?page=2"


def test_a_refresh_makes_the_next_dashboard_show_new_data(client_logged_in, account):
    assert "old words" in client_logged_in.get("/u/frag-org").content.decode()
    Repository.objects.filter(owner=account).update(description="new words")
    Account.objects.filter(pk=account.pk).update(bio="A new bio.")
    # Until a refresh says otherwise, the cached parts stand...
    body = client_logged_in.get("/u/frag-org").content.decode()
    assert "old words" in body
    assert "A new bio." not in body
    # ...and every refresh replaces the account's cache version (services.account_refresh).
    account_cache_invalidate(account_id=account.pk)
    body = client_logged_in.get("/u/frag-org").content.decode()
    assert "new words" in body
    assert "old words" not in body
    assert "A new bio." in body


def test_a_refresh_makes_the_next_watchlist_show_new_data(client_logged_in, user, account):
    TrackingFactory(user=user, account=account)
    assert "Frag Org" in client_logged_in.get("/watchlist/").content.decode()
    Account.objects.filter(pk=account.pk).update(name="Renamed Org")
    assert "Renamed Org" not in client_logged_in.get("/watchlist/").content.decode()
    account_cache_invalidate(account_id=account.pk)
    assert "Renamed Org" in client_logged_in.get("/watchlist/").content.decode()


@pytest.mark.parametrize("path", ["/u/hostile", "/watchlist/"])
def test_a_script_payload_is_still_escaped_when_served_from_the_cache(client_logged_in, user, path):
    hostile = AccountFactory(login="hostile", name=SCRIPT, bio=SCRIPT)
    RepositoryFactory(owner=hostile, name="payload", description=SCRIPT, language=SCRIPT)
    TrackingFactory(user=user, account=hostile)
    first = client_logged_in.get(path).content.decode()
    second = client_logged_in.get(path).content.decode()  # the cached fragments
    for body in (first, second):
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert first.count("&lt;script&gt;") == second.count("&lt;script&gt;")


def test_fragments_hold_nothing_about_the_person_looking(client_logged_in, user, account):
    TrackingFactory(user=user, account=account)
    body = client_logged_in.get("/u/frag-org").content.decode()
    client_logged_in.get("/watchlist/")
    assert 'aria-pressed="true"' in body
    cached = [html for html, _ in cache.get_many(list(_keys(account).values())).values()]
    assert len(cached) == len(fragments.PAGE_PARTS)
    for html in cached:
        assert "csrfmiddlewaretoken" not in html
        assert "aria-pressed" not in html
        assert "/refresh" not in html
        assert user.email not in html


def test_people_see_their_own_tracking_state_on_shared_fragments(
    client_logged_in, client, other_user, user, account
):
    TrackingFactory(user=user, account=account)
    mine = client_logged_in.get("/u/frag-org").content.decode()
    client.force_login(other_user)
    theirs = client.get("/u/frag-org").content.decode()  # the same cached fragments
    assert 'aria-pressed="true"' in mine
    assert 'aria-pressed="false"' in theirs
    assert 'hx-post="/u/frag-org/track"' in theirs


def test_relative_times_in_cached_fragments_are_told_for_each_request(account):
    now = timezone.now()
    Repository.objects.filter(owner=account, name="repo-24").update(
        pushed_at=now - timedelta(minutes=5)
    )
    account = Account.objects.get(pk=account.pk)
    first = fragments.account_fragments(account=account, repo_query=RepoQuery(), now=now)
    assert "5 min ago</time>" in first.repos
    # The same day: the same cached fragment, its relative times told for the later moment.
    later = now + timedelta(minutes=20)
    if later.date() != now.date():
        later = now + timedelta(seconds=1)
        expected = "5 min ago</time>"
    else:
        expected = "25 min ago</time>"
    assert _keys(account)["repos"] in cache.get_many(list(_keys(account).values()))
    second = fragments.account_fragments(account=account, repo_query=RepoQuery(), now=later)
    assert expected in second.repos


def test_the_reltime_tag_is_what_the_fragments_retell():
    moment = timezone.now() - timedelta(days=3)
    html = Template("{% load gitpulse %}{% reltime moment %}").render(Context({"moment": moment}))
    assert "3 days ago" in html
    retold = fragments.current_times(html, moment + timedelta(days=10))
    assert retold == html.replace("3 days ago", "10 days ago")


def test_dashboard_and_watchlist_render_from_the_database_with_the_cache_down(
    client, user, settings, account
):
    from tests.pages.test_caching import REDIS_DOWN

    TrackingFactory(user=user, account=account)
    settings.CACHES = REDIS_DOWN
    client.force_login(user)
    for _ in range(2):
        body = client.get("/u/frag-org").content.decode()
        assert "/r/frag-org/repo-24" in body
        assert "By number of repositories" in body
        watchlist = client.get("/watchlist/")
        assert watchlist.status_code == HTTPStatus.OK
        assert 'href="/u/frag-org"' in watchlist.content.decode()


def test_htmx_settles_no_style_attribute(client_logged_in, account):
    # htmx settles `style` by default, which our CSP (style-src 'self') forbids.
    body = client_logged_in.get("/u/frag-org").content.decode()
    assert '"attributesToSettle": ["class", "width", "height"]' in body
