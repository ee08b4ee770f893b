"""Load the YAML data files beside this package, once, into typed records.

The files are the reviewed "code" of the rule-based extractor: rules, lexicons, the
authority registry, the gazetteer and the subject aliases. Nothing here touches the
network, and everything is cached, so extraction itself does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

_PACKAGE = "services.parser.events"


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 booleans: "no", "No", "on" and Norway's "NO" stay words."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(name: str) -> dict[str, Any]:
    """Parse ``data/<name>`` from the package (works from a wheel as well as a tree)."""
    text = resources.files(_PACKAGE).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(data, dict):
        raise ValueError(f"data/{name} must hold a mapping")
    return data


def flag(value: Any) -> bool:
    """A yes/no field of a data file ("true"/"false": the loader keeps them as words)."""
    return value is True or str(value).lower() in {"true", "yes"}


@dataclass(frozen=True, slots=True)
class GenericActor:
    words: tuple[str, ...]
    kinds: frozenset[str]
    release_issuer: bool = False
    one_body: bool = False  # the words name one body ("central bank"), not many


@dataclass(frozen=True, slots=True)
class Lexicon:
    speculation: tuple[str, ...]
    negation: tuple[str, ...]
    hedges: tuple[str, ...]
    generic_actors: tuple[GenericActor, ...]
    official_titles: tuple[str, ...]
    remark_verbs: tuple[str, ...]
    publication_verbs: str
    publication_keywords: tuple[str, ...]
    statement_topics: str  # strong: about regulation by itself
    statement_topics_weak: str  # only within the sentence
    allegation: tuple[str, ...]
    non_officials: tuple[str, ...]
    abbreviations: tuple[str, ...]
    name_stopwords: frozenset[str] = field(default_factory=frozenset)
    enforcement_context: str = r"(?!x)x"


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or []))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = load_yaml("lexicon.yaml")
    actors = tuple(
        GenericActor(
            words=_strs(a["words"]),
            kinds=frozenset(_strs(a["kinds"])),
            release_issuer=flag(a.get("release_issuer")),
            one_body=flag(a.get("one_body")),
        )
        for a in raw["generic_actors"]
    )
    verbs = raw["statement_verbs"]
    return Lexicon(
        speculation=_strs(raw["speculation"]),
        negation=_strs(raw["negation"]),
        hedges=_strs(raw["hedges"]),
        generic_actors=actors,
        official_titles=_strs(raw["official_titles"]),
        remark_verbs=_strs(verbs["remark"]),
        publication_verbs=str(verbs["publication"]),
        publication_keywords=_strs(verbs["publication_keywords"]),
        statement_topics=str(raw["statement_topics"]["strong"]),
        statement_topics_weak=str(raw["statement_topics"]["weak"]),
        allegation=_strs(raw["allegation"]),
        non_officials=_strs(raw["non_officials"]),
        abbreviations=_strs(raw["abbreviations"]),
        name_stopwords=frozenset(_strs(raw["name_stopwords"])),
        enforcement_context=str(raw["enforcement_context"]),
    )
