"""Trigger rules from data/rules.yaml, compiled once.

Every rule is also folded into one combined regex, so a sentence with no trigger at all
(most of a market report) costs one scan, not one per rule.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from schemas.models import EventType

from .resources import flag, load_yaml
from .trie import trie_regex

PASSAGE = "passage"  # pseudo-type: law_passed or bill_proposed, by the voting body
_FRAGMENT = re.compile(r"<<(\w+)>>")


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    type: str  # an EventType value, or PASSAGE
    kind: str
    regex: re.Pattern[str]
    actor: str  # authority | state | none
    kinds: frozenset[str]
    needs: re.Pattern[str] | None
    forbid: re.Pattern[str] | None
    subjects: str  # after | before | both | acts
    confidence: float
    future_ok: bool
    near: int | None
    implied: str | None  # "legislature": the final-passage body of the jurisdiction;
    # "dominant": the article's most mentioned authority of ``kinds``
    prefer: frozenset[str]  # kinds of authority that act here whenever one is named
    issuer: bool  # may the issuer of a release be the implied actor?
    implied_authority: str | None = None  # registry id of who acts when nobody is named
    needs_sentence: bool = False  # "needs" may match anywhere in the sentence

    def event_type(self, passage: str | None) -> EventType | None:
        if self.type != PASSAGE:
            return EventType(self.type)
        if passage == "final":
            return EventType.LAW_PASSED
        if passage in {"chamber", "committee"}:
            return EventType.BILL_PROPOSED
        return None


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    keywords: re.Pattern[str]  # any rule's keyword (lower case), at a word start
    keywords_any_case: re.Pattern[str]
    by_keyword: dict[str, frozenset[int]]  # keyword -> indexes into ``rules``

    def hits(self, text: str) -> list[tuple[int, frozenset[int]]]:
        """(position, indexes of the rules worth trying) for every keyword in ``text``."""
        out = []
        lowered = text.lower()
        scan = self.keywords
        if len(lowered) != len(text):  # a few letters change length when lowered
            lowered, scan = text, self.keywords_any_case
        by_keyword = self.by_keyword
        if scan is self.keywords:
            return [(m.start(), by_keyword[m.group(0)]) for m in scan.finditer(lowered)]
        for m in scan.finditer(lowered):
            wanted = by_keyword.get(m.group(0).lower())
            if wanted:
                out.append((m.start(), wanted))
        return out


def _first_chars(regex: re.Pattern[str]) -> str | None:
    """The characters any match of ``regex`` can start with, or None when unbounded.

    Rule patterns start with a verb alternation behind a ``\\b``, which the regex engine
    tries at every position of a window; a leading ``(?=[...])`` of their first letters
    lets it skip most positions in C. Worked out from the parsed pattern (the standard
    library's parser, which has no public name), so a rule never has to spell it out.
    """
    try:
        parser = importlib.import_module("re._parser")
        consts = importlib.import_module("re._constants")
        chars, nullable = _first(list(parser.parse(regex.pattern, regex.flags)), consts)
    except Exception:
        return None
    if chars is None or nullable or not chars:
        return None
    return "".join(sorted(chars))


def _first(items: list[Any], c: Any) -> tuple[set[str] | None, bool]:
    """(first characters, can match empty) of a parsed regex sequence."""
    chars: set[str] = set()
    for op, av in items:
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # zero-width: the next item starts the match
        if op is c.LITERAL:
            return chars | {chr(av)}, False
        if op is c.IN:
            for o, a in av:
                if o is c.LITERAL:
                    chars.add(chr(a))
                elif o is c.RANGE and a[1] - a[0] <= 60:
                    chars.update(chr(x) for x in range(a[0], a[1] + 1))
                else:
                    return None, False
            return chars, False
        if op is c.SUBPATTERN or op is c.BRANCH or op in (c.MAX_REPEAT, c.MIN_REPEAT):
            if op is c.SUBPATTERN:
                parts, least = [list(av[-1])], 1
            elif op is c.BRANCH:
                parts, least = [list(b) for b in av[1]], 1
            else:
                parts, least = [list(av[2])], av[0]
            nullable = False
            for part in parts:
                sub, empty = _first(part, c)
                if sub is None:
                    return None, False
                chars |= sub
                nullable = nullable or empty
            if least > 0 and not nullable:
                return chars, False
            continue
        return None, False
    return chars, True


def _expand(pattern: str, fragments: dict[str, str]) -> str:
    return _FRAGMENT.sub(lambda m: fragments[m.group(1)], pattern)


def _compile(pattern: str | None, fragments: dict[str, str], flags: int) -> re.Pattern[str] | None:
    return re.compile(_expand(pattern, fragments), flags) if pattern else None


def build_rules(data: dict[str, Any]) -> RuleSet:
    fragments = {str(k): str(v) for k, v in data.get("fragments", {}).items()}
    rules = []
    for raw in data["rules"]:
        flags = 0 if flag(raw.get("case_sensitive")) else re.IGNORECASE
        regex = _compile(str(raw["pattern"]), fragments, flags)
        assert regex is not None
        head = _first_chars(regex)
        if head is not None:
            regex = re.compile(f"(?=[{re.escape(head)}])(?:{regex.pattern})", regex.flags)
        rule_type = str(raw["type"])
        if rule_type != PASSAGE:
            EventType(rule_type)  # fail at load time on a typo
        rules.append(
            Rule(
                id=str(raw["id"]),
                type=rule_type,
                kind=str(raw.get("kind", rule_type)),
                regex=regex,
                actor=str(raw.get("actor", "authority")),
                kinds=frozenset(str(k) for k in raw.get("kinds") or []),
                needs=_compile(raw.get("needs"), fragments, re.IGNORECASE),
                forbid=_compile(raw.get("forbid"), fragments, re.IGNORECASE),
                subjects=str(raw.get("subjects", "after")),
                confidence=float(raw.get("confidence", 0.7)),
                future_ok=flag(raw.get("future_ok")),
                near=int(raw["near"]) if raw.get("near") else None,
                implied=raw.get("implied"),
                prefer=frozenset(str(k) for k in raw.get("prefer") or []),
                issuer=raw.get("issuer") is None or flag(raw.get("issuer")),
                implied_authority=raw.get("implied_authority"),
                needs_sentence=raw.get("needs_scope") == "sentence",
            )
        )
    if len({r.id for r in rules}) != len(rules):
        raise ValueError("rule ids must be unique")
    stems: dict[str, set[str]] = {}
    whole: set[str] = set()
    for raw in data["rules"]:
        if not raw.get("keywords"):
            raise ValueError(f"rule {raw['id']} needs keywords")
        for word in raw["keywords"]:
            stem = str(word).lower()
            if stem.endswith("$"):
                stem = stem[:-1]
                whole.add(stem)
            stems.setdefault(stem, set()).add(str(raw["id"]))
    by_keyword: dict[str, frozenset[int]] = {}
    for stem in stems:
        # a longer stem ("bann") also stands for the rules of its prefix stems ("ban")
        prefixes = (v for k, v in stems.items() if stem.startswith(k) and k not in whole)
        ids = set(stems[stem]).union(*prefixes)
        by_keyword[stem] = frozenset(i for i, r in enumerate(rules) if r.id in ids)
    prefix_stems = [k for k in stems if k not in whole]
    firsts = re.escape("".join(sorted({k[0] for k in stems})))
    keywords = (
        rf"(?=[{firsts}])\b(?:"
        + trie_regex(sorted(whole), boundaries=False)
        + r"(?!\w)|"
        + trie_regex(prefix_stems, boundaries=False)
        + ")"
    )
    return RuleSet(
        rules=tuple(rules),
        keywords=re.compile(keywords),
        keywords_any_case=re.compile(keywords, re.IGNORECASE),
        by_keyword=by_keyword,
    )


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return build_rules(load_yaml("rules.yaml"))
