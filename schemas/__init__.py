"""regwire's message contracts: the pydantic models every topic carries.

The JSON Schema files in ``schemas/json`` are generated from these models
(``make schemas``) and checked in; v1 only ever gains optional fields.
"""

from schemas.cloudevents import CloudEventHeaders, ce_headers, parse_ce_headers
from schemas.ids import article_id, event_id
from schemas.models import (
    Article,
    DatePrecision,
    EventSource,
    EventType,
    Extractor,
    FetchInfo,
    Link,
    RawArticle,
    RegulatoryEvent,
    Source,
    SourceKind,
    Span,
)

__all__ = [
    "Article",
    "CloudEventHeaders",
    "DatePrecision",
    "EventSource",
    "EventType",
    "Extractor",
    "FetchInfo",
    "Link",
    "RawArticle",
    "RegulatoryEvent",
    "Source",
    "SourceKind",
    "Span",
    "article_id",
    "ce_headers",
    "event_id",
    "parse_ce_headers",
]
