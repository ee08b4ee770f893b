"""Kafka clients with regwire's delivery rules built in.

* Producers: ``acks=all`` and idempotence, always (``KafkaSettings`` refuses less).
* ``Publisher``: send without waiting, then ``flush()`` once per batch; a failed
  acknowledgement raises, so the caller never commits offsets for lost output.
* ``BatchConsumer``: manual commits only, after the batch's output is durable;
  transient failures retry the same batch with backoff (they never dead-letter).
* ``DeadLetters``: the original bytes, untouched, plus headers saying why and where.
  An original too large for the producer to send as it is (it fitted its topic only
  compressed) is forwarded gzipped, with ``dlq_value_encoding: gzip``, rather than
  blocking its partition forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CommitFailedError,
    IllegalStateError,
    KafkaError,
    MessageSizeTooLargeError,
    RebalanceInProgressError,
    TopicAlreadyExistsError,
)

from services.common.config import KafkaSettings, TopicSettings
from services.common.errors import BrokerUnavailable, is_retriable
from services.common.health import Health
from services.common.lifecycle import wait_or_stop
from services.common.logging import get_logger
from services.common.metrics import Metrics

log = get_logger(__name__)


class Record(Protocol):
    """The fields of aiokafka's ConsumerRecord that regwire reads (aiokafka is untyped)."""

    topic: str
    partition: int
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


Batch = dict[TopicPartition, list[Record]]
Headers = list[tuple[str, bytes]]


def build_producer(settings: KafkaSettings, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        **settings.client_options(),
        client_id=f"{settings.client_id}-{client_id}",
        acks="all",
        enable_idempotence=True,
        compression_type=settings.compression_type,
        linger_ms=settings.linger_ms,
        max_batch_size=settings.max_batch_size,
        max_request_size=settings.max_request_size,
    )


def build_consumer(
    settings: KafkaSettings, group_id: str | None, topics: Sequence[str], client_id: str
) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        **settings.client_options(),
        client_id=f"{settings.client_id}-{client_id}",
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
        max_poll_interval_ms=settings.max_poll_interval_ms,
        max_partition_fetch_bytes=settings.max_request_size,
        fetch_max_bytes=max(settings.max_request_size, 50 * 1024 * 1024),
    )


async def ensure_topics(
    settings: KafkaSettings,
    topics: Iterable[str],
    partitions: int | None = None,
    configs: dict[str, str] | None = None,
) -> list[str]:
    """Create the topics that do not exist yet (auto-creation is off on our brokers).

    Returns the names created. ``max.message.bytes`` follows the producer's request
    size so a message the producer accepts is one the topic accepts.
    """
    wanted = list(dict.fromkeys(topics))
    topic_configs = {"max.message.bytes": str(settings.max_request_size), **(configs or {})}
    admin = AIOKafkaAdminClient(**settings.client_options(), client_id=settings.client_id)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t not in existing]
        if missing:
            new = [
                NewTopic(
                    t,
                    partitions or settings.partitions,
                    settings.replication_factor,
                    topic_configs=topic_configs,
                )
                for t in missing
            ]
            # Another replica may create it between our list and create.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
        return missing
    finally:
        await admin.close()


async def ping(producer: AIOKafkaProducer) -> None:
    """A real metadata round trip to the cluster (readiness)."""
    await producer.client.fetch_all_metadata()


