"""From a trigger in a sentence to a candidate event: who acted, where, when, about whom.

One function per field, each reading the precomputed ArticleContext. A candidate is not
yet an event: the merge step folds repeated mentions of one act together first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemas.models import DatePrecision, EventType

from .authorities import Authority, AuthorityMention, Registry
from .context import ArticleContext
from .dates import DateMention, EventDate, unknown_date
from .modality import Modality
from .resources import GenericActor, Lexicon
from .rules import PASSAGE, Rule
from .sentences import Sentence
from .subjects import SubjectExtractor
from .trie import trie_regex

_AGENT_BEFORE = re.compile(r"(?:\bby|\bfrom|\bwith)\s+(?:the\s+)?$")
_LOCATION = re.compile(r"\b(?:in|filed\s+in|before|at|against)\s+(?:the\s+)?$")
_JOINT = re.compile(r"(?:\s+\([A-Z]{2,6}\))?\s+(?:and|&)\s+(?:the\s+)?")
_CONTINUATION = re.compile(
    r"(?:In\s+addition|In\s+conjunction\s+with|Additionally|At\s+the\s+same\s+time|"
    r"Concurrently|Separately)\b"
)
_GLUED = re.compile(r"(?<=\S\s)(?:The|A|An)\s+(?=[a-z])")
_COORDINATED = re.compile(r"\s*,?\s+(?:and|but|then)\s+")
_BACKGROUND = re.compile(
    r"\b(?:previously|earlier|recently|prior|originally|formerly|had\s+been|had|"
    r"in\s+the\s+past|since|parallel)\b",
    re.IGNORECASE,
)
_DISTINCT = re.compile(r"\b(?:[Ss]eparately|[Ii]n\s+addition|[Aa]dditionally|another)\b")
_SUBJECT_STOP = re.compile(
    r"\b(?:for|in\s+connection\s+with|alleging|allegedly|who|which|that|with\s+(?:violating|fraud|"
    r"defrauding|aiding)|after|because|over|relating\s+to|related\s+to|based\s+in|to\s+(?!the\b))\b|[;:]"
)
_MAX_SUBJECTS = 8


@dataclass
class Candidate:
    type: EventType
    kind: str
    rule_id: str
    sentence: Sentence
    trigger: int
    authority: Authority | None
    jurisdiction: str
    region: str | None
    subjects: list[str]
    date: EventDate
    confidence: float
    label: str | None = None  # authority as written in the event, when not the registry name
    speaker: str | None = None  # official_statement: who spoke (surname or authority id)
    priority: int = 1
    distinct: bool = False  # "separately", "also": a further act, never folded into another
    also: list[tuple[int, int]] = field(default_factory=list)  # other mentions of the act
    span: tuple[int, int] = (0, 0)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.span == (0, 0):
            self.span = (self.sentence.start, self.sentence.end)


class GenericActors:
    """ "the Commission", "police", "Hong Kong authorities": resolved in the article."""

    def __init__(self, lex: Lexicon) -> None:
        self._by_word: dict[str, GenericActor] = {}
        for actor in lex.generic_actors:
            for word in actor.words:
                self._by_word.setdefault(word, actor)
        self._regex = re.compile(trie_regex(self._by_word))

    def find(self, text: str, start: int, end: int) -> list[tuple[int, GenericActor]]:
        return [
            (m.start(), self._by_word[m.group(0)]) for m in self._regex.finditer(text, start, end)
        ]


@dataclass(frozen=True, slots=True)
class Actor:
    authority: Authority | None
    explicit: bool  # named in the sentence
    found: bool  # someone acts (a named, generic or implied authority, or a state)
    label: str | None = None  # "SEC and CFTC" when two act jointly


class CandidateBuilder:
    def __init__(
        self,
        registry: Registry,
        modality: Modality,
        subjects: SubjectExtractor,
        generic: GenericActors,
    ) -> None:
        self._registry = registry
        self._modality = modality
        self._subjects = subjects
        self._generic = generic
        self._legislatures = {
            a.jurisdiction: a
            for a in reversed(list(registry.authorities.values()))
            if a.kind == "legislature" and a.passage == "final"
        }

    def build(
        self, ctx: ArticleContext, sent: Sentence, rule: Rule, m: re.Match[str]
    ) -> Candidate | None:
        text = ctx.text
        trig, trig_end = m.start(), m.end()
        if self._modality.blocked(text, sent.start, trig, future_ok=rule.future_ok):
            return None
        c_start = self._modality.clause_start(text, sent.start, trig)
        c_end = self._modality.clause_end(text, trig_end, sent.end)
        if rule.forbid is not None and rule.forbid.search(text, sent.start, sent.end):
            return None
        if rule.needs is not None and not rule.needs.search(text, c_start, c_end):
            return None
        if ctx.issuer is not None and ctx.in_quote(trig):
            return None  # a release's quotes comment on its act; they are not acts
        actor = self._actor(ctx, sent, rule, trig, trig_end, c_start)
        if actor is None:
            return None
        authority = actor.authority
        if authority is None and rule.implied == "legislature":
            authority = self._implied_legislature(ctx, sent, trig)
        if authority is None and rule.implied == "dominant" and rule.kinds:
            places = ctx.places_in(sent.start, sent.end)
            authority = ctx.dominant(rule.kinds, places[0].place.code if places else None)
        passage = authority.passage if authority else ("chamber" if actor.found else None)
        event_type = rule.event_type(passage)
        if event_type is None:
            return None
        where = self._jurisdiction(ctx, sent, authority, trig, c_start)
        if where is None:
            return None
        jurisdiction, region, from_context = where
        when, explicit_date = self._date(ctx, sent, trig, trig_end, c_start, c_end)
        continued = _CONTINUATION.match(text, sent.start) or _DISTINCT.search(text, c_start, trig)
        own_act = authority is not None and authority is ctx.issuer
        background = _BACKGROUND.search(text, sent.start, trig) is not None
        if not explicit_date and ctx.release_dated and (continued or own_act) and not background:
            when, explicit_date = EventDate(ctx.published.isoformat(), DatePrecision.DAY), True
        subjects = self._subject_names(ctx, sent, rule, trig, trig_end, c_start, c_end)
        confidence = rule.confidence
        confidence += 0.05 if actor.explicit else 0.0
        confidence += 0.04 if explicit_date else -0.03
        confidence -= 0.15 if from_context else 0.0
        confidence -= 0.1 if self._modality.hedged(text, sent.start, trig) else 0.0
        confidence -= 0.1 if ctx.in_quote(trig) else 0.0
        return Candidate(
            type=event_type,
            kind=rule.kind,
            rule_id=rule.id,
            sentence=sent,
            trigger=trig,
            authority=authority,
            jurisdiction=jurisdiction,
            region=region,
            subjects=subjects,
            date=when,
            confidence=max(0.05, min(0.98, confidence)),
            label=actor.label if actor.authority is authority else None,
            distinct=_DISTINCT.search(text, sent.start, trig) is not None,
        )

    # ------------------------------------------------------------------ actor
    def _actor(
        self,
        ctx: ArticleContext,
        sent: Sentence,
        rule: Rule,
        trig: int,
        trig_end: int,
        c_start: int,
    ) -> Actor | None:
        """Who acts: the authority in subject position, else a generic one ("the
        Commission", "police"), else the agent of a passive ("by the SFC"), else the
        issuer of a regulator's own release. "filed in the District Court" is a place."""
        text = ctx.text
        mentions = [
            a
            for a in ctx.authorities_in(sent.start, sent.end)
            if (not rule.kinds or a.authority.kind in rule.kinds)
            and not _LOCATION.search(text, max(sent.start, a.start - 16), a.start)
        ]
        if rule.near is not None:
            mentions = [a for a in mentions if _distance(a, trig, trig_end) <= rule.near]
        if rule.type == PASSAGE and mentions:
            best = _nearest(text, mentions, trig, trig_end, c_start)
            return self._named(ctx, sent, best) if best else None
        if rule.prefer:
            # "obtained orders in the Court of First Instance": the court decides
            preferred = [
                a
                for a in ctx.authorities_in(sent.start, sent.end)
                if a.authority.kind in rule.prefer
            ]
            if preferred:
                return self._named(ctx, sent, preferred[0])
            court = self._generic_actor(ctx, sent, rule, sent.end, c_start, rule.prefer)
            if court is not None and court.authority is not None:
                return court
        before = [a for a in mentions if a.end <= trig]
        in_clause = [a for a in before if a.start >= c_start]
        if in_clause:
            return self._named(ctx, sent, in_clause[-1])
        generic = self._generic_actor(ctx, sent, rule, trig, c_start)
        if generic is not None:
            return generic
        agents = [
            a
            for a in mentions
            if trig_end <= a.start <= trig_end + 40
            and _AGENT_BEFORE.search(text, max(0, a.start - 12), a.start)
        ]
        if agents:
            return self._named(ctx, sent, agents[0])
        if before:
            return self._named(ctx, sent, before[-1])
        issuer = ctx.issuer
        fits = issuer is not None and (not rule.kinds or issuer.kind in rule.kinds)
        if rule.actor == "authority" and rule.issuer and fits:
            return Actor(issuer, explicit=False, found=True)
        if rule.actor == "state" and ctx.places_in(c_start, trig):
            return Actor(None, explicit=False, found=True)
        if rule.actor == "none":
            return Actor(None, explicit=False, found=False)
        return None

    @staticmethod
    def _named(ctx: ArticleContext, sent: Sentence, a: AuthorityMention) -> Actor:
        """A named authority, or the first of two acting together ("the SEC and the CFTC")."""
        for b in ctx.authorities_in(sent.start, a.start):
            if b.authority.id != a.authority.id and _JOINT.fullmatch(ctx.text, b.end, a.start):
                label = f"{b.authority.name} and {a.authority.name}"
                return Actor(b.authority, explicit=True, found=True, label=label)
        return Actor(a.authority, explicit=True, found=True)

    def _generic_actor(
        self,
        ctx: ArticleContext,
        sent: Sentence,
        rule: Rule,
        trig: int,
        c_start: int,
        only: frozenset[str] | None = None,
    ) -> Actor | None:
        named = ctx.authorities_in(sent.start, trig)
        for pos, actor in reversed(self._generic.find(ctx.text, sent.start, trig)):
            if any(a.start <= pos < a.end for a in named):
                continue  # "Court" inside "U.S. District Court for ..."
            if _LOCATION.search(ctx.text, max(sent.start, pos - 16), pos):
                continue
            kinds = actor.kinds & rule.kinds if rule.kinds else actor.kinds
            kinds = kinds & only if only else kinds
            if not kinds:
                continue
            if actor.release_issuer and ctx.issuer is not None and ctx.issuer.kind in kinds:
                return Actor(ctx.issuer, explicit=False, found=True)
            qualifier = ctx.places_in(max(sent.start, pos - 25), pos)
            jurisdiction = qualifier[-1].place.code if qualifier else None
            auth = ctx.dominant(frozenset(kinds), jurisdiction)
            return Actor(auth, explicit=False, found=True)
        return None

    def _implied_legislature(
        self, ctx: ArticleContext, sent: Sentence, trig: int
    ) -> Authority | None:
        places = ctx.places_in(sent.start, sent.end)
        code = (
            places[0].place.code
            if places
            else (ctx.issuer.jurisdiction if ctx.issuer else ctx.dominant_jurisdiction())
        )
        return self._legislatures.get(code) if code else None

    # ------------------------------------------------------------------ where, when, whom
    @staticmethod
    def _jurisdiction(
        ctx: ArticleContext,
        sent: Sentence,
        authority: Authority | None,
        trig: int,
        c_start: int,
    ) -> tuple[str, str | None, bool] | None:
        if authority is not None:
            return authority.jurisdiction, authority.region, False
        places = ctx.places_in(sent.start, sent.end)
        if places:
            before = [p for p in places if c_start <= p.start < trig]
            pick = before[-1] if before else min(places, key=lambda p: abs(p.start - trig))
            return pick.place.code, pick.place.region, False
        if ctx.issuer is not None:
            return ctx.issuer.jurisdiction, ctx.issuer.region, False
        dominant = ctx.dominant_jurisdiction()
        if dominant is not None:
            return dominant, None, True
        return None

    @staticmethod
    def _date(
        ctx: ArticleContext,
        sent: Sentence,
        trig: int,
        trig_end: int,
        c_start: int,
        c_end: int,
    ) -> tuple[EventDate, bool]:
        best: DateMention | None = None
        best_cost = 10**9
        for d in ctx.dates_in(sent):
            if d.period:
                continue
            cost = min(abs(d.start - trig_end), abs(trig - d.end))
            cost += 200 if not (c_start <= d.start < c_end) else 0
            if d.end <= trig and _COORDINATED.fullmatch(ctx.text, d.end, trig):
                cost += 100  # "passed the House in 2025 and cleared the committee in May"
            opened = ctx.text.count("(", sent.start, d.start) - ctx.text.count(
                ")", sent.start, d.start
            )
            cost += 300 if opened > 0 else 0  # a case caption "(S.D.N.Y. filed May 28, 2021)"
            if cost < best_cost:
                best, best_cost = d, cost
        if best is None or best_cost > 250:
            return unknown_date(ctx.published), False
        return best.date, best.date.precision != DatePrecision.UNKNOWN

    def _subject_names(
        self,
        ctx: ArticleContext,
        sent: Sentence,
        rule: Rule,
        trig: int,
        trig_end: int,
        c_start: int,
        c_end: int,
    ) -> list[str]:
        text = ctx.text
        skip = [(a.start, a.end) for a in ctx.authorities_in(sent.start, sent.end)]
        skip += [(p.start, p.end) for p in ctx.places_in(sent.start, sent.end)]
        skip += [(d.start, d.end) for d in ctx.dates_in(sent)]
        # the object often sits inside the match ("granted Coinbase a licence"): read
        # from the end of the trigger's first word
        first = re.match(r"\S+", text[trig:trig_end])
        trig_end = trig + (first.end() if first else 0)
        stop = _SUBJECT_STOP.search(text, trig_end, c_end)
        after_end = min(stop.start() if stop else c_end, trig_end + 220)
        out: list[str] = []
        if rule.subjects in {"before", "both"}:
            # a heading glued to its sentence ("Legal Proceedings The ringleader was")
            glued = [m.start() for m in _GLUED.finditer(text, c_start, trig)]
            out += self._subjects.names(text, glued[-1] if glued else c_start, trig, skip=skip)
        if rule.subjects in {"after", "both"}:
            out += self._subjects.names(text, trig_end, after_end, skip=skip)
        if rule.subjects == "acts":
            out += self._subjects.acts(text, sent.start, sent.end)
            if not out:
                out += self._subjects.names(text, trig_end, after_end, skip=skip)
            if not out and ctx.main_act and self._subjects.refers_to_act(text, c_start, c_end):
                out.append(ctx.main_act)
        unique: list[str] = []
        for name in out:
            if name not in unique:
                unique.append(name)
        return unique[:_MAX_SUBJECTS]


def _distance(a: AuthorityMention, start: int, end: int) -> int:
    if a.end <= start:
        return start - a.end
    if a.start >= end:
        return a.start - end
    return 0


def _nearest(
    text: str, mentions: list[AuthorityMention], trig: int, trig_end: int, c_start: int
) -> AuthorityMention | None:
    best, best_cost = None, 10**9
    for a in mentions:
        cost = _distance(a, trig, trig_end)
        if a.start >= trig_end and not _AGENT_BEFORE.search(text, max(0, a.start - 12), a.start):
            cost = int(cost * 1.5) + 10  # an object rather than the actor, usually
        if a.end <= trig and a.start < c_start:
            cost += 60  # in an earlier clause
        if cost < best_cost:
            best, best_cost = a, cost
    return best
