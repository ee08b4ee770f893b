"""What page furniture looks like: tags, ARIA roles, class/id words and line patterns.

Hints are judged on class/id *words* (split at ``-``, ``_``, spaces and camelCase) so that
"ad" matches ``ad-slot`` but not ``header`` or ``download``, and a positive compound such
as ``article-body`` in any class name outweighs them all.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from selectolax.lexbor import LexborNode

# Never text.
JUNK_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
        "canvas", "video", "audio", "picture", "button", "input", "select", "textarea", "option",
        "dialog", "map", "link", "meta", "head",
    }
)  # fmt: skip
# Furniture by element or ARIA role wherever it appears.
FURNITURE_TAGS = frozenset({"nav", "footer", "aside", "menu"})
FURNITURE_ROLES = frozenset(
    {"navigation", "contentinfo", "complementary", "banner", "dialog", "alert", "menu",
     "toolbar", "search", "tablist"}
)  # fmt: skip

# Furniture words, as written in class names with their separators dropped
# ("read-more", "readMore" and "read_more" are all "readmore").
_NEGATIVE = frozenset(
    {
        "share", "shares", "sharing", "sharebar", "sharetools", "social", "socials", "newsletter",
        "newsletters", "subscribe", "subscription", "signup", "related", "recommended",
        "recommendation", "recommendations", "recirc", "recirculation", "promo", "promos",
        "promotion", "promoted", "advert", "adverts", "advertisement", "advertisements",
        "advertising", "ad", "ads", "adslot", "adunit", "adcontainer", "dfp", "sponsor",
        "sponsors", "sponsored", "comment", "comments", "disqus", "cookie", "cookies", "consent",
        "gdpr", "popup", "modal", "breadcrumb", "breadcrumbs", "pagination", "pager", "sidebar",
        "widget", "widgets", "footer", "masthead", "nav", "navbar", "navigation", "menu",
        "toolbar", "byline", "bylines", "tags", "taglist", "trending", "popular", "mostread",
        "mostviewed", "mostpopular", "outbrain", "taboola", "caption", "captions", "credit",
        "credits", "copyright", "print", "skip", "hidden", "sronly", "visuallyhidden", "readmore",
        "morestories", "moreon", "alsoread", "seealso", "topics", "follow", "banner", "teaser",
        "teasers", "login", "rating", "survey", "donate", "feedback", "authorbio", "aboutauthor",
        "abouttheauthor", "embed", "player", "inlinevideo",
    }
)  # fmt: skip
# Words that also name layout around articles ("sidebar-grid", "article-widgets"): they
# weigh less against an element than words that never do ("cookie", "newsletter").
WEAK_REASONS = frozenset(
    {
        "sidebar", "widget", "widgets", "banner", "teaser", "teasers", "promo", "promos", "modal",
        "popup", "embed", "player", "print", "skip", "rating", "tags", "topics", "follow",
        "credit", "credits", "caption", "captions", "masthead", "toolbar", "menu", "hidden",
    }
)  # fmt: skip
# Compound names that only the article's own element carries ("body" alone is also a
# "modal-body" or a "comment-body").
_POSITIVE = frozenset(
    {
        "articlebody", "articlecontent", "articletext", "articlemain", "storybody", "storycontent",
        "storytext", "postbody", "postcontent", "posttext", "entrycontent", "entrybody",
        "maincontent", "bodytext", "richtext", "prose",
    }
)  # fmt: skip
_LEAD = frozenset(
    {
        "standfirst", "lead", "lede", "intro", "summary", "dek", "deck", "excerpt", "subtitle",
        "subheadline", "subhead", "strapline", "teaser", "description", "abstract", "chapo",
        "chapeau", "vorspann", "entradilla", "sottotitolo",
    }
)  # fmt: skip
# A class that names a state of the page, not the element: "comments-enabled", "has-sidebar".
_STATE_PREFIXES = frozenset(
    {
        "has", "with", "without", "no", "show", "hide", "enable", "disable", "is", "allow",
    }
)  # fmt: skip
_STATE_SUFFIXES = frozenset(
    {
        "enabled", "disabled", "active", "inactive", "open", "closed", "on", "off", "visible",
        "allowed",
    }
)  # fmt: skip
# "readMore" -> "read-More": a hyphen between a lower and an upper case letter (a literal
# replacement at a zero-width match, far cheaper than a template over two groups).
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_WORD = re.compile(r"[a-z0-9]+")
# A class word can only start a furniture phrase ("news" in "news-letters") if it is the
# beginning of one: every phrase's prefixes, for a cheap first look.
_TRIGGERS = frozenset(word[:n] for word in _NEGATIVE for n in range(2, len(word) + 1))
# Every beginning of every phrase, furniture or article: a class name with none of them
# among its words holds no phrase at all.
_PHRASE_STARTS = frozenset(
    phrase[:n] for phrase in _NEGATIVE | _POSITIVE for n in range(1, len(phrase) + 1)
)
_ARTICLE_TAGS = frozenset({"main", "article"})
Attributes = dict[str, str | None]
_NONE: frozenset[str] = frozenset()
_TAG_REASONS = {tag: frozenset({tag}) for tag in FURNITURE_TAGS}
_PLAIN_ATTRIBUTES = frozenset({"class", "id"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# What a class or id string says: its furniture words, and whether it marks the article.
Words = tuple[frozenset[str], bool]
_NOTHING: Words = (_NONE, False)
_MARKED: Words = (_NONE, True)


def _lowered(value: str) -> str:
    """``"shareBar Promo"`` -> ``"share-bar promo"``: camelCase split, then lower case."""
    return value if value.islower() else _CAMEL.sub("-", value).lower()


def _names(value: str) -> list[list[str]]:
    """``"article-body js-share share_bar"`` -> ``[["article", "body"], ["share", "bar"]]``:
    one list of words per class name; ``js-*`` classes are hooks for scripts, not words."""
    return [
        name.replace("_", "-").split("-")
        for name in _NAME.findall(value)
        if not name.startswith("js-")
    ]


def _phrases(words: list[str]) -> list[str]:
    """Each word, and each run of two and three words written together."""
    if len(words) == 1:
        return words
    words = [w for w in words if w]  # "article__body": BEM's double separators
    phrases = words + [a + b for a, b in itertools.pairwise(words)]
    if len(words) > 2:
        phrases += [a + b + c for a, b, c in zip(words, words[1:], words[2:], strict=False)]
    return phrases


def is_lead_marked(attrs: Attributes) -> bool:
    """The element calls itself a standfirst (``standfirst``, ``article-lead``, ``dek``)."""
    if not (attrs.get("class") or attrs.get("id")):
        return False
    value = _lowered(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")
    return not _LEAD.isdisjoint(_WORD.findall(value))


def is_article_marked(attrs: Attributes) -> bool:
    """The element calls itself the article body (``itemprop=articleBody``, ``entry-content``)."""
    if "articlebody" in (attrs.get("itemprop") or "").lower():
        return True
    value = _lowered(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")
    return any(not _POSITIVE.isdisjoint(_phrases(words)) for words in _names(value))


class FurnitureJudge:
    """``furniture_reasons`` for the elements of one document.

    Pages repeat a few class strings on hundreds of elements, so each verdict and each
    class or id string is worked out once; the memory goes with the judge (one document).
    """

    def __init__(self) -> None:
        self._verdicts: dict[tuple[str | bool | None, ...], frozenset[str]] = {}
        self._values: dict[str, Words] = {}
        self._names: dict[str, Words] = {}

    def reasons(self, node: LexborNode) -> frozenset[str]:
        tag = node.tag or ""
        if tag in _ARTICLE_TAGS:
            return _NONE
        attrs = node.attributes
        if not attrs:
            return _TAG_REASONS.get(tag, _NONE)
        get = attrs.get
        if len(attrs) <= 2 and _PLAIN_ATTRIBUTES.issuperset(attrs):  # most elements
            plain = (tag, get("class"), get("id"))
            found = self._verdicts.get(plain)
            if found is None:
                found = self._verdicts[plain] = furniture_reasons(tag, attrs, self.words)
            return found
        # All the verdict reads, and nothing else: data-* and aria-label vary freely.
        key = (
            tag, get("class"), get("id"), get("role"), get("itemprop"), get("style"),
            get("aria-hidden"), "hidden" in attrs,
        )  # fmt: skip
        found = self._verdicts.get(key)
        if found is None:
            found = self._verdicts[key] = furniture_reasons(tag, attrs, self.words)
        return found

    def words(self, value: str) -> Words:
        """The furniture words in a class or id attribute, and whether it marks the article."""
        found = self._values.get(value)
        if found is None:
            found = self._values[value] = self._read(value)
        return found

    def _read(self, value: str) -> Words:
        value = _lowered(value)
        if _TRIGGERS.isdisjoint(_WORD.findall(value)):  # the common case, decided cheaply
            return _NOTHING
        found: set[str] = set()
        for name in value.split():
            # "menu-item-1234": menus number every item; the number says nothing.
            key = name.rstrip("0123456789-_")
            words = self._names.get(key)
            if words is None:
                words = self._names[key] = _class_name_words(key)
            if words[1]:
                return _MARKED
            found.update(words[0])
        return (frozenset(found), False) if found else _NOTHING


def furniture_reasons(tag: str, attrs: Attributes, words: Callable[[str], Words]) -> frozenset[str]:
    """Why an element is navigation, share bar, comments...: its tag, role, visibility or
    class/id words. Empty when it is not furniture; always empty for the article's own
    markers (``<main>``, ``<article>``, ``role=main``, ``itemprop=articleBody``).
    ``words`` reads a class or id string (a judge's memo).
    """
    role = (attrs.get("role") or "").lower()
    itemprop = attrs.get("itemprop")
    if tag in _ARTICLE_TAGS or role == "main" or (itemprop and "articlebody" in itemprop.lower()):
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
    for value in (attrs.get("class"), attrs.get("id")):
        if value:
            found, positive = words(value)
            if positive:
                return _NONE
            reasons.update(found)
    return frozenset(reasons) if reasons else _NONE


def _class_name_words(name: str) -> Words:
    if _PHRASE_STARTS.isdisjoint(_WORD.findall(name)):  # most names, decided cheaply
        return _NOTHING
    found: frozenset[str] = _NONE
    for words in _names(name):
        if words[0] in _STATE_PREFIXES or words[-1] in _STATE_SUFFIXES:
            continue
        phrases = _phrases(words)
        if not _POSITIVE.isdisjoint(phrases):
            return _MARKED
        found |= _NEGATIVE.intersection(phrases)
    return (found, False) if found else _NOTHING


# Short lines that are furniture wherever they appear: labels, credits, calls to action,
# reading times and timestamps. All but the calls to action start where the line starts.
_FURNITURE_STARTS = r"""
        advertisement|advertising|anzeige|werbung|publicité|publicidad|pubblicità|reklama
      | (?:©|\(c\)|copyright\b).{0,200}
      | all\ rights\ reserved.{0,100}
      | (?:share|teilen|partager)(?:\ this)?(?:\ (?:article|story|page|on\ \w+))?
      | (?:read|see)\ (?:more|also)\b.{0,120}
      | (?:sign\ (?:up|in)|log\ ?in|register|subscribe|create\ an\ account|already\ a\ subscriber
         |don['’]t\ have\ an\ account|join\ us\ on|follow\ us|get\ our|download\ (?:the|our)\ app)
        \b.{0,120}
      | (?:article|story)\ continues\ (?:below|after)\b.{0,40}
      | (?:photo|image|foto|bild|credit|picture)s?\s*:.{0,120}
      | (?:getty\ images|reuters|ap\ photo|afp|epa|shutterstock|alamy|pa\ media)(?:\ ?/.{0,60})?
      | (?:last\ )?(?:updated|published|posted|aktualisiert|veröffentlicht|stand)\b.{0,60}\d.{0,40}
      | \d{1,3}\ ?(?:min(?:ute)?s?|minuten)\.?\ (?:read|lesezeit|de\ lecture)\b.{0,80}
      | \d{1,3}\ (?:secs?|seconds?|mins?|minutes?|hours?|hrs?|days?)\ ago\b.{0,40}
"""
_CALLS_TO_ACTION = r"""
        sign\ up\ (?:for|to)\ (?:our|the)|newsletter|unlock\ (?:more|this)|continue\ reading
      | join\ the\ conversation
"""
FURNITURE_LINE = re.compile(
    rf"^(?:{_FURNITURE_STARTS}| .{{0,80}}\b(?:{_CALLS_TO_ACTION})\b.{{0,80}})$",
    re.IGNORECASE | re.VERBOSE,
)
_FURNITURE_START_LINE = re.compile(rf"^(?:{_FURNITURE_STARTS})$", re.IGNORECASE | re.VERBOSE)
# What a line must hold, lower-cased, for a call to action to match anywhere in it.
_CALL_TO_ACTION_WORDS = ("sign up", "newsletter", "unlock", "continue reading", "join the")


def is_furniture_line(line: str) -> bool:
    """``FURNITURE_LINE`` matches ``line`` (stripped): a label, a credit, a call to action.

    Trying the calls to action after each of the first 80 characters is most of what the
    regex costs, so a line without any of their words only tries the other patterns.
    """
    # IGNORECASE takes "ı", "ſ" and "İ" for "i" and "s"; str.lower() does not.
    if line.isascii() or ("ı" not in line and "ſ" not in line and "İ" not in line):
        lowered = line.lower()
        if not any(word in lowered for word in _CALL_TO_ACTION_WORDS):
            return _FURNITURE_START_LINE.match(line) is not None
    return FURNITURE_LINE.match(line) is not None


# "By Jane Doe and John Roe": a byline is a preposition and capitalised names, nothing else.
_NAME_WORD = r"[A-ZÀ-ÞĀ-Ž][\w.'’-]*"
BYLINE_LINE = re.compile(
    rf"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]i|[Dd]oor)\s+{_NAME_WORD}"
    rf"(?:(?:\s+|\s*,\s*|\s+(?:and|und|et|y|e|&)\s+){_NAME_WORD}){{0,8}}\.?$"
)
