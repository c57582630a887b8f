"""Star-history quota, the part of bench/quota.py that issue 11 asks for (quota.py calls it
after its own table, in the same fake GitHub and database):

- the first backfill of one repository 1, 5 and 10 years old (target: ceil(weeks / 30));
- the first fill of an account of 250 repositories within STAR_HISTORY_BUDGET, how much of its
  stars it covers, and how many fills cover them all;
- a warm refresh with no star change (target: 0 quota), a weekly re-check (304s: 0 quota),
  and a warm refresh where 5 % of the repositories gained stars (target: <= 1 request each).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

YEARS = (1, 5, 10)
ACCOUNT_REPOS = 250


def star_history_report(github: Any) -> bool:
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from github_stats.github.client import GitHubClient
    from github_stats.models import AccountStarHistory, GitHubAccount, Repository
    from github_stats.services.refresh import account_refresh
    from github_stats.services.star_history import star_history_fill, star_history_wanted
    from tests.fakegithub.stars import week_start

    def fresh() -> GitHubClient:
        github.reset()
        cache.clear()
        Repository.objects.all().delete()
        GitHubAccount.objects.all().delete()
        return GitHubClient(base_url=github.url, token="")

    now = datetime.now(UTC)
    all_met = True
    print("\nStar history (GitHub's stargazers/history, 30 weeks a request)\n")
    header = f"{'repository age':>16} | {'weeks':>5} {'requests':>8} {'target':>6} {'ok':>3}"
    print(header)
    print("-" * len(header))
    for years in YEARS:
        client = fresh()
        created = now - timedelta(days=365 * years)
        github.state.add_user("aged", repos=0)
        github.state.add_repo("aged", "tool", stars=5000, created_at=created)
        account = account_refresh(login="aged", client=client).account
        fill = star_history_fill(account_id=account.pk, client=client, budget=1000)
        weeks = (week_start(now.date()) - week_start(created.date())).days // 7 + 1
        target = math.ceil(weeks / 30)
        ok = fill.requests == target
        all_met = all_met and ok
        print(f"{years:>10} years | {weeks:>5} {fill.requests:>8} {target:>6} {_yes(ok):>3}")

    client = fresh()
    github.state.add_user("big", repos=ACCOUNT_REPOS)
    account = account_refresh(login="big", client=client).account
    budget = settings.STAR_HISTORY_BUDGET
    fills = []
    while True:
        fill = star_history_fill(account_id=account.pk, client=client, budget=budget)
        summed = AccountStarHistory.objects.get(account=account)
        fills.append((fill, summed.stars_covered / max(summed.stars_total, 1)))
        if not fill.left_for_later or len(fills) > 50:
            break
    starred = Repository.objects.filter(owner=account, stars__gt=0).count()
    first, first_share = fills[0]
    ok = all(f.requests <= budget for f, _ in fills) and not fills[-1][0].left_for_later
    all_met = all_met and ok
    print(
        f"\nAccount of {ACCOUNT_REPOS} repositories ({starred} starred), "
        f"STAR_HISTORY_BUDGET={budget}:"
    )
    print(
        f"  first fill: {first.requests} requests, {first.repositories_fetched} repositories, "
        f"{first_share:.0%} of the stars covered"
    )
    total = sum(f.requests for f, _ in fills)
    print(
        f"  all of it: {len(fills)} fills, {total} requests; "
        f"every fill within the budget: {_yes(ok)}"
    )

    before = client.stats.quota_requests
    account_refresh(account=account, client=client)
    wanted = star_history_wanted(account=account)
    warm_quota = client.stats.quota_requests - before
    ok = not wanted and warm_quota == 0
    all_met = all_met and ok
    print(f"\nWarm refresh, no star change: star history wanted {_yes(wanted)}, quota "
          f"{warm_quota} (target 0) {_yes(ok)}")  # fmt: skip

    week_later = timezone.now() + timedelta(days=8)
    recheck = star_history_fill(account_id=account.pk, client=client, budget=1000, now=week_later)
    ok = recheck.quota_requests == 0
    all_met = all_met and ok
    print(
        f"Weekly re-check of {recheck.repositories_unchanged} starred repositories: "
        f"{recheck.requests} requests (304s), quota {recheck.quota_requests} (target 0) {_yes(ok)}"
    )

    repos = sorted(github.state.account("big").repos.values(), key=lambda r: r.id)
    changed = repos[:: max(1, len(repos) // max(1, len(repos) * 5 // 100))][: len(repos) * 5 // 100]
    for repo in changed:
        github.state.bump_stars("big", repo.name, by=2)
    account_refresh(account=account, client=client)
    fill = star_history_fill(account_id=account.pk, client=client, budget=1000, now=week_later)
    ok = fill.requests <= len(changed)
    all_met = all_met and ok
    print(
        f"Warm refresh, {len(changed)} of {len(repos)} repositories (5 %) gained stars: "
        f"{fill.requests} requests, {fill.quota_requests} counted "
        f"(target <= {len(changed)}) {_yes(ok)}"
    )
    return all_met


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"
