"""The selectors (github_stats/selectors/): what the pages and the API read, and what it costs."""

from datetime import timedelta

import pytest

from github_stats.exceptions import AccountHidden, NotFound
from github_stats.models import GitHubAccount, new_cache_version, today_utc
from github_stats.selectors.accounts import (
    account_find,
    account_get_visible,
    account_profile,
    account_search_suggestions,
    refresh_job_get,
    repository_find,
)
from github_stats.selectors.compare import accounts_comparison
from github_stats.selectors.dashboard import account_dashboard, accounts_history
from github_stats.selectors.repositories import (
    RepoQuery,
    account_repositories,
    account_repositories_page,
    account_top_repositories,
    repository_detail,
)
from github_stats.selectors.repository_dates import account_repository_dates
from github_stats.selectors.watchlist import watchlist_rows, watchlist_sorted, watchlist_trends
from github_stats.ui.languages import LanguageShare
from tests.pages.factories import (
    GitHubAccountFactory,
    RepositoryFactory,
    SnapshotFactory,
    TrackingFactory,
    snapshots_for,
)

pytestmark = pytest.mark.django_db


def test_account_find_is_case_insensitive():
    account = GitHubAccountFactory(login="Octo-Cat")
    assert account_find(login="octo-cat") == account
    assert account_find(login="someone-else") is None
    with pytest.raises(NotFound):
        account_get_visible(login="someone-else")


def test_account_find_binds_each_call_its_own_values(django_assert_num_queries):
    """Its SQL is compiled once per process and reused: every call still finds its own account,
    by login or id, and answers for its own person."""
    from tests.factories import UserFactory

    first, second = GitHubAccountFactory(login="first-one"), GitHubAccountFactory(login="Second")
    alice, bob = UserFactory(), UserFactory()
    TrackingFactory(user=alice, account=first)
    TrackingFactory(user=bob, account=first)
    TrackingFactory(user=bob, account=second)
    for user, account, tracked in (
        (alice, first, True),
        (alice, second, False),
        (bob, second, True),
        (bob, first, True),
    ):
        with django_assert_num_queries(1):
            found = account_find(login=account.login.upper(), tracked_by=user, with_watchlist=True)
        assert (found, bool(found.is_tracked), bool(found.on_watchlist)) == (account, tracked, True)
        assert found.get_deferred_fields() == {"repo_page_validators"}
    assert account_find(account_id=second.pk) == second
    assert account_find(account_id=first.pk, with_watchlist=True).on_watchlist
    assert not account_find(login="first-one", tracked_by=UserFactory()).is_tracked


def test_hidden_account_is_not_available():
    GitHubAccountFactory(login="hidden-one", hidden=True)
    with pytest.raises(AccountHidden):
        account_find(login="hidden-one")


def test_figures_change_over_7_and_30_days_from_snapshots(django_assert_num_queries):
    account = GitHubAccountFactory(followers=1200)
    snapshots_for(account, days=40, stars_from=100, step=2)
    with django_assert_num_queries(1):  # the snapshots, for the figures and the history alike
        dashboard = account_dashboard(account=account, history_days=30)
    figures = {f.key: f for f in dashboard.figures}
    stars = figures["total_stars"]
    assert stars.value == 100 + 39 * 2
    assert stars.change_7d == 14
    assert stars.change_30d == 60
    assert figures["followers"].value == 1200
    assert figures["followers"].change_7d == 7
    assert len(dashboard.history.points) == 31


def test_figures_without_old_snapshots_have_no_change():
    account = GitHubAccountFactory()
    SnapshotFactory(account=account)
    figures = {f.key: f for f in account_dashboard(account=account).figures}
    assert figures["total_stars"].change_7d is None
    assert figures["total_stars"].change_30d is None


def test_a_snapshot_a_few_days_older_still_gives_the_change_but_not_a_much_older_one():
    account = GitHubAccountFactory(followers=50)
    snapshots_for(account, days=40)  # the snapshot of k days ago says 50 - k followers
    today = today_utc()
    # Nothing from 8 days ago to yesterday: "7 days" compares with 9 days ago (within slack).
    account.snapshots.filter(date__gte=today - timedelta(days=8), date__lt=today).delete()
    figures = {f.key: f for f in account_dashboard(account=account).figures}
    assert figures["followers"].change_7d == 9
    # Nothing from 15 days ago either: no honest change over 7 days.
    account.snapshots.filter(date__gte=today - timedelta(days=15), date__lt=today).delete()
    figures = {f.key: f for f in account_dashboard(account=account).figures}
    assert figures["followers"].change_7d is None
    assert figures["followers"].change_30d == 30


def test_figures_come_from_the_account_row_without_any_snapshot():
    account = GitHubAccountFactory()
    RepositoryFactory(owner=account, stars=5, forks=1)
    RepositoryFactory(owner=account, stars=7, forks=2)
    figures = {f.key: f for f in account_dashboard(account=account).figures}
    assert figures["total_stars"].value == 12
    assert figures["total_forks"].value == 3


