"""The warm start of bench/scale_real.py: the model's accounts (bench/scale_model.py) created on
the fake GitHub, stored as a day of the scheduler's work leaves them, then `daily_change` of
them changed on the fake.

- `accounts_create`: each account of `Accounts` added to the fake explicitly (a user, or an
  organisation whose login ends in "-org"), with the model's repository count; then stars
  zeroed or given so that exactly `starred_count` of its repositories have stars (seeded, the
  fake's own generator untouched: only which repositories keep their stars is chosen here).
- Each account is refreshed once through its RefreshJob (refresh_run_now: validators and all)
  and its activity filled to the end, inline, without latency or request limiter; one person
  tracks them all. The follow-up fills are switched off as tasks meanwhile (nothing queued).
- Star history is stored from the fake's own data, as bench/star_history_size.py does and as a
  whole-life fill leaves it (complete, the star count matched, the newest page's real ETag): the
  fill is about 500 requests an account, hours for 2,000 on this machine, and none of it is what
  the run measures.
- Then everything is a day older (`_a_day_older`): what the window must find is the steady
  state bench/scale_model.py simulates, not a fresh one.
"""

from __future__ import annotations

import contextlib
import random
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

from bench.scale_model import Accounts, accounts_drawn, starred_count

# Activity fills of one account, until nothing is left for later.
FILL_ROUNDS = 20


def login_of(index: int, *, is_user: bool) -> str:
    return f"scale-{index:05d}" + ("" if is_user else "-org")


def model_accounts(count: int, *, seed: int, max_repos: int | None) -> tuple[Accounts, int]:
    """The model's accounts for the run (bench/scale_model.py `accounts_drawn` with the seed,
    as its own simulation draws them), each tracked once, as the run tracks them; repositories
    capped at `max_repos`, and how many accounts the cap cut."""
    drawn = accounts_drawn(count, random.Random(seed))
    cap = max_repos if max_repos is not None else max(drawn.repos, default=0)
    repos = [min(n, cap) for n in drawn.repos]
    capped = sum(1 for n in drawn.repos if n > cap)
    return replace(drawn, repos=repos, trackers=[1] * count), capped


def accounts_create(
    state: Any, accounts: Accounts, *, starred_share: float, seed: int
) -> list[str]:
    """The accounts on the fake GitHub, their logins in order; `starred_count` repositories of
    each with stars: those the fake gave stars first (in a seeded order), then, if too few,
    others with one star; every other repository's stars zeroed. Before any star history is
    generated, so the fake's histories follow the counts."""
    logins = []
    for index, (repos, is_user) in enumerate(zip(accounts.repos, accounts.is_user, strict=True)):
        login = login_of(index, is_user=is_user)
        add = state.add_user if is_user else state.add_org
        account = add(login, repos=repos)
        rng = random.Random(f"scale:{seed}:stars:{login}")
        names = sorted(account.repos)
        rng.shuffle(names)
        names.sort(key=lambda name: account.repos[name].stars == 0)  # stable: starred first
        wanted = starred_count(len(names), starred_share)
        for position, name in enumerate(names):
            repo = account.repos[name]
            repo.stars = max(repo.stars, 1) if position < wanted else 0
            repo.unattributed = min(repo.unattributed, repo.stars)
        logins.append(login)
    return logins


def starred_share_of(state: Any, logins: list[str]) -> float:
    repos = [repo for login in logins for repo in state.account(login).repos.values()]
    return sum(1 for repo in repos if repo.stars) / max(len(repos), 1)


@contextlib.contextmanager
def _settings(**values: Any) -> Iterator[None]:
    from django.test.utils import override_settings

    with override_settings(**values):
        yield


