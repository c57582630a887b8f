"""What every person is shown alike of an account (a dashboard's body, a watchlist row) is shared
between people under the account's version (caching.SharedFragments): a person's first view of
an account someone else just looked at reads only the account row, and shows their own Track
state and CSRF token. Every change is made as production makes it (a real refresh against the
fake GitHub, Track through the pages)."""

import gzip
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from config.gzip_pieces import Deflated
from github_stats.models import AccountSnapshot, GitHubAccount, today_utc
from tests.factories import UserFactory
from tests.pages.cache_helpers import behind_the_caches_back, cached_keys

pytestmark = pytest.mark.django_db

PAGE = "/u/shared-org"
WATCHLIST = "/watchlist/"
SCRIPT = '<script>alert("x")</script>'


def fragment_keys() -> list[str]:
    return cached_keys("github_stats:fragment:")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csrf_token(body: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def account(fake_github, refresh) -> GitHubAccount:
    fake_github.state.add_org("shared-org", repos=30, name="Shared Org")
    fake_github.state.add_repo("shared-org", "hostile", stars=10**5, description=SCRIPT)
    return refresh("shared-org")


def test_a_second_persons_first_view_reads_only_the_account(
    account, client_logged_in, django_assert_num_queries
):
    first = client_logged_in.get(PAGE).content.decode()
    other = signed_in(UserFactory())
    # The session's user, and the account with whether this person tracks it: no snapshots,
    # no repository count, no repository page.
    with django_assert_num_queries(2):
        second = other.get(PAGE).content.decode()
    body = second[second.index('<section class="figures"') : second.index("</main>")]
    assert body == first[first.index('<section class="figures"') : first.index("</main>")]
    assert SCRIPT not in second
    assert "&lt;script&gt;" in second


def test_the_shared_body_holds_nothing_personal(account, user, client_logged_in, committed):
    with committed():
        client_logged_in.post(f"{PAGE}/track")
    mine = client_logged_in.get(PAGE).content.decode()
    assert "Tracking" in mine
    others = signed_in(UserFactory()).get(PAGE).content.decode()
    # Their own Track state and their own CSRF token, around the body the first one rendered.
    assert 'aria-pressed="false"' in others
    assert "Tracking" not in others
    assert csrf_token(others) != csrf_token(mine)
    (key,) = fragment_keys()
    markup = Deflated(*cache.get(key)).inflated().decode()
    assert '<section class="figures"' in markup
    assert "csrfmiddlewaretoken" not in markup
    assert user.email not in markup


def test_a_refresh_replaces_what_everyone_is_shown(account, client_logged_in, fake_github, refresh):
    client_logged_in.get(PAGE)
    fake_github.state.add_repo("shared-org", "brand-new-repo", stars=10**6)
    refresh("shared-org")
    assert "brand-new-repo" in signed_in(UserFactory()).get(PAGE).content.decode()


def test_each_table_state_is_its_own_fragment(account, client_logged_in):
    client_logged_in.get(PAGE)
    client_logged_in.get(f"{PAGE}?sort=name&days=365")
    assert len(fragment_keys()) == 2
    page_two = signed_in(UserFactory()).get(f"{PAGE}?sort=name&days=365").content.decode()
    assert 'aria-current="true">365 days' in page_two


def test_a_stale_account_is_never_shared(account, client_logged_in, settings):
    settings.STATS_TTL = 0  # every account is stale: the page queues a refresh instead
    client_logged_in.get(PAGE)
    assert fragment_keys() == []


# --- Watchlist rows ---------------------------------------------------------------------------


@pytest.fixture
def watchers(account, fake_github, refresh, committed):
    """Two people watching the same two accounts, tracked through the pages."""
    fake_github.state.add_user("shared-user", name="Shared User")
    fake_github.state.add_repo("shared-user", "starry", stars=100)
    refresh("shared-user")
    clients = [signed_in(UserFactory()), signed_in(UserFactory())]
    for client in clients:
        for login in ("shared-org", "shared-user"):
            with committed():
                client.post(f"/u/{login}/track")
    return clients


def test_a_second_watcher_reads_no_snapshots(watchers, django_assert_num_queries):
    first = watchers[0].get(WATCHLIST).content.decode()
    # The session's user, the messages' flags aside: the rows; their trends are shared.
    with django_assert_num_queries(2):
        second = watchers[1].get(WATCHLIST).content.decode()
    rows = re.findall(r'<tr id="watch-[^"]+">.*?</tr>', second, re.S)
    assert len(rows) == 2
    assert rows == re.findall(r'<tr id="watch-[^"]+">.*?</tr>', first, re.S)


def test_a_refreshed_watched_account_is_rendered_again(watchers, fake_github, refresh):
    watchers[0].get(WATCHLIST)
    fake_github.state.update_account("shared-user", name="Renamed By GitHub")
    refresh("shared-user")
    body = watchers[1].get(WATCHLIST).content.decode()
    assert "Renamed By GitHub" in body
    assert "Shared Org" in body


def test_a_shared_row_keeps_its_order_by_stars_gained(watchers):
    # shared-user gained its 100 stars in 30 days; shared-org has no month-old snapshot (no change,
    # so last), though its login comes first.
    gainer = GitHubAccount.objects.get(login="shared-user")
    AccountSnapshot.objects.create(
        account=gainer,
        date=today_utc() - timedelta(days=30),
        followers=gainer.followers,
        following=gainer.following,
        public_repos=gainer.public_repos,
        total_stars=0,
        total_forks=gainer.total_forks,
    )
    watchers[0].get(WATCHLIST)  # the rows, shared
    by_change = watchers[1].get(f"{WATCHLIST}?sort=change").content.decode()
    assert "+100" in by_change
    assert by_change.index("watch-shared-user") < by_change.index("watch-shared-org")


def test_a_stale_row_is_not_served_from_what_was_shared(watchers):
    watchers[0].get(WATCHLIST)
    behind_the_caches_back(
        GitHubAccount.objects.get(login="shared-user"),
        fetched_at=timezone.now() - timedelta(days=2),
    )
    assert "Stale" in watchers[1].get(WATCHLIST).content.decode()


BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends
PLACEHOLDER = "<!--piece-"  # caching.Spliced's, which no page may ever show


def test_a_new_visitors_gzipped_page_carries_the_shared_body_as_it_was_compressed(
    account, client_logged_in
):
    first = client_logged_in.get(PAGE, HTTP_ACCEPT_ENCODING=BROWSER)
    (key,) = fragment_keys()
    body = Deflated(*cache.get(key))
    second = signed_in(UserFactory()).get(PAGE, HTTP_ACCEPT_ENCODING=BROWSER)
    assert second["Content-Encoding"] == "gzip"
    # Spliced in byte for byte, not inflated and compressed again for this person.
    assert body.data in second.content
    pages = [gzip.decompress(response.content).decode() for response in (first, second)]
    assert body.inflated().decode() in pages[1]
    assert (
        pages[0].count('<section class="figures"')
        == pages[1].count('<section class="figures"')
        == 1
    )
    assert PLACEHOLDER not in pages[0] + pages[1]
    # A client without gzip: the same page, the body inflated into it.
    plain = signed_in(UserFactory()).get(PAGE).content.decode()
    assert body.inflated().decode() in plain
    assert PLACEHOLDER not in plain


@pytest.mark.parametrize("browser", [BROWSER, ""])
def test_a_page_that_is_not_kept_carries_the_body_itself(
    account, client_logged_in, settings, browser
):
    settings.RESPONSE_CACHE_SECONDS = 0
    response = client_logged_in.get(PAGE, HTTP_ACCEPT_ENCODING=browser)
    assert "Content-Encoding" not in response
    page = response.content.decode()
    assert '<section class="figures"' in page
    assert PLACEHOLDER not in page


def test_a_stale_page_that_polls_its_refresh_carries_the_body_itself(account, client_logged_in):
    client_logged_in.get(PAGE, HTTP_ACCEPT_ENCODING=BROWSER)  # the shared body, kept
    behind_the_caches_back(account, fetched_at=timezone.now() - timedelta(days=2))
    page = signed_in(UserFactory()).get(PAGE, HTTP_ACCEPT_ENCODING=BROWSER).content.decode()
    assert '<section class="figures"' in page
    assert PLACEHOLDER not in page
