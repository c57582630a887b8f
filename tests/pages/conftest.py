"""Page tests: a signed-in htmx client. The fake GitHub (tasks run inline in tests, so a first
visit refreshes against it over real HTTP) and `refresh`/`committed` are in tests/conftest.py."""

import pytest
from django.test import Client


class HtmxClient:
    """The test client with the headers htmx sends."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, *, target: str | None = None, current_url: str = "", **extra):
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": current_url or f"http://testserver{path}",
        }
        if target:
            headers["HX-Target"] = target
        return self.client.get(path, headers=headers, **extra)

    def post(self, path: str, data=None, *, target: str | None = None, **extra):
        headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
        if target:
            headers["HX-Target"] = target
        return self.client.post(path, data or {}, headers=headers, **extra)


@pytest.fixture
def htmx(client_logged_in: Client) -> HtmxClient:
    return HtmxClient(client_logged_in)


@pytest.fixture
def htmx_anonymous(client: Client) -> HtmxClient:
    return HtmxClient(client)
