"""Jurisdictions from place names: countries, territories, cities, demonyms, US states.

Hong Kong is HK and Macau MO, not CN; "the mainland" is CN; a US state or city is US
with the state kept as an ISO 3166-2 region.

>>> g = default_gazetteer()
>>> [(m.place.code, m.place.region) for m in g.find("Hong Kong's rules and New York's")]
[('HK', None), ('US', 'US-NY')]
>>> g.lookup("Chinese").code
'CN'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .resources import load_yaml
from .trie import trie_regex


@dataclass(frozen=True, slots=True)
class Place:
    code: str  # ISO 3166-1 alpha-2, EU or INTL
    region: str | None = None  # ISO 3166-2, e.g. "US-NY"


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int
    end: int
    place: Place
    demonym: bool
    law: bool = False  # the name of a law that applies there ("MiCA"), not a place


def _variants(name: str) -> list[str]:
    """A name as written, plus "The ..." for names that start with "the "."""
    if name.startswith("the "):
        return [name, "The " + name[4:]]
    return [name]


class Gazetteer:
    """Place-name look-up over one trie-shaped regex."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._places: dict[str, tuple[Place, bool]] = {}
        self._laws: set[str] = set()
        self._names: dict[str, str] = {}
        for code, entry in data["countries"].items():
            names = entry.get("names") or []
            if names:
                self._names[str(code)] = str(names[0])
            for name in names:
                self._add(str(name), Place(str(code)), demonym=False)
            for name in entry.get("demonyms") or []:
                self._add(str(name), Place(str(code)), demonym=True)
        for region, names in data["us_regions"].items():
            for name in names:
                self._add(str(name), Place("US", str(region)), demonym=False)
        for code, names in (data.get("laws") or {}).items():
            for name in names:
                self._laws.add(str(name))
                self._add(str(name), Place(str(code)), demonym=True)
        self._regex = re.compile(trie_regex(self._places))

    def name(self, code: str) -> str | None:
        """The first name the gazetteer lists for a country code ("VN" -> "Vietnam")."""
        return self._names.get(code)

    def _add(self, name: str, place: Place, *, demonym: bool) -> None:
        for variant in _variants(name):
            self._places.setdefault(variant, (place, demonym))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[PlaceMention]:
        stop = len(text) if end is None else end
        out = []
        for m in self._regex.finditer(text, start, stop):
            place, demonym = self._places[m.group(0)]
            law = m.group(0) in self._laws
            out.append(PlaceMention(m.start(), m.end(), place, demonym, law))
        return out

    def lookup(self, name: str) -> Place | None:
        """The place a whole name stands for ("Munich" -> DE), possessive allowed."""
        bare = re.sub(r"(?:'s|’s|'|’)$", "", name.strip())
        hit = self._places.get(bare) or self._places.get(re.sub(r"^(?:the|The)\s+", "", bare))
        return hit[0] if hit else None

    def __len__(self) -> int:
        return len(self._places)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer(load_yaml("jurisdictions.yaml"))
