"""/compare/: the activity rows (contributions, streaks) beside the other figures, for users;
organisations have no contribution calendar and no rows for it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client

from github_stats.models import today_utc
from tests.github_stats.factories import contribution_days
from tests.pages.factories import compared_account as stored

pytestmark = pytest.mark.django_db

URL = "/compare/"


def _activity_cells(content: str, label: str) -> list[str]:
    row = re.search(rf'<tr class="compare-activity">\s*<th scope="row">{label}</th>(.*?)</tr>',
                    content, re.S)  # fmt: skip
    assert row is not None, label
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td.*?</td>", row[1], re.S)]


def test_activity_figures_beside_the_others(client_logged_in: Client):
    today = today_utc()
    alice = stored("alice", kind="user")
    contribution_days(alice, {today - timedelta(days=i): 3 for i in range(4)}
                   | {date(today.year - 1, 6, 1): 50, date(today.year - 5, 2, 2): 7})  # fmt: skip
    stored("bob", kind="user")  # no calendar stored
    stored("acme", kind="org")

    content = client_logged_in.get(URL, {"logins": "alice,bob,acme"}).content.decode()

    this_year = _activity_cells(content, "Contributions this year")
    assert ">12<" in this_year[0]
    assert ">50<" in _activity_cells(content, "Contributions last year")[0]
    assert ">69<" in _activity_cells(content, "All-time contributions")[0]
    assert ">4<" in _activity_cells(content, "Current streak, days")[0]
    assert ">4<" in _activity_cells(content, "Longest streak, days")[0]
    assert "—" in this_year[1]
    assert "No contributions stored yet" in this_year[1]
    assert "—" in this_year[2]
    assert "no contribution calendar for organisations" in this_year[2]


def test_organisations_alone_have_no_activity_rows_and_no_extra_query(
    client_logged_in: Client, django_assert_num_queries
):
    stored("acme", kind="org")
    stored("initech", kind="org")
    # the user, the accounts, their snapshots: no contribution years to read for organisations
    with django_assert_num_queries(3):
        content = client_logged_in.get(URL, {"logins": "acme,initech"}).content.decode()
    assert "compare-activity" not in content
