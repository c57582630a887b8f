"""Rows of github_stats for tests that need stored data without a refresh."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from github_stats.models import (
    AccountSnapshot,
    ContributionYear,
    GitHubAccount,
    JobStatus,
    RefreshJob,
    RefreshStatus,
    Repository,
    Tracking,
    today_utc,
    year_pairs,
)
from github_stats.services.refresh_rows import RepositorySums
from tests.factories import UserFactory


def account_sums_store(account: GitHubAccount) -> None:
    """What a refresh stores on the account from its repositories (services/refresh_rows.py),
    so that rows made by factories read as a refresh would have left them."""
    sums = RepositorySums.of(Repository.objects.filter(owner=account))
    fields = {
        "total_stars": sums.stars,
        "total_forks": sums.forks,
        "language_bytes": sums.language_bytes,
        "language_repos": sums.language_repos,
    }
    GitHubAccount.objects.filter(pk=account.pk).update(**fields)
    for name, value in fields.items():
        setattr(account, name, value)


class GitHubAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GitHubAccount

    github_id = factory.Sequence(lambda n: 10_000 + n)
    login = factory.Sequence(lambda n: f"person-{n}")
    kind = "user"
    name = factory.LazyAttribute(lambda o: o.login.title())
    html_url = factory.LazyAttribute(lambda o: f"https://github.com/{o.login}")
    avatar_url = factory.LazyAttribute(
        lambda o: f"https://avatars.githubusercontent.com/u/{o.github_id}"
    )
    followers = 10
    following = 3
    public_repos = 0
    created_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=900))
    fetched_at = factory.LazyFunction(timezone.now)
    refresh_status = RefreshStatus.OK


class OrgFactory(GitHubAccountFactory):
    kind = "org"
    following = 0


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repository
        skip_postgeneration_save = True

    github_id = factory.Sequence(lambda n: 5_000_000 + n)
    owner = factory.SubFactory(GitHubAccountFactory)
    name = factory.Sequence(lambda n: f"project-{n}")
    description = "A project"
    language = "Python"
    stars = 5
    forks = 1
    html_url = factory.LazyAttribute(lambda o: f"https://github.com/{o.owner.login}/{o.name}")
    pushed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    created_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=300))
    fetched_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def owner_sums(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            account_sums_store(self.owner)


class AccountSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountSnapshot

    account = factory.SubFactory(GitHubAccountFactory)
    date = factory.LazyFunction(today_utc)
    followers = 10
    following = 3
    public_repos = 2
    total_stars = 10
    total_forks = 2
    non_fork_stars = 10
    non_fork_forks = 2


# The name for it.
SnapshotFactory = AccountSnapshotFactory


class TrackingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tracking

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(GitHubAccountFactory)


class RefreshJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefreshJob

    account = factory.SubFactory(GitHubAccountFactory)
    login = factory.LazyAttribute(lambda o: o.account.login.lower() if o.account else "someone")
    status = JobStatus.QUEUED


def contribution_days(account: GitHubAccount, days: dict[dt.date, int]) -> None:
    """A contribution calendar of these days' counts, stored a year a row as the fill does."""
    by_year: dict[int, dict[dt.date, int]] = {}
    for day, count in days.items():
        by_year.setdefault(day.year, {})[day] = count
    for year, counts in by_year.items():
        ContributionYear.objects.create(
            account=account,
            year=year,
            days=year_pairs(counts),
            total=sum(counts.values()),
            fetched_at=timezone.now(),
        )
