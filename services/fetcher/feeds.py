"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds -> discovered articles.

feedparser only ever sees bytes the fetcher downloaded, wrapped in a file object
(given a ``str`` or ``bytes`` it may open a URL or a local file by that name), and
only after ``check_xml`` has refused entity tricks. Encodings are feedparser's
job: the HTTP header, the XML declaration, then fallbacks, so a Latin-1 feed that
declares nothing still yields its items.
"""

from __future__ import annotations

import calendar
import io
from datetime import UTC, datetime
from typing import Any

import feedparser

from services.fetcher.errors import FeedRejected
from services.fetcher.items import Discovered, Published
from services.fetcher.urls import absolute
from services.fetcher.xmlguard import check_xml

# feedparser's cost follows the number of elements (30,000-50,000 tags/s here): a
# 5 MiB real feed has about 67,000; a hostile one of that size could have millions.
MAX_FEED_TAGS = 100_000


def parse_feed(body: bytes, base_url: str, content_type: str | None = None) -> list[Discovered]:
    """The feed's items, newest as the feed orders them; raises ``FeedRejected``."""
    check_xml(body)
    if body.count(b"<") > MAX_FEED_TAGS:
        raise FeedRejected(f"more than {MAX_FEED_TAGS} tags: too costly to parse")
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers={
                "content-type": content_type or "application/xml",
                "content-location": base_url,
            },
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except Exception as exc:  # feedparser's own bugs on hostile bytes ("&#2000000;": chr())
        raise FeedRejected(f"unreadable feed: {exc!r}"[:300]) from None
    entries: list[Any] = list(parsed.get("entries") or [])
    if not entries and parsed.get("bozo") and not parsed.get("version"):
        raise FeedRejected(f"not a feed: {parsed.get('bozo_exception')!r}"[:300])
    items: dict[str, Discovered] = {}
    for entry in entries:
        item = _item(entry, base_url)
        if item is not None and item.url not in items:
            items[item.url] = item
    return list(items.values())


def _item(entry: Any, base_url: str) -> Discovered | None:
    link = _link(entry)
    url = absolute(base_url, link) if link else None
    if url is None:
        return None
    title = " ".join(str(entry.get("title") or "").split()) or None
    return Discovered(url=url, title=title, published=_published(entry), content=_content(entry))


def _link(entry: Any) -> str | None:
    if entry.get("link"):
        return str(entry["link"])
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    guid = entry.get("id")
    if guid and entry.get("guidislink") and str(guid).startswith(("http://", "https://")):
        return str(guid)
    return None


def _published(entry: Any) -> Published | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # plain lookup: no feedparser key aliasing
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (ValueError, OverflowError, OSError):  # "0000-00-00": no such time
                continue
    return None


def _content(entry: Any) -> str | None:
    for content in entry.get("content") or []:
        if content.get("value"):
            return str(content["value"])
    summary = entry.get("summary")
    return str(summary) if summary else None
