"""Contract models -> table rows (pure).

``seen`` is when the message was published to Kafka (its record timestamp), so a
redelivered message yields exactly the same rows: replays are idempotent even in
the first/last-seen times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson

from schemas import Article, RegulatoryEvent
from services.sink.keys import date_period, fold, strip_nul, version_key

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class EventRows:
    """Everything one event message writes: its event row, links and subject keys."""

    event: Row
    sources: list[Row]
    subjects: list[Row]


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def article_row(article: Article, seen: datetime, now: datetime, body: str | None = None) -> Row:
    """``body``: the message's own JSON when at hand (it keeps fields this reader ignores)."""
    body = body if body is not None else article.model_dump_json()
    return _clean(
        {
            "article_id": article.article_id,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "title": article.title,
            "outlet": article.source.outlet or article.site_name,
            "source_id": article.source.id,
            "language": article.language,
            "published_at": iso(article.published_at),
            "fetched_at": article.fetched_at,
            "word_count": article.word_count,
            "extractor_name": article.extractor.name,
            "extractor_version": article.extractor.version,
            "extractor_key": version_key(article.extractor.version),
            "body": body,
            "first_seen": seen,
            "last_seen": seen,
            "updated_at": now,
        },
        _has_nul(body),
    )


def event_rows(
    event: RegulatoryEvent, seen: datetime, now: datetime, body: str | None = None
) -> EventRows:
    """Raises ValueError when ``event_date`` names no real day (e.g. 2023-02-30).

    ``body``: the message's own JSON when at hand (it keeps fields this reader ignores).
    """
    start, end = date_period(event.event_date)
    key = version_key(event.extractor.version)
    primary = event.sources[0]
    body = body if body is not None else event.model_dump_json()
    dirty = _has_nul(body)
    row = {
        "event_id": event.event_id,
        "event_type": event.event_type.value,
        "jurisdiction": event.jurisdiction,
        "region": event.region,
        "authority": event.authority,
        "authority_key": fold(event.authority) if event.authority else None,
        "authority_id": event.authority_id,
        "subjects": orjson.dumps(event.subjects).decode(),
        "event_date": event.event_date,
        "date_precision": event.date_precision.value,
        "date_start": start,
        "date_end": end,
        "summary": event.summary,
        "evidence": event.evidence,
        "confidence": event.confidence,
        "extractor_name": event.extractor.name,
        "extractor_version": event.extractor.version,
        "extractor_key": key,
        "primary_article_id": primary.article_id,
        "body": body,
        "first_seen": seen,
        "last_seen": seen,
        "updated_at": now,
    }
    spans = orjson.dumps([s.model_dump() for s in event.evidence_spans]).decode()
    sources = [
        _clean(
            {
                "event_id": event.event_id,
                "article_id": src.article_id,
                "url": src.url,
                "outlet": src.outlet,
                "published_at": iso(src.published_at),
                # The evidence belongs to the first source (the reporting article).
                "evidence": event.evidence if i == 0 else None,
                "evidence_spans": spans if i == 0 else None,
                "extractor_version": event.extractor.version,
                "extractor_key": key,
                "first_seen": seen,
                "last_seen": seen,
            },
            dirty,
        )
        for i, src in enumerate(_unique_sources(event))
    ]
    subjects = [
        {"event_id": event.event_id, "subject_key": s}
        for s in sorted({strip_nul(fold(s)) for s in event.subjects if s.strip()})
    ]
    return EventRows(_clean(row, dirty), sources, subjects)


def _unique_sources(event: RegulatoryEvent) -> list[Any]:
    seen: set[str] = set()
    out = []
    for src in event.sources:
        if src.article_id not in seen:
            seen.add(src.article_id)
            out.append(src)
    return out


def _has_nul(body: str) -> bool:
    # Every string field is inside the JSON body too, where a NUL is written "\u0000":
    # when the body has none, no field has one (the common case, checked once).
    return "\\u0000" in body


def _clean(row: Row, dirty: bool = True) -> Row:
    if not dirty:
        return row
    return {k: strip_nul(v) if isinstance(v, str) else v for k, v in row.items()}
