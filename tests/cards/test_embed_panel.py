"""The embed panel on the dashboard and the repository page: previews in light and dark, and
snippets with the site's public address that load the card they name. Nothing personal in it
(the pages around it are cached per person, and it may be shared)."""

from __future__ import annotations

import html
import re
from http import HTTPStatus

import pytest

from tests.cards.conftest import svg_of

pytestmark = pytest.mark.django_db


def _panel(body: str) -> str:
    match = re.search(r'<details class="card embed-panel">.*?</details>', body, re.S)
    assert match, "no embed panel"
    return match.group(0)


def _snippets(panel: str, kind: str) -> list[str]:
    pattern = rf'<textarea[^>]*data-embed="{kind}">(.*?)</textarea>'
    return [html.unescape(one) for one in re.findall(pattern, panel, re.S)]


def test_the_dashboard_offers_every_account_card(client_logged_in, octocat, user):
    panel = _panel(client_logged_in.get("/u/octocat").content.decode())
    for kind in ("stats", "languages", "history"):
        assert f'src="/cards/octocat/{kind}.svg"' in panel
        assert f'src="/cards/octocat/{kind}.svg?theme=dark"' in panel
    markdown = _snippets(panel, "markdown")
    assert markdown[0] == (
        "[![GitHub stats of octocat](http://testserver/cards/octocat/stats.svg)]"
        "(https://github.com/octocat)"
    )
    assert "csrf" not in panel.lower()
    assert user.email not in panel


def test_the_repository_page_offers_the_pin_and_the_star_history(client_logged_in, octocat):
    panel = _panel(client_logged_in.get("/r/octocat/Hello-World").content.decode())
    pin, stars = _snippets(panel, "markdown")
    assert "http://testserver/cards/octocat/Hello-World/pin.svg" in pin
    assert "http://testserver/cards/octocat/Hello-World/stars.svg" in stars
    snippet, _ = _snippets(panel, "html")
    assert '<source media="(prefers-color-scheme: dark)"' in snippet
    assert "pin.svg?theme=dark" in snippet


def test_snippets_use_the_public_base_url(client_logged_in, octocat, settings):
    settings.PUBLIC_BASE_URL = "https://stats.example.com"
    panel = _panel(client_logged_in.get("/u/octocat").content.decode())
    assert "https://stats.example.com/cards/octocat/stats.svg" in _snippets(panel, "markdown")[0]
    assert 'src="/cards/octocat/stats.svg"' in panel  # previews stay on this site (its CSP)


def test_every_snippet_loads_its_card(client_logged_in, client, octocat):
    panel = _panel(client_logged_in.get("/u/octocat").content.decode())
    for markdown in _snippets(panel, "markdown"):
        url = re.search(r"\((http://testserver[^)]+)\)", markdown).group(1)
        client.logout()
        svg_of(client.get(url.removeprefix("http://testserver")))


def test_no_panel_when_cards_are_off(client_logged_in, octocat, settings):
    settings.CARDS_ENABLED = False
    body = client_logged_in.get("/u/octocat").content.decode()
    assert "embed-panel" not in body
    assert client_logged_in.get("/u/octocat").status_code == HTTPStatus.OK
