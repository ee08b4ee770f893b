"""The parser service: news.raw.v1 -> news.articles.v1 + regulatory.events.v1.

``handle_record`` is the whole per-message pipeline (decode, normalise, extract,
publish); ``run`` wires it to Kafka. Parsing is pure and deterministic, so any
failure inside it is poison for that message: it goes to ``news.raw.v1.dlq`` with
the reason and the stage, and the batch moves on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka.errors import MessageSizeTooLargeError
from prometheus_client import CollectorRegistry

from schemas import Article, RawArticle, RegulatoryEvent
from schemas.cloudevents import TYPE_ARTICLE, TYPE_REGULATORY_EVENT, ce_headers
from services.common.errors import ContentRejected, OversizeMessage, PoisonMessage, reason_of
from services.common.kafka import BatchConsumer, Record, build_consumer
from services.common.lifecycle import stop_within
from services.common.logging import get_logger
from services.common.runtime import Runtime, service_runtime
from services.common.serde import decode, encode
from services.parser.config import ParserSettings
from services.parser.events import extract
from services.parser.normalise import NormaliseError, normalise

log = get_logger(__name__)
SOURCE = "/regwire/parser"


@dataclass(frozen=True, slots=True)
class Parsed:
    article: Article
    events: list[RegulatoryEvent]


def normalise_or_reject(
    raw: RawArticle, normaliser: Callable[[RawArticle], Article] = normalise
) -> Article:
    try:
        return normaliser(raw)
    except NormaliseError as exc:
        raise ContentRejected(str(exc)) from exc


def parse_raw(
    raw: RawArticle,
    normaliser: Callable[[RawArticle], Article] = normalise,
    extractor: Callable[[Article], list[RegulatoryEvent]] = extract,
) -> Parsed:
    """The pure core of the service: one raw article in, its article and events out."""
    article = normalise_or_reject(raw, normaliser)
    return Parsed(article, extractor(article))


class ParserHandler:
    """Handles one polled batch; returns only when its output is acknowledged."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._topics = rt.settings.topics

    async def __call__(self, records: list[Record]) -> None:
        for record in records:
            await self._one(record)
            # Parsing is synchronous CPU work: yield between records so the producer
            # ships finished outputs (and heartbeats, /metrics answer) during a long
            # batch, instead of everything waiting for the batch's end. The commit
            # still waits for ``flush()`` below.
            await asyncio.sleep(0)
        started = time.perf_counter()
        await self._rt.publisher.flush()
        self._rt.metrics.stage_seconds.labels("publish").observe(time.perf_counter() - started)

    async def _one(self, record: Record) -> None:
        m = self._rt.metrics
        stage, article_id = "decode", None
        try:
            raw = decode(RawArticle, record.value)
            stage, article_id = "parse", raw.article_id
            started = time.perf_counter()
            article = normalise_or_reject(raw)
            stage, parsed_at = "extract", time.perf_counter()
            m.stage_seconds.labels("parse").observe(parsed_at - started)
            events = extract(article)
            m.stage_seconds.labels("extract").observe(time.perf_counter() - parsed_at)
        except Exception as exc:  # deterministic on this input: poison, never a retry
            reason = reason_of(exc) if isinstance(exc, PoisonMessage) else f"{stage}_error"
            if not isinstance(exc, PoisonMessage):
                log.exception(
                    "parser failed on a message",
                    article_id=article_id, offset=record.offset, stage=stage,
                )  # fmt: skip
            m.stage_items.labels(stage, "dlq").inc()
            await self._rt.dead_letters.send(record, reason, exc, stage)
            return
        try:
            await self._publish(Parsed(article, events))
        except MessageSizeTooLargeError as exc:
            # Deterministic on this input too: its Article is larger than a message may be.
            m.stage_items.labels("publish", "dlq").inc()
            await self._rt.dead_letters.send(record, OversizeMessage.reason, exc, "publish")
            return
        m.stage_items.labels("parse", "ok").inc()
        m.stage_items.labels("extract", "ok").inc()
        m.article_bytes.observe(len(raw.html or raw.text or ""))

    async def _publish(self, parsed: Parsed) -> None:
        article = parsed.article
        await self._rt.publisher.send(
            self._topics.articles,
            article.article_id.encode(),
            encode(article),
            ce_headers(id=article.article_id, source=SOURCE, type=TYPE_ARTICLE),
        )
        for event in parsed.events:
            self._rt.metrics.events_extracted.labels(event.event_type, event.jurisdiction).inc()
            await self._rt.publisher.send(
                self._topics.events,
                event.event_id.encode(),
                encode(event),
                ce_headers(
                    # One message per (event, reporting article): the same act from
                    # two outlets is two messages with one event_id key.
                    id=f"{event.event_id}:{article.article_id}",
                    source=SOURCE,
                    type=TYPE_REGULATORY_EVENT,
                    subject=event.event_type,
                ),
            )


async def run(
    settings: ParserSettings, stop: asyncio.Event, registry: CollectorRegistry | None = None
) -> None:
    """Composition root: build everything, consume until ``stop``, then drain."""
    async with service_runtime("parser", settings, settings.port, stop, registry=registry) as rt:
        consumer = build_consumer(
            settings.kafka, settings.group_id, [settings.topics.raw], client_id="parser"
        )
        await consumer.start()
        try:
            loop = BatchConsumer(
                consumer,
                ParserHandler(rt),
                metrics=rt.metrics,
                health=rt.health,
                name="parser",
                max_records=settings.batch_size,
            )
            await loop.run(stop)
        finally:
            await stop_within(consumer.stop(), settings.shutdown_grace_seconds / 2, "consumer")
    log.info("parser stopped")
