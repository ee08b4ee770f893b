"""The foundation's end-to-end test: fetcher -> Kafka -> parser -> Kafka -> sink -> store.

Real processes, a real broker, a real HTTP server on 127.0.0.1, SQLite and PostgreSQL.
The seed article is published on a local site with an RSS feed; the feed is polled
twice and the seed dump is replayed as well, and the seed's licence event must be
stored exactly once, with both reports as its sources.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pipeline import PipelineEnv, ServiceProcess, run_cli, running

from tests.e2e.site import Site

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

SEED = Path(__file__).parents[1] / "fixtures" / "seed" / "theblock-2023-08-03.txt"
PAGE_PATH = "/post/hong-kong-lawmaker-web3-shanghai"


def seed_page() -> str:
    """The seed's HTML (literal \\r\\n escapes and all) as the article of a full page."""
    fragment = SEED.read_text(encoding="utf-8").split(" ", 3)[3]
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Hong Kong lawmaker eyes web3 links with Shanghai - The Block</title>
<meta property="og:site_name" content="The Block">
<meta property="article:published_time" content="2023-08-03T08:30:00+00:00">
</head><body><header><nav><a href="/">Home</a> <a href="/latest">Latest</a></nav></header>
<main><article><h1>Hong Kong lawmaker eyes web3 links with Shanghai</h1>{fragment}</article></main>
<footer><p>© 2023 The Block. All rights reserved.</p></footer></body></html>"""


def feed(site: Site) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>The Block (local)</title><link>{site.url("/")}</link>
<description>test feed</description>
<item><title>Hong Kong lawmaker eyes web3 links with Shanghai</title>
<link>{site.url(PAGE_PATH)}?utm_source=rss</link>
<pubDate>Thu, 03 Aug 2023 08:30:00 +0000</pubDate></item>
</channel></rss>"""


def wait_for(
    check: Callable[[], Any], timeout: float, what: str, services: list[ServiceProcess]
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    logs = "\n".join(f"--- {s.service}\n{s.tail_log(15)}" for s in services)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{logs}")


def stored_events(env: PipelineEnv) -> list[dict[str, Any]]:
    result = run_cli(env, "events", "--format", "json", service="sink")
    assert result.returncode == 0, result.stderr
    events: list[dict[str, Any]] = json.loads(result.stdout)
    return events


@pytest.mark.parametrize("store_dsn", BACKENDS, indirect=True)
def test_the_seed_licence_is_stored_once_from_a_feed_polled_twice_and_a_replay(
    kafka_bootstrap: str, store_dsn: str, site: Site, tmp_path: Path,
    pipeline_name: Callable[[], str],
) -> None:  # fmt: skip
    site.add("/feed.xml", "application/rss+xml", feed(site))
    site.add(PAGE_PATH, "text/html; charset=utf-8", seed_page())
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - id: local-theblock\n    kind: feed\n"
        f"    url: {site.url('/feed.xml')}\n    outlet: The Block\n    interval_seconds: 1\n",
        encoding="utf-8",
    )
    env = PipelineEnv(
        kafka_bootstrap,
        pipeline_name(),
        store_dsn,
        extra={
            "REGWIRE_FETCHER_SOURCES_FILE": str(sources),
            "REGWIRE_FETCHER_STATE_DSN": f"sqlite+aiosqlite:///{tmp_path / 'state.db'}",
            "REGWIRE_FETCHER_ALLOW_NETWORKS": '["127.0.0.1/32"]',
            "REGWIRE_FETCHER_POLL_JITTER": "0",
        },
    )
    logs = tmp_path / "logs"
    services = [ServiceProcess(s, env, logs) for s in ("sink", "parser", "fetcher")]
    with running(*services):
        wait_for(lambda: site.hit_count("/feed.xml") >= 2, 120, "two polls of the feed", services)
        replay = run_cli(env, "replay", str(SEED))
        assert replay.returncode == 0, replay.stderr

        def licence() -> list[dict[str, Any]]:
            found = [e for e in stored_events(env) if e["event_type"] == "license_granted"]
            return found if found and len(found[0]["sources"]) >= 2 else []

        found = wait_for(licence, 120, "the licence event with two sources", services)
        sink = services[0]
        assert sink.metrics().get("regwire_events_stored_total", 0) > 0

    assert [s.terminate() for s in services] == [0, 0, 0] or all(not s.alive() for s in services)
    [event] = found
    assert event["jurisdiction"] == "HK"
    assert sorted(event["subjects"]) == ["HashKey", "OSL"]
    assert (event["event_date"], event["date_precision"]) == ("2023-08-02", "day")
    urls = sorted(str(s.get("url")) for s in event["sources"])
    assert urls == ["None", site.url(PAGE_PATH)]
    assert site.hit_count(PAGE_PATH) == 1, "the article page is fetched once across polls"
    # The other seed events are stored once each as well (ids are deterministic).
    ids = [e["event_id"] for e in stored_events(env)]
    assert len(ids) == len(set(ids))
