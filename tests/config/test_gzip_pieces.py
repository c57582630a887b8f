"""A piece compressed once goes into any gzip stream as it is (config/gzip_pieces.py): the
stream reads back, with gzip's own reader and zlib's, as the parts one after the other, and its
trailer's CRC-32 and length are the whole's."""

import gzip
import random
import struct
import zlib

import pytest

from config.gzip_pieces import Deflated, Spliced, gzip_joined

GZIP_FNAME = 0x08
_rng = random.Random(11)


def markup(rows: int) -> bytes:
    return "".join(
        f'<tr><td><a href="/r/org/repo-{_rng.randrange(10**6)}">repo</a></td>'
        f"<td>{_rng.randrange(10**5):,}</td></tr>\n"
        for _ in range(rows)
    ).encode()


@pytest.mark.parametrize("seed", range(40))
def test_any_mix_of_pieces_and_bytes_reads_back_as_their_join(seed):
    rng = random.Random(seed)
    # Sizes around the deflate window (32 KB) and a stored block's limit (64 KB) too.
    sizes = [0, 1, 17, 4_000, 32_768, 70_000]
    parts = [
        bytes(rng.choice(b'<>/=" abcdefgh0123\n') for _ in range(rng.choice(sizes)))
        for _ in range(rng.randint(0, 5))
    ]
    mixed = [Deflated.of(part) if rng.random() < 0.5 else part for part in parts]
    stream = gzip_joined(mixed, max_random_bytes=rng.choice([0, 100]))
    whole = b"".join(parts)
    assert gzip.decompress(stream) == whole
    # The browsers' reader: zlib, told to expect a gzip header.
    assert zlib.decompress(stream, 16 + zlib.MAX_WBITS) == whole
    crc, size = struct.unpack("<II", stream[-8:])
    assert (crc, size) == (zlib.crc32(whole), len(whole))


def test_a_piece_is_compressed_once_and_carried_as_it_is():
    body = Deflated.of(markup(800))
    stream = gzip_joined([b"<html><body>", body, b"</body></html>"])
    assert body.data in stream
    assert len(body.data) * 4 < body.size
    assert (
        body.inflated() == gzip.decompress(stream)[len(b"<html><body>") : -len(b"</body></html>")]
    )


def test_a_piece_ends_on_a_byte_boundary_and_never_ends_the_stream():
    # A sync flush ends in an empty stored block (00 00 ff ff); a final block would stop a
    # reader before the page's tail.
    body = Deflated.of(markup(50))
    assert body.data.endswith(b"\x00\x00\xff\xff")
    assert not body.data[0] & 1  # BFINAL of its first block
    assert gzip.decompress(gzip_joined([body, b"tail"])).endswith(b"tail")


def test_the_padding_against_breach_is_a_file_name_as_django_writes_it():
    lengths = set()
    for _ in range(30):
        stream = gzip_joined([b"head", Deflated.of(markup(20)), b"tail"], max_random_bytes=100)
        assert stream[3] & GZIP_FNAME
        name_end = stream.index(b"\x00", 10)
        assert set(stream[10:name_end]) <= {ord("a")}
        lengths.add(name_end - 10)
        assert gzip.decompress(stream).startswith(b"head")
    assert len(lengths) > 1
    assert not gzip_joined([b"head"])[3] & GZIP_FNAME


def test_a_spliced_piece_is_found_by_its_own_placeholder_only():
    body = Spliced(Deflated.of(b"<p>body</p>"))
    other = Spliced(Deflated.of(b"<p>body</p>"))
    assert body.placeholder != other.placeholder
    page = f"<main>{body.placeholder}</main>".encode()
    assert body.parts(page) == (b"<main>", b"</main>")
    assert body.markup() == "<p>body</p>"
    assert body.filled(page) == b"<main><p>body</p></main>"
    stream = body.gzipped(page, max_random_bytes=100)
    assert body.deflated.data in stream
    assert gzip.decompress(stream) == b"<main><p>body</p></main>"
    with pytest.raises(ValueError, match="does not show the piece"):
        other.parts(page)
