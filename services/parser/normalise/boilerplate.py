"""What page furniture looks like: tags, ARIA roles, class/id words and line patterns.

Hints are judged on class/id *words* (split at ``-``, ``_``, spaces and camelCase) so that
"ad" matches ``ad-slot`` but not ``header`` or ``download``.
"""

from __future__ import annotations

import re

# Never text: removed before anything looks at the body.
JUNK_TAGS = [
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "picture", "button", "input", "select", "textarea", "option",
    "dialog", "map", "link", "meta",
]  # fmt: skip
# Furniture by element or role; removed unless it holds most of the page's text.
FURNITURE_SELECTOR = (
    "nav, footer, aside, menu, [role=navigation], [role=contentinfo], [role=complementary], "
    "[role=banner], [role=dialog], [role=alert], [hidden], [aria-hidden=true]"
)

# Substrings that pre-select candidates in C; each is then judged on its words in Python.
_HINT_STEMS = (
    "share", "social", "newsletter", "subscri", "signup", "related", "recommend", "recirc",
    "promo", "advert", "ad", "sponsor", "comment", "disqus", "cookie", "consent", "gdpr",
    "popup", "modal", "breadcrumb", "paginat", "pager", "sidebar", "widget", "footer",
    "masthead", "nav", "menu", "toolbar", "byline", "author", "tag", "trending", "popular",
    "outbrain", "taboola", "caption", "credit", "copyright", "print", "skip", "hidden",
    "sr-only", "more", "also", "topics", "follow", "banner", "teaser", "login", "paywall",
    "meta", "rating", "survey", "donate", "feedback", "bio", "embed", "video", "player",
)  # fmt: skip
HINT_SELECTOR = ", ".join(
    f'[class*="{stem}" i], [id*="{stem}" i]' for stem in _HINT_STEMS
)

_NEGATIVE_WORDS = frozenset(
    """
    share shares sharing sharebar social socials newsletter newsletters subscribe subscription
    subscriptions signup related recommended recommendations recirc recirculation promo
    promos promotion advert adverts advertisement advertisements advertising ad ads adslot
    adunit dfp sponsor sponsored comment comments disqus cookie cookies consent gdpr popup
    modal breadcrumb breadcrumbs pagination pager sidebar widget widgets footer masthead nav
    navbar navigation menu toolbar byline bylines tags taglist trending popular mostread
    outbrain taboola caption captions credit credits copyright print skip hidden sronly
    readmore morestories moreon alsoread seealso topics follow banner teaser teasers login
    paywall rating survey donate feedback bio authorbio embed player
    """.split()
)
# Words that mark the article itself: an element carrying one is never furniture.
_POSITIVE_WORDS = frozenset(
    """
    article articlebody body content entry main post story text prose richtext
    """.split()
)
_CAMEL = re.compile(r"([a-z])([A-Z])")
_WORD_SPLIT = re.compile(r"[\s_\-:/.]+")


def hint_words(value: str) -> list[str]:
    """``"articleBody share-bar"`` -> ``["article", "body", "share", "bar"]``."""
    return [w for w in _WORD_SPLIT.split(_CAMEL.sub(r"\1 \2", value).lower()) if w]


def is_furniture_hint(class_and_id: str) -> bool:
    """True when the class/id words say share bar, newsletter box, comments and the like."""
    words = hint_words(class_and_id)
    joined = {"".join(words[i : i + 2]) for i in range(len(words) - 1)}
    if _POSITIVE_WORDS.intersection(words):
        return False
    return bool(_NEGATIVE_WORDS.intersection(words) or _NEGATIVE_WORDS.intersection(joined))


def class_weight(class_and_id: str) -> int:
    """+25 for article-like class/id words, -25 for furniture words, as a score nudge."""
    words = hint_words(class_and_id)
    weight = 0
    if _POSITIVE_WORDS.intersection(words):
        weight += 25
    if _NEGATIVE_WORDS.intersection(words):
        weight -= 25
    return weight


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
BYLINE_LINE = re.compile(
    r"^(?:by|von|par|por|di|door)\s+[^\s].{0,80}$", re.IGNORECASE
)
