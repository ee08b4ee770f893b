"""Kafka from the outside: seed with acknowledgements tracked, read topics, watch groups.

The seeder is a producer built like the services' own (``build_producer``: acks=all,
idempotence), so what it proves holds for them: every send the broker acknowledged
is recorded with its partition and offset, and ``unacknowledged`` sends are retried
until acknowledged. After a fault, ``missing_acknowledged`` reads the topic back
and counts acknowledged records that are not where the broker said they were.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata

from schemas.cloudevents import TYPE_RAW_ARTICLE, ce_headers
from services.common.config import KafkaSettings
from services.common.kafka import build_producer

Message = tuple[bytes, bytes | None]  # (key, value); a None value is a tombstone


@contextlib.contextmanager
def quiet_client_logs() -> Any:
    """aiokafka logs every refused connection at ERROR; during faults those are expected."""
    logger = logging.getLogger("aiokafka")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@dataclass
class SeedReport:
    sent: int = 0
    acknowledged: dict[bytes, tuple[int, int]] = field(default_factory=dict)  # key -> (p, off)
    failed_attempts: int = 0  # sends that failed and were retried
    last_error: str = ""
    seconds: float = 0.0


async def seed(
    bootstrap: str,
    topic: str,
    messages: Sequence[Message],
    *,
    rate: float | None = None,
    chunk: int = 100,
    deadline_s: float = 600.0,
    report: SeedReport | None = None,
    max_request_size: int | None = None,
) -> SeedReport:
    """Publish every message until acknowledged; ``rate`` messages/s when given.

    ``max_request_size`` raises the client-side limit (which checks uncompressed
    sizes) for messages that only fit the topic compressed, as the fetcher's second
    producer does.
    """
    out = report or SeedReport()
    began = time.monotonic()
    pending = list(messages)
    settings = KafkaSettings(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    if max_request_size:
        settings = settings.model_copy(update={"max_request_size": max_request_size})
    producer = build_producer(settings, "chaos-seeder")
    with quiet_client_logs():
        await _start_with_retry(producer, began + deadline_s)
        try:
            while pending:
                if time.monotonic() - began > deadline_s:
                    raise TimeoutError(
                        f"{len(pending)} messages never acknowledged; last error: {out.last_error}"
                    )
                batch, pending = pending[:chunk], pending[chunk:]
                failed = await _send_batch(producer, topic, batch, out)
                if failed:
                    out.failed_attempts += len(failed)
                    pending = failed + pending
                    await asyncio.sleep(0.5)
                elif rate:
                    # Paced: the next chunk is due when the rate says so.
                    due = began + (out.sent / rate)
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
        finally:
            with contextlib.suppress(Exception):
                await producer.stop()
    out.seconds = time.monotonic() - began
    return out


async def _start_with_retry(producer: Any, deadline: float) -> None:
    while True:
        try:
            await producer.start()
            return
        except Exception:  # the broker may be restarting: try again until the deadline
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def _send_batch(
    producer: Any, topic: str, batch: list[Message], out: SeedReport
) -> list[Message]:
    futures = []
    failed: list[Message] = []
    headers = ce_headers(id="chaos-seed", source="/regwire/chaos", type=TYPE_RAW_ARTICLE)
    for key, value in batch:
        try:
            futures.append(
                ((key, value), await producer.send(topic, value, key=key, headers=headers))
            )
        except Exception as exc:  # buffer full or broker away: retried with the failed ones
            out.last_error = repr(exc)[:300]
            failed.append((key, value))
    results = await asyncio.gather(*(f for _, f in futures), return_exceptions=True)
    for (message, _), result in zip(futures, results, strict=True):
        if isinstance(result, BaseException):
            out.last_error = repr(result)[:300]
            failed.append(message)
        else:
            out.acknowledged[message[0]] = (result.partition, result.offset)
            out.sent += 1
    return failed


@dataclass(frozen=True, slots=True)
class Rec:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k == name:
                return v.decode("utf-8", "replace")
        return None


async def partitions(bootstrap: str, topic: str) -> list[TopicPartition]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        for _ in range(50):
            found = consumer.partitions_for_topic(topic)
            if found:
                return [TopicPartition(topic, p) for p in sorted(found)]
            await consumer._client.force_metadata_update()
            await asyncio.sleep(0.1)
        return []
    finally:
        await consumer.stop()


async def read_topic(bootstrap: str, topic: str, timeout_s: float = 120.0) -> list[Rec]:
    """Every record in ``topic`` now (all partitions, from the beginning)."""
    tps = await partitions(bootstrap, topic)
    if not tps:
        return []
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    await consumer.start()
    out: list[Rec] = []
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        deadline = time.monotonic() + timeout_s
        while any([await consumer.position(tp) < ends[tp] for tp in tps]):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end in {timeout_s:.0f}s")
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            for records in batch.values():
                out.extend(
                    Rec(r.topic, r.partition, r.offset, r.key, r.value, tuple(r.headers or ()))
                    for r in records
                )
        return out
    finally:
        await consumer.stop()


async def missing_acknowledged(bootstrap: str, topic: str, report: SeedReport) -> int:
    """Acknowledged records not found at the partition and offset the broker gave."""
    present = {(r.partition, r.offset): r.key for r in await read_topic(bootstrap, topic)}
    return sum(1 for key, where in report.acknowledged.items() if present.get(where) != key)


@dataclass(frozen=True, slots=True)
class GroupState:
    committed: int  # sum of committed offsets over the topics' partitions
    end: int  # sum of end offsets

    @property
    def lag(self) -> int:
        return max(0, self.end - self.committed)


class Watcher:
    """One admin client and one consumer, reused to poll group offsets cheaply."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._tps: dict[str, list[TopicPartition]] = {}

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000)
            consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, request_timeout_ms=5000)
            try:
                await admin.start()
                await consumer.start()
            except Exception:
                with contextlib.suppress(Exception):
                    await admin.close()
                with contextlib.suppress(Exception):
                    await consumer.stop()
                raise
            self._admin, self._consumer = admin, consumer
        return self._admin, self._consumer

    async def close(self) -> None:
        admin, consumer, self._admin, self._consumer = self._admin, self._consumer, None, None
        if admin is not None:
            with contextlib.suppress(Exception):
                await admin.close()
        if consumer is not None:
            with contextlib.suppress(Exception):
                await consumer.stop()

    async def _partitions(self, topic: str) -> list[TopicPartition]:
        if topic not in self._tps:
            found = await partitions(self.bootstrap, topic)
            if not found:
                return []
            self._tps[topic] = found
        return self._tps[topic]

    async def group(self, group: str, topics: Iterable[str]) -> GroupState:
        """Committed and end offsets of ``group`` over ``topics`` (raises when unreachable)."""
        with quiet_client_logs():
            try:
                admin, consumer = await self._clients()
                tps = [tp for t in topics for tp in await self._partitions(t)]
                async with asyncio.timeout(10):
                    committed = await admin.list_consumer_group_offsets(group)
                    ends = await consumer.end_offsets(tps)
            except Exception:
                await self.close()  # reconnect next time (the broker may have restarted)
                raise
        done = sum(max(0, committed[tp].offset) for tp in tps if tp in committed)
        return GroupState(done, sum(ends.values()))

    async def end_offsets(self, topic: str) -> int:
        _, consumer = await self._clients()
        tps = await self._partitions(topic)
        return sum((await consumer.end_offsets(tps)).values()) if tps else 0


async def reset_group_to_earliest(bootstrap: str, group: str, topics: Iterable[str]) -> None:
    """What ``kafka-consumer-groups --reset-offsets --to-earliest`` does (group stopped)."""
    tps = [tp for t in topics for tp in await partitions(bootstrap, t)]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        starts = await consumer.beginning_offsets(tps)
        await consumer.commit({tp: OffsetAndMetadata(starts[tp], "") for tp in tps})
    finally:
        await consumer.stop()
