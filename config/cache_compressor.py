"""django-redis's zlib compressor, except for values zlib cannot shrink: those are stored as
they are. A cached page's body is already gzipped (github_stats/caching.py): deflating it again
saved nothing, yet each store paid for deflating it (about 1 ms for a 16 KB page) and each hit
for inflating it (about 100 µs, 3 % of a cached page's whole cost). django-redis reads a value
that is not zlib data as it is (its `decode` falls back when the compressor raises
CompressorError), so both kinds read back."""

from __future__ import annotations

import zlib

from django_redis.compressors.zlib import ZlibCompressor

# Kept compressed only when that saves at least a tenth: below that, the inflating on every
# read costs more than the bytes saved in Redis.
_WORTH_IT = 0.9
# A large value is judged by a slice of its middle first (a cached entry's middle is its body),
# so an incompressible one costs a few kilobytes of deflating, not all of it.
_SAMPLE_BYTES = 4096


class ZlibUnlessIncompressible(ZlibCompressor):
    def compress(self, value: bytes) -> bytes:
        if len(value) <= self.min_length:
            return value
        if len(value) > 2 * _SAMPLE_BYTES:
            start = (len(value) - _SAMPLE_BYTES) // 2
            sample = value[start : start + _SAMPLE_BYTES]
            if len(zlib.compress(sample, self.preset)) >= len(sample) * _WORTH_IT:
                return value
        compressed = zlib.compress(value, self.preset)
        return compressed if len(compressed) < len(value) * _WORTH_IT else value
