"""A problem answered to an htmx request replaces the page's main region, whatever the request
targeted: the Track button, the Refresh line or a poller never get a second page swapped in."""

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def test_track_of_an_unknown_account_replaces_the_main_region(htmx):
    response = htmx.post("/u/nobody-here/track", target="track")
    assert response.status_code == HTTPStatus.OK  # htmx swaps 200s only
    assert response["HX-Retarget"] == "#main-region"
    assert response["HX-Reswap"] == "outerHTML"
    assert "No such account here yet" in response.content.decode()


def test_an_invalid_login_in_a_table_request_replaces_the_main_region(htmx):
    response = htmx.get("/u/not--valid?sort=name", target="repos")
    assert response["HX-Retarget"] == "#main-region"
    assert "That is not a GitHub login" in response.content.decode()
