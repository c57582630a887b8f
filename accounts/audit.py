"""The audit log's one writer, and the security events it listens for.

Moderation actions call `audit_log_write()` in the same transaction as the change they record;
failed logins for staff accounts (or at the admin's address) arrive through Django's
`user_login_failed` signal, which fires for the admin's form and allauth's alike."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import AuditAction, AuditLog, User
from config.client_ip import client_ip_or_none
from config.request_id import NO_REQUEST, request_id_get

logger = logging.getLogger(__name__)

_REPR_MAX = 255


def audit_log_write(
    *,
    action: AuditAction | str,
    actor: Any = None,
    target: models.Model | None = None,
    target_repr: str | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> AuditLog:
    """Append one row. `actor` is the signed-in person (None or anonymous for events such as a
    failed login); `target` the row acted on; `target_repr` overrides its description."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    request_id = request_id_get()
    entry = AuditLog.objects.create(
        action=action,
        actor=actor,
        actor_email=getattr(actor, "email", "") if actor is not None else "",
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr if target_repr is not None else str(target or ""))[:_REPR_MAX],
        reason=reason,
        request_id="" if request_id == NO_REQUEST else request_id,
        ip_address=client_ip_or_none(request),
    )
    logger.info(
        "audit: %s",
        action,
        extra={"audit_id": entry.pk, "target": entry.target_repr, "actor_id": entry.actor_id},
    )
    return entry


def _attempted_identifier(credentials: dict[str, Any]) -> str:
    # Django's admin form sends "username" (our USERNAME_FIELD is the email); allauth "email".
    for key in ("email", "username", User.USERNAME_FIELD):
        value = credentials.get(key)
        if isinstance(value, str) and value:
            return value.strip()
    return ""


def _is_admin_request(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith(f"/{settings.ADMIN_URL}")


@receiver(user_login_failed, dispatch_uid="accounts.audit.staff_login_failed")
def staff_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Record a failed login when it was for a staff account, or tried at the admin's door.
    Ordinary people mistyping their password are not security events worth a row each."""
    identifier = _attempted_identifier(credentials)
    staff = (
        bool(identifier) and User.objects.filter(email__iexact=identifier, is_staff=True).exists()
    )
    if not (staff or _is_admin_request(request)):
        return
    where = request.path if request is not None else "(no request)"
    audit_log_write(
        action=AuditAction.STAFF_LOGIN_FAILED,
        actor=None,
        target_repr=identifier or "(no identifier)",
        reason=f"Failed login at {where}" + ("" if staff else " for an account that is not staff"),
        request=request,
    )
