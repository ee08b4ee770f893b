"""Subjects: the firms, people, products and laws an act is about, as the text writes them.

Candidates are runs of capitalised words (with "of", "for", "&" inside, a company suffix
such as ", Inc." and an abbreviation in brackets after); authorities, places, titles and
sentence-opening words are dropped. ``canonical`` maps a subject to the key used in event
ids, through the alias table for well-known crypto firms, so that "Payward Inc." and
"Kraken" give the same id.

>>> ex = default_subjects()
>>> ex.names("charged Daniel Chu, Jerome Kollar, and Ameryn Seibold", 0, 60)
['Daniel Chu', 'Jerome Kollar', 'Ameryn Seibold']
>>> ex.canonical("Payward Inc.")
'kraken'
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .resources import lexicon, load_yaml

_TOKEN = r"(?:[A-Z][\w&'’.\-]*[\w.]|[A-Z]|“[A-Z][\w.\-]*”|\"[A-Z][\w.\-]*\")"  # noqa: S105
_CONNECTOR = r"(?:of|for|de|du|da|van|von|der|den|la|le|del|and\s+the|on|&)"
_SUFFIX = (
    r"(?:,?\s+(?:Inc\.|Inc\b|LLC|L\.L\.C\.|Ltd\.?|Limited|L\.P\.|LP|Corp\.?|PLC|plc|N\.A\.|"
    r"GmbH|AG|S\.A\.))"
)
_ABBR = r"(?:\s+\((?-i:[A-Z][A-Za-z0-9.&\-]{1,12})\))"
NAME = re.compile(rf"{_TOKEN}(?:\s+(?:{_CONNECTOR}\s+)?{_TOKEN})*{_SUFFIX}?{_ABBR}?")
_ACT_TOKEN = r"(?:[A-Z][\w\-’']*|\([A-Z][\w\-]*\))"  # noqa: S105
ACT = re.compile(
    rf"{_ACT_TOKEN}(?:\s+(?:{_ACT_TOKEN}|of|the|for|on|and|to)){{0,12}}?\s+"
    r"(?:Act|Bill|Ordinance|Directive)\b(?:\s+of\s+\d{4})?(?:\s+\([A-Z][\w\-]*\))?"
    r"|\b(?:Regulation|Rule|Form)\s+(?:[A-Z][\w\-]*|\d[\w.()\-]*[\w)])(?:\s+[A-Z][\w\-]*)*"
)
_CITED = re.compile(
    r"(?:\bunder|\bpursuant\s+to|\bviolat\w+|\bprovisions\s+of|\bSection\s+\S+\s+of|"
    r"\brequirements\s+of|\bamended|\bof)\s+(?:the\s+)?$"
)
_COREF = re.compile(r"\b(?:the|this|that)\s+(?:bill|legislation|measure|act|law|Act)\b|\bit\b")
_LEADING_POSSESSIVE = re.compile(r"^[A-Z][\w.]*(?:’s|'s)\s+")
_SUFFIX_STRIP = re.compile(
    r",?\s+(?:Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|L\.P\.|LP|Corp\.?|Corporation|Company|Co\.|"
    r"PLC|plc|N\.A\.|GmbH|AG|S\.A\.|Holdings|Group)$"
)
_PAREN = re.compile(r"\s*\([^)]*\)")
_QUOTES = re.compile(r"[“”\"‘’']")
_SENTENCE_OPENERS = frozenset(
    ["The", "A", "An", "In", "On", "This", "That", "It", "As", "At", "For"]
)
_MONTHS = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)
_NUMBERS = frozenset(
    ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"]
)
_KEEP_DOT = re.compile(r"(?:\b(?:Inc|Ltd|Corp|Co|Jr|Sr|L\.P|N\.A|S\.A)|\b[A-Z])\.$")


class SubjectExtractor:
    def __init__(self, aliases: dict[str, list[str]], stopwords: frozenset[str]) -> None:
        self._stop = stopwords | _MONTHS
        self._alias: dict[str, str] = {}
        for canonical, others in aliases.items():
            for name in (canonical, *others):
                self._alias[_fold(name)] = canonical.casefold()

    def names(
        self,
        text: str,
        start: int,
        end: int,
        *,
        skip: list[tuple[int, int]] | None = None,
    ) -> list[str]:
        """Capitalised names in text[start:end], minus spans listed in ``skip``."""
        out: list[str] = []
        for m in NAME.finditer(text, start, end):
            if skip and any(m.start() < e and s < m.end() for s, e in skip):
                name = self._outside(text, m.start(), m.end(), skip)
            else:
                name = m.group(0)
            cleaned = self._clean(name)
            if cleaned and cleaned not in out:
                out.append(cleaned)
        return out

    @staticmethod
    def acts(text: str, start: int, end: int) -> list[str]:
        """Names of laws, bills and rules ("CLARITY Act", "Rule 14a-8") in text[start:end].

        A statute cited as the legal basis ("under the Securities Exchange Act of 1934",
        "violating Section 5 of the Securities Act") is context, not what the act is about.
        """
        out: list[str] = []
        for m in ACT.finditer(text, start, end):
            if _CITED.search(text, max(0, m.start() - 40), m.start()):
                continue
            name = _LEADING_POSSESSIVE.sub("", m.group(0).strip())
            name = re.sub(r"^(?:The|the|A|An|In|On|This|Under)\s+", "", name)
            if len(name) > 4 and name not in out:
                out.append(name)
        return out

    @staticmethod
    def main_act(text: str) -> str | None:
        """The law an article is mostly about, for "the bill" and "it"."""
        counts = Counter(SubjectExtractor.acts(text, 0, len(text)))
        if not counts:
            return None
        name, n = counts.most_common(1)[0]
        return name if n >= 2 or len(counts) == 1 else None

    @staticmethod
    def refers_to_act(text: str, start: int, end: int) -> bool:
        return _COREF.search(text, start, end) is not None

    def canonical(self, subject: str) -> str:
        """The key a subject contributes to an event id."""
        folded = _fold(subject)
        if folded in self._alias:
            return self._alias[folded]
        bare = _SUFFIX_STRIP.sub("", _QUOTES.sub("", _PAREN.sub("", subject))).strip(" ,.")
        return self._alias.get(_fold(bare), _fold(bare))

    # ------------------------------------------------------------------ internals
    def _outside(self, text: str, start: int, end: int, skip: list[tuple[int, int]]) -> str:
        """The longest part of text[start:end] that overlaps no skipped span."""
        cuts = sorted((max(s, start), min(e, end)) for s, e in skip if s < end and start < e)
        pieces, pos = [], start
        for s, e in cuts:
            pieces.append(text[pos:s])
            pos = max(pos, e)
        pieces.append(text[pos:end])
        return max((p.strip(" ,’'s") for p in pieces), key=len, default="")

    def _clean(self, name: str) -> str:
        tokens = name.split()
        based = [i for i, t in enumerate(tokens) if t.endswith("-based")]
        if based:
            tokens = tokens[based[-1] + 1 :]
        while tokens and (tokens[0].rstrip(",.’'s") in self._stop or tokens[0] in self._stop):
            tokens.pop(0)
        while tokens and tokens[-1] in {"of", "for", "and", "the", "&", "on"}:
            tokens.pop()
        if not tokens:
            return ""
        if len(tokens) > 1 and tokens[-1] in _SENTENCE_OPENERS:
            return ""  # a heading glued to the next sentence: "Legal Proceedings The"
        if len(tokens) == 1 and tokens[0] in _NUMBERS:
            return ""
        cleaned = " ".join(tokens).strip(" ,")
        cleaned = re.sub(r"(?:’s|'s)$", "", cleaned)
        if cleaned.endswith(".") and not _KEEP_DOT.search(cleaned):
            cleaned = cleaned[:-1]
        if cleaned.endswith("-based") or all(t.strip(",.") in self._stop for t in tokens):
            return ""
        if len(cleaned) < 2 or cleaned.isdigit():
            return ""
        return cleaned


def _fold(value: str) -> str:
    return " ".join(value.casefold().replace("’", "'").split())


@lru_cache(maxsize=1)
def default_subjects() -> SubjectExtractor:
    raw = load_yaml("subjects.yaml")["aliases"]
    aliases = {str(k): [str(v) for v in (vs or [])] for k, vs in raw.items()}
    return SubjectExtractor(aliases, lexicon().name_stopwords)
