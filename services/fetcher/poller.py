"""One poll of one source: discover, skip what is done, claim, fetch, publish, record.

Order matters for "once": a URL is claimed before it is fetched, and marked done
only after the broker acknowledged its message. Transient failures release the
claim (tried again on a later poll); final ones are recorded so the URL is not
fetched again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import escape

from schemas import FetchInfo, RawArticle, Source, SourceKind
from schemas.ids import article_id
from services.common.errors import BrokerUnavailable
from services.common.logging import get_logger
from services.common.metrics import Metrics
from services.fetcher.decode import decode_html
from services.fetcher.errors import FetchError, FetchTransient, UnsupportedContent
from services.fetcher.feeds import parse_feed
from services.fetcher.http import ACCEPT_FEED, ACCEPT_HTML, Fetcher, FetchResult, Validators
from services.fetcher.items import Discovered, Published
from services.fetcher.listing import parse_listing
from services.fetcher.publish import Sender, Sent
from services.fetcher.sitemaps import parse_sitemap
from services.fetcher.sources import SourceConfig
from services.fetcher.state import CrawlState, Status, StoredValidators
from services.fetcher.urls import canonical_link, canonicalize

log = get_logger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_CHILD_SITEMAPS = 50
_COUNTED = ("skipped", "retry", "rejected", "oversize")
_SKIPPED = "skipped"
_UNSTARTED = "unstarted"


@dataclass(frozen=True, slots=True)
class PollReport:
    discovered: int = 0
    published: int = 0
    skipped: int = 0
    retry: int = 0
    rejected: int = 0
    oversize: int = 0
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class _Sent:
    urls: tuple[str, ...]
    article_id: str


@dataclass(frozen=True, slots=True)
class PollerOptions:
    owner: str
    lease_seconds: float = 600.0
    retry_failed_after: float = 900.0
    max_body_bytes: int = 5 * 1024 * 1024
    article_concurrency: int = 32


class SourcePoller:
    def __init__(
        self,
        fetcher: Fetcher,
        state: CrawlState,
        metrics: Metrics,
        sender_factory: Callable[[], Sender],
        options: PollerOptions,
        stop: asyncio.Event | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._state = state
        self._metrics = metrics
        self._sender_factory = sender_factory
        self._options = options
        self._stop = stop or asyncio.Event()

    async def poll(
        self, source: SourceConfig, progress: Callable[[], None] = lambda: None
    ) -> PollReport:
        """One poll; ``progress`` is called as articles complete (a liveness beat)."""
        items = await self.discover(source)
        if items is None:
            return PollReport(not_modified=True)
        m = self._metrics
        m.articles_discovered.labels(source.id).inc(len(items))
        items = items[: source.max_items]
        done = await self._state.done(i.url for i in items)
        m.articles_skipped.labels(source.id).inc(len(done))
        todo = [i for i in items if i.url not in done]
        outcomes: list[_Sent | str] = []
        # Waves: claims are taken a wave at a time (so a lease never has to outlive a
        # long poll), and each wave's messages are acknowledged before the next starts.
        wave = self._options.article_concurrency * 4
        for start in range(0, len(todo), wave):
            if self._stop.is_set():
                break  # draining: the rest is not claimed, the next run picks it up
            outcomes += await self._wave(source, todo[start : start + wave], progress)
        counts = {k: sum(1 for o in outcomes if o == k) for k in _COUNTED}
        return PollReport(
            discovered=len(items),
            published=sum(1 for o in outcomes if isinstance(o, _Sent)),
            skipped=len(done) + counts["skipped"],
            retry=counts["retry"],
            rejected=counts["rejected"],
            oversize=counts["oversize"],
        )

    async def _wave(
        self, source: SourceConfig, items: list[Discovered], progress: Callable[[], None]
    ) -> list[_Sent | str]:
        owner, lease = self._options.owner, self._options.lease_seconds
        claimed = await self._state.claim_many([i.url for i in items], source.id, owner, lease)
        others = len(items) - len(claimed)
        self._metrics.articles_skipped.labels(source.id).inc(others)
        sender = self._sender_factory()
        slots = asyncio.Semaphore(self._options.article_concurrency)

        async def bounded(item: Discovered) -> _Sent | str:
            async with slots:
                outcome = await self._article(source, item, sender)
            progress()
            return outcome

        mine = [i for i in items if i.url in claimed]
        results = await asyncio.gather(*(bounded(i) for i in mine), return_exceptions=True)
        outcomes = [r for r in results if not isinstance(r, BaseException)]
        await self._confirm(source, sender, [o for o in outcomes if isinstance(o, _Sent)])
        unstarted = [i.url for i, r in zip(mine, results, strict=True) if r == _UNSTARTED]
        if unstarted:
            await self._state.release_many(unstarted, owner, 0.0, "stopped before fetching")
        failure = next((r for r in results if isinstance(r, BaseException)), None)
        if failure is not None:  # e.g. the crawl state went away mid-poll: the poll failed
            raise failure
        return ["skipped"] * others + [_SKIPPED if o == _UNSTARTED else o for o in outcomes]

    async def _confirm(self, source: SourceConfig, sender: Sender, sent: list[_Sent]) -> None:
        started = time.perf_counter()
        owner = self._options.owner
        try:
            await sender.flush()
        except BrokerUnavailable:
            # Not acknowledged: anyone may try again soon.
            await self._state.release_many([s.urls[0] for s in sent], owner, 0.0, "publish failed")
            self._metrics.stage_items.labels("publish", "retry").inc(len(sent))
            raise
        self._metrics.stage_seconds.labels("publish").observe(time.perf_counter() - started)
        await self._state.finish_many(
            (url, Status.PUBLISHED, s.article_id) for s in sent for url in s.urls
        )
        self._metrics.articles_published.labels(source.id).inc(len(sent))
        self._metrics.stage_items.labels("publish", "ok").inc(len(sent))

    # Discovery -------------------------------------------------------------------

    async def discover(self, source: SourceConfig) -> list[Discovered] | None:
        """The source's current items, or None when it did not change (304)."""
        if source.kind == "sitemap":
            return await self._sitemap(source.url, None, depth=0)
        result = await self._conditional(
            source.url, ACCEPT_FEED if source.kind == "feed" else ACCEPT_HTML
        )
        if result is None:
            return None
        if source.kind == "feed":
            items = parse_feed(result.body, result.final_url, result.content_type)
        else:
            page = decode_html(result.body, result.content_type)
            items = parse_listing(page.text, result.final_url, source.pattern)
        await self._save(source.url, result, None)
        return items

    async def _conditional(self, url: str, accept: str) -> FetchResult | None:
        stored = await self._state.validators(url)
        validators = Validators(stored.etag, stored.last_modified) if stored else None
        result = await self._fetcher.get(url, validators, accept=accept)
        return None if result.not_modified else result

    async def _save(self, url: str, result: FetchResult, lastmod: str | None) -> None:
        await self._state.save_validators(
            url, StoredValidators(result.etag, result.last_modified, lastmod)
        )

    async def _sitemap(self, url: str, lastmod: str | None, depth: int) -> list[Discovered] | None:
        result = await self._conditional(url, ACCEPT_FEED)
        if result is None:
            return None
        sitemap = parse_sitemap(result.body, result.final_url, self._options.max_body_bytes)
        entries = sorted(
            sitemap.entries, key=lambda e: _sort_key(e.item.published or e.lastmod), reverse=True
        )
        items = [e.item for e in entries]
        for child in sitemap.children[:MAX_CHILD_SITEMAPS] if depth == 0 else []:
            stored = await self._state.validators(child.url)
            if child.lastmod and stored is not None and stored.lastmod == child.lastmod:
                continue  # unchanged since the last poll: not even a conditional request
            try:
                items.extend(await self._sitemap(child.url, child.lastmod, depth + 1) or [])
            except (FetchError, FetchTransient) as exc:
                log.warning("child sitemap failed", sitemap=child.url, error=str(exc)[:300])
        await self._save(url, result, lastmod)
        return items

    # One article -----------------------------------------------------------------

    async def _article(self, source: SourceConfig, item: Discovered, sender: Sender) -> _Sent | str:
        if self._stop.is_set():
            return _UNSTARTED  # draining: its claim is released
        owner = self._options.owner
        started = time.perf_counter()
        try:
            raw, urls = await self._build(source, item)
        except FetchTransient as exc:
            retry = max(exc.retry_after or 0.0, self._options.retry_failed_after)
            await self._state.release(item.url, owner, retry, f"{exc.reason}: {exc}")
            self._metrics.stage_items.labels("fetch", "retry").inc()
            log.info("article fetch will be retried", url=item.url, error=str(exc)[:300])
            return "retry"
        except (FetchError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, FetchError) else "invalid"
            await self._state.finish([item.url], Status.REJECTED, reason=f"{reason}: {exc}")
            self._metrics.stage_items.labels("fetch", "rejected").inc()
            log.info("article rejected", url=item.url, reason=reason, error=str(exc)[:300])
            return "rejected"
        self._metrics.stage_seconds.labels("fetch").observe(time.perf_counter() - started)
        self._metrics.stage_items.labels("fetch", "ok").inc()
        if raw is None:
            await self._state.finish([item.url], Status.ALIAS)
            self._metrics.articles_skipped.labels(source.id).inc()
            return "skipped"
        if await sender.send(raw) is Sent.OVERSIZE:
            await self._state.finish(urls, Status.OVERSIZE, article_id=raw.article_id)
            return "oversize"
        return _Sent(urls, raw.article_id)

    async def _build(
        self, source: SourceConfig, item: Discovered
    ) -> tuple[RawArticle | None, tuple[str, ...]]:
        now = datetime.now(UTC)
        if source.kind == "feed" and not source.fetch_pages:
            # The feed's own words are the article; the page is never requested.
            html = item.content or (f"<p>{escape(item.title)}</p>" if item.title else None)
            if html is None:
                raise UnsupportedContent(f"{item.url}: the feed item has no content")
            return self._raw(source, item, item.url, html, now, None), (item.url,)
        result = await self._fetcher.get(item.url, accept=ACCEPT_HTML)
        media = (result.content_type or "text/html").split(";", 1)[0].strip().lower()
        if media not in HTML_TYPES:
            raise UnsupportedContent(f"{item.url}: content type {media!r} is not a page")
        page = decode_html(result.body, result.content_type)
        key = canonical_link(page.text, result.final_url) or canonicalize(result.final_url)
        urls: tuple[str, ...] = (item.url,)
        if key != item.url:
            if not await self._state.claim(
                key, source.id, self._options.owner, self._options.lease_seconds
            ):
                return None, urls  # the same article under its canonical URL: done or in hand
            urls = (item.url, key)
        fetch = FetchInfo(
            status=result.status,
            final_url=result.final_url,
            content_type=result.content_type,
            charset=page.charset,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        raw = self._raw(source, item, key, page.text, now, fetch)
        if media == "text/plain":  # not markup: the parser must not read it as HTML
            raw = raw.model_copy(update={"html": None, "text": page.text})
        return raw, urls

    @staticmethod
    def _raw(
        source: SourceConfig,
        item: Discovered,
        url: str,
        html: str,
        now: datetime,
        fetch: FetchInfo | None,
    ) -> RawArticle:
        return RawArticle(
            article_id=article_id(url),
            url=url,
            html=html,
            title=item.title,
            published=item.published,
            fetched_at=now,
            source=Source(
                id=source.id, kind=SourceKind(source.kind), outlet=source.outlet, url=source.url
            ),
            fetch=fetch,
        )


def _sort_key(value: Published | None) -> float:
    if value is None:
        return float("-inf")
    if isinstance(value, datetime):
        return value.timestamp()
    assert isinstance(value, date)
    return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()
