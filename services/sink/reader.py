"""Queries over the store: filtered pages of events, one event with its sources.

Events come back as the contract's ``RegulatoryEvent``: the stored JSON of the
winning message, with ``sources`` rebuilt from ``event_sources`` so that every
reporting article is listed. The article whose evidence the event carries comes
first (``evidence_spans`` point into its text); the others follow by first sighting.

Pages are ordered by event date, newest first, then by id; the cursor is the last
row's (date_start, event_id), so pages stay stable while new rows arrive.
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from schemas import RegulatoryEvent
from services.sink.filters import EventFilter
from services.sink.tables import event_sources, events
from services.sink.views import EventDetail, EventPage, StoredSource

_CHUNK = 500  # ids per IN (...) list, well under both backends' parameter limits


class InvalidCursor(ValueError):
    pass


def encode_cursor(start: date, event_id: str) -> str:
    raw = orjson.dumps([start.isoformat(), event_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[date, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        start, event_id = orjson.loads(raw)
        return date.fromisoformat(start), str(event_id)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise InvalidCursor(f"not a cursor from this API: {cursor!r}") from None


async def query_events(
    conn: AsyncConnection, flt: EventFilter, limit: int | None = None, cursor: str | None = None
) -> EventPage:
    e = events.c
    stmt = sa.select(e.event_id, e.date_start, e.primary_article_id, e.body).where(*flt.clauses())
    if cursor:
        start, last_id = decode_cursor(cursor)
        stmt = stmt.where(
            sa.or_(e.date_start < start, sa.and_(e.date_start == start, e.event_id < last_id))
        )
    stmt = stmt.order_by(e.date_start.desc(), e.event_id.desc())
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    rows = (await conn.execute(stmt)).all()
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    sources = await _sources(conn, [r.event_id for r in rows])
    items = [_event(r.body, r.primary_article_id, sources[r.event_id]) for r in rows]
    next_cursor = encode_cursor(rows[-1].date_start, rows[-1].event_id) if more else None
    return EventPage(items=items, next_cursor=next_cursor)


async def get_event(conn: AsyncConnection, event_id: str) -> EventDetail | None:
    e = events.c
    row = (await conn.execute(sa.select(events).where(e.event_id == event_id))).one_or_none()
    if row is None:
        return None
    links = (await _sources(conn, [event_id]))[event_id]
    return EventDetail(
        event=_event(row.body, row.primary_article_id, links),
        sources=[_stored_source(s) for s in _ordered(links, row.primary_article_id)],
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        updated_at=row.updated_at,
    )


async def _sources(conn: AsyncConnection, ids: Sequence[str]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    s = event_sources.c
    for i in range(0, len(ids), _CHUNK):
        stmt = (
            sa.select(event_sources)
            .where(s.event_id.in_(ids[i : i + _CHUNK]))
            .order_by(s.event_id, s.first_seen, s.article_id)
        )
        for row in await conn.execute(stmt):
            found[row.event_id].append(row)
    return found


def _ordered(links: list[Any], primary: str) -> list[Any]:
    return sorted(links, key=lambda s: s.article_id != primary)  # stable: keeps seen order


def _event(body: str, primary: str, links: list[Any]) -> RegulatoryEvent:
    data = orjson.loads(body)
    if links:
        data["sources"] = [
            {
                "article_id": s.article_id,
                "url": s.url,
                "outlet": s.outlet,
                "published_at": s.published_at,
            }
            for s in _ordered(links, primary)
        ]
    return RegulatoryEvent.model_validate(data)


def _stored_source(row: Any) -> StoredSource:
    return StoredSource(
        article_id=row.article_id,
        url=row.url,
        outlet=row.outlet,
        published_at=row.published_at,
        evidence=row.evidence,
        evidence_spans=orjson.loads(row.evidence_spans) if row.evidence_spans else [],
        extractor_version=row.extractor_version,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
    )
