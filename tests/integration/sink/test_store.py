"""The store's behaviour, bound to SQLite and to a real PostgreSQL (``dsn`` fixture)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from schemas import Article, RegulatoryEvent
from services.sink.filters import EventFilter
from services.sink.merge import BatchMerger
from services.sink.migrate import head_revision
from services.sink.rows import article_row, event_rows
from services.sink.store import Store
from services.sink.tables import articles, event_sources, events, metadata
from tests.unit.sink.factory import T0, article_id, event_id, make_article, make_event


async def write(
    store: Store,
    items: list[RegulatoryEvent | Article],
    seen: float = 0.0,
) -> None:
    merger = BatchMerger()
    when = T0 + timedelta(seconds=seen)
    for item in items:
        if isinstance(item, RegulatoryEvent):
            merger.add_event(event_rows(item, when, when))
        else:
            merger.add_article(article_row(item, when, when))
    await store.write(merger.result())


async def count(store: Store, table: sa.Table) -> int:
    async with store.reader.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


def _diff(conn: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn), metadata))


async def test_migrations_create_the_schema_tables_py_describes(dsn: str) -> None:
    async with Store(dsn) as store:
        assert await store.migrate() == (None, head_revision())
        assert await store.migrate() == (head_revision(), head_revision())  # idempotent
        async with store.writer.connect() as conn:
            assert await conn.run_sync(_diff) == []


async def test_upserts_are_idempotent(store: Store) -> None:
    batch: list[RegulatoryEvent | Article] = [make_event(1), make_event(2), make_article(0)]
    for _ in range(3):
        await write(store, batch)
    assert await count(store, events) == 2
    assert await count(store, event_sources) == 2
    assert await count(store, articles) == 1


async def test_same_event_from_three_outlets_is_one_event_with_three_sources(store: Store) -> None:
    for a in range(3):
        await write(store, [make_event(1, article=a)], seen=a)
    await write(store, [make_event(1, article=1)], seen=10)  # a repeat, later
    assert await count(store, events) == 1
    detail = await store.get(event_id(1))
    assert detail is not None
    assert [s.article_id for s in detail.event.sources] == [article_id(a) for a in range(3)]
    assert [s.outlet for s in detail.sources] == ["Outlet 0", "Outlet 1", "Outlet 2"]
    assert detail.sources[1].last_seen - detail.sources[1].first_seen == timedelta(seconds=9)
    assert detail.first_seen == T0
    assert detail.last_seen == T0 + timedelta(seconds=10)
    assert detail.sources[2].evidence == "Evidence 1 from article 2: licences were granted."


async def test_newer_extractor_updates_fields_and_keeps_sources(store: Store) -> None:
    await write(store, [make_event(1, article=0, version="1.9.0", summary="old")])
    await write(store, [make_event(1, article=1, version="1.10.0", summary="new", confidence=0.5)])
    await write(store, [make_event(1, article=2, version="1.2.0", summary="stale")])
    detail = await store.get(event_id(1))
    assert detail is not None
    assert detail.event.summary == "new"
    assert detail.event.confidence == 0.5
    assert detail.event.extractor.version == "1.10.0"
    # The winning report's article comes first: its evidence_spans point into it.
    assert [s.article_id for s in detail.event.sources] == [
        article_id(1), article_id(0), article_id(2),
    ]  # fmt: skip


async def test_articles_follow_version_then_fetch_time(store: Store) -> None:
    await write(store, [make_article(1, title="v1")])
    await write(store, [make_article(1, title="refetch", fetched_at=T0 + timedelta(hours=1))])
    await write(store, [make_article(1, title="older parser", version="0.5.0")])
    async with store.reader.connect() as conn:
        title = (await conn.execute(sa.select(articles.c.title))).scalar_one()
    assert title == "refetch"


async def test_nul_characters_are_stored_without_them(store: Store) -> None:
    await write(store, [make_event(1, summary="bad\x00byte")])
    page = await store.query(EventFilter())
    assert page.items[0].summary in {"badbyte", "bad\x00byte"}  # column cleaned, body escaped


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_sqlite_is_durable_with_one_writer(store: Store) -> None:
    async with store.writer.connect() as conn:
        pragma = {
            name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }
    assert store.writer.pool.size() == 1  # type: ignore[attr-defined]
    async with store.reader.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA query_only")).scalar() == 1
