"""Rows for the page tests: the pipeline's factories with a fuller profile, so every part of a
page has something to show."""

from datetime import timedelta

import factory
from django.utils import timezone

from github_stats.models import AccountSnapshot, GitHubAccount, today_utc
from tests.github_stats import factories as stored


class GitHubAccountFactory(stored.GitHubAccountFactory):
    name = factory.LazyAttribute(lambda o: o.login.replace("-", " ").title())
    bio = "Builds things."
    company = "@acme"
    location = "Lisbon"
    blog = "https://example.com"
    followers = 1200
    following = 30
    public_repos = 3
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3000))


class RepositoryFactory(stored.RepositoryFactory):
    owner = factory.SubFactory(GitHubAccountFactory)
    description = "A useful project."
    language_bytes = factory.LazyFunction(lambda: {"Python": 9000, "HTML": 1000})
    stars = 10
    forks = 2
    open_issues = 1
    watchers = 10
    pushed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=400))
    topics = factory.LazyFunction(lambda: ["django", "htmx"])


class SnapshotFactory(stored.AccountSnapshotFactory):
    account = factory.SubFactory(GitHubAccountFactory)
    followers = 1200
    following = 30
    public_repos = 3
    total_stars = 100
    total_forks = 20
    non_fork_stars = 0
    non_fork_forks = 0


class TrackingFactory(stored.TrackingFactory):
    account = factory.SubFactory(GitHubAccountFactory)


def snapshots_for(
    account,
    *,
    days: int,
    stars_from: int = 100,
    step: int = 2,
    forks_from: int = 20,
    forks_every: int = 10,
    followers_step: int = 1,
) -> None:
    """One snapshot a day for `days` days up to today: stars growing by `step` a day, one fork
    more every `forks_every` days (0: never), followers growing by `followers_step` a day up to
    the account's (never below 0). The account's totals are today's, as a refresh leaves them."""
    today = today_utc()

    def forks(index: int) -> int:
        return forks_from + (index // forks_every if forks_every else 0)

    last_stars, last_forks = stars_from + (days - 1) * step, forks(days - 1)
    GitHubAccount.objects.filter(pk=account.pk).update(
        total_stars=last_stars, total_forks=last_forks
    )
    account.total_stars, account.total_forks = last_stars, last_forks
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(
            account=account,
            date=today - timedelta(days=days - 1 - i),
            followers=max(account.followers - followers_step * (days - 1 - i), 0),
            following=account.following,
            public_repos=account.public_repos,
            total_stars=stars_from + i * step,
            total_forks=forks(i),
        )
        for i in range(days)
    )


def compared_account(login: str, **fields) -> GitHubAccount:
    """An account as the compare pages' tests want it: two repositories (Python 40 stars, Go 2)
    and 91 days of stars growing by 2 a day, followers and forks unchanged."""
    account = stored.GitHubAccountFactory(login=login, **fields)
    stored.RepositoryFactory(owner=account, language="Python", stars=40)
    stored.RepositoryFactory(owner=account, language="Go", stars=2)
    snapshots_for(account, days=91, forks_from=3, forks_every=0, followers_step=0)
    return account
