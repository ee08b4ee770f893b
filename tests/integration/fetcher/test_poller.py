"""One poll of a source end to end, minus Kafka: real server, real SQLite crawl state.

The articles go to a collecting sender (a port the fetcher owns); the Kafka path is
covered by test_service_kafka.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from schemas import RawArticle
from services.common.metrics import Metrics
from services.fetcher.errors import FeedRejected
from services.fetcher.http import Fetcher
from services.fetcher.poller import PollerOptions, SourcePoller
from services.fetcher.publish import Sent
from services.fetcher.sources import SourceConfig
from services.fetcher.state import CrawlState, Status
from tests.integration.fetcher.conftest import sample
from tests.integration.fetcher.server import LocalServer, Request, respond

FEEDS = Path(__file__).parents[2] / "fixtures" / "feeds"


class CollectingSender:
    def __init__(self, sink: list[RawArticle]) -> None:
        self._sink = sink
        self._pending: list[RawArticle] = []

    async def send(self, raw: RawArticle, subject: str | None = None) -> Sent:
        self._pending.append(raw)
        return Sent.SENT

    async def flush(self) -> None:
        self._sink.extend(self._pending)
        self._pending.clear()


@pytest.fixture
async def state(tmp_path: Path) -> AsyncIterator[CrawlState]:
    async with CrawlState.open(f"sqlite+aiosqlite:///{tmp_path}/state.db") as opened:
        yield opened


@pytest.fixture
def published() -> list[RawArticle]:
    return []


@pytest.fixture
def poller(
    fetcher: Fetcher, state: CrawlState, metrics: Metrics, published: list[RawArticle]
) -> SourcePoller:
    return SourcePoller(
        fetcher,
        state,
        metrics,
        lambda: CollectingSender(published),
        PollerOptions(owner="test", retry_failed_after=0.0),
    )


def page(title: str, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<html><head><title>{title}</title>{link}</head>"
        f"<body><article><p>{title} body text.</p></article></body></html>"
    ).encode()


def rss(server: LocalServer, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {p}</title><link>{server.url(p)}?utm_source=rss</link>"
        "<pubDate>Thu, 03 Aug 2023 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    return f"{head}{items}</channel></rss>".encode()


def feed_source(server: LocalServer, path: str = "/feed.xml", **extra: object) -> SourceConfig:
    return SourceConfig.model_validate(
        {"id": "local", "kind": "feed", "url": server.url(path), **extra}
    )


def serve_feed_with_etag(server: LocalServer, path: str, body: bytes, etag: str) -> None:
    async def handler(request: Request, writer: asyncio.StreamWriter) -> None:
        if request.headers.get("if-none-match") == etag:
            await respond(writer, 304, headers={"ETag": etag})
        else:
            await respond(writer, 200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

    server.route(path, handler)


async def test_feed_poll_publishes_each_article_once(
    poller: SourcePoller, server: LocalServer, published: list[RawArticle], metrics: Metrics
) -> None:
    for n in (1, 2, 3):
        server.static(f"/a/{n}", page(f"Story {n}"))
    serve_feed_with_etag(server, "/feed.xml", rss(server, ["/a/1", "/a/2", "/a/3"]), '"v1"')
    source = feed_source(server)

    first = await poller.poll(source)
    assert first.published == 3
    assert {r.url for r in published} == {server.url(f"/a/{n}") for n in (1, 2, 3)}
    raw = published[0]
    assert raw.title
    assert raw.title.startswith("Story")
    assert raw.fetch
    assert raw.fetch.status == 200
    assert raw.html
    assert "body text" in raw.html
    assert raw.source.id == "local"

    second = await poller.poll(source)  # 304: nothing parsed, nothing fetched
    assert second.not_modified
    assert len(published) == 3
    assert server.hits["/a/1"] == 1

    serve_feed_with_etag(server, "/feed.xml", rss(server, ["/a/4", "/a/1", "/a/2"]), '"v2"')
    server.static("/a/4", page("Story 4"))
    third = await poller.poll(source)
    assert third.published == 1
    assert third.skipped == 2
    assert [r.url for r in published][-1] == server.url("/a/4")
    assert sample(metrics, "regwire_articles_skipped_total", source="local") == 2


async def test_canonical_link_dedupes_two_urls_of_one_article(
    poller: SourcePoller, server: LocalServer, published: list[RawArticle]
) -> None:
    canonical = server.url("/story")
    server.static("/amp/story", page("Story", canonical))
    server.static("/story", page("Story", canonical))
    server.static("/feed.xml", rss(server, ["/amp/story", "/story"]), "application/rss+xml")
    report = await poller.poll(feed_source(server))
    assert [r.url for r in published] == [canonical]
    assert report.published == 1


async def test_final_failures_are_recorded_not_refetched(
    poller: SourcePoller, server: LocalServer, state: CrawlState, published: list[RawArticle]
) -> None:
    server.static("/a/ok", page("Fine"))
    server.static("/feed.xml", rss(server, ["/a/gone", "/a/ok"]), "application/rss+xml")
    report = await poller.poll(feed_source(server))
    assert report.rejected == 1
    assert report.published == 1
    assert await state.status(server.url("/a/gone")) is Status.REJECTED
    await poller.poll(feed_source(server))
    assert server.hits["/a/gone"] == 1


async def test_transient_failures_are_retried_on_a_later_poll(
    poller: SourcePoller, server: LocalServer, published: list[RawArticle]
) -> None:
    async def down(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 503, b"")

    async def up(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, page("Back"), {"Content-Type": "text/html"})

    server.sequence("/a/flaky", down, down, down, up)  # the fetcher's 3 attempts fail
    server.static("/feed.xml", rss(server, ["/a/flaky"]), "application/rss+xml")
    assert (await poller.poll(feed_source(server))).retry == 1
    assert (await poller.poll(feed_source(server))).published == 1


@pytest.mark.parametrize(
    ("name", "items"),
    [("jn-pt-iso8859.rss", 40), ("uol-noticias.rss", 15), ("heise-developer.atom", 15)],
)
async def test_real_feeds_over_http_without_fetching_pages(
    poller: SourcePoller,
    server: LocalServer,
    published: list[RawArticle],
    name: str,
    items: int,
) -> None:
    # The items link to the real sites: fetch_pages=false publishes the feed's own
    # content, so nothing here leaves 127.0.0.1.
    server.static("/real", (FEEDS / name).read_bytes(), "application/rss+xml")
    report = await poller.poll(feed_source(server, "/real", fetch_pages=False))
    assert report.published == items
    titles = " ".join(r.title or "" for r in published)
    if name.startswith("jn-pt"):
        assert "Mãe de utente é a nova presidente da Raríssimas" in titles
    if name.startswith("uol"):
        assert "simulações" in titles


async def test_xml_bomb_feed_is_refused_quickly(poller: SourcePoller, server: LocalServer) -> None:
    entities = "".join(f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 12))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e0 "ha">{entities}]>'
        "<rss><channel><item><title>&e11;</title></item></channel></rss>"
    )
    server.static("/bomb.xml", bomb.encode(), "application/rss+xml")
    started = time.monotonic()
    with pytest.raises(FeedRejected):
        await poller.poll(feed_source(server, "/bomb.xml"))
    assert time.monotonic() - started < 1.0


async def test_malformed_feed_yields_what_it_can(
    poller: SourcePoller, server: LocalServer, published: list[RawArticle]
) -> None:
    server.static("/a/1", page("One"))
    broken = rss(server, ["/a/1"]).replace(b"</channel></rss>", b"<item><title>cut")
    server.static("/broken.xml", broken, "application/rss+xml")
    report = await poller.poll(feed_source(server, "/broken.xml"))
    assert report.published == 1


async def test_sitemap_index_skips_unchanged_children(
    poller: SourcePoller, server: LocalServer, published: list[RawArticle]
) -> None:
    news = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{server.url('/n/1')}</loc><news:news><news:publication_date>2023-08-03"
        "</news:publication_date><news:title>Licences granted</news:title></news:news></url>"
        "</urlset>"
    ).encode()
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{server.url('/news.xml')}</loc><lastmod>2023-08-03</lastmod></sitemap>"
        "</sitemapindex>"
    ).encode()
    server.static("/index.xml", index, "application/xml")
    server.static("/news.xml", news, "application/xml")
    server.static("/n/1", page("Licences"))
    source = SourceConfig(id="sm", kind="sitemap", url=server.url("/index.xml"))
    assert (await poller.poll(source)).published == 1
    assert published[0].title == "Licences granted"
    assert str(published[0].published) == "2023-08-03"
    await poller.poll(source)
    assert server.hits["/news.xml"] == 1  # lastmod unchanged: the child is not requested


async def test_listing_page_with_a_link_pattern(
    poller: SourcePoller, server: LocalServer, published: list[RawArticle]
) -> None:
    front = (
        b'<html><body><a href="/news/2023/one">One</a> <a href="/about">About</a>'
        b'<a href="/news/2023/two#comments">Two</a></body></html>'
    )
    server.static("/section", front)
    server.static("/news/2023/one", page("One"))
    server.static("/news/2023/two", page("Two"))
    source = SourceConfig(
        id="lst", kind="listing", url=server.url("/section"), link_pattern=r"/news/\d{4}/"
    )
    assert (await poller.poll(source)).published == 2
    assert server.hits["/about"] == 0


async def test_pages_are_decoded_and_plain_text_stays_text(
    poller: SourcePoller, server: LocalServer, published: list[RawArticle]
) -> None:
    latin = "<html><head><title>Regulação</title></head><body><p>Ações e não.</p></body></html>"
    server.static("/a/latin", latin.encode("iso-8859-1"), "text/html; charset=iso-8859-1")
    server.static("/a/plain", "Só texto.".encode(), "text/plain; charset=utf-8")
    server.static("/a/pdf", b"%PDF-1.7", "application/pdf")
    server.static(
        "/feed.xml", rss(server, ["/a/latin", "/a/plain", "/a/pdf"]), "application/rss+xml"
    )
    report = await poller.poll(feed_source(server))
    assert report.published == 2
    assert report.rejected == 1  # a PDF is not a page
    by_url = {r.url: r for r in published}
    page = by_url[server.url("/a/latin")]
    assert page.html is not None
    assert "Ações e não." in page.html
    assert page.fetch is not None
    assert page.fetch.charset == "cp1252"
    plain = by_url[server.url("/a/plain")]
    assert plain.html is None
    assert plain.text == "Só texto."
