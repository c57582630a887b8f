"""One client address for every limit: TRUSTED_PROXY_COUNT decides it for allauth's login limits
(tests/accounts/test_login_behind_proxy.py), the API's anonymous budget and the audit log."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from config.client_ip import client_ip, client_ip_or_none
from config.ratelimits import RateLimitExceeded, rate_limit_hit
from tests.config.helpers import run_django

PROXY = "10.0.0.1"


def _request(forwarded: str | None = None, remote: str = PROXY):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    request = RequestFactory(REMOTE_ADDR=remote, headers=headers).get("/api/v1/me")
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # the header is anybody's to write: ignored
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.66, 203.0.113.5", "203.0.113.5"),  # the client's own claim is skipped
        (2, "192.0.2.66, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, None, PROXY),  # no header: the socket
    ],
)
def test_the_address_is_the_one_our_outermost_proxy_saw(settings, proxies, forwarded, expected):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded)) == expected


def test_the_api_budget_of_one_client_behind_the_proxy_is_not_another_clients(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "anonymous": "2/m"}
    for _ in range(2):
        rate_limit_hit(_request("203.0.113.5"), scope="anonymous")
    with pytest.raises(RateLimitExceeded):
        rate_limit_hit(_request("203.0.113.5"), scope="anonymous")
    assert rate_limit_hit(_request("198.51.100.9"), scope="anonymous").remaining == 1


def test_the_audit_log_gets_no_address_rather_than_a_made_up_one(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip_or_none(_request("not-an-address")) is None
    assert client_ip_or_none(None) is None


_PROBE = """
import json
from django.conf import settings
from django.test import RequestFactory
from django.utils.module_loading import import_string

forwarded = {"X-Forwarded-For": "203.0.113.5, 10.0.0.2"}
request = RequestFactory(REMOTE_ADDR="10.0.0.1", headers=forwarded).get("/")
print(json.dumps({
    "allauth": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "ratelimit_sees": import_string(settings.RATELIMIT_IP_META_KEY)(request),
}))
"""


def test_one_environment_variable_sets_allauth_and_django_ratelimit():
    result = run_django(
        _PROBE, settings_module="config.settings.development", env={"TRUSTED_PROXY_COUNT": "2"}
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "allauth": 2,
        "ratelimit_sees": "203.0.113.5",
    }


def test_the_replaced_variable_stops_start_up_instead_of_being_ignored():
    result = run_django(
        "", settings_module="config.settings.development", env={"RATELIMIT_IP_META_KEY": "X"}
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr
