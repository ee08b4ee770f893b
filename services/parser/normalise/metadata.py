"""Canonical URL, site name and description: each a value plus where it came from."""

from __future__ import annotations

from .document import Page
from .jsonld import as_text
from .links import absolute_url

# A value and where it came from; (None, "") when the page has none.
Found = tuple[str | None, str]
_NONE: Found = (None, "")


def canonical_url(page: Page) -> Found:
    """``<link rel=canonical>``, else og:url, resolved against the fetched URL."""
    for href in page.canonical:
        url = absolute_url(href, page.url)
        if url:
            return url, "link:canonical"
    found = page.first_meta("og:url")
    if found:
        url = absolute_url(found[1], page.url)
        if url:
            return url, "og:url"
    return _NONE


def site_name(page: Page) -> Found:
    found = page.first_meta("og:site_name", "application-name", "al:ios:app_name")
    if found:
        return found[1], found[0]
    for obj in page.articles:
        name = as_text(obj.get("publisher"))
        if name:
            return name, "json-ld:publisher"
    return _NONE


def description(page: Page) -> Found:
    found = page.first_meta("og:description", "description", "twitter:description")
    if found:
        return found[1], found[0]
    for obj in page.articles:
        text = as_text(obj.get("description"))
        if text:
            return text, "json-ld:description"
    return _NONE
