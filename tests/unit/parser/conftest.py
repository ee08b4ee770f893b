"""Builders for RawArticle inputs shared by the normaliser's tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from schemas.models import RawArticle, Source, SourceKind

FIXTURES = Path(__file__).parent / "fixtures"
FETCHED_AT = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)

MakeRaw = Callable[..., RawArticle]


def make_raw(
    html: str | None = None,
    *,
    text: str | None = None,
    url: str | None = None,
    title: str | None = None,
    published: datetime | date | None = None,
    fetched_at: datetime = FETCHED_AT,
) -> RawArticle:
    return RawArticle(
        article_id="a" * 64,
        url=url,
        html=html,
        text=text,
        title=title,
        published=published,
        fetched_at=fetched_at,
        source=Source(id="test", kind=SourceKind.PAGE),
    )


@pytest.fixture
def raw() -> MakeRaw:
    return make_raw


@pytest.fixture(scope="session")
def seed_line() -> str:
    return (FIXTURES / "seed-theblock-2023-08-03.txt").read_text(encoding="utf-8")
