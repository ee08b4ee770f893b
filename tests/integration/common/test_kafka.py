"""The Kafka wrappers on a real broker: acknowledgement, commit points, DLQ."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import CollectorRegistry

from services.common.config import KafkaSettings, TopicSettings
from services.common.health import Health
from services.common.kafka import (
    BatchConsumer,
    DeadLetters,
    Publisher,
    Record,
    build_consumer,
    build_producer,
    ensure_topics,
)
from services.common.metrics import Metrics

pytestmark = pytest.mark.kafka


@pytest.fixture
def settings(kafka_bootstrap: str) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=kafka_bootstrap, partitions=2)


@pytest.fixture
def metrics() -> Metrics:
    return Metrics(CollectorRegistry(), "test")


@pytest.fixture
async def publisher(settings: KafkaSettings, metrics: Metrics) -> AsyncIterator[Publisher]:
    producer = build_producer(settings, "test")
    await producer.start()
    try:
        yield Publisher(producer, metrics)
    finally:
        await producer.stop()


async def read_all(settings: KafkaSettings, topic: str, expected: int) -> list[Record]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[Record] = []
    try:
        async with asyncio.timeout(30):
            while len(found) < expected:
                batch = await consumer.getmany(timeout_ms=500)
                found.extend(r for part in batch.values() for r in part)
    finally:
        await consumer.stop()
    return found


async def committed(settings: KafkaSettings, group: str, topic: str) -> int:
    """Sum of the group's committed offsets on ``topic`` (0 when none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic)


async def test_topics_are_created_once_with_their_partitions(
    settings: KafkaSettings, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("t")
    assert await ensure_topics(settings, [topic], partitions=4) == [topic]
    assert await ensure_topics(settings, [topic], partitions=4) == []


async def test_flush_confirms_every_send(
    settings: KafkaSettings, publisher: Publisher, metrics: Metrics,
    unique_name: Callable[[str], str],
) -> None:  # fmt: skip
    topic = unique_name("t")
    await ensure_topics(settings, [topic])
    for i in range(50):
        await publisher.send(topic, f"k{i}".encode(), b"v", [("ce_id", str(i).encode())])
    await publisher.flush()
    records = await read_all(settings, topic, 50)
    assert sorted(int(dict(r.headers)["ce_id"]) for r in records) == list(range(50))
    assert metrics.messages_produced.labels(topic)._value.get() == 50


async def test_a_failing_batch_is_retried_and_never_skipped_or_committed_early(
    settings: KafkaSettings, publisher: Publisher, metrics: Metrics,
    unique_name: Callable[[str], str],
) -> None:  # fmt: skip
    topic, group = unique_name("t"), unique_name("g")
    await ensure_topics(settings, [topic])
    for i in range(20):
        await publisher.send(topic, str(i).encode(), str(i).encode(), [])
    await publisher.flush()

    handled: list[int] = []
    failures = {"left": 2}
    stop = asyncio.Event()
    commits_seen_during_failure: list[int] = []

    async def handler(records: list[Record]) -> None:
        if failures["left"]:
            failures["left"] -= 1
            commits_seen_during_failure.append(await committed(settings, group, topic))
            raise ConnectionError("downstream is down")
        handled.extend(int(r.value or b"0") for r in records)
        if len(handled) >= 20:
            stop.set()

    consumer = build_consumer(settings, group, [topic], client_id="test")
    await consumer.start()
    try:
        loop = BatchConsumer(
            consumer, handler, metrics=metrics, health=Health(), name="t",
            max_backoff_seconds=0.2,
        )  # fmt: skip
        async with asyncio.timeout(60):
            await loop.run(stop)
    finally:
        await consumer.stop()
    assert sorted(handled) == list(range(20))
    assert commits_seen_during_failure == [0, 0]
    assert await committed(settings, group, topic) == 20


async def test_poison_goes_to_the_dlq_untouched_with_its_origin(
    settings: KafkaSettings, publisher: Publisher, metrics: Metrics,
    unique_name: Callable[[str], str],
) -> None:  # fmt: skip
    base = unique_name("raw")
    topics = TopicSettings(raw=base)
    await ensure_topics(settings, [base, topics.dlq(base)])
    await publisher.send(base, b"key-1", b"\x00not json", [("ce_id", b"x")])
    await publisher.flush()
    [record] = await read_all(settings, base, 1)

    dlq = DeadLetters(publisher, topics, metrics, "test")
    await dlq.send(record, "undecodable", ValueError("not JSON"), stage="decode")
    await publisher.flush()
    [dead] = await read_all(settings, topics.dlq(base), 1)
    headers = dict(dead.headers)
    assert (dead.key, dead.value) == (b"key-1", b"\x00not json")
    assert headers["ce_id"] == b"x"
    assert headers["dlq_reason"] == b"undecodable"
    assert headers["dlq_error_class"] == b"ValueError"
    assert headers["dlq_stage"] == b"decode"
    assert headers["dlq_original_topic"] == base.encode()
    assert headers["dlq_original_offset"] == str(record.offset).encode()
    assert metrics.dlq_messages.labels(base, "undecodable")._value.get() == 1
