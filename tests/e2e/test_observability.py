"""Observability end to end: the services as processes, a real Prometheus scraping them.

The parser and the sink run as `python -m services.cli ...` against the test broker
(unique topics and groups), Debian's Prometheus server scrapes them on loopback with
the project's alert rules loaded, and the assertions go through Prometheus's HTTP API:
what an operator would see. RawArticles are produced straight into the raw topic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import yaml
from aiokafka import AIOKafkaProducer
from local_kafka import LocalKafka, free_port

from schemas import RawArticle, Source, SourceKind, article_id, ce_headers
from schemas.cloudevents import TYPE_RAW_ARTICLE
from services.parser.app import parse_raw
from tests.unit.deploy.test_monitoring import dashboard_exprs

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "rules"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "regwire.json"
ARTICLES = 4
PAGE = """<html><head><title>Hong Kong grants first retail crypto licences</title></head>
<body><article><h1>Hong Kong grants first retail crypto licences</h1>
<p>Hong Kong's Securities and Futures Commission granted HashKey and OSL licences to serve
retail investors on August 2, 2023, the regulator said on Thursday.</p>
<p>The approvals make the two exchanges the first licensed platforms allowed to offer crypto
trading to retail users in the city, after a new regime took effect on June 1.</p>
</article></body></html>"""


def wait_for(what: str, check: Callable[[], bool], deadline_s: float = 60.0) -> None:
    """Poll ``check`` until it holds; fail with ``what`` at the deadline."""
    until = time.monotonic() + deadline_s
    while time.monotonic() < until:
        if check():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out after {deadline_s:.0f} s waiting for {what}")


def status(url: str) -> int:
    try:
        return httpx.get(url, timeout=10).status_code
    except httpx.HTTPError:
        return 0


@dataclass
class Process:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    port: int
    log: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def assert_alive(self) -> None:
        if self.proc.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-3000:]
            pytest.fail(f"{self.name} exited with {self.proc.returncode}:\n{tail}")

    def stop(self, grace_s: float = 40.0) -> int:
        """SIGTERM, as Kubernetes sends it; the exit code after the drain."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def log_lines(self) -> list[str]:
        return [line for line in self.log_path.read_text().splitlines() if line.strip()]


def start_service(name: str, env: dict[str, str], tmp: Path, *args: str) -> Process:
    port = free_port()
    log_path = tmp / f"{name}.log"
    log = log_path.open("wb")
    full_env = {**os.environ, **env, f"REGWIRE_{name.upper()}_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli", name, *args],
        cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return Process(name, proc, log_path, port, log)


def wait_ready(process: Process, deadline_s: float = 90.0) -> None:
    def ready() -> bool:
        process.assert_alive()
        return status(process.url + "/readyz") == 200

    wait_for(f"{process.name} /readyz", ready, deadline_s)


@dataclass
class Prometheus:
    url: str
    proc: subprocess.Popen[bytes]

    def query(self, promql: str) -> dict[str, Any]:
        response = httpx.get(f"{self.url}/api/v1/query", params={"query": promql}, timeout=10)
        body: dict[str, Any] = response.json()
        return body

    def value(self, promql: str) -> float:
        result = self.query(promql)["data"]["result"]
        return sum(float(r["value"][1]) for r in result)


