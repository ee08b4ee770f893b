"""When to try again: ``Retry-After`` and exponential backoff with jitter."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Statuses that say "later", not "never"; everything else 4xx is final.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    >>> parse_retry_after("120")
    120.0
    >>> now = datetime(2015, 10, 21, 7, 27, tzinfo=UTC)
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now)
    60.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, never above ``cap``.

    >>> 0.5 <= backoff_delay(1, 0.5, 30, random.Random(1)) <= 1.0
    True
    """
    ceiling = min(cap, base * 2.0**attempt)
    jitter: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter
