"""Batches by size and by time: keep polling until a batch is full or old enough.

``getmany`` returns as soon as any record is there, which under a trickle means
one transaction per record. ``FillingConsumer`` wraps the consumer that
``BatchConsumer`` polls: once a poll returned something, it keeps polling until the
batch holds ``max_records`` or ``max_wait`` seconds passed since its first record.
Records stay grouped per partition, so the offsets committed afterwards are exact
per partition.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from services.common.kafka import Batch


class FillingConsumer:
    def __init__(self, consumer: AIOKafkaConsumer, max_wait: float, stop: asyncio.Event) -> None:
        self._consumer = consumer
        self._max_wait = max_wait
        self._stop = stop

    async def getmany(self, timeout_ms: int, max_records: int) -> Batch:
        batch: Batch = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=max_records)
        total = sum(len(v) for v in batch.values())
        deadline = time.monotonic() + self._max_wait
        while 0 < total < max_records and not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            more: Batch = await self._consumer.getmany(
                timeout_ms=max(1, int(left * 1000)), max_records=max_records - total
            )
            for tp, records in more.items():
                batch.setdefault(tp, []).extend(records)
                total += len(records)
        return batch

    # What BatchConsumer needs besides getmany, passed straight through.
    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        await self._consumer.commit(offsets)

    def assignment(self) -> Any:
        return self._consumer.assignment()

    def highwater(self, tp: TopicPartition) -> int | None:
        result: int | None = self._consumer.highwater(tp)
        return result

    async def position(self, tp: TopicPartition) -> int:
        result: int = await self._consumer.position(tp)
        return result
