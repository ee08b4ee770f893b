"""The precomputed view every field function reads: the tree, meta tags and JSON-LD, once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from .guard import guard_html
from .jsonld import JsonObject, article_objects
from .text import clean_inline

# JSON-LD is small; a document nesting its objects deeper than this is not metadata.
_MAX_JSONLD_OBJECTS = 500
_MAX_JSONLD_CHARS = 2_000_000


# Paragraph-like elements, the main text's candidates (maintext.py); one inside a link is
# a teaser, not text. The links inside them tell how much of their text is links.
PARAGRAPHS = ":is(p, pre, td, dd, blockquote, br):not(a *)"
_PARAGRAPH_LINKS = ":is(p, pre, td, dd, blockquote) a"
# Machine-readable times in the markup (dates.py).
_TIMES = "[datetime]"
# Everything the field functions read from the markup, found in one pass over the tree.
_FACTS = (
    'meta[content], script[type="application/ld+json" i], link[rel~="canonical" i][href], '
    f"title, h1, html[lang], {PARAGRAPHS}, {_PARAGRAPH_LINKS}, {_TIMES}"
)
_FACT_TAGS = frozenset({"script", "link", "title", "h1", "html"})
_PARAGRAPH_TAGS = frozenset({"p", "pre", "td", "dd", "blockquote", "br"})


@dataclass(frozen=True, slots=True)
class Page:
    """One parsed document and the facts every field function reads.

    ``meta`` maps a lowercased name/property/itemprop to its values (as written:
    ``first_meta`` cleans them), ``articles`` holds the article-like JSON-LD objects, most
    specific first, ``canonical`` the hrefs of ``<link rel=canonical>``, ``paragraphs`` the
    main text's candidates and ``anchors`` the links inside them, ``times`` the elements
    with a ``datetime``, all in document order.
    """

    tree: LexborHTMLParser
    url: str | None
    meta: Mapping[str, list[str]]
    articles: list[JsonObject]
    canonical: list[str]
    title: str | None
    h1: list[str]
    html_lang: str | None
    paragraphs: list[LexborNode]
    anchors: list[LexborNode]
    times: list[LexborNode]

    def first_meta(self, *keys: str) -> tuple[str, str] | None:
        """The first non-empty value among ``keys`` (in order of preference), with its key."""
        for key in keys:
            for value in self.meta.get(key, ()):
                value = clean_inline(value)
                if value:
                    return key, value
        return None


def parse_page(html: str, url: str | None) -> Page:
    tree = LexborHTMLParser(guard_html(html))
    facts = _Facts()
    # The parts of the selector are disjoint: no element comes twice.
    for node in tree.css(_FACTS):
        facts.add(node)
    return Page(
        tree=tree,
        url=url,
        meta=facts.meta,
        articles=article_objects(facts.jsonld),
        canonical=facts.canonical,
        title=facts.title,
        h1=facts.h1,
        html_lang=facts.lang,
        paragraphs=facts.paragraphs,
        anchors=facts.anchors,
        times=facts.times,
    )


class _Facts:
    """Collects meta tags, JSON-LD objects, <link>s, <title>, <h1>s and <html lang>."""

    def __init__(self) -> None:
        self.meta: dict[str, list[str]] = {}
        self.jsonld: list[JsonObject] = []
        self.canonical: list[str] = []
        self.title: str | None = None
        self.h1: list[str] = []
        self.lang: str | None = None
        self.paragraphs: list[LexborNode] = []
        self.anchors: list[LexborNode] = []
        self.times: list[LexborNode] = []

    def add(self, node: LexborNode) -> None:
        tag = node.tag
        # The common tags first: paragraphs and meta tags are most of what is found.
        if tag in _PARAGRAPH_TAGS:
            self.paragraphs.append(node)
        elif tag == "meta":
            attrs = node.attributes
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            content = attrs.get("content")
            if key and content:
                self.meta.setdefault(key.strip().lower(), []).append(content)
        elif tag == "a":
            self.anchors.append(node)
        elif tag in _FACT_TAGS:
            self._add_fact(node, tag)
        else:
            self.times.append(node)

    def _add_fact(self, node: LexborNode, tag: str) -> None:
        if tag == "script":
            data = _load_json(node)
            if data is not None:
                self.jsonld.extend(_typed_objects(data))
        elif tag == "link":
            self.canonical.append(node.attributes.get("href") or "")
        elif tag == "title":
            if self.title is None:  # an <svg> may hold a <title> of its own, later
                self.title = clean_inline(node.text()) or None
        elif tag == "h1":
            self.h1.append(clean_inline(node.text()))
        elif tag == "html":
            self.lang = node.attributes.get("lang")


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
