"""The fetcher service: sources -> article pages -> ``news.raw.v1``.

Wiring: ``app.run`` (composition root) -> ``Scheduler`` per source ->
``poller.SourcePoller.poll`` -> ``http.Fetcher`` (the guarded client) ->
``publish.RawSender``, with ``state.CrawlState`` deciding what is new.

Pure parts: ``feeds``, ``sitemaps``, ``listing`` (discovery), ``urls`` (canonical
URLs), ``decode`` (charsets), ``robots`` (RFC 9309 rules), ``retry``, ``addresses``
(the SSRF rules), ``body`` (bounded inflation), ``xmlguard``, ``dumps`` (backfill
readers). Network seam: ``transport``. Backfill: ``replay`` (``regwire replay``).
"""
