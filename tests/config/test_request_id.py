import re
import threading
import urllib.request
from http import HTTPStatus

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.test import Client

from config.request_id import NO_REQUEST, request_id_get
from tests.config.helpers import captured_logs

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_every_response_carries_a_generated_request_id(client: Client, db):
    response = client.get("/")
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_each_request_gets_its_own_id(client: Client, db):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert first != second


def test_well_formed_incoming_request_id_is_kept(client: Client, db):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a9c21:req.0042"})
    assert response["X-Request-ID"] == "lb-7f3a9c21:req.0042"


@pytest.mark.parametrize(
    "incoming",
    [
        "short",
        "a" * 129,
        "two words here",
        'quote"injection-attempt',
        "line\nINFO forged log line",
        "<script>alert(1)</script>",
        "-starts-with-a-dash",
        "",
    ],
    ids=["too-short", "oversized", "spaces", "quote", "newline", "html", "leading-dash", "empty"],
)
def test_malformed_incoming_request_id_is_replaced(client: Client, db, incoming: str):
    response = client.get("/", headers={"X-Request-ID": incoming})
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_not_found_response_carries_the_request_id(client: Client, db):
    response = client.get("/no-such-page/", headers={"X-Request-ID": "req-not-found-1"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["X-Request-ID"] == "req-not-found-1"


def test_redirect_carries_the_request_id(client: Client, db):
    response = client.get("/watchlist/", headers={"X-Request-ID": "req-redirect-1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["X-Request-ID"] == "req-redirect-1"


def test_health_response_carries_the_request_id(client: Client):
    response = client.get("/health/live", headers={"X-Request-ID": "probe-00000001"})
    assert response["X-Request-ID"] == "probe-00000001"


@pytest.mark.urls("tests.config.urls_errors")
def test_server_error_response_carries_the_request_id(db):
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/boom/", headers={"X-Request-ID": "req-boom-0001"})
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response["X-Request-ID"] == "req-boom-0001"


def test_log_lines_written_during_a_request_carry_its_id(client: Client, db):
    with captured_logs("text") as logs:
        client.get("/no-such-page/", headers={"X-Request-ID": "req-logged-0001"})
    not_found_lines = [line for line in logs.getvalue().splitlines() if "Not Found" in line]
    assert not_found_lines
    assert all("[req-logged-0001]" in line for line in not_found_lines)


def test_request_id_is_cleared_when_the_response_is_closed(client: Client, db):
    client.get("/", headers={"X-Request-ID": "req-finished-01"})
    assert request_id_get() == NO_REQUEST


def test_development_server_access_line_carries_the_request_id():
    # The access line is written by the server after the app returned: a real server proves it.
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/health/live"
    with captured_logs("text") as logs:
        try:
            request = urllib.request.Request(url, headers={"X-Request-ID": "req-access-line"})
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                assert response.status == HTTPStatus.OK
        finally:
            # The server logs after sending the response; shutdown() waits for that to finish.
            server.shutdown()
            server.server_close()
    access_lines = [line for line in logs.getvalue().splitlines() if "django.server" in line]
    assert access_lines
    assert "[req-access-line]" in access_lines[0]
