"""The merge rules inside one batch (the SQL upserts apply the same ones to stored rows)."""

from __future__ import annotations

from datetime import timedelta

from services.sink.merge import BatchMerger
from services.sink.rows import article_row, event_rows
from tests.unit.sink.factory import T0, article_id, make_article, make_event


def test_repeats_of_one_message_merge_to_one_row_each() -> None:
    merger = BatchMerger()
    for _ in range(3):
        merger.add_event(event_rows(make_event(1), T0, T0))
    rows = merger.result()
    assert rows.counts() == {"articles": 0, "events": 1, "event_sources": 1, "event_subjects": 2}


def test_same_event_from_three_articles_keeps_three_sources() -> None:
    merger = BatchMerger()
    for a in range(3):
        merger.add_event(event_rows(make_event(1, article=a), T0 + timedelta(seconds=a), T0))
    rows = merger.result()
    assert len(rows.events) == 1
    assert {s["article_id"] for s in rows.sources} == {article_id(a) for a in range(3)}
    event = rows.events[0]
    assert event["first_seen"] == T0
    assert event["last_seen"] == T0 + timedelta(seconds=2)
    assert event["primary_article_id"] == article_id(0)  # equal versions: the first stays


def test_newer_extractor_wins_fields_in_either_order() -> None:
    old = event_rows(make_event(1, article=1, version="1.9.0", summary="old"), T0, T0)
    new = event_rows(make_event(1, article=2, version="1.10.0", summary="new"), T0, T0)
    for first, second in ((old, new), (new, old)):
        merger = BatchMerger()
        merger.add_event(first)
        merger.add_event(second)
        rows = merger.result()
        assert rows.events[0]["summary"] == "new"
        assert rows.events[0]["primary_article_id"] == article_id(2)
        assert len(rows.sources) == 2


def test_source_details_fill_gaps_and_follow_the_newer_version() -> None:
    bare = make_event(1, version="2.0", sources=[{"article_id": article_id(0)}])
    full = make_event(1, version="1.0")
    merger = BatchMerger()
    merger.add_event(event_rows(bare, T0, T0))
    merger.add_event(event_rows(full, T0 - timedelta(hours=1), T0))
    (source,) = merger.result().sources
    assert source["url"] == "https://news.example/0"  # filled from the older report
    assert source["extractor_version"] == "2.0"
    assert source["first_seen"] == T0 - timedelta(hours=1)


def test_article_replaced_by_newer_version_or_later_fetch() -> None:
    merger = BatchMerger()
    merger.add_article(article_row(make_article(1, title="first"), T0, T0))
    later = T0 + timedelta(minutes=5)
    merger.add_article(article_row(make_article(1, title="refetched", fetched_at=later), T0, T0))
    merger.add_article(article_row(make_article(1, version="0.9", title="older"), T0, T0))
    (row,) = merger.result().articles
    assert row["title"] == "refetched"
