"""What page furniture looks like: tags, ARIA roles, class/id words and line patterns.

Hints are judged on class/id *words* (split at ``-``, ``_``, spaces and camelCase) so that
"ad" matches ``ad-slot`` but not ``header`` or ``download``, and a positive compound such
as ``article-body`` in any class name outweighs them all.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

# Never text.
JUNK_TAGS = frozenset(
    """script style noscript template svg math iframe object embed canvas video audio picture
    button input select textarea option dialog map link meta head""".split()
)
# Furniture by element or ARIA role wherever it appears.
FURNITURE_TAGS = frozenset({"nav", "footer", "aside", "menu"})
FURNITURE_ROLES = frozenset(
    {"navigation", "contentinfo", "complementary", "banner", "dialog", "alert", "menu",
     "toolbar", "search", "tablist"}
)  # fmt: skip

# Furniture words, as written in class names with their separators dropped
# ("read-more", "readMore" and "read_more" are all "readmore").
_NEGATIVE = frozenset(
    """
    share shares sharing sharebar sharetools social socials newsletter newsletters subscribe
    subscription signup related recommended recommendation recommendations recirc
    recirculation promo promos promotion promoted advert adverts advertisement advertisements
    advertising ad ads adslot adunit adcontainer dfp sponsor sponsors sponsored comment
    comments disqus cookie cookies consent gdpr popup modal breadcrumb breadcrumbs pagination
    pager sidebar widget widgets footer masthead nav navbar navigation menu toolbar byline
    bylines tags taglist trending popular mostread mostviewed mostpopular outbrain taboola
    caption captions credit credits copyright print skip hidden sronly visuallyhidden
    readmore morestories moreon alsoread seealso topics follow banner teaser teasers login
    rating survey donate feedback authorbio aboutauthor abouttheauthor embed player
    inlinevideo
    """.split()
)
# Words that also name layout around articles ("sidebar-grid", "article-widgets"): they
# weigh less against an element than words that never do ("cookie", "newsletter").
WEAK_REASONS = frozenset(
    """sidebar widget widgets banner teaser teasers promo promos modal popup embed player
    print skip rating tags topics follow credit credits caption captions masthead toolbar
    menu hidden""".split()
)
# Compound names that only the article's own element carries ("body" alone is also a
# "modal-body" or a "comment-body").
_POSITIVE = frozenset(
    """
    articlebody articlecontent articletext articlemain storybody storycontent storytext
    postbody postcontent posttext entrycontent entrybody maincontent bodytext richtext prose
    """.split()
)
# A class that names a state of the page, not the element: "comments-enabled", "has-sidebar".
_STATE_PREFIXES = frozenset("has with without no show hide enable disable is allow".split())
_STATE_SUFFIXES = frozenset(
    "enabled disabled active inactive open closed on off visible allowed".split()
)
_CAMEL = re.compile(r"([a-z])([A-Z])")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_WORD = re.compile(r"[a-z0-9]+")
# A class word can only start a furniture phrase ("news" in "news-letters") if it is the
# beginning of one: every phrase's prefixes, for a cheap first look.
_TRIGGERS = frozenset(word[:n] for word in _NEGATIVE for n in range(2, len(word) + 1))
_ARTICLE_TAGS = frozenset({"main", "article"})
Attributes = dict[str, str | None]
_NONE: frozenset[str] = frozenset()
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def class_words(attrs: Attributes) -> list[list[str]]:
    """Class and id as lists of lowercase words, one list per class name.

    ``"articleBody js-share share_bar"`` -> ``[["article", "body"], ["share", "bar"]]``:
    ``js-*`` classes are hooks for scripts, not descriptions, and are left out.
    """
    return _names(_hint_value(attrs))


def _hint_value(attrs: Attributes) -> str:
    value = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    return value if value.islower() else _CAMEL.sub(r"\1-\2", value).lower()


def _names(value: str) -> list[list[str]]:
    return [
        name.replace("_", "-").split("-")
        for name in _NAME.findall(value)
        if not name.startswith("js-")
    ]


def _furniture_words(attrs: Attributes) -> set[str]:
    value = _hint_value(attrs)
    if _TRIGGERS.isdisjoint(_WORD.findall(value)):  # the common case, decided cheaply
        return set()
    found: set[str] = set()
    for words in _names(value):
        if words[0] in _STATE_PREFIXES or words[-1] in _STATE_SUFFIXES:
            continue
        for phrase in _phrases(words):
            if phrase in _POSITIVE:
                return set()
            if phrase in _NEGATIVE:
                found.add(phrase)
    return found


def _phrases(words: list[str]) -> list[str]:
    """Each word, and each run of two and three words written together."""
    if len(words) == 1:
        return words
    words = [w for w in words if w]  # "article__body": BEM's double separators
    phrases = words + [a + b for a, b in zip(words, words[1:], strict=False)]
    phrases += [a + b + c for a, b, c in zip(words, words[1:], words[2:], strict=False)]
    return phrases


def is_article_marked(tag: str, attrs: Attributes) -> bool:
    """The element calls itself the article body (``itemprop=articleBody``, ``entry-content``)."""
    if "articlebody" in (attrs.get("itemprop") or "").lower():
        return True
    if not (attrs.get("class") or attrs.get("id")):
        return False
    return any(p in _POSITIVE for words in class_words(attrs) for p in _phrases(words))


class FurnitureJudge:
    """``furniture_reasons`` for elements of one document, remembered per attribute set
    (pages repeat the same classes on hundreds of elements)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str | bool | None, ...], frozenset[str]] = {}

    def reasons(self, node: LexborNode) -> frozenset[str]:
        tag = node.tag or ""
        attrs = node.attributes
        if not attrs:
            return _NONE if tag not in FURNITURE_TAGS else frozenset({tag})
        get = attrs.get
        key = (tag, get("class"), get("id"), get("role"), get("style"), get("aria-hidden"),
               get("itemprop"), "hidden" in attrs)  # fmt: skip
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = furniture_reasons(tag, attrs)
        return found


