"""RawArticle -> ``news.raw.v1``, with oversized articles recorded instead of lost.

The topic accepts ``max_request_size`` bytes per (compressed) batch. A message
that fits uncompressed goes through the service's producer. One that only fits
compressed goes through a second producer whose client-side limit is larger (the
client checks the uncompressed size, the broker the compressed one). One that does
not fit even compressed is counted, logged and returned as ``OVERSIZE`` for the
caller to record: never silently dropped, never an exception that kills a batch.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.errors import MessageSizeTooLargeError

from schemas import RawArticle
from schemas.cloudevents import TYPE_RAW_ARTICLE, ce_headers
from services.common.config import KafkaSettings
from services.common.kafka import Publisher, build_producer
from services.common.logging import get_logger
from services.common.metrics import Metrics
from services.common.serde import encode

log = get_logger(__name__)
CE_SOURCE = "/regwire/fetcher"
# Record-batch framing and headers on top of key + value.
_OVERHEAD = 1024
# Compression ratios vary by codec; keep a margin below the broker's limit.
_COMPRESSED_MARGIN = 0.85


class Sent(StrEnum):
    SENT = "sent"
    OVERSIZE = "oversize"


class Channel(Protocol):
    """The part of ``services.common.kafka.Publisher`` the sender uses."""

    async def send(
        self, topic: str, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None: ...

    async def flush(self) -> None: ...


class Sender(Protocol):
    """Where a poll's articles go; flushed once per poll."""

    async def send(self, raw: RawArticle, subject: str | None = None) -> Sent: ...

    async def flush(self) -> None: ...


class RawSender:
    """Sends raw articles through ``publisher`` (and ``large`` when only compression fits)."""

    def __init__(
        self,
        publisher: Channel,
        topic: str,
        limit: int,
        metrics: Metrics,
        large: Callable[[], Awaitable[Channel]] | None = None,
        ce_source: str = CE_SOURCE,
    ) -> None:
        self._publisher = publisher
        self._topic = topic
        self._limit = limit
        self._metrics = metrics
        self._large_factory = large
        self._large: Channel | None = None
        self._ce_source = ce_source

    async def send(self, raw: RawArticle, subject: str | None = None) -> Sent:
        value = encode(raw)
        key = raw.article_id.encode()
        headers = ce_headers(
            id=raw.article_id,
            source=self._ce_source,
            type=TYPE_RAW_ARTICLE,
            time=raw.fetched_at,
            subject=subject,
        )
        size = len(value) + len(key) + _OVERHEAD
        try:
            if size <= self._limit:
                await self._publisher.send(self._topic, key, value, headers)
                return Sent.SENT
            compressed = len(gzip.compress(value, 6)) + len(key) + _OVERHEAD
            if compressed <= self._limit * _COMPRESSED_MARGIN and self._large_factory:
                if self._large is None:
                    self._large = await self._large_factory()
                await self._large.send(self._topic, key, value, headers)
                return Sent.SENT
        except MessageSizeTooLargeError:
            compressed = -1
        self._metrics.articles_oversize.labels(raw.source.id).inc()
        log.warning(
            "article too large for the raw topic, recorded and not published",
            article_id=raw.article_id,
            url=raw.url,
            source=raw.source.id,
            bytes=len(value),
            compressed_bytes=compressed,
            limit=self._limit,
        )
        return Sent.OVERSIZE

    async def flush(self) -> None:
        """Wait for every acknowledgement; raises ``BrokerUnavailable`` when any failed."""
        await self._publisher.flush()
        if self._large is not None:
            await self._large.flush()


class LargeProducer:
    """A second producer for messages that fit the topic only once compressed (lazy).

    The client refuses a record whose *uncompressed* size exceeds its
    ``max_request_size``; the broker checks the compressed batch. This producer's
    client-side limit is larger, and ``RawSender`` only hands it records whose
    compressed size fits the topic.
    """

    def __init__(self, kafka: KafkaSettings, metrics: Metrics, factor: int = 8) -> None:
        self._kafka = kafka.model_copy(update={"max_request_size": kafka.max_request_size * factor})
        self._metrics = metrics
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def publisher(self) -> Publisher:
        async with self._lock:
            if self._producer is None:
                self._producer = build_producer(self._kafka, "fetcher-large")
                await self._producer.start()
        return Publisher(self._producer, self._metrics)

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
