"""Moderating people: deactivating them and ending their sessions (which revokes their API
tokens: allauth's headless JWTs are checked against the session they were issued for, with
HEADLESS_JWT_STATEFUL_VALIDATION_ENABLED). Every action writes an audit row."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest

from accounts.audit import audit_log_write
from accounts.models import AuditAction, User
from accounts.services import user_sessions_end


def session_user_id(session: Session) -> str | None:
    """The id of the person a session is signed in as (None for an anonymous session)."""
    user_id = session.get_decoded().get(SESSION_KEY)
    return str(user_id) if user_id is not None else None


def user_deactivate(
    *, user: User, actor: Any, reason: str = "", request: HttpRequest | None = None
) -> int:
    """Refuse this person's logins from now on and end every session they have, browser and
    API alike. Returns the number of sessions ended."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        ended = user_sessions_end(user=user)
        audit_log_write(
            action=AuditAction.USER_DEACTIVATE,
            actor=actor,
            target=user,
            reason=reason or f"{ended} session(s) ended",
            request=request,
        )
    return ended


def sessions_revoke(
    *, session_keys: list[str], actor: Any, request: HttpRequest | None = None
) -> int:
    """End these sessions (the row and the cached copy in front of it, or a cached_db session
    would live on) and with them every JWT issued for them. One audit row per person."""
    sessions = list(Session.objects.filter(session_key__in=session_keys))
    owners: dict[str | None, int] = {}
    for session in sessions:
        owner = session_user_id(session)
        owners[owner] = owners.get(owner, 0) + 1
    users = User.objects.in_bulk([pk for pk in owners if pk is not None])
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    with transaction.atomic():
        for session in sessions:
            store.delete(session.session_key)
        for owner, count in owners.items():
            person = users.get(int(owner)) if owner is not None else None
            audit_log_write(
                action=AuditAction.SESSION_REVOKE,
                actor=actor,
                target=person,
                target_repr=str(person) if person is not None else "(anonymous sessions)",
                reason=f"{count} session(s) revoked",
                request=request,
            )
    return len(sessions)


def user_sessions_revoke(*, user: User, actor: Any, request: HttpRequest | None = None) -> int:
    """End every session of this person (signed out everywhere, API tokens revoked)."""
    with transaction.atomic():
        ended = user_sessions_end(user=user)
        audit_log_write(
            action=AuditAction.SESSION_REVOKE,
            actor=actor,
            target=user,
            reason=f"{ended} session(s) revoked",
            request=request,
        )
    return ended
