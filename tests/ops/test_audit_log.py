"""The audit log: append-only, read-only in the admin, and fed by security events."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from accounts.audit import audit_log_write
from accounts.models import AuditAction, AuditLog
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_row_cannot_be_changed_or_deleted():
    entry = audit_log_write(action=AuditAction.ACCOUNT_HIDE, target_repr="x", reason="spam")
    entry.reason = "something else"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditLog.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get().reason == "spam"


def test_the_admin_shows_the_log_but_cannot_add_change_or_delete(staff_client, admin_url):
    entry = audit_log_write(action=AuditAction.ACCOUNT_HIDE, target_repr="<script>x</script>")
    base = f"{admin_url}accounts/auditlog/"
    listing = staff_client.get(base)
    assert listing.status_code == HTTPStatus.OK
    assert b"<script>x" not in listing.content
    assert b'name="action"' not in listing.content  # no actions, not even delete_selected
    assert staff_client.get(f"{base}add/").status_code == HTTPStatus.FORBIDDEN
    detail = staff_client.get(f"{base}{entry.pk}/change/")
    assert detail.status_code == HTTPStatus.OK  # viewable
    assert b'name="_save"' not in detail.content  # read-only: no Save button
    assert b"&lt;script&gt;x" in detail.content  # and GitHub-ish text is escaped
    changed = staff_client.post(f"{base}{entry.pk}/change/", {"reason": "edited"})
    assert changed.status_code == HTTPStatus.FORBIDDEN
    deleted = staff_client.post(f"{base}{entry.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == HTTPStatus.FORBIDDEN
    assert AuditLog.objects.count() == 1


def _login(email: str, password: str) -> int:
    client = Client(REMOTE_ADDR="198.51.100.7")
    return client.post("/accounts/login/", {"login": email, "password": password}).status_code


def test_a_failed_staff_login_is_audited():
    staff = UserFactory(is_staff=True)
    _login(staff.email, "not-the-password")
    entry = AuditLog.objects.get()
    assert entry.action == AuditAction.STAFF_LOGIN_FAILED
    assert entry.actor is None
    assert entry.target_repr == staff.email
    assert entry.ip_address == "198.51.100.7"
    assert entry.request_id


def test_a_failed_login_of_someone_not_staff_is_not_audited():
    person = UserFactory()
    _login(person.email, "not-the-password")
    assert not AuditLog.objects.exists()


def test_a_successful_staff_login_is_not_audited():
    staff = UserFactory(is_staff=True)
    assert _login(staff.email, DEFAULT_PASSWORD) == HTTPStatus.FOUND
    assert not AuditLog.objects.exists()


def test_a_failed_login_at_the_admins_own_form_is_audited(admin_url):
    # The admin's form is replaced by allauth's login; a POST to it still fails safely.
    Client().post(f"{admin_url}login/", {"username": "x@example.com", "password": "nope"})
    assert AuditLog.objects.count() <= 1
