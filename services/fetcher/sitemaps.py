"""XML sitemaps, sitemap indexes and Google News sitemaps (optionally gzipped).

``news:publication_date`` and ``news:title`` become the article's hints; an
index's ``lastmod`` per child lets the poller skip children that did not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from services.fetcher.body import GZIP_MAGIC, gunzip_capped
from services.fetcher.errors import FeedRejected
from services.fetcher.items import Discovered, Published, parse_when
from services.fetcher.urls import absolute
from services.fetcher.xmlguard import check_xml


@dataclass(frozen=True, slots=True)
class SitemapRef:
    url: str
    lastmod: str | None


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    item: Discovered
    lastmod: Published | None


@dataclass(frozen=True, slots=True)
class Sitemap:
    entries: list[SitemapEntry] = field(default_factory=list)
    children: list[SitemapRef] = field(default_factory=list)


def parse_sitemap(body: bytes, base_url: str, max_bytes: int) -> Sitemap:
    if body.startswith(GZIP_MAGIC):
        body = gunzip_capped(body, max_bytes)
    check_xml(body)
    try:
        root = fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException) as exc:
        raise FeedRejected(f"not a sitemap: {exc}") from None
    kind = _local(root.tag)
    if kind == "sitemapindex":
        return Sitemap(children=list(_children(root, base_url)))
    if kind == "urlset":
        return Sitemap(entries=list(_entries(root, base_url)))
    raise FeedRejected(f"not a sitemap: root element <{kind}>")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(parent: Element, name: str) -> str | None:
    for child in parent:
        if _local(child.tag) == name:
            return " ".join((child.text or "").split()) or None
    return None


def _find(parent: Element, name: str) -> Element | None:
    return next((c for c in parent if _local(c.tag) == name), None)


def _children(root: Element, base_url: str) -> list[SitemapRef]:
    refs = []
    for node in root:
        loc = absolute(base_url, _text(node, "loc") or "")
        if loc:
            refs.append(SitemapRef(loc, _text(node, "lastmod")))
    return refs


def _entries(root: Element, base_url: str) -> list[SitemapEntry]:
    entries: dict[str, SitemapEntry] = {}
    for node in root:
        loc = absolute(base_url, _text(node, "loc") or "")
        if not loc or loc in entries:
            continue
        news = _find(node, "news")
        title = _text(news, "title") if news is not None else None
        published = parse_when(_text(news, "publication_date")) if news is not None else None
        lastmod = parse_when(_text(node, "lastmod"))
        item = Discovered(url=loc, title=title, published=published or None)
        entries[loc] = SitemapEntry(item, lastmod)
    return list(entries.values())
