"""The fetcher service: sources.yaml -> polls -> article pages -> news.raw.v1.

``run`` is the composition root: it builds the runtime (producer, metrics, health,
HTTP), the crawl state, the guarded HTTP client and one scheduler per source, then
waits for ``stop``. On stop, no new poll or article starts, in-flight fetches finish
(within the shutdown grace period), their messages are flushed and recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import time
import uuid
from collections.abc import AsyncIterator

from prometheus_client import CollectorRegistry

from services.common.errors import reason_of
from services.common.kafka import Publisher
from services.common.lifecycle import wait_or_stop
from services.common.logging import get_logger
from services.common.runtime import Runtime, service_runtime
from services.fetcher.config import FetcherSettings
from services.fetcher.http import Fetcher
from services.fetcher.poller import PollerOptions, SourcePoller
from services.fetcher.publish import LargeProducer, RawSender
from services.fetcher.sources import SourceConfig, load_sources
from services.fetcher.state import CrawlState, url_key

log = get_logger(__name__)


def my_sources(sources: list[SourceConfig], settings: FetcherSettings) -> list[SourceConfig]:
    """The enabled sources of this replica's shard (a stable split by source id)."""
    mine = []
    for source in sources:
        shard = int(url_key(source.id)[:8], 16) % settings.shard_count
        if source.enabled and shard == settings.shard_index:
            mine.append(source)
    return mine


class Scheduler:
    """Polls one source every ``interval`` seconds (with jitter) until ``stop``."""

    def __init__(
        self, source: SourceConfig, poller: SourcePoller, rt: Runtime, settings: FetcherSettings
    ) -> None:
        self._source = source
        self._poller = poller
        self._rt = rt
        self._interval = source.interval_seconds or settings.default_poll_interval_seconds
        self._jitter = settings.poll_jitter
        self.loop_name = f"fetcher:{source.id}"
        rt.health.register_loop(self.loop_name)

    def _next_delay(self) -> float:
        return self._interval * random.uniform(1 - self._jitter, 1 + self._jitter)

    async def run(self) -> None:
        stop = self._rt.stop
        # Spread the first polls so a restart does not hit every source at once.
        first = random.uniform(0, min(self._interval, 30.0) * self._jitter)
        if await wait_or_stop(stop, first):
            return
        while not stop.is_set():
            await self.poll_once()
            if await wait_or_stop(stop, self._next_delay()):
                return

    async def poll_once(self) -> None:
        m, health, sid = self._rt.metrics, self._rt.health, self._source.id
        health.pending(self.loop_name, True)  # a poll is due: the stall clock runs
        started = time.perf_counter()
        try:
            report = await self._poller.poll(self._source, lambda: health.progress(self.loop_name))
        except Exception as exc:  # a source failing must never stop the others
            m.source_errors.labels(sid, reason_of(exc)).inc()
            log.warning("poll failed", source=sid, reason=reason_of(exc), error=str(exc)[:300])
        else:
            m.source_last_success.labels(sid).set(time.time())
            m.source_items_last_poll.labels(sid).set(report.discovered)
            log.info(
                "polled",
                source=sid,
                seconds=round(time.perf_counter() - started, 3),
                discovered=report.discovered,
                published=report.published,
                skipped=report.skipped,
                retry=report.retry,
                rejected=report.rejected,
                oversize=report.oversize,
                not_modified=report.not_modified,
            )
        health.progress(self.loop_name)
        health.pending(self.loop_name, False)
        m.last_progress.labels(self.loop_name).set(time.time())


@contextlib.asynccontextmanager
async def fetcher_parts(
    settings: FetcherSettings, rt: Runtime
) -> AsyncIterator[tuple[SourcePoller, CrawlState]]:
    """The crawl state, the HTTP client and the poller, closed in reverse order."""
    owner = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
    large = LargeProducer(settings.kafka, rt.metrics)
    async with CrawlState.open(settings.state_dsn) as state:
        rt.health.add_check("crawl_state", state.ping)
        fetcher = Fetcher.from_settings(settings, rt.metrics)
        try:

            def sender() -> RawSender:
                return RawSender(
                    Publisher(rt.producer, rt.metrics),
                    settings.topics.raw,
                    settings.kafka.max_request_size,
                    rt.metrics,
                    large=large.publisher,
                )

            options = PollerOptions(
                owner=owner,
                lease_seconds=settings.claim_lease_seconds,
                retry_failed_after=settings.retry_failed_after_seconds,
                max_body_bytes=settings.max_body_bytes,
                article_concurrency=settings.article_concurrency,
            )
            yield SourcePoller(fetcher, state, rt.metrics, sender, options, rt.stop), state
        finally:
            await fetcher.aclose()
            await large.stop()


async def run(
    settings: FetcherSettings, stop: asyncio.Event, registry: CollectorRegistry | None = None
) -> None:
    """Composition root: build everything, poll until ``stop``, then drain."""
    sources = my_sources(load_sources(settings.sources_file), settings)
    async with contextlib.AsyncExitStack() as stack:
        rt = await stack.enter_async_context(
            service_runtime("fetcher", settings, settings.port, stop, registry=registry)
        )
        poller, _state = await stack.enter_async_context(fetcher_parts(settings, rt))
        schedulers = [Scheduler(s, poller, rt, settings) for s in sources]
        tasks = [asyncio.create_task(s.run(), name=s.loop_name) for s in schedulers]
        log.info("fetcher polling", sources=len(sources), shard=settings.shard_index)
        await stop.wait()
        await _drain(tasks, settings.shutdown_grace_seconds)
    log.info("fetcher stopped")


async def _drain(tasks: list[asyncio.Task[None]], grace: float) -> None:
    if not tasks:
        return
    done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:  # past the grace period: claims expire, the work is redone
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            log.error("scheduler crashed", task=task.get_name(), error=repr(task.exception()))
    if pending:
        log.warning("stopped with polls still running", polls=len(pending))
