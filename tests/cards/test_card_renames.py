"""A README's card keeps working when GitHub renames the account or the repository it shows:
the refresh that finds the new name remembers the old one (FormerName), and the card under the
old name is a 301 to the card under the new one, options kept."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from github_stats.models import FormerName, GitHubAccount

pytestmark = pytest.mark.django_db


def _rename_repo(state, owner: str, old: str, new: str) -> None:
    with state.lock:
        account = state.account(owner)
        repo = account.repos.pop(old.lower())
        repo.name = new
        account.repos[new.lower()] = repo
        repo.updated_at = account.updated_at = state.tick()


def test_a_renamed_account_s_cards_redirect_to_its_new_login(fake_github, refresh, client):
    fake_github.state.add_user("old-name", repos=2)
    refresh("old-name")
    fake_github.state.rename_account("old-name", "new-name")
    account = GitHubAccount.objects.get()
    refresh_by_id = refresh  # the stored account's refresh finds it by its GitHub id
    refresh_by_id("old-name")
    account.refresh_from_db()
    assert account.login == "new-name"
    assert FormerName.objects.filter(kind="account", name="old-name", account=account).exists()
    fake_github.state.reset_counters()

    response = client.get("/cards/old-name/stats.svg?theme=dark")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/cards/new-name/stats.svg?theme=dark"
    repo = account.repositories.first()
    moved = client.get(f"/cards/old-name/{repo.name}/pin.svg")
    assert moved["Location"] == f"/cards/new-name/{repo.name}/pin.svg"
    assert client.get(response["Location"]).status_code == HTTPStatus.OK
    assert fake_github.state.log == []  # a card never asks GitHub, renamed or not


def test_a_renamed_repository_s_cards_redirect_to_its_new_name(fake_github, refresh, client):
    fake_github.state.add_user("octo", repos=0)
    fake_github.state.add_repo("octo", "first-name", stars=3)
    refresh("octo")
    _rename_repo(fake_github.state, "octo", "first-name", "second-name")

    refresh("octo")

    response = client.get("/cards/octo/first-name/pin.svg?hide_border=true")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/cards/octo/second-name/pin.svg?hide_border=true"


def test_a_refresh_without_renames_writes_no_former_names(fake_github, refresh):
    fake_github.state.add_user("steady", repos=3)
    refresh("steady")
    refresh("steady")
    assert not FormerName.objects.exists()


def test_a_hidden_account_s_old_name_is_not_redirected(fake_github, refresh, client):
    fake_github.state.add_user("old-name", repos=1)
    refresh("old-name")
    fake_github.state.rename_account("old-name", "new-name")
    refresh("old-name")
    GitHubAccount.objects.update(hidden=True)

    response = client.get("/cards/old-name/stats.svg")

    assert response.status_code == HTTPStatus.OK  # the "not stored here" card, not a redirect
    assert "Location" not in response
