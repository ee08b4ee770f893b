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
from .places import PlaceMention
from .resources import GenericActor, Lexicon
from .rules import PASSAGE, Rule
from .sentences import Sentence
from .subjects import SubjectExtractor
from .trie import trie_regex

_AGENT_BEFORE = re.compile(
    r"(?:\bby|\bfrom|\bwith)\s+(?:the\s+)?(?:(?:[A-Z][\w’']+|[a-z]+)\s+){0,3}?$"
)
_LOCATION = re.compile(r"\b(?:in|filed\s+in|before|at|against)\s+(?:the\s+)?$")
_JOINT = re.compile(r"(?:\s+\([A-Z]{2,6}\))?\s+(?:and|&)\s+(?:the\s+)?")
_CONTINUATION = re.compile(
    r"(?:In\s+addition|In\s+conjunction\s+with|Additionally|At\s+the\s+same\s+time|"
    r"Concurrently|Separately)\b"
)
_GLUED = re.compile(r"(?<=\S\s)(?:The|A|An)\s+(?=[a-z])")
_COORDINATED = re.compile(r"\s*,?\s+(?:and|but|then)\s+")
_COMMA_GAP = re.compile(r"\s*,\s*")
_RELATIVE = re.compile(r"\b(?:which|that|who)\s*$")
_LEGISLATIVE = frozenset(["legislature", "chamber"])
_POLICING = frozenset([EventType.ENFORCEMENT_ACTION, EventType.INVESTIGATION])
_LICENSING = frozenset(["license_granted", "license_revoked", "license_applied", "registration"])
_POLICE_KINDS = frozenset(["law_enforcement", "prosecutor", "court"])
_FINANCIAL_DENSITY = 2  # context words per 1,000 characters of an article about money
# a financial regulator's own release is about money throughout
_FINANCIAL_ISSUERS = frozenset(["regulator", "central_bank", "ministry", "international"])
# "A Russian national", "the Chinese founder": the demonym describes a person
_PERSON_AFTER = re.compile(
    r"\s+(?:national|citizen|resident|man|woman|businessman|businesswoman|trader|founder|"
    r"executive|developer|hacker|programmer|investor|entrepreneur|suspect|fugitive|"
    r"tycoon|billionaire|banker|official|couple|student)s?\b"
)
_BACKGROUND = re.compile(
    r"\b(?:previously|earlier|recently|prior|originally|formerly|had\s+been|had|"
    r"in\s+the\s+past|since|parallel)\b",
    re.IGNORECASE,
)
_DISTINCT = re.compile(r"\b(?:[Ss]eparately|[Ii]n\s+addition|[Aa]dditionally|another)\b")
_ALSO = re.compile(r"\balso\b")
_CONDITION_AFTER = re.compile(r"\s+(?:only\s+)?(?:once|if|when|after|unless|upon)\b")
_FIRM_SUBJECT = re.compile(
    r"\b(?:the|a|an|its|their)\s+(?:\w+\s+)?(?:firm|company|exchange|platform|lender|issuer|"
    r"startup|protocol|project|business|operator)\s+(?:had\s+|has\s+|also\s+)?$"
)
_LISTED = re.compile(
    r"\bTo\s+List\s+and\s+Trade\s+(?:Shares|Units)\s+of\s+(?:the\s+)?"
    r"((?:[A-Z0-9][\w&\-]*\s+){0,8}?(?:Trust|ETF|Fund|Shares|ETP))\b"
)
_FOLLOW_UP = re.compile(
    r"(?:The|This|That)\s+(?:[a-z]+\s+)?(?:decision|order|fine|penalty|sanction|ruling|judgment|"
    r"licen[cs]e|approval|ban|suspension|revocation|settlement|action|registration)s?\b"
)
_DOCUMENTS = frozenset(["consult", "guidance", "relief", "policy", "body"])
_TOPICAL = _DOCUMENTS | {"rule"}
_PARTS = frozenset(["cons-proposed", "cons-comment"])
_ARTICLES = frozenset(["a", "an", "the", "its", "their"])
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
    distinct: bool = False  # "separately": a further act, never folded into another
    document: str | None = None  # guidance and consultations: what was published
    further: bool = False  # "also published a discussion paper": maybe another document
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
                self._by_word.setdefault(word[:1].upper() + word[1:], actor)
        self._regex = re.compile(trie_regex(self._by_word))

    def find(self, text: str, start: int, end: int) -> list[tuple[int, int, GenericActor]]:
        return [
            (m.start(), m.end(), self._by_word[m.group(0)])
            for m in self._regex.finditer(text, start, end)
        ]

    @staticmethod
    def resolve(
        ctx: ArticleContext,
        registry: Registry,
        sent: Sentence,
        pos: int,
        actor: GenericActor,
        kinds: frozenset[str],
    ) -> Authority | None:
        """Who "the central bank" or "police" at ``pos`` is: the article's most mentioned
        body of those kinds (of the country named just before, if any); for words that
        name one body, the registry's body of that country when the article names none."""
        qualifier = ctx.places_in(max(sent.start, pos - 25), pos)
        jurisdiction = qualifier[-1].place.code if qualifier else None
        auth = ctx.dominant(kinds, jurisdiction)
        if auth is None and actor.one_body:
            where = jurisdiction or (ctx.dominant_jurisdiction() if kinds & _LEGISLATIVE else None)
            auth = registry.primary(where, kinds) if where else None
            if auth is None and jurisdiction and "government" in kinds:
                auth = registry.government(jurisdiction)  # "the Australian government"
        return auth


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
        context: str = r"(?!x)x",
    ) -> None:
        self._registry = registry
        self._modality = modality
        self._subjects = subjects
        self._generic = generic
        self._context = re.compile(context, re.IGNORECASE)
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
        if rule.needs is not None:
            # "the Digital Financial Assets Law, which takes effect in July": the noun
            # the relative clause hangs on counts
            lo, hi = c_start, c_end
            if _RELATIVE.search(text, max(sent.start, c_start - 8), c_start):
                lo = max(sent.start, c_start - 80)
            if rule.needs_sentence:
                lo, hi = sent.start, sent.end
            if not rule.needs.search(text, lo, hi):
                return None
        if ctx.issuer is not None and ctx.in_quote(trig):
            return None  # a release's quotes comment on its act; they are not acts
        if rule.future_ok and _CONDITION_AFTER.match(text, trig_end):
            return None  # "will take effect once the government announces a date"
        if rule.actor == "authority" and _FIRM_SUBJECT.search(text, max(c_start, trig - 40), trig):
            return None  # "before the firm froze withdrawals": the firm acts, not an authority
        actor = self._actor(ctx, sent, rule, trig, trig_end, c_start)
        if actor is None:
            return None
        authority = actor.authority
        if authority is None and rule.implied == "legislature":
            authority = self._implied_legislature(ctx, sent, trig)
        if authority is None and rule.implied_authority:
            authority = self._registry.get(rule.implied_authority)
        if authority is None and rule.implied == "dominant" and rule.kinds:
            places = [p for p in ctx.places_in(sent.start, sent.end) if not _person(text, p)]
            authority = ctx.dominant(rule.kinds, places[0].place.code if places else None)
            if (
                authority is None
                and not places
                and ctx.issuer is not None
                and ctx.issuer.kind in rule.kinds
            ):
                authority = ctx.issuer
        passage = authority.passage if authority else ("chamber" if actor.found else None)
        event_type = rule.event_type(passage)
        if event_type is None:
            return None
        if (
            event_type in _POLICING
            and (authority is None or authority.kind in _POLICE_KINDS)
            and not (ctx.issuer is not None and ctx.issuer.kind in _FINANCIAL_ISSUERS)
            and not self._financial(ctx, sent)
        ):
            return None  # police and courts on a riot or a murder: not a regulatory event
        where = self._jurisdiction(ctx, sent, authority, trig, c_start)
        if where is None:
            return None
        jurisdiction, region, from_context = where
        when, explicit_date = self._date(ctx, sent, trig, trig_end, c_start, c_end)
        if not explicit_date:
            follow = _follow_up_date(ctx, sent)
            if follow is not None:
                when, explicit_date = follow, True
        continued = _CONTINUATION.match(text, sent.start) or _DISTINCT.search(text, c_start, trig)
        own_act = authority is not None and (
            authority is ctx.issuer or authority.id == rule.implied_authority
        )
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
            document=_document(rule, m),
            further=_ALSO.search(text, c_start, trig) is not None,
        )

    def _financial(self, ctx: ArticleContext, sent: Sentence) -> bool:
        """Is the sentence about money, markets or regulation, or one beside it in an
        article that is ("The ringleader was arrested" in a crypto-fraud story)?"""
        if self._context.search(ctx.text, sent.start, sent.end):
            return True
        if ctx.cache.get("financial") is None:
            needed = _FINANCIAL_DENSITY * max(1, len(ctx.text)) / 1000
            hits = 0
            for _ in self._context.finditer(ctx.text):
                hits += 1
                if hits >= needed:
                    break
            ctx.cache["financial"] = hits >= needed
        if not ctx.cache["financial"]:
            return False
        i = ctx.sentence_index(sent)
        lo = ctx.sentences[max(0, i - 1)].start
        hi = ctx.sentences[min(len(ctx.sentences) - 1, i + 1)].end
        return self._context.search(ctx.text, lo, hi) is not None

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
            if trig_end <= a.start <= trig_end + 90
            and _AGENT_BEFORE.search(text, max(0, a.start - 45), a.start)
        ]
        if agents:
            return self._named(ctx, sent, agents[0])
        if before and rule.actor != "none":
            return self._named(ctx, sent, before[-1])
        issuer = ctx.issuer
        fits = issuer is not None and (not rule.kinds or issuer.kind in rule.kinds)
        if rule.actor == "authority" and rule.issuer and fits:
            return Actor(issuer, explicit=False, found=True)
        if rule.actor == "state" and ctx.places_in(c_start, trig):
            return Actor(None, explicit=False, found=True)
        if rule.actor == "none":
            # a licence or registration in a regulator's own release is its own act
            if (
                fits
                and rule.type in _LICENSING
                and issuer is not None
                and issuer.kind == "regulator"
            ):
                return Actor(issuer, explicit=False, found=True)
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
        for pos, _, actor in reversed(self._generic.find(ctx.text, sent.start, trig)):
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
            auth = GenericActors.resolve(ctx, self._registry, sent, pos, actor, frozenset(kinds))
            return Actor(auth, explicit=False, found=True)
        return None

    def _implied_legislature(
        self, ctx: ArticleContext, sent: Sentence, trig: int
    ) -> Authority | None:
        places = ctx.places_in(sent.start, sent.end)
        if places and places[0].place.region is not None:
            return None  # "Texas Governor Greg Abbott signed a bill": a state's law
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
        places = [p for p in ctx.places_in(sent.start, sent.end) if not _person(ctx.text, p)]
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
            if d.end <= trig and _COMMA_GAP.fullmatch(ctx.text, d.end, trig):
                cost += 60  # "signed by the President in December 2022, took effect in June"
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
        skip += [(p.start, p.end) for p in ctx.places_in(sent.start, sent.end) if not p.law]
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
        if rule.subjects == "segment":
            cut = text.rfind(";", sent.start, trig)
            begin = text.rfind(";", sent.start, cut) + 1 if cut > 0 else sent.start
            out += self._subjects.names(text, max(begin, sent.start), cut if cut > 0 else trig)
        if rule.subjects == "listed":
            listed = _LISTED.search(text, trig, sent.end)
            if listed:
                out.append(listed.group(1))
        if rule.subjects == "acts":
            out += [ctx.canonical_act(a) for a in self._subjects.acts(text, sent.start, sent.end)]
            if not out:
                out += self._subjects.names(text, trig_end, after_end, skip=skip)
            if not out and ctx.main_act and self._subjects.refers_to_act(text, c_start, c_end):
                out.append(ctx.main_act)
        if not out and rule.kind in _TOPICAL:
            topic = self._subjects.topic(text, trig, sent.end)
            if topic:
                out.append(topic)
        if not out and rule.type == "enforcement_action":
            counted = self._subjects.counted(text, trig, after_end)
            if counted:
                out.append(counted)
        return tidy_subjects(out)[:_MAX_SUBJECTS]


