"""Authors: people's names from JSON-LD, meta tags or the byline, never an organisation."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from .document import Page
from .jsonld import ORGANISATION_TYPES, types_of
from .text import clean_inline

_AUTHOR_META = ("author", "article:author", "sailthru.author", "parsely-author", "dc.creator",
                "byl", "dcterms.creator", "citation_author")  # fmt: skip
# Elements that hold a byline, most specific first.
BYLINE_SELECTOR = (
    '[itemprop="author" i], [rel="author" i], a[href*="/author/" i], [class*="byline" i], '
    '[class*="authorname" i], [class*="author-name" i], [class*="author__name" i], '
    '[class~="author" i], [id~="author" i], [id~="authors" i]'
)
# lexbor compares case-insensitively slowly, and ten such tests on every element of the
# page cost more than the rest of the field: the tree is searched for this superset (six
# tests), and each element found is checked against the selector above in Python.
_BYLINE_CANDIDATES = (
    '[itemprop="author" i], [rel="author" i], a[href*="/author/" i], [class*="byline" i], '
    '[class*="author" i], [id*="author" i]'
)
_BYLINE_CLASS_PARTS = ("byline", "authorname", "author-name", "author__name")
# The whitespace CSS splits an attribute into words at ([class~=...]).
_CSS_SPACE = re.compile(r"[ \t\n\f\r]+")
_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|de|av|af|от|przez)\s+", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|&|/|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\bi\b|\|)\s*")
# "Elena Oberholzer (obe)": a desk's initials after the name.
_INITIALS = re.compile(r"\s*\([^)]{1,8}\)$")
_NOT_A_NAME = re.compile(r"https?:|www\.|@|\d|[()\[\]{}<>=]", re.IGNORECASE)
# Bylines that name a desk, a role or a picture credit rather than a person.
_NOT_A_PERSON = re.compile(
    r"\b(?:staff|reports?|desk|team|editors?|editorial|redaktion|rédaction|agenc(?:y|ies)|"
    r"news|media|wires?|image|photo|getty|reuters|afp|dpa|associated press|"
    r"press association)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z]+(?:-[a-z]+)+$")
_MAX_AUTHORS = 10
_AUTHOR_IDS = frozenset({"author", "authors"})


def extract_authors(page: Page, site: str | None) -> tuple[list[str], str]:
    """Author names and their source ('json-ld:author', 'meta:author', 'byline')."""
    avoid = _organisation_keys(page, site)
    for obj in page.articles:
        names = _clean_names(_jsonld_people(obj.get("author")), avoid)
        if names:
            return names, "json-ld:author"
    for key in _AUTHOR_META:
        names = _clean_names(page.meta.get(key, []), avoid)
        if names:
            return names, f"meta:{key}"
    for node in page.tree.css(_BYLINE_CANDIDATES):
        if not is_byline_element(node):
            continue
        text = node.text()
        names = _clean_names([text], avoid) if len(text) < 200 else []
        if names and all(_looks_like_a_person(name) for name in names):
            return names, "byline"
    return [], ""


def is_byline_element(node: LexborNode) -> bool:
    """Whether ``BYLINE_SELECTOR`` matches ``node`` (ASCII case-insensitively, as lexbor:
    no other letter lowers to one of the letters compared)."""
    attrs = node.attributes
    if _lower(attrs.get("itemprop")) == "author" or _lower(attrs.get("rel")) == "author":
        return True
    if node.tag == "a" and "/author/" in _lower(attrs.get("href")):
        return True
    classes = _lower(attrs.get("class"))
    if any(part in classes for part in _BYLINE_CLASS_PARTS):
        return True
    if "author" in _CSS_SPACE.split(classes):
        return True
    return not _AUTHOR_IDS.isdisjoint(_CSS_SPACE.split(_lower(attrs.get("id"))))


def _lower(value: str | None) -> str:
    return value.lower() if value else ""


def authors_from_bylines(lines: list[str], page: Page, site: str | None) -> list[str]:
    """Names from "By ..." lines found in the article text."""
    avoid = _organisation_keys(page, site)
    for line in lines:
        names = _clean_names([line], avoid)
        if names and all(_looks_like_a_person(name) for name in names):
            return names
    return []


def _jsonld_people(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:_MAX_AUTHORS]:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and not (types_of(item) & ORGANISATION_TYPES):
            name = item.get("name")
            if isinstance(name, str):
                names.append(name)
    return names


def _clean_names(values: list[str], avoid: set[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        if _URL.match(value.strip()):  # article:author is often the author's page
            continue
        for part in _SPLIT.split(_PREFIX.sub("", clean_inline(value))):
            name = _INITIALS.sub("", part).strip(" .:-–—")
            if _SLUG.match(name):  # "chuck-ross": a URL slug standing in for the name
                name = name.replace("-", " ").title()
            if _is_name(name) and _key(name) not in avoid and name not in names:
                names.append(name)
    return names[:_MAX_AUTHORS]


def _is_name(value: str) -> bool:
    words = value.split()
    return (
        1 <= len(words) <= 5
        and len(value) <= 60
        and not _NOT_A_NAME.search(value)
        and not _NOT_A_PERSON.search(value)
    )


def _looks_like_a_person(name: str) -> bool:
    """Free text from the page needs a first and a last name, capitalised."""
    words = name.split()
    capitalised = sum(w[:1].isupper() for w in words)
    return len(words) >= 2 and capitalised * 2 > len(words)


def _organisation_keys(page: Page, site: str | None) -> set[str]:
    """The publication's own names (site name, web address) that pose as authors."""
    keys = {_key(site)} if site else set()
    host = urlsplit(page.url or "").hostname or ""
    keys.update(_key(label) for label in host.split(".") if len(label) > 3)
    return keys


def _key(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())
