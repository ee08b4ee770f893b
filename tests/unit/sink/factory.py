"""Contract objects for the sink's tests: events and articles with readable defaults."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from schemas import Article, RegulatoryEvent

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def article_id(n: int) -> str:
    return sha(f"article-{n}")


def event_id(n: int) -> str:
    return sha(f"event-{n}")


def make_event(
    n: int = 0, *, article: int = 0, version: str = "1.0.0", **fields: Any
) -> RegulatoryEvent:
    data: dict[str, Any] = {
        "event_id": event_id(n),
        "event_type": "license_granted",
        "jurisdiction": "HK",
        "authority": "SFC",
        "authority_id": "hk-sfc",
        "subjects": ["HashKey", "OSL"],
        "event_date": "2023-08-02",
        "date_precision": "day",
        "summary": f"Event {n}: the SFC granted licences to HashKey and OSL.",
        "evidence": f"Evidence {n} from article {article}: licences were granted.",
        "evidence_spans": [{"start": 0, "end": 20}],
        "confidence": 0.9,
        "sources": [
            {
                "article_id": article_id(article),
                "url": f"https://news.example/{article}",
                "outlet": f"Outlet {article}",
                "published_at": "2023-08-03",
            }
        ],
        "extractor": {"name": "rules", "version": version},
    }
    data.update(fields)
    return RegulatoryEvent.model_validate(data)


def make_article(
    n: int = 0, *, version: str = "1.0.0", fetched_at: datetime = T0, **fields: Any
) -> Article:
    data: dict[str, Any] = {
        "article_id": article_id(n),
        "url": f"https://news.example/{n}",
        "title": f"Article {n}",
        "text": f"Text of article {n}.",
        "published_at": "2023-08-03",
        "word_count": 4,
        "source": {"id": "test", "kind": "feed", "outlet": f"Outlet {n}"},
        "fetched_at": fetched_at.isoformat(),
        "extractor": {"name": "regwire", "version": version},
    }
    data.update(fields)
    return Article.model_validate(data)
