"""One error shape for every failure, the right status, never a traceback."""

from http import HTTPStatus

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from tests.api.openapi import assert_matches_schema

ME = "/api/v1/me"


def assert_error_shape(response, status: int, error: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message", "request_id"}
    assert body["error"] == error
    assert body["request_id"] == response["X-Request-ID"]
    assert "Traceback" not in body["message"]
    return body


def test_an_unknown_api_path_is_404_in_the_error_shape(api):
    assert_error_shape(api.get("/api/v1/nothing-here"), 404, "not_found")


def test_an_unsupported_method_is_405_in_the_error_shape(api):
    response = api.patch(ME)
    assert_error_shape(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_database_unavailable_is_503(api, error):
    def _database_down(execute, sql, params, many, context):
        raise error("server closed the connection unexpectedly")

    # Fails at the driver boundary, as a dead PostgreSQL does: after authentication.
    with connection.execute_wrapper(_database_down):
        response = api.get("/api/v1/watchlist")
    body = assert_error_shape(response, 503, "database_unavailable")
    assert response["Retry-After"]
    assert_matches_schema(response, "GET", "/api/v1/watchlist")
    assert "server closed" not in body["message"]


def _bug(execute, sql, params, many, context):
    raise RuntimeError("an unexpected bug")


def test_an_unexpected_error_is_500_in_the_error_shape_and_logged(api, caplog):
    with connection.execute_wrapper(_bug):
        response = api.get("/api/v1/watchlist")
    body = assert_error_shape(response, 500, "internal_error")
    assert "unexpected bug" not in body["message"]
    assert "unhandled error in an API call" in caplog.text
    assert "RuntimeError: an unexpected bug" in caplog.text  # the traceback goes to the log


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_schema_and_docs_are_public(db, path):
    assert Client().get(path).status_code == HTTPStatus.OK


def test_the_published_schema_uses_an_http_bearer_scheme(db):
    schemes = Client().get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["BearerTokenAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["SessionCsrfAuth"]["in"] == "cookie"


def test_a_form_body_too_large_for_django_is_413_not_500(browser_session, db):
    # The session's CSRF check reads a form body; past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    # Django refuses, and the API says so instead of answering 500.
    browser_session.get("/settings/")  # the CSRF cookie, as a browser has it
    response = browser_session.post(
        "/api/v1/accounts/octocat/refresh",
        data=b"a=" + b"x" * (3 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert_error_shape(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")
