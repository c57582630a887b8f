"""What we store about GitHub: accounts (users and organisations), their repositories, one snapshot
per account per day, the watchlist, and the refresh jobs that keep it all fresh.

PostgreSQL is the source of truth; every page and API answer reads these tables. GitHub's own
timestamps keep GitHub's names (`created_at`, `updated_at`, `pushed_at`); ours say what they are
(`fetched_at`, `first_seen_at`).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User

IN_FLIGHT = ("queued", "running")


def token_fingerprint(token: str) -> str:
    """Who a stored ETag belongs to: GitHub's validators are per token (TOOLCHAIN.md), so one
    stored under another token (or none) must not be sent."""
    return hashlib.sha256(token.encode()).hexdigest()[:12] if token else "anonymous"


# --- Account --------------------------------------------------------------------------------


class AccountKind(models.TextChoices):
    USER = "user", "User"
    ORG = "org", "Organisation"


class RefreshStatus(models.TextChoices):
    NEVER = "never", "Never refreshed"
    OK = "ok", "Up to date"
    NOT_FOUND = "not_found", "Gone from GitHub"
    FAILED = "failed", "Last refresh failed"


class AccountQuerySet(models.QuerySet["Account"]):
    def visible(self) -> AccountQuerySet:
        """Not hidden by moderation."""
        return self.filter(hidden=False)

    def by_login(self, login: str) -> AccountQuerySet:
        """Case-insensitive, through the LOWER(login) unique index (`iexact` would miss it)."""
        return self.alias(login_lower=Lower("login")).filter(login_lower=login.lower())

    def stale(self, *, older_than: timedelta, now: datetime | None = None) -> AccountQuerySet:
        """Never fetched, or fetched longer than `older_than` ago."""
        cutoff = (now or timezone.now()) - older_than
        return self.filter(Q(fetched_at__isnull=True) | Q(fetched_at__lt=cutoff))

    def tracked(self) -> AccountQuerySet:
        """On at least one person's watchlist: the accounts the scheduler keeps fresh."""
        return self.filter(Exists(Tracking.objects.filter(account=OuterRef("pk"))))

    def for_user(self, user: User) -> AccountQuerySet:
        """On this person's watchlist."""
        return self.filter(Exists(Tracking.objects.filter(account=OuterRef("pk"), user=user)))

    def stalest_first(self) -> AccountQuerySet:
        return self.order_by(F("fetched_at").asc(nulls_first=True), "pk")

    def without_job_in_flight(self) -> AccountQuerySet:
        return self.exclude(Exists(RefreshJob.objects.in_flight().filter(account=OuterRef("pk"))))


class Account(models.Model):
    github_id = models.BigIntegerField(unique=True)
    # 39 is GitHub's limit; the margin holds a login displaced by a rename (see services).
    login = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=AccountKind.choices, default=AccountKind.USER)

    name = models.CharField(max_length=255, blank=True)
    bio = models.TextField(blank=True)
    company = models.CharField(max_length=255, blank=True)
    location = models.CharField(max_length=255, blank=True)
    # As GitHub has it: may be anything a person typed. Check with payloads.http_url_or_none().
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

    hidden = models.BooleanField(default=False, help_text="Hidden by moderation.")
    hidden_reason = models.TextField(blank=True)

    objects: ClassVar[AccountQuerySet] = AccountQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["login"]
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

    @property
    def cache_version_key(self) -> str:
        """Bumped by every refresh; cached views of this account include its value."""
        return account_cache_version_key(self.pk)

    def is_stale(self, now: datetime | None = None, *, ttl: timedelta | None = None) -> bool:
        return fetched_at_is_stale(self.fetched_at, now, ttl=ttl)

    def validators_usable(self, token: str) -> bool:
        return self.validators_token == token_fingerprint(token)


def fetched_at_is_stale(
    fetched_at: datetime | None, now: datetime | None = None, *, ttl: timedelta | None = None
) -> bool:
    """Never fetched, or longer than STATS_TTL ago."""
    if fetched_at is None:
        return True
    ttl = ttl if ttl is not None else timedelta(seconds=settings.STATS_TTL)
    return fetched_at < (now or timezone.now()) - ttl


def account_cache_version_key(account_id: int) -> str:
    return f"github_stats:account:{account_id}:version"


# --- Repository -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RepoTotals:
    """Stars and forks over an account's own repositories, and over those that are not forks."""

    repositories: int
    stars: int
    forks: int
    non_fork_repositories: int
    non_fork_stars: int
    non_fork_forks: int


class RepositoryQuerySet(models.QuerySet["Repository"]):
    def for_account(self, account: Account | int) -> RepositoryQuerySet:
        return self.filter(owner=account)

    def non_forks(self) -> RepositoryQuerySet:
        return self.filter(is_fork=False)

    def totals(self) -> RepoTotals:
        """All the figures in one aggregate query."""
        own = Q(is_fork=False)
        row = self.aggregate(
            n_all=Count("pk"),
            stars_all=Coalesce(Sum("stars"), 0),
            forks_all=Coalesce(Sum("forks"), 0),
            n_own=Count("pk", filter=own),
            stars_own=Coalesce(Sum("stars", filter=own), 0),
            forks_own=Coalesce(Sum("forks", filter=own), 0),
        )
        return RepoTotals(
            repositories=row["n_all"],
            stars=row["stars_all"],
            forks=row["forks_all"],
            non_fork_repositories=row["n_own"],
            non_fork_stars=row["stars_own"],
            non_fork_forks=row["forks_own"],
        )

    def languages_by_count(self) -> list[tuple[str, int]]:
        """(language, repositories) by each repository's primary language, most used first.
        The only language figure available without a token."""
        rows = (
            self.exclude(language="")
            .values("language")
            .annotate(n=Count("pk"))
            .order_by("-n", "language")
        )
        return [(row["language"], row["n"]) for row in rows]

    def languages_by_bytes(self) -> list[tuple[str, int]]:
        """(language, bytes) summed over the repositories' language sizes, largest first.
        Empty unless languages were fetched (GraphQL, token only)."""
        totals: dict[str, int] = {}
        for sizes in self.values_list("language_bytes", flat=True):
            if isinstance(sizes, dict):
                for language, size in sizes.items():
                    if isinstance(size, int):
                        totals[language] = totals.get(language, 0) + size
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


