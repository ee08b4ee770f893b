"""The rule-based event extractor: Article in, RegulatoryEvents out.

>>> from services.parser.events import extract
>>> # extract(article) -> list[RegulatoryEvent]; see tests/unit/parser/events for real input.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Protocol, runtime_checkable

from schemas.ids import event_id
from schemas.models import Article, EventSource, EventType, Extractor, RegulatoryEvent, Span

from .authorities import Registry, default_registry
from .candidates import Candidate, CandidateBuilder, GenericActors
from .context import ArticleContext, build_context
from .merge import act_family, merge_acts, merge_statements
from .modality import Modality, default_modality, is_question
from .places import Gazetteer, default_gazetteer
from .resources import lexicon
from .rules import RuleSet, default_rules
from .statements import StatementFinder
from .subjects import SubjectExtractor, default_subjects
from .taxonomy import TAXONOMY

EXTRACTOR_NAME = "regwire-rules"
EXTRACTOR_VERSION = "1.0.0"


@runtime_checkable
class EventExtractor(Protocol):
    """Anything that turns one normalised Article into its regulatory events."""

    name: str
    version: str

    def __call__(self, article: Article) -> list[RegulatoryEvent]: ...


class RuleBasedExtractor:
    """Rules, lexicons and registries from data/*.yaml; pure and deterministic per call."""

    name = EXTRACTOR_NAME
    version = EXTRACTOR_VERSION

    def __init__(
        self,
        *,
        registry: Registry | None = None,
        places: Gazetteer | None = None,
        rules: RuleSet | None = None,
        modality: Modality | None = None,
        subjects: SubjectExtractor | None = None,
    ) -> None:
        self._registry = registry or default_registry()
        self._places = places or default_gazetteer()
        self._rules = rules or default_rules()
        self._modality = modality or default_modality()
        self._subjects = subjects or default_subjects()
        lex = lexicon()
        generic = GenericActors(lex)
        self._builder = CandidateBuilder(
            self._registry, self._modality, self._subjects, generic, lex.enforcement_context
        )
        self._statements = StatementFinder(
            self._registry, lexicon(), self._modality, self._subjects, generic
        )
        self._stamp = Extractor(name=self.name, version=self.version)

    def __call__(self, article: Article) -> list[RegulatoryEvent]:
        ctx = build_context(article, self._registry, self._places, self._subjects)
        acts, statements = self.candidates(ctx)
        merged = merge_acts(acts, release=ctx.issuer is not None, published=ctx.published)
        merged += merge_statements(statements)
        merged.sort(key=lambda c: (c.span[0], c.trigger))
        _full_names(merged)
        return [self._event(article, ctx, c) for c in merged]

    def candidates(self, ctx: ArticleContext) -> tuple[list[Candidate], list[Candidate]]:
        """Every act and statement candidate, before merging (for tests and diagnostics)."""
        text = ctx.text
        starts = [s.start for s in ctx.sentences]
        # sentence index -> rule index -> keyword positions
        wanted: dict[int, dict[int, list[int]]] = {}
        for pos, rule_ids in self._rules.hits(text):
            i = bisect_right(starts, pos) - 1
            if i >= 0:
                per_rule = wanted.setdefault(i, {})
                for r in rule_ids:
                    per_rule.setdefault(r, []).append(pos)
        acts: list[Candidate] = []
        triggers: dict[int, list[Candidate]] = {}
        for i in sorted(wanted):
            sent = ctx.sentences[i]
            if is_question(text[sent.start : sent.end]):
                continue
            found: list[Candidate] = []
            for r in sorted(wanted[i]):
                rule = self._rules.rules[r]
                for m in _matches(rule.regex, text, sent.start, sent.end, wanted[i][r]):
                    cand = self._builder.build(ctx, sent, rule, m)
                    if cand is not None and not _duplicate(found, cand):
                        found.append(cand)
            found.sort(key=lambda c: c.trigger)
            acts.extend(found)
            triggers[sent.start] = found
        return acts, self._statements.find_all(ctx, triggers)

    def _event(self, article: Article, ctx: ArticleContext, c: Candidate) -> RegulatoryEvent:
        canonical = sorted({self._subjects.canonical(s) for s in c.subjects})
        start, end = c.span
        return RegulatoryEvent(
            event_id=event_id(
                c.type.value,
                c.jurisdiction,
                c.authority.id if c.authority else None,
                canonical,
                c.date.value,
                c.date.precision.value,
            ),
            event_type=c.type,
            jurisdiction=c.jurisdiction,
            region=c.region,
            authority=c.label or (c.authority.name if c.authority else None),
            authority_id=c.authority.id if c.authority else None,
            subjects=list(c.subjects),
            event_date=c.date.value,
            date_precision=c.date.precision,
            summary=summary(c),
            evidence=ctx.text[start:end],
            evidence_spans=[Span(start=s, end=e) for s, e in ((start, end), *sorted(c.also))],
            confidence=round(c.confidence, 3),
            sources=[
                EventSource(
                    article_id=article.article_id,
                    url=article.url or article.canonical_url,
                    outlet=article.source.outlet or article.site_name,
                    published_at=article.published_at,
                )
            ],
            extractor=self._stamp,
        )


# A trigger spans at most this far around its keyword; rules scan only there, not the
# whole sentence (regulator releases run to 500-character sentences).
_BEFORE, _AFTER = 160, 220


def _matches(
    regex: re.Pattern[str], text: str, start: int, end: int, keywords: list[int]
) -> list[re.Match[str]]:
    windows: list[tuple[int, int]] = []
    for pos in keywords:
        lo, hi = max(start, pos - _BEFORE), min(end, pos + _AFTER)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    seen: set[int] = set()
    out = []
    for lo, hi in windows:
        for m in regex.finditer(text, lo, hi):
            if m.start() not in seen:
                seen.add(m.start())
                out.append(m)
    return out


def _duplicate(found: list[Candidate], cand: Candidate) -> bool:
    """The same act twice in one sentence (two rules, or two verbs for one act)."""
    for other in found:
        same_who = (other.authority.id if other.authority else None) == (
            cand.authority.id if cand.authority else None
        )
        same_kind = act_family(other) == act_family(cand)
        court = any(c.authority is not None and c.authority.kind == "court" for c in (other, cand))
        if court and other.type == cand.type and other.date == cand.date:
            same_who = same_kind = True  # "SEC obtains judgment" + "the court entered judgment"
        if same_who and other.type == cand.type and abs(other.trigger - cand.trigger) <= 3:
            same_kind = True  # two rules read one verb ("approved amendments to the Law")
        if other.type == cand.type and same_who and same_kind and other.date == cand.date:
            for s in cand.subjects:
                if s not in other.subjects:
                    other.subjects.append(s)
            return True
    return False


def _full_names(cands: list[Candidate]) -> None:
    """ "Chu" -> "Daniel Chu" when the article names the person in full elsewhere."""
    full: dict[str, str] = {}
    for c in cands:
        for s in c.subjects:
            parts = s.split()
            if 2 <= len(parts) <= 4 and parts[-1][:1].isupper():
                full.setdefault(parts[-1], s)
    for c in cands:
        out: list[str] = []
        for s in c.subjects:
            name = full.get(s, s) if " " not in s else s
            if name not in out:
                out.append(name)
        c.subjects = out


def summary(c: Candidate) -> str:
    """One plain sentence: who did what to whom, where and when."""
    actor = c.label or (c.authority.name if c.authority else f"Authorities in {c.jurisdiction}")
    definition = TAXONOMY[c.type]
    objects = ", ".join(c.subjects[:3]) if c.subjects else ""
    if c.type is EventType.OFFICIAL_STATEMENT:
        what = f"made a statement{' about ' + objects if objects else ''}"
    elif objects:
        what = f"{definition.verb} {objects}"
    else:
        what = f"took a regulatory action ({definition.label})"
    when = "" if c.date.precision.value == "unknown" else f" ({c.date.value})"
    return f"{actor} {what} in {c.jurisdiction}{when}."
