"""What each card shows: for a full account, an empty one, a hostile one and one we never
stored. Every card is parsed as XML and checked for scripts, handlers and outside references
(conftest.svg_of)."""

from __future__ import annotations

import re

import pytest

from github_stats.selectors.dashboard import account_languages
from github_stats.ui.formatting import compact_number
from tests.cards.conftest import HOSTILE_TEXTS, SVG_NS, svg_of, texts_of

pytestmark = pytest.mark.django_db

ACCOUNT_CARDS = ("stats", "languages", "history")


def test_stats_card_shows_the_dashboards_figures(client, octocat):
    root = svg_of(client.get("/cards/octocat/stats.svg"))
    text = texts_of(root)
    assert "The Octocat's GitHub stats" in text
    for label, value in (
        ("Followers", octocat.followers),
        ("Total stars", octocat.total_stars),
        ("Total forks", octocat.total_forks),
        ("Public repos", octocat.public_repos),
    ):
        assert label in text
        assert compact_number(value) in text  # the dashboard's own formatting
    assert "Followers: 1,234." in root.find(f"{SVG_NS}desc").text


def test_languages_card_shows_the_dashboards_shares_by_bytes(client, octocat):
    text = texts_of(svg_of(client.get("/cards/octocat/languages.svg")))
    by_bytes = account_languages(account=octocat).by_bytes
    assert [one.name for one in by_bytes] == ["Python", "HTML"]
    assert "Most used languages" in text
    assert "Python 90.0%" in text
    assert "HTML 10.0%" in text


def test_languages_card_by_count_shows_primary_languages(client, octocat):
    text = texts_of(svg_of(client.get("/cards/octocat/languages.svg?by=count")))
    assert "Languages by repositories" in text
    for name in ("Python", "HTML", "Ruby"):
        assert f"{name} 33.3%" in text


def test_languages_card_folds_what_is_past_top_into_other(client, octocat):
    text = texts_of(svg_of(client.get("/cards/octocat/languages.svg?by=count&top=1")))
    assert "HTML 33.3%" in text  # ties by name: HTML first
    assert "Other 66.7%" in text
    assert "Ruby" not in text


def test_history_card_draws_a_point_per_stored_day(client, octocat):
    root = svg_of(client.get("/cards/octocat/history.svg?days=30"))
    (line,) = root.iter(f"{SVG_NS}polyline")
    assert len(line.get("points").split()) == 31  # today and the thirty days before
    text = texts_of(root)
    assert compact_number(octocat.total_stars) in text
    assert "+90 in 30 days" in text  # three stars a day, as the dashboard's 30-day change


def test_pin_card_shows_description_language_stars_and_forks(client, octocat):
    root = svg_of(client.get("/cards/octocat/Hello-World/pin.svg"))
    text = texts_of(root)
    assert "Hello-World" in text
    assert "My first repository on GitHub!" in text
    assert "Python" in text
    assert "2.5k" in text
    assert "1.9k" in text
    colours = {element.get("fill") for element in root.iter(f"{SVG_NS}circle")}
    assert "#3572A5" in colours  # GitHub's colour of Python


@pytest.mark.parametrize("kind", ACCOUNT_CARDS)
def test_an_empty_account_still_gets_every_card(client, empty_account, kind):
    root = svg_of(client.get(f"/cards/newcomer/{kind}.svg"))
    assert texts_of(root)


def test_an_empty_account_says_what_is_missing(client, empty_account):
    assert "0" in texts_of(svg_of(client.get("/cards/newcomer/stats.svg")))
    assert "No languages yet" in texts_of(svg_of(client.get("/cards/newcomer/languages.svg")))
    history = svg_of(client.get("/cards/newcomer/history.svg"))
    assert not list(history.iter(f"{SVG_NS}polyline"))
    assert "No history yet" in texts_of(history)


@pytest.mark.parametrize(
    "path",
    [
        "/cards/mallory/stats.svg",
        "/cards/mallory/languages.svg",
        "/cards/mallory/languages.svg?compact=1",
        "/cards/mallory/history.svg",
        "/cards/mallory/payload/pin.svg",
        "/cards/mallory/stats.svg?title=%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_hostile_texts_are_shown_as_text_never_as_markup(client, hostile, path):
    response = client.get(path)
    svg_of(response)  # no <script>, no on* attribute, no outside reference
    body = response.content.decode()
    assert "<script" not in body
    assert "<img" not in body
    # Inside a tag (every "<" of a text is escaped, so each one here opens a real element).
    assert not re.search(r"<[^>]*\son\w+\s*=", body)
    assert not re.search(r"<[^>]*javascript:", body)


def test_hostile_texts_are_readable_in_the_card(client, hostile):
    pin = texts_of(svg_of(client.get("/cards/mallory/payload/pin.svg")))
    assert '<script>alert("gitpulse")</script>' in pin  # the description, as text
    stats = texts_of(svg_of(client.get("/cards/mallory/stats.svg")))
    assert "<script>" in stats  # the name, as text
    languages = texts_of(svg_of(client.get("/cards/mallory/languages.svg")))
    assert any(text[:10] in languages for text in HOSTILE_TEXTS)


@pytest.mark.parametrize(
    "path", ["/cards/ghost/stats.svg", "/cards/ghost/languages.svg", "/cards/ghost/history.svg"]
)
def test_an_account_never_stored_gets_a_card_saying_how_to_add_it(client, db, path):
    response = client.get(path)
    text = texts_of(svg_of(response))
    assert "Not on this Gitpulse yet" in text
    assert "We have no data for ghost yet." in text
    assert "sign in at testserver and search for ghost" in text
    assert "max-age=300" in response["Cache-Control"]
    assert "ETag" not in response


def test_a_repository_never_stored_gets_a_card_saying_so(client, octocat):
    text = texts_of(svg_of(client.get("/cards/octocat/nope/pin.svg")))
    assert "We have no repository octocat/nope stored." in text


def test_a_name_github_would_refuse_gets_a_readable_card(client, db):
    text = texts_of(svg_of(client.get("/cards/-bad--name-/stats.svg")))
    assert "Not a GitHub name" in text
