"""Kafka and polling helpers for the sink's end-to-end tests (no fixed sleeps)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass

import httpx
import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from local_kafka import free_port
from prometheus_client import CollectorRegistry

from schemas import RegulatoryEvent
from schemas.cloudevents import TYPE_REGULATORY_EVENT, ce_headers
from services.common.config import KafkaSettings, TopicSettings
from services.sink.app import run
from services.sink.config import SinkSettings
from services.sink.store import Store
from services.sink.tables import event_sources, events
from services.sink.tail import partitions_of


async def eventually(
    check: Callable[[], Awaitable[bool]], within: float = 30.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + within
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within:.0f}s waiting for {what}")
        await asyncio.sleep(0.05)


async def produce(
    bootstrap: str, topic: str, messages: Iterable[tuple[bytes | None, bytes]]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        futures = [
            await producer.send(
                topic,
                value,
                key=key,
                headers=ce_headers(id="test", source="/tests", type=TYPE_REGULATORY_EVENT),
            )
            for key, value in messages
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def event_message(event: RegulatoryEvent) -> tuple[bytes, bytes]:
    return event.event_id.encode(), event.model_dump_json().encode()


async def read_topic(bootstrap: str, topic: str) -> list[object]:
    """Every record now in ``topic`` (all partitions)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = await _partitions(bootstrap, topic)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        out: list[object] = []
        deadline = time.monotonic() + 15
        while any([await consumer.position(tp) < ends[tp] for tp in tps]):
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                out.extend(records)
            assert time.monotonic() < deadline, f"could not read {topic}"
        return out
    finally:
        await consumer.stop()


async def _partitions(bootstrap: str, topic: str) -> list[TopicPartition]:
    found = await partitions_of(KafkaSettings(bootstrap_servers=bootstrap), topic)
    return [TopicPartition(topic, p) for p in found]


async def offsets(bootstrap: str, group: str, topic: str) -> tuple[int, int]:
    """(sum of the group's committed offsets, sum of end offsets) over ``topic``."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        done = sum(meta.offset for tp, meta in committed.items() if tp.topic == topic)
        tps = await _partitions(bootstrap, topic)
        ends = await consumer.end_offsets(tps)
        return done, sum(ends.values())
    finally:
        await consumer.stop()
        await admin.close()


async def counts(store: Store) -> tuple[int, int]:
    """(events, event_sources) rows."""
    async with store.reader.connect() as conn:
        n_events = (await conn.execute(sa.select(sa.func.count()).select_from(events))).scalar()
        n_links = (
            await conn.execute(sa.select(sa.func.count()).select_from(event_sources))
        ).scalar()
    return int(n_events or 0), int(n_links or 0)


async def audit(store: Store, expected: set[tuple[str, str]]) -> tuple[int, int]:
    """(lost, duplicates) of (event_id, article_id) reports against what was produced.

    A duplicate is a second row for one report, or a row nobody produced; events
    are checked too: one row per expected event id, no more.
    """
    async with store.reader.connect() as conn:
        links = [
            tuple(r)
            for r in await conn.execute(
                sa.select(event_sources.c.event_id, event_sources.c.article_id)
            )
        ]
        ids = [r[0] for r in await conn.execute(sa.select(events.c.event_id))]
    stored = set(links)
    wanted_ids = {e for e, _ in expected}
    lost = len(expected - stored) + len(wanted_ids - set(ids))
    duplicates = (len(links) - len(stored)) + len(stored - expected)
    duplicates += (len(ids) - len(set(ids))) + len(set(ids) - wanted_ids)
    return lost, duplicates


def sink_settings(
    bootstrap: str, topics: TopicSettings, dsn: str, group: str, **overrides: object
) -> SinkSettings:
    values: dict[str, object] = {
        "dsn": dsn,
        "port": free_port(),
        "group_id": group,
        "batch_max_size": 200,
        "batch_max_wait_seconds": 0.05,
        "db_timeout_seconds": 1.0,
        "retry_max_backoff_seconds": 1.0,
        "readiness_timeout_seconds": 2.0,
        "kafka": KafkaSettings(bootstrap_servers=bootstrap, partitions=3),
        "topics": topics,
        **overrides,
    }
    return SinkSettings.model_validate(values)


@dataclass
class RunningSink:
    settings: SinkSettings
    registry: CollectorRegistry
    task: asyncio.Task[None]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}"

    async def ready(self) -> bool:
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                return (await client.get(self.url + "/readyz")).status_code == 200
        except httpx.HTTPError:
            return False

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0


@contextlib.asynccontextmanager
async def running_sink(settings: SinkSettings) -> AsyncIterator[RunningSink]:
    stop = asyncio.Event()
    registry = CollectorRegistry()
    task = asyncio.create_task(run(settings, stop, registry), name="sink-under-test")
    sink = RunningSink(settings, registry, task)
    try:
        await eventually(_up(sink), 60, "the sink to become ready")
        yield sink
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


def _up(sink: RunningSink) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        if sink.task.done():
            sink.task.result()  # surface a start-up failure
        return await sink.ready()

    return check
