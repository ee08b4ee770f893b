"""Bounded decompression: the cap applies to the decoded size, memory stays flat."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator

import pytest

from services.fetcher.body import BoundedInflater, gunzip_capped, read_capped
from services.fetcher.errors import BodyTooLarge, UnsupportedContent

TEXT = b"<html>" + b"regulation " * 500 + b"</html>"


async def chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", zlib.compress(TEXT, wbits=-15)),  # raw deflate, as some servers send
    ],
)
async def test_decodes(encoding: str | None, data: bytes) -> None:
    assert await read_capped(chunks(data), encoding, cap=len(TEXT)) == TEXT


async def test_multi_member_gzip() -> None:
    data = gzip.compress(TEXT[:100]) + gzip.compress(TEXT[100:])
    assert await read_capped(chunks(data, 37), "gzip", cap=len(TEXT)) == TEXT


async def test_cap_on_the_decoded_size() -> None:
    with pytest.raises(BodyTooLarge):
        await read_capped(chunks(gzip.compress(TEXT)), "gzip", cap=len(TEXT) - 1)
    with pytest.raises(BodyTooLarge):
        await read_capped(chunks(TEXT), None, cap=len(TEXT) - 1)


def test_a_bomb_never_inflates_past_the_cap() -> None:
    bomb = zlib.compress(b"\0" * (32 * 1024 * 1024), 9)
    inflater = BoundedInflater("deflate", cap=1024)
    with pytest.raises(BodyTooLarge):
        inflater.feed(bomb)


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, gzip"])
async def test_unsupported_encodings(encoding: str) -> None:
    with pytest.raises(UnsupportedContent):
        await read_capped(chunks(TEXT), encoding, cap=10**6)


async def test_corrupt_gzip() -> None:
    with pytest.raises(UnsupportedContent):
        await read_capped(chunks(b"\x1f\x8b" + b"garbage" * 10), "gzip", cap=10**6)


def test_gunzip_capped_for_sitemap_files() -> None:
    assert gunzip_capped(gzip.compress(TEXT), len(TEXT)) == TEXT
    with pytest.raises(BodyTooLarge):
        gunzip_capped(gzip.compress(TEXT), 10)
