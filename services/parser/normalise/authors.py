"""Authors: people's names from JSON-LD, meta tags or the byline, never an organisation."""

from __future__ import annotations

import re
from typing import Any

from .document import Page
from .jsonld import ORGANISATION_TYPES, article_objects, types_of
from .text import clean_inline

_AUTHOR_META = ("author", "article:author", "sailthru.author", "parsely-author", "dc.creator",
                "byl", "dcterms.creator", "citation_author")  # fmt: skip
_BYLINE_SELECTOR = (
    '[itemprop="author" i], [rel="author" i], [class*="byline" i], [class*="author-name" i]'
)
_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|de|av|af|от|przez)\s+", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\bi\b|\|)\s*")
_NOT_A_NAME = re.compile(r"https?:|www\.|@|\d", re.IGNORECASE)
_MAX_AUTHORS = 10


def extract_authors(page: Page, site: str | None) -> tuple[list[str], str]:
    """Author names and their source ('json-ld:author', 'meta:author', 'byline')."""
    for obj in article_objects(page):
        names = _jsonld_people(obj.get("author"))
        if names:
            return _clean_names(names, site), "json-ld:author"
    for key in _AUTHOR_META:
        values = page.meta.get(key)
        if values:
            names = _clean_names(values, site)
            if names:
                return names, f"meta:{key}"
    for node in page.tree.css(_BYLINE_SELECTOR):
        names = _clean_names([node.text()], site)
        if names:
            return names, "byline"
    return [], ""


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


def _clean_names(values: list[str], site: str | None) -> list[str]:
    site_key = (site or "").casefold()
    names: list[str] = []
    for value in values:
        for part in _SPLIT.split(_PREFIX.sub("", clean_inline(value))):
            name = part.strip(" .:-–—")
            if _is_name(name) and name.casefold() != site_key and name not in names:
                names.append(name)
    return names[:_MAX_AUTHORS]


def _is_name(value: str) -> bool:
    words = value.split()
    return 1 <= len(words) <= 5 and len(value) <= 60 and not _NOT_A_NAME.search(value)
