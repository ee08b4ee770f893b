"""The defaults that ``make bench`` tuned stay in place, and stay safe.

zstd needs a codec library beside aiokafka (cramjam, pinned in pyproject): without
it every producer would fail at start-up, so the defaults are built for real here.
"""

from __future__ import annotations

import asyncio

from aiokafka.codec import has_zstd, zstd_decode, zstd_encode

from services.common.config import KafkaSettings
from services.common.kafka import build_producer


def test_zstd_is_the_default_codec_and_its_library_is_installed() -> None:
    settings = KafkaSettings()
    assert settings.compression_type == "zstd"
    assert has_zstd()
    page = b"<p>The SFC granted a licence.</p>" * 1000
    assert zstd_decode(zstd_encode(page)) == page


def test_a_producer_builds_with_the_tuned_defaults() -> None:
    """aiokafka refuses a codec whose library is missing when the producer is built."""

    async def build() -> None:
        producer = build_producer(KafkaSettings(bootstrap_servers="127.0.0.1:9"), "test")
        await producer.stop()  # never started: nothing to close but the object

    asyncio.run(build())
