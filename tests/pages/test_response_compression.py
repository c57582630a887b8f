"""Cached bodies are kept gzipped and sent so to a client that accepts gzip
(github_stats/caching.py): a browser gets a seventh of the bytes and the server decompresses
nothing; any other client gets the same page, decompressed. (Cards are kept as they are:
tests/cards/test_card_http.py.)"""

import gzip
from http import HTTPStatus

import pytest

from tests.pages.cache_helpers import behind_the_caches_back

pytestmark = pytest.mark.django_db

PAGE = "/u/zip-org"
BROWSER = "gzip, deflate, br, zstd"  # what Chromium sends
# The FNAME flag of a gzip header: set when Django's "Heal the BREACH" padding is present.
GZIP_FNAME = 0x08


@pytest.fixture
def account(fake_github, refresh):
    fake_github.state.add_org("zip-org", repos=3, name="<b>Zip Org</b>")
    return refresh("zip-org")


def test_a_browser_gets_the_cached_page_gzipped(client_logged_in, account):
    first = client_logged_in.get(PAGE, HTTP_ACCEPT_ENCODING=BROWSER)
    behind_the_caches_back(account, location="Rewritten behind the cache.")
    second = client_logged_in.get(PAGE, HTTP_ACCEPT_ENCODING=BROWSER)

    for response in (first, second):
        assert response.status_code == HTTPStatus.OK
        assert response["Content-Encoding"] == "gzip"
        assert response["Content-Length"] == str(len(response.content))
        assert {"HX-Request", "Accept-Encoding"} <= {
            part.strip() for part in response["Vary"].split(",")
        }
    # The first answer is the stored body itself: compressed once, not once more for it.
    assert second.content == first.content
    page = gzip.decompress(second.content).decode()
    assert "<b>Zip" not in page
    assert "Rewritten" not in page  # served from the cache
    assert "&lt;b&gt;Zip Org&lt;/b&gt;" in page


def test_a_client_without_gzip_gets_the_same_page_decompressed(client_logged_in, account):
    zipped = client_logged_in.get(PAGE, HTTP_ACCEPT_ENCODING=BROWSER)
    plain = client_logged_in.get(PAGE)
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]
    assert plain.content == gzip.decompress(zipped.content)
    assert len(zipped.content) * 3 < len(plain.content)


def test_a_gzipped_page_carries_padding_against_breach(client_logged_in, account):
    body = client_logged_in.get(PAGE, HTTP_ACCEPT_ENCODING=BROWSER).content
    assert body[:2] == b"\x1f\x8b"
    assert body[3] & GZIP_FNAME


def test_the_padding_is_drawn_once_per_entry_and_differs_between_entries(client_logged_in, account):
    def padding(body: bytes) -> int:
        assert body[3] & GZIP_FNAME
        return body.index(b"\x00", 10) - 10  # the file name, after the 10-byte header

    lengths = set()
    for days in ("30", "90", "365", "all"):
        for sort in ("stars", "name", "updated"):
            url = f"{PAGE}?days={days}&sort={sort}"
            first = client_logged_in.get(url, HTTP_ACCEPT_ENCODING=BROWSER).content
            again = client_logged_in.get(url, HTTP_ACCEPT_ENCODING=BROWSER).content
            assert again == first  # asking again cannot average the padding away
            lengths.add(padding(first))
    # Twelve entries, each padded with 0-99 bytes: all alike only if the padding were fixed.
    assert len(lengths) > 1
