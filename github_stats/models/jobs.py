"""Refresh jobs: one refresh of one account, and the lock that keeps it to one at a time."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from github_stats.github.errors import RateLimited

IN_FLIGHT = ("queued", "running")


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class RefreshJobQuerySet(models.QuerySet["RefreshJob"]):
    def in_flight(self) -> RefreshJobQuerySet:
        return self.filter(status__in=IN_FLIGHT)

    def due(self, *, now: datetime, grace: timedelta, lost_after: timedelta) -> RefreshJobQuerySet:
        """Queued jobs the scheduler must publish again: parked by a rate limit whose reset has
        come (plus `grace`), or never run `lost_after` their creation (their Celery message was
        lost: a broker outage, a worker killed before it acknowledged)."""
        return self.filter(status=JobStatus.QUEUED).filter(
            Q(retry_at__lte=now - grace)
            | Q(retry_at__isnull=True, created_at__lte=now - lost_after)
        )

    def stuck(self, *, started_before: datetime) -> RefreshJobQuerySet:
        """Jobs still "running" that a worker claimed before `started_before`. Past the hard
        time limit and the broker's redelivery, no task will finish them any more."""
        return self.filter(status=JobStatus.RUNNING, started_at__lt=started_before)


class RefreshJob(models.Model):
    """One refresh of one account, requested by a person, the scheduler or an operator.

    `login` (lower case) is what was asked for; `account` is set when we already store the account
    and, for a login we did not have yet, once the refresh has found it on GitHub. At most one job
    per account and per login is queued or running at any time: the partial unique constraints are
    the lock, so concurrent requests cannot both create one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account = models.ForeignKey(
        "github_stats.GitHubAccount",
        on_delete=models.CASCADE,
        related_name="refresh_jobs",
        null=True,
        blank=True,
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
    def is_rate_limited(self) -> bool:
        """Queued again until GitHub's rate limit resets (`retry_at`)."""
        return self.status == JobStatus.QUEUED and self.error_code == RateLimited.code
