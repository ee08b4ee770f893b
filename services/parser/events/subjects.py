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
_COREF = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:bill|legislation|measure|act|law|Act)\b|\b[Ii]t\b"
)
_LEADING_POSSESSIVE = re.compile(r"^[A-Z][\w.]*(?:’s|'s)\s+")
_SUFFIX_STRIP = re.compile(
    r",?\s+(?:Inc\.?|LLC|L\.L\.C\.|Ltd\.?|Limited|L\.P\.|LP|Corp\.?|Corporation|Company|Co\.|"
    r"PLC|plc|N\.A\.|GmbH|AG|S\.A\.|Holdings|Group)$"
)
_PAREN = re.compile(r"\s*\([^)]*\)")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_EMPLOYER = re.compile(
    r"\b(?:CEO|CFO|COO|CTO|founder|co-founder|director|Director|officer|executive|employee|"
    r"president|President|partner|manager|trader|adviser|advisor|chairman|head|staffer|"
    r"engineer|developer|analyst)s?\b[^.;:]{0,50}?\b(?:at|of|with)\s+(?:the\s+)?"
    r"(?:[\w\-]+-based\s+|[a-z][\w\-]*\s+){0,3}$"
)
_TOPIC = re.compile(
    r"\b(?:on|regarding|concerning|about|apply\s+to|applies\s+to|to\s+(?:modernize|modernise|"
    r"update|rescind|amend|harmoni[sz]e|streamline|clarify))\s+((?:[\w\-’'()]+[,;:.]?\s+){1,7})"
)
_TOPIC_LEAD = re.compile(
    r"^(?:(?:the|a|an|its|their|certain|potential|possible|new|current|further)\s+)+"
)
_VAGUE = frozenset(
    [
        "designation",
        "designations",
        "modification",
        "modifications",
        "application",
        "applications",
        "use",
        "opportunities",
        "opportunity",
        "changes",
        "change",
        "amendments",
        "amendment",
        "review",
        "matters",
        "issues",
        "ways",
        "means",
        "steps",
    ]
)
_TOPIC_STOP = frozenset(
    [
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "to",
        "by",
        "in",
        "with",
        "for",
        "and",
        "or",
        "but",
        "from",
        "as",
        "under",
        "at",
        "into",
        "seeking",
        "designed",
        "intended",
        "including",
        "while",
        "whether",
        "if",
        "when",
        "where",
        "because",
        "after",
        "before",
        "during",
        "among",
        "between",
        "against",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
    ]
)
_COUNTED = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|dozens\s+of)\s+"
    r"(?:[a-z\-]+\s+)?(?:individuals|entities|firms|companies|people|persons|defendants|suspects|"
    r"exchanges|platforms|brokers|advisers|advisors|banks|lenders|operators|promoters|influencers)\b"
)
_BRACKETED = re.compile(r"\(([A-Z][A-Za-z0-9\-]{1,9})\)\s*$")
# a headline's words before the name of a law ("Passing the", "Importance of the")
_HEADLINE_LEAD = re.compile(
    r"^(?:[A-Z][a-z]+\s+){1,3}(?:of|for|on|to|about|behind)?\s*(?:the\s+)(?=[A-Z])"
)
# words that turn a capitalised run into a headline: verbs and function words
_HEADLINE_WORDS = frozenset(
    [
        "Is",
        "Are",
        "Was",
        "Were",
        "Be",
        "Been",
        "Has",
        "Have",
        "Had",
        "Will",
        "Would",
        "Can",
        "Could",
        "May",
        "Might",
        "Should",
        "Must",
        "Without",
        "Against",
        "Amid",
        "Into",
        "Upon",
        "Says",
        "Said",
        "Gets",
        "Wins",
        "Hits",
        "Faces",
        "Charged",
        "Charges",
        "Sues",
        "Sued",
        "Fined",
        "Bans",
        "Banned",
        "Approves",
        "Approved",
        "Settles",
        "Settled",
        "Warns",
        "Launches",
        "Plans",
        "Seeks",
        "Urges",
        "Calls",
        "Why",
        "How",
        "What",
        "When",
        "Where",
    ]
)
# roles and titles: who someone is, not who
_ROLE_WORDS = frozenset(
    [
        "Vice",
        "Senior",
        "Chief",
        "Executive",
        "Director",
        "Deputy",
        "Officer",
        "President",
        "Manager",
        "Chairman",
        "Chairwoman",
        "Chair",
        "Founder",
        "Co-Founder",
        "Cofounder",
        "Secretary",
        "Commissioner",
        "Partner",
        "Analyst",
        "Trader",
        "Head",
        "Managing",
        "Former",
        "Assistant",
        "Associate",
        "Acting",
    ]
)
# a capitalised run ending in one of these is a document or a party's role in a case
_DOCUMENT_WORDS = frozenset(
    ["Notice", "Request", "Release", "Alert", "Defendants", "Defendant", "Plaintiffs"]
)
# one-word capitalised nouns that are no names
_GENERIC = frozenset(
    [
        "Litigation",
        "Defendants",
        "Defendant",
        "Investigation",
        "Notice",
        "Release",
        "ICO",
        "IPO",
        "Proceedings",
        "Resources",
        "Background",
        "Overview",
        "Summary",
        "Update",
        "Breaking",
        "Exclusive",
        "Analysis",
        "Opinion",
        "Court",
        "Police",
        "Regulators",
        "Lawmakers",
        "Officials",
        "Government",
        "Authorities",
        "Company",
        "Firm",
        "Exchange",
        "Bank",
        "Fund",
        "Platform",
        "Crypto",
        "Bitcoin",
        "Ethereum",
        "Stablecoin",
        "Stablecoins",
        "Token",
        "Tokens",
    ]
)
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
_CONNECTORS = frozenset(["of", "for", "and", "the", "&", "on", "de", "du", "da"])
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
        employers: list[str] = []
        for m in NAME.finditer(text, start, end):
            if skip and any(m.start() < e and s < m.end() for s, e in skip):
                name = self._outside(text, m.start(), m.end(), skip)
            else:
                name = m.group(0)
            cleaned = self._clean(name)
            if not cleaned or cleaned in out or junk(cleaned):
                continue
            at = m.start() + max(0, m.group(0).find(cleaned.split()[0]))
            if _EMPLOYER.search(text, max(0, at - 80), at):
                # "Daniel Chu ..., the former CEO of Texas-based Tricolor Holdings": whose
                # CEO, not whom; unless nobody is named ("two former directors of Acme")
                employers.append(cleaned)
            else:
                out.append(cleaned)
        return out or employers

    @staticmethod
    def topic(text: str, start: int, end: int) -> str | None:
        """What a rule, consultation or guidance is about, when no name says it: the noun
        phrase after "on", "apply to", "to modernize" ("request for comment on
        exchange-traded funds (ETFs) seeking ..." -> "exchange-traded funds (ETFs)")."""
        m = _TOPIC.search(text, start, end)
        if m is None:
            return None
        words: list[str] = []
        for w in m.group(1).split():
            if w.lower().strip(",;:.") in _TOPIC_STOP or len(words) >= 6:
                break
            words.append(w)
            if w.endswith((",", ";", ":", ".")):
                break
        phrase = " ".join(words).strip(" ,;:.")
        phrase = _TOPIC_LEAD.sub("", phrase)
        if not phrase or phrase.split()[0].lower() in _VAGUE:
            return None  # "possible modifications to ...": no topic of its own
        return phrase if (len(phrase) > 3 and " " in phrase) or phrase.isupper() else None

    @staticmethod
    def counted(text: str, start: int, end: int) -> str | None:
        """ "charged 38 entities": the count and the noun, when no names are given."""
        m = _COUNTED.search(text, start, end)
        return m.group(0) if m else None

    @staticmethod
    def acts(text: str, start: int, end: int, *, distinct: bool = True) -> list[str]:
        """Names of laws, bills and rules ("CLARITY Act", "Rule 14a-8") in text[start:end].

        A statute cited as the legal basis ("under the Securities Exchange Act of 1934",
        "violating Section 5 of the Securities Act") is context, not what the act is about.
        """
        out: list[str] = []
        for m in ACT.finditer(text, start, end):
            if _CITED.search(text, max(0, m.start() - 40), m.start()):
                continue
            name = _LEADING_POSSESSIVE.sub("", m.group(0).strip())
            name = _HEADLINE_LEAD.sub("", name)
            name = re.sub(r"^(?:The|the|A|An|In|On|This|Under)\s+", "", name)
            if len(name) > 4 and (not distinct or name not in out):
                out.append(name)
        return out

    @staticmethod
    def main_act(text: str) -> str | None:
        """The law an article is mostly about, for "the bill" and "it".

        Headlines glue words to a name ("Passing the CLARITY Act", "Importance of the
        Crypto Transparency Act"): every mention counts for each shorter name it ends
        with, and the longest name with the most mentions wins.
        """
        found = SubjectExtractor.acts(text, 0, len(text), distinct=False)
        if not found:
            return None
        support = act_support(found)
        name = max(support, key=lambda k: (support[k], len(k.split())))
        n = support[name]
        return name if n >= 2 or len(set(found)) == 1 else None

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
        while tokens and tokens[-1] in _CONNECTORS:
            tokens.pop()
        while tokens and tokens[0] in _CONNECTORS:
            tokens.pop(0)
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


