"""Behind the reverse proxy every request arrives from the proxy's address. allauth's failed-login
limit (10 a minute per address) must count the client the proxy names in X-Forwarded-For, or one
guesser locks everybody out; and only the address our proxy appended counts, never one a client
wrote itself."""

from http import HTTPStatus

import pytest
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory

PROXY = "10.0.0.1"
GUESSER = "203.0.113.5"
SOMEONE_ELSE = "198.51.100.9"
LOCKED = "Too many failed login attempts"


def _through_proxy(client_address: str, claimed: str = "") -> Client:
    # What nginx's `$proxy_add_x_forwarded_for` sends: the client's own header, then the address
    # the proxy saw.
    forwarded = f"{claimed}, {client_address}" if claimed else client_address
    return Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": forwarded})


def _ten_bad_logins(client_for) -> None:
    # Ten different accounts, so only the per-address limit trips, not the per-account one.
    for attempt in range(10):
        client_for(attempt).post(
            "/accounts/login/", {"login": f"guess{attempt}@example.com", "password": "wrong"}
        )


def _signs_in(client: Client, user) -> bool:
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    if response.status_code == HTTPStatus.FOUND:
        return True
    assert LOCKED in response.content.decode()
    return False


@pytest.fixture
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # TRUSTED_PROXY_COUNT=1 in the environment


def test_a_guesser_behind_the_proxy_does_not_lock_out_another_client(behind_one_proxy, db):
    _ten_bad_logins(lambda attempt: _through_proxy(GUESSER))
    assert _signs_in(_through_proxy(SOMEONE_ELSE), UserFactory())


def test_the_guesser_itself_is_locked_out_behind_the_proxy(behind_one_proxy, db):
    _ten_bad_logins(lambda attempt: _through_proxy(GUESSER))
    assert not _signs_in(_through_proxy(GUESSER), UserFactory())


def test_addresses_a_client_writes_into_the_header_are_not_trusted(behind_one_proxy, db):
    # A new invented address every time: still the one client the proxy saw.
    _ten_bad_logins(lambda attempt: _through_proxy(GUESSER, claimed=f"192.0.2.{attempt}"))
    assert not _signs_in(_through_proxy(GUESSER, claimed="192.0.2.200"), UserFactory())


def test_without_the_setting_everyone_behind_the_proxy_shares_one_limit(db):
    # As documented: TRUSTED_PROXY_COUNT=0 counts the socket's address, here the proxy's.
    _ten_bad_logins(lambda attempt: _through_proxy(GUESSER))
    assert not _signs_in(_through_proxy(SOMEONE_ELSE), UserFactory())


def test_without_the_setting_a_direct_client_cannot_dodge_its_limit_with_the_header(db):
    _ten_bad_logins(lambda attempt: Client(headers={"X-Forwarded-For": f"192.0.2.{attempt}"}))
    assert not _signs_in(Client(headers={"X-Forwarded-For": SOMEONE_ELSE}), UserFactory())
