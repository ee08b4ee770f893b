"""Deterministic ids: the same article or the same act always gets the same key."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import orjson

_SPACE = re.compile(r"\s+")


def _norm(value: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()


def _sha256(data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def article_id(url: str | None, text: str | None = None) -> str:
    """sha256 of the canonical URL, or of the whitespace-normalised text without one.

    >>> article_id("https://example.com/a") == article_id("https://example.com/a")
    True
    """
    if url:
        return _sha256(url.strip())
    if text is None or not text.strip():
        raise ValueError("an article id needs a URL or non-empty text")
    return _sha256(_norm(text))


def event_id(
    event_type: str,
    jurisdiction: str,
    authority_id: str | None,
    subjects: Iterable[str],
    event_date: str,
    date_precision: str,
) -> str:
    """sha256 of what the event is, independent of which article reported it.

    Subjects are compared case-insensitively and in any order, so "OSL, HashKey" and
    "HashKey, osl" name the same act.
    """
    key = [
        event_type,
        jurisdiction,
        authority_id or "",
        sorted({_norm(s).casefold() for s in subjects if s.strip()}),
        event_date,
        date_precision,
    ]
    return _sha256(orjson.dumps(key))
