"""A local news site for the fetcher: an RSS feed that grows at the rate the suite sets.

The corpus's pages are served under their own paths on 127.0.0.1; ``release(n)``
makes the first ``n`` of them visible in ``/feed.xml`` (the newest ``window`` items,
newest first), so the fetcher discovers them as a real feed would announce them.
"""

from __future__ import annotations

import threading
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from chaos.corpus import Corpus, KnownArticle, known
from schemas import RawArticle
from schemas.ids import article_id
from services.fetcher.urls import canonicalize


class Site:
    def __init__(self, corpus: Corpus, window: int = 500) -> None:
        self._lock = threading.Lock()
        self._released = 0
        self.window = window
        self.hits: dict[str, int] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.corpus = rehost(corpus, self.base)
        self.pages = {urlsplit(a.raw.url or "").path: a for a in self.corpus.articles}
        self._order = list(self.corpus.articles)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Site:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def release(self, count: int) -> None:
        with self._lock:
            self._released = max(self._released, min(count, len(self._order)))

    @property
    def released(self) -> int:
        with self._lock:
            return self._released

    def feed(self) -> bytes:
        with self._lock:
            visible = self._order[max(0, self._released - self.window) : self._released]
        items = "".join(_item(a) for a in reversed(visible))
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>Chaos Wire (local)</title><link>{self.base}/</link>"
            f"<description>regwire chaos suite</description>{items}</channel></rss>"
        ).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with site._lock:
                    site.hits[path] = site.hits.get(path, 0) + 1
                if path == "/robots.txt":
                    self._send(200, "text/plain", b"User-agent: *\nAllow: /\n")
                elif path == "/feed.xml":
                    self._send(200, "application/rss+xml; charset=utf-8", site.feed())
                elif path in site.pages:
                    html = site.pages[path].raw.html or ""
                    self._send(200, "text/html; charset=utf-8", html.encode())
                else:
                    self._send(404, "text/plain", b"not found")

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return  # quiet: thousands of requests

        return Handler


def _item(a: KnownArticle) -> str:
    when = a.raw.published
    pub = f"<pubDate>{format_datetime(when)}</pubDate>" if isinstance(when, datetime) else ""
    title = escape(a.raw.title or (a.raw.url or ""))
    return f"<item><title>{title}</title><link>{escape(a.raw.url or '')}</link>{pub}</item>"


def rehost(corpus: Corpus, base: str) -> Corpus:
    """The corpus as the fetcher will publish it from ``base``: new URLs, same events.

    The article ids follow the URL (the fetcher keys a page by its canonical URL), so
    the expected (event, article) pairs are recomputed from the parser's own output.
    """
    out = Corpus(corpus.seed)
    for a in corpus.articles:
        path = urlsplit(a.raw.url or "").path
        url = canonicalize(base + path)
        raw = RawArticle.model_validate(
            {**a.raw.model_dump(), "url": url, "article_id": article_id(url)}
        )
        doc = known(raw, None)
        if doc is None:
            raise RuntimeError(f"{url}: no events once rehosted")
        if doc.event_ids != a.event_ids:
            raise RuntimeError(f"{url}: different events once rehosted")
        out.articles.append(doc)
    return out
