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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from .places import Gazetteer, Place, default_gazetteer
from .resources import load_yaml
from .trie import trie_regex

_SLUG = re.compile(r"[^a-z0-9]+")
_THE = re.compile(r"^(?:the|The)\s+")
_DEFINED = re.compile(r"\s*\(((?-i:[A-Z][A-Za-z&\-]{1,9}))\)")
_POSSESSIVE_BEFORE = re.compile(r"([A-Z][\w.]*(?:\s[A-Z][\w.]*)*)(?:'s|’s|'|’)?\s+(?:the\s+)?$")
# cheap test before the possessive regex: a capitalised word (then "the") right before
_CAPITAL_WORD_BEFORE = re.compile(r"[A-Z][\w.]*(?:'s|’s|'|’)?\s+(?:the\s+)?$")
_IN_PLACE = re.compile(
    r"(?:^|[.;:]\s+|\n)(?:In|in)\s+((?:the\s+)?[A-Z][\w.]*(?:\s[A-Z][\w.]*){0,3}),[^.;:\n]*$"
)
# a capitalised word that is not a sentence opener right before "Bank of ...": part of
# a commercial bank's name ("Royal Bank of Canada")
_CAPITALISED_BEFORE = re.compile(r"(?<![.!?]\s)\b(?!The\b|A\b|An\b)[A-Z][a-z]+\s+$")
_ORG_AFTER = re.compile(
    r"\s+(?:[A-Z][\w&.\-]*\s+){0,3}(?:Foundation|Institute|Association|Society|Museum|University|"
    r"College|Club|Party|Alliance|Coalition|Forum|Awards?)\b"
)
# country-code top-level domains whose code is not the ISO one
_TLD_COUNTRY = {"uk": "GB", "eu": "EU", "gov": "US", "mil": "US", "edu": "US"}


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
        self._names: dict[str, tuple[str, ...]] = {}
        self._own: dict[str, frozenset[str]] = {}  # issuer id -> its names (filled lazily)
        self._domains: dict[str, Authority] = {}
        self._surfaces: dict[str, list[Authority]] = {}
        # names many countries' bodies bear ("Financial Intelligence Unit"): they count
        # only when the text says which country's
        self._shared: dict[str, list[Authority]] = {}
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
            self._names[auth.id] = (*_strs(raw.get("names")), *_strs(raw.get("abbr")))
            for domain in auth.domains:
                self._domains.setdefault(domain, auth)
            for surface in (*_strs(raw.get("names")), *_strs(raw.get("abbr"))):
                for variant in _variants(surface):
                    self._surfaces.setdefault(variant, []).append(auth)
            for surface in _strs(raw.get("shared")):
                for variant in _variants(surface):
                    self._shared.setdefault(variant, []).append(auth)
        self._regex = re.compile(trie_regex({**self._shared, **self._surfaces}))
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

    def find(
        self,
        text: str,
        hint: Mapping[str, int] | None = None,
        issuer: Authority | None = None,
    ) -> list[AuthorityMention]:
        """Non-overlapping authority mentions in ``text``, longest first, in order.

        ``hint`` counts the jurisdictions the document is about: an unqualified name
        several bodies share ("the SEC", "National Assembly") goes to the one of the
        most mentioned country. In ``issuer``'s own release, a short form of its name
        ("The Securities and Exchange Commission" in SEC Nigeria's notice) is the issuer.
        An abbreviation the text defines ("Department of Financial Services (DFS)") names
        that body for the rest of the text.
        """
        own = self._own_names(issuer)
        found = []
        for m in self._regex.finditer(text):
            surface = m.group(0)
            if self._inside_name(text, m.start(), m.end(), surface):
                continue
            bare = _THE.sub("", surface)
            if issuer is not None and bare in own and issuer not in self._surfaces.get(surface, ()):
                auth: Authority | None = issuer
            else:
                auth = self._choose(text, m.start(), surface, hint)
            if auth is not None:
                found.append(AuthorityMention(m.start(), m.end(), auth))
        found.extend(self._family_mentions(text))
        found.sort(key=lambda a: (a.start, -(a.end - a.start)))
        out: list[AuthorityMention] = []
        for mention in found:
            if out and mention.start < out[-1].end:
                continue
            last = out[-1] if out else None
            if (
                last is not None
                and text[last.end : mention.start] == " ("
                and text[mention.end : mention.end + 1] == ")"
                and (
                    last.authority.id == mention.authority.id
                    or last.authority in self._surfaces.get(text[mention.start : mention.end], ())
                    or last.authority.id not in self.authorities
                )
            ):
                # "Securities and Exchange Commission (SEC)" is one mention
                out[-1] = AuthorityMention(last.start, mention.end + 1, last.authority)
                continue
            out.append(mention)
        return self._defined(text, out)

    def _own_names(self, issuer: Authority | None) -> frozenset[str]:
        """Names of ``issuer`` and the shorter names they contain ("Securities and
        Exchange Commission Nigeria" -> "Securities and Exchange Commission")."""
        if issuer is None:
            return frozenset()
        cached = self._own.get(issuer.id)
        if cached is None:
            out: set[str] = set()
            for name in (issuer.name, *self._names.get(issuer.id, ())):
                out.add(name)
                out.update(o for o in self._surfaces if " " in o and o in name)
            cached = self._own[issuer.id] = frozenset(_THE.sub("", n) for n in out)
        return cached

    @staticmethod
    def _defined(text: str, mentions: list[AuthorityMention]) -> list[AuthorityMention]:
        """Add later uses of abbreviations the text defines in brackets after a body's
        name: "Capital Markets Board (CMB) ... The CMB also banned ..."."""
        aliases: dict[str, Authority] = {}
        for m in mentions:
            d = _DEFINED.match(text, m.end)
            if d and d.group(1) not in aliases:
                aliases[d.group(1)] = m.authority
        if not aliases:
            return mentions
        taken = [(m.start, m.end) for m in mentions]
        extra = []
        for alias, auth in aliases.items():
            for a in re.finditer(rf"(?<![\w(])(?:[Tt]he\s+)?{re.escape(alias)}(?![\w)])", text):
                if not any(s < a.end() and a.start() < e for s, e in taken):
                    extra.append(AuthorityMention(a.start(), a.end(), auth))
        return sorted(mentions + extra, key=lambda m: m.start)

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
        """The authority that published a document itself (a regulator's own release).

        The web domain decides when the registry knows it; otherwise the outlet's name,
        with the country of the domain ("sec.gov.ng") or one named in the outlet ("SEC
        Nigeria", "FSC (Korea)") choosing among bodies that share an abbreviation.
        """
        host = (urlsplit(url).hostname or "").lower() if url else ""
        labels = host.split(".")
        for i in range(len(labels) - 1):
            known = self._domains.get(".".join(labels[i:]))
            if known is not None:
                return known
        if not outlet:
            return None
        return self._issuer_by_name(outlet, host)

    @lru_cache(maxsize=4096)  # noqa: B019 - the registry lives as long as the process
    def _issuer_by_name(self, outlet: str, host: str) -> Authority | None:
        country = _TLD_COUNTRY.get(host.rsplit(".", 1)[-1]) if "." in host else None
        if len(host.rsplit(".", 1)[-1]) == 2 and country is None and host:
            country = host.rsplit(".", 1)[-1].upper()
        places = self._places.find(outlet)
        if places:
            country = places[0].place.code
        head = re.split(r"[\s(]", outlet.strip(), maxsplit=1)[0]
        for candidate in (outlet.strip(), head):
            hits = self._surfaces.get(candidate)
            if hits:
                return next((a for a in hits if a.jurisdiction == country), hits[0])
        mentions = self.find(outlet)
        return mentions[0].authority if mentions else None

    def country_name(self, code: str) -> str:
        return self._places.name(code) or code

    def government(self, code: str) -> Authority:
        """A country's government, for "the government" or a minister the registry does
        not list: "Pakistan government"."""
        return Authority(
            id=f"{code.lower()}-government",
            name=f"{self.country_name(code)} government",
            jurisdiction=code,
            kind="government",
        )

    def primary(self, jurisdiction: str, kinds: frozenset[str]) -> Authority | None:
        """The registry's first body of ``kinds`` in ``jurisdiction`` ("Brazil's central bank")."""
        return next(
            (
                a
                for a in self.authorities.values()
                if a.jurisdiction == jurisdiction and a.kind in kinds
            ),
            None,
        )

    def with_members(self) -> Iterable[Authority]:
        return (a for a in self.authorities.values() if a.members)

    # ------------------------------------------------------------------ internals
    def _choose(
        self, text: str, start: int, surface: str, hint: Mapping[str, int] | None
    ) -> Authority | None:
        """Which body a name stands for: the one of the country named right before it
        ("Thailand's SEC", "the Philippine SEC", "In the Philippines, the SEC"), a body of
        that country the registry does not list by this name ("Vietnam's National
        Assembly"), else the one of the country the document is most about."""
        candidates = self._surfaces.get(surface)
        ambiguous = candidates is None or len(candidates) > 1
        adjacent, place = self._qualifier(text, start, opening=ambiguous)
        if candidates is None:
            return self._choose_shared(self._shared[surface], surface, adjacent, place, hint)
        if place is not None:
            for auth in candidates:
                if auth.jurisdiction == place.code:
                    return auth
            if adjacent and all(a.jurisdiction != place.code for a in candidates):
                return self._local(candidates[0], place, surface)
        if len(candidates) > 1 and hint:
            best = max(candidates, key=lambda a: hint.get(a.jurisdiction, 0))
            if hint.get(best.jurisdiction, 0) > 0:
                return best
        return candidates[0]

    def _choose_shared(
        self,
        candidates: list[Authority],
        surface: str,
        adjacent: bool,
        place: Place | None,
        hint: Mapping[str, int] | None,
    ) -> Authority | None:
        if place is None and hint:
            top = max(hint, key=lambda k: hint[k])
            return next((a for a in candidates if a.jurisdiction == top), None)
        if place is None:
            return None
        found = next((a for a in candidates if a.jurisdiction == place.code), None)
        if found is not None:
            return found
        return self._local(candidates[0], place, surface) if adjacent else None

    def _qualifier(
        self, text: str, start: int, *, opening: bool = True
    ) -> tuple[bool, Place | None]:
        """The country qualifying a name at ``start``: right before it ("Nigeria's",
        "Thai", adjacent=True), or, with ``opening``, opening its sentence ("In the
        Philippines, ...")."""
        before = None
        if _CAPITAL_WORD_BEFORE.search(text, max(0, start - 24), start):
            before = _POSSESSIVE_BEFORE.search(text, max(0, start - 40), start)
        if before:
            words = before.group(1).split()
            for i in range(len(words)):
                place = self._places.lookup(" ".join(words[i:]))
                if place is not None:
                    return True, place
        found = _IN_PLACE.search(text, max(0, start - 160), start) if opening else None
        if found:
            place = self._places.lookup(found.group(1))
            if place is not None:
                return False, place
        return False, None

    def _local(self, model: Authority, place: Place, surface: str) -> Authority:
        """The body of ``place`` that bears a name the registry knows for another
        country: a registry body of the same kind there, or one made up on the spot."""
        bare = _THE.sub("", surface)
        tokens = {t for t in _SLUG.split(bare.lower()) if len(t) > 2}
        for auth in self.authorities.values():
            if auth.jurisdiction == place.code and auth.kind == model.kind:
                names = " ".join((auth.name, *self._names.get(auth.id, ()))).lower()
                if tokens & set(_SLUG.split(names)):
                    return auth
        country = self.country_name(place.code)
        return Authority(
            id=f"{place.code.lower()}-{_slug(bare)}",
            name=f"{country} {bare}",
            jurisdiction=place.code,
            kind=model.kind,
            passage=model.passage,
        )

    @staticmethod
    def _inside_name(text: str, start: int, end: int, surface: str) -> bool:
        """Part of a longer proper name that is not the body: "National Bank of Canada",
        "FINRA Investor Education Foundation"."""
        if surface.startswith("Bank") and _CAPITALISED_BEFORE.search(
            text, max(0, start - 30), start
        ):
            return True
        return _ORG_AFTER.match(text, end) is not None

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
                    place = (
                        None if place_name.startswith("The ") else self._places.lookup(place_name)
                    )
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


_DOTTED = {"UK ": "U.K. ", "US ": "U.S. ", "U.K. ": "UK ", "U.S. ": "US "}


def _variants(name: str) -> list[str]:
    """A name, with "the"/"The" in front as well, so that the trie prefers "the Senate
    Banking Committee" to "the Senate" where both start; "UK Treasury" also as "U.K.
    Treasury" (and the other way round)."""
    forms = [name]
    for plain, dotted in _DOTTED.items():
        if name.startswith(plain):
            forms.append(dotted + name[len(plain) :])
    out: list[str] = []
    for form in forms:
        if form.startswith("the "):
            out += [form, "The " + form[4:]]
        else:
            out += [form, "the " + form, "The " + form]
    return out


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return Registry(load_yaml("authorities.yaml"), default_gazetteer())
