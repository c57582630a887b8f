"""Activity quota, the part of bench/quota.py that issue 12 asks for (quota.py calls it after the
star-history section, in the same fake GitHub and database):

- the first activity backfill of a user 1, 5 and 15 years old (target: one GraphQL point per
  contribution year, once, plus one for the list of years);
- warm refreshes: nothing new and the public events a 304 (target: 0 points), new activity
  (target: <= 1 point, the current year), and the once-a-day check for private contributions
  that public events never show (<= 1 point).

The fill is services/activity.activity_fill, as a worker runs it after a refresh; each row is
its own GraphQL points and REST requests (the refresh before it is measured by quota.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

YEARS = (1, 5, 15)
TOKEN = "ghp_bench_token_0123456789"  # noqa: S105 (the fake GitHub accepts any token)


def activity_report(github: Any) -> bool:
    from django.core.cache import cache

    from github_stats.github.client import GitHubClient
    from github_stats.models import AccountActivity, GitHubAccount, Repository
    from github_stats.services.activity import activity_fill
    from github_stats.services.refresh import account_refresh

    def fresh() -> GitHubClient:
        github.reset()
        cache.clear()
        Repository.objects.all().delete()
        GitHubAccount.objects.all().delete()
        return GitHubClient(base_url=github.url, token=TOKEN)

    now = datetime.now(UTC)
    all_met = True
    print("\nActivity (GraphQL contributionsCollection, a year a query; token only)\n")
    header = f"{'account age':>13} | {'years':>5} {'gql pts':>7} {'target':>6} {'ok':>3}"
    print(header)
    print("-" * len(header))
    account = None
    client = None
    for years in YEARS:
        client = fresh()
        login = f"aged-{years}"
        github.state.add_user(login, repos=1, created_at=now - timedelta(days=365 * years))
        account = account_refresh(login=login, client=client).account
        fill = activity_fill(account_id=account.pk, client=client, budget=1000)
        listed = len(AccountActivity.objects.get(pk=account.pk).years)
        target = listed + 1  # the list of years, then each year once
        ok = fill.graphql_points == target and not fill.left_for_later
        all_met = all_met and ok
        print(
            f"{years:>7} years | {len(fill.years_fetched):>5} {fill.graphql_points:>7} "
            f"{target:>6} {_yes(ok):>3}"
        )
    assert account is not None
    assert client is not None

    print(f"\nWarm refreshes of aged-{YEARS[-1]} (its calendar stored):")
    rows: list[tuple[str, dict[str, int], int]] = [
        ("nothing new: the events a 304", {}, 0),
        ("new activity (3 contributions today)", {"new": 3}, 1),
        ("nothing new, calendar a day old (private ones)", {"later": 25}, 1),
    ]
    for label, change, target in rows:
        if change.get("new"):
            github.state.add_contributions(account.login, change["new"])
        when = datetime.now(UTC) + timedelta(hours=change.get("later", 0))
        before = client.stats.quota_requests
        fill = activity_fill(account_id=account.pk, client=client, now=when)
        quota = client.stats.quota_requests - before
        ok = fill.graphql_points <= target and (target > 0 or fill.events_not_modified)
        all_met = all_met and ok
        events = "GraphQL skipped" if fill.events_not_modified else "GraphQL asked"
        print(
            f"  {label:<48} {events}, {fill.graphql_points} points, "
            f"{quota} REST counted (target <= {target} pts) {_yes(ok)}"
        )
    return all_met


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"
