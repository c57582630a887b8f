"""The Download menus of the account and compare pages: links to the API's downloads that work
with the page's own session and carry the table's filters, and nothing personal in them."""

import re
from html import unescape
from http import HTTPStatus

import pytest

from tests.exports.conftest import csv_rows, json_of
from tests.pages.factories import GitHubAccountFactory, snapshots_for

MENU = re.compile(r'<details class="download-menu">(.*?)</details>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _menus(html: str) -> list[list[str]]:
    return [[unescape(href) for href in HREF.findall(menu)] for menu in MENU.findall(html)]


def _table_names(html: str) -> list[str]:
    return re.findall(r'class="repo-name" href="[^"]+">([^<]+)</a>', html)


def test_the_account_page_offers_its_history_and_its_table(client_logged_in, octocat):
    html = client_logged_in.get("/u/octocat?days=30").content.decode()
    history, repos = _menus(html)
    assert history == [
        "/api/v1/accounts/octocat/history?days=30&format=csv",
        "/api/v1/accounts/octocat/history?days=30&format=json",
        "/api/v1/accounts/octocat/history?days=all&format=csv",
        "/api/v1/accounts/octocat/history?days=all&format=json",
    ]
    assert [link.rsplit("format=", 1)[1] for link in repos] == ["csv", "json"]


def test_the_history_links_download_what_the_chart_shows(client_logged_in, octocat):
    html = client_logged_in.get("/u/octocat?days=30").content.decode()
    csv_link, json_link, all_csv, _ = _menus(html)[0]
    response = client_logged_in.get(csv_link)
    assert response.status_code == HTTPStatus.OK
    assert len(csv_rows(response)) == 31  # the chart's 30 days and today
    assert len(json_of(client_logged_in.get(json_link))["points"]) == 31
    assert len(csv_rows(client_logged_in.get(all_csv))) == 40


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/u/octocat", None),  # every row of the default table (forks hidden)
        ("/u/octocat?lang=Python&f=1", ["hello-world"]),  # archived unticked: left out
        ("/u/octocat?name=trap&sort=name&order=desc&forks=1", None),
    ],
)
def test_the_table_links_carry_its_filters(client_logged_in, octocat, page, expected):
    html = client_logged_in.get(page).content.decode()
    csv_link, json_link = _menus(html)[1]
    shown = _table_names(html)  # one page of the table: fewer than 20 rows here
    rows = csv_rows(client_logged_in.get(csv_link))
    assert [row["name"] for row in rows] == shown
    assert [item["name"] for item in json_of(client_logged_in.get(json_link))["items"]] == shown
    if expected is not None:
        assert shown == expected


def test_the_menu_follows_the_table_when_htmx_filters_it(client_logged_in, octocat):
    response = client_logged_in.get(
        "/u/octocat?lang=Go&forks=1",
        headers={"HX-Request": "true", "HX-Target": "repos"},
    )
    csv_link = _menus(response.content.decode())[0][0]
    assert "language=Go" in csv_link
    assert [row["name"] for row in csv_rows(client_logged_in.get(csv_link))] == [
        "spoon-fork",
        "hello-go",
    ]


def test_the_menu_holds_nothing_personal(client_logged_in, octocat, user):
    html = client_logged_in.get("/u/octocat").content.decode()
    for menu in MENU.findall(html):
        assert "csrf" not in menu.lower()
        assert user.email not in menu


def test_the_compare_page_offers_the_comparison(client_logged_in, octocat):
    snapshots_for(GitHubAccountFactory(login="hubot"), days=5)
    html = client_logged_in.get("/compare/?logins=octocat,hubot").content.decode()
    (links,) = _menus(html)
    assert links == [
        "/api/v1/compare?logins=octocat,hubot&format=csv",
        "/api/v1/compare?logins=octocat,hubot&format=json",
    ]
    rows = csv_rows(client_logged_in.get(links[0]))
    assert [row["login"] for row in rows] == ["octocat", "hubot"]
    assert len(json_of(client_logged_in.get(links[1]))["items"]) == 2


def test_no_compare_menu_until_two_accounts_are_shown(client_logged_in, octocat):
    html = client_logged_in.get("/compare/?logins=octocat").content.decode()
    assert _menus(html) == []


def test_an_anonymous_download_link_is_401_not_a_login_page(client, octocat):
    response = client.get("/api/v1/accounts/octocat/repos?format=csv")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"] == "not_authenticated"
    # The page itself sends people to the login page, as every page does.
    assert client.get("/u/octocat").status_code == HTTPStatus.FOUND
