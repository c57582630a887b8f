"""manage.py demo_history: a year of invented history for `make demo`, and never anything
invented outside the demo's fake GitHub."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from github_stats.models import AccountSnapshot, GitHubAccount

pytestmark = pytest.mark.django_db


def _demo_history(*args: str) -> str:
    out = io.StringIO()
    call_command("demo_history", *args, stdout=out, no_color=True)
    return out.getvalue()


@pytest.fixture
def alice(fake_github, refresh) -> GitHubAccount:
    fake_github.state.add_user("alice", repos=40)
    return refresh("alice")


def test_a_year_of_history_ends_at_todays_figures(alice):
    today = AccountSnapshot.objects.get(account=alice)
    assert _demo_history("alice") == "alice: 365 days of history\n"
    history = list(AccountSnapshot.objects.filter(account=alice).order_by("date"))
    assert len(history) == 366
    assert history[-1] == today  # the refresh's own snapshot is kept as it was
    assert history[-1].total_stars == today.total_stars
    assert (history[-1].date - history[0].date).days == 365
    stars = [snapshot.total_stars for snapshot in history]
    assert stars == sorted(stars)  # grows, never past today's value
    assert stars[0] < stars[-1]
    assert len(set(stars)) > 10  # a curve, not a step


def test_a_second_run_adds_nothing_and_the_charts_get_a_new_version(alice):
    version = alice.cache_version
    _demo_history("alice")
    alice.refresh_from_db()
    assert alice.cache_version != version
    assert _demo_history("alice") == "alice: 0 days of history\n"


def test_the_same_login_gets_the_same_curve(alice):
    _demo_history("alice", "--days", "30")
    first = list(AccountSnapshot.objects.filter(account=alice).values_list("followers", flat=True))
    latest = AccountSnapshot.objects.filter(account=alice).latest("date")
    AccountSnapshot.objects.exclude(pk=latest.pk).delete()
    _demo_history("alice", "--days", "30")
    again = list(AccountSnapshot.objects.filter(account=alice).values_list("followers", flat=True))
    assert again == first


def test_it_refuses_anything_but_the_fake_github_on_loopback(alice, settings):
    settings.GITHUB_API_URL = "https://api.github.com"
    with pytest.raises(CommandError, match="only against the demo's fake GitHub"):
        _demo_history("alice")
    assert AccountSnapshot.objects.filter(account=alice).count() == 1


def test_an_account_not_stored_and_absurd_days_are_refused(alice):
    with pytest.raises(CommandError, match="bob is not stored"):
        _demo_history("bob")
    with pytest.raises(CommandError, match="--days must be between"):
        _demo_history("alice", "--days", "0")
