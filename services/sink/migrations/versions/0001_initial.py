"""articles, events, event_sources, event_subjects

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("canonical_url", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.Column("outlet", sa.Text()),
        sa.Column("source_id", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("published_at", sa.String(40)),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("extractor_name", sa.Text(), nullable=False),
        sa.Column("extractor_version", sa.Text(), nullable=False),
        sa.Column("extractor_key", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("article_id", name="pk_articles"),
    )
    op.create_table(
        "events",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("jurisdiction", sa.String(8), nullable=False),
        sa.Column("region", sa.String(16)),
        sa.Column("authority", sa.Text()),
        sa.Column("authority_key", sa.Text()),
        sa.Column("authority_id", sa.Text()),
        sa.Column("subjects", sa.Text(), nullable=False),
        sa.Column("event_date", sa.String(10), nullable=False),
        sa.Column("date_precision", sa.String(8), nullable=False),
        sa.Column("date_start", sa.Date(), nullable=False),
        sa.Column("date_end", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("extractor_name", sa.Text(), nullable=False),
        sa.Column("extractor_version", sa.Text(), nullable=False),
        sa.Column("extractor_key", sa.Text(), nullable=False),
        sa.Column("primary_article_id", ID, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_events"),
    )
    op.create_index("ix_events_date_start_event_id", "events", ["date_start", "event_id"])
    op.create_index("ix_events_jurisdiction_date_start", "events", ["jurisdiction", "date_start"])
    op.create_index("ix_events_event_type_date_start", "events", ["event_type", "date_start"])
    op.create_index("ix_events_authority_key", "events", ["authority_key"])
    op.create_index("ix_events_authority_id", "events", ["authority_id"])
    op.create_table(
        "event_sources",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("article_id", ID, nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("outlet", sa.Text()),
        sa.Column("published_at", sa.String(40)),
        sa.Column("evidence", sa.Text()),
        sa.Column("evidence_spans", sa.Text()),
        sa.Column("extractor_version", sa.Text(), nullable=False),
        sa.Column("extractor_key", sa.Text(), nullable=False),
        sa.Column("first_seen", TS, nullable=False),
        sa.Column("last_seen", TS, nullable=False),
        sa.PrimaryKeyConstraint("event_id", "article_id", name="pk_event_sources"),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.event_id"],
            name="fk_event_sources_event_id_events",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_event_sources_article_id", "event_sources", ["article_id"])
    op.create_table(
        "event_subjects",
        sa.Column("event_id", ID, nullable=False),
        sa.Column("subject_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "subject_key", name="pk_event_subjects"),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.event_id"],
            name="fk_event_subjects_event_id_events",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_event_subjects_subject_key", "event_subjects", ["subject_key"])


def downgrade() -> None:
    op.drop_table("event_subjects")
    op.drop_table("event_sources")
    op.drop_table("events")
    op.drop_table("articles")
