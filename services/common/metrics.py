"""Every Prometheus series regwire exports, declared once.

All names carry the ``regwire_`` prefix and base units (seconds, bytes, totals).
The registry is injected: each service (and each test) builds its own ``Metrics``.
"""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Latency buckets from 1 ms to ~2 min: covers a parse and an end-to-end hop.
LATENCY_BUCKETS = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
)  # fmt: skip
# Freshness (published -> stored) spans minutes to weeks.
FRESHNESS_BUCKETS = (60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400)
SIZE_BUCKETS = (1024, 8192, 32768, 131072, 524288, 2097152, 8388608)
BATCH_BUCKETS = (1, 5, 10, 50, 100, 250, 500, 1000, 5000)


def regwire_version() -> str:
    try:
        return version("regwire")
    except PackageNotFoundError:
        return "0+unknown"


class Metrics:
    """The metrics container; pass it down from the composition root."""

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.registry = registry
        self.service = service
        r = registry

        self.build_info = Gauge(
            "regwire_build_info", "Build information (value is always 1).",
            ["service", "version", "python"], registry=r,
        )  # fmt: skip
        self.build_info.labels(service, regwire_version(), platform.python_version()).set(1)

        # Per stage: fetch, parse, extract, publish, store.
        self.stage_seconds = Histogram(
            "regwire_stage_duration_seconds", "Time spent per item in a pipeline stage.",
            ["stage"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.stage_items = Counter(
            "regwire_stage_items_total", "Items through a stage by outcome (ok, retry, dlq).",
            ["stage", "outcome"], registry=r,
        )  # fmt: skip
        self.messages_consumed = Counter(
            "regwire_messages_consumed_total", "Kafka messages consumed.", ["topic"], registry=r
        )
        self.messages_produced = Counter(
            "regwire_messages_produced_total", "Kafka messages produced and acknowledged.",
            ["topic"], registry=r,
        )  # fmt: skip
        self.produced_bytes = Counter(
            "regwire_produced_bytes_total", "Value bytes produced and acknowledged.",
            ["topic"], registry=r,
        )  # fmt: skip
        self.dlq_messages = Counter(
            "regwire_dlq_messages_total", "Messages sent to a dead-letter topic.",
            ["topic", "reason"], registry=r,
        )  # fmt: skip
        self.commit_failures = Counter(
            "regwire_offset_commit_failures_total",
            "Offset commits that failed (rebalance, broker down); the batch is redelivered.",
            ["topic"], registry=r,
        )  # fmt: skip
        self.consumer_lag = Gauge(
            "regwire_consumer_lag_messages", "Messages between the committed offset and the end.",
            ["topic", "partition"], registry=r,
        )  # fmt: skip
        self.last_progress = Gauge(
            "regwire_loop_last_progress_timestamp_seconds",
            "When a service loop last made progress.", ["loop"], registry=r,
        )  # fmt: skip

        # Fetcher.
        self.http_requests = Counter(
            "regwire_http_requests_total", "HTTP requests by host and status class.",
            ["host", "status_class"], registry=r,
        )  # fmt: skip
        self.http_seconds = Histogram(
            "regwire_http_request_duration_seconds", "HTTP request duration, headers to body end.",
            ["host"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.http_bytes = Counter(
            "regwire_http_response_bytes_total", "Decoded response body bytes.", ["host"],
            registry=r,
        )  # fmt: skip
        self.http_retries = Counter(
            "regwire_http_retries_total", "Retried HTTP requests.", ["host", "reason"], registry=r
        )
        self.robots_denied = Counter(
            "regwire_robots_denied_total", "Fetches refused by robots.txt.", ["host"], registry=r
        )
        self.ssrf_refused = Counter(
            "regwire_ssrf_refused_total", "Fetches refused by the address guard.", ["reason"],
            registry=r,
        )  # fmt: skip
        self.size_cap_aborts = Counter(
            "regwire_size_cap_aborts_total", "Responses aborted at the body size cap.", ["host"],
            registry=r,
        )  # fmt: skip
        self.articles_discovered = Counter(
            "regwire_articles_discovered_total", "Article URLs found in sources.", ["source"],
            registry=r,
        )  # fmt: skip
        self.articles_published = Counter(
            "regwire_articles_published_total", "Raw articles published to Kafka.", ["source"],
            registry=r,
        )  # fmt: skip
        self.articles_skipped = Counter(
            "regwire_articles_skipped_total", "Articles not fetched again (already seen).",
            ["source"], registry=r,
        )  # fmt: skip
        self.articles_oversize = Counter(
            "regwire_articles_oversize_total", "Articles too large for the raw topic (recorded).",
            ["source"], registry=r,
        )  # fmt: skip
        self.source_last_success = Gauge(
            "regwire_source_last_success_timestamp_seconds", "Last successful poll of a source.",
            ["source"], registry=r,
        )  # fmt: skip
        self.source_items_last_poll = Gauge(
            "regwire_source_items_last_poll", "Items a source yielded on its last poll.",
            ["source"], registry=r,
        )  # fmt: skip
        self.source_errors = Counter(
            "regwire_source_poll_errors_total", "Failed polls of a source.", ["source", "reason"],
            registry=r,
        )  # fmt: skip

        # Parser.
        self.article_bytes = Histogram(
            "regwire_article_html_bytes", "Size of raw article bodies parsed.",
            buckets=SIZE_BUCKETS, registry=r,
        )  # fmt: skip
        self.events_extracted = Counter(
            "regwire_events_extracted_total", "Regulatory events extracted.",
            ["event_type", "jurisdiction"], registry=r,
        )  # fmt: skip

        # Sink.
        self.rows_written = Counter(
            "regwire_rows_written_total", "Rows upserted into the store.", ["table"], registry=r
        )
        self.sink_batch_size = Histogram(
            "regwire_sink_batch_size", "Messages per committed sink batch.",
            buckets=BATCH_BUCKETS, registry=r,
        )  # fmt: skip
        self.sink_batch_failures = Counter(
            "regwire_sink_batch_failures_total", "Sink batches that failed and were retried.",
            ["reason"], registry=r,
        )  # fmt: skip
        self.database_up = Gauge(
            "regwire_database_up", "1 when the last database operation succeeded.", registry=r
        )
        self.end_to_end_seconds = Histogram(
            "regwire_end_to_end_latency_seconds", "From fetch to database commit.",
            buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.freshness_seconds = Histogram(
            "regwire_freshness_seconds", "From publication to database commit.",
            buckets=FRESHNESS_BUCKETS, registry=r,
        )  # fmt: skip
        self.events_stored = Counter(
            "regwire_events_stored_total", "Regulatory events stored, by type and jurisdiction.",
            ["event_type", "jurisdiction"], registry=r,
        )  # fmt: skip
