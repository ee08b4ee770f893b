"""The sink service: regulatory.events.v1 + news.articles.v1 -> PostgreSQL / SQLite.

``run`` is the composition root: it opens the store (migrating it first unless
``REGWIRE_SINK_MIGRATE_ON_START=false``), starts the shared runtime with the read-only
API and a real database readiness check, and consumes until ``stop``. Delivery is
at-least-once with idempotent upserts: offsets are committed only after the batch's
database commit, and a batch that fails is retried, blocking, until it is stored.
"""

from __future__ import annotations

import asyncio

from prometheus_client import CollectorRegistry

from services.common.faults import FaultSettings
from services.common.kafka import BatchConsumer, build_consumer
from services.common.lifecycle import wait_or_stop
from services.common.logging import get_logger
from services.common.runtime import service_runtime
from services.sink.api import build_router
from services.sink.batching import FillingConsumer
from services.sink.config import SinkSettings
from services.sink.handler import SinkHandler
from services.sink.store import DB_ERRORS, Store

log = get_logger(__name__)
NAME = "sink"


async def run(
    settings: SinkSettings, stop: asyncio.Event, registry: CollectorRegistry | None = None
) -> None:
    """Composition root: build everything, consume until ``stop``, then drain."""
    faults = FaultSettings.load()  # off unless REGWIRE_FAULT_* enable it (chaos suite only)
    async with Store(settings.dsn, timeout=settings.db_timeout_seconds) as store:
        if settings.migrate_on_start and not await _migrate(store, stop):
            return
        routers = [build_router(store)] if settings.api else []
        async with service_runtime(
            NAME, settings, settings.port, stop, registry=registry, routers=routers
        ) as rt:
            rt.health.add_check("database", store.ping)
            topics = [settings.topics.events]
            if settings.store_articles:
                topics.append(settings.topics.articles)
            consumer = build_consumer(settings.kafka, settings.group_id, topics, client_id=NAME)
            await consumer.start()
            try:
                loop = BatchConsumer(
                    FillingConsumer(consumer, settings.batch_max_wait_seconds, stop),
                    SinkHandler(rt, store),
                    metrics=rt.metrics,
                    health=rt.health,
                    name=NAME,
                    max_records=settings.batch_max_size,
                    max_backoff_seconds=settings.retry_max_backoff_seconds,
                    after_handle=faults.after_db_commit_hook(NAME),
                )
                await loop.run(stop)
            finally:
                await consumer.stop()
    log.info("sink stopped")


async def _migrate(store: Store, stop: asyncio.Event) -> bool:
    """Upgrade the schema, waiting for the database if it is not up yet."""
    delay = 0.5
    while True:
        try:
            before, after = await store.migrate()
        except DB_ERRORS as exc:
            log.warning("database not ready for migrations", error=str(exc)[:300], retry_s=delay)
            if await wait_or_stop(stop, delay):
                return False
            delay = min(delay * 2, 15.0)
            continue
        if before != after:
            log.info("store migrated", backend=store.backend, revision_from=before, revision=after)
        return True
