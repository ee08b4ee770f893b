"""Article builders for the event extractor's tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from schemas.ids import article_id
from schemas.models import Article, Extractor, RegulatoryEvent, Source, SourceKind
from services.parser.events import extract

MakeArticle = Callable[..., Article]
Extract = Callable[..., list[RegulatoryEvent]]


def make_article(
    text: str,
    *,
    published: date | datetime | None = date(2024, 3, 15),
    outlet: str | None = "CoinDesk",
    url: str | None = None,
) -> Article:
    return Article(
        article_id=article_id(url, text),
        url=url,
        text=text,
        published_at=published,
        word_count=len(text.split()),
        source=Source(id="test", kind=SourceKind.FEED, outlet=outlet),
        fetched_at=datetime(2024, 3, 15, 12, 0, tzinfo=UTC),
        extractor=Extractor(name="test", version="0"),
    )


def events_of(text: str, **kwargs: object) -> list[RegulatoryEvent]:
    return extract(make_article(text, **kwargs))  # type: ignore[arg-type]


@pytest.fixture
def article() -> MakeArticle:
    return make_article


@pytest.fixture
def events() -> Extract:
    return events_of
