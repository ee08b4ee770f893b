"""The sink service end to end on the real Kafka broker, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest

from services.common.config import TopicSettings
from services.sink.filters import EventFilter
from services.sink.store import Store
from tests.integration.sink.conftest import Outage
from tests.integration.sink.support import (
    audit,
    counts,
    event_message,
    eventually,
    offsets,
    produce,
    read_topic,
    running_sink,
    sink_settings,
)
from tests.unit.sink.factory import article_id, make_article, make_event

pytestmark = pytest.mark.kafka


def _committed(bootstrap: str, group: str, topic: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        done, end = await offsets(bootstrap, group, topic)
        return done == end > 0

    return check


async def test_sink_stores_merges_and_dead_letters(
    dsn: str, topics: TopicSettings, kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    group = unique_name("sink")
    settings = sink_settings(kafka_bootstrap, topics, dsn, group)
    reports = [make_event(n) for n in range(10)]
    reports += [make_event(n, article=a) for n in range(5) for a in (1, 2)]
    poison = [
        (b"k1", b"not json at all"),
        (b"k2", b'{"event_id": "nope"}'),
        event_message(make_event(99, event_date="2023-02-30")),
    ]
    async with running_sink(settings) as sink, Store(dsn) as store:
        await produce(kafka_bootstrap, topics.events, [event_message(e) for e in reports])
        await produce(kafka_bootstrap, topics.events, poison)
        await produce(kafka_bootstrap, topics.events, [event_message(e) for e in reports[:5]])
        articles = [make_article(a) for a in range(3)]
        await produce(
            kafka_bootstrap,
            topics.articles,
            [(a.article_id.encode(), a.model_dump_json().encode()) for a in articles]
            + [(b"a", b"{}")],
        )

        async def stored() -> bool:
            return await counts(store) == (10, 20)

        await eventually(stored, 30, "10 events with 20 sources")
        await eventually(_committed(kafka_bootstrap, group, topics.events), 30, "events offsets")
        await eventually(_committed(kafka_bootstrap, group, topics.articles), 30, "offsets")

        dead = await read_topic(kafka_bootstrap, topics.dlq(topics.events))
        reasons = sorted(dict(r.headers)["dlq_reason"].decode() for r in dead)  # type: ignore[attr-defined]
        assert reasons == ["schema_invalid", "schema_invalid", "undecodable"]
        for record in dead:
            headers = dict(record.headers)  # type: ignore[attr-defined]
            assert headers["dlq_original_topic"].decode() == topics.events
            assert headers["dlq_stage"] == b"decode"
            assert record.value in {v for _, v in poison}  # type: ignore[attr-defined]
        assert len(await read_topic(kafka_bootstrap, topics.dlq(topics.articles))) == 1

        assert sink.metric("regwire_rows_written_total", table="events") >= 10
        assert sink.metric("regwire_rows_written_total", table="articles") == 3
        assert sink.metric("regwire_database_up") == 1
        assert (
            sink.metric(
                "regwire_events_stored_total", event_type="license_granted", jurisdiction="HK"
            )
            == 25
        )
        assert sink.metric("regwire_end_to_end_latency_seconds_count") == 28
        assert sink.metric("regwire_freshness_seconds_count") == 28
        assert sink.metric("regwire_stage_items_total", stage="store", outcome="dlq") == 4
        assert not sink.task.done()
        page = await store.query(EventFilter())
        assert sorted(len(e.sources) for e in page.items) == [1] * 5 + [3] * 5

        # The read-only API on the sink's own port, as documented by its OpenAPI.
        async with httpx.AsyncClient(base_url=sink.url) as client:
            listed = (await client.get("/events", params={"jurisdiction": "HK", "limit": 4})).json()
            assert len(listed["items"]) == 4
            assert listed["next_cursor"]
            one = (await client.get(f"/events/{reports[0].event_id}")).json()
            assert len(one["sources"]) == 3
            served = (await client.get("/openapi.json")).json()
            assert {"/events", "/events/{event_id}"} <= set(served["paths"])


async def test_database_outage_blocks_then_recovers_without_loss(
    dsn: str,
    outage: Outage,
    topics: TopicSettings,
    kafka_bootstrap: str,
    unique_name: Callable[[str], str],
) -> None:
    group = unique_name("sink")
    settings = sink_settings(kafka_bootstrap, topics, dsn, group, store_articles=False)
    before = [make_event(n) for n in range(50)]
    during = [make_event(n) for n in range(50, 120)]
    async with running_sink(settings) as sink, Store(dsn) as store:
        await produce(kafka_bootstrap, topics.events, [event_message(e) for e in before])
        await eventually(_committed(kafka_bootstrap, group, topics.events), 30, "first offsets")

        await asyncio.to_thread(outage.down)
        try:
            await produce(kafka_bootstrap, topics.events, [event_message(e) for e in during])

            async def not_ready() -> bool:
                return not await sink.ready()

            async def retried() -> bool:
                return (
                    sink.metric("regwire_sink_batch_failures_total", reason="storage_unavailable")
                    >= 2
                )

            await eventually(not_ready, 30, "readiness to go false")
            await eventually(retried, 30, "the batch to be retried")
            # Nothing past the outage was committed, and nothing was dead-lettered.
            assert (await offsets(kafka_bootstrap, group, topics.events))[0] == len(before)
            assert sink.metric("regwire_database_up") == 0
        finally:
            await asyncio.to_thread(outage.up)

        async def all_stored() -> bool:
            return await counts(store) == (120, 120)

        await eventually(all_stored, 60, "the blocked batch to be stored")
        await eventually(_committed(kafka_bootstrap, group, topics.events), 30, "offsets")
        await eventually(sink.ready, 30, "readiness to come back")
        assert await read_topic(kafka_bootstrap, topics.dlq(topics.events)) == []
        assert (
            sink.metric(
                "regwire_dlq_messages_total", topic=topics.events, reason="storage_unavailable"
            )
            == 0
        )


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
async def test_postgres_restart_mid_run(
    dsn: str,
    outage: Outage,
    topics: TopicSettings,
    kafka_bootstrap: str,
    unique_name: Callable[[str], str],
) -> None:
    group = unique_name("sink")
    settings = sink_settings(kafka_bootstrap, topics, dsn, group, store_articles=False)
    total, chunk = 6000, 100
    # Event n is reported by article 0, and every tenth event by article 1 as well.
    messages = [event_message(make_event(n)) for n in range(total)]
    messages += [event_message(make_event(n, article=1)) for n in range(0, total, 10)]
    async with running_sink(settings) as sink, Store(dsn) as store:

        async def feed() -> None:
            for i in range(0, len(messages), chunk):
                await produce(kafka_bootstrap, topics.events, messages[i : i + chunk])
                await asyncio.sleep(0.02)  # pacing, so the restart lands mid-stream

        feeding = asyncio.create_task(feed())

        async def under_way() -> bool:
            return (await counts(store))[0] >= 1000

        await eventually(under_way, 30, "the run to get under way")
        stopped_at = time.monotonic()
        await asyncio.to_thread(outage.down)
        await asyncio.to_thread(outage.up)
        restarted_at = time.monotonic()
        await feeding

        async def all_stored() -> bool:
            try:
                return await counts(store) == (total, total + total // 10)
            except Exception:
                return False

        await eventually(all_stored, 90, "every event after the restart")
        recovered_at = time.monotonic()
        await eventually(_committed(kafka_bootstrap, group, topics.events), 30, "offsets")
        assert await read_topic(kafka_bootstrap, topics.dlq(topics.events)) == []
        failures = sink.metric("regwire_sink_batch_failures_total", reason="storage_unavailable")
        expected = {(make_event(n).event_id, article_id(0)) for n in range(total)}
        expected |= {(make_event(n).event_id, article_id(1)) for n in range(0, total, 10)}
        lost, duplicates = await audit(store, expected)
        print(
            f"\nPostgreSQL restart mid-run: {total} events / {len(messages)} reports, "
            f"lost {lost}, duplicates {duplicates}, server down {restarted_at - stopped_at:.1f}s, "
            f"all stored {recovered_at - restarted_at:.1f}s after the restart, "
            f"{failures:.0f} failed batch attempt(s) retried"
        )
        assert (lost, duplicates) == (0, 0)
