"""An account's own repositories, as GitHub's repository listing describes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.db.models import F
from django.db.models.functions import Lower

if TYPE_CHECKING:
    from github_stats.models.accounts import GitHubAccount


class RepositoryQuerySet(models.QuerySet["Repository"]):
    def for_account(self, account: GitHubAccount | int) -> RepositoryQuerySet:
        return self.filter(owner=account)

    def by_name(self, name: str) -> RepositoryQuerySet:
        """Case-insensitive, through the (owner, LOWER(name)) index."""
        return self.alias(name_lower=Lower("name")).filter(name_lower=name.lower())


class Repository(models.Model):
    github_id = models.BigIntegerField(unique=True)
    owner = models.ForeignKey(
        "github_stats.GitHubAccount", on_delete=models.CASCADE, related_name="repositories"
    )
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
    # As GitHub has it: links go through ui.formatting.
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
        """Reads the owner: load it with the repository (select_related) in lists."""
        return f"{self.owner.login}/{self.name}"

    def languages_outdated(self) -> bool:
        """Its language sizes describe an older push than the latest one (or none yet)."""
        return self.pushed_at is not None and self.languages_pushed_at != self.pushed_at
