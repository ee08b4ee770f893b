"""The five fuzz targets and the contract each one is held to.

A target may raise only its documented errors; anything else is a crash. Its output
must also survive the next step of the pipeline (a normalised Article and its events
must encode as messages), because an output that cannot be published blocks its
partition just as surely as a crash. Each input must finish within ``budget_s``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from hypothesis import strategies as st

from chaos.fuzz import inputs

FIXED_ID = "0" * 64


@dataclass(frozen=True)
class Target:
    name: str
    strategy: Callable[[], st.SearchStrategy[Any]]
    call: Callable[[Any], None]
    allowed: tuple[type[BaseException], ...]
    budget_s: float  # per input
    dump: Callable[[Any], bytes]  # an input as a corpus file
    load: Callable[[bytes], Any]
    ext: str = "json"


# --- the HTML normaliser -----------------------------------------------------------------


def _normalise_input() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"html": inputs.html_documents()},
        optional={
            "title": inputs.TEXT,
            "url": st.sampled_from(["https://news.example/a/1", "not a url", "http://[::1]/"]),
            "published": inputs.PUBLISHED.map(lambda d: d.isoformat() if d else None),
            "as_text": st.booleans(),
        },
    )


def _raw(doc: dict[str, Any]) -> Any:
    from schemas import RawArticle, Source, SourceKind

    body = doc.get("html") or ""
    as_text = bool(doc.get("as_text"))
    return RawArticle.model_construct(
        article_id=FIXED_ID,
        url=doc.get("url"),
        html=None if as_text else body,
        text=body if as_text else None,
        title=doc.get("title"),
        published=_when(doc.get("published")),
        fetched_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
        source=Source(id="fuzz", kind=SourceKind.PAGE),
        fetch=None,
    )


def _when(value: str | None) -> date | datetime | None:
    if not value:
        return None
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def call_normalise(doc: dict[str, Any]) -> None:
    from services.common.serde import encode
    from services.parser.normalise import normalise

    encode(normalise(_raw(doc)))  # the parser publishes what normalise returns


# --- the event extractor -----------------------------------------------------------------


def _extract_input() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "text": inputs.article_texts(),
            "published": inputs.PUBLISHED.map(lambda d: d.isoformat() if d else None),
        },
        optional={"title": inputs.TEXT, "site_name": inputs.TEXT},
    )


def call_extract(doc: dict[str, Any]) -> None:
    from schemas import Article, Extractor, Source, SourceKind
    from services.common.serde import encode
    from services.parser.events import extract

    text = doc["text"]
    article = Article.model_construct(
        article_id=FIXED_ID,
        url="https://news.example/a/1",
        canonical_url=None,
        title=doc.get("title"),
        text=text,
        authors=[],
        published_at=_when(doc.get("published")),
        modified_at=None,
        language="en",
        site_name=doc.get("site_name"),
        description=None,
        links=[],
        provenance={},
        word_count=len(text.split()),
        source=Source(id="fuzz", kind=SourceKind.PAGE),
        fetched_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
        extractor=Extractor(name="fuzz", version="0"),
    )
    for event in extract(article):
        encode(event)


# --- the dump reader ---------------------------------------------------------------------


def call_dump(case: tuple[str, bytes]) -> None:
    from services.fetcher.dumps import read_dump

    fmt, data = case
    suffix = {"auto": ".txt", "line": ".txt", "jsonl": ".jsonl", "csv": ".csv"}[fmt]
    with tempfile.TemporaryDirectory(prefix="regwire-fuzz-") as folder:
        path = Path(folder) / f"dump{suffix}"
        path.write_bytes(data)
        for _ in read_dump(path, cast(Any, fmt)):
            pass


def _dump_case(case: tuple[str, bytes]) -> bytes:
    fmt, data = case
    return fmt.encode() + b"\n" + data


def _load_dump_case(blob: bytes) -> tuple[str, bytes]:
    fmt, _, data = blob.partition(b"\n")
    return fmt.decode(), data


# --- feed parsing ------------------------------------------------------------------------


def call_feed(case: tuple[bytes, str | None]) -> None:
    from services.fetcher.feeds import parse_feed

    body, content_type = case
    parse_feed(body, "https://feeds.example/news/rss.xml", content_type)


def _dump_feed(case: tuple[bytes, str | None]) -> bytes:
    body, content_type = case
    return (content_type or "").encode() + b"\n" + body


def _load_feed(blob: bytes) -> tuple[bytes, str | None]:
    head, _, body = blob.partition(b"\n")
    return body, head.decode() or None


# --- message decoding --------------------------------------------------------------------


def call_decode(case: tuple[str, bytes | None]) -> None:
    import schemas
    from services.common.serde import decode, encode

    name, value = case
    model = getattr(schemas, name)
    encode(decode(model, value))  # what decodes must encode again (DLQ, re-publish)


def _dump_message(case: tuple[str, bytes | None]) -> bytes:
    name, value = case
    return name.encode() + (b"\n" + value if value is not None else b"")


def _load_message(blob: bytes) -> tuple[str, bytes | None]:
    name, sep, value = blob.partition(b"\n")
    return name.decode(), (value if sep else None)


def _json_dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=True, sort_keys=True).encode()


def _errors() -> dict[str, tuple[type[BaseException], ...]]:
    from services.common.errors import PoisonMessage
    from services.fetcher.errors import FeedRejected
    from services.parser.normalise import NormaliseError

    return {
        "normalise": (NormaliseError,),
        "extract": (),
        "dumps": (),
        "feeds": (FeedRejected,),
        "decode": (PoisonMessage,),
    }


def targets() -> dict[str, Target]:
    errors = _errors()
    return {
        "normalise": Target("normalise", _normalise_input, call_normalise, errors["normalise"],
                            2.0, _json_dump, json.loads),
        "extract": Target("extract", _extract_input, call_extract, errors["extract"], 2.0,
                          _json_dump, json.loads),
        "dumps": Target("dumps", inputs.dump_files, call_dump, errors["dumps"], 2.0, _dump_case,
                        _load_dump_case, "bin"),
        # A 5 MiB real feed takes 1.4 s here; the budget allows for a busy machine.
        "feeds": Target("feeds", inputs.feeds, call_feed, errors["feeds"], 4.0, _dump_feed,
                        _load_feed, "bin"),
        "decode": Target("decode", inputs.messages, call_decode, errors["decode"], 1.0,
                         _dump_message, _load_message, "bin"),
    }  # fmt: skip


def describe(value: Any) -> str:
    """A short, printable description of an input (for reports)."""
    return repr(value)[:300]
