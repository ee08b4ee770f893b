from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from schemas import (
    Extractor,
    RawArticle,
    RegulatoryEvent,
    Source,
    SourceKind,
    Span,
    article_id,
    ce_headers,
    event_id,
    parse_ce_headers,
)
from schemas.generate import rendered

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_generated_json_schemas_match_the_models() -> None:
    stale = [
        str(path) for path, text in rendered().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]  # fmt: skip
    assert not stale, f"JSON Schemas drifted from the models: run `make schemas` ({stale})"


def test_article_id_is_the_url_hash_or_the_normalised_text_hash() -> None:
    assert article_id("https://x.test/a") == article_id(" https://x.test/a ")
    assert article_id(None, "Hong  Kong\n granted") == article_id(None, "Hong Kong granted")
    assert article_id("https://x.test/a") != article_id("https://x.test/b")
    with pytest.raises(ValueError, match="URL or non-empty text"):
        article_id(None, "   ")


def test_event_id_ignores_subject_order_and_case_but_not_what_happened() -> None:
    a = event_id("license_granted", "HK", None, ["HashKey", "OSL"], "2023-08-02", "day")
    b = event_id("license_granted", "HK", None, ["osl", " HashKey "], "2023-08-02", "day")
    assert a == b
    assert a != event_id("license_granted", "HK", None, ["HashKey"], "2023-08-02", "day")
    assert a != event_id("license_revoked", "HK", None, ["HashKey", "OSL"], "2023-08-02", "day")
    assert a != event_id("license_granted", "HK", None, ["HashKey", "OSL"], "2023-08", "month")


def test_raw_article_needs_a_body_and_keeps_a_date_only_publication() -> None:
    source = Source(id="replay:seed", kind=SourceKind.DUMP)
    raw = RawArticle(
        article_id=article_id(None, "x"),
        html="<p>x</p>",
        published=date(2023, 8, 3),
        fetched_at=NOW,
        source=source,
    )
    assert RawArticle.model_validate_json(raw.model_dump_json()).published == date(2023, 8, 3)
    with pytest.raises(ValidationError, match="needs 'html' or 'text'"):
        RawArticle(article_id=article_id(None, "x"), fetched_at=NOW, source=source)


def test_raw_article_rejects_naive_timestamps() -> None:
    with pytest.raises(ValidationError):
        RawArticle.model_validate(
            {
                "article_id": article_id(None, "x"),
                "text": "x",
                "fetched_at": "2026-11-29T12:00:00",
                "source": {"id": "s", "kind": "feed"},
            }
        )


def test_unknown_fields_are_ignored_so_v1_can_grow() -> None:
    payload = {
        "article_id": article_id(None, "x"),
        "text": "x",
        "fetched_at": "2026-11-29T12:00:00Z",
        "source": {"id": "s", "kind": "feed"},
        "a_field_from_the_future": 1,
    }
    assert RawArticle.model_validate(payload).text == "x"


def _event(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "event_id": event_id("ban", "CN", None, [], "2021-09", "month"),
        "event_type": "ban",
        "jurisdiction": "CN",
        "event_date": "2021-09",
        "date_precision": "month",
        "summary": "China banned cryptocurrency transactions.",
        "evidence": "China banned all cryptocurrency transactions in September 2021",
        "evidence_spans": [{"start": 10, "end": 72}],
        "confidence": 0.9,
        "sources": [{"article_id": article_id(None, "x")}],
        "extractor": {"name": "t", "version": "1"},
    }
    return base | overrides


def test_regulatory_event_validates_taxonomy_jurisdiction_and_dates() -> None:
    event = RegulatoryEvent.model_validate(_event())
    assert event.evidence_spans == [Span(start=10, end=72)]
    assert event.extractor == Extractor(name="t", version="1")
    invalid: list[dict[str, object]] = [
        {"event_type": "rumour"},
        {"jurisdiction": "China"},
        {"event_date": "Sept 2021"},
        {"confidence": 1.5},
        {"sources": []},
    ]
    for bad in invalid:
        with pytest.raises(ValidationError):
            RegulatoryEvent.model_validate(_event(**bad))
    assert RegulatoryEvent.model_validate(_event(jurisdiction="INTL")).jurisdiction == "INTL"


def test_cloudevents_headers_round_trip_in_binary_mode() -> None:
    headers = ce_headers(id="abc", source="/regwire/parser", type="io.regwire.x.v1", time=NOW)
    names = [k for k, _ in headers]
    assert names[:6] == ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time",
                         "content-type"]  # fmt: skip
    parsed = parse_ce_headers(headers)
    assert (parsed.id, parsed.source, parsed.type, parsed.time) == (
        "abc", "/regwire/parser", "io.regwire.x.v1", NOW,
    )  # fmt: skip
    assert dict(headers)["ce_time"] == b"2026-11-29T12:00:00Z"


def test_cloudevents_parse_names_the_missing_header() -> None:
    with pytest.raises(ValueError, match="ce_source"):
        parse_ce_headers([("ce_specversion", b"1.0"), ("ce_id", b"1"), ("ce_type", b"t"),
                          ("ce_time", b"2026-01-01T00:00:00Z")])  # fmt: skip
