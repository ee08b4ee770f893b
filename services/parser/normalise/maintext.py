"""Main text: find the element that holds the article, clean it, flatten it to paragraphs.

Every paragraph-like element weighs its text length, discounted for links and for
furniture (navigation, share bars, comments...) among its ancestors; the weight flows up
to every ancestor. From the body down, we step into the child holding most of the
weight for as long as that child holds most of its parent's: the article is the smallest
element with most of the text. Furniture inside it goes, and lexbor flattens the rest.
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
# Sites that write paragraphs as text in divs: only looked for when <p> finds no article,
# after unwrapping the inline elements that would hide a div's text from ``deep=False``.
_TEXT_BLOCKS = ":is(p, pre, td, dd, li, blockquote, div, section, article):not(a *)"
# Elements whose own text is the paragraph: their weight counts for them, not just above.
_SELF_COUNTING = frozenset({"br", "div", "section", "article"})
_FORMATTING = "span, font, b, strong, i, em, u, small, big"
_CONTAINS_PARAGRAPH = frozenset({"li", "td", "dd", "blockquote"})
# Never the article's text: scripts and the like, the headline, figures and captions.
_DROPPED_SELECTOR = ", ".join(sorted(boilerplate.JUNK_TAGS | {"h1", "figure", "figcaption"}))
# Elements that may be furniture: a tag, role or attribute says so, or class words do.
_MAYBE_FURNITURE = (
    "nav, footer, aside, menu, [class], [id], [role], [hidden], [aria-hidden], [style]"
)
_LINK_LIST_TAGS = frozenset({"ul", "ol", "dl", "div", "section", "table", "p", "li"})
_MIN_PARAGRAPH_CHARS = 25
# Less paragraph text than this and the page is read again for div paragraphs.
_MIN_ARTICLE_WEIGHT = 400.0
# A child is the article rather than its parent when it holds this share of the weight,
# or the smaller one when its class or itemprop says it is the article body.
_DESCEND_SHARE = 0.7
_DESCEND_SHARE_MARKED = 0.5
# Weight kept by a paragraph under an ancestor that looks like furniture, or whose only
# furniture words also name layout.
_FURNITURE_DISCOUNT = 0.03
_WEAK_FURNITURE_DISCOUNT = 0.3
# Furniture inside the article holding this share of its weight is kept all the same.
_PROTECTED_SHARE = 0.3
_MAX_LINK_DENSITY = 0.5


@dataclass(frozen=True, slots=True)
class MainText:
    paragraphs: list[str]
    links: list[tuple[str, str]]
    source: str
    bylines: list[str] = field(default_factory=list)


def extract_main_text(page: Page) -> MainText:
    """The article's paragraphs and links. Mutates ``page.tree``: call it last."""
    body = page.tree.body or page.tree.root
    if body is None:
        return MainText([], [], "none")
    judge = boilerplate.FurnitureJudge()
    finder = _ArticleFinder(body, page.paragraphs, judge)
    source = "dom"
    root = finder.root()
    if finder.raw_weight.get(root.mem_id, 0.0) < _MIN_ARTICLE_WEIGHT:
        for node in body.css(_FORMATTING):
            node.unwrap()
        body.merge_text_nodes()
        blocks = body.css(_TEXT_BLOCKS)
        finder, source = _ArticleFinder(body, blocks, judge), "dom:text-blocks"
        root = finder.root()
    _clean(root, finder)
    links = _links(root)
    lines, bylines = _lines(root)
    return MainText(lines, links, source, bylines)


class _ArticleFinder:
    """Paragraph weight per ancestor, and the descent from the body to the article."""

    def __init__(
        self, body: LexborNode, paragraphs: list[LexborNode], judge: boilerplate.FurnitureJudge
    ) -> None:
        self.body = body
        self.judge = judge
        self.nodes: dict[int, LexborNode] = {body.mem_id: body}
        self.parent_of: dict[int, int] = {}
        self.discount: dict[int, float] = {body.mem_id: 1.0}
        self.reasons: dict[int, frozenset[str]] = {body.mem_id: frozenset()}
        self.weight: dict[int, float] = {}
        # The same without the furniture discount: what the element holds, as text.
        self.raw_weight: dict[int, float] = {}
        for paragraph in _unique(paragraphs):
            self._add(paragraph)
        self._propagate()

    @property
    def raw_total(self) -> float:
        return self.raw_weight.get(self.body.mem_id, 0.0)

    def raw_share(self, node: LexborNode, of: LexborNode) -> float:
        whole = self.raw_weight.get(of.mem_id, 0.0)
        return self.raw_weight.get(node.mem_id, 0.0) / whole if whole else 0.0

    def root(self) -> LexborNode:
        children: dict[int, list[int]] = {}
        for child, parent in self.parent_of.items():
            children.setdefault(parent, []).append(child)
        node = self.body.mem_id
        while children.get(node):
            best = max(children[node], key=lambda c: self.weight.get(c, 0.0))
            if self.weight.get(best, 0.0) < self._needed_share(best) * self.weight.get(node, 0.0):
                break
            node = best
        return self.nodes[node]

    def _needed_share(self, key: int) -> float:
        child = self.nodes[key]
        marked = boilerplate.is_article_marked(child.tag or "", child.attributes)
        return _DESCEND_SHARE_MARKED if marked else _DESCEND_SHARE

    def _add(self, paragraph: LexborNode) -> None:
        weight = _paragraph_weight(paragraph)
        if weight <= 0:
            return
        start = paragraph if paragraph.tag in _SELF_COUNTING else paragraph.parent
        if start is None:
            return
        key = self._register(start)
        self.weight[key] = self.weight.get(key, 0.0) + weight * self.discount[key]
        self.raw_weight[key] = self.raw_weight.get(key, 0.0) + weight

    def _propagate(self) -> None:
        """Sum weights up the tree: children were registered after their parents."""
        weight, raw = self.weight, self.raw_weight
        for key in reversed(self.parent_of):
            parent = self.parent_of[key]
            weight[parent] = weight.get(parent, 0.0) + weight.get(key, 0.0)
            raw[parent] = raw.get(parent, 0.0) + raw.get(key, 0.0)

    def _register(self, node: LexborNode) -> int:
        """Record ``node`` and its unknown ancestors up to the body; returns its id."""
        path = []
        current: LexborNode | None = node
        while current is not None and current.mem_id not in self.nodes:
            path.append(current)
            current = current.parent
        if current is None:  # outside the body (a fragment's stray node): count it there
            current = self.body
        for child in reversed(path):
            key, parent = child.mem_id, current.mem_id
            self.nodes[key] = child
            self.parent_of[key] = parent
            # Each new reason discounts once: a menu in the footer weighs less than the
            # footer, but a "sidebar-grid" inside a "sidebar-grid" is no worse.
            own = self.judge.reasons(child)
            self.reasons[key] = self.reasons[parent] | own
            self.discount[key] = self.discount[parent] * _discount(own - self.reasons[parent])
            current = child
        return node.mem_id