class Publisher:
    """Sends now, confirms at ``flush()``: one acknowledgement point per batch."""

    def __init__(self, producer: AIOKafkaProducer, metrics: Metrics) -> None:
        self._producer = producer
        self._metrics = metrics
        self._pending: list[tuple[str, int, asyncio.Future[Any]]] = []

    async def send(self, topic: str, key: bytes | None, value: bytes, headers: Headers) -> None:
        future = await self._producer.send(topic, value, key=key, headers=headers)
        self._pending.append((topic, len(value), future))

    async def flush(self) -> None:
        """Wait for every send since the last flush; raise if any was not acknowledged."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        results = await asyncio.gather(*(f for _, _, f in pending), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        for (topic, size, _), result in zip(pending, results, strict=True):
            if not isinstance(result, BaseException):
                self._metrics.messages_produced.labels(topic).inc()
                self._metrics.produced_bytes.labels(topic).inc(size)
        if failed:
            raise BrokerUnavailable(f"{len(failed)} of {len(pending)} sends failed: {failed[0]!r}")

    def discard(self) -> None:
        """Forget unconfirmed sends (the batch will be redone)."""
        self._pending.clear()


@dataclass(frozen=True, slots=True)
class DeadLetters:
    """Poison input goes to ``<topic>.dlq``: original key, value and headers, plus why."""

    publisher: Publisher
    topics: TopicSettings
    metrics: Metrics
    service: str

    async def send(self, record: Record, reason: str, error: BaseException, stage: str) -> None:
        headers: Headers = [
            *[(k, v) for k, v in (record.headers or ()) if not k.startswith("dlq_")],
            ("dlq_reason", reason.encode()),
            ("dlq_error_class", type(error).__name__.encode()),
            ("dlq_error_message", str(error)[:1000].encode("utf-8", "replace")),
            ("dlq_stage", stage.encode()),
            ("dlq_service", self.service.encode()),
            ("dlq_original_topic", record.topic.encode()),
            ("dlq_original_partition", str(record.partition).encode()),
            ("dlq_original_offset", str(record.offset).encode()),
            ("dlq_failed_at", datetime.now(UTC).isoformat().encode()),
        ]
        dlq = self.topics.dlq(record.topic)
        value = record.value or b""
        try:
            await self.publisher.send(dlq, record.key, value, headers)
        except MessageSizeTooLargeError:
            # Poison that fitted its topic only compressed: the producer's size check is
            # on uncompressed bytes, so send the same bytes gzipped and say so. Raising
            # here would retry the batch forever on a message that can never succeed.
            packed = gzip.compress(value, 6)
            extra = [("dlq_value_encoding", b"gzip"), ("dlq_original_size", b"%d" % len(value))]
            await self.publisher.send(dlq, record.key, packed, headers + extra)
        self.metrics.dlq_messages.labels(record.topic, reason).inc()
        log.warning(
            "dead-lettered",
            key=(record.key or b"").decode("utf-8", "replace")[:100],
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason,
            error=str(error)[:300],
            stage=stage,
        )


BatchHandler = Callable[[list[Record]], Awaitable[None]]


class BatchConsumer:
    """getmany -> handler -> commit, with retries that block rather than skip.

    The handler must make its output durable before it returns (produce and flush,
    or commit to the database) and dead-letter poison itself; any exception it lets
    out is treated as transient: the same records are handed again after a backoff.
    """

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        handler: BatchHandler,
        *,
        metrics: Metrics,
        health: Health,
        name: str,
        max_records: int = 500,
        poll_timeout_ms: int = 500,
        max_backoff_seconds: float = 30.0,
        after_handle: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._consumer = consumer
        self._handler = handler
        self._metrics = metrics
        self._health = health
        self._name = name
        self._max_records = max_records
        self._poll_timeout_ms = poll_timeout_ms
        self._max_backoff = max_backoff_seconds
        # A fault-injection seam for the chaos suite (crash between commit points).
        self._after_handle = after_handle
        health.register_loop(name)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            batch: Batch = await self._consumer.getmany(
                timeout_ms=self._poll_timeout_ms, max_records=self._max_records
            )
            records = [r for part in batch.values() for r in part]
            if records and not await self._handle_until_done(records, stop):
                return  # stopping with an unfinished batch: it is redelivered later
            if records and self._after_handle is not None:
                await self._after_handle()
            if records:
                await self._commit(batch)
            await self._observe_lag()
            self._health.progress(self._name)
            self._metrics.last_progress.labels(self._name).set(time.time())

    async def _handle_until_done(self, records: list[Record], stop: asyncio.Event) -> bool:
        for topic in {r.topic for r in records}:
            self._metrics.messages_consumed.labels(topic).inc(
                sum(1 for r in records if r.topic == topic)
            )
        attempt = 0
        while True:
            try:
                await self._handler(records)
                return True
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # every escape is retried: nothing is skipped silently
                attempt += 1
                delay = min(self._max_backoff, 0.2 * 2**attempt) * random.uniform(0.5, 1.0)
                log.warning(
                    "batch failed, retrying",
                    loop=self._name,
                    attempt=attempt,
                    retriable=is_retriable(exc),
                    error=f"{type(exc).__name__}: {exc}"[:500],
                    delay_s=round(delay, 2),
                )
                self._health.pending(self._name, True)
                if await wait_or_stop(stop, delay):
                    return False

    async def _commit(self, batch: Batch) -> None:
        offsets = {tp: records[-1].offset + 1 for tp, records in batch.items() if records}
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, RebalanceInProgressError, IllegalStateError, KafkaError) as exc:
            # The partitions moved (or the broker is away): the new owner re-reads from
            # the last committed offset and idempotent writes absorb the repeat.
            for tp in offsets:
                self._metrics.commit_failures.labels(tp.topic).inc()
            log.warning("offset commit failed", loop=self._name, error=repr(exc)[:300])

    async def _observe_lag(self) -> None:
        has_lag = False
        for tp in self._consumer.assignment():
            end = self._consumer.highwater(tp)
            if end is None:
                continue  # nothing fetched from this partition yet
            try:
                async with asyncio.timeout(1.0):
                    position = await self._consumer.position(tp)
            except (TimeoutError, IllegalStateError):
                continue  # revoked meanwhile, or no position yet
            lag = max(0, end - position)
            has_lag = has_lag or lag > 0
            self._metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(lag)
        self._health.pending(self._name, has_lag)
