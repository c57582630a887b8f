"""account_refresh() against the fake GitHub over HTTP: what it stores and what it costs in
quota. Its SQL queries are pinned in test_refresh_queries.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from github_stats.exceptions import AccountHidden
from github_stats.github.client import GitHubClient
from github_stats.github.errors import GitHubNotFound, GitHubUnavailable
from github_stats.models import AccountSnapshot, GitHubAccount, RefreshStatus, Repository
from github_stats.services.refresh import account_refresh
from tests.github_stats.factories import GitHubAccountFactory

pytestmark = pytest.mark.django_db


def _state() -> dict:
    """Everything a refresh writes, in a comparable form."""
    accounts = list(
        GitHubAccount.objects.order_by("github_id").values(
            "github_id", "login", "kind", "followers", "public_repos", "etag", "refresh_status"
        )
    )
    repos = list(
        Repository.objects.order_by("github_id").values(
            "github_id", "owner__github_id", "name", "stars", "forks", "is_fork", "archived",
            "language", "language_bytes", "languages_pushed_at", "pushed_at", "topics",
        )
    )  # fmt: skip
    snapshots = list(
        AccountSnapshot.objects.order_by("account__github_id", "date").values(
            "account__github_id", "date", "total_stars", "total_forks", "followers"
        )
    )
    return {"accounts": accounts, "repos": repos, "snapshots": snapshots}


def test_cold_refresh_stores_the_account_and_every_repository(fake_github, github_client):
    fake = fake_github.state.add_user("alice", repos=250)

    result = account_refresh(login="alice", client=github_client)

    account = GitHubAccount.objects.get()
    assert (account.github_id, account.login, account.kind) == (fake.id, "alice", "user")
    assert account.followers == fake.followers
    assert account.total_stars == sum(repo.stars for repo in fake.repos.values())
    assert account.total_forks == sum(repo.forks for repo in fake.repos.values())
    assert account.refresh_status == RefreshStatus.OK
    assert account.fetched_at is not None
    assert Repository.objects.filter(owner=account).count() == 250
    assert result.created
    assert result.repositories == 250
    stored = {r.github_id: r for r in Repository.objects.all()}
    for repo in fake.repos.values():
        assert stored[repo.id].stars == repo.stars
        assert stored[repo.id].is_fork == repo.is_fork
        assert stored[repo.id].name == repo.name


def test_cold_refresh_costs_one_request_per_hundred_repositories_plus_one(
    fake_github, github_client
):
    fake_github.state.add_user("alice", repos=250)

    result = account_refresh(login="alice", client=github_client)

    assert result.stats.quota_requests == 1 + 3
    assert fake_github.state.quota_counted == 4


def test_warm_refresh_with_nothing_changed_costs_no_quota(fake_github, github_client):
    fake_github.state.add_user("alice", repos=250)
    account_refresh(login="alice", client=github_client)
    fake_github.state.reset_counters()

    result = account_refresh(account=GitHubAccount.objects.get(), client=github_client)

    assert fake_github.state.quota_counted == 0
    assert result.stats.quota_requests == 0
    assert result.stats.not_modified == 4
    assert result.repositories_written == 0
    assert Repository.objects.count() == 250


def test_refresh_twice_leaves_the_same_state(fake_github, github_client):
    fake_github.state.add_user("alice", repos=120)
    account_refresh(login="alice", client=github_client)
    first = _state()

    account_refresh(login="alice", client=github_client)

    assert _state() == first


def test_forks_are_kept_and_flagged(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.add_repo("alice", "original", stars=7)
    fake_github.state.add_repo("alice", "borrowed", is_fork=True, stars=2)

    account_refresh(login="alice", client=github_client)

    assert dict(Repository.objects.values_list("name", "is_fork")) == {
        "original": False,
        "borrowed": True,
    }
    assert GitHubAccount.objects.get().total_stars == 9
    snapshot = AccountSnapshot.objects.get()
    assert (snapshot.total_stars, snapshot.non_fork_stars) == (9, 7)


def test_repositories_deleted_on_github_are_removed(fake_github, github_client):
    fake_github.state.add_user("alice", repos=150)
    account_refresh(login="alice", client=github_client)
    victim = next(iter(fake_github.state.account("alice").repos.values()))
    fake_github.state.delete_repo("alice", victim.name)

    result = account_refresh(account=GitHubAccount.objects.get(), client=github_client)

    assert result.repositories_removed == 1
    assert not Repository.objects.filter(github_id=victim.id).exists()
    assert Repository.objects.count() == 149
    remaining = fake_github.state.account("alice").repos.values()
    assert GitHubAccount.objects.get().total_stars == sum(repo.stars for repo in remaining)


def test_a_changed_repository_is_updated(fake_github, github_client):
    fake_github.state.add_user("alice", repos=150)
    account_refresh(login="alice", client=github_client)
    repo = next(iter(fake_github.state.account("alice").repos.values()))
    fake_github.state.bump_stars("alice", repo.name, by=100)

    account_refresh(account=GitHubAccount.objects.get(), client=github_client)

    assert Repository.objects.get(github_id=repo.id).stars == repo.stars
    totals = sum(r.stars for r in fake_github.state.account("alice").repos.values())
    assert GitHubAccount.objects.get().total_stars == totals


def test_a_renamed_account_is_updated_in_place(fake_github, github_client):
    fake_github.state.add_user("alice", repos=3)
    account_refresh(login="alice", client=github_client)
    before = GitHubAccount.objects.get()
    fake_github.state.rename_account("alice", "alicia")

    account_refresh(account=before, client=github_client)

    after = GitHubAccount.objects.get()
    assert after.pk == before.pk
    assert after.login == "alicia"
    assert Repository.objects.filter(owner=after).count() == 3


def test_a_new_login_that_we_know_under_its_old_name_updates_that_row(fake_github, github_client):
    fake_github.state.add_user("alice", repos=3)
    account_refresh(login="alice", client=github_client)
    before = GitHubAccount.objects.get()
    fake_github.state.rename_account("alice", "alicia")

    account_refresh(login="alicia", client=github_client)

    assert list(GitHubAccount.objects.values_list("pk", "login")) == [(before.pk, "alicia")]


def test_a_login_taken_over_by_another_account_moves_to_the_new_owner(fake_github, github_client):
    fake_github.state.add_user("alice", repos=1)
    account_refresh(login="alice", client=github_client)
    fake_github.state.rename_account("alice", "alicia")
    newcomer = fake_github.state.add_user("alice", id=777, repos=2)

    account_refresh(login="alice", client=github_client)

    assert GitHubAccount.objects.by_login("alice").get().github_id == newcomer.id
    old = GitHubAccount.objects.exclude(github_id=newcomer.id).get()
    # Parked until its own refresh finds its new login through its id.
    assert old.login.startswith("alice~")
    account_refresh(account=old, client=github_client)
    old.refresh_from_db()
    assert old.login == "alicia"


def test_every_refresh_gives_the_account_a_new_cache_version(fake_github, github_client):
    fake_github.state.add_user("alice", repos=3)
    account_refresh(login="alice", client=github_client)
    first = GitHubAccount.objects.get().cache_version

    result = account_refresh(login="alice", client=github_client)  # all 304s: nothing new

    assert result.account.cache_version != first
    assert GitHubAccount.objects.get().cache_version == result.account.cache_version


def test_a_failed_refresh_gives_the_account_a_new_cache_version(fake_github, github_client):
    fake_github.state.add_user("alice")
    account_refresh(login="alice", client=github_client)
    account = GitHubAccount.objects.get()
    before = account.cache_version
    fake_github.state.remove_account("alice")

    with pytest.raises(GitHubNotFound):
        account_refresh(account=account, client=github_client)

    stored = GitHubAccount.objects.get()
    assert stored.refresh_status == RefreshStatus.NOT_FOUND  # shown in the API: a new version
    assert stored.cache_version != before


def test_todays_snapshot_is_upserted_once_per_day(fake_github, github_client):
    fake_github.state.add_user("alice")
    fake_github.state.add_repo("alice", "one", stars=3)
    account_refresh(login="alice", client=github_client)
    fake_github.state.bump_stars("alice", "one", by=2)

    account_refresh(login="alice", client=github_client)

    snapshot = AccountSnapshot.objects.get()
    assert snapshot.date == timezone.now().date()
    assert snapshot.total_stars == 5


def test_a_refresh_on_another_day_adds_a_snapshot(fake_github, github_client):
    fake_github.state.add_user("alice", repos=2)
    yesterday = timezone.now() - dt.timedelta(days=1)
    account_refresh(login="alice", client=github_client, now=yesterday)

    account_refresh(login="alice", client=github_client)

    assert AccountSnapshot.objects.count() == 2


def test_a_hidden_account_is_not_refreshed(fake_github, github_client):
    GitHubAccountFactory(login="alice", hidden=True)

    with pytest.raises(AccountHidden):
        account_refresh(login="alice", client=github_client)

    assert fake_github.state.total == 0


def test_an_unknown_login_is_not_found_and_stores_nothing(fake_github, github_client):
    with pytest.raises(GitHubNotFound):
        account_refresh(login="nobody", client=github_client)

    assert not GitHubAccount.objects.exists()


def test_an_account_gone_from_github_keeps_its_data_and_says_so(fake_github, github_client):
    fake_github.state.add_user("alice", repos=2)
    account_refresh(login="alice", client=github_client)
    fake_github.state.remove_account("alice")

    with pytest.raises(GitHubNotFound):
        account_refresh(account=GitHubAccount.objects.get(), client=github_client)

    account = GitHubAccount.objects.get()
    assert account.refresh_status == RefreshStatus.NOT_FOUND
    assert Repository.objects.count() == 2


def test_a_failure_half_way_writes_nothing(fake_github, github_client):
    fake_github.state.add_user("alice", repos=250)
    fake_github.state.inject("/user/*/repos", "status", status=502, count=None)

    with pytest.raises(GitHubUnavailable):
        account_refresh(login="alice", client=github_client)

    assert not GitHubAccount.objects.exists()
    assert not Repository.objects.exists()


def test_without_a_token_languages_come_from_primary_languages_only(fake_github, github_client):
    fake_github.state.add_user("alice", repos=30)

    account_refresh(login="alice", client=github_client)

    assert fake_github.state.count("/graphql") == 0
    assert fake_github.state.count("/repos/*") == 0
    account = GitHubAccount.objects.get()
    own = Repository.objects.filter(is_fork=False).exclude(language="")
    assert sum(account.language_repos.values()) == own.count()
    assert account.language_bytes == {}


def test_with_a_token_languages_are_fetched_once_per_push(fake_github, github_client_with_token):
    fake_github.state.add_user("alice", repos=150)
    result = account_refresh(login="alice", client=github_client_with_token)
    assert fake_github.state.count("/graphql") == 2  # one query per 100 repositories
    assert result.languages_fetched == 150
    assert Repository.objects.filter(languages_pushed_at__isnull=True).count() == 0
    fake_github.state.reset_counters()

    repo = next(r for r in fake_github.state.account("alice").repos.values() if not r.is_fork)
    fake_github.state.push("alice", repo.name, language_bytes={"Rust": 4096})
    result = account_refresh(login="alice", client=github_client_with_token)

    assert fake_github.state.count("/graphql") == 1
    assert result.languages_fetched == 1
    assert Repository.objects.get(github_id=repo.id).language_bytes == {"Rust": 4096}
    assert GitHubAccount.objects.get().language_bytes["Rust"] >= 4096


def test_with_a_token_nothing_changed_costs_no_quota_and_no_graphql(
    fake_github, github_client_with_token
):
    fake_github.state.add_user("alice", repos=150)
    account_refresh(login="alice", client=github_client_with_token)
    fake_github.state.reset_counters()

    result = account_refresh(login="alice", client=github_client_with_token)

    assert fake_github.state.quota_counted == 0
    assert fake_github.state.count("/graphql") == 0
    assert result.stats.graphql_points == 0


def test_validators_stored_under_another_token_are_not_sent(fake_github, github_client):
    fake_github.state.add_user("alice", repos=3)
    account_refresh(login="alice", client=github_client)
    other = GitHubClient(base_url=fake_github.url, token="ghp_another_token")
    fake_github.state.reset_counters()

    account_refresh(login="alice", client=other)

    assert fake_github.state.count("/users/alice", status=304) == 0
    assert GitHubAccount.objects.get().validators_token == other.token_fingerprint


def test_partially_written_data_is_repaired_by_the_next_refresh(fake_github, github_client):
    fake_github.state.add_user("alice", repos=250)
    account_refresh(login="alice", client=github_client)
    complete = _state()
    # As if a run had stored the page validators but not all of their repositories.
    Repository.objects.filter(
        pk__in=list(Repository.objects.values_list("pk", flat=True)[:40])
    ).delete()

    account_refresh(account=GitHubAccount.objects.get(), client=github_client)

    assert _state() == complete
