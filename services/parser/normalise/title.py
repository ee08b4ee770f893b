"""The headline: og:title, JSON-LD headline, the h1, or ``<title>`` without the site name."""

from __future__ import annotations

import re

from .document import Page
from .jsonld import first_string
from .text import clean_inline

# "Headline | Site", "Headline - Site", "Site: Headline"...
_NON_WORD = re.compile(r"\W+")
_SEPARATORS = re.compile(r"\s+[|\-–—·•»:/]\s+|\s+::\s+")


def extract_title(page: Page, site: str | None, hint: str | None) -> tuple[str | None, str]:
    """The headline and its source; ``hint`` (from the feed or dump) when the page has none.

    The metadata title that the visible ``<h1>`` agrees with is the headline (og:title
    often names the article for social media, ``<title>`` for search); without one,
    og:title, JSON-LD headline, then ``<title>``, each without the site name.
    """
    candidates = [(strip_site_name(value, site), source) for value, source in _candidates(page)]
    known = {_key(value): (value, source) for value, source in reversed(candidates)}
    for h1 in page.h1:
        if h1 and _key(h1) in known:
            return known[_key(h1)]
    for value, source in candidates:
        if value:
            return value, source
    first_h1 = next((h1 for h1 in page.h1 if h1), None)
    if first_h1:
        return first_h1, "h1"
    if hint and clean_inline(hint):
        return clean_inline(hint), "hint"
    return None, ""


def strip_site_name(title: str, site: str | None) -> str:
    """``title`` without a leading or trailing site name (or any short trailing segment)."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site:
        key = _key(site)
        kept = [p for p in parts if _key(p) != key]
        if kept and len(kept) < len(parts):
            return _rejoin(title, kept)
    # Without a known site name, only a short last segment is taken for one.
    if len(parts[-1].split()) <= 4 and len(" ".join(parts[:-1]).split()) >= 3:
        return _rejoin(title, parts[:-1])
    return title


def _candidates(page: Page) -> list[tuple[str, str]]:
    found = []
    og = page.first_meta("og:title", "twitter:title")
    if og:
        found.append((og[1], og[0]))
    headline = first_string(page.articles, "headline")
    if headline:
        found.append((headline, "json-ld:headline"))
    if page.title:
        found.append((page.title, "title"))
    return found


def _rejoin(title: str, parts: list[str]) -> str:
    """Rejoin kept segments with the separator the title itself used between them."""
    start = title.find(parts[0])
    end = title.find(parts[-1], start) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)


def _key(value: str) -> str:
    return " ".join(_NON_WORD.split(value.casefold())).strip()
