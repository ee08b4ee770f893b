"""The fetcher service and the replay command against the real local Kafka broker."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from aiokafka import AIOKafkaConsumer
from click.testing import CliRunner
from prometheus_client import CollectorRegistry

from schemas import RawArticle
from schemas.cloudevents import TYPE_RAW_ARTICLE, parse_ce_headers
from schemas.ids import article_id
from services.common.config import KafkaSettings, TopicSettings
from services.fetcher.app import run
from services.fetcher.commands import replay_command
from services.fetcher.config import FetcherSettings
from services.fetcher.replay import replay_file
from tests.integration.fetcher.server import LocalServer, Request, respond

pytestmark = pytest.mark.kafka
SEED = Path(__file__).parents[2] / "fixtures" / "seed" / "theblock-2023-08-03.txt"


async def read_topic(bootstrap: str, topic: str) -> list[Any]:
    """Every record in ``topic`` (up to its end offsets when called)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + 20
        # No group: the partitions are assigned as soon as the metadata arrives.
        while not consumer.assignment() and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        ends = await consumer.end_offsets(list(consumer.assignment()))
        records: list[Any] = []
        while sum(ends.values()) > len(records) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            records += [r for rs in batch.values() for r in rs]
        return records
    finally:
        await consumer.stop()


def settings_for(
    tmp_path: Path, bootstrap: str, unique_name: Callable[[str], str], sources: list[dict[str, Any]]
) -> FetcherSettings:
    sources_file = tmp_path / "sources.yaml"
    sources_file.write_text(yaml.safe_dump({"sources": sources}))
    return FetcherSettings(
        port=0,
        sources_file=sources_file,
        state_dsn=f"sqlite+aiosqlite:///{tmp_path}/state.db",
        allow_networks=["127.0.0.1/32"],
        per_host_rate=0,
        default_poll_interval_seconds=0.3,
        total_timeout_seconds=5,
        shutdown_grace_seconds=10,
        kafka=KafkaSettings(bootstrap_servers=bootstrap, partitions=2),
        topics=TopicSettings(
            raw=unique_name("raw"), articles=unique_name("art"), events=unique_name("ev")
        ),
    )


def article_page(n: int) -> bytes:
    return (
        f"<html><head><title>Story {n}</title></head><body><p>Text {n}.</p></body></html>".encode()
    )


def feed(server: LocalServer, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {p}</title><link>{server.url(p)}</link></item>" for p in paths
    )
    return f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


