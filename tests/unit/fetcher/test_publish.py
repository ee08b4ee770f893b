"""Oversized articles are recorded and counted, never dropped silently or fatal."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry

from schemas import RawArticle, Source, SourceKind
from schemas.cloudevents import TYPE_RAW_ARTICLE, parse_ce_headers
from schemas.ids import article_id
from services.common.metrics import Metrics
from services.fetcher.publish import RawSender, Sent

LIMIT = 64 * 1024


class Channel:
    """Stands in for services.common.kafka.Publisher (the sender's port)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]] = []
        self.flushes = 0

    async def send(
        self, topic: str, key: bytes | None, value: bytes, headers: list[tuple[str, bytes]]
    ) -> None:
        self.sent.append((topic, key, value, headers))

    async def flush(self) -> None:
        self.flushes += 1


def raw(html: str) -> RawArticle:
    return RawArticle(
        article_id=article_id("https://x.com/a"),
        url="https://x.com/a",
        html=html,
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        source=Source(id="src", kind=SourceKind.FEED),
    )


def sender(main: Channel, large: Channel | None) -> tuple[RawSender, Metrics]:
    metrics = Metrics(CollectorRegistry(), "test")

    async def factory() -> Channel:
        assert large is not None
        return large

    return RawSender(main, "raw", LIMIT, metrics, large=factory if large else None), metrics


async def test_small_articles_go_through_with_cloudevents_headers() -> None:
    main = Channel()
    out, _ = sender(main, Channel())
    assert await out.send(raw("<p>small</p>")) is Sent.SENT
    topic, key, _, headers = main.sent[0]
    assert topic == "raw"
    assert key == article_id("https://x.com/a").encode()
    ce = parse_ce_headers(headers)
    assert ce.type == TYPE_RAW_ARTICLE
    assert ce.id == article_id("https://x.com/a")


async def test_compressible_large_articles_use_the_large_channel() -> None:
    main, large = Channel(), Channel()
    out, _metrics = sender(main, large)
    assert await out.send(raw("<p>" + "regulation " * 20_000 + "</p>")) is Sent.SENT
    assert main.sent == []
    assert len(large.sent) == 1
    await out.flush()
    assert main.flushes == 1
    assert large.flushes == 1


async def test_incompressible_oversize_is_recorded_not_sent() -> None:
    main, large = Channel(), Channel()
    out, metrics = sender(main, large)
    noise = os.urandom(LIMIT).hex()  # random: gzip cannot shrink it under the limit
    assert await out.send(raw(noise)) is Sent.OVERSIZE
    assert main.sent == []
    assert large.sent == []
    assert (
        metrics.registry.get_sample_value("regwire_articles_oversize_total", {"source": "src"}) == 1
    )
