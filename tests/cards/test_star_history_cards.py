"""The star-history cards: /cards/<owner>/<repo>/stars.svg (a repository's whole life) and the
account's history card once its summed star history covers most of its stars. Both read the
pages' own selectors, so a card's numbers are the repository page's and the dashboard's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from github_stats.models import AccountStarHistory, Repository, today_utc, weeks_pack
from tests.cards.conftest import svg_of, texts_of
from tests.pages.star_factories import star_history_store

pytestmark = pytest.mark.django_db


def _polyline_points(root) -> int:
    lines = [el for el in root.iter() if el.tag.endswith("polyline")]
    return len(lines[0].get("points").split()) if lines else 0


def test_a_repository_s_stars_card_draws_its_whole_life(client, octocat):
    repo = Repository.objects.get(name="Hello-World")
    today = today_utc()
    star_history_store(
        repo, {today - timedelta(days=3 * 365): 2000, today - timedelta(days=10): 500}
    )

    root = svg_of(client.get("/cards/octocat/Hello-World/stars.svg"))

    text = texts_of(root)
    assert "octocat/Hello-World stars" in text
    assert "2.5k" in text
    assert "+500 in 30 days" in text
    assert _polyline_points(root) >= 150  # three years, a point a week
    desc = next(el.text for el in root.iter() if el.tag.endswith("desc"))
    assert "Whole-life star history since" in desc


def test_a_repository_without_history_says_so(client, octocat):
    root = svg_of(client.get("/cards/octocat/Hello-World/stars.svg"))

    assert "No history yet" in texts_of(root)
    assert _polyline_points(root) == 0


def test_a_hostile_repository_s_stars_card_is_text(client, hostile):
    repo = Repository.objects.get(name="payload")
    star_history_store(repo, {today_utc() - timedelta(days=40): 3})

    response = client.get("/cards/mallory/payload/stars.svg")

    svg_of(response)  # parses, and carries no script, handler or outside reference
    assert b"<script" not in response.content


def _summed(account, *, covered: int, total: int) -> None:
    today = today_utc()
    days = {today - timedelta(days=900): covered - 5, today - timedelta(days=3): 5}
    AccountStarHistory.objects.create(
        account=account,
        weeks=weeks_pack(days),
        repositories_covered=1,
        repositories_starred=3,
        stars_covered=covered,
        stars_total=total,
        attributed=covered,
    )


def test_the_account_s_history_card_uses_the_summed_history_when_it_covers_most(client, octocat):
    _summed(octocat, covered=2500, total=octocat.total_stars)  # 2,500 of 2,513

    root = svg_of(client.get("/cards/octocat/history.svg"))

    assert _polyline_points(root) > 100  # whole life, not forty days of snapshots
    desc = next(el.text for el in root.iter() if el.tag.endswith("desc"))
    assert "Whole-life star history" in desc
    assert "in 30 days" not in texts_of(root)  # not every repository: no honest change


def test_the_account_s_history_card_keeps_the_snapshots_when_coverage_is_low(client, octocat):
    _summed(octocat, covered=12, total=octocat.total_stars)

    root = svg_of(client.get("/cards/octocat/history.svg"))

    assert _polyline_points(root) == 40  # the forty days of daily snapshots it has
    desc = next(el.text for el in root.iter() if el.tag.endswith("desc"))
    assert "A point per stored day" in desc