async def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_polls_twice_publishes_each_article_once(
    tmp_path: Path, kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    with LocalServer() as server:
        for n in (1, 2, 3):
            server.static(f"/story/{n}", article_page(n))
        server.static(
            "/feed.xml", feed(server, ["/story/1", "/story/2", "/story/3"]), "application/rss+xml"
        )
        bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>'
        server.static("/bomb.xml", bomb, "application/rss+xml")
        settings = settings_for(
            tmp_path,
            kafka_bootstrap,
            unique_name,
            [
                {"id": "local", "kind": "feed", "url": server.url("/feed.xml"), "outlet": "Local"},
                {"id": "hostile", "kind": "feed", "url": server.url("/bomb.xml")},
            ],
        )
        registry = CollectorRegistry()
        stop = asyncio.Event()
        service = asyncio.create_task(run(settings, stop, registry))
        # The third request of the feed means two complete polls happened before it.
        await wait_for(lambda: server.hits["/feed.xml"] >= 3 or service.done(), 60, "three polls")
        stop.set()
        await asyncio.wait_for(service, 30)

    records = await read_topic(kafka_bootstrap, settings.topics.raw)
    urls = sorted(RawArticle.model_validate_json(r.value).url or "" for r in records)
    assert urls == sorted(server.url(f"/story/{n}") for n in (1, 2, 3))
    assert server.hits["/story/1"] == 1  # the crawl state stopped the second fetch
    for record in records:
        raw = RawArticle.model_validate_json(record.value)
        ce = parse_ce_headers(record.headers)
        assert record.key == raw.article_id.encode()
        assert ce.id == raw.article_id
        assert ce.type == TYPE_RAW_ARTICLE
        assert raw.article_id == article_id(raw.url)
        assert raw.source.id == "local"
        assert raw.source.outlet == "Local"
        assert raw.fetch is not None
        assert raw.fetch.status == 200
    skipped = registry.get_sample_value("regwire_articles_skipped_total", {"source": "local"})
    assert skipped is not None
    assert skipped >= 3
    errors = registry.get_sample_value(
        "regwire_source_poll_errors_total", {"source": "hostile", "reason": "feed_rejected"}
    )
    assert errors is not None
    assert errors >= 1  # the hostile source failed every poll, the other one kept going


async def test_stop_drains_in_flight_fetches(
    tmp_path: Path, kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    async def slow(request: Request, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(1.0)
        await respond(writer, 200, article_page(9), {"Content-Type": "text/html"})

    with LocalServer() as server:
        server.route("/slow/1", slow)
        server.route("/slow/2", slow)
        server.static("/feed.xml", feed(server, ["/slow/1", "/slow/2"]), "application/rss+xml")
        settings = settings_for(
            tmp_path,
            kafka_bootstrap,
            unique_name,
            [
                {
                    "id": "slow",
                    "kind": "feed",
                    "url": server.url("/feed.xml"),
                    "interval_seconds": 60,
                }
            ],
        )
        stop = asyncio.Event()
        service = asyncio.create_task(run(settings, stop, CollectorRegistry()))
        await wait_for(lambda: server.hits["/slow/2"] >= 1 or service.done(), 60, "fetches")
        stop.set()  # as SIGTERM does
        await asyncio.wait_for(service, 30)

    records = await read_topic(kafka_bootstrap, settings.topics.raw)
    assert len(records) == 2


async def test_replay_file_publishes_the_seed_and_jsonl(
    tmp_path: Path, kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    settings = settings_for(tmp_path, kafka_bootstrap, unique_name, [])
    summary = await replay_file(SEED, settings, progress=False)
    assert summary.published == 1
    assert summary.invalid == 0

    jsonl = tmp_path / "dump.jsonl"
    docs = [
        {
            "id": "a",
            "url": "https://x.example/a?utm_source=t",
            "html": "<p>A</p>",
            "published": "2023-08-03",
        },
        {"id": "b", "text": "Plain text article."},
        {"id": "c"},
    ]
    jsonl.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    summary = await replay_file(jsonl, settings, progress=True)
    assert (summary.published, summary.invalid) == (2, 1)
    assert "line 3" in summary.problems[0]

    records = await read_topic(kafka_bootstrap, settings.topics.raw)
    raws = {RawArticle.model_validate_json(r.value).article_id: r for r in records}
    seed_html = SEED.read_text().split(" ", 3)[3].rstrip("\n")
    assert article_id(None, seed_html) in raws
    assert article_id("https://x.example/a") in raws
    subjects = {parse_ce_headers(r.headers).subject for r in records}
    assert {"a", "b"} <= subjects


def test_replay_command(
    tmp_path: Path,
    kafka_bootstrap: str,
    unique_name: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    topic = unique_name("raw")
    monkeypatch.setenv("REGWIRE_KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    monkeypatch.setenv("REGWIRE_TOPIC_RAW", topic)
    result = CliRunner().invoke(replay_command, [str(SEED), "--format", "line", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "1 published, 0 invalid" in result.output
    records = asyncio.run(read_topic(kafka_bootstrap, topic))
    assert len(records) == 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_fetcher_command_serves_health_and_stops_on_sigterm(
    tmp_path: Path, kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    with LocalServer() as server:
        server.static("/story/1", article_page(1))
        server.static("/feed.xml", feed(server, ["/story/1"]), "application/rss+xml")
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {
                            "id": "cmd",
                            "kind": "feed",
                            "url": server.url("/feed.xml"),
                            "interval_seconds": 1,
                        }
                    ]
                }
            )
        )
        port, topic = free_port(), unique_name("raw")
        env = {
            **os.environ,
            "REGWIRE_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "REGWIRE_TOPIC_RAW": topic,
            "REGWIRE_FETCHER_PORT": str(port),
            "REGWIRE_FETCHER_SOURCES_FILE": str(sources),
            "REGWIRE_FETCHER_STATE_DSN": f"sqlite+aiosqlite:///{tmp_path}/state.db",
            "REGWIRE_FETCHER_ALLOW_NETWORKS": '["127.0.0.1/32"]',
            "REGWIRE_FETCHER_LOG_FORMAT": "json",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.cli",
            "fetcher",
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

                async def get(path: str) -> httpx.Response | None:
                    try:
                        return await client.get(path)
                    except httpx.TransportError:
                        return None

                deadline = time.monotonic() + 60
                while server.hits["/story/1"] < 1 and process.returncode is None:
                    assert time.monotonic() < deadline, "the fetcher did not fetch the story"
                    await asyncio.sleep(0.1)
                health = await get("/healthz")
                assert health is not None
                assert health.status_code == 200
                assert "fetcher:cmd" in health.json()["loops"]
                ready = await get("/readyz")
                assert ready is not None
                assert ready.json()["checks"] == {"kafka": "ok", "crawl_state": "ok"}
                metrics = await get("/metrics")
                assert metrics is not None
                assert "regwire_http_requests_total" in metrics.text
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0, output.decode()[-2000:]
    assert b"fetcher stopped" in output
    assert len(await read_topic(kafka_bootstrap, topic)) == 1


async def test_large_articles_compressed_or_recorded_as_oversize(
    tmp_path: Path, kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    big_text = "<p>The regulator granted the licence. </p>" * 8000  # ~330 KB, compresses well
    noise = os.urandom(150_000).hex()  # ~300 KB that gzip cannot bring under 64 KiB
    with LocalServer() as server:
        server.static("/big", f"<html><body>{big_text}</body></html>".encode())
        server.static("/noise", f"<html><body>{noise}</body></html>".encode())
        server.static("/feed.xml", feed(server, ["/big", "/noise"]), "application/rss+xml")
        settings = settings_for(
            tmp_path,
            kafka_bootstrap,
            unique_name,
            [
                {
                    "id": "large",
                    "kind": "feed",
                    "url": server.url("/feed.xml"),
                    "interval_seconds": 60,
                }
            ],
        )
        settings = settings.model_copy(
            update={"kafka": settings.kafka.model_copy(update={"max_request_size": 64 * 1024})}
        )
        registry = CollectorRegistry()
        stop = asyncio.Event()
        service = asyncio.create_task(run(settings, stop, registry))

        def polled() -> bool:
            value = registry.get_sample_value(
                "regwire_source_last_success_timestamp_seconds", {"source": "large"}
            )
            return bool(value) or service.done()

        await wait_for(polled, 60, "one poll")
        stop.set()
        await asyncio.wait_for(service, 30)

    records = await read_topic(kafka_bootstrap, settings.topics.raw)
    assert [RawArticle.model_validate_json(r.value).url for r in records] == [server.url("/big")]
    assert registry.get_sample_value("regwire_articles_oversize_total", {"source": "large"}) == 1
    assert registry.get_sample_value("regwire_articles_published_total", {"source": "large"}) == 1
