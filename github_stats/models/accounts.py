"""A GitHub account (a user or an organisation) as its last refresh stored it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from github_stats.models.jobs import RefreshJob
from github_stats.models.watchlist import Tracking


def stale_moment(fetched_at: datetime | None) -> datetime | None:
    """When figures fetched at `fetched_at` turn stale (None: never fetched, stale already):
    for readers that hold the column, not the row."""
    if fetched_at is None:
        return None
    return fetched_at + timedelta(seconds=settings.STATS_TTL)


def new_cache_version() -> str:
    """Random, not counted: a version lost from the cache can never be guessed back."""
    return uuid.uuid4().hex


class AccountKind(models.TextChoices):
    USER = "user", "User"
    ORG = "org", "Organisation"


class RefreshStatus(models.TextChoices):
    NEVER = "never", "Never refreshed"
    OK = "ok", "Up to date"
    NOT_FOUND = "not_found", "Gone from GitHub"
    FAILED = "failed", "Last refresh failed"


class GitHubAccountQuerySet(models.QuerySet["GitHubAccount"]):
    def visible(self) -> GitHubAccountQuerySet:
        """Not hidden by moderation."""
        return self.filter(hidden=False)

    def for_display(self) -> GitHubAccountQuerySet:
        """Without the refresh's own bookkeeping: the page validators hold every repository id
        of the account (tens of kilobytes for the largest), which no page or answer shows."""
        return self.defer("repo_page_validators")

    def by_login(self, login: str) -> GitHubAccountQuerySet:
        """Case-insensitive, through the LOWER(login) unique index (`iexact` would miss it)."""
        return self.alias(login_lower=Lower("login")).filter(login_lower=login.lower())

    def by_logins(self, logins: list[str]) -> GitHubAccountQuerySet:
        return self.alias(login_lower=Lower("login")).filter(
            login_lower__in=[login.lower() for login in logins]
        )

    def stale(self, *, older_than: timedelta, now: datetime | None = None) -> GitHubAccountQuerySet:
        """Never fetched, or fetched longer than `older_than` ago."""
        cutoff = (now or timezone.now()) - older_than
        return self.filter(Q(fetched_at__isnull=True) | Q(fetched_at__lt=cutoff))

    def tracked(self) -> GitHubAccountQuerySet:
        """On at least one person's watchlist: the accounts the scheduler keeps fresh."""
        return self.filter(Exists(Tracking.objects.filter(account=OuterRef("pk"))))

    def stalest_first(self) -> GitHubAccountQuerySet:
        return self.order_by(F("fetched_at").asc(nulls_first=True), "pk")

    def without_job_in_flight(self) -> GitHubAccountQuerySet:
        return self.exclude(Exists(RefreshJob.objects.in_flight().filter(account=OuterRef("pk"))))


class GitHubAccount(models.Model):
    github_id = models.BigIntegerField(unique=True)
    # 39 is GitHub's limit; the margin holds a login displaced by a rename (services/refresh.py).
    login = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=AccountKind.choices, default=AccountKind.USER)

    name = models.CharField(max_length=255, blank=True)
    bio = models.TextField(blank=True)
    company = models.CharField(max_length=255, blank=True)
    location = models.CharField(max_length=255, blank=True)
    # As GitHub has it: may be anything a person typed. Links go through ui.formatting.
    blog = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=255, blank=True)
    twitter_username = models.CharField(max_length=100, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    html_url = models.URLField(max_length=500, blank=True)
    followers = models.PositiveIntegerField(default=0)
    following = models.PositiveIntegerField(default=0)
    public_repos = models.PositiveIntegerField(default=0)
    public_gists = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(null=True, blank=True, help_text="Joined GitHub.")
    updated_at = models.DateTimeField(null=True, blank=True, help_text="Profile changed on GitHub.")

    # Summed over the stored repositories by every refresh (services/refresh.py), so pages read
    # them with the account instead of aggregating hundreds of repositories per view.
    total_stars = models.PositiveIntegerField(default=0, help_text="Over all own repositories.")
    total_forks = models.PositiveIntegerField(default=0, help_text="Over all own repositories.")
    language_bytes = models.JSONField(
        default=dict, blank=True, help_text="{language: bytes} over non-fork repositories."
    )
    language_repos = models.JSONField(
        default=dict,
        blank=True,
        help_text="{language: repositories} by primary language, non-fork repositories.",
    )

    first_seen_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(
        null=True, blank=True, help_text="Last successful refresh from GitHub."
    )
    refresh_status = models.CharField(
        max_length=16, choices=RefreshStatus.choices, default=RefreshStatus.NEVER
    )
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    # Conditional-request validators: an unchanged account and unchanged repository pages cost
    # no quota. `validators_token` says whose they are (validators are per token).
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    repo_page_validators = models.JSONField(default=list, blank=True)
    validators_token = models.CharField(max_length=16, blank=True)
    # Share of recent refreshes that found something new (an exponentially weighted mean kept by
    # every refresh; None until the first): the scheduler's cost model (services/refresh_cost.py).
    change_rate = models.FloatField(null=True, blank=True)

    hidden = models.BooleanField(default=False, help_text="Hidden by moderation.")
    hidden_reason = models.TextField(blank=True)
    cards_enabled = models.BooleanField(
        default=True, help_text="Serve this account's embeddable SVG cards (an opt-out)."
    )

    # Replaced by every write that changes what is shown of the account (a refresh, hiding,
    # unhiding), in the same statement: cached responses record it and are served only while it
    # is still the account's (github_stats/caching.py).
    cache_version = models.CharField(max_length=32, default=new_cache_version, editable=False)

    objects: ClassVar[GitHubAccountQuerySet] = GitHubAccountQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["login"]
        verbose_name = "GitHub account"
        constraints = [
            models.UniqueConstraint(Lower("login"), name="account_login_ci_unique"),
        ]
        indexes = [
            # The scheduler: visible accounts, stalest first.
            models.Index(
                fields=["fetched_at"],
                name="account_visible_fetched_idx",
                condition=Q(hidden=False),
            ),
        ]

    def __str__(self) -> str:
        return self.login

    @property
    def display_name(self) -> str:
        return self.name or self.login

    def stale_at(self) -> datetime | None:
        """When the stored figures turn stale (None: never fetched, stale already)."""
        return stale_moment(self.fetched_at)

    def is_stale(self, now: datetime | None = None) -> bool:
        stale_at = self.stale_at()
        return stale_at is None or stale_at <= (now or timezone.now())


class FormerName(models.Model):
    """A login or `owner/name` GitHub used to answer for one of our accounts or repositories
    before a rename, so what was linked or embedded under it (a README's card) is redirected to
    the new name. GitHub frees an old login: a new account taking it wins (it is stored under
    it), so this is asked only when nothing we store answers to the name."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account login"
        REPOSITORY = "repository", "Repository owner/name"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=150, help_text="Lower case: login, or owner/name.")
    account = models.ForeignKey(GitHubAccount, on_delete=models.CASCADE, related_name="+")
    # No constraint and nothing done on delete: a refresh that removes repositories must not
    # pay a query per removal for names kept only to redirect; a former name whose repository
    # is gone finds nothing (former_name_find) and redirects nowhere.
    repository = models.ForeignKey(
        "github_stats.Repository",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    renamed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="former_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
