"""Readers for backfill dumps: the seed's line format, JSONL and CSV.

Each reader yields one ``DumpRecord`` per document, or a ``DumpProblem`` for a
line it cannot use (the replay counts and reports those; it does not stop).

* line format: `` date YYYY-MM-DD <html…>`` one document per line; the HTML is
  kept exactly as written, literal ``\\r\\n`` escapes included.
* JSONL: ``html`` or ``text``, optional ``id``, ``url``, ``title``, ``published``,
  ``outlet`` (the publication's name, carried into the article's source).
* CSV: a header row with the same column names.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import orjson

from services.fetcher.items import Published, parse_when

DumpFormat = Literal["auto", "line", "jsonl", "csv"]
_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s(.*)$", re.DOTALL)
_FIELDS = ("id", "url", "title", "published", "html", "text", "outlet")


@dataclass(frozen=True, slots=True)
class DumpRecord:
    line: int
    html: str | None = None
    text: str | None = None
    url: str | None = None
    title: str | None = None
    published: Published | None = None
    id: str | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class DumpProblem:
    line: int
    message: str


DumpItem = DumpRecord | DumpProblem


def detect_format(path: Path) -> Literal["line", "jsonl", "csv"]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return "jsonl"
    return "line"


def read_dump(path: Path, fmt: DumpFormat = "auto") -> Iterator[DumpItem]:
    chosen = detect_format(path) if fmt == "auto" else fmt
    # Only "\n" ends a record: a stray carriage return inside a document does not.
    newline = "" if chosen == "csv" else "\n"
    with path.open("r", encoding="utf-8", errors="replace", newline=newline) as handle:
        reader = {"line": read_lines, "jsonl": read_jsonl, "csv": read_csv}[chosen]
        yield from reader(handle)


def read_lines(handle: IO[str]) -> Iterator[DumpItem]:
    for number, raw in enumerate(handle, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        found = _LINE.match(line)
        if found is None:
            yield DumpProblem(number, "not a ' date YYYY-MM-DD <html>' line")
            continue
        html = found.group(2)
        if not html.strip():
            yield DumpProblem(number, "no document after the date")
            continue
        yield DumpRecord(number, html=html, published=parse_when(found.group(1)))


def read_jsonl(handle: IO[str]) -> Iterator[DumpItem]:
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield DumpProblem(number, f"not JSON: {exc}")
            continue
        yield _record(number, document)


def read_csv(handle: IO[str]) -> Iterator[DumpItem]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # articles are longer than csv's 128 KiB
    reader = csv.DictReader(handle)
    for row in reader:
        yield _record(reader.line_num, dict(row))


def _record(number: int, document: object) -> DumpItem:
    if not isinstance(document, dict):
        return DumpProblem(number, "expected an object")
    values = {k: document.get(k) for k in _FIELDS}
    bad = [k for k, v in values.items() if v is not None and not isinstance(v, (str, int))]
    if bad:
        return DumpProblem(number, f"fields must be strings: {', '.join(bad)}")
    text = {k: (str(v) if v is not None and str(v).strip() else None) for k, v in values.items()}
    if text["html"] is None and text["text"] is None:
        return DumpProblem(number, "needs 'html' or 'text'")
    published = parse_when(text["published"])
    if text["published"] and published is None:
        return DumpProblem(number, f"unreadable 'published' {text['published']!r}")
    return DumpRecord(
        number,
        html=text["html"],
        text=text["text"] if text["html"] is None else None,
        url=text["url"],
        title=text["title"],
        published=published,
        id=text["id"],
        outlet=text["outlet"],
    )
