"""Demo only: a year of invented daily snapshots behind accounts fetched from the fake GitHub, so
that `make demo` shows curves as a long-tracked account has them, not one dot per chart.

Nothing here runs outside `manage.py demo_history`, which refuses to run unless GitHub is the
fake one on loopback: real accounts never get invented history."""

from __future__ import annotations

import random
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from github_stats.models import AccountSnapshot, GitHubAccount
from github_stats.services.shown import account_shown_update

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# The figures a snapshot keeps, and the share of today's value each one starts the year at.
_START_SHARE = {
    "followers": (0.45, 0.8),
    "following": (0.7, 1.0),
    "public_repos": (0.6, 0.9),
    "total_stars": (0.3, 0.7),
    "total_forks": (0.4, 0.8),
    "non_fork_stars": (0.3, 0.7),
    "non_fork_forks": (0.4, 0.8),
}


def github_is_fake() -> bool:
    """True when GITHUB_API_URL is on loopback (the fake GitHub of `make demo` and the tests)."""
    return urlsplit(settings.GITHUB_API_URL).hostname in LOOPBACK_HOSTS


def demo_history_seed(*, account: GitHubAccount, days: int = 365) -> int:
    """Invent the `days` days before today for `account` (today's snapshot is the refresh's):
    each figure grows from a share of today's value to today's value along a seeded random
    walk (the same curve every time for a login), with quiet weeks and a few bursts. Days that
    already have a snapshot are kept. Returns how many were added."""
    if not github_is_fake():
        raise RuntimeError("Invented history is for the demo's fake GitHub only.")
    rng = random.Random(f"demo-history:{account.login.lower()}")  # noqa: S311 - a curve, no secret
    # Today's snapshot (the refresh's) is where every curve ends.
    latest = AccountSnapshot.objects.filter(account=account).order_by("-date").first()
    if latest is None:
        raise ValueError(f"{account.login} has no snapshot yet: refresh it first.")
    curves = {name: _curve(rng, end=int(getattr(latest, name)), days=days, share=share)
              for name, share in _START_SHARE.items()}  # fmt: skip
    snapshots = [
        AccountSnapshot(
            account=account,
            date=latest.date - timedelta(days=days - index),
            **{name: curve[index] for name, curve in curves.items()},
        )
        for index in range(days)
    ]
    with transaction.atomic():
        before = AccountSnapshot.objects.filter(account=account).count()
        AccountSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
        added = AccountSnapshot.objects.filter(account=account).count() - before
        account_shown_update(account=account)  # its charts changed: a new cache version
    return added


def _curve(rng: random.Random, *, end: int, days: int, share: tuple[float, float]) -> list[int]:
    """`days` values rising to `end` (today's value follows them)."""
    start = int(end * rng.uniform(*share))
    if end <= start or days < 1:
        return [end] * days
    # A step per day: mostly small, quiet spells, and now and then a burst (a launch, a post).
    steps = []
    for _ in range(days):
        roll = rng.random()
        steps.append(0.0 if roll < 0.25 else rng.expovariate(1.0) * (8 if roll > 0.98 else 1))
    scale = (end - start) / (sum(steps) or 1.0)
    values, total = [], float(start)
    for step in steps:
        total += step * scale
        values.append(min(round(total), end))
    return values
