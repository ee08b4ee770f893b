"""Main text: find the element that holds the article, clean it, flatten it to paragraphs.

Every paragraph-like element weighs its text length, discounted for links and for
furniture (navigation, share bars, comments...) among its ancestors; the weight flows up
to every ancestor. From the body down, we step into the child holding most of the
weight for as long as that child holds most of its parent's: the article is the smallest
element with most of the text. Furniture inside it goes, and lexbor flattens the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from . import boilerplate
from .datetext import MONTH_NAMES, find_date
from .document import Page
from .overrides import SiteRule

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
_TEXT_BLOCK_LINKS = ":is(p, pre, td, dd, li, blockquote, div, section, article) a"
_FORMATTING = "span, font, b, strong, i, em, u, small, big"
_MAX_LINK_DEPTH = 4
_CONTAINS_PARAGRAPH = frozenset({"li", "td", "dd", "blockquote"})
# Never the article's text: scripts and the like, the headline, figures and captions.
_DROPPED = boilerplate.JUNK_TAGS | {"h1", "figure", "figcaption"}
# Those, and the elements that may be furniture: a tag, role or attribute says so, or
# class words do. Only containers (and the spans and paragraphs that hold a label or a
# credit) are judged; link lists and line rules deal with the rest.
# One :is(), so that an element matching two of its parts still comes once.
_CLEANED = (
    f":is({', '.join(sorted(_DROPPED))}, nav, footer, aside, menu, "
    ":is(div, section, header, ul, ol, dl, form, table, span, p)"
    ":is([class], [id], [role], [hidden], [aria-hidden], [style]))"
)
_LINK_LIST_TAGS = frozenset({"ul", "ol", "dl", "div", "section", "table", "p", "li"})
_MIN_PARAGRAPH_CHARS = 25
# Characters of paragraph text measured per document before nested elements stop being
# measured whole (see ``_ArticleFinder._add``).
_MEASURE_BUDGET = 4_000_000
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
# The lead: looked for above the article's element, in ancestors holding at most this much
# more text than it; only its lines long enough to be a standfirst are kept.
_LEAD_ANCESTORS = 8
_LEAD_SIBLINGS = 40
_LEAD_ANCESTOR_SHARE = 1.25
_MIN_LEAD_CHARS = 40
_LEAD_TAGS = frozenset({"header", "hgroup", "p", "h2"})
_MAX_FURNITURE_LINE = 250
# Tables: rows of short cells without blocks are data, one line each.
_INLINE_TAGS_AND_ROWS = f":is({_INLINE_TAGS}, tr)"
_BLOCKS_IN_CELLS = "p, div, table, ul, ol, br, h2, h3, h4, blockquote"
_MAX_ROW_CHARS = 300
# Ends each block's line in the flattened text: a character no text can hold (control
# characters are cleaned away later).
_LINE_BREAK = "\x1f"
# A dateline: a date, a time, a zone, and at most a word such as "Stand" or "Updated".
_MAX_DATELINE = 60
_DATELINE_SPARE_LETTERS = 12
_LETTERS = re.compile(r"[^\W\d_]+")
_DATE_WORDS = MONTH_NAMES | frozenset(
    {
        "am", "pm", "uhr", "h", "utc", "gmt", "cet", "cest", "jst", "kst", "et", "est", "edt",
        "bst", "pst", "pdt", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "de", "th", "st",
        "nd", "rd", "at",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MainText:
    paragraphs: list[str]
    links: list[tuple[str, str]]
    source: str
    bylines: list[str] = field(default_factory=list)


def extract_main_text(page: Page, rule: SiteRule | None = None) -> MainText:
    """The article's paragraphs and links. Mutates ``page.tree``: call it last.

    ``rule`` (a registered site override) may name the body's element and furniture the
    generic rules miss; without a match the generic extraction runs as usual.
    """
    body = page.tree.body or page.tree.root
    if body is None:
        return MainText([], [], "none")
    if rule is not None and rule.drop:
        for node in body.css(rule.drop):
            node.decompose(recursive=False)
    judge = boilerplate.FurnitureJudge()
    linked = _linked_chars(page.paragraphs, page.anchors)
    finder = _ArticleFinder(body, page.paragraphs, judge, linked)
    source = "dom"
    root = finder.root()
    override = body.css_first(rule.body) if rule is not None and rule.body else None
    if override is not None:
        root, source = override, "override"
    elif finder.raw_weight.get(root.mem_id, 0.0) < _MIN_ARTICLE_WEIGHT:
        for node in body.css(_FORMATTING):
            node.unwrap()
        body.merge_text_nodes()
        blocks = body.css(_TEXT_BLOCKS)
        linked = _linked_chars(blocks, body.css(_TEXT_BLOCK_LINKS))
        finder, source = _ArticleFinder(body, blocks, judge, linked), "dom:text-blocks"
        root = finder.root()
    main = MainText([], [], source)
    leads = _leads(root, finder)
    for part in [*leads, root]:
        _clean(part, finder)
        lines, links, bylines = _flatten(part)
        if part is not root:  # of a lead, only lines long enough to be a standfirst
            lines = [line for line in lines if len(line.strip()) >= _MIN_LEAD_CHARS]
        main.paragraphs.extend(lines)
        main.links.extend(links)
        main.bylines.extend(bylines)
    return main


def _leads(root: LexborNode, finder: _ArticleFinder) -> list[LexborNode]:
    """What comes before the article's element and still belongs to it: the standfirst in
    the article's header, a first paragraph set apart above a picture.

    Looks at the preceding siblings of the root and of its ancestors for as long as an
    ancestor holds little more text than the root itself.
    """
    leads: list[LexborNode] = []
    limit = _LEAD_ANCESTOR_SHARE * finder.raw_weight.get(root.mem_id, 0.0)
    node = root
    for _ in range(_LEAD_ANCESTORS):
        parent = node.parent
        # The page's top-level sections (masthead, navigation) are never the lead.
        if parent is None or finder.body.mem_id in (node.mem_id, parent.mem_id):
            break
        if finder.raw_weight.get(parent.mem_id, 0.0) > limit:
            break
        sibling = node.prev
        found = []
        for _ in range(_LEAD_SIBLINGS):
            if sibling is None:
                break
            if sibling.is_element_node and _is_lead(sibling, finder):
                found.append(sibling)
            sibling = sibling.prev
        leads[:0] = reversed(found)
        node = parent
    return leads


def _is_lead(node: LexborNode, finder: _ArticleFinder) -> bool:
    tag = node.tag
    if tag in _DROPPED or finder.judge.reasons(node):
        return False
    if tag in _LEAD_TAGS or finder.raw_weight.get(node.mem_id, 0.0) > 0:
        return True
    return boilerplate.is_lead_marked(node.attributes)


class _ArticleFinder:
    """Paragraph weight per ancestor, and the descent from the body to the article."""

    def __init__(
        self,
        body: LexborNode,
        paragraphs: list[LexborNode],
        judge: boilerplate.FurnitureJudge,
        linked: dict[int, int],
    ) -> None:
        self.body = body
        self.linked = linked
        self.judge = judge
        self.nodes: dict[int, LexborNode] = {body.mem_id: body}
        self.parent_of: dict[int, int] = {}
        self.discount: dict[int, float] = {body.mem_id: 1.0}
        self.reasons: dict[int, frozenset[str]] = {body.mem_id: frozenset()}
        self.weight: dict[int, float] = {}
        # The same without the furniture discount: what the element holds, as text.
        self.raw_weight: dict[int, float] = {}
        self.unmeasured = _MEASURE_BUDGET
        for paragraph in paragraphs:
            self._add(paragraph)
        self._propagate()

    def root(self) -> LexborNode:
        children: dict[int, list[int]] = {}
        for child, parent in self.parent_of.items():
            children.setdefault(parent, []).append(child)
        weight = self.weight
        node = self.body.mem_id
        while children.get(node):
            best = max(children[node], key=lambda c: weight.get(c, 0.0))
            share, whole = weight.get(best, 0.0), weight.get(node, 0.0)
            if share < _DESCEND_SHARE_MARKED * whole:
                break
            # Only a share between the two thresholds depends on the child's markers.
            if share < _DESCEND_SHARE * whole and not self._marked(best):
                break
            node = best
        return self.nodes[node]

    def _marked(self, key: int) -> bool:
        return boilerplate.is_article_marked(self.nodes[key].attributes)

    def _add(self, paragraph: LexborNode) -> None:
        tag = paragraph.tag or ""
        # A cell's or item's text includes that of the cells and items nested in it:
        # thousands of nested <td> would cost depth x text. Past the budget (far above
        # any real page), only an element's own text counts.
        weight, measured = _paragraph_weight(paragraph, tag, self.linked, self.unmeasured > 0)
        self.unmeasured -= measured
        if weight <= 0:
            return
        start = paragraph if tag in _SELF_COUNTING else paragraph.parent
        if start is None:
            return
        key = self._register(start)
        if key is None:
            return
        self.weight[key] = self.weight.get(key, 0.0) + weight * self.discount[key]
        self.raw_weight[key] = self.raw_weight.get(key, 0.0) + weight

    def _propagate(self) -> None:
        """Sum weights up the tree: children were registered after their parents."""
        weight, raw = self.weight, self.raw_weight
        for key in reversed(self.parent_of):
            parent = self.parent_of[key]
            weight[parent] = weight.get(parent, 0.0) + weight.get(key, 0.0)
            raw[parent] = raw.get(parent, 0.0) + raw.get(key, 0.0)

    def _register(self, node: LexborNode) -> int | None:
        """Record ``node`` and its unknown ancestors up to the body; returns its id, or None
        for a node no longer in the body (removed by a site rule)."""
        key = node.mem_id
        if key in self.nodes:  # the common case: a sibling paragraph registered it
            return key
        path = []
        current: LexborNode | None = node
        while current is not None and current.mem_id not in self.nodes:
            path.append(current)
            current = current.parent
        if current is None:
            return None
        for child in reversed(path):
            key, parent = child.mem_id, current.mem_id
            self.nodes[key] = child
            self.parent_of[key] = parent
            # Each new reason discounts once: a menu in the footer weighs less than the
            # footer, but a "sidebar-grid" inside a "sidebar-grid" is no worse.
            own = self.judge.reasons(child)
            if own:
                self.reasons[key] = self.reasons[parent] | own
                self.discount[key] = self.discount[parent] * _discount(own - self.reasons[parent])
            else:  # most elements: nothing new
                self.reasons[key] = self.reasons[parent]
                self.discount[key] = self.discount[parent]
            current = child
        return key


def _discount(new_reasons: frozenset[str]) -> float:
    if not new_reasons:
        return 1.0
    if new_reasons <= boilerplate.WEAK_REASONS:
        return _WEAK_FURNITURE_DISCOUNT
    return _FURNITURE_DISCOUNT


def _paragraph_weight(
    node: LexborNode, tag: str, linked: dict[int, int], deep: bool
) -> tuple[float, int]:
    """Text length discounted by link density (0 for short text and wrappers), and the
    characters read to find it. ``deep=False`` reads only the element's own text nodes.
    """
    if tag == "br":
        node = node.parent or node
        text = node.text(deep=False)
    elif tag in _SELF_COUNTING:
        text = node.text(deep=False)
    else:
        text = node.text(deep=deep)
    chars = len(text.strip())
    if chars < _MIN_PARAGRAPH_CHARS:
        return 0.0, len(text)
    if tag in _CONTAINS_PARAGRAPH and node.css_first("p") is not None:
        return 0.0, len(text)
    links = linked.get(node.mem_id, 0)
    return chars * max(0.0, 1 - links / chars) ** 2 if links else float(chars), len(text)


def _linked_chars(paragraphs: list[LexborNode], anchors: list[LexborNode]) -> dict[int, int]:
    """Characters of link text in each paragraph, from the links found inside them."""
    owners = {node.mem_id for node in paragraphs}
    linked: dict[int, int] = {}
    for anchor in anchors:
        node = anchor.parent
        for _ in range(_MAX_LINK_DEPTH):  # a link sits in a paragraph, or a <b> in one
            if node is None:
                break
            if node.mem_id in owners:
                linked[node.mem_id] = linked.get(node.mem_id, 0) + len(anchor.text())
                break
            node = node.parent
    return linked


def _clean(root: LexborNode, finder: _ArticleFinder) -> None:
    """Remove what is not the article from inside its element.

    Class words the article's element itself carries (a ``sidebar-grid`` layout) say
    nothing about its children, so they are ignored below it. A removed element keeps
    its subtree, detached: what lies inside it is not judged again.
    """
    ignored = finder.judge.reasons(root)
    raw = finder.raw_weight
    whole = raw.get(root.mem_id, 0.0)
    # Element id -> whether it lies in (or is) a removed subtree, for what was seen.
    gone: dict[int, bool] = {root.mem_id: False}
    removed = False
    for node in root.css(_CLEANED):
        key = node.mem_id
        # lexbor's css() matches the element itself too: the root always stays. Before the
        # first removal, nothing can lie in a removed subtree.
        if key in gone or (removed and _in_removed(node, gone)):
            continue
        if node.tag in _DROPPED:
            remove = True
        elif (raw.get(key, 0.0) / whole if whole else 0.0) < _PROTECTED_SHARE:
            reasons = finder.judge.reasons(node)
            remove = bool(reasons) and not reasons <= ignored
        else:
            remove = False
        if remove:
            node.decompose(recursive=False)
            removed = True
        gone[key] = remove


def _in_removed(node: LexborNode, gone: dict[int, bool]) -> bool:
    """Whether an ancestor of ``node`` was removed. The answer is remembered for every
    ancestor passed on the way up: ancestors come first in document order, so no later
    removal can change it, and the next walk stops there."""
    path = []
    parent = node.parent
    while parent is not None:
        found = gone.get(parent.mem_id)
        if found is not None:
            break
        path.append(parent.mem_id)
        parent = parent.parent
    else:
        found = True  # detached from the root without a removal we know of
    for key in path:
        gone[key] = found
    return found


def _flatten(root: LexborNode) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The cleaned ``root`` as lines of text, its links and its bylines, from one query:
    link lists go, then the inline elements are unwrapped so each block is one line."""
    inline = [(node, node.tag) for node in root.css(_INLINE_TAGS_AND_ROWS)]
    anchors = [(node, node.text()) for node, tag in inline if tag == "a"]
    links = _links(_drop_link_lists(root, anchors))
    for node, tag in inline:
        if tag == "tr":
            _row_to_line(node)
        else:
            node.unwrap()
    root.merge_text_nodes()
    lines, bylines = _lines(root.text(separator=_LINE_BREAK))
    return lines, links, bylines


