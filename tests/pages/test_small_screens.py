"""Issue 15, items 7 and 8 in the markup: the repositories table marks the columns a phone drops,
and a language swatch too faint on a theme's background carries that theme's outline class."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

pytestmark = pytest.mark.django_db

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()


@pytest.fixture
def account():
    account = GitHubAccountFactory(login="octo-cat")
    RepositoryFactory(owner=account, name="pale", language="JavaScript", stars=5, forks=2)
    RepositoryFactory(owner=account, name="dark", language="C", stars=3, forks=1)
    snapshots_for(account, days=3)
    return account


def _table(client) -> str:
    body = client.get("/u/octo-cat").content.decode()
    return re.search(r'<table class="repo-table">.*?</table>', body, re.S).group(0)


def test_forks_and_last_push_are_the_secondary_columns(client_logged_in, account):
    table = _table(client_logged_in)
    headers = re.findall(r"<th scope=\"col\"([^>]*)>(.*?)</th>", table, re.S)
    secondary = {
        re.sub(r"<[^>]+>", "", text).strip() for attrs, text in headers if "col-secondary" in attrs
    }
    assert secondary == {"Forks", "Last push"}
    # Every row marks the same cells, so the columns drop whole.
    assert table.count('<td class="num col-secondary"') == 2
    assert table.count('<td class="col-pushed col-secondary"') == 2


def test_a_phone_drops_the_secondary_columns_and_keeps_the_language():
    phone = re.search(r"@media \(max-width: 30rem\) \{(.*?)\n\}", CSS, re.S).group(1)
    assert ".repo-table .col-secondary { display: none; }" in phone
    assert "col-lang { display: none" not in CSS


def test_the_table_has_a_scroll_cue():
    assert re.search(r"\.table-wrap \{\s*background:[^}]*local[^}]*scroll", CSS, re.S)


def test_faint_language_swatches_carry_their_outline(client_logged_in, account):
    table = _table(client_logged_in)
    assert 'fill="#f1e05a" class="lang-outline-light"' in table  # JavaScript, pale on white
    assert 'fill="#555555" class="lang-outline-dark"' in table  # C, dark on dark
