"""Kafka transport: regwire's Publisher and BatchConsumer beside bare aiokafka.

Both sides get the same broker, the same messages (real payloads of the topics, with
their CloudEvents headers) and the same settings from ``KafkaSettings``: compression,
linger, batch size, request size, ``acks=all``, idempotence, manual commits.

* produce: the wrapper sends every message and ``flush()``-es once per batch of
  ``BATCH`` (its acknowledgement point); bare aiokafka sends the same and awaits the
  same futures per batch.
* consume: ``BatchConsumer`` (getmany -> handler -> commit -> lag gauges) beside a
  bare getmany -> commit loop, from the partition assignment to the last commit.

Within a run the sides alternate A-B-B-A and each keeps its better round, so a drift or
a burst of load on a shared machine hits both alike.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import CollectorRegistry

from bench.report import Report
from services.common.config import KafkaSettings
from services.common.health import Health
from services.common.kafka import (
    BatchConsumer,
    Headers,
    Publisher,
    Record,
    build_consumer,
    build_producer,
    ensure_topics,
)
from services.common.metrics import Metrics

BATCH = 500


@dataclass(frozen=True)
class Message:
    key: bytes
    value: bytes
    headers: Headers


def payloads(kind: str, count: int) -> list[Message]:
    """``count`` real messages: ``raw`` (news.raw.v1: pages and articles as replayed) or
    ``parsed`` (what the parser publishes for them: articles and events)."""
    from bench.corpus import copies, load
    from schemas.cloudevents import (
        TYPE_ARTICLE,
        TYPE_RAW_ARTICLE,
        TYPE_REGULATORY_EVENT,
        ce_headers,
    )
    from services.common.errors import PoisonMessage
    from services.common.serde import encode
    from services.parser.app import parse_raw

    def message(key: str, value: bytes, ce_type: str) -> Message:
        return Message(key.encode(), value, ce_headers(id=key, source="/bench", type=ce_type))

    corpus = load().mixed
    raws = list(copies(len(corpus), "t", corpus))
    found: list[Message] = []
    for raw in raws:
        if kind == "raw":
            found.append(message(raw.article_id, encode(raw), TYPE_RAW_ARTICLE))
            continue
        try:
            out = parse_raw(raw)
        except PoisonMessage:
            continue
        found.append(message(out.article.article_id, encode(out.article), TYPE_ARTICLE))
        found += [message(e.event_id, encode(e), TYPE_REGULATORY_EVENT) for e in out.events]
    return (found * (count // len(found) + 1))[:count]


def _bare_producer(settings: KafkaSettings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        compression_type=settings.compression_type,
        linger_ms=settings.linger_ms,
        max_batch_size=settings.max_batch_size,
        max_request_size=settings.max_request_size,
    )


async def produce_ours(settings: KafkaSettings, topic: str, messages: Sequence[Message]) -> float:
    producer = build_producer(settings, "bench")
    await producer.start()
    try:
        publisher = Publisher(producer, Metrics(CollectorRegistry(), "bench"))
        started = time.perf_counter()
        for i, m in enumerate(messages, 1):
            await publisher.send(topic, m.key, m.value, m.headers)
            if i % BATCH == 0:
                await publisher.flush()
        await publisher.flush()
        return time.perf_counter() - started
    finally:
        await producer.stop()


async def produce_bare(settings: KafkaSettings, topic: str, messages: Sequence[Message]) -> float:
    producer = _bare_producer(settings)
    await producer.start()
    try:
        started = time.perf_counter()
        pending: list[asyncio.Future[Any]] = []
        for i, m in enumerate(messages, 1):
            pending.append(await producer.send(topic, m.value, key=m.key, headers=m.headers))
            if i % BATCH == 0:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
        return time.perf_counter() - started
    finally:
        await producer.stop()


async def assigned(consumer: AIOKafkaConsumer) -> float:
    """Wait until the group gave the consumer its partitions: fetching starts then, so
    the clock starts then (the group join itself is not transport)."""
    async with asyncio.timeout(60):
        while not consumer.assignment():  # noqa: ASYNC110 - aiokafka has no event for it
            await asyncio.sleep(0.002)
    return time.perf_counter()


async def consume_ours(settings: KafkaSettings, topic: str, count: int) -> float:
    metrics = Metrics(CollectorRegistry(), "bench")
    consumer = build_consumer(settings, f"bench-{uuid.uuid4().hex[:8]}", [topic], "bench")
    stop = asyncio.Event()
    seen = 0

    async def handler(records: list[Record]) -> None:
        nonlocal seen
        seen += len(records)
        if seen >= count:
            stop.set()

    await consumer.start()
    try:
        loop = BatchConsumer(
            consumer, handler, metrics=metrics, health=Health(60), name="bench", max_records=BATCH
        )
        started = await assigned(consumer)
        async with asyncio.timeout(300):
            await loop.run(stop)
        return time.perf_counter() - started
    finally:
        await consumer.stop()


async def consume_bare(settings: KafkaSettings, topic: str, count: int) -> float:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.bootstrap_servers,
        group_id=f"bench-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=settings.max_request_size,
        fetch_max_bytes=max(settings.max_request_size, 50 * 1024 * 1024),
    )
    await consumer.start()
    try:
        seen = 0
        started = await assigned(consumer)
        async with asyncio.timeout(300):
            while seen < count:
                batch = await consumer.getmany(timeout_ms=500, max_records=BATCH)
                seen += sum(len(v) for v in batch.values())
                offsets: dict[TopicPartition, int] = {
                    tp: rs[-1].offset + 1 for tp, rs in batch.items() if rs
                }
                await consumer.commit(offsets)
        return time.perf_counter() - started
    finally:
        await consumer.stop()


async def _one_payload(
    settings: KafkaSettings, kind: str, count: int, runs: int
) -> dict[str, list[float]]:
    """Per run: two rounds in A-B-B-A order, each side's best round (a burst of load
    from elsewhere on a shared machine lowers one round, rarely both)."""
    messages = payloads(kind, count)
    mb = sum(len(m.value) for m in messages) / 1e6
    out: dict[str, list[float]] = {k: [] for k in ("p_ours", "p_bare", "c_ours", "c_bare")}
    for _ in range(runs):
        best: dict[str, float] = dict.fromkeys(("p_ours", "p_bare", "c_ours", "c_bare"), 0.0)
        for order in (("ours", "bare"), ("bare", "ours")):
            for side in order:
                p, c = await _produce_then_consume(settings, kind, side, messages)
                best[f"p_{side}"] = max(best[f"p_{side}"], p)
                best[f"c_{side}"] = max(best[f"c_{side}"], c)
        for key, value in best.items():
            out[key].append(value)
    out["mb_per_msg"] = [mb / len(messages)]
    return out


async def _produce_then_consume(
    settings: KafkaSettings, kind: str, side: str, messages: Sequence[Message]
) -> tuple[float, float]:
    """(produce msgs/s, consume msgs/s) of one side, on a topic of its own."""
    topic = f"bench.transport.{kind}.{side}.{uuid.uuid4().hex[:8]}"
    await ensure_topics(settings, [topic])
    produce = produce_ours if side == "ours" else produce_bare
    consume = consume_ours if side == "ours" else consume_bare
    produced = len(messages) / await produce(settings, topic, messages)
    return produced, len(messages) / await consume(settings, topic, len(messages))


async def codecs(settings: KafkaSettings, count: int, runs: int) -> dict[str, list[float]]:
    """Produce and consume msgs/s of the wrappers per codec, on raw pages."""
    from aiokafka.codec import has_lz4, has_zstd

    messages = payloads("raw", count)
    available = {"gzip": True, "lz4": has_lz4(), "zstd": has_zstd(), "none": True}
    found: dict[str, list[float]] = {}
    for _ in range(runs):
        for codec, ok in available.items():
            if not ok:
                continue
            tuned = settings.model_copy(
                update={"compression_type": None if codec == "none" else codec}
            )
            topic = f"bench.codec.{codec}.{uuid.uuid4().hex[:8]}"
            await ensure_topics(tuned, [topic])
            p = await produce_ours(tuned, topic, messages)
            c = await consume_ours(tuned, topic, len(messages))
            found.setdefault(f"{codec}_produce", []).append(len(messages) / p)
            found.setdefault(f"{codec}_consume", []).append(len(messages) / c)
    return found


def transport(report: Report, bootstrap: str, runs: int, quick: bool, scale: float = 1.0) -> None:
    settings = KafkaSettings(bootstrap_servers=bootstrap)
    s = report.stage(
        "kafka",
        f"Kafka transport: wrappers vs bare aiokafka ({settings.compression_type}, "
        f"linger {settings.linger_ms} ms, batch {settings.max_batch_size // 1024} KiB, "
        "acks=all, idempotent)",
    )
    sizes = {"raw": 150 if quick else 1000, "parsed": 1000 if quick else 10000}
    sizes = {k: max(10, int(v * scale)) for k, v in sizes.items()}
    for kind, count in sizes.items():
        r = asyncio.run(_one_payload(settings, kind, count, runs))
        mb = r["mb_per_msg"][0]
        for op, name in (("p", "produce"), ("c", "consume")):
            ours, bare = r[f"{op}_ours"], r[f"{op}_bare"]
            s.add(f"{kind}_{name}_ours", "msgs/s", ours, f"{kind}: {name}, regwire wrapper")
            s.add(f"{kind}_{name}_bare", "msgs/s", bare, f"{kind}: {name}, bare aiokafka")
            s.add(
                f"{kind}_{name}_ours_mb",
                "MB/s",
                [v * mb for v in ours],
                f"{kind}: {name}, wrapper MB/s",
            )
            s.add(
                f"{kind}_{name}_bare_mb",
                "MB/s",
                [v * mb for v in bare],
                f"{kind}: {name}, bare MB/s",
            )
            s.ratio(f"{kind}_{name}_ratio", ours, bare, f"{kind}: {name}, wrapper / bare")
        s.notes.append(f"{kind}: {count} messages of {mb * 1000:.1f} kB on average (value bytes)")
    ratios = [s.get(k).values for k in s.figures if k.endswith("_ratio")]
    s.add(
        "worst_ratio",
        "x",
        [min(vals) for vals in zip(*ratios, strict=True)],
        "worst wrapper / bare of the four",
    )
    r = asyncio.run(codecs(settings, max(10, int((60 if quick else 300) * scale)), runs))
    for key, values in r.items():
        codec, op = key.split("_")
        s.add(f"codec_{key}", "msgs/s", values, f"raw: {op} with {codec} (wrapper)")
    s.notes.append("codec rows: lz4/zstd need cramjam; lz4 is aiokafka's level 9, zstd level 3")
