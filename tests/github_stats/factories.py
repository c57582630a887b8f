"""Rows of github_stats for tests that need stored data without a refresh."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from github_stats.models import (
    Account,
    AccountSnapshot,
    JobStatus,
    RefreshJob,
    RefreshStatus,
    Repository,
    Tracking,
    today_utc,
)
from tests.factories import UserFactory


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

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


class OrgFactory(AccountFactory):
    kind = "org"
    following = 0


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repository

    github_id = factory.Sequence(lambda n: 5_000_000 + n)
    owner = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"project-{n}")
    description = "A project"
    language = "Python"
    stars = 5
    forks = 1
    html_url = factory.LazyAttribute(lambda o: f"https://github.com/{o.owner.login}/{o.name}")
    pushed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    created_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=300))
    fetched_at = factory.LazyFunction(timezone.now)


class AccountSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountSnapshot

    account = factory.SubFactory(AccountFactory)
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
    account = factory.SubFactory(AccountFactory)


class RefreshJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RefreshJob

    account = factory.SubFactory(AccountFactory)
    login = factory.LazyAttribute(lambda o: o.account.login.lower() if o.account else "someone")
    status = JobStatus.QUEUED
