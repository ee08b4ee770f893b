"""Absolute URLs: the base a page's links resolve against, and the links themselves."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from schemas.models import Link

from .text import clean_inline

_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "about:", "#")
_WEB_SCHEMES = frozenset({"http", "https"})


def absolute_url(href: str, base: str | None) -> str | None:
    """``href`` resolved against ``base``; None for fragments, scripts, mail and junk."""
    href = href.strip()
    if not href or href.lower().startswith(_SKIPPED_SCHEMES):
        return None
    if href.startswith(("https://", "http://")) and " " not in href:
        # Already absolute: the common case, and urljoin is slow.
        url = href.split("#", 1)[0]
        return url if len(url) > url.index("//") + 2 else None
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.netloc:
        return None
    return parts._replace(fragment="").geturl()


def body_links(anchors: list[tuple[str, str]], base: str | None) -> list[Link]:
    """Links with anchor text, in reading order, each (URL, text) pair once."""
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for href, text in anchors:
        url = absolute_url(href, base)
        label = clean_inline(text)
        if url is None or (url, label) in seen:
            continue
        seen.add((url, label))
        links.append(Link(url=url, text=label))
    return links
