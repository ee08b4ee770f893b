"""The precomputed view every field function reads: the tree, meta tags and JSON-LD, once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from .guard import guard_html
from .text import clean_inline

JsonObject = dict[str, Any]
# JSON-LD is small; a document nesting its objects deeper than this is not metadata.
_MAX_JSONLD_OBJECTS = 500
_MAX_JSONLD_CHARS = 2_000_000


@dataclass(frozen=True, slots=True)
class Page:
    """One parsed document. ``meta`` maps a lowercased name/property/itemprop to its values."""

    tree: LexborHTMLParser
    url: str | None
    meta: Mapping[str, list[str]]
    jsonld: list[JsonObject]
    html_lang: str | None

    def first_meta(self, *keys: str) -> tuple[str, str] | None:
        """The first non-empty value among ``keys`` (in order of preference), with its key."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return key, value
        return None


def parse_page(html: str, url: str | None) -> Page:
    tree = LexborHTMLParser(guard_html(html))
    root = tree.root
    lang = root.attributes.get("lang") if root is not None and root.tag == "html" else None
    return Page(
        tree=tree,
        url=url,
        meta=_meta_tags(tree),
        jsonld=list(_jsonld_objects(tree)),
        html_lang=lang,
    )


def _meta_tags(tree: LexborHTMLParser) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        content = attrs.get("content")
        if key and content:
            meta.setdefault(key.strip().lower(), []).append(clean_inline(content))
    return meta


def _jsonld_objects(tree: LexborHTMLParser) -> Iterator[JsonObject]:
    """Every JSON object with an ``@type`` in the page's JSON-LD, @graph members included."""
    for script in tree.css('script[type="application/ld+json" i]'):
        data = _load_json(script)
        if data is not None:
            yield from _typed_objects(data)


def _load_json(script: LexborNode) -> Any:
    raw = script.text(deep=True)
    if not raw or len(raw) > _MAX_JSONLD_CHARS:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        # Publishers leave raw newlines inside strings, which only the lax parser takes.
        return json.loads(raw.strip().rstrip(";"), strict=False)
    except (ValueError, RecursionError):
        return None


def _typed_objects(data: Any) -> Iterator[JsonObject]:
    """Walk the JSON breadth-first without recursion, yielding objects that have a type."""
    queue = [data]
    seen = 0
    while queue and seen < _MAX_JSONLD_OBJECTS:
        item = queue.pop(0)
        seen += 1
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            if "@type" in item:
                yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                queue.extend(graph)
            main = item.get("mainEntity") or item.get("mainEntityOfPage")
            if isinstance(main, dict):
                queue.append(main)
