"""Markup compressed once and carried as it is by every gzipped response that shows it.

A dashboard's body (github_stats/caching.py, SharedFragments) is the same for every person and
most of their page: 54 of the organisation bench page's 64 KB. Gzipping each person's page
anew deflated those 54 KB again for every first view (0.64 ms of a new visitor's 5.7 ms,
bench/dashboard.py's organisation). Deflate allows better: blocks that end on a byte boundary
(a sync flush, no final block) can be followed by any other blocks, so a piece compressed on
its own goes into a gzip stream unchanged, between the page's own head and tail (pigz builds
its streams the same way). Only the stream's trailer needs the CRC-32 of the whole, which is
combined from the pieces' own (`_crc_joined`), without their bytes.

What it costs: a piece cannot refer back to the page before it, so the page is about 3 % larger
gzipped (9.8 KB against 9.5 for that page).
"""

from __future__ import annotations

import secrets
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

# Django's compress_string (GZipMiddleware's): level 6, no time stamp.
_LEVEL = 6
_RAW = -zlib.MAX_WBITS  # raw deflate: no zlib header or trailer of its own
_MAGIC_DEFLATE = b"\x1f\x8b\x08"
_FNAME = 0x08
_NO_MTIME_XFL_OS = b"\x00\x00\x00\x00\x00\xff"
# An empty final block: what ends the stream after the last piece.
_END = zlib.compressobj(_LEVEL, zlib.DEFLATED, _RAW).flush()


@dataclass(frozen=True)
class Deflated:
    """`raw` bytes as raw deflate blocks of their own, ending on a byte boundary; `crc` and
    `size` are the raw bytes' CRC-32 and length (a gzip trailer needs them). Plain values:
    they pickle into the cache and back in any release."""

    data: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, raw: bytes) -> Deflated:
        compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, _RAW)
        data = compressor.compress(raw) + compressor.flush(zlib.Z_SYNC_FLUSH)
        return cls(data, zlib.crc32(raw), len(raw))

    def inflated(self) -> bytes:
        """The raw bytes again, for a client that does not accept gzip."""
        return zlib.decompressobj(_RAW).decompress(self.data)


class Spliced:
    """A piece of markup kept compressed that a page's template shows by `placeholder`, for the
    response to put in: as it is when the page goes out gzipped, inflated otherwise
    (github_stats/caching.py, CachedResponse.store)."""

    def __init__(self, deflated: Deflated) -> None:
        self.deflated = deflated
        # Random per page, so nothing rendered around it can hold it by chance or by design.
        self.placeholder = mark_safe(f"<!--piece-{secrets.token_hex(8)}-->")  # noqa: S308  # nosec B308 B703

    def markup(self) -> SafeString:
        """The piece itself, for a page that is not sent gzipped as a whole."""
        # Markup rendered by our own templates, escaped as it was rendered.
        return mark_safe(self.deflated.inflated().decode())  # noqa: S308  # nosec B308 B703

    def filled(self, content: bytes) -> bytes:
        """The page `content` with the piece inflated in place (a client without gzip, a page
        that is not kept)."""
        head, tail = self.parts(content)
        return head + self.deflated.inflated() + tail

    def gzipped(self, content: bytes, *, max_random_bytes: int = 0) -> bytes:
        """The page `content` as one gzip stream, the piece carried in it as it is."""
        head, tail = self.parts(content)
        return gzip_joined([head, self.deflated, tail], max_random_bytes=max_random_bytes)

    def parts(self, content: bytes) -> tuple[bytes, bytes]:
        """The page's bytes before and after the placeholder."""
        head, found, tail = content.partition(self.placeholder.encode())
        if not found:
            raise ValueError("The page does not show the piece spliced into it.")
        return head, tail


def gzip_joined(parts: Sequence[bytes | Deflated], *, max_random_bytes: int = 0) -> bytes:
    """One gzip stream of `parts` in order: raw bytes are compressed here, Deflated pieces go
    in as they are. `max_random_bytes`: the header's random padding against BREACH, as Django's
    compress_string adds it (a file name of up to that many bytes)."""
    pieces = [part if isinstance(part, Deflated) else Deflated.of(part) for part in parts]
    crc, size = 0, 0
    for piece in pieces:
        crc, size = _crc_joined(crc, piece.crc, piece.size), size + piece.size
    header = _MAGIC_DEFLATE
    if max_random_bytes:
        padding = b"a" * secrets.randbelow(max_random_bytes) + b"\x00"
        header += bytes([_FNAME]) + _NO_MTIME_XFL_OS + padding
    else:
        header += b"\x00" + _NO_MTIME_XFL_OS
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return b"".join([header, *(piece.data for piece in pieces), _END, trailer])


def _crc_joined(crc_first: int, crc_second: int, second_size: int) -> int:
    """CRC-32 of two byte strings one after the other, from their CRCs and the second's length.
    CRC-32 is affine: crc(A+B) = crc(A + zeros) ^ crc(zeros + B) ^ crc(zeros + zeros), with
    each operand as long as A+B; leading zeros leave its linear part unchanged, which makes
    crc(zeros + B) ^ crc(all zeros) = crc(B) ^ crc(zeros of B's length)."""
    zeros = bytes(second_size)
    return zlib.crc32(zeros, crc_first) ^ crc_second ^ zlib.crc32(zeros)