def test_languages_by_bytes_and_by_repos_skip_forks():
    account = GitHubAccountFactory()
    RepositoryFactory(owner=account, language="Python", language_bytes={"Python": 300, "C": 100})
    RepositoryFactory(owner=account, language="Go", language_bytes={"Go": 100})
    RepositoryFactory(owner=account, language="Rust", is_fork=True, language_bytes={"Rust": 10**6})
    languages = account_dashboard(account=account).languages
    assert [s.name for s in languages.by_bytes] == ["Python", "C", "Go"]
    assert languages.by_bytes[0] == LanguageShare("Python", 300, 0.6)
    assert {s.name for s in languages.by_repos} == {"Python", "Go"}


def test_repositories_sort_filter_and_paginate(django_assert_num_queries):
    account = GitHubAccountFactory()
    for i in range(25):
        RepositoryFactory(owner=account, name=f"r{i:02d}", stars=i, forks=25 - i)
    RepositoryFactory(owner=account, name="forked", stars=1000, is_fork=True)
    RepositoryFactory(owner=account, name="old", stars=999, archived=True)

    with django_assert_num_queries(2):  # the count and the page
        page = account_repositories_page(account=account, query=RepoQuery())
    assert page.total == 26  # forks hidden by default, archived shown
    assert [r.name for r in page.rows[:2]] == ["old", "r24"]
    assert page.num_pages == 2
    assert page.has_next

    page2 = account_repositories_page(account=account, query=RepoQuery(sort="forks", page=2))
    assert len(page2.rows) == 6
    assert not page2.has_next

    with_forks = account_repositories_page(
        account=account, query=RepoQuery(forks=True, archived=False)
    )
    assert with_forks.rows[0].name == "forked"
    assert all(not r.archived for r in with_forks.rows)

    by_name = account_repositories_page(account=account, query=RepoQuery(sort="name"))
    assert [r.name for r in by_name.rows[:2]] == ["old", "r00"]


def test_any_window_of_the_repositories_for_the_api(django_assert_num_queries):
    account = GitHubAccountFactory()
    for i in range(5):
        RepositoryFactory(owner=account, name=f"r{i}", stars=i, is_fork=i == 4)
    with django_assert_num_queries(2):
        window = account_repositories(account=account, limit=2, offset=1)
    assert ([r.name for r in window.items], window.count) == (["r3", "r2"], 5)
    only_forks = account_repositories(account=account, fork=True)
    assert [r.name for r in only_forks.items] == ["r4"]
    with django_assert_num_queries(1):
        top = account_top_repositories(account=account, limit=2)
    assert [r.name for r in top] == ["r3", "r2"]


def test_each_column_sorts_both_ways_and_the_table_filters_by_name_and_language():
    account = GitHubAccountFactory()
    RepositoryFactory(owner=account, name="alpha-cli", stars=5, language="Go")
    RepositoryFactory(owner=account, name="beta-web", stars=50, language="TypeScript")
    RepositoryFactory(owner=account, name="gamma-cli", stars=1, language="go")

    def names(**query) -> list[str]:
        page = account_repositories_page(account=account, query=RepoQuery(**query))
        return [row.name for row in page.rows]

    assert names() == ["beta-web", "alpha-cli", "gamma-cli"]
    assert names(order="asc") == ["gamma-cli", "alpha-cli", "beta-web"]
    assert names(sort="name") == ["alpha-cli", "beta-web", "gamma-cli"]
    assert names(sort="name", order="desc") == ["gamma-cli", "beta-web", "alpha-cli"]
    assert names(name="CLI") == ["alpha-cli", "gamma-cli"]
    assert names(language="GO", sort="name") == ["alpha-cli", "gamma-cli"]
    assert names(name="nothing-like-it") == []


def test_the_table_state_in_its_url_leaves_defaults_out():
    assert RepoQuery(sort="name", order="asc").params() == {"sort": "name"}
    assert RepoQuery(sort="name", order="desc").params() == {"sort": "name", "order": "desc"}
    assert RepoQuery(order="asc", name="cli", language="Go").params() == {
        "order": "asc",
        "name": "cli",
        "lang": "Go",
    }
    stars = RepoQuery()
    assert stars.toggled("stars") == {"order": "asc", "page": 1}
    assert stars.toggled("name") == {"sort": "name", "order": None, "page": 1}
    parsed = RepoQuery.parse({"sort": "forks", "order": "sideways", "name": "  x " * 40})
    assert parsed.direction == "desc"
    assert len(parsed.name) <= 100