def _drop_link_lists(
    root: LexborNode, anchors: list[tuple[LexborNode, str]]
) -> list[tuple[LexborNode, str]]:
    """Remove the blocks inside ``root`` made mostly of link text (menus, related stories);
    returns the anchors (with their text) that are still in the tree."""
    linked: dict[int, int] = {}
    nodes: dict[int, LexborNode] = {}
    chains: list[list[int]] = []
    stop = root.mem_id
    for anchor, text in anchors:
        chars = len(text)
        chain = []
        node = anchor.parent
        while node is not None and (key := node.mem_id) != stop:
            linked[key] = linked.get(key, 0) + chars
            nodes[key] = node
            chain.append(key)
            node = node.parent
        chains.append(chain)
    dropped: set[int] = set()
    for key, node in nodes.items():
        # Inner blocks come first: an outer one is measured without the lists it lost.
        if node.tag in _LINK_LIST_TAGS and linked[key] > _MAX_LINK_DENSITY * len(node.text()):
            node.decompose(recursive=False)
            dropped.add(key)
    if not dropped:
        return anchors
    kept = zip(anchors, chains, strict=True)
    return [anchor for anchor, chain in kept if dropped.isdisjoint(chain)]


def _links(anchors: list[tuple[LexborNode, str]]) -> list[tuple[str, str]]:
    """(href, anchor text) of the links; a link without text (an image) is none."""
    links = []
    for anchor, text in anchors:
        href = anchor.attributes.get("href")
        if href and text.strip():
            links.append((href, text))
    return links


