"""What a source poll discovers: article URLs with the hints the source gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

Published = datetime | date


@dataclass(frozen=True, slots=True)
class Discovered:
    url: str  # canonical
    title: str | None = None
    published: Published | None = None
    content: str | None = None  # HTML the source itself carried (feed content)


def parse_when(value: str | None) -> Published | None:
    """An ISO 8601 / W3C date-time; a bare day stays a date, a naive time is UTC.

    >>> parse_when("2017-11-23"), parse_when("2017-11-23T02:05:12Z").isoformat()
    (datetime.date(2017, 11, 23), '2017-11-23T02:05:12+00:00')
    """
    text = (value or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