def act_support(found: list[str]) -> Counter[str]:
    """How many mentions end with each name ("Passing the CLARITY Act" counts for
    "CLARITY Act"), an abbreviation in brackets standing for its full name ("HFIA Act"
    for "Holding Foreign Insiders Accountable Act (HFIA)")."""
    support: Counter[str] = Counter()
    full: dict[str, str] = {}
    for name in found:
        m = _BRACKETED.search(name)
        if m:
            full[f"{m.group(1)} Act"] = name
    for name in found:
        name = full.get(name, name)
        tokens = name.split()
        for i in range(len(tokens) - 1):
            if tokens[i][:1].isupper() or tokens[i][:1] == "(":
                support[" ".join(tokens[i:])] += 1
        if len(tokens) == 1:
            support[name] += 1
    return support


def junk(name: str) -> bool:
    """A capitalised run that is no firm, person or product: a headline fragment ("License
    Is Illegal", "Vice President of Software Company Charged"), a role ("Senior Director
    of Finance"), a document header ("SECURITIES AND EXCHANGE COMMISSION Litigation
    Release No")."""
    tokens = name.replace(",", " ").split()
    if not tokens:
        return True
    if any(t in _HEADLINE_WORDS for t in tokens):
        return True
    if tokens[0] in _ROLE_WORDS or tokens[-1] in _ROLE_WORDS or tokens[-1] in _DOCUMENT_WORDS:
        return True
    if all(_INITIALS.fullmatch(t) for t in tokens):
        return True  # "S.D.N.Y.": a court's docket abbreviation
    shouting = sum(1 for t in tokens if len(t) > 4 and t.isupper())
    return shouting >= 2 or (len(tokens) == 1 and tokens[0] in _GENERIC)


def _fold(value: str) -> str:
    return " ".join(value.casefold().replace("’", "'").split())


@lru_cache(maxsize=1)
def default_subjects() -> SubjectExtractor:
    raw = load_yaml("subjects.yaml")["aliases"]
    aliases = {str(k): [str(v) for v in (vs or [])] for k, vs in raw.items()}
    return SubjectExtractor(aliases, lexicon().name_stopwords)
