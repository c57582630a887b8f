import json
import logging
import threading
import urllib.request
from http import HTTPStatus

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.test import Client

from config.logging import REDACTED, redact
from tests.config.helpers import captured_logs, json_lines, run_django
from tests.config.urls_errors import SECRET_IN_EXCEPTION

GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"  # the shape of a classic PAT
FINE_GRAINED = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI0MiIsImV4cCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlLWJ5dGVz"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (f"GitHub request headers: Authorization: token {GITHUB_TOKEN}", GITHUB_TOKEN),
        (f"Authorization: Bearer {JWT}", JWT),
        (f"retrying with {FINE_GRAINED} after 502", FINE_GRAINED),
        ("Cookie: sessionid=9x8y7z6w5v4u3t2s1r; csrftoken=QwErTy123456", "9x8y7z6w5v4u3t2s1r"),
        ("Cookie: csrftoken=QwErTy123456; sessionid=9x8y7z6w5v4u3t2s1r", "9x8y7z6w5v4u3t2s1r"),
        ("Set-Cookie: sessionid=9x8y7z6w5v4u3t2s1r; HttpOnly; Path=/", "9x8y7z6w5v4u3t2s1r"),
        ("body=login=person%40example.com&password=hunter2-Secret!&remember=on", "hunter2-Secret!"),
        ("POST /accounts/signup/ password1=Tr0ub4dor&3 password2=Tr0ub4dor&3", "Tr0ub4dor"),
        ('{"email": "a@example.com", "password": "correct horse battery"}', "correct horse"),
        (
            "{'HTTP_COOKIE': 'sessionid=abcdef123456; theme=dark', 'PATH_INFO': '/account/'}",
            "abcdef123456",
        ),
        (f"{{'HTTP_AUTHORIZATION': 'Bearer {JWT}', 'REMOTE_ADDR': '10.0.0.1'}}", JWT),
        (f"headers={{'Authorization': 'token {GITHUB_TOKEN}', 'Accept': 'json'}}", GITHUB_TOKEN),
        ("csrfmiddlewaretoken=Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2&email=a%40b.c", "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2"),
        ("settings: GITHUB_TOKEN=abc123def456 DJANGO_SECRET_KEY=k3y-m4t3r14l", "k3y-m4t3r14l"),
        ("connecting to redis://:r3dis-pass@cache:6379/0 failed", "r3dis-pass"),
        ('"GET /accounts/confirm-email/MQ:1sXyZ:aBcDeF123/ HTTP/1.1" 200 2345', "aBcDeF123"),
        ('"GET /accounts/github/login/callback/?code=9f8e7d6c&state=Ab12 HTTP/1.1"', "9f8e7d6c"),
    ],
    ids=[
        "authorization-token",
        "bearer-jwt",
        "fine-grained-pat",
        "cookie-session-first",
        "cookie-session-last",
        "set-cookie",
        "form-body-password",
        "signup-passwords",
        "json-password",
        "environ-cookie",
        "environ-authorization",
        "headers-dict",
        "csrf-form-token",
        "env-dump",
        "dsn-password",
        "email-confirmation-key",
        "oauth-code",
    ],
)
def test_redaction_removes_secrets_from_realistic_lines(line: str, secret: str):
    cleaned = redact(line)
    assert secret not in cleaned
    assert REDACTED in cleaned


@pytest.mark.parametrize(
    "line",
    [
        '"GET /watchlist/?sort=stars HTTP/1.1" 200 5120',
        "refreshed octocat: 8 repositories, 2 pages, status_code=200",
        "Not Found: /u/octocat/hello-world",
    ],
)
def test_redaction_leaves_ordinary_lines_alone(line: str):
    assert redact(line) == line


def test_redaction_applies_to_arguments_of_a_log_call():
    with captured_logs("text") as logs:
        logging.getLogger("gitpulse.test").warning("calling GitHub with %s", {"token": "t0k3n-1"})
    assert "t0k3n-1" not in logs.getvalue()


def test_redaction_applies_to_extras_in_json_lines():
    with captured_logs("json") as logs:
        logging.getLogger("gitpulse.test").info(
            "outgoing request", extra={"headers": {"Authorization": f"token {GITHUB_TOKEN}"}}
        )
    (line,) = json_lines(logs)
    assert GITHUB_TOKEN not in json.dumps(line)


def test_text_lines_have_time_level_request_id_logger_and_message():
    with captured_logs("text") as logs:
        logging.getLogger("gitpulse.test").info("hello")
    assert logs.getvalue().rstrip().endswith("INFO [-] gitpulse.test: hello")


def test_json_lines_have_named_fields_and_the_request_id():
    with captured_logs("json") as logs:
        logging.getLogger("gitpulse.test").info("hello")
    (line,) = json_lines(logs)
    assert line["message"] == "hello"
    assert line["level"] == "INFO"
    assert line["logger"] == "gitpulse.test"
    assert line["request_id"] == "-"
    assert "time" in line


@pytest.mark.urls("tests.config.urls_errors")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_django_request_error_lines_are_redacted(db, fmt: str):
    client = Client(raise_request_exception=False)
    with captured_logs(fmt) as logs:
        response = client.get(
            "/test-errors/boom/?access_token=qs-secret-123",
            headers={"Cookie": "sessionid=cookie-secret-456", "X-Request-ID": "req-redact-01"},
        )
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    output = logs.getvalue()
    assert "Internal Server Error" in output
    assert "Traceback" in output  # the traceback is kept, only the secrets go
    assert "req-redact-01" in output
    for secret in ("s3cret-db-password", "qs-secret-123", "cookie-secret-456"):
        assert secret not in output
    assert SECRET_IN_EXCEPTION not in output


def test_django_server_access_lines_are_redacted():
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/health/live?token=qs-secret-789"
    with captured_logs("json") as logs:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == HTTPStatus.OK
        finally:
            # The server logs after sending the response; shutdown() waits for that to finish.
            server.shutdown()
            server.server_close()
    lines = [line for line in json_lines(logs) if line["logger"] == "django.server"]
    assert lines
    assert "qs-secret-789" not in json.dumps(lines)


def test_production_logs_are_json_lines_with_the_request_id():
    code = """
import logging
from django.test import Client
Client().post("/health/live", headers={"X-Request-ID": "req-prod-json-1"}, secure=True)
logging.getLogger("gitpulse.check").warning("token=%s", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")
"""
    result = run_django(
        code,
        settings_module="config.settings.production",
        env={"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "testserver"},
    )
    assert result.returncode == 0, result.stderr
    # Python's own warnings (whitenoise: no collected static files here) are not log lines.
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert all({"time", "level", "logger", "request_id", "message"} <= set(line) for line in lines)
    # A 405 is logged by django.request inside the request (and needs no collected static files).
    refused = next(line for line in lines if line["logger"] == "django.request")
    assert refused["request_id"] == "req-prod-json-1"
    outside = next(line for line in lines if line["logger"] == "gitpulse.check")
    assert outside["request_id"] == "-"
    assert "ghp_abcdefghijklmnopqrstuvwxyz0123456789" not in outside["message"]
