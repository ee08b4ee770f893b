"""Merge rules, applied twice: inside a batch (here) and against stored rows (``writer``).

One rule set, so that writing messages one by one or in one batch stores the same:

* An event's fields come from the newest extractor version (``extractor_key``); on a
  tie the row already there stays (replays change nothing).
* ``first_seen`` is the earliest sighting, ``last_seen`` the latest.
* Sources are a union keyed by ``(event_id, article_id)``; a link's details come from
  the newest version, with gaps filled from the other.
* An article is replaced by a newer extractor version, or by a later fetch of the
  same version.

A database rejects two upserts of one key in one statement (PostgreSQL: "ON CONFLICT
DO UPDATE command cannot affect row a second time"), so a batch is merged first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.sink.rows import EventRows, Row

SEEN = ("first_seen", "last_seen")


@dataclass
class BatchRows:
    articles: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    sources: list[Row] = field(default_factory=list)
    subjects: list[Row] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "articles": len(self.articles),
            "events": len(self.events),
            "event_sources": len(self.sources),
            "event_subjects": len(self.subjects),
        }

    def __len__(self) -> int:
        return len(self.articles) + len(self.events)


class BatchMerger:
    """Collects rows in arrival order and merges repeats of one key."""

    def __init__(self) -> None:
        self._articles: dict[str, Row] = {}
        self._events: dict[str, Row] = {}
        self._sources: dict[tuple[str, str], Row] = {}
        self._subjects: dict[tuple[str, str], Row] = {}

    def add_article(self, row: Row) -> None:
        old = self._articles.get(row["article_id"])
        self._articles[row["article_id"]] = row if old is None else merge_article(old, row)

    def add_event(self, rows: EventRows) -> None:
        old = self._events.get(rows.event["event_id"])
        self._events[rows.event["event_id"]] = (
            rows.event if old is None else merge_event(old, rows.event)
        )
        for src in rows.sources:
            key = (src["event_id"], src["article_id"])
            prev = self._sources.get(key)
            self._sources[key] = src if prev is None else merge_source(prev, src)
        for subject in rows.subjects:
            self._subjects.setdefault((subject["event_id"], subject["subject_key"]), subject)

    def result(self) -> BatchRows:
        return BatchRows(
            articles=list(self._articles.values()),
            events=list(self._events.values()),
            sources=list(self._sources.values()),
            subjects=list(self._subjects.values()),
        )


def merge_event(old: Row, new: Row) -> Row:
    winner = new if new["extractor_key"] > old["extractor_key"] else old
    return {**winner, **_seen(old, new), "updated_at": max(old["updated_at"], new["updated_at"])}


def merge_source(old: Row, new: Row) -> Row:
    newer, other = (new, old) if new["extractor_key"] > old["extractor_key"] else (old, new)
    merged = {k: newer[k] if newer[k] is not None else other.get(k) for k in newer}
    return {**merged, **_seen(old, new)}


def merge_article(old: Row, new: Row) -> Row:
    newer = (new["extractor_key"], new["fetched_at"]) > (old["extractor_key"], old["fetched_at"])
    winner = new if newer else old
    return {**winner, **_seen(old, new), "updated_at": max(old["updated_at"], new["updated_at"])}


def _seen(old: Row, new: Row) -> Row:
    return {
        "first_seen": min(old["first_seen"], new["first_seen"]),
        "last_seen": max(old["last_seen"], new["last_seen"]),
    }
