"""What a cached response is kept under and for how long (github_stats/caching.py), one
CachedResponse at a time: its key carries the UTC day and the release's digest, and it is never
stored for an account already stale, nor served once its account turns stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from github_stats import caching
from github_stats.caching import CachedResponse, Shown, release_digest
from tests.pages.cache_helpers import response_keys

# A fixed moment (not the clock): the day boundary is where the test puts it.
MORNING = datetime(2030, 6, 1, 9, 0, tzinfo=UTC)
BODY = b"the answer about octocat"


@pytest.fixture(autouse=True)
def _long_lived(settings):
    # Long enough that only the key, never the entry's own lifetime, can make a day-later read
    # a miss.
    settings.RESPONSE_CACHE_SECONDS = 7 * 24 * 60 * 60


@pytest.fixture
def digest_recomputed():
    """release_digest is read once per process: recompute it in the test, and after it."""
    release_digest.cache_clear()
    yield
    release_digest.cache_clear()


def _cached(now: datetime) -> CachedResponse:
    cached = CachedResponse(
        RequestFactory().get("/api/v1/accounts/octocat"),
        name="accounts/octocat",
        logins=["octocat"],
        personal=False,
    )
    cached.now = now
    return cached


def _store(now: datetime = MORNING, *, stale_at: datetime | None = MORNING + timedelta(days=30)):
    """Store the answer about octocat (version v1, turning stale at `stale_at`; None: it
    already is) as read at `now`."""
    shown = Shown(login="octocat", version="v1", stale_at=stale_at)
    _cached(now).store(HttpResponse(BODY, content_type="text/plain"), shown=[shown])


def _served(now: datetime) -> bytes | None:
    hit = _cached(now).hit()
    return hit.content if hit is not None else None


def test_a_stored_response_is_served_the_same_day():
    _store()
    assert _served(MORNING + timedelta(hours=10)) == BODY


def test_the_next_utc_day_is_a_miss():
    _store()
    # The figures' 7/30-day changes end today: a new day is a new page.
    assert _served(MORNING + timedelta(days=1)) is None


def test_a_new_release_is_a_miss(monkeypatch):
    _store()
    monkeypatch.setattr(caching, "release_digest", lambda: "another-release")
    assert _served(MORNING) is None


def test_the_release_digest_changes_with_htmx_and_with_every_template(
    settings, tmp_path: Path, monkeypatch, digest_recomputed
):
    settings.BASE_DIR = tmp_path
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<p>before</p>")
    migration = tmp_path / "github_stats" / "migrations" / "0001_initial.py"
    migration.parent.mkdir(parents=True)
    migration.write_text("# a migration")
    first = release_digest()

    release_digest.cache_clear()
    migration.write_text("# a migration, edited")  # no markup: not part of the release
    assert release_digest() == first

    release_digest.cache_clear()
    template.write_text("<p>after</p>")
    second = release_digest()
    assert second != first

    release_digest.cache_clear()
    monkeypatch.setattr(caching, "package_version", lambda name: "999.0")
    assert release_digest() not in (first, second)


@pytest.mark.parametrize("stale_at", [None, MORNING], ids=["stale", "stale-this-moment"])
def test_an_account_already_stale_is_never_stored(stale_at):
    _store(stale_at=stale_at)
    assert response_keys() == []
    assert _served(MORNING) is None


def test_a_response_is_served_only_until_its_account_turns_stale():
    _store(stale_at=MORNING + timedelta(hours=1))
    assert _served(MORNING + timedelta(minutes=59)) == BODY
    assert _served(MORNING + timedelta(hours=1)) is None
