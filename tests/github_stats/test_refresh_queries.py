"""account_refresh()'s SQL queries: a constant number, whatever the repository count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from github_stats.github.client import GitHubClient
from github_stats.models import GitHubAccount, Repository
from github_stats.services.refresh import account_refresh
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


# --- SQL queries: constant whatever the repository count -------------------------------------


def _refresh_queries(login: str, client: GitHubClient, *, warm: bool) -> int:
    if warm:
        account_refresh(login=login, client=client)
    account = GitHubAccount.objects.by_login(login).first()
    with CaptureQueriesContext(connection) as queries:
        account_refresh(account=account, login=None if account else login, client=client)
    return len(queries)


def test_a_cold_refresh_of_25_repositories_is_eight_queries(
    fake_github, github_client, django_assert_num_queries
):
    fake_github.state.add_user("alice", repos=25)
    # by login (none), by github id (none: not a rename), savepoint, login displacement,
    # account upsert (with the totals summed in memory), repository upsert, snapshot upsert,
    # release savepoint
    with django_assert_num_queries(8):
        account_refresh(login="alice", client=github_client)


def test_a_warm_refresh_with_nothing_changed_is_five_queries(
    fake_github, github_client, django_assert_num_queries
):
    fake_github.state.add_user("alice", repos=25)
    account_refresh(login="alice", client=github_client)
    account = GitHubAccount.objects.get()
    # stored repositories, savepoint, account upsert, snapshot upsert, release savepoint
    with django_assert_num_queries(5):
        account_refresh(account=account, client=github_client)


def test_a_warm_refresh_with_changes_is_nine_queries(
    fake_github, github_client, django_assert_num_queries
):
    fake_github.state.add_user("alice", repos=25)
    account_refresh(login="alice", client=github_client)
    names = list(fake_github.state.account("alice").repos)
    fake_github.state.bump_stars("alice", names[0])
    fake_github.state.delete_repo("alice", names[1])
    account = GitHubAccount.objects.get()
    # stored repositories, savepoint, account upsert, repository upsert, the gone one's delete
    # (its ids, its star history's delete, its own delete: Django cascades), snapshot upsert,
    # release savepoint
    with django_assert_num_queries(9):
        account_refresh(account=account, client=github_client)


@pytest.mark.postgres
def test_refresh_queries_are_the_same_for_25_and_2500_repositories(fake_github, github_client):
    require_postgres()  # SQLite caps a statement at 999 parameters, so Django batches there
    fake_github.state.add_user("small", repos=25)
    fake_github.state.add_user("large", repos=2500)

    cold = (
        _refresh_queries("small", github_client, warm=False),
        _refresh_queries("large", github_client, warm=False),
    )
    warm = (
        _refresh_queries("small", github_client, warm=True),
        _refresh_queries("large", github_client, warm=True),
    )

    assert cold == (8, 8)
    assert warm == (5, 5)
    assert Repository.objects.filter(owner__login="large").count() == 2500
