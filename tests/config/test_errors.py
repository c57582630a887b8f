import json
from http import HTTPStatus

import pytest
from django.test import Client

from config.errors import error_response
from config.request_id import request_id_clear, request_id_set
from tests.config.urls_errors import SECRET_IN_EXCEPTION

JSON = {"Accept": "application/json"}


@pytest.fixture
def failing_client() -> Client:
    # What a browser gets: the error page, not the exception re-raised into the test.
    return Client(raise_request_exception=False)


def _is_site_page(response) -> bool:
    body = response.content.decode()
    return 'class="site-header"' in body and "/static/css/app.css" in body


def test_unknown_page_is_a_styled_404_with_the_request_id(client: Client, db):
    response = client.get("/no-such-page/", headers={"X-Request-ID": "req-404-page-1"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _is_site_page(response)
    assert "req-404-page-1" in response.content.decode()


def test_unknown_api_path_is_a_json_404(client: Client, db):
    response = client.get("/api/no-such-endpoint", headers={"X-Request-ID": "req-404-api-1"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {
        "error": "not_found",
        "message": "There is nothing at this address.",
        "request_id": "req-404-api-1",
    }


def test_client_asking_for_json_gets_a_json_404(client: Client, db):
    response = client.get("/no-such-page/", headers=JSON)
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"


@pytest.mark.urls("tests.config.urls_errors")
def test_view_error_is_a_styled_500_without_traceback(failing_client: Client, db):
    response = failing_client.get("/test-errors/boom/", headers={"X-Request-ID": "req-500-pg-1"})
    body = response.content.decode()
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in body
    assert "req-500-pg-1" in body
    assert "/static/css/app.css" in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    assert SECRET_IN_EXCEPTION not in body


@pytest.mark.urls("tests.config.urls_errors")
def test_view_error_on_an_api_path_is_a_json_500(failing_client: Client, db):
    response = failing_client.get("/api/test-errors/boom/", headers={"X-Request-ID": "req-500-j1"})
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    body = response.json()
    assert set(body) == {"error", "message", "request_id"}
    assert body["error"] == "internal_error"
    assert body["request_id"] == "req-500-j1"
    assert SECRET_IN_EXCEPTION not in response.content.decode()


@pytest.mark.urls("tests.config.urls_errors")
def test_permission_denied_is_a_styled_403(failing_client: Client, db):
    response = failing_client.get("/test-errors/forbidden/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _is_site_page(response)
    assert response["X-Request-ID"] in response.content.decode()


@pytest.mark.urls("tests.config.urls_errors")
def test_suspicious_request_is_a_styled_400(failing_client: Client, db):
    response = failing_client.get("/test-errors/suspicious/")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert _is_site_page(response)
    assert "tampered input" not in response.content.decode()


@pytest.mark.urls("tests.config.urls_errors")
def test_rate_limited_request_is_a_429_not_a_403(failing_client: Client, db):
    response = failing_client.get("/test-errors/rate-limited/", headers=JSON)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["error"] == "rate_limited"


def test_a_button_address_opened_as_a_page_is_a_styled_405(client_logged_in: Client):
    response = client_logged_in.get("/u/octocat/refresh", headers={"X-Request-ID": "req-405-1"})
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "POST"
    assert _is_site_page(response)
    body = response.content.decode()
    assert "This address is a button, not a page" in body
    assert "takes POST requests, not GET" in body
    assert "req-405-1" in body


def test_a_wrong_method_on_the_api_is_a_json_405(client: Client, db):
    response = client.delete("/api/v1/me", headers={"X-Request-ID": "req-405-api"})
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    body = response.json()
    assert set(body) == {"error", "message", "request_id"}
    assert body["request_id"] == "req-405-api"


def test_csrf_failure_is_the_sites_own_403_page(csrf_client: Client, db):
    response = csrf_client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _is_site_page(response)
    assert "This form has expired" in response.content.decode()


def test_error_response_has_the_one_json_shape():
    request_id_set("req-helper-0001")
    try:
        response = error_response(
            status=HTTPStatus.CONFLICT,
            error="already_tracked",
            message="You already watch octocat.",
            headers={"Retry-After": "60"},
        )
    finally:
        request_id_clear()
    assert response.status_code == HTTPStatus.CONFLICT
    assert response["Retry-After"] == "60"
    assert json.loads(response.content) == {
        "error": "already_tracked",
        "message": "You already watch octocat.",
        "request_id": "req-helper-0001",
    }
