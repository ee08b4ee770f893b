"""Compare the expected sets with the database and the topics, once the pipeline is idle.

* lost: expected event ids (and (event, article) sources, and articles) missing from
  the database or from the topics;
* duplicate rows: rows beyond one per key, in any table, plus rows nobody expected
  (a second id for a known act would show up here);
* reprocessed: work done twice whose result became durable. The parser's is exact
  from its output topic (article messages beyond one per article); the sink's is
  counted by a trigger on the tables it upserts (row writes beyond one per message).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import asyncpg

from chaos import kafkaio
from chaos.corpus import Corpus

if TYPE_CHECKING:
    from chaos.rig import Rig


@dataclass
class Audit:
    expected: int = 0  # event ids
    stored: int = 0  # expected event ids found in the database
    lost: int = 0  # expected event ids missing from the database
    lost_sources: int = 0  # (event, article) pairs missing from event_sources
    lost_articles: int = 0  # articles missing from the articles table
    lost_in_topics: int = 0  # expected event ids / article ids missing from the topics
    duplicate_rows: int = 0
    unexpected_rows: int = 0
    parser_reprocessed: int = 0
    sink_reprocessed: int = 0
    sink_messages: int = 0
    dlq: dict[str, list[kafkaio.Rec]] = field(default_factory=dict)

    @property
    def reprocessed(self) -> int:
        return self.parser_reprocessed + self.sink_reprocessed

    @property
    def clean(self) -> bool:
        lost = self.lost + self.lost_sources + self.lost_articles + self.lost_in_topics
        return lost == 0 and self.duplicate_rows == 0 and self.unexpected_rows == 0


async def _rows(dsn: str, sql: str) -> list[tuple[str, ...]]:
    from chaos.rig import plain_dsn

    conn = await asyncpg.connect(plain_dsn(dsn))
    try:
        return [tuple(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


async def audit(rig: Rig, corpus: Corpus, poison_events: int = 0) -> Audit:
    """``poison_events``: messages injected into the sink's topics that must not be stored."""
    out = Audit(expected=len(corpus.event_ids))
    bootstrap, topics = rig.infra.bootstrap, rig.topics
    event_ids = [r[0] for r in await _rows(rig.dsn, "SELECT event_id FROM events")]
    pairs = await _rows(rig.dsn, "SELECT event_id, article_id FROM event_sources")
    article_ids = [r[0] for r in await _rows(rig.dsn, "SELECT article_id FROM articles")]
    writes = await _rows(rig.dsn, "SELECT tbl, count(*)::text FROM chaos_row_writes GROUP BY tbl")

    expected_ids, expected_pairs, expected_articles = (
        corpus.event_ids,
        corpus.pairs,
        corpus.article_ids,
    )
    out.stored = len(expected_ids & set(event_ids))
    out.lost = len(expected_ids - set(event_ids))
    out.lost_sources = len(expected_pairs - set(pairs))
    out.lost_articles = len(expected_articles - set(article_ids))
    out.duplicate_rows = sum(len(rows) - len(set(rows)) for rows in (event_ids, pairs, article_ids))
    out.unexpected_rows = (
        len(set(event_ids) - expected_ids)
        + len(set(pairs) - expected_pairs)
        + len(set(article_ids) - expected_articles)
    )

    events_topic = await kafkaio.read_topic(bootstrap, topics["events"])
    articles_topic = await kafkaio.read_topic(bootstrap, topics["articles"])
    topic_event_ids = {r.key.decode() for r in events_topic if r.key}
    topic_article_ids = Counter(r.key.decode() for r in articles_topic if r.key)
    out.lost_in_topics = len(expected_ids - topic_event_ids) + len(
        expected_articles - set(topic_article_ids)
    )
    out.parser_reprocessed = sum(n - 1 for n in topic_article_ids.values())

    row_writes = sum(int(n) for _, n in writes)
    out.sink_messages = len(events_topic) + len(articles_topic) - poison_events
    out.sink_reprocessed = max(0, row_writes - out.sink_messages)

    for name in ("raw", "articles", "events"):
        out.dlq[name] = await kafkaio.read_topic(bootstrap, topics[name] + ".dlq")
    return out