class Repository(models.Model):
    github_id = models.BigIntegerField(unique=True)
    owner = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="repositories")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    language = models.CharField(max_length=100, blank=True, help_text="Primary language.")
    language_bytes = models.JSONField(
        default=dict, blank=True, help_text="{language: bytes}; fetched with a token only."
    )
    languages_pushed_at = models.DateTimeField(
        null=True, blank=True, help_text="The pushed_at we last fetched languages for."
    )
    stars = models.PositiveIntegerField(default=0)
    forks = models.PositiveIntegerField(default=0)
    open_issues = models.PositiveIntegerField(default=0)
    watchers = models.PositiveIntegerField(default=0)
    size_kb = models.PositiveIntegerField(default=0)
    is_fork = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)
    disabled = models.BooleanField(default=False)
    default_branch = models.CharField(max_length=255, blank=True)
    topics = models.JSONField(default=list, blank=True)
    license_spdx = models.CharField(max_length=64, blank=True)
    # As GitHub has it: check with payloads.http_url_or_none() before using it as a link.
    homepage = models.CharField(max_length=500, blank=True)
    html_url = models.URLField(max_length=500, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[RepositoryQuerySet] = RepositoryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["owner", "name"]
        verbose_name_plural = "repositories"
        indexes = [
            # The dashboard's repository table, one per sort order.
            models.Index(F("owner"), F("stars").desc(), name="repo_owner_stars_idx"),
            models.Index(F("owner"), F("forks").desc(), name="repo_owner_forks_idx"),
            models.Index(F("owner"), F("pushed_at").desc(), name="repo_owner_pushed_idx"),
            # /r/<owner>/<repo> and sorting by name. Not unique: a rename and a new repository
            # taking the old name can arrive in one upsert.
            models.Index(F("owner"), Lower("name"), name="repo_owner_name_ci_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    def languages_outdated(self) -> bool:
        """Whether the language sizes describe an older push than the latest one."""
        return self.languages_pushed_at is None or self.languages_pushed_at != self.pushed_at


# --- Snapshots, watchlist -------------------------------------------------------------------


class AccountSnapshot(models.Model):
    """The account's figures on one day (UTC); today's row is rewritten by every refresh."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField()
    followers = models.PositiveIntegerField(default=0)
    following = models.PositiveIntegerField(default=0)
    public_repos = models.PositiveIntegerField(default=0)
    total_stars = models.PositiveIntegerField(default=0)
    total_forks = models.PositiveIntegerField(default=0)
    non_fork_stars = models.PositiveIntegerField(default=0)
    non_fork_forks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["account", "date"]
        constraints = [
            # Also the index of every history query (account, date range).
            models.UniqueConstraint(
                fields=["account", "date"], name="snapshot_account_date_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} on {self.date}"


class Tracking(models.Model):
    """One person watching one account; watched accounts are the ones kept fresh."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trackings"
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="trackings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Also the index of "my watchlist" (user first).
            models.UniqueConstraint(
                fields=["user", "account"], name="tracking_user_account_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} tracks {self.account_id}"


# --- Refresh jobs ---------------------------------------------------------------------------


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class RefreshJobQuerySet(models.QuerySet["RefreshJob"]):
    def in_flight(self) -> RefreshJobQuerySet:
        return self.filter(status__in=IN_FLIGHT)

    def due(self, *, now: datetime | None = None) -> RefreshJobQuerySet:
        """Queued jobs whose retry time has come (parked by a rate limit longer than a Celery
        countdown may be)."""
        return self.filter(status=JobStatus.QUEUED, retry_at__lte=now or timezone.now())


class RefreshJob(models.Model):
    """One refresh of one account, requested by a person, the scheduler or an operator.

    `login` (lower case) is what was asked for; `account` is set when we already store the account
    and, for a login we did not have yet, once the refresh has found it on GitHub. At most one job
    per account and per login is queued or running at any time: the partial unique constraints are
    the lock, so concurrent requests cannot both create one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="refresh_jobs", null=True, blank=True
    )
    login = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="refresh_jobs",
        null=True,
        blank=True,
    )
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error_code = models.CharField(
        max_length=32, blank=True, help_text="The domain exception's code, as in the API."
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    github_requests = models.PositiveIntegerField(default=0)
    quota_requests = models.PositiveIntegerField(default=0)
    graphql_points = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="Rate limited: not run again before this time."
    )

    objects: ClassVar[RefreshJobQuerySet] = RefreshJobQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=IN_FLIGHT),
                name="refreshjob_one_in_flight_per_account",
            ),
            models.UniqueConstraint(
                fields=["login"],
                condition=Q(status__in=IN_FLIGHT),
                name="refreshjob_one_in_flight_per_login",
            ),
        ]
        indexes = [
            models.Index(
                fields=["retry_at"],
                name="refreshjob_queued_retry_idx",
                condition=Q(status="queued"),
            ),
        ]

    def __str__(self) -> str:
        return f"refresh {self.login} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def is_in_flight(self) -> bool:
        return self.status in IN_FLIGHT

    @property
    def duration(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


def today_utc(now: datetime | None = None) -> date:
    """Snapshots are per UTC day."""
    return (now or timezone.now()).astimezone(UTC).date()
