"""Dump readers: the real seed line, JSONL and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import Source, SourceKind
from schemas.ids import article_id
from services.fetcher.dumps import (
    DumpProblem,
    DumpRecord,
    detect_format,
    read_csv,
    read_dump,
    read_jsonl,
    read_lines,
)
from services.fetcher.replay import to_raw

SEED = Path(__file__).parents[2] / "fixtures" / "seed" / "theblock-2023-08-03.txt"


def test_the_seed_line() -> None:
    (record,) = list(read_dump(SEED))
    assert isinstance(record, DumpRecord)
    assert record.published == date(2023, 8, 3)
    assert record.html is not None
    assert record.html.startswith("<p><span")
    assert "\\r\\n" in record.html  # the literal escapes are kept for the parser
    assert "Hong Kong" in record.html
    assert record.url is None
    assert record.title is None
    assert detect_format(SEED) == "line"


def test_the_seed_becomes_a_raw_article_keyed_by_its_text() -> None:
    (record,) = list(read_dump(SEED))
    assert isinstance(record, DumpRecord)
    source = Source(id="replay:seed", kind=SourceKind.DUMP)
    raw = to_raw(record, source, datetime(2024, 1, 1, tzinfo=UTC))
    assert raw.article_id == article_id(None, record.html)
    assert raw.published == date(2023, 8, 3)
    assert raw.html == record.html


def test_line_format_problems_are_reported_not_fatal() -> None:
    text = (
        " date 2023-08-03 <p>one</p>\nrubbish\n\n date 2023-08-04 \n date 2023-08-05 <p>two</p>\n"
    )
    items = list(read_lines(io.StringIO(text)))
    assert [type(i).__name__ for i in items] == [
        "DumpRecord",
        "DumpProblem",
        "DumpProblem",
        "DumpRecord",
    ]
    assert [i.line for i in items] == [1, 2, 4, 5]


def test_jsonl() -> None:
    lines = [
        {
            "id": "a",
            "html": "<p>x</p>",
            "url": "https://x.com/a?utm_source=z",
            "published": "2023-08-03T10:00:00Z",
        },
        {"id": "b", "text": "plain words", "title": "T", "published": "2023-08-03"},
        {"id": "c"},
        {"id": "d", "text": "x", "published": "yesterday"},
        ["not", "an", "object"],
    ]
    body = "\n".join(json.dumps(line) for line in lines) + "\n{broken\n"
    items = list(read_jsonl(io.StringIO(body)))
    first, second = items[0], items[1]
    assert isinstance(first, DumpRecord)
    assert first.published == datetime(2023, 8, 3, 10, tzinfo=UTC)
    assert isinstance(second, DumpRecord)
    assert second.text == "plain words"
    assert second.published == date(2023, 8, 3)
    assert all(isinstance(i, DumpProblem) for i in items[2:])
    assert [i.line for i in items[2:]] == [3, 4, 5, 6]


def test_jsonl_url_gives_the_article_id() -> None:
    record = DumpRecord(1, html="<p>x</p>", url="HTTPS://X.com/a?utm_source=z#f")
    raw = to_raw(record, Source(id="r", kind=SourceKind.DUMP), datetime.now(UTC))
    assert raw.url == "https://x.com/a"
    assert raw.article_id == article_id("https://x.com/a")


def test_a_record_outlet_names_the_articles_source() -> None:
    [item] = list(read_jsonl(io.StringIO('{"text": "x", "outlet": "The Block"}\n')))
    assert isinstance(item, DumpRecord)
    source = Source(id="replay:f", kind=SourceKind.DUMP)
    raw = to_raw(item, source, datetime.now(UTC))
    assert (raw.source.id, raw.source.outlet) == ("replay:f", "The Block")
    assert to_raw(DumpRecord(1, text="x"), source, datetime.now(UTC)).source == source


def test_csv_with_long_multiline_fields() -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, ["id", "url", "html", "published"])
    writer.writeheader()
    writer.writerow(
        {
            "id": "1",
            "url": "https://x.com/1",
            "html": "<p>a\nb</p>" + "x" * 300_000,
            "published": "2023-08-03",
        }
    )
    writer.writerow({"id": "2", "url": "", "html": "", "published": ""})
    items = list(read_csv(io.StringIO(out.getvalue())))
    assert isinstance(items[0], DumpRecord)
    assert items[0].html is not None
    assert len(items[0].html) > 300_000
    assert isinstance(items[1], DumpProblem)


@pytest.mark.parametrize(
    ("suffix", "content", "fmt"),
    [
        (".jsonl", "", "jsonl"),
        (".csv", "", "csv"),
        (".txt", '{"html": "x"}', "jsonl"),
        (".dump", " date 2023-01-01 <p>", "line"),
    ],
)
def test_detect_format(tmp_path: Path, suffix: str, content: str, fmt: str) -> None:
    path = tmp_path / f"d{suffix}"
    path.write_text(content)
    assert detect_format(path) == fmt


documents = st.fixed_dictionaries(
    {"html": st.text(min_size=1).filter(str.strip)},
    optional={
        "id": st.text(max_size=10),
        "title": st.text(max_size=20),
        "url": st.sampled_from(["https://x.com/a", "http://y.org/b?c=d"]),
        "published": st.dates().map(date.isoformat),
    },
)


@settings(max_examples=60)
@given(st.lists(documents, max_size=8))
def test_jsonl_round_trip(docs: list[dict[str, str]]) -> None:
    body = "".join(json.dumps(d) + "\n" for d in docs)
    items = list(read_jsonl(io.StringIO(body)))
    assert len(items) == len(docs)
    for doc, item in zip(docs, items, strict=True):
        assert isinstance(item, DumpRecord)
        assert item.html == doc["html"]
        assert item.url == (doc.get("url") or None)
        if "published" in doc:
            assert item.published == date.fromisoformat(doc["published"])


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.dates(),
            st.text(min_size=1).map(
                lambda s: "<p>" + s.replace("\n", " ").replace("\r", " ") + "</p>"
            ),
        ),
        max_size=8,
    )
)
def test_line_format_round_trip(rows: list[tuple[date, str]]) -> None:
    body = "".join(f" date {d.isoformat()} {html}\n" for d, html in rows)
    items = list(read_lines(io.StringIO(body)))
    assert [(i.published, i.html) for i in items if isinstance(i, DumpRecord)] == rows


def test_a_carriage_return_inside_a_line_does_not_split_it(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_bytes(b" date 2023-08-03 <p>a\rb</p>\r\n date 2023-08-04 <p>c</p>\n")
    items = list(read_dump(path))
    assert [i.html for i in items if isinstance(i, DumpRecord)] == ["<p>a\rb</p>", "<p>c</p>"]
