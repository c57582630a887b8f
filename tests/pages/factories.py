"""Rows for the page tests. (tests/github_stats/factories.py may grow its own; these stay small.)"""

from datetime import timedelta

import factory
from django.utils import timezone

from github_stats.models import Account, AccountSnapshot, Repository, Tracking, today_utc


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    github_id = factory.Sequence(lambda n: 10_000 + n)
    login = factory.Sequence(lambda n: f"person-{n}")
    kind = "user"
    name = factory.LazyAttribute(lambda o: o.login.replace("-", " ").title())
    bio = "Builds things."
    company = "@acme"
    location = "Lisbon"
    blog = "https://example.com"
    avatar_url = factory.LazyAttribute(
        lambda o: f"https://avatars.githubusercontent.com/u/{o.github_id}?v=4"
    )
    html_url = factory.LazyAttribute(lambda o: f"https://github.com/{o.login}")
    followers = 1200
    following = 30
    public_repos = 3
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3000))
    fetched_at = factory.LazyFunction(timezone.now)
    refresh_status = "ok"


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repository

    github_id = factory.Sequence(lambda n: 500_000 + n)
    owner = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"project-{n}")
    description = "A useful project."
    language = "Python"
    language_bytes = factory.LazyFunction(lambda: {"Python": 9000, "HTML": 1000})
    stars = 10
    forks = 2
    open_issues = 1
    watchers = 10
    html_url = factory.LazyAttribute(lambda o: f"https://github.com/{o.owner.login}/{o.name}")
    pushed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=400))
    fetched_at = factory.LazyFunction(timezone.now)
    topics = factory.LazyFunction(lambda: ["django", "htmx"])


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountSnapshot

    account = factory.SubFactory(AccountFactory)
    date = factory.LazyFunction(today_utc)
    followers = 1200
    following = 30
    public_repos = 3
    total_stars = 100
    total_forks = 20


class TrackingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tracking

    user = factory.SubFactory("tests.factories.UserFactory")
    account = factory.SubFactory(AccountFactory)


def snapshots_for(account, *, days: int, stars_from: int = 100, step: int = 2) -> None:
    """One snapshot a day for `days` days up to today, stars growing by `step` a day."""
    today = today_utc()
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(
            account=account,
            date=today - timedelta(days=days - 1 - i),
            followers=account.followers - (days - 1 - i),
            following=account.following,
            public_repos=account.public_repos,
            total_stars=stars_from + i * step,
            total_forks=20 + i // 10,
        )
        for i in range(days)
    )