def start_prometheus(tmp: Path, targets: dict[str, int]) -> Prometheus:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("the prometheus server is absent (Debian package prometheus)")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES / "*.yaml")],
        "scrape_configs": [
            {"job_name": f"regwire-{name}", "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}
            for name, port in targets.items()
        ],
    }
    (tmp / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    log = (tmp / "prometheus.log").open("wb")
    proc = subprocess.Popen(
        [binary, f"--config.file={tmp / 'prometheus.yml'}", f"--storage.tsdb.path={tmp / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    prometheus = Prometheus(f"http://127.0.0.1:{port}", proc)
    wait_for("Prometheus ready", lambda: status(prometheus.url + "/-/ready") == 200)
    return prometheus


class Site(BaseHTTPRequestHandler):
    """A news site on loopback: an RSS feed of ARTICLES pages, and the pages."""

    def do_GET(self) -> None:
        host = f"http://{self.headers['Host']}"
        if self.path == "/feed.xml":
            items = "".join(
                f"<item><title>Licence {n}</title><link>{host}/news/{n}.html</link>"
                f"<pubDate>Thu, 03 Aug 2023 08:00:00 GMT</pubDate></item>"
                for n in range(ARTICLES)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>e2e</title>{items}'
            self._send(body + "</channel></rss>", "application/rss+xml")
        elif self.path.startswith("/news/"):
            self._send(PAGE, "text/html; charset=utf-8")
        elif self.path == "/robots.txt":
            self._send("User-agent: *\nAllow: /\n", "text/plain")
        else:
            self.send_error(404)

    def _send(self, text: str, content_type: str) -> None:
        data = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextlib.contextmanager
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def raw_article(n: int) -> RawArticle:
    url = f"https://news.test/{uuid.uuid4().hex}/{n}"
    return RawArticle(
        article_id=article_id(url),
        url=url,
        html=PAGE,
        published=date(2023, 8, 3),
        fetched_at=datetime.now(UTC),
        source=Source(id="e2e", kind=SourceKind.PAGE),
    )


async def produce(bootstrap: str, topic: str, articles: list[RawArticle]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for raw in articles:
            headers = ce_headers(id=raw.article_id, source="/e2e", type=TYPE_RAW_ARTICLE)
            await producer.send_and_wait(
                topic, raw.model_dump_json().encode(), key=raw.article_id.encode(),
                headers=headers,
            )  # fmt: skip
        await producer.send_and_wait(topic, b"{not json", key=b"poison")
    finally:
        await producer.stop()


@dataclass
class Pipeline:
    fetcher: Process
    parser: Process
    sink: Process
    prometheus: Prometheus
    events_per_article: int
    raw_topic: str


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    tmp = tmp_path_factory.mktemp("observability")
    run = uuid.uuid4().hex[:10]
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "REGWIRE_TOPIC_RAW": f"e2e-raw-{run}",
        "REGWIRE_TOPIC_ARTICLES": f"e2e-articles-{run}",
        "REGWIRE_TOPIC_EVENTS": f"e2e-events-{run}",
        "REGWIRE_KAFKA_PARTITIONS": "2",
        "REGWIRE_PARSER_GROUP_ID": f"e2e-parser-{run}",
        "REGWIRE_SINK_GROUP_ID": f"e2e-sink-{run}",
        "REGWIRE_SINK_DSN": f"sqlite+aiosqlite:///{tmp / 'regwire.db'}",
        "REGWIRE_LOG_FORMAT": "json",
        "REGWIRE_LOG_LEVEL": "INFO",
        "REGWIRE_HTTP_HOST": "127.0.0.1",
    }
    stack = contextlib.ExitStack()
    url = stack.enter_context(site())
    sources = tmp / "sources.yaml"
    sources.write_text(
        yaml.safe_dump({"sources": [{"id": "e2e-feed", "kind": "feed", "url": f"{url}/feed.xml"}]})
    )
    env |= {
        "REGWIRE_FETCHER_SOURCES_FILE": str(sources),
        "REGWIRE_FETCHER_STATE_DSN": f"sqlite+aiosqlite:///{tmp / 'fetcher.db'}",
        "REGWIRE_FETCHER_ALLOW_NETWORKS": '["127.0.0.1/32"]',
        "REGWIRE_FETCHER_PER_HOST_RATE": "0",
    }
    services = [start_service(name, env, tmp) for name in ("sink", "parser", "fetcher")]
    sink, parser, fetcher = services
    prometheus: Prometheus | None = None
    try:
        for service in services:
            wait_ready(service)
        ports = {s.name: s.port for s in services}
        prometheus = start_prometheus(tmp, ports)
        # Besides what the fetcher finds, raw articles straight into the topic (and poison).
        articles = [raw_article(n) for n in range(ARTICLES)]
        asyncio.run(produce(kafka_bootstrap, env["REGWIRE_TOPIC_RAW"], articles))
        events = len(parse_raw(articles[0]).events)
        yield Pipeline(fetcher, parser, sink, prometheus, events, env["REGWIRE_TOPIC_RAW"])
    finally:
        if prometheus is not None:
            prometheus.proc.terminate()
            prometheus.proc.wait(30)
        codes = {p.name: p.stop() for p in services}
        stack.close()
    assert set(codes.values()) == {0}, f"SIGTERM must drain and exit 0: {codes}"


def test_prometheus_sees_the_pipeline_counters_move(pipeline: Pipeline) -> None:
    prom = pipeline.prometheus
    raw = pipeline.raw_topic
    total = 2 * ARTICLES  # fetched from the feed, plus produced directly
    parsed_ok = 'regwire_stage_items_total{job="regwire-parser",stage="parse",outcome="ok"}'
    at_least = {
        # fetcher
        'regwire_source_last_success_timestamp_seconds{source="e2e-feed"}': 1,
        'regwire_articles_published_total{source="e2e-feed"}': ARTICLES,
        'regwire_http_requests_total{job="regwire-fetcher",status_class="2xx"}': ARTICLES + 1,
        'regwire_stage_items_total{job="regwire-fetcher",stage="fetch",outcome="ok"}': 1,
        # parser
        f'regwire_messages_consumed_total{{job="regwire-parser",topic="{raw}"}}': total + 1,
        parsed_ok: total,
        f'regwire_dlq_messages_total{{job="regwire-parser",topic="{raw}"}}': 1,
        'regwire_events_extracted_total{job="regwire-parser"}': total * pipeline.events_per_article,
        # sink
        'regwire_rows_written_total{job="regwire-sink"}': 1,
        'regwire_events_stored_total{job="regwire-sink"}': 1,
        'regwire_end_to_end_latency_seconds_count{job="regwire-sink"}': 1,
        'regwire_database_up{job="regwire-sink"}': 1,
    }

    def moved() -> bool:
        for service in (pipeline.fetcher, pipeline.parser, pipeline.sink):
            service.assert_alive()
        return all(prom.value(q) >= n for q, n in at_least.items())

    wait_for("the counters in Prometheus", moved, deadline_s=120)
    assert pipeline.events_per_article > 0, "the page yields events"
    # Exact where the pipeline is deterministic: one DLQ entry, every article parsed once.
    assert prom.value(f'regwire_dlq_messages_total{{topic="{raw}",reason="undecodable"}}') == 1
    assert prom.value(parsed_ok) == total
    assert prom.value('regwire_source_items_last_poll{source="e2e-feed"}') == ARTICLES
    assert prom.value('up{job=~"regwire-.*"}') == 3
    assert prom.value("regwire_build_info") == 3
    assert prom.value('regwire_consumer_lag_messages{job="regwire-parser"}') == 0


def test_prometheus_loads_the_alert_rules_and_none_fire(pipeline: Pipeline) -> None:
    groups = httpx.get(f"{pipeline.prometheus.url}/api/v1/rules", timeout=10).json()
    loaded = {g["name"] for g in groups["data"]["groups"]}
    assert {"regwire.pipeline", "regwire.fetcher", "regwire.sink"} <= loaded
    for group in groups["data"]["groups"]:
        for rule in group["rules"]:
            assert rule["health"] != "err", rule
            assert rule.get("state") != "firing", rule["name"]


def test_every_dashboard_query_runs_on_the_real_prometheus(pipeline: Pipeline) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    failures = []
    for expr in dashboard_exprs(dashboard):
        query = expr.replace("$__rate_interval", "1m").replace("$job", ".*")
        body = pipeline.prometheus.query(query)
        if body["status"] != "success":
            failures.append(f"{expr}: {body.get('error')}")
    assert not failures, failures
    parsed = pipeline.prometheus.query(
        'sum by (topic) (rate(regwire_messages_consumed_total{job=~".*"}[1m]))'
    )
    assert parsed["data"]["result"], "rates are computed from the scraped counters"


def test_health_endpoints_answer_against_the_real_broker(pipeline: Pipeline) -> None:
    for process in (pipeline.fetcher, pipeline.parser, pipeline.sink):
        ready = httpx.get(process.url + "/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"]["kafka"] == "ok"
        alive = httpx.get(process.url + "/healthz", timeout=10)
        assert alive.status_code == 200
        assert alive.json()["status"] == "ok"


def test_service_logs_are_json_lines_with_fields(pipeline: Pipeline) -> None:
    records = []
    for line in pipeline.parser.log_lines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON log line: {line[:300]}")
    for record in records:
        assert {"event", "level", "timestamp", "logger"} <= set(record), record
    started = [r for r in records if r["event"] == "service started"]
    assert started
    assert started[0]["http_port"] == pipeline.parser.port
    (dead_letter,) = [r for r in records if r["event"] == "dead-lettered"]
    assert dead_letter["level"] == "warning"
    assert dead_letter["topic"] == pipeline.raw_topic
    assert dead_letter["reason"] == "undecodable"


@pytest.mark.parametrize(("level", "shown"), [("WARNING", {"warning"}), ("DEBUG", {"debug",
                         "info", "warning"})])  # fmt: skip
def test_the_log_level_setting_filters_what_is_written(level: str, shown: set[str]) -> None:
    code = (
        "from services.common.logging import configure_logging, get_logger\n"
        f"configure_logging({level!r}, 'json')\n"
        "log = get_logger('t')\n"
        "log.debug('d'); log.info('i')\n"
        "log.warning('w', article_id='a' * 64, event_id='e' * 64)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stderr
    records = [json.loads(line) for line in out.splitlines()]
    assert {r["level"] for r in records} == shown
    warning = records[-1]
    assert warning["article_id"] == "a" * 64
    assert warning["event_id"] == "e" * 64


def test_readiness_fails_within_its_timeout_when_kafka_goes_away(tmp_path: Path) -> None:
    broker = LocalKafka(tmp_path / "kafka")
    broker.start()
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "REGWIRE_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "REGWIRE_PARSER_GROUP_ID": f"e2e-ready-{uuid.uuid4().hex[:8]}",
        "REGWIRE_READINESS_TIMEOUT_SECONDS": "2",
        "REGWIRE_LOG_FORMAT": "json",
    }
    parser = start_service("parser", env, tmp_path)
    try:
        wait_ready(parser)
        broker.kill()

        def not_ready() -> bool:
            started = time.monotonic()
            code = status(parser.url + "/readyz")
            assert time.monotonic() - started < 2 + 3, "the probe answers within its timeout"
            return code == 503

        wait_for("/readyz to fail with the broker gone", not_ready, deadline_s=60)
        body = httpx.get(parser.url + "/readyz", timeout=10).json()
        assert body["status"] == "fail"
        assert body["checks"]["kafka"] != "ok"
        # Kafka being away is not a reason to restart the process.
        assert status(parser.url + "/healthz") == 200
    finally:
        # With its broker gone the service cannot drain (it keeps retrying until the
        # orchestrator's SIGKILL), so this one is not held to the graceful-exit rule.
        parser.stop(grace_s=5)
        broker.kill()