def _lines(text: str) -> tuple[list[str], list[str]]:
    """The text, one line per block, and apart from it the bylines it held."""
    lines, bylines = [], []
    for line in text.split(_LINE_BREAK):
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) > _MAX_FURNITURE_LINE:
            lines.append(line)
        elif boilerplate.BYLINE_LINE.match(stripped):
            bylines.append(stripped)
        elif not boilerplate.is_furniture_line(stripped) and not _is_dateline(stripped):
            lines.append(line)
    return lines, bylines


def _row_to_line(row: LexborNode) -> None:
    """A data table's row as one line, "cell | cell"; layout tables are left as they are."""
    if row.css_first(_BLOCKS_IN_CELLS) is not None:
        return
    cells = [" ".join(cell.text().split()) for cell in row.css("td, th")]
    line = " | ".join(cell for cell in cells if cell)
    if len(line) <= _MAX_ROW_CHARS:
        # The separator ends the line even when the next row's text is merged into it.
        row.replace_with(f"{line}{_LINE_BREAK}")


def _is_dateline(line: str) -> bool:
    """A line that is a date and little else: "17:41 JST, October 13, 2024"."""
    if len(line) > _MAX_DATELINE or find_date(line) is None:
        return False
    words = [w for w in _LETTERS.findall(line) if w.lower() not in _DATE_WORDS]
    return sum(map(len, words)) <= _DATELINE_SPARE_LETTERS
