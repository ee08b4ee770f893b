"""``regwire extract``: normalise and extract documents in-process, no Kafka.

A scored command-line contract (DESIGN.md): one document in, one JSON object out
(``{"article": …, "events": […]}``); with ``--jsonl``, one result line per input
line, in order (``{"id": …, "article": …, "events": […]}``), so thousands of pages
are scored in one process.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from schemas import RawArticle, Source, SourceKind, article_id
from services.common.errors import PoisonMessage
from services.fetcher.dumps import DumpProblem, DumpRecord, read_jsonl, read_lines
from services.fetcher.items import Published
from services.fetcher.replay import to_raw
from services.parser.app import parse_raw

EXTRACT_SOURCE = Source(id="extract", kind=SourceKind.DUMP)


def result(raw: RawArticle) -> dict[str, Any]:
    """The article and its events as JSON-ready data; ``error`` when it cannot be parsed."""
    try:
        parsed = parse_raw(raw)
    except PoisonMessage as exc:
        return {"article": None, "events": [], "error": str(exc)}
    return {
        "article": parsed.article.model_dump(mode="json"),
        "events": [e.model_dump(mode="json") for e in parsed.events],
    }


def document_to_raw(
    content: str, url: str | None, published: Published | None, title: str | None
) -> RawArticle:
    """One document: a dump line (`` date YYYY-MM-DD <html>``), an HTML page, or text."""
    now = datetime.now(UTC)
    first = content.lstrip()
    if first.startswith("date "):
        items = [i for i in read_lines(io.StringIO(content)) if isinstance(i, DumpRecord)]
        if items:
            record = items[0]
            return to_raw(
                DumpRecord(
                    record.line,
                    html=record.html,
                    url=url,
                    title=title,
                    published=published or record.published,
                ),
                EXTRACT_SOURCE,
                now,
            )
    looks_html = "<" in content[:2000] and ">" in content[:2000]
    return RawArticle(
        article_id=article_id(url, content),
        url=url,
        html=content if looks_html else None,
        text=None if looks_html else content,
        title=title,
        published=published,
        fetched_at=now,
        source=EXTRACT_SOURCE.model_copy(update={"kind": SourceKind.PAGE}),
    )


def extract_jsonl(lines: IO[str]) -> Iterator[bytes]:
    """One output line per input document, in input order."""
    for item in read_jsonl(lines):
        if isinstance(item, DumpProblem):
            out: dict[str, Any] = {
                "id": None, "line": item.line, "article": None, "events": [],
                "error": item.message,
            }  # fmt: skip
        else:
            out = {"id": item.id, **result(to_raw(item, EXTRACT_SOURCE, datetime.now(UTC)))}
        yield orjson.dumps(out) + b"\n"


def write_lines(chunks: Iterator[bytes]) -> None:
    out = sys.stdout.buffer
    for chunk in chunks:
        out.write(chunk)
    out.flush()
