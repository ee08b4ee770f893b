"""Retry-After parsing and backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from services.fetcher.retry import TRANSIENT_STATUSES, backoff_delay, parse_retry_after

NOW = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0", 0.0),
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wednesday, 21-Oct-15 07:29:00 GMT", 60.0),  # RFC 850, still allowed by HTTP
        ("Wed Oct 21 07:28:10 2015", 10.0),  # asctime
        ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),  # in the past: now
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for attempt in range(1, 12):
        delay = backoff_delay(attempt, 0.5, 30.0, rng)
        ceiling = min(30.0, 0.5 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling
    delays = {backoff_delay(3, 0.5, 30.0, rng) for _ in range(20)}
    assert len(delays) > 1  # jittered


def test_only_transient_statuses_are_retried() -> None:
    assert {429, 500, 502, 503, 504} <= TRANSIENT_STATUSES
    assert not {400, 401, 403, 404, 410, 451} & TRANSIENT_STATUSES
