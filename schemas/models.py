"""Pydantic v2 models for the three v1 topics (see DESIGN.md, "Contracts").

Readers are tolerant (unknown fields are ignored) so that producers can add
optional fields to v1 without breaking older consumers.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="sha256, lowercase hex")]
# A publication time is sometimes only a day (dump lines, sitemaps): keep it a date
# rather than inventing midnight UTC.
PublishedAt = AwareDatetime | date


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=False)


class SourceKind(StrEnum):
    FEED = "feed"
    SITEMAP = "sitemap"
    LISTING = "listing"
    PAGE = "page"
    DUMP = "dump"


class Source(Model):
    """Where an article came from: a configured source or a replayed dump."""

    id: str = Field(description="source id from sources.yaml, or 'replay:<file name>'")
    kind: SourceKind
    outlet: str | None = Field(default=None, description="publication name, e.g. 'The Block'")
    url: str | None = Field(default=None, description="the feed, sitemap or listing URL")


class FetchInfo(Model):
    """What the HTTP exchange said about the body (absent for dumps)."""

    status: int
    final_url: str
    content_type: str | None = None
    charset: str | None = Field(default=None, description="charset the body was decoded with")
    etag: str | None = None
    last_modified: str | None = None


class RawArticle(Model):
    """A fetched or replayed document, before any parsing (topic news.raw.v1)."""

    article_id: Sha256Hex = Field(
        description="sha256 of the canonical URL; without a URL, of the normalised text"
    )
    url: str | None = Field(default=None, description="canonical URL as the fetcher knew it")
    html: str | None = Field(default=None, description="decoded HTML, as received")
    text: str | None = Field(default=None, description="plain text, when the source has no HTML")
    title: str | None = Field(default=None, description="title hint from the feed or dump")
    published: PublishedAt | None = Field(
        default=None, description="publication time hint from the feed, sitemap or dump"
    )
    fetched_at: AwareDatetime
    source: Source
    fetch: FetchInfo | None = None

    @model_validator(mode="after")
    def _has_body(self) -> Self:
        if self.html is None and self.text is None:
            raise ValueError("a RawArticle needs 'html' or 'text'")
        return self


class Link(Model):
    url: str = Field(description="absolute URL")
    text: str = Field(description="anchor text, whitespace-collapsed")


class Extractor(Model):
    name: str
    version: str


class Article(Model):
    """A normalised article: main text and metadata (topic news.articles.v1)."""

    article_id: Sha256Hex
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    text: str = Field(description="main text; paragraphs separated by a blank line")
    authors: list[str] = Field(default_factory=list)
    published_at: PublishedAt | None = None
    modified_at: PublishedAt | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code")
    site_name: str | None = None
    description: str | None = None
    links: list[Link] = Field(default_factory=list, description="links inside the main text")
    provenance: dict[str, str] = Field(
        default_factory=dict,
        description="field name -> where its value came from, e.g. 'title': 'og:title'",
    )
    word_count: int = Field(ge=0)
    source: Source
    fetched_at: AwareDatetime
    extractor: Extractor


class EventType(StrEnum):
    """The v1 taxonomy; definitions and examples live in services/parser/events/taxonomy.py."""

    LICENSE_GRANTED = "license_granted"
    LICENSE_REVOKED = "license_revoked"
    LICENSE_APPLIED = "license_applied"
    REGISTRATION = "registration"
    ENFORCEMENT_ACTION = "enforcement_action"
    INVESTIGATION = "investigation"
    BAN = "ban"
    BILL_PROPOSED = "bill_proposed"
    LAW_PASSED = "law_passed"
    LAW_EFFECTIVE = "law_effective"
    CONSULTATION = "consultation"
    GUIDANCE = "guidance"
    PRODUCT_APPROVAL = "product_approval"
    PRODUCT_REJECTION = "product_rejection"
    OFFICIAL_STATEMENT = "official_statement"


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


class Span(Model):
    """Character offsets into the reporting article's ``Article.text``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0, description="exclusive")


class EventSource(Model):
    article_id: Sha256Hex
    url: str | None = None
    outlet: str | None = None
    published_at: PublishedAt | None = None


class RegulatoryEvent(Model):
    """One regulatory act (topic regulatory.events.v1), keyed by a deterministic id."""

    event_id: Sha256Hex = Field(
        description="sha256 of (type, jurisdiction, authority, subjects, date): what the event is"
    )
    event_type: EventType
    jurisdiction: str = Field(
        pattern=r"^([A-Z]{2}|EU|INTL)$", description="ISO 3166-1 alpha-2, or EU / INTL"
    )
    region: str | None = Field(
        default=None, description="sub-national detail as ISO 3166-2, e.g. 'US-NY'"
    )
    authority: str | None = Field(
        default=None, description="short name of who acted, e.g. 'SEC', 'HK Legislative Council'"
    )
    authority_id: str | None = Field(
        default=None, description="stable id in the authority registry, e.g. 'us-sec'"
    )
    subjects: list[str] = Field(default_factory=list, description="firms, people, products")
    event_date: str = Field(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="YYYY-MM-DD, YYYY-MM or YYYY at date_precision; the publication date "
        "when the precision is 'unknown'",
    )
    date_precision: DatePrecision
    summary: str
    evidence: str = Field(min_length=1, description="the sentence(s) the event comes from")
    evidence_spans: list[Span] = Field(
        min_length=1, description="where the evidence sits in the first source's Article.text"
    )
    confidence: float = Field(ge=0.0, le=1.0)
    sources: list[EventSource] = Field(min_length=1)
    extractor: Extractor
