"""A person's watchlist: the GitHub accounts they track, which the scheduler keeps fresh."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Tracking(models.Model):
    """One person watching one account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trackings"
    )
    account = models.ForeignKey(
        "github_stats.GitHubAccount", on_delete=models.CASCADE, related_name="trackings"
    )
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
