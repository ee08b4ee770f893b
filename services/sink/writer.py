"""Idempotent upserts, one statement per table, in the dialect's own ``INSERT … ON CONFLICT``.

The SET clauses are ``merge.py``'s rules written in SQL, so a row merges with what
is stored exactly as two rows merge inside a batch. In PostgreSQL and SQLite alike,
a column named in ``SET`` means the stored value and ``excluded`` the proposed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert

from services.sink.merge import BatchRows
from services.sink.tables import articles, event_sources, event_subjects, events


@dataclass(frozen=True, slots=True)
class Upserts:
    articles: sa.Executable
    events: sa.Executable
    sources: sa.Executable
    subjects: sa.Executable

    @classmethod
    def for_dialect(cls, dialect: str) -> Upserts:
        insert: Any = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
        return cls(
            articles=_articles(insert(articles)),
            events=_events(insert(events)),
            sources=_sources(insert(event_sources)),
            subjects=insert(event_subjects)
            .on_conflict_do_nothing(
                index_elements=[event_subjects.c.event_id, event_subjects.c.subject_key]
            )
            .returning(event_subjects.c.event_id),
        )

    async def write(self, conn: AsyncConnection, rows: BatchRows) -> None:
        """Write a merged batch in FK order; the caller owns the transaction."""
        for stmt, batch in (
            (self.articles, rows.articles),
            (self.events, rows.events),
            (self.subjects, rows.subjects),
            (self.sources, rows.sources),
        ):
            if batch:
                # RETURNING makes SQLAlchemy send "insertmanyvalues": one multi-row
                # INSERT per page of rows instead of one statement per row, several
                # times faster on both backends. The rows it returns are not needed.
                (await conn.execute(stmt, batch)).close()


def _seen(ins: Any, table: sa.Table) -> dict[str, Any]:
    ex, t = ins.excluded, table.c
    return {
        "first_seen": sa.case((ex.first_seen < t.first_seen, ex.first_seen), else_=t.first_seen),
        "last_seen": sa.case((ex.last_seen > t.last_seen, ex.last_seen), else_=t.last_seen),
    }


def _newer_wins(newer: sa.ColumnElement[bool], ins: Any, table: sa.Table, names: list[str]) -> Any:
    return {n: sa.case((newer, ins.excluded[n]), else_=table.c[n]) for n in names}


def _events(ins: Any) -> sa.Executable:
    fixed = {"event_id", "first_seen", "last_seen", "updated_at"}
    names = [c.name for c in events.c if c.name not in fixed]
    newer = ins.excluded.extractor_key > events.c.extractor_key
    set_ = {
        **_newer_wins(newer, ins, events, names),
        **_seen(ins, events),
        "updated_at": ins.excluded.updated_at,
    }
    stmt: Insert = ins.on_conflict_do_update(index_elements=[events.c.event_id], set_=set_)
    return stmt.returning(events.c.event_id)


def _articles(ins: Any) -> sa.Executable:
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
    return stmt.returning(t.article_id)


def _sources(ins: Any) -> sa.Executable:
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
    return stmt.returning(t.event_id)
