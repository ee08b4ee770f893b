"""One polled batch -> one database transaction.

``SinkHandler`` decodes every record, dead-letters poison (undecodable, schema-invalid,
an impossible date) with the reason, merges the rest and writes them in ONE
transaction. It returns only after the commit, so ``BatchConsumer`` commits offsets
only for stored data. A database failure is raised, never dead-lettered:
``BatchConsumer`` hands the same records back after a backoff. The decoded batch is
kept for that retry, so poison is dead-lettered once, not once per attempt.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from schemas import Article, RegulatoryEvent
from schemas.models import PublishedAt
from services.common.errors import ContentRejected, PoisonMessage, SchemaInvalid, reason_of
from services.common.kafka import Record
from services.common.logging import get_logger
from services.common.runtime import Runtime
from services.common.serde import decode
from services.sink.merge import BatchMerger, BatchRows
from services.sink.rows import article_row, event_rows
from services.sink.store import Store

log = get_logger(__name__)
STAGE = "store"

RecordKey = tuple[tuple[str, int, int], ...]


@dataclass
class Prepared:
    key: RecordKey
    rows: BatchRows
    poison: int = 0
    # Seconds since the epoch, observed against the commit time.
    started: list[float] = field(default_factory=list)
    published: list[float] = field(default_factory=list)
    stored: Counter[tuple[str, str]] = field(default_factory=Counter)


def record_time(record: Record, default: datetime) -> datetime:
    """The Kafka timestamp (producer's create time) of a record."""
    if record.timestamp and record.timestamp > 0:
        return datetime.fromtimestamp(record.timestamp / 1000, UTC)
    return default


def epoch(value: PublishedAt | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    assert isinstance(value, date)
    return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()


def _text(value: bytes | None) -> str | None:
    # Validated as JSON already, so valid UTF-8.
    return value.decode() if value is not None else None


class SinkHandler:
    def __init__(self, rt: Runtime, store: Store, clock: Callable[[], float] = time.time) -> None:
        self._rt = rt
        self._store = store
        self._clock = clock
        self._topics = rt.settings.topics
        self._prepared: Prepared | None = None

    async def __call__(self, records: list[Record]) -> None:
        prepared = await self._prepare(records)
        m = self._rt.metrics
        started = time.perf_counter()
        try:
            await self._store.write(prepared.rows)
        except Exception as exc:
            m.database_up.set(0)
            m.sink_batch_failures.labels(reason_of(exc)).inc()
            m.stage_items.labels(STAGE, "retry").inc(len(records) - prepared.poison)
            raise
        self._prepared = None
        self._observe(prepared, len(records), time.perf_counter() - started)

    async def _prepare(self, records: list[Record]) -> Prepared:
        key = tuple((r.topic, r.partition, r.offset) for r in records)
        if self._prepared is not None and self._prepared.key == key:
            return self._prepared  # a retry: decoded and dead-lettered already
        now = datetime.fromtimestamp(self._clock(), UTC)
        merger = BatchMerger()
        prepared = Prepared(key=key, rows=BatchRows())
        for record in records:
            try:
                self._add(record, merger, prepared, now)
            except PoisonMessage as exc:
                prepared.poison += 1
                await self._rt.dead_letters.send(record, reason_of(exc), exc, "decode")
        await self._rt.publisher.flush()
        prepared.rows = merger.result()
        self._prepared = prepared
        return prepared

    def _add(self, record: Record, merger: BatchMerger, out: Prepared, now: datetime) -> None:
        seen = record_time(record, now)
        if record.topic == self._topics.events:
            event = decode(RegulatoryEvent, record.value)
            try:
                rows = event_rows(event, seen, now, _text(record.value))
            except ValueError as exc:
                raise SchemaInvalid(f"not a valid RegulatoryEvent: {exc}") from None
            merger.add_event(rows)
            out.started.append(seen.timestamp())
            self._published(out, event.sources[0].published_at)
            out.stored[(event.event_type.value, event.jurisdiction)] += 1
        elif record.topic == self._topics.articles:
            article = decode(Article, record.value)
            merger.add_article(article_row(article, seen, now, _text(record.value)))
            out.started.append(article.fetched_at.timestamp())
            self._published(out, article.published_at)
        else:
            raise ContentRejected(f"the sink does not consume topic {record.topic!r}")

    @staticmethod
    def _published(out: Prepared, value: PublishedAt | None) -> None:
        when = epoch(value)
        if when is not None:
            out.published.append(when)

    def _observe(self, prepared: Prepared, size: int, seconds: float) -> None:
        m = self._rt.metrics
        committed = self._clock()
        m.database_up.set(1)
        m.sink_batch_size.observe(size)
        m.stage_seconds.labels(STAGE).observe(seconds)
        m.stage_items.labels(STAGE, "ok").inc(size - prepared.poison)
        if prepared.poison:
            m.stage_items.labels(STAGE, "dlq").inc(prepared.poison)
        for table, count in prepared.rows.counts().items():
            if count:
                m.rows_written.labels(table).inc(count)
        for started in prepared.started:
            m.end_to_end_seconds.observe(max(0.0, committed - started))
        for published in prepared.published:
            m.freshness_seconds.observe(max(0.0, committed - published))
        for (event_type, jurisdiction), count in prepared.stored.items():
            m.events_stored.labels(event_type, jurisdiction).inc(count)
        log.debug("batch stored", messages=size, poison=prepared.poison, seconds=round(seconds, 4))
