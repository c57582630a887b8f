"""Operators: a staff person signed in to the admin, and the admin's address."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def admin_url() -> str:
    return f"/{settings.ADMIN_URL}"


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True, email="moderator@example.com")


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client(REMOTE_ADDR="192.0.2.10", headers={"X-Request-ID": "req-moderation-0001"})
    client.force_login(staff)
    return client
