from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.models import Session
from django.db import models


class EmailUserManager(UserManager["User"]):
    """Email is the login: no usernames anywhere."""

    use_in_migrations = True

    def _create_user_with_email(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user_with_email(email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not (extra["is_staff"] and extra["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser.")
        return self._create_user_with_email(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


# --- Audit log ------------------------------------------------------------------------------


class AuditAction(models.TextChoices):
    ACCOUNT_HIDE = "account_hide", "Hid a GitHub account"
    ACCOUNT_UNHIDE = "account_unhide", "Unhid a GitHub account"
    ACCOUNT_REFRESH = "account_refresh", "Asked for a refresh"
    CARDS_OFF = "cards_off", "Turned a GitHub account's cards off"
    CARDS_ON = "cards_on", "Turned a GitHub account's cards on"
    REFRESH_JOB_RETRY = "refresh_job_retry", "Retried a refresh job"
    USER_DEACTIVATE = "user_deactivate", "Deactivated a person"
    SESSION_REVOKE = "session_revoke", "Revoked sessions and API tokens"
    STAFF_LOGIN_FAILED = "staff_login_failed", "Failed staff login"


class AuditLogQuerySet(models.QuerySet["AuditLog"]):
    """Append-only: rows are written once and never changed or deleted through the ORM."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class AuditLog(models.Model):
    """Who did what to whom, and why: every moderation action and security event.

    The actor's email and the target's description are copied into the row, so the record
    still reads the same after the person or the account is gone."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    target_type = models.CharField(max_length=64, blank=True, help_text="app_label.model")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects: ClassVar[AuditLogQuerySet] = AuditLogQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["action", "-created_at"], name="auditlog_action_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_repr or '-'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class SignedInSession(Session):
    """Django's sessions as the admin shows them: one per signed-in browser or API client.

    allauth's headless JWTs (stateful validation) name the session they were issued for, so
    ending the session revokes its access and refresh tokens too."""

    class Meta:
        proxy = True
        verbose_name = "signed-in session"
