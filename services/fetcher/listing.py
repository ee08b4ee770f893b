"""HTML section fronts: the links on a page whose URL matches the source's pattern."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from services.fetcher.items import Discovered
from services.fetcher.urls import absolute


def parse_listing(html: str, page_url: str, pattern: re.Pattern[str]) -> list[Discovered]:
    """Article links in document order, deduplicated by canonical URL."""
    tree = LexborHTMLParser(html)
    base_node = tree.css_first("base[href]")
    base = absolute(page_url, base_node.attributes.get("href") or "") if base_node else None
    found: dict[str, Discovered] = {}
    for anchor in tree.css("a[href]"):
        url = absolute(base or page_url, anchor.attributes.get("href") or "")
        if url is None or url in found or not pattern.search(url):
            continue
        title = " ".join(anchor.text(separator=" ").split()) or None
        found[url] = Discovered(url=url, title=title)
    return list(found.values())
