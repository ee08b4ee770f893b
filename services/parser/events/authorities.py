"""The authority registry (data/authorities.yaml) and its matcher.

Names match case-insensitively only where the registry says so; abbreviations match as
written ("SEC", never "sec"). An abbreviation several bodies share ("SEC", "FSC") goes to
the one whose country is named right before it ("Thailand's SEC"), else to the first in
the file. Families ("U.S. District Court for the Southern District of New York",
"Munich Regional Court") are matched by pattern and get ids built from their names.

>>> reg = default_registry()
>>> [m.authority.id for m in reg.find("the SFC and Japan's Financial Services Agency")]
['hk-sfc', 'jp-fsa']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from .places import Gazetteer, default_gazetteer
from .resources import load_yaml
from .trie import trie_regex

_SLUG = re.compile(r"[^a-z0-9]+")
_POSSESSIVE_BEFORE = re.compile(r"([A-Z][\w.]*(?:\s[A-Z][\w.]*)*)(?:'s|’s|'|’)?\s+$")


@dataclass(frozen=True, slots=True)
class Authority:
    id: str
    name: str
    jurisdiction: str
    kind: str
    region: str | None = None
    passage: str | None = None
    members: tuple[str, ...] = ()
    display: str | None = None
    domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorityMention:
    start: int
    end: int
    authority: Authority


@dataclass(frozen=True, slots=True)
class _Family:
    id: str
    name: str
    jurisdiction: str
    kind: str
    regex: re.Pattern[str]
    hint: str  # a literal every match contains: the regex runs only when it is present


def _slug(value: str) -> str:
    return _SLUG.sub("-", value.lower()).strip("-")


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or []))


class Registry:
    """Every authority by id, plus one trie regex over all their names."""

    def __init__(self, data: dict[str, Any], places: Gazetteer) -> None:
        self._places = places
        self.authorities: dict[str, Authority] = {}
        self._surfaces: dict[str, list[Authority]] = {}
        for raw in data["authorities"]:
            auth = Authority(
                id=str(raw["id"]),
                name=str(raw["name"]),
                jurisdiction=str(raw["jurisdiction"]),
                kind=str(raw["kind"]),
                region=raw.get("region"),
                passage=raw.get("passage"),
                members=_strs(raw.get("members")),
                display=raw.get("display"),
                domains=_strs(raw.get("domains")),
            )
            if auth.id in self.authorities:
                raise ValueError(f"duplicate authority id {auth.id}")
            self.authorities[auth.id] = auth
            for surface in (*_strs(raw.get("names")), *_strs(raw.get("abbr"))):
                for variant in _variants(surface):
                    self._surfaces.setdefault(variant, []).append(auth)
        self._regex = re.compile(trie_regex(self._surfaces))
        self._families = tuple(
            _Family(
                id=str(f["id"]),
                name=str(f["name"]),
                jurisdiction=str(f["jurisdiction"]),
                kind=str(f["kind"]),
                regex=re.compile(str(f["pattern"])),
                hint=str(f["hint"]),
            )
            for f in data.get("families") or []
        )

    # ------------------------------------------------------------------ look-ups
    def __len__(self) -> int:
        return len(self.authorities)

    def get(self, authority_id: str) -> Authority | None:
        return self.authorities.get(authority_id)

    def find(self, text: str) -> list[AuthorityMention]:
        """Non-overlapping authority mentions in ``text``, longest first, in order."""
        found = [
            AuthorityMention(m.start(), m.end(), self._choose(text, m.start(), m.group(0)))
            for m in self._regex.finditer(text)
        ]
        found.extend(self._family_mentions(text))
        found.sort(key=lambda a: (a.start, -(a.end - a.start)))
        out: list[AuthorityMention] = []
        for mention in found:
            if out and mention.start < out[-1].end:
                continue
            last = out[-1] if out else None
            if (
                last is not None
                and last.authority.id == mention.authority.id
                and text[last.end : mention.start] == " ("
                and text[mention.end : mention.end + 1] == ")"
            ):
                # "Securities and Exchange Commission (SEC)" is one mention
                out[-1] = AuthorityMention(last.start, mention.end + 1, last.authority)
                continue
            out.append(mention)
        return out

    def resolve(self, name: str) -> Authority | None:
        """The authority a whole string names ("Japan FSA", "SEC", "the Fed"), if any."""
        text = name.strip()
        for auth in self.authorities.values():
            if text.casefold() == auth.name.casefold():
                return auth
        mentions = self.find(text)
        if mentions:
            return mentions[0].authority
        return None

    def issuer(self, outlet: str | None, url: str | None) -> Authority | None:
        """The authority that published a document itself (a regulator's own release)."""
        if url:
            host = (urlsplit(url).hostname or "").lower()
            for auth in self.authorities.values():
                if any(host == d or host.endswith("." + d) for d in auth.domains):
                    return auth
        if outlet:
            head = re.split(r"[\s(]", outlet.strip(), maxsplit=1)[0]
            for candidate in (outlet.strip(), head):
                hits = self._surfaces.get(candidate)
                if hits:
                    return hits[0]
        return None

    def with_members(self) -> Iterable[Authority]:
        return (a for a in self.authorities.values() if a.members)

    # ------------------------------------------------------------------ internals
    def _choose(self, text: str, start: int, surface: str) -> Authority:
        candidates = self._surfaces[surface]
        if len(candidates) > 1:
            before = _POSSESSIVE_BEFORE.search(text, max(0, start - 40), start)
            place = self._places.lookup(before.group(1)) if before else None
            if place is not None:
                for auth in candidates:
                    if auth.jurisdiction == place.code:
                        return auth
        return candidates[0]

    def _family_mentions(self, text: str) -> Iterable[AuthorityMention]:
        for fam in self._families:
            if fam.hint not in text:
                continue
            for m in fam.regex.finditer(text):
                groups = {k: v for k, v in m.groupdict().items() if v}
                start = m.start()
                jurisdiction = fam.jurisdiction
                if jurisdiction == "from_place":
                    place_name = groups.get("place", "")
                    place = self._places.lookup(place_name)
                    if place is None and " " in place_name:
                        head, _, tail = place_name.partition(" ")
                        place, place_name = self._places.lookup(tail), tail
                        start = m.start("place") + len(head) + 1
                    if place is None:
                        continue
                    groups["place"] = place_name
                    jurisdiction = place.code
                name = fam.name.format(**groups)
                auth = Authority(
                    id=fam.id.format(slug=_slug(" ".join(groups.values()))),
                    name=name,
                    jurisdiction=jurisdiction,
                    kind=fam.kind,
                )
                yield AuthorityMention(start, m.end(), auth)


def _variants(name: str) -> list[str]:
    """A name, with "the"/"The" in front as well, so that the trie prefers "the Senate
    Banking Committee" to "the Senate" where both start."""
    if name.startswith("the "):
        return [name, "The " + name[4:]]
    if name[:1].isupper() and not name.isupper():
        return [name, "the " + name, "The " + name]
    return [name, "the " + name, "The " + name]


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return Registry(load_yaml("authorities.yaml"), default_gazetteer())