def test_repo_query_parse_never_raises():
    assert RepoQuery.parse({"sort": "drop table", "page": "x"}) == RepoQuery()
    assert RepoQuery.parse({"page": "-5"}).page == 1
    assert RepoQuery.parse({"page": "99999999999"}).page == 10_000
    assert RepoQuery.parse({"forks": "1", "archived": "0", "sort": "name"}) == RepoQuery(
        sort="name", forks=True, archived=False
    )


def test_page_beyond_the_last_is_the_last_page():
    account = GitHubAccountFactory()
    RepositoryFactory(owner=account)
    page = account_repositories_page(account=account, query=RepoQuery(page=50))
    assert page.query.page == 1
    assert len(page.rows) == 1


def test_history_of_many_accounts_in_one_query(django_assert_num_queries):
    a, b = GitHubAccountFactory(), GitHubAccountFactory()
    snapshots_for(a, days=100)
    snapshots_for(b, days=10)
    with django_assert_num_queries(1):
        many = accounts_history(account_ids=[a.pk, b.pk], days=90)
    assert len(many[a.pk].points) == 91
    assert len(many[b.pk].points) == 10
    assert many[a.pk].points[-1].date == today_utc()


def test_the_watchlist_reads_its_rows_and_their_trends_in_two_queries(
    user, django_assert_num_queries
):
    for index in range(4):
        account = GitHubAccountFactory(login=f"w{index}", followers=100 + index)
        snapshots_for(account, days=40, step=index)
        TrackingFactory(user=user, account=account)
    with django_assert_num_queries(2):
        rows = watchlist_rows(user=user)
        trends = watchlist_trends(rows=rows)
    assert [row.login for row in rows] == ["w3", "w2", "w1", "w0"]  # most recently added first
    assert trends["w3"].stars_change == 30 * 3
    assert len(trends["w3"].stars_trend) == 31
    by_change = watchlist_sorted(rows, trends, "change")
    assert [row.login for row in by_change] == ["w3", "w2", "w1", "w0"]
    assert [row.login for row in watchlist_sorted(rows, trends, "name")] == [
        "w0",
        "w1",
        "w2",
        "w3",
    ]


def test_a_comparison_reads_everything_in_three_queries(django_assert_num_queries):
    for login in ("a1", "a2", "a3"):
        snapshots_for(GitHubAccountFactory(login=login), days=40)
    GitHubAccountFactory(login="secret", hidden=True)
    # the accounts, every snapshot, every user's contribution years (the activity figures)
    with django_assert_num_queries(3):
        comparison = accounts_comparison(logins=["A2", "a1", "a3", "a1", "ghost", "secret"])
    assert [a.profile.login for a in comparison.accounts] == ["a2", "a1", "a3"]
    assert (comparison.unknown, comparison.hidden) == (["ghost"], ["secret"])
    assert len(comparison.accounts[0].history.points) == 40  # all it has of the last 90 days


def test_suggestions_are_case_insensitive_prefix_matches_of_visible_accounts():
    GitHubAccountFactory(login="Django")
    GitHubAccountFactory(login="django-htmx")
    GitHubAccountFactory(login="djangonaut", hidden=True)
    GitHubAccountFactory(login="flask")
    found = [s.login for s in account_search_suggestions(prefix="DJA")]
    assert found == ["Django", "django-htmx"]
    assert account_search_suggestions(prefix="") == []
    assert account_search_suggestions(prefix="%") == []
    assert account_search_suggestions(prefix="dj_") == []


def test_repository_find_and_detail():
    account = GitHubAccountFactory(login="acme")
    RepositoryFactory(
        owner=account, name="Rocket", homepage="javascript:alert(1)", language_bytes={}
    )
    repo = repository_find(owner=account, name="rocket")
    assert repo is not None
    detail = repository_detail(repository=repo, owner=account_profile(account=account))
    assert (detail.owner, detail.full_name) == ("acme", "acme/Rocket")
    assert detail.homepage_url == ""
    assert not detail.languages_measured
    assert detail.languages == [LanguageShare("Python", 1, 1.0)]
    assert repository_find(owner=account, name="nope") is None


def test_refresh_job_get_tolerates_garbage():
    assert refresh_job_get(job_id="not-a-uuid") is None
    assert refresh_job_get(job_id="00000000-0000-0000-0000-000000000000") is None


def test_repository_dates_are_read_once_per_account_row_and_again_after_a_refresh(
    django_assert_num_queries,
):
    account = GitHubAccountFactory()
    RepositoryFactory(owner=account, name="old")
    with django_assert_num_queries(1):
        assert len(account_repository_dates(account=account)) == 1
        assert len(account_repository_dates(account=account)) == 1
    RepositoryFactory(owner=account, name="new")
    # A refresh gives the account a new version: the row read again after it reads them again.
    GitHubAccount.objects.filter(pk=account.pk).update(cache_version=new_cache_version())
    account.refresh_from_db()
    with django_assert_num_queries(1):
        assert len(account_repository_dates(account=account)) == 2