def warm_up(github: Any, logins: list[str], *, token: str, quota: int) -> None:
    """Every account of `logins` stored and tracked. The fake's quota is `quota` during the
    warm-up (not GitHub's: the warm-up is not what is measured)."""
    from accounts.models import User
    from github_stats.github.client import GitHubClient
    from github_stats.models import Tracking
    from github_stats.services.activity import activity_fill
    from github_stats.services.jobs import refresh_run_now

    for resource in ("core", "graphql"):
        github.state.set_quota(resource=resource, limit=quota)
    stored = []
    with _settings(
        STAR_HISTORY_FETCH=False,
        ACTIVITY_FETCH=False,
        GITHUB_REST_POINTS_PER_MINUTE=0,
        GITHUB_GRAPHQL_POINTS_PER_MINUTE=0,
        GITHUB_CONCURRENT_REQUESTS=0,
    ):
        client = GitHubClient(may_sleep=False)
        for login in logins:
            run = refresh_run_now(login=login, client=client)
            if run.result is None:
                error = run.job.error if run.job else "no job"
                raise RuntimeError(f"the warm-up refresh of {login} failed: {error}")
            account = run.result.account
            _star_history_store(github, account, token=token)
            for _ in range(FILL_ROUNDS):
                if not activity_fill(account_id=account.pk, client=client).left_for_later:
                    break
            stored.append(account)
            github.state.reset_counters()  # the warm-up's log is not kept
            if len(stored) % 100 == 0:
                print(f"warm-up: {len(stored)} of {len(logins)}", file=sys.stderr, flush=True)
    user = User.objects.create_user(email="scale-bench@example.com")
    Tracking.objects.bulk_create(Tracking(user=user, account=account) for account in stored)


def _star_history_store(github: Any, account: Any, *, token: str) -> None:
    from django.utils import timezone

    from github_stats.github.quota import token_fingerprint
    from github_stats.models import Repository, StarHistory, weeks_pack
    from github_stats.services.star_history import account_star_history_sum
    from tests.fakegithub.answers import conditional_answer
    from tests.fakegithub.stars import history_answer, star_days

    state, now = github.state, timezone.now()
    headers = {"Authorization": f"Bearer {token}"}  # GitHub's ETags are per token
    rows = []
    for row in Repository.objects.filter(owner=account, stars__gt=0).only("pk", "name", "stars"):
        repo = state.repo(account.login, row.name)
        weeks = weeks_pack(star_days(state, repo))
        newest = history_answer(state, repo, {}, github.url)
        etag = conditional_answer(newest, headers=headers, link_on_304=False).headers["ETag"]
        rows.append(
            StarHistory(
                repository=row,
                weeks=weeks,
                attributed=sum(sum(week[1:]) for week in weeks),
                stars_at_fetch=row.stars,
                newest_etag=etag,
                validators_token=token_fingerprint(token),
                complete=True,
                fetched_at=now,
            )
        )
    StarHistory.objects.bulk_create(rows)
    account_star_history_sum(account=account, now=now)


def stale_and_changed(github: Any, logins: list[str], daily_change: float) -> list[int]:
    """Every account a day older, and `daily_change` of them changed on the fake GitHub (a
    follower each, and a star on one of its starred repositories, as the model's change is);
    the indexes of those changed."""
    _a_day_older(daily_change)
    rng = random.Random(f"scale:{len(logins)}:{daily_change}")
    changed = sorted(rng.sample(range(len(logins)), round(len(logins) * daily_change)))
    for index in changed:
        login = logins[index]
        account = github.state.account(login)
        github.state.update_account(login, followers=account.followers + 1)
        starred = sorted(name for name, repo in account.repos.items() if repo.stars)
        if starred:
            github.state.bump_stars(login, account.repos[rng.choice(starred)].name)
    return changed


def _a_day_older(daily_change: float) -> None:
    """As if the warm-up had run yesterday: accounts and repositories fetched a day ago (so
    every account is stale) with the change rate a steady `daily_change` leaves (not the 0.36
    of one first refresh); yesterday's snapshot (a refresh writes today's); the activity
    calendar a day old (it is read again at least daily); star history re-checked on a weekly
    rotation, a seventh of it due now (services/star_history.py RECHECK_AFTER)."""
    from django.db import transaction
    from django.db.models import DateField, DateTimeField, DurationField, F, Value
    from django.db.models import ExpressionWrapper as Typed
    from django.db.models.functions import Mod

    from github_stats.models import (
        AccountActivity,
        AccountSnapshot,
        GitHubAccount,
        Repository,
        StarHistory,
    )

    def earlier(name: str, days: Any = 1, field: Any = DateTimeField) -> Typed:
        before = Typed(Value(timedelta(days=1)) * days, output_field=DurationField())
        return Typed(F(name) - before, output_field=field())

    with transaction.atomic():
        GitHubAccount.objects.update(fetched_at=earlier("fetched_at"), change_rate=daily_change)
        Repository.objects.update(fetched_at=earlier("fetched_at"))
        AccountSnapshot.objects.update(date=earlier("date", field=DateField))
        AccountActivity.objects.update(
            calendar_fetched_at=earlier("calendar_fetched_at"),
            events_polled_at=earlier("events_polled_at"),
        )
        StarHistory.objects.update(fetched_at=earlier("fetched_at", Mod("repository_id", 7) + 1))