def furniture_reasons(tag: str, attrs: Attributes) -> frozenset[str]:
    """Why an element is navigation, share bar, comments...: its tag, role, visibility or
    class/id words. Empty when it is not furniture; always empty for the article's own
    markers (``<main>``, ``<article>``, ``role=main``, ``itemprop=articleBody``).
    """
    role = (attrs.get("role") or "").lower()
    itemprop = (attrs.get("itemprop") or "").lower()
    if tag in _ARTICLE_TAGS or role == "main" or "articlebody" in itemprop:
        return _NONE
    reasons: set[str] = set()
    if tag in FURNITURE_TAGS:
        reasons.add(tag)
    if role in FURNITURE_ROLES:
        reasons.add(role)
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        reasons.add("hidden")
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(style):
        reasons.add("hidden")
    if attrs.get("class") or attrs.get("id"):
        reasons.update(_furniture_words(attrs))
    return frozenset(reasons) if reasons else _NONE


# Short lines that are furniture wherever they appear.
FURNITURE_LINE = re.compile(
    r"""^(?:
        advertisement|advertising|anzeige|werbung|publicité|publicidad|pubblicità|reklama
      | (?:©|\(c\)|copyright\b).{0,200}
      | all\ rights\ reserved.{0,100}
      | (?:share|teilen|partager)(?:\ this)?(?:\ (?:article|story|page))?
      | (?:read|see)\ (?:more|also)\b.{0,120}
      | sign\ up\b.{0,120}
      | (?:photo|image|foto|bild)\s*:.{0,120}
      | (?:updated|published|posted|aktualisiert|veröffentlicht)\b.{0,60}\d.{0,40}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# "By Jane Doe and John Roe": a byline is a preposition and capitalised names, nothing else.
_NAME_WORD = r"[A-ZÀ-ÞĀ-Ž][\w.'’-]*"
BYLINE_LINE = re.compile(
    rf"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]i|[Dd]oor)\s+{_NAME_WORD}"
    rf"(?:(?:\s+|\s*,\s*|\s+(?:and|und|et|y|e|&)\s+){_NAME_WORD}){{0,8}}\.?$"
)
