"""Feeds, sitemaps and listings from the real fixtures; hostile XML refused."""

from __future__ import annotations

import gzip
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.fetcher.errors import FeedRejected
from services.fetcher.feeds import parse_feed
from services.fetcher.listing import parse_listing
from services.fetcher.sitemaps import parse_sitemap
from services.fetcher.urls import canonicalize
from services.fetcher.xmlguard import check_xml

FEEDS = Path(__file__).parents[2] / "fixtures" / "feeds"
BASE = "https://feeds.example/feed.xml"


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("guardian-us.rss", 55),
        ("heise-developer.atom", 15),
        ("uol-noticias.rss", 15),
        ("jn-pt-iso8859.rss", 40),
        ("varthabharati.rss", 15),
        ("sec-sro-rulemaking-2026-02-03.rss", 39),
        ("sec-sro-rulemaking-2026-02-03.atom", 39),
    ],
)
def test_real_feeds_yield_their_items(name: str, count: int) -> None:
    items = parse_feed((FEEDS / name).read_bytes(), BASE)
    assert len(items) == count
    assert all(i.url.startswith(("http://", "https://")) for i in items)
    assert all(i.title for i in items)


def test_latin1_feed_decodes_its_text() -> None:
    items = parse_feed((FEEDS / "jn-pt-iso8859.rss").read_bytes(), BASE)
    assert items[0].title == "Mãe de utente é a nova presidente da Raríssimas"
    assert items[0].published == datetime(2018, 1, 3, 13, 47, tzinfo=UTC)


def test_undeclared_latin1_feed_still_yields_items() -> None:
    items = parse_feed((FEEDS / "uol-noticias.rss").read_bytes(), BASE, "text/xml")
    assert "simulações de 2º turno" in (items[0].title or "")


@pytest.mark.parametrize("name", sorted(p.name for p in FEEDS.glob("feedrs-*.xml")))
def test_agrees_with_another_parser(name: str) -> None:
    expected = json.loads((FEEDS / name.replace(".xml", ".expected.json")).read_text())
    items = parse_feed((FEEDS / name).read_bytes(), BASE)
    want = [canonicalize(e["links"][0]["href"]) for e in expected["entries"] if e["links"]]
    assert [i.url for i in items] == want
    titles = [" ".join(e["title"]["content"].split()) for e in expected["entries"]]
    assert [i.title for i in items] == titles
    for item, entry in zip(items, expected["entries"], strict=True):
        stamp = entry.get("published") or entry.get("updated")
        if stamp and item.published is not None:
            assert isinstance(item.published, datetime)
            assert item.published == datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_relative_links_resolve_against_the_feed() -> None:
    feed = (
        b'<rss version="2.0"><channel><item><title>a</title><link>/news/1</link></item>'
        b"</channel></rss>"
    )
    assert parse_feed(feed, "https://x.com/feeds/all.xml")[0].url == "https://x.com/news/1"


def test_rss1_rdf() -> None:
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel rdf:about="https://x.com/"><title>x</title><link>https://x.com/</link></channel>
 <item rdf:about="https://x.com/a"><title>A</title><link>https://x.com/a</link>
  <dc:date>2023-08-03T10:00:00Z</dc:date></item>
</rdf:RDF>"""
    (item,) = parse_feed(rdf, BASE)
    assert item.url == "https://x.com/a"
    assert item.published == datetime(2023, 8, 3, 10, tzinfo=UTC)


def laughs(levels: int = 10) -> bytes:
    entities = "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, levels)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]>'
        f"<rss><channel><item><title>&l{levels - 1};</title></item></channel></rss>"
    ).encode()


HOSTILE = {
    "billion-laughs": laughs(),
    "quadratic": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "'
    + b"a" * 100_000
    + b'">]><rss>'
    + b"&a;" * 100_000
    + b"</rss>",
    "external-entity": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<rss><channel><item><title>&x;</title></item></channel></rss>",
    "external-parameter-entity": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM '
    b'"http://127.0.0.1:9/evil.dtd"> %p;]><rss/>',
    "malformed-with-entities": b'<!DOCTYPE r [<!ENTITY a "b">]><rss <<<',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused_quickly(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(FeedRejected):
        parse_feed(HOSTILE[name], BASE)
    assert time.perf_counter() - started < 0.5


def test_doctype_without_entities_is_fine() -> None:
    netscape = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        b"<item><title>t</title><link>https://x.com/a</link></item></channel></rss>"
    )
    check_xml(netscape)
    assert [i.url for i in parse_feed(netscape, BASE)] == ["https://x.com/a"]


def test_google_news_sitemap() -> None:
    body = (FEEDS / "washingtonpost-politics-news-sitemap-2017-11-23.xml").read_bytes()
    sitemap = parse_sitemap(body, "https://www.washingtonpost.com/sitemap.xml", 10**7)
    assert len(sitemap.entries) == 4
    first = sitemap.entries[0].item
    assert first.url.startswith("https://www.washingtonpost.com/politics/the-latest-roy-moore")
    assert first.title == "The Latest: Roy Moore thanks Trump in new fundraising appeal"
    assert first.published == datetime(2017, 11, 23, 2, 5, 12, tzinfo=UTC)


def test_sitemap_index_and_gzip() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.com/s1.xml.gz</loc><lastmod>2023-08-03T00:00:00Z</lastmod></sitemap>
<sitemap><loc>https://x.com/s2.xml</loc></sitemap></sitemapindex>"""
    parsed = parse_sitemap(gzip.compress(index), "https://x.com/index.xml", 10**6)
    assert [(c.url, c.lastmod) for c in parsed.children] == [
        ("https://x.com/s1.xml.gz", "2023-08-03T00:00:00Z"),
        ("https://x.com/s2.xml", None),
    ]


def test_sitemap_refuses_other_documents() -> None:
    with pytest.raises(FeedRejected):
        parse_sitemap(b"<html><body>no</body></html>", "https://x.com/", 10**6)
    with pytest.raises(FeedRejected):
        parse_sitemap(laughs(), "https://x.com/", 10**6)


def test_listing_links_by_pattern() -> None:
    html = """<html><head><base href="https://x.com/en/"></head><body>
      <a href="news/2023/08/hk-licences?utm_source=front">HK grants <b>licences</b></a>
      <a href="https://x.com/en/news/2023/08/hk-licences#top">dup</a>
      <a href="/en/about">About</a><a href="mailto:x@x.com">mail</a>
      <a href="https://other.com/en/news/2023/08/z">elsewhere</a></body></html>"""
    items = parse_listing(html, "https://x.com/en/section", re.compile(r"/news/\d{4}/"))
    assert [(i.url, i.title) for i in items] == [
        ("https://x.com/en/news/2023/08/hk-licences", "HK grants licences"),
        ("https://other.com/en/news/2023/08/z", "elsewhere"),
    ]
