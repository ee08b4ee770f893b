"""What the store hands back: the contract's events, plus per-source details."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas import RegulatoryEvent
from schemas.models import PublishedAt, Span


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class EventPage(View):
    """One page of ``GET /events``: newest event date first."""

    items: list[RegulatoryEvent]
    next_cursor: str | None = Field(
        default=None, description="pass as ?cursor= for the next page; null on the last page"
    )


class StoredSource(View):
    """One article that reported the event, as the store keeps it."""

    article_id: str
    url: str | None = None
    outlet: str | None = None
    published_at: PublishedAt | None = None
    evidence: str | None = Field(default=None, description="the sentence(s) in this article")
    evidence_spans: list[Span] = Field(default_factory=list)
    extractor_version: str
    first_seen: datetime = Field(description="when this article's report was first published")
    last_seen: datetime


class EventDetail(View):
    """``GET /events/{event_id}``: the event and every source, with times."""

    event: RegulatoryEvent
    sources: list[StoredSource]
    first_seen: datetime
    last_seen: datetime
    updated_at: datetime = Field(description="when the store last wrote this event")
