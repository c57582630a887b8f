"""Rate limits count a request without a client address (gunicorn behind a proxy on a unix
socket, TRUSTED_PROXY_COUNT unset) against one shared budget: never no limit at all."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from config.ratelimits import RateLimitExceeded, rate_limit_hit


@pytest.fixture
def addressless():
    request = RequestFactory(REMOTE_ADDR="").get("/api/v1/accounts/octocat")
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize("scope", ["anonymous", "refresh"])
def test_requests_without_an_address_share_one_budget(settings, addressless, scope):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, scope: "2/m"}
    assert rate_limit_hit(addressless, scope=scope).remaining == 1
    assert rate_limit_hit(addressless, scope=scope).remaining == 0
    with pytest.raises(RateLimitExceeded):
        rate_limit_hit(addressless, scope=scope)
