"""Idempotent upserts, one statement per table, in the dialect's own ``INSERT … ON CONFLICT``.

Both dialects share the statements' meaning (the ``_events``/``_articles``/``_sources``/
``_subjects`` conflict rules); only how a batch is bound differs (see ``Upsert``).

The SET clauses are ``merge.py``'s rules written in SQL, so a row merges with what
is stored exactly as two rows merge inside a batch. In PostgreSQL and SQLite alike,
a column named in ``SET`` means the stored value and ``excluded`` the proposed one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert

from services.sink.merge import BatchRows
from services.sink.rows import Row
from services.sink.tables import articles, event_sources, event_subjects, events


@dataclass(frozen=True, slots=True)
class Upsert:
    """One table's statement, and how a batch of rows is bound to it.

    PostgreSQL: the rows travel as one array per column and the statement inserts
    ``SELECT * FROM unnest(...)``, so a batch is one statement whose parameters
    asyncpg encodes natively, instead of SQLAlchemy processing every row in Python.
    SQLite: an executemany that SQLAlchemy sends as multi-row ``VALUES`` pages
    ("insertmanyvalues", which ``RETURNING`` switches on; the rows it returns are
    not needed).
    """

    statement: sa.Executable
    columns: tuple[str, ...] | None = None  # set: bind column arrays (PostgreSQL)

    async def run(self, conn: AsyncConnection, rows: list[Row]) -> None:
        if self.columns is None:
            (await conn.execute(self.statement, rows)).close()
        else:
            await conn.execute(self.statement, {c: [r[c] for r in rows] for c in self.columns})


@dataclass(frozen=True, slots=True)
class Upserts:
    articles: Upsert
    events: Upsert
    sources: Upsert
    subjects: Upsert

    @classmethod
    def for_dialect(cls, dialect: str) -> Upserts:
        build = {"postgresql": _pg_upsert, "sqlite": _sqlite_upsert}[dialect]
        return cls(
            articles=build(articles, _articles),
            events=build(events, _events),
            sources=build(event_sources, _sources),
            subjects=build(event_subjects, _subjects),
        )

    async def write(self, conn: AsyncConnection, rows: BatchRows) -> None:
        """Write a merged batch in FK order; the caller owns the transaction."""
        for upsert, batch in (
            (self.articles, rows.articles),
            (self.events, rows.events),
            (self.subjects, rows.subjects),
            (self.sources, rows.sources),
        ):
            if batch:
                await upsert.run(conn, batch)


OnConflict = Callable[[Any], Insert]


def _sqlite_upsert(table: sa.Table, on_conflict: OnConflict) -> Upsert:
    stmt = on_conflict(sqlite.insert(table))
    return Upsert(stmt.returning(*table.primary_key.columns))


def _pg_upsert(table: sa.Table, on_conflict: OnConflict) -> Upsert:
    names = tuple(c.name for c in table.c)
    arrays = [
        sa.cast(sa.bindparam(c.name), postgresql.ARRAY(_storage_type(c.type))) for c in table.c
    ]
    batch = sa.func.unnest(*arrays).table_valued(*names).render_derived(name="batch")
    rows = sa.select(*[batch.c[n] for n in names])
    return Upsert(on_conflict(postgresql.insert(table).from_select(list(names), rows)), names)


def _storage_type(type_: sa.types.TypeEngine[Any]) -> sa.types.TypeEngine[Any]:
    # Our values are aware UTC datetimes already; asyncpg encodes them as they are.
    return type_.impl_instance if isinstance(type_, sa.TypeDecorator) else type_


def _subjects(ins: Any) -> Insert:
    stmt: Insert = ins.on_conflict_do_nothing(
        index_elements=[event_subjects.c.event_id, event_subjects.c.subject_key]
    )
    return stmt


def _seen(ins: Any, table: sa.Table) -> dict[str, Any]:
    ex, t = ins.excluded, table.c
    return {
        "first_seen": sa.case((ex.first_seen < t.first_seen, ex.first_seen), else_=t.first_seen),
        "last_seen": sa.case((ex.last_seen > t.last_seen, ex.last_seen), else_=t.last_seen),
    }


def _newer_wins(newer: sa.ColumnElement[bool], ins: Any, table: sa.Table, names: list[str]) -> Any:
    return {n: sa.case((newer, ins.excluded[n]), else_=table.c[n]) for n in names}


def _events(ins: Any) -> Insert:
    fixed = {"event_id", "first_seen", "last_seen", "updated_at"}
    names = [c.name for c in events.c if c.name not in fixed]
    newer = ins.excluded.extractor_key > events.c.extractor_key
    set_ = {
        **_newer_wins(newer, ins, events, names),
        **_seen(ins, events),
        "updated_at": ins.excluded.updated_at,
    }
    stmt: Insert = ins.on_conflict_do_update(index_elements=[events.c.event_id], set_=set_)
    return stmt


def _articles(ins: Any) -> Insert:
    fixed = {"article_id", "first_seen", "last_seen", "updated_at"}
    names = [c.name for c in articles.c if c.name not in fixed]
    ex, t = ins.excluded, articles.c
    newer = sa.or_(
        ex.extractor_key > t.extractor_key,
        sa.and_(ex.extractor_key == t.extractor_key, ex.fetched_at > t.fetched_at),
    )
    set_ = {
        **_newer_wins(newer, ins, articles, names),
        **_seen(ins, articles),
        "updated_at": ex.updated_at,
    }
    stmt: Insert = ins.on_conflict_do_update(index_elements=[t.article_id], set_=set_)
    return stmt


def _sources(ins: Any) -> Insert:
    ex, t = ins.excluded, event_sources.c
    newer = ex.extractor_key > t.extractor_key
    details = [c.name for c in event_sources.c if c.name not in {"event_id", "article_id"}]
    details = [n for n in details if n not in {"first_seen", "last_seen"}]
    # The newest version's value when it has one; otherwise keep (or fill) the other.
    set_ = {
        n: sa.case((newer, sa.func.coalesce(ex[n], t[n])), else_=sa.func.coalesce(t[n], ex[n]))
        for n in details
    }
    set_.update(_seen(ins, event_sources))
    stmt: Insert = ins.on_conflict_do_update(index_elements=[t.event_id, t.article_id], set_=set_)
    return stmt
