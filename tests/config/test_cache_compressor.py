"""Redis keeps a value zlib cannot shrink (a cached page's body, gzipped already) as it is, so a
hit reads it without inflating it; anything else is still kept compressed
(config/cache_compressor.py)."""

import gzip
import os
import random
import zlib

import pytest
from django.core.cache import cache

from config.cache_compressor import ZlibUnlessIncompressible

_rng = random.Random(7)
# A page's worth of table rows, varied as real ones are (a repeated row would gzip to a few
# bytes that zlib could shrink again).
PAGE = "".join(
    f"<tr><td>octocat/repo-{_rng.randrange(10**6)}</td><td>{_rng.randrange(10**5):,}</td></tr>\n"
    for _ in range(600)
).encode()
PICKLE_PROTOCOL_MARK = 0x80  # the first byte of a pickle (django-redis's serializer)
ZLIB_MARK = 0x78  # the first byte of zlib data at every level

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="the cache is local memory (REDIS_URL unset)"
)


def test_a_compressible_value_is_kept_compressed():
    compressor = ZlibUnlessIncompressible(options={})
    compressed = compressor.compress(PAGE)
    assert len(compressed) < len(PAGE) / 4
    assert compressor.decompress(compressed) == PAGE


def test_a_gzipped_body_is_kept_as_it_is():
    body = gzip.compress(PAGE)
    assert ZlibUnlessIncompressible(options={}).compress(body) == body


@needs_redis
def test_a_gzipped_body_goes_to_redis_as_it_is_and_reads_back(db):
    from django_redis import get_redis_connection

    body = gzip.compress(PAGE)
    cache.set("compressor-test:gzipped", ("entry", body), timeout=60)
    cache.set("compressor-test:plain", ("entry", PAGE), timeout=60)
    redis = get_redis_connection("default")
    stored_gzipped = redis.get(cache.make_key("compressor-test:gzipped"))
    stored_plain = redis.get(cache.make_key("compressor-test:plain"))

    assert stored_gzipped[0] == PICKLE_PROTOCOL_MARK  # not deflated a second time
    assert stored_plain[0] == ZLIB_MARK
    assert len(zlib.decompress(stored_plain)) > len(PAGE)
    assert cache.get("compressor-test:gzipped") == ("entry", body)
    assert cache.get("compressor-test:plain") == ("entry", PAGE)


def test_a_small_incompressible_value_is_kept_as_it_is():
    body = gzip.compress(PAGE[:3000])
    assert len(body) < 8192  # judged whole, not by a sample
    assert ZlibUnlessIncompressible(options={}).compress(body) == body


def test_a_large_value_with_a_compressible_middle_is_compressed():
    value = os.urandom(1000) + PAGE + os.urandom(1000)
    compressed = ZlibUnlessIncompressible(options={}).compress(value)
    assert len(compressed) < len(value) / 2
    assert zlib.decompress(compressed) == value
