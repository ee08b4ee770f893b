"""The store's tables, in SQLAlchemy Core, for both PostgreSQL and SQLite.

This module is what the code reads and writes; the schema itself is created and
changed only by the Alembic revisions in ``migrations/versions`` (a test checks the
two agree). Every table keeps the full message JSON in ``body`` beside the columns
that the queries filter on.

* ``articles``: one row per ``article_id``.
* ``events``: one row per ``event_id``; the fields come from the newest extractor
  version seen (``extractor_key`` orders versions, see ``merge.version_key``).
* ``event_sources``: the many-to-many link, one row per (event, reporting article),
  with that article's evidence and when the link was first and last seen.
* ``event_subjects``: case-folded subjects, so "subject = HashKey" uses an index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    }
)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (SQLite keeps naive UTC text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UtcDateTime needs an aware datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


Id = sa.String(64)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("article_id", Id, primary_key=True),
    sa.Column("url", sa.Text),
    sa.Column("canonical_url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("source_id", sa.Text, nullable=False),
    sa.Column("language", sa.String(16)),
    sa.Column("published_at", sa.String(40), doc="ISO date or datetime, as published"),
    sa.Column("fetched_at", UtcDateTime, nullable=False),
    sa.Column("word_count", sa.Integer, nullable=False),
    sa.Column("extractor_name", sa.Text, nullable=False),
    sa.Column("extractor_version", sa.Text, nullable=False),
    sa.Column("extractor_key", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False, doc="the Article as JSON"),
    sa.Column("first_seen", UtcDateTime, nullable=False),
    sa.Column("last_seen", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("event_id", Id, primary_key=True),
    sa.Column("event_type", sa.String(32), nullable=False),
    sa.Column("jurisdiction", sa.String(8), nullable=False),
    sa.Column("region", sa.String(16)),
    sa.Column("authority", sa.Text),
    sa.Column("authority_key", sa.Text, doc="case-folded authority, for filtering"),
    sa.Column("authority_id", sa.Text),
    sa.Column("subjects", sa.Text, nullable=False, doc="JSON list, as extracted"),
    sa.Column("event_date", sa.String(10), nullable=False),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("date_start", sa.Date, nullable=False, doc="first day of event_date's period"),
    sa.Column("date_end", sa.Date, nullable=False, doc="last day of event_date's period"),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("extractor_name", sa.Text, nullable=False),
    sa.Column("extractor_version", sa.Text, nullable=False),
    sa.Column("extractor_key", sa.Text, nullable=False),
    sa.Column("primary_article_id", Id, nullable=False, doc="whose evidence `body` carries"),
    sa.Column("body", sa.Text, nullable=False, doc="the RegulatoryEvent as JSON"),
    sa.Column("first_seen", UtcDateTime, nullable=False),
    sa.Column("last_seen", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "date_start", "event_id"),
    sa.Index(None, "jurisdiction", "date_start"),
    sa.Index(None, "event_type", "date_start"),
    sa.Index(None, "authority_key"),
    sa.Index(None, "authority_id"),
)

event_sources = sa.Table(
    "event_sources",
    metadata,
    sa.Column(
        "event_id",
        Id,
        sa.ForeignKey("events.event_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # No foreign key to articles: the two topics are consumed independently, and an
    # event may be stored before (or without) its article.
    sa.Column("article_id", Id, primary_key=True),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("published_at", sa.String(40)),
    sa.Column("evidence", sa.Text),
    sa.Column("evidence_spans", sa.Text, doc="JSON list of {start, end}"),
    sa.Column("extractor_version", sa.Text, nullable=False),
    sa.Column("extractor_key", sa.Text, nullable=False),
    sa.Column("first_seen", UtcDateTime, nullable=False),
    sa.Column("last_seen", UtcDateTime, nullable=False),
    sa.Index(None, "article_id"),
)

event_subjects = sa.Table(
    "event_subjects",
    metadata,
    sa.Column(
        "event_id",
        Id,
        sa.ForeignKey("events.event_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("subject_key", sa.Text, primary_key=True),
    sa.Index(None, "subject_key"),
)
