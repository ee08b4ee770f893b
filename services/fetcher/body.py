"""Reading a response body with a hard cap on the *decoded* size and flat memory.

httpx would inflate ``Content-Encoding`` for us, but without a bound: a 10 MB
gzip body can inflate to 10 GB. So the fetcher asks for the raw stream and
inflates it here, never producing more than ``cap + 1`` bytes in total.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable

from services.fetcher.errors import BodyTooLarge, UnsupportedContent

ACCEPT_ENCODING = "gzip, deflate"
GZIP_MAGIC = b"\x1f\x8b"


class BoundedInflater:
    """Incremental gzip/zlib/raw-deflate decoder that refuses to exceed ``cap`` bytes.

    >>> import gzip
    >>> inflater = BoundedInflater("gzip", cap=100)
    >>> inflater.feed(gzip.compress(b"x" * 10)) + inflater.flush()
    b'xxxxxxxxxx'
    """

    def __init__(self, encoding: str, cap: int) -> None:
        self._encoding = encoding
        self._cap = cap
        self._produced = 0
        self._decoder: zlib._Decompress | None = self._new_decoder()
        self._first = True

    def _new_decoder(self) -> zlib._Decompress | None:
        if self._encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self._encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        if self._encoding in ("", "identity"):
            return None
        raise UnsupportedContent(f"unsupported content encoding {self._encoding!r}")

    def feed(self, data: bytes) -> bytes:
        if self._decoder is None:
            return self._count(data)
        try:
            out = self._inflate(data)
        except zlib.error:
            if not (self._first and self._encoding == "deflate"):
                raise UnsupportedContent("corrupt compressed body") from None
            # Some servers send raw deflate under "deflate": retry without the zlib header.
            self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflate(data)
        self._first = False
        return out

    def _inflate(self, data: bytes) -> bytes:
        pieces = []
        while data:
            decoder = self._decoder
            assert decoder is not None
            remaining = self._cap - self._produced
            pieces.append(self._count(decoder.decompress(data, remaining + 1)))
            if decoder.unconsumed_tail:
                raise BodyTooLarge(f"decoded body exceeds {self._cap} bytes")
            data = decoder.unused_data if decoder.eof else b""
            if data:  # a further gzip member follows the first one
                self._decoder = self._new_decoder()
        return b"".join(pieces)

    def flush(self) -> bytes:
        if self._decoder is None:
            return b""
        return self._count(self._decoder.flush(self._cap - self._produced + 1))

    def _count(self, chunk: bytes) -> bytes:
        self._produced += len(chunk)
        if self._produced > self._cap:
            raise BodyTooLarge(f"decoded body exceeds {self._cap} bytes")
        return chunk


async def read_capped(raw_chunks: AsyncIterable[bytes], encoding: str | None, cap: int) -> bytes:
    """Consume a raw (still encoded) body stream; the decoded bytes, at most ``cap``."""
    inflater = BoundedInflater(_single_encoding(encoding), cap)
    body = bytearray()
    received = 0
    async for chunk in raw_chunks:
        received += len(chunk)
        if received > cap:  # the wire size alone is already past the cap
            raise BodyTooLarge(f"body exceeds {cap} bytes on the wire")
        body += inflater.feed(chunk)
    body += inflater.flush()
    return bytes(body)


def gunzip_capped(data: bytes, cap: int) -> bytes:
    """Inflate a ``.gz`` payload (e.g. ``sitemap.xml.gz``) without exceeding ``cap``."""
    inflater = BoundedInflater("gzip", cap)
    return inflater.feed(data) + inflater.flush()


def _single_encoding(header: str | None) -> str:
    codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > 1:
        raise UnsupportedContent(f"stacked content encodings {header!r}")
    return codings[0] if codings else ""
