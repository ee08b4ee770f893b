"""Everything about one article that the rules look up more than once, computed once.

Authority and place mentions are found over the whole text in one pass each (trie
regexes), then sliced per sentence with bisect, so no sentence ever scans the registry.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from schemas.models import Article

from .authorities import Authority, AuthorityMention, Registry
from .dates import DateMention, find_dates
from .places import Gazetteer, PlaceMention
from .sentences import Sentence, split_sentences
from .subjects import SubjectExtractor

_TODAY = re.compile(r"\b[Tt]oday\b")
_DATELINE = re.compile(
    r"(?:^|\n)\s*Date:\s*\d{4}-\d{2}-\d{2}\b"
    r"|^[A-Z][\w .,]{2,40}?,\s+(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\.?\s+\d{1,2},)"
    r"\s+\d{4}\s*(?:…|—|–|-|:)"
)
_QUOTE = re.compile(r"“[^“”]*(?:”|$)|\"[^\"\n]*\"")


def publication_date(article: Article) -> date:
    """The day the article appeared (the day it was fetched when it does not say)."""
    value = article.published_at
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return article.fetched_at.date()


@dataclass
class ArticleContext:
    text: str
    published: date
    sentences: list[Sentence]
    authorities: list[AuthorityMention]
    places: list[PlaceMention]
    issuer: Authority | None
    subjects: SubjectExtractor
    counts: Counter[str] = field(default_factory=Counter)
    by_id: dict[str, Authority] = field(default_factory=dict)
    jurisdictions: Counter[str] = field(default_factory=Counter)
    _auth_starts: list[int] = field(default_factory=list)
    _place_starts: list[int] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list)
    cache: dict[str, bool | None] = field(default_factory=dict)  # per-article facts, lazily
    _dates: dict[int, list[DateMention]] = field(default_factory=dict)
    _main_act: list[str | None] = field(default_factory=list)
    _quotes: list[tuple[int, int]] | None = None

    def __post_init__(self) -> None:
        self._auth_starts = [m.start for m in self.authorities]
        self._place_starts = [m.start for m in self.places]
        for m in self.authorities:
            self.counts[m.authority.id] += 1
            self.by_id.setdefault(m.authority.id, m.authority)
            self.jurisdictions[m.authority.jurisdiction] += 1
        for p in self.places:
            self.jurisdictions[p.place.code] += 1
        if self.issuer is not None:
            self.by_id.setdefault(self.issuer.id, self.issuer)
            self.counts[self.issuer.id] += 3
            self.jurisdictions[self.issuer.jurisdiction] += 3

    def sentence_index(self, sentence: Sentence) -> int:
        """The position of ``sentence`` in the article (sentences are in order)."""
        if not self._sentence_starts:
            self._sentence_starts = [s.start for s in self.sentences]
        return bisect_left(self._sentence_starts, sentence.start)

    def authorities_in(self, start: int, end: int) -> list[AuthorityMention]:
        i = bisect_left(self._auth_starts, start)
        j = bisect_left(self._auth_starts, end)
        return [m for m in self.authorities[i:j] if m.end <= end]

    def places_in(self, start: int, end: int) -> list[PlaceMention]:
        i = bisect_left(self._place_starts, start)
        j = bisect_left(self._place_starts, end)
        return [m for m in self.places[i:j] if m.end <= end]

    def dates_in(self, sentence: Sentence) -> list[DateMention]:
        """Date mentions of a sentence, with offsets into the article text."""
        cached = self._dates.get(sentence.start)
        if cached is None:
            local = find_dates(self.text[sentence.start : sentence.end], self.published)
            cached = [
                DateMention(d.start + sentence.start, d.end + sentence.start, d.date, d.period)
                for d in local
            ]
            self._dates[sentence.start] = cached
        return cached

    def dominant(self, kinds: frozenset[str], jurisdiction: str | None) -> Authority | None:
        """The most mentioned authority of those kinds (and that jurisdiction), if any."""
        best: Authority | None = None
        best_n = 0
        for auth_id, n in self.counts.items():
            auth = self.by_id[auth_id]
            if auth.kind not in kinds:
                continue
            if jurisdiction is not None and auth.jurisdiction != jurisdiction:
                continue
            if n > best_n:
                best, best_n = auth, n
        return best

    @property
    def main_act(self) -> str | None:
        """The law the article is mostly about (for "the bill"), computed on first use."""
        if not self._main_act:
            self._main_act.append(self.subjects.main_act(self.text))
        return self._main_act[0]

    def canonical_act(self, name: str) -> str:
        """A law's name as the article mostly writes it: "Passing the CLARITY Act" and
        "HFIA Act" are "CLARITY Act" and "Holding Foreign Insiders Accountable Act (HFIA)"."""
        main = self.main_act
        if main and (name.endswith(" " + main) or main.endswith(f"({name.split()[0]})")):
            return main
        return name

    def in_quote(self, pos: int) -> bool:
        """Is ``pos`` inside quotation marks (possibly a quote of several sentences)?"""
        if self._quotes is None:
            self._quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(self.text)]
        i = bisect_left(self._quotes, (pos + 1, 0)) - 1
        return i >= 0 and self._quotes[i][0] < pos < self._quotes[i][1]

    @cached_property  # per article, asked per candidate
    def release_dated(self) -> bool:
        """A regulator's release whose lead says "today", or a document that carries its
        date as a dateline ("Singapore, 14 August 2025 ..." or a "Date:" field): its own
        acts are of that day."""
        if self.issuer is not None and _TODAY.search(self.text, 0, 600) is not None:
            return True
        return _DATELINE.search(self.text, 0, 400) is not None

    def dominant_jurisdiction(self) -> str | None:
        if not self.jurisdictions:
            return None
        return self.jurisdictions.most_common(1)[0][0]


def build_context(
    article: Article,
    registry: Registry,
    places: Gazetteer,
    subjects: SubjectExtractor,
) -> ArticleContext:
    text = article.text
    outlet = article.source.outlet or article.site_name
    issuer = registry.issuer(outlet, article.url or article.canonical_url)
    found_places = places.find(text)
    hint: Counter[str] = Counter(p.place.code for p in found_places)
    if issuer is not None:
        hint[issuer.jurisdiction] += 3
    return ArticleContext(
        text=text,
        published=publication_date(article),
        sentences=split_sentences(text),
        authorities=registry.find(text, hint, issuer),
        places=found_places,
        issuer=issuer,
        subjects=subjects,
    )
