"""official_statement: an official's (or a regulator's) own words, warnings and letters.

A statement needs a speaker who speaks for an authority: a title the registry knows
("Senator", "SEC Chairman", "a Hong Kong lawmaker", "member of the Legislative Council"),
a person named that way earlier in the article ("Lummis said"), or the authority itself
("The SFC warns that", "police stated"). Former officials, analysts and firms speak for
no one. In a regulator's own release, the quotes that decorate the act are not events;
its warnings, alerts, letters and MOUs are.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from schemas.models import DatePrecision, EventType

from .authorities import Authority, Registry
from .candidates import Candidate, CandidateBuilder, GenericActors
from .context import ArticleContext
from .dates import EventDate
from .modality import Modality, is_question
from .resources import Lexicon
from .sentences import Sentence
from .subjects import SubjectExtractor
from .trie import trie_regex

_FORMER = re.compile(r"(?:\b[Ff]ormer|\b[Ee]x-|\b[Ee]x)\s*(?:[\w.]+\s+){0,2}$")
_NAME_AFTER = re.compile(
    r"\s+((?:[A-Z][\w’'\-]*\.?\s+){0,3}[A-Z][\w’'\-]+)"
    r"(?:(?:,\s+|\s+and\s+)((?:[A-Z][\w’'\-]*\.?\s+){0,3}[A-Z][\w’'\-]+))?"
)
_NAME_BEFORE = re.compile(
    r"((?:[A-Z][\w’'\-]*\.?\s+){0,3}[A-Z][\w’'\-]+),\s+(?:a|an|the)?\s*(?:[a-z][\w\-]*\s+){0,2}$"
)
_GAP_POSSESSIVE = re.compile(r"^(?:’s|'s)(?:\s+(?:[A-Z][\w\-]*|of|and|for|the))*")
_GAP_APPOSITIVE = re.compile(r"^\s*(?:\([^)]{1,12}\)\s*)?,[^,;]{1,120},")
_GAP_WORDS = re.compile(r"^[\s,]*(?:(?!the\b|a\b|an\b|which\b)[a-z][\w\-]*,?\s+){0,6}$")
_PRESENT = re.compile(r"\s+(?:also\s+)?(?!has\b|is\b|was\b)[a-z]+s\b")
_PAIR = re.compile(r"\s+(?:and|&)\s+$")
_INVERTED = re.compile(r"[,\"”’']\s*$")
# "is expected to", "was said to": the verb is part of a passive hedge, nobody speaks
_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+$")
_JOINT = re.compile(r"(?:\s+\([A-Z]{2,6}\))?\s+(?:and|&)\s+(?:the\s+)?")
_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")
_NEGATED = re.compile(r"(?:\bnot|n['’]t|\bnever|declined\s+to|refused\s+to)\s+(?:\w+\s+)?$")
_REPORTING = frozenset(
    [
        "announced",
        "announces",
        "said",
        "says",
        "stated",
        "states",
        "confirmed",
        "revealed",
        "noted",
        "told",
    ]
)
_SPEAKING_KINDS = frozenset(
    [
        "regulator",
        "central_bank",
        "ministry",
        "government",
        "legislature",
        "chamber",
        "committee",
        "law_enforcement",
        "prosecutor",
        "executive",
        "international",
    ]
)
_LEGISLATOR_TITLES = frozenset(["lawmaker", "lawmakers", "legislator", "legislators"])
_POLICY_HITS = 5  # strong topic words that make a whole article one about regulation
# ministers whose words are about money and markets; a prime minister's or president's
# remarks are mostly about everything else
_MINISTERIAL = re.compile(
    r"\b(?:Finance|Economy|Economic|Treasury|Commerce|Trade|Digital|Industry|Investment)\s+"
    r"(?:Minister|Secretary)\b|\b(?:Minister|Secretary)\s+(?:of|for)\s+(?:the\s+)?"
    r"(?:Finance|Economy|Treasury|Commerce|Trade|Digital|Industry|Investment)\b"
)
_ADDED = frozenset(["added", "adds"])
_ADDED_SPEECH = re.compile(r"\s*(?:that\b|:|,|\.|$)|\s+(?:his|her|their|its)\s+voice\b")
# "announced the arrests": the object is the act, not a statement
_ANNOUNCED_OBJECT = re.compile(
    r"\s+(?!that\b|plans?\b|proposals?\b|its\s+intention)(?:the|an?|its|their|new)\b"
)
_OFFICE = re.compile(r"\b(?:Chair|Chairman|Chairwoman|Commissioner|Governor|Superintendent)\b")
_OFFICE_BODIES = frozenset(
    ["Committee", "Subcommittee", "Commission", "Board", "Agency", "Senate", "House", "Bank"]
)
_OWNER_BEFORE = re.compile(r"\b([A-Z][\w.&\-]*)(?:'s|’s)?\s+(?:acting\s+|Acting\s+)?$")
_GOVERNMENT_KINDS = frozenset(["ministry", "government"])
_LEGISLATIVE_KINDS = frozenset(["legislature", "chamber", "committee"])
_LEGISLATIVE_TOPIC = re.compile(r"\b(?:vote|votes|voting|bill|legislation|law|markup|floor)\b")
# "a letter to the SEC regarding Donald Trump's memecoin": what the statement is about
_ABOUT = re.compile(r"\b(?:regarding|concerning|about|over|on)\s+(?=(?:the\s+)?[A-Z])")
# "an adviser to Sen. Thom Tillis": the title belongs to someone other than the speaker
_DEPENDENT = re.compile(
    r"\b(?:adviser|advisor|aide|staffer|lawyer|attorney|counsel|ally|critic|friend|son|"
    r"daughter|wife|husband|donor|pollster|consultant)s?\s+(?:to|for|of)\s+(?:the\s+)?[^,;]{0,40}$"
)


class _Lazy:
    """A yes/no fact about the article, worked out the first time it is needed."""

    def __init__(self, compute: Callable[[], bool]) -> None:
        self._compute: Callable[[], bool] | None = compute
        self._value = False

    @property
    def value(self) -> bool:
        if self._compute is not None:
            self._value, self._compute = self._compute(), None
        return self._value


@dataclass(frozen=True, slots=True)
class Official:
    name: str | None
    authority: Authority


@dataclass(frozen=True, slots=True)
class _Ref:
    start: int
    end: int
    official: Official | None  # None: a former official or a non-official
    key: str
    priority: int


def _is_subject(text: str, ref_end: int, verb: int) -> bool:
    """Does a speaker ending at ``ref_end`` plausibly govern the verb at ``verb``?

    Allowed between them: a possessive office ("’s Office of Investor Education"), an
    appositive (", a member of the Legislative Council,") and a few lower-case words
    ("has", "also", "wishes to"); not another noun phrase ("the report noted").
    """
    gap = text[ref_end:verb]
    gap = _GAP_POSSESSIVE.sub("", gap, count=1)
    gap = _GAP_APPOSITIVE.sub("", gap, count=1)
    return _GAP_WORDS.match(gap + " ") is not None


def _first_of_pair(text: str, refs: list[_Ref], speaker: _Ref) -> _Ref:
    """ "Warren and Blumenthal stated": the pair is keyed by its first name."""
    for r in refs:
        if r.end <= speaker.start and r.official and _PAIR.fullmatch(text, r.end, speaker.start):
            return r
    return speaker


class StatementFinder:
    def __init__(
        self,
        registry: Registry,
        lex: Lexicon,
        modality: Modality,
        subjects: SubjectExtractor,
        generic: GenericActors,
    ) -> None:
        self._registry = registry
        self._modality = modality
        self._subjects = subjects
        self._generic = generic
        self._remark = re.compile(trie_regex(lex.remark_verbs).replace("\\ ", r"\s+"))
        self._publication = re.compile(lex.publication_verbs)
        self._publication_heads = re.compile(trie_regex(lex.publication_keywords))
        self._topic = re.compile(lex.statement_topics, re.IGNORECASE)
        self._topic_weak = re.compile(lex.statement_topics_weak, re.IGNORECASE)
        self._members: dict[str, list[Authority]] = {}
        for auth in registry.with_members():
            for title in auth.members:
                self._members.setdefault(title, []).append(auth)
        self._stop = lex.name_stopwords
        titles = set(self._members) | set(lex.official_titles)
        self._titles = re.compile(trie_regex(titles))
        self._generic_titles = frozenset(lex.official_titles)

    def find_all(self, ctx: ArticleContext, acts: dict[int, list[Candidate]]) -> list[Candidate]:
        """Statement candidates of an article, at most one per sentence, in order.

        ``acts`` maps a sentence start to the acts found in that sentence.
        """
        text = ctx.text
        verbs: dict[int, list[tuple[re.Match[str], int]]] = {}
        found = [(m, 3) for m in self._publications(text)]
        if ctx.issuer is None:
            found += [(m, 0) for m in self._remark.finditer(text)]
        if not found:
            return []
        starts = [s.start for s in ctx.sentences]
        for m, bonus in found:
            i = bisect_right(starts, m.start()) - 1
            if i >= 0:
                verbs.setdefault(i, []).append((m, bonus))
        officials: dict[str, Official | None] = {}
        titles: dict[int, list[_Ref]] = {}
        for m in self._titles.finditer(text):
            i = bisect_right(starts, m.start()) - 1
            if i >= 0:
                titles.setdefault(i, []).extend(
                    self._title_refs(ctx, ctx.sentences[i], m, officials)
                )
        surnames = re.compile(trie_regex(officials)) if officials else None
        # authority id -> sentence indexes of its acts
        actors: dict[str, list[int]] = {}
        for i, sent in enumerate(ctx.sentences):
            for c in acts.get(sent.start, []):
                if c.authority is not None:
                    actors.setdefault(c.authority.id, []).append(i)
        policy = _Lazy(lambda: self._policy_article(ctx))
        out: list[Candidate] = []
        for i in sorted(verbs):
            sent = ctx.sentences[i]
            if is_question(text[sent.start : sent.end]):
                continue
            refs = self._refs(ctx, sent, titles.get(i, []), officials, surnames)
            for verb, bonus in sorted(verbs[i], key=lambda v: v[0].start()):
                cand = self._statement(
                    ctx, sent, refs, verb, bonus, acts.get(sent.start, []), actors, policy
                )
                if cand is not None:
                    out.append(cand)
                    break
        return out

    def _publications(self, text: str) -> list[re.Match[str]]:
        out: list[re.Match[str]] = []
        last = 0
        for head in self._publication_heads.finditer(text.lower()):
            if head.start() < last:
                continue
            m = self._publication.match(text, head.start(), min(len(text), head.start() + 160))
            if m is not None:
                out.append(m)
                last = m.end()
        return out

    # ------------------------------------------------------------------ speakers
    def _refs(
        self,
        ctx: ArticleContext,
        sent: Sentence,
        titled: list[_Ref],
        officials: dict[str, Official | None],
        surnames: re.Pattern[str] | None,
    ) -> list[_Ref]:
        text = ctx.text
        refs = list(titled)
        if surnames is not None:
            for m in surnames.finditer(text, sent.start, sent.end):
                key = f"person:{m.group(0).casefold()}"
                refs.append(_Ref(m.start(), m.end(), officials[m.group(0)], key, 2))
        for a in ctx.authorities_in(sent.start, sent.end):
            if a.authority.kind in _SPEAKING_KINDS:
                official = Official(None, a.authority)
                refs.append(_Ref(a.start, a.end, official, f"auth:{a.authority.id}", 1))
        for pos, end, actor in self._generic.find(text, sent.start, sent.end):
            if actor.release_issuer and ctx.issuer is not None:
                auth: Authority | None = ctx.issuer
            else:
                kinds = actor.kinds & _SPEAKING_KINDS
                auth = GenericActors.resolve(ctx, self._registry, sent, pos, actor, kinds)
            if auth is not None:
                refs.append(_Ref(pos, end, Official(None, auth), f"auth:{auth.id}", 0))
        refs.sort(key=lambda r: r.start)
        return refs

    def _title_refs(
        self,
        ctx: ArticleContext,
        sent: Sentence,
        m: re.Match[str],
        officials: dict[str, Official | None],
    ) -> list[_Ref]:
        text, title = ctx.text, m.group(0)
        former = _FORMER.search(text, max(sent.start, m.start() - 30), m.start()) is not None
        former = (
            former
            or _DEPENDENT.search(text, max(sent.start, m.start() - 60), m.start()) is not None
        )
        authority = self._title_authority(ctx, sent, m)
        names: list[str] = []
        after = _NAME_AFTER.match(text, m.end(), sent.end)
        before = _NAME_BEFORE.search(text, max(sent.start, m.start() - 60), m.start())
        if after:
            names = [_POSSESSIVE.sub("", n) for n in after.groups() if n and self._is_name(n)]
        if not names and before and self._is_name(before.group(1)):
            names = [before.group(1)]
        if former or authority is None:
            for name in names:
                officials[name.split()[-1]] = None
            return [_Ref(m.start(), m.end(), None, "none", 0)]
        official = Official(names[0] if len(names) == 1 else None, authority)
        for name in names:
            officials[name.split()[-1]] = Official(name, authority)
        end = after.end() if after and names else m.end()
        start = before.start() if (before and names and not after) else m.start()
        if names:
            key = f"person:{names[0].split()[-1].casefold()}"
        elif title in _LEGISLATOR_TITLES:
            key = f"unnamed:{authority.id}"
        else:
            key = f"auth:{authority.id}"
        return [_Ref(start, end, official, key, 2 if names else 1)]

    def _title_authority(
        self, ctx: ArticleContext, sent: Sentence, m: re.Match[str]
    ) -> Authority | None:
        title = m.group(0)
        members = self._members.get(title)
        if members:  # a title the registry knows ("Senator", "SEC Chairman", "lawmaker")
            if len(members) == 1:
                return members[0]
            places = ctx.places_in(max(sent.start, m.start() - 30), m.start())
            code = places[-1].place.code if places else ctx.dominant_jurisdiction()
            return next((a for a in members if a.jurisdiction == code), members[0])
        if title not in self._generic_titles:
            return None
        # a generic title takes the body named beside it ("Director of the SEC's Division")
        near = [
            a
            for a in ctx.authorities_in(
                max(sent.start, m.start() - 120), min(sent.end, m.end() + 60)
            )
            if a.authority.kind in _SPEAKING_KINDS
        ]
        if near:
            return min(near, key=lambda a: abs(a.start - m.start())).authority
        return self._title_fallback(ctx, sent, m)

    def _title_fallback(
        self, ctx: ArticleContext, sent: Sentence, m: re.Match[str]
    ) -> Authority | None:
        """A generic title with no body named beside it.

        A government title ("Finance Minister") belongs to the country named in the
        sentence, else the one the article is about; an office title ("Committee Chair",
        "Governor") to the body the two sentences before it name, unless a firm's name
        stands right before the title ("Coinbase Chair").
        """
        text, title = ctx.text, m.group(0)
        span = text[max(sent.start, m.start() - 12) : min(sent.end, m.end() + 25)]
        if _MINISTERIAL.search(span):
            places = ctx.places_in(sent.start, m.start())
            code = places[-1].place.code if places else ctx.dominant_jurisdiction()
            if code is None:
                return None
            found = self._registry.primary(code, _GOVERNMENT_KINDS)
            return found or self._registry.government(code)
        if not _OFFICE.search(title):
            return None
        owner = _OWNER_BEFORE.search(text, max(sent.start, m.start() - 30), m.start())
        if owner and owner.group(1) not in _OFFICE_BODIES:
            return None
        for pos, _, actor in self._generic.find(text, sent.start, sent.end):
            if actor.one_body:
                kinds = actor.kinds & _SPEAKING_KINDS
                found = GenericActors.resolve(ctx, self._registry, sent, pos, actor, kinds)
                if found is not None:
                    return found
        i = ctx.sentence_index(sent)
        start = ctx.sentences[max(0, i - 2)].start
        recent = [
            a for a in ctx.authorities_in(start, m.start()) if a.authority.kind in _SPEAKING_KINDS
        ]
        return recent[-1].authority if recent else None

    def _about_regulation(self, ctx: ArticleContext, sent: Sentence, policy: _Lazy) -> bool:
        """The sentence is about regulation (not the war, the weather or interest rates).

        Names of authorities do not count: "European Central Bank" says nothing about
        banking rules. In an article about policy (``policy``), a sentence beside one
        about regulation counts too ("Lummis pushed back against a fact sheet ...").
        """
        masked = self._masked(ctx, sent)
        if self._topic_weak.search(masked) or self._topic.search(masked):
            return True
        if not policy.value:
            return False
        i = ctx.sentence_index(sent)
        window = (ctx.sentences[i - 1] if i else None, ctx.sentences[i + 1 : i + 2])
        near = [s for s in (window[0], *window[1]) if s is not None]
        return any(self._topic.search(self._masked(ctx, s)) for s in near)

    @staticmethod
    def _masked(ctx: ArticleContext, sent: Sentence) -> str:
        text = ctx.text
        pieces, pos = [], sent.start
        for a in ctx.authorities_in(sent.start, sent.end):
            pieces.append(text[pos : a.start])
            pos = a.end
        pieces.append(text[pos : sent.end])
        return " ".join(pieces)

    def _policy_article(self, ctx: ArticleContext) -> bool:
        """Is the article about regulation as a whole (several strong topic words)?"""
        return any(n + 1 >= _POLICY_HITS for n, _ in enumerate(self._topic.finditer(ctx.text)))

    @staticmethod
    def _joint(ctx: ArticleContext, sent: Sentence, speaker: _Ref) -> Authority | None:
        """ "The SEC and the FSA convened ...": the first of two bodies speaking together."""
        if not speaker.key.startswith("auth:"):
            return None
        for b in ctx.authorities_in(sent.start, speaker.start):
            if b.authority.id != speaker.key[5:] and _JOINT.fullmatch(
                ctx.text, b.end, speaker.start
            ):
                return b.authority
        return None

    def _is_name(self, name: str) -> bool:
        tokens = name.split()
        return len(tokens) >= 1 and all(t.rstrip(".’'s") not in self._stop for t in tokens)

    # ------------------------------------------------------------------ the statement
    def _statement(
        self,
        ctx: ArticleContext,
        sent: Sentence,
        refs: list[_Ref],
        verb: re.Match[str],
        bonus: int,
        acts: list[Candidate],
        actors: dict[str, list[int]],
        policy: _Lazy,
    ) -> Candidate | None:
        text = ctx.text
        if _NEGATED.search(text, max(sent.start, verb.start() - 25), verb.start()):
            return None
        if bonus == 0 and _PASSIVE.search(text, max(sent.start, verb.start() - 8), verb.start()):
            return None
        lowered = verb.group(0).lower()
        if (
            bonus == 0
            and lowered.startswith("announce")
            and _ANNOUNCED_OBJECT.match(text, verb.end())
        ):
            return None
        if (
            bonus == 0
            and lowered in _ADDED
            and not _ADDED_SPEECH.match(text, verb.end())
            and not _INVERTED.search(text, max(sent.start, verb.start() - 3), verb.start())
        ):
            return None  # "DNB has added the exchange to its register": not a remark
        c_start = self._modality.clause_start(text, sent.start, verb.start())
        before = [
            r
            for r in refs
            if r.end <= verb.start()
            and r.start >= c_start - 2
            and verb.start() - r.end <= 120
            and _is_subject(text, r.end, verb.start())
        ]
        # a named official beats the body named in their title ("Ng, a member of LegCo, said")
        speaker = max(before, key=lambda r: (r.priority, r.end)) if before else None
        if speaker is None and _INVERTED.search(
            text, max(sent.start, verb.start() - 3), verb.start()
        ):
            # "..., said Gary Mottola, research director at ...": the speaker follows the verb
            speaker = next((r for r in refs if 0 <= r.start - verb.end() <= 2 and r.official), None)
        if speaker is None or speaker.official is None:
            return None
        # a named commissioner or chair of a regulator speaks about regulation
        regulator = (
            speaker.official is not None
            and speaker.official.name is not None
            and speaker.official.authority.kind == "regulator"
        )
        if bonus == 0 and not regulator and not self._about_regulation(ctx, sent, policy):
            return None
        speaker = _first_of_pair(text, refs, speaker)
        word = verb.group(0).split()[0].lower()
        if bonus == 0 and word in _REPORTING and any(a.trigger > verb.start() for a in acts):
            return None  # "announced that three suspects were arrested": the arrest is the event
        if any(verb.start() - 12 <= a.trigger < verb.end() for a in acts):
            return None  # "The SEC today proposed to rescind ...": the verb is its act
        if bonus == 0 and word in _REPORTING and speaker.official is not None:
            own = speaker.official.authority.id
            if any(a.authority is not None and a.authority.id == own for a in acts):
                return None  # "Police arrested 14 people, the agency said": the arrest is it
            i = ctx.sentence_index(sent)
            if speaker.key.startswith("auth:") and any(0 < i - j <= 1 for j in actors.get(own, [])):
                return None  # "OFAC said the exchange had processed ...": detail of its act
        official = speaker.official
        if official is None:
            return None
        auth = official.authority
        label = auth.name
        if official.name and auth.display:
            label = auth.display.format(name=official.name)
        joint = self._joint(ctx, sent, speaker)
        if joint is not None:
            auth, label = joint, f"{joint.name} and {auth.name}"
        subjects = [ctx.canonical_act(a) for a in self._subjects.acts(text, sent.start, sent.end)]
        if (
            not subjects
            and ctx.main_act
            and (
                self._subjects.refers_to_act(text, sent.start, sent.end)
                or auth.kind in _LEGISLATIVE_KINDS
                or _LEGISLATIVE_TOPIC.search(text, sent.start, sent.end)
            )
        ):
            # a lawmaker's words in an article about a bill are about that bill
            subjects = [ctx.main_act]
        if not subjects:
            about = _ABOUT.search(text, verb.end(), sent.end)
            if about:
                skip = [(a.start, a.end) for a in ctx.authorities_in(sent.start, sent.end)]
                subjects = self._subjects.names(text, about.end(), sent.end, skip=skip)[:3]
        if not subjects and official.name:
            subjects = [official.name]
        c_end = self._modality.clause_end(text, verb.end(), sent.end)
        when, explicit = CandidateBuilder._date(ctx, sent, verb.start(), verb.end(), c_start, c_end)
        if not explicit and auth is ctx.issuer and _PRESENT.match(text, speaker.end):
            # a regulator's release in the present tense ("The SFC warns") speaks that day
            when, explicit = EventDate(ctx.published.isoformat(), DatePrecision.DAY), True
        confidence = 0.5 + 0.1 * speaker.priority + 0.06 * bonus
        return Candidate(
            type=EventType.OFFICIAL_STATEMENT,
            kind="publication" if bonus else "remark",
            rule_id="statement-publication" if bonus else "statement-remark",
            sentence=sent,
            trigger=verb.start(),
            authority=auth,
            jurisdiction=auth.jurisdiction,
            region=auth.region,
            subjects=subjects,
            date=when,
            confidence=min(0.95, confidence + (0.03 if explicit else 0.0)),
            label=label,
            speaker=speaker.key,
            priority=speaker.priority + bonus,
        )
