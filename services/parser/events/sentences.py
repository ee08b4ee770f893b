"""Sentence splitting that keeps character offsets into the original text.

News text is full of periods that end nothing: "U.S.", "Inc.", "Jan. 5", "No. 1:21-cv",
"Owen E.H. Meyer". A candidate boundary is a ., ! or ? (with closing quotes) followed by
whitespace and an upper-case letter, digit or opening quote; it is rejected when the
token before it is a known abbreviation or a single initial. Blank lines and line breaks
always end a sentence. A "sentence" longer than any real one (text without punctuation,
a broken extraction) is cut at a clause or word break, so the work per sentence stays
bounded.

>>> text = "The U.S. SEC sued Acme Inc. on Jan. 5. It settled."
>>> [text[s.start:s.end] for s in split_sentences(text)]
['The U.S. SEC sued Acme Inc. on Jan. 5.', 'It settled.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .resources import lexicon

_BOUNDARY = re.compile(r"""[.!?]+["”’')\]]*(?=\s+["“‘(\[]?[A-Z0-9$€£])|\n\s*""")
_TOKEN_BEFORE = re.compile(r"([\w.'’-]+)$")
# After "U.S." these words start a new sentence; anything else continues it.
_STARTERS = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "This",
        "That",
        "These",
        "It",
        "He",
        "She",
        "They",
        "We",
        "But",
        "However",
        "Meanwhile",
        "According",
        "Its",
        "Their",
        "His",
        "Her",
        "Separately",
        "Previously",
        "Also",
        "Earlier",
        "Later",
    ]
)
_WORD_AFTER = re.compile(r"\s+[\"“‘(]?([A-Za-z]+)")
# Real news sentences stay far below this (the longest in the dev sets is about 1,000
# characters); past it the extractor's per-sentence work would grow with the square.
MAX_SENTENCE_CHARS = 2000
_CUTS = ("; ", ", ", " ")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(a.rstrip(".") for a in lexicon().abbreviations)


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _TOKEN_BEFORE.search(text, max(0, dot - 20), dot)
    if m is None:
        return False
    token = m.group(1).lstrip("(\"'“‘")
    if not token:
        return False
    bare = token.rstrip(".")
    if len(bare) == 1 and bare.isupper():
        return True  # an initial: "Paul S. Atkins"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", bare):
        # dotted capitals ("U.S", "E.H"): a sentence ends only before a clear starter
        after = _WORD_AFTER.match(text, dot + 1)
        return not (after and after.group(1) in _STARTERS)
    return bare in _abbreviations()


def split_sentences(text: str) -> list[Sentence]:
    """Sentences as (start, end) offsets, whitespace trimmed, in order."""
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] == "." and _is_abbreviation(text, m.start()):
            continue
        _append(text, start, m.end(), out)
        start = m.end()
    _append(text, start, len(text), out)
    return out


def _append(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut(text, start, start + MAX_SENTENCE_CHARS)
        _trimmed(text, start, cut, out)
        start = cut
    _trimmed(text, start, end, out)


def _cut(text: str, start: int, limit: int) -> int:
    """Where to end an over-long sentence: after the last clause break, else word break,
    in its second half; else at the limit."""
    for mark in _CUTS:
        at = text.rfind(mark, start + MAX_SENTENCE_CHARS // 2, limit)
        if at != -1:
            return at + len(mark)
    return limit


def _trimmed(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end))
