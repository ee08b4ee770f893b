"""What every service process starts with: topics, a producer, metrics, health, HTTP.

``service_runtime`` is the shared half of each service's composition root; the
service's own ``app.py`` adds its consumers and loops on top.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter
from prometheus_client import CollectorRegistry

from services.common.config import ServiceSettings
from services.common.health import Health
from services.common.http import build_app, serve_http
from services.common.kafka import DeadLetters, Publisher, build_producer, ensure_topics, ping
from services.common.lifecycle import stop_within
from services.common.logging import get_logger
from services.common.metrics import Metrics

log = get_logger(__name__)


@dataclass(frozen=True)
class Runtime:
    name: str
    settings: ServiceSettings
    metrics: Metrics
    health: Health
    producer: AIOKafkaProducer
    publisher: Publisher
    dead_letters: DeadLetters
    stop: asyncio.Event
    http_port: int


@contextlib.asynccontextmanager
async def service_runtime(
    name: str,
    settings: ServiceSettings,
    port: int,
    stop: asyncio.Event,
    *,
    registry: CollectorRegistry | None = None,
    routers: list[APIRouter] | None = None,
    health: Health | None = None,
) -> AsyncIterator[Runtime]:
    metrics = Metrics(registry or CollectorRegistry(), name)
    health = health or Health(stall_seconds=settings.stall_seconds)
    if settings.kafka.create_topics:
        created = await ensure_topics(settings.kafka, settings.topics.all())
        if created:
            log.info("created topics", topics=created, partitions=settings.kafka.partitions)
    producer = build_producer(settings.kafka, name)
    await producer.start()
    publisher = Publisher(producer, metrics)
    health.add_check("kafka", lambda: ping(producer))
    try:
        app = build_app(metrics, health, settings.readiness_timeout_seconds, routers, title=name)
        async with serve_http(app, settings.http_host, port) as bound:
            log.info("service started", service=name, http_port=bound)
            yield Runtime(
                name=name,
                settings=settings,
                metrics=metrics,
                health=health,
                producer=producer,
                publisher=publisher,
                dead_letters=DeadLetters(publisher, settings.topics, metrics, name),
                stop=stop,
                http_port=bound,
            )
    finally:
        await stop_within(producer.stop(), settings.shutdown_grace_seconds / 2, "producer")