def _discount(new_reasons: frozenset[str]) -> float:
    if not new_reasons:
        return 1.0
    if new_reasons <= boilerplate.WEAK_REASONS:
        return _WEAK_FURNITURE_DISCOUNT
    return _FURNITURE_DISCOUNT


def _paragraph_weight(node: LexborNode) -> float:
    """Text length discounted by link density; 0 for short text and wrappers."""
    tag = node.tag
    if tag == "br":
        node = node.parent or node
        text = node.text(deep=False)
    elif tag in _SELF_COUNTING:
        text = node.text(deep=False)
    else:
        text = node.text()
    chars = len(text.strip())
    if chars < _MIN_PARAGRAPH_CHARS:
        return 0.0
    if tag in _CONTAINS_PARAGRAPH and node.css_first("p") is not None:
        return 0.0
    if node.css_first("a") is None:
        return float(chars)
    linked = sum(len(a.text()) for a in node.css("a"))
    return chars * max(0.0, 1 - linked / chars) ** 2


def _clean(root: LexborNode, finder: _ArticleFinder) -> None:
    """Remove what is not the article from inside its element.

    Class words the article's element itself carries (a ``sidebar-grid`` layout) say
    nothing about its children, so they are ignored below it. A removed element keeps
    its subtree, detached: judging a node inside one again is wasted, never wrong.
    """
    for node in root.css(_DROPPED_SELECTOR):
        node.decompose(recursive=False)
    ignored = finder.judge.reasons(root)
    for node in _unique(root.css(_MAYBE_FURNITURE)):
        reasons = finder.judge.reasons(node)
        if reasons and not reasons <= ignored and finder.raw_share(node, root) < _PROTECTED_SHARE:
            node.decompose(recursive=False)
    for node, links in _link_holders(root):
        if links > _MAX_LINK_DENSITY * len(node.text()):
            node.decompose(recursive=False)


def _link_holders(root: LexborNode) -> list[tuple[LexborNode, int]]:
    """Block elements inside ``root`` that hold links, with their characters of link text."""
    linked: dict[int, int] = {}
    nodes: dict[int, LexborNode] = {}
    stop = root.mem_id
    for anchor in root.css("a"):
        chars = len(anchor.text())
        node = anchor.parent
        while node is not None and node.mem_id != stop:
            key = node.mem_id
            linked[key] = linked.get(key, 0) + chars
            nodes[key] = node
            node = node.parent
    return [(n, linked[k]) for k, n in nodes.items() if n.tag in _LINK_LIST_TAGS]


def _links(root: LexborNode) -> list[tuple[str, str]]:
    links = []
    for anchor in root.css("a[href]"):
        href = anchor.attributes.get("href")
        if href:
            links.append((href, anchor.text()))
    return links


def _lines(root: LexborNode) -> tuple[list[str], list[str]]:
    """The text, one line per block, and apart from it the bylines it held."""
    for node in root.css(_INLINE_TAGS):
        node.unwrap()
    root.merge_text_nodes()
    # A separator no text can hold (control characters are cleaned away later).
    lines, bylines = [], []
    for line in root.text(separator="\x1f").split("\x1f"):
        stripped = line.strip()
        if len(stripped) > 250:
            lines.append(line)
        elif boilerplate.BYLINE_LINE.match(stripped):
            bylines.append(stripped)
        elif not boilerplate.FURNITURE_LINE.match(stripped):
            lines.append(line)
    return lines, bylines


def _unique(nodes: list[LexborNode]) -> list[LexborNode]:
    """Selector lists match an element once per matching part: keep the first of each."""
    seen: set[int] = set()
    unique = []
    for node in nodes:
        if node.mem_id not in seen:
            seen.add(node.mem_id)
            unique.append(node)
    return unique
