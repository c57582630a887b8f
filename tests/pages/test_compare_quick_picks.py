"""The compare page's quick picks: the accounts I watch, each a link to this comparison with it
added, keeping the comparison's metric and range."""

import pytest

from tests.github_stats.factories import GitHubAccountFactory, TrackingFactory

pytestmark = pytest.mark.django_db


def test_a_quick_pick_keeps_the_comparisons_metric_and_range(client_logged_in, user):
    # Reached by removing every account from a comparison shown by followers over 30 days.
    TrackingFactory(user=user, account=GitHubAccountFactory(login="watched-one"))
    content = client_logged_in.get("/compare/?metric=followers&days=30").content.decode()
    assert 'href="/compare/?metric=followers&amp;days=30&amp;add=watched-one"' in content
