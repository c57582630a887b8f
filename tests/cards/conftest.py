"""Rows for the card tests (a full account, an empty one, a hostile one) and `svg_of`, which
parses a card as XML and fails on anything an embedded image must not carry."""

from __future__ import annotations

from http import HTTPStatus
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree

from tests.fakegithub.state import HOSTILE_SCRIPT, HOSTILE_SVG, HOSTILE_URL
from tests.github_stats.factories import account_sums_store
from tests.pages.factories import GitHubAccountFactory, RepositoryFactory, snapshots_for

SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE_ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HOSTILE_TEXTS = (HOSTILE_SCRIPT, HOSTILE_SVG, HOSTILE_URL, HOSTILE_ATTRIBUTE)


@pytest.fixture
def octocat(db):
    """Three repositories in two languages, forty days of snapshots."""
    account = GitHubAccountFactory(login="octocat", name="The Octocat", followers=1234)
    RepositoryFactory(
        owner=account,
        name="Hello-World",
        description="My first repository on GitHub!",
        language="Python",
        stars=2500,
        forks=1900,
        language_bytes={"Python": 9000, "HTML": 1000},
    )
    RepositoryFactory(owner=account, name="Spoon-Knife", language="HTML", stars=12, forks=3)
    RepositoryFactory(owner=account, name="linguist", language="Ruby", stars=1, forks=0)
    account_sums_store(account)
    snapshots_for(account, days=40, stars_from=2400, step=3)
    return account


@pytest.fixture
def empty_account(db):
    """Stored, but without repositories or snapshots (an account fetched before any history)."""
    return GitHubAccountFactory(login="newcomer", followers=0, following=0, public_repos=0)


@pytest.fixture
def hostile(db):
    """GitHub's free texts full of markup, in every field a card might print."""
    account = GitHubAccountFactory(
        login="mallory",
        name=HOSTILE_SCRIPT,
        bio=HOSTILE_SVG,
        company=HOSTILE_ATTRIBUTE,
        blog=HOSTILE_URL,
    )
    RepositoryFactory(
        owner=account,
        name="payload",
        description=f"{HOSTILE_SCRIPT} {HOSTILE_ATTRIBUTE} {HOSTILE_URL}",
        language=HOSTILE_SCRIPT,
        language_bytes={HOSTILE_SVG: 5000, HOSTILE_ATTRIBUTE: 3000, "Python": 100},
        homepage=HOSTILE_URL,
    )
    account_sums_store(account)
    snapshots_for(account, days=3)
    return account


def svg_of(response) -> Element:
    """The card as parsed XML, after checking it is a self-contained, script-free SVG."""
    assert response.status_code == HTTPStatus.OK, response.status_code
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG_NS}svg"
    for name in ("width", "height", "viewBox"):
        assert root.get(name), f"no {name}"
    assert root.get("role") == "img"
    labelled = root.get("aria-labelledby", "").split()
    ids = {element.get("id"): element for element in root.iter()}
    assert [ids[one].tag for one in labelled] == [f"{SVG_NS}title", f"{SVG_NS}desc"]
    assert all((ids[one].text or "").strip() for one in labelled)
    for element in root.iter():
        tag = element.tag.removeprefix(SVG_NS)
        assert tag not in ("script", "foreignObject", "image", "use", "a", "iframe"), tag
        for attribute, value in element.attrib.items():
            name = attribute.rsplit("}", 1)[-1]
            assert not name.lower().startswith("on"), f"{tag} has {attribute}"
            if name == "href":
                assert value.startswith(("#", "data:")), value
            assert "url(" not in value or "url(#" in value, value
    style = "".join(element.text or "" for element in root.iter(f"{SVG_NS}style"))
    assert "@import" not in style
    assert "url(" not in style
    return root


def texts_of(root: Element) -> str:
    """Every text the card shows or says (<text>, <title>, <desc>), joined."""
    return " ".join(
        "".join(element.itertext())
        for element in root.iter()
        if element.tag.removeprefix(SVG_NS) in ("text", "title", "desc")
    )
