"""Main text: find the block of the page that holds the article, then clean it.

Scoring follows the readability family: every paragraph with real text scores its parent
and grandparent by length and commas; the best container, weighted by class hints and
link density, is the article. Furniture (tags, roles, class words) goes first, and
whatever survives inside the article is flattened to lines by lexbor in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from . import boilerplate
from .document import Page

# Inline elements: unwrapped so that a block's text is one text node after merging.
_INLINE_TAGS = (
    "a, span, b, strong, i, em, u, small, big, sup, sub, font, abbr, acronym, cite, q, "
    "mark, time, code, kbd, samp, var, s, strike, del, ins, bdi, bdo, label, data, tt, nobr, "
    "img, wbr"
)
_PARAGRAPH_TAGS = "p, pre, blockquote, td, h2, h3, dd"
_MIN_PARAGRAPH_CHARS = 25
_TAG_BONUS = {"div": 5, "article": 10, "main": 5, "section": 3, "td": 3, "blockquote": 3,
              "pre": 3, "ul": -3, "ol": -3, "li": -3, "form": -3, "h1": -5, "h2": -5,
              "h3": -5, "th": -5, "body": -5}  # fmt: skip


@dataclass(slots=True)
class _Candidate:
    node: LexborNode
    score: float = 0.0
    text_chars: int = 0
    paragraphs: list[LexborNode] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MainText:
    paragraphs: list[str]
    links: list[tuple[str, str]]
    source: str


def extract_main_text(page: Page) -> MainText:
    """The article's paragraphs and links. Mutates ``page.tree``: call it last."""
    body = page.tree.body or page.tree.root
    if body is None:
        return MainText([], [], "none")
    page.tree.strip_tags(boilerplate.JUNK_TAGS)
    _remove_furniture(body)
    root = _best_container(body)
    _clean_inside(root)
    links = _links(root)
    return MainText(_lines(root), links, "dom")


def _remove_furniture(body: LexborNode) -> None:
    """Drop navigation, share bars, comments and the like, unless they hold most of the text."""
    limit = len(body.text()) // 2
    for node in body.css(boilerplate.FURNITURE_SELECTOR):
        _remove_if_small(node, limit)
    for node in body.css(boilerplate.HINT_SELECTOR):
        attrs = node.attributes
        hints = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if node.tag not in ("html", "body") and boilerplate.is_furniture_hint(hints):
            _remove_if_small(node, limit)


def _remove_if_small(node: LexborNode, limit: int) -> None:
    if node.parent is not None and len(node.text()) <= limit:
        node.decompose(recursive=False)


def _best_container(body: LexborNode) -> LexborNode:
    candidates: dict[int, _Candidate] = {}
    for paragraph in body.css(_PARAGRAPH_TAGS):
        text = paragraph.text()
        chars = len(text.strip())
        if chars < _MIN_PARAGRAPH_CHARS:
            continue
        score = 1 + text.count(",") + text.count("，") + min(chars / 100, 3)
        node = paragraph.parent
        for divider in (1, 2, 3):
            if node is None or node.tag in ("html", "#document"):
                break
            candidate = candidates.get(node.mem_id)
            if candidate is None:
                candidate = candidates[node.mem_id] = _Candidate(node, _initial_score(node))
            candidate.score += score / divider
            node = node.parent
    if not candidates:
        return body
    ranked = sorted(candidates.values(), key=lambda c: c.score, reverse=True)[:5]
    best = max(ranked, key=lambda c: c.score * (1 - _link_density(c.node)))
    return best.node


def _initial_score(node: LexborNode) -> float:
    attrs = node.attributes
    hints = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return _TAG_BONUS.get(node.tag or "", 0) + boilerplate.class_weight(hints)


def _link_density(node: LexborNode) -> float:
    total = len(node.text())
    if total == 0:
        return 1.0
    linked = sum(len(a.text()) for a in node.css("a"))
    return min(linked / total, 1.0)


def _clean_inside(root: LexborNode) -> None:
    """Remove link lists and headline blocks left inside the chosen container."""
    for node in root.css("h1, ul, ol, div, section, table, figure"):
        if node.parent is None:
            continue
        if node.tag == "h1" or node.tag == "figure":
            node.decompose(recursive=False)
        elif node.css_first("a") is not None and _link_density(node) > 0.5:
            node.decompose(recursive=False)


def _links(root: LexborNode) -> list[tuple[str, str]]:
    links = []
    for anchor in root.css("a[href]"):
        href = anchor.attributes.get("href")
        if href:
            links.append((href, anchor.text()))
    return links


def _lines(root: LexborNode) -> list[str]:
    for node in root.css(_INLINE_TAGS):
        node.unwrap()
    root.merge_text_nodes()
    # A separator no text can hold (control characters are cleaned away later).
    lines = root.text(separator="\x1f").split("\x1f")
    return [line for line in lines if not _is_furniture_line(line)]


def _is_furniture_line(line: str) -> bool:
    stripped = line.strip()
    if len(stripped) > 250:
        return False
    return bool(
        boilerplate.FURNITURE_LINE.match(stripped) or boilerplate.BYLINE_LINE.match(stripped)
    )
