"""Security headers where tests/config/test_security.py does not look: the JSON API, the
admin, and answers made by our own middlewares. (Pages, HSTS and production cookies are
asserted there.)"""

from __future__ import annotations

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def _assert_hardened(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_api_json_answers_carry_the_security_headers(client_logged_in):
    response = client_logged_in.get("/api/v1/me")
    assert response.status_code == HTTPStatus.OK
    _assert_hardened(response)


def test_api_errors_carry_the_security_headers(client):
    response = client.get("/api/v1/me")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    _assert_hardened(response)


def test_admin_pages_carry_the_security_headers_and_csp(staff_client, admin_url):
    response = staff_client.get(admin_url)
    assert response.status_code == HTTPStatus.OK
    _assert_hardened(response)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
