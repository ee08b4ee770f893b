"""``regwire tail``: follow regulatory.events.v1 live — the reference downstream consumer.

Without a group it reads every partition itself (assign, then seek to the end, or
to the beginning with ``from_beginning``), commits nothing and leaves no trace on
the cluster. With ``group_id`` it is an ordinary consumer group member that commits
after printing, so a restart resumes where it stopped (a new group starts at the
end, or at the beginning with ``from_beginning``).

Each message is one report of an event by one article: an event reported by three
outlets is printed three times, with a different ``sources[0]``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from schemas import RegulatoryEvent
from services.common.config import KafkaSettings
from services.common.errors import PoisonMessage
from services.common.serde import decode
from services.sink.filters import EventFilter

Emit = Callable[[RegulatoryEvent], None]
Warn = Callable[[str], None]


async def tail(
    kafka: KafkaSettings,
    topic: str,
    flt: EventFilter,
    emit: Emit,
    stop: asyncio.Event,
    *,
    warn: Warn,
    group_id: str | None = None,
    from_beginning: bool = False,
    max_events: int | None = None,
) -> int:
    """Print matching events until ``stop`` or ``max_events``; returns how many."""
    consumer = AIOKafkaConsumer(
        **kafka.client_options(),
        client_id=f"{kafka.client_id}-tail",
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
    )
    await consumer.start()
    try:
        if group_id is None:
            await _assign_all(consumer, await partitions_of(kafka, topic), topic, from_beginning)
        else:
            consumer.subscribe([topic])
        return await _follow(consumer, flt, emit, stop, warn, group_id is not None, max_events)
    finally:
        await consumer.stop()


async def partitions_of(kafka: KafkaSettings, topic: str) -> list[int]:
    """The topic's partition numbers; LookupError when it does not exist."""
    admin = AIOKafkaAdminClient(**kafka.client_options(), client_id=f"{kafka.client_id}-tail")
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    found = [
        p["partition"]
        for t in described
        if t["topic"] == topic and not t["error_code"]
        for p in t["partitions"]
    ]
    if not found:
        raise LookupError(f"topic {topic!r} does not exist")
    return sorted(found)


async def _assign_all(
    consumer: AIOKafkaConsumer, partitions: list[int], topic: str, from_beginning: bool
) -> None:
    tps = [TopicPartition(topic, p) for p in partitions]
    consumer.assign(tps)
    if from_beginning:
        await consumer.seek_to_beginning(*tps)
    else:
        await consumer.seek_to_end(*tps)


async def _follow(
    consumer: AIOKafkaConsumer,
    flt: EventFilter,
    emit: Emit,
    stop: asyncio.Event,
    warn: Warn,
    commit: bool,
    max_events: int | None,
) -> int:
    shown = 0
    while not stop.is_set():
        batch = await consumer.getmany(timeout_ms=500)
        done: dict[TopicPartition, int] = {}
        for tp, records in batch.items():
            for record in records:
                if stop.is_set():
                    break
                done[tp] = record.offset + 1
                try:
                    event = decode(RegulatoryEvent, record.value)
                except PoisonMessage as exc:
                    warn(f"skipped {record.topic}/{record.partition}@{record.offset}: {exc}")
                    continue
                if flt.matches(event):
                    emit(event)
                    shown += 1
                    if max_events is not None and shown >= max_events:
                        stop.set()
        if commit and done:
            await consumer.commit(done)
    return shown