def tidy_subjects(names: list[str]) -> list[str]:
    """Drop repeats and short forms of another subject ("ADM" beside
    "Archer-Daniels-Midland Company (ADM)", "Black Cell" beside "Black Cell Technology
    Limited")."""
    out: list[str] = []
    for name in names:
        if name in out:
            continue
        shorter = any(
            other != name and (f"({name})" in other or other.startswith(name + " "))
            for other in names
        )
        if not shorter:
            out.append(name)
    return out


def _follow_up_date(ctx: ArticleContext, sent: Sentence) -> EventDate | None:
    """ "CySEC has decided to suspend the authorisation of X. The decision was taken on
    10 February 2025.": the next sentence dates the act."""
    i = ctx.sentence_index(sent)
    if i + 1 >= len(ctx.sentences):
        return None
    nxt = ctx.sentences[i + 1]
    if not _FOLLOW_UP.match(ctx.text, nxt.start):
        return None
    for d in ctx.dates_in(nxt):
        if not d.period and d.date.precision == DatePrecision.DAY:
            return d.date
    return None


def _document(rule: Rule, m: re.Match[str]) -> str | None:
    """The document an "also" act publishes ("discussion paper"), for guidance and
    consultations: a second document is a second act, a second part of one proposal
    ("also proposed amendments", "also seeks comment") is not."""
    if rule.kind not in _DOCUMENTS or rule.id in _PARTS:
        return None
    words = [w for w in m.group(0).lower().split()[1:] if w not in _ARTICLES]
    return " ".join(words[-2:])


def _person(text: str, p: PlaceMention) -> bool:
    return p.demonym and _PERSON_AFTER.match(text, p.end) is not None


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
