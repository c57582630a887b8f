from datetime import timedelta

import pytest

from github_stats.charts import Slice
from github_stats.exceptions import AccountHidden, InvalidLogin, NotFound
from github_stats.models import today_utc
from github_stats.selectors import (
    RepoQuery,
    account_dashboard,
    account_find,
    account_get_visible,
    account_history,
    account_page_data,
    account_repositories,
    account_search_suggestions,
    accounts_history,
    refresh_job_get,
    repository_detail,
    repository_find,
    top_slices,
)
from tests.pages.factories import AccountFactory, RepositoryFactory, SnapshotFactory, snapshots_for

pytestmark = pytest.mark.django_db


def test_account_find_is_case_insensitive_and_validates_first():
    account = AccountFactory(login="Octo-Cat")
    assert account_find(login="octo-cat") == account
    assert account_find(login="someone-else") is None
    with pytest.raises(InvalidLogin):
        account_find(login="-bad-")
    with pytest.raises(NotFound):
        account_get_visible(login="someone-else")


def test_hidden_account_is_not_available():
    AccountFactory(login="hidden-one", hidden=True)
    with pytest.raises(AccountHidden):
        account_find(login="hidden-one")


def test_figures_change_over_7_and_30_days_from_snapshots():
    account = AccountFactory(followers=1200)
    snapshots_for(account, days=40, stars_from=100, step=2)
    dashboard = account_dashboard(account=account)
    figures = {f.key: f for f in dashboard.figures}
    stars = figures["total_stars"]
    assert stars.value == 100 + 39 * 2
    assert stars.change_7d == 14
    assert stars.change_30d == 60
    assert figures["followers"].value == 1200
    assert figures["followers"].change_7d == 7


def test_figures_without_old_snapshots_have_no_change():
    account = AccountFactory()
    SnapshotFactory(account=account)
    figures = {f.key: f for f in account_dashboard(account=account).figures}
    assert figures["total_stars"].change_7d is None
    assert figures["total_stars"].change_30d is None


def test_figures_without_any_snapshot_sum_the_repositories():
    account = AccountFactory()
    RepositoryFactory(owner=account, stars=5, forks=1)
    RepositoryFactory(owner=account, stars=7, forks=2)
    figures = {f.key: f for f in account_dashboard(account=account).figures}
    assert figures["total_stars"].value == 12
    assert figures["total_forks"].value == 3


def test_languages_top_8_plus_other():
    pairs = [(f"L{i}", 100 - i) for i in range(10)]
    slices = top_slices(pairs)
    assert len(slices) == 9
    assert slices[-1].name == "Other"
    assert slices[-1].value == 92 + 91
    assert abs(sum(s.share for s in slices) - 1) < 1e-9
    assert top_slices([]) == []


def test_languages_by_bytes_and_by_repos_skip_forks():
    account = AccountFactory()
    RepositoryFactory(owner=account, language="Python", language_bytes={"Python": 300, "C": 100})
    RepositoryFactory(owner=account, language="Go", language_bytes={"Go": 100})
    RepositoryFactory(owner=account, language="Rust", is_fork=True, language_bytes={"Rust": 10**6})
    languages = account_dashboard(account=account).languages
    assert [s.name for s in languages.by_bytes] == ["Python", "C", "Go"]
    assert languages.by_bytes[0] == Slice("Python", 300, 0.6)
    assert {s.name for s in languages.by_repos} == {"Python", "Go"}


def test_repositories_sort_filter_and_paginate():
    account = AccountFactory()
    for i in range(25):
        RepositoryFactory(owner=account, name=f"r{i:02d}", stars=i, forks=25 - i)
    RepositoryFactory(owner=account, name="forked", stars=1000, is_fork=True)
    RepositoryFactory(owner=account, name="old", stars=999, archived=True)

    page = account_repositories(account=account, query=RepoQuery())
    assert page.total == 26  # forks hidden by default, archived shown
    assert [r.name for r in page.rows[:2]] == ["old", "r24"]
    assert page.num_pages == 2
    assert page.has_next

    page2 = account_repositories(account=account, query=RepoQuery(sort="forks", page=2))
    assert len(page2.rows) == 6
    assert not page2.has_next

    with_forks = account_repositories(account=account, query=RepoQuery(forks=True, archived=False))
    assert with_forks.rows[0].name == "forked"
    assert all(not r.archived for r in with_forks.rows)

    by_name = account_repositories(account=account, query=RepoQuery(sort="name"))
    assert by_name.rows[0].name == "old"


def test_repo_query_parse_never_raises():
    assert RepoQuery.parse({"sort": "drop table", "page": "x"}) == RepoQuery()
    assert RepoQuery.parse({"page": "-5"}).page == 1
    assert RepoQuery.parse({"page": "99999999999"}).page == 10_000
    assert RepoQuery.parse({"forks": "1", "archived": "0", "sort": "name"}) == RepoQuery(
        sort="name", forks=True, archived=False
    )


def test_page_beyond_the_last_is_the_last_page():
    account = AccountFactory()
    RepositoryFactory(owner=account)
    page = account_repositories(account=account, query=RepoQuery(page=50))
    assert page.page == 1
    assert len(page.rows) == 1


def test_history_range_and_many_accounts_in_one_query(django_assert_num_queries):
    a, b = AccountFactory(), AccountFactory()
    snapshots_for(a, days=100)
    snapshots_for(b, days=10)
    assert len(account_history(account=a, days=30).points) == 31
    with django_assert_num_queries(1):
        many = accounts_history(account_ids=[a.pk, b.pk], days=90)
    assert len(many[a.pk].points) == 91
    assert len(many[b.pk].points) == 10
    assert many[a.pk].points[-1].date == today_utc()


def test_cached_page_data_costs_no_query_until_a_refresh(django_assert_num_queries):
    account = AccountFactory()
    snapshots_for(account, days=10)
    RepositoryFactory(owner=account)
    account_page_data(account=account)
    with django_assert_num_queries(0):
        account_page_data(account=account)
    # A refresh moves fetched_at (and bumps the version key): the next read rebuilds.
    account.fetched_at += timedelta(minutes=1)
    # snapshots; languages by bytes, by count; repositories count, page; history
    with django_assert_num_queries(6):
        account_page_data(account=account)


def test_suggestions_are_case_insensitive_prefix_matches_of_visible_accounts():
    AccountFactory(login="Django")
    AccountFactory(login="django-htmx")
    AccountFactory(login="djangonaut", hidden=True)
    AccountFactory(login="flask")
    found = [s.login for s in account_search_suggestions(prefix="DJA")]
    assert found == ["Django", "django-htmx"]
    assert account_search_suggestions(prefix="") == []
    assert account_search_suggestions(prefix="%") == []
    assert account_search_suggestions(prefix="dj_") == []


def test_repository_find_and_detail():
    account = AccountFactory(login="acme")
    RepositoryFactory(
        owner=account, name="Rocket", homepage="javascript:alert(1)", language_bytes={}
    )
    repo = repository_find(owner=account, name="rocket")
    assert repo is not None
    detail = repository_detail(repository=repo)
    assert detail.full_name == "acme/Rocket"
    assert detail.homepage_url == ""
    assert not detail.languages_measured
    assert detail.languages == [Slice("Python", 1, 1.0)]
    assert repository_find(owner=account, name="nope") is None
    with pytest.raises(InvalidLogin):
        repository_find(owner=account, name="..")


def test_refresh_job_get_tolerates_garbage():
    assert refresh_job_get(job_id="not-a-uuid") is None
    assert refresh_job_get(job_id="00000000-0000-0000-0000-000000000000") is None
