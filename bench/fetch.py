"""Fetcher benchmark: our fetch-and-publish path against a bare httpx loop.

Figures (printed by ``uv run python -m bench.fetch``, returned by the functions):

* pages/s fetched **and published** through the fetcher's real path (feed poll ->
  crawl-state claim -> guarded fetch -> decode -> RawArticle -> Kafka, acknowledged
  -> recorded) with 200+ requests in flight, against a bare ``httpx`` loop fetching
  the same pages in the same run; the ratio (target >= 0.8);
* the same for the guarded ``Fetcher.get`` alone (the HTTP seam's overhead);
* peak RSS of a process with 1,000 requests in flight through the same path
  (target <= 200 MB).

The page server runs in its own process, so it does not share a CPU with the
client being measured. Kafka: ``KAFKA_BOOTSTRAP_SERVERS`` if set, else the local
broker from ``deploy/local`` (started and stopped here).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
from prometheus_client import CollectorRegistry

from bench.machine import peak_rss_mb
from services.common.config import KafkaSettings, TopicSettings
from services.common.kafka import Publisher, build_producer, ensure_topics
from services.common.logging import configure_logging
from services.common.metrics import Metrics
from services.fetcher.config import FetcherSettings
from services.fetcher.http import Fetcher
from services.fetcher.poller import PollerOptions, SourcePoller
from services.fetcher.publish import RawSender
from services.fetcher.sources import SourceConfig
from services.fetcher.state import CrawlState

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy" / "local"))

PAGE_BYTES = 20_000
SLOW_SECONDS = 2.0


# The page server (a separate process) ----------------------------------------------


def _page(path: str) -> bytes:
    head = f"<html><head><title>Bench {path}</title><meta charset='utf-8'></head><body><article>"
    filler = "<p>Regulators granted a licence to an exchange on the given day.</p>"
    body = head + filler * ((PAGE_BYTES - len(head)) // len(filler)) + "</article></body></html>"
    return body.encode()


def _feed(count: int, prefix: str, port: int) -> bytes:
    items = "".join(
        f"<item><title>Bench {i}</title><link>http://127.0.0.1:{port}/{prefix}/{i}</link></item>"
        for i in range(count)
    )
    return f'<rss version="2.0"><channel><title>bench</title>{items}</channel></rss>'.encode()


class _PageServer:
    def __init__(self) -> None:
        self.active = 0
        self.peak = 0
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line.strip():
                    break
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                target = line.split(b" ")[1].decode()
                self.active += 1
                self.peak = max(self.peak, self.active)
                try:
                    status, ctype, body = await self.route(target)
                finally:
                    self.active -= 1
                head = (
                    f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                )
                writer.write(head.encode() + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def route(self, target: str) -> tuple[int, str, bytes]:
        parts = target.strip("/").split("/")
        if parts[0] == "feed":  # /feed/<count>/<prefix>
            return 200, "application/rss+xml", _feed(int(parts[1]), parts[2], self.port)
        if parts[0] == "stats":
            body = json.dumps({"peak": self.peak}).encode()
            self.peak = self.active
            return 200, "application/json", body
        if parts[0] == "slow":
            await asyncio.sleep(SLOW_SECONDS)
        if parts[0] == "robots.txt":
            return 404, "text/plain", b"no robots.txt"
        return 200, "text/html; charset=utf-8", _page(target)

    async def serve(self, ready: Any) -> None:
        server = await asyncio.start_server(self.handle, "127.0.0.1", 0, backlog=4096)
        self.port = server.sockets[0].getsockname()[1]
        ready.put(self.port)
        await server.serve_forever()


def _serve_pages(ready: Any) -> None:
    asyncio.run(_PageServer().serve(ready))


@contextmanager
def page_server() -> Iterator[str]:
    """Start the page server in a child process; yields its base URL."""
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    process = context.Process(target=_serve_pages, args=(ready,), daemon=True)
    process.start()
    try:
        yield f"http://127.0.0.1:{ready.get(timeout=30)}"
    finally:
        process.terminate()
        process.join(10)


@contextmanager
def kafka() -> Iterator[str]:
    from local_kafka import LocalKafka, external_bootstrap

    existing = external_bootstrap()
    if existing:
        yield existing
        return
    with LocalKafka(Path(tempfile.mkdtemp(prefix="regwire-bench-kafka-"))) as broker:
        yield broker.bootstrap_servers


# The two clients ---------------------------------------------------------------------


async def bare_httpx(urls: list[str], in_flight: int) -> float:
    """Pages/s of a plain httpx loop with the same concurrency."""
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    slots = asyncio.Semaphore(in_flight)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one(url: str) -> None:
            async with slots:
                (await client.get(url)).raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        return len(urls) / (time.perf_counter() - started)


def bench_settings(bootstrap: str, in_flight: int, workdir: Path) -> FetcherSettings:
    tag = uuid.uuid4().hex[:8]
    return FetcherSettings(
        allow_networks=["127.0.0.1/32"],
        per_host_rate=0,  # one local host stands in for many: no per-host pacing
        per_host_in_flight=in_flight,
        max_in_flight=in_flight,
        article_concurrency=in_flight,
        total_timeout_seconds=60,
        state_dsn=f"sqlite+aiosqlite:///{workdir}/bench-{tag}.db",
        kafka=KafkaSettings(bootstrap_servers=bootstrap, linger_ms=20),
        topics=TopicSettings(raw=f"bench.raw.{tag}"),
    )


@asynccontextmanager
async def our_path(settings: FetcherSettings) -> AsyncIterator[tuple[SourcePoller, Fetcher]]:
    """The fetcher's real poll path, wired as ``app.run`` wires it."""
    metrics = Metrics(CollectorRegistry(), "bench")
    await ensure_topics(settings.kafka, [settings.topics.raw])
    producer = build_producer(settings.kafka, "bench")
    await producer.start()
    try:
        async with CrawlState.open(settings.state_dsn) as state:
            fetcher = Fetcher.from_settings(settings, metrics)
            try:

                def sender() -> RawSender:
                    publisher = Publisher(producer, metrics)
                    limit = settings.kafka.max_request_size
                    return RawSender(publisher, settings.topics.raw, limit, metrics)

                options = PollerOptions(
                    owner="bench", article_concurrency=settings.article_concurrency
                )
                yield SourcePoller(fetcher, state, metrics, sender, options), fetcher
            finally:
                await fetcher.aclose()
    finally:
        await producer.stop()


async def ours(poller: SourcePoller, base: str, pages: int, prefix: str) -> float:
    source = SourceConfig(
        id=prefix, kind="feed", url=f"{base}/feed/{pages}/{prefix}", max_items=pages
    )
    started = time.perf_counter()
    report = await poller.poll(source)
    elapsed = time.perf_counter() - started
    if report.published != pages:
        raise RuntimeError(f"published {report.published} of {pages}: {report}")
    return pages / elapsed


async def fetch_only(fetcher: Fetcher, urls: list[str], in_flight: int) -> float:
    slots = asyncio.Semaphore(in_flight)

    async def one(url: str) -> None:
        async with slots:
            await fetcher.get(url)

    started = time.perf_counter()
    await asyncio.gather(*(one(u) for u in urls))
    return len(urls) / (time.perf_counter() - started)


# The figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Throughput:
    pages: int
    in_flight: int
    bare_httpx_pages_s: float
    fetched_published_pages_s: float
    ratio: float
    fetch_only_pages_s: float
    fetch_only_ratio: float


async def measure_throughput(
    base: str, bootstrap: str, pages: int = 3000, in_flight: int = 256, rounds: int = 2
) -> Throughput:
    with tempfile.TemporaryDirectory() as workdir:
        settings = bench_settings(bootstrap, in_flight, Path(workdir))
        async with our_path(settings) as (poller, fetcher):
            await ours(poller, base, 200, "warm")  # connections, robots, topic metadata
            await bare_httpx([f"{base}/bare/w{i}" for i in range(200)], in_flight)
            bare, full, only = [], [], []
            for r in range(rounds):  # interleaved, so drift hits both sides alike
                bare.append(
                    await bare_httpx([f"{base}/bare/{r}/{i}" for i in range(pages)], in_flight)
                )
                full.append(await ours(poller, base, pages, f"p{r}"))
                only.append(
                    await fetch_only(
                        fetcher, [f"{base}/p/f{r}/{i}" for i in range(pages)], in_flight
                    )
                )
    b, f, o = max(bare), max(full), max(only)
    return Throughput(
        pages, in_flight, round(b), round(f), round(f / b, 3), round(o), round(o / b, 3)
    )


@dataclass(frozen=True)
class Memory:
    in_flight: int
    server_peak_in_flight: int
    baseline_rss_mb: float
    peak_rss_mb: float
    published: int


async def _memory(base: str, bootstrap: str, in_flight: int) -> Memory:
    with tempfile.TemporaryDirectory() as workdir:
        settings = bench_settings(bootstrap, in_flight, Path(workdir))
        async with our_path(settings) as (poller, _fetcher):
            process = psutil.Process()
            baseline = peak = process.memory_info().rss
            done = asyncio.Event()

            async def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, process.memory_info().rss)
                    await asyncio.sleep(0.02)

            sampler = asyncio.create_task(sample())
            source = SourceConfig(
                id="mem", kind="feed", url=f"{base}/feed/{in_flight}/slow", max_items=in_flight
            )
            async with httpx.AsyncClient() as client:
                await client.get(f"{base}/stats")  # reset the server's peak counter
                report = await poller.poll(source)
                stats = (await client.get(f"{base}/stats")).json()
            done.set()
            await sampler
    mb = 2**20
    peak = max(peak, int(peak_rss_mb(os.getpid()) * mb))
    return Memory(
        in_flight,
        int(stats["peak"]),
        round(baseline / mb, 1),
        round(peak / mb, 1),
        report.published,
    )


def measure_peak_rss(base: str, bootstrap: str, in_flight: int = 1000) -> Memory:
    """Peak RSS of a fresh interpreter holding ``in_flight`` requests through our path.

    A new ``python -m bench.fetch --rss-child`` process, not a multiprocessing child:
    a spawned child re-imports the caller's main module, and the benchmark suite's
    imports (trafilatura, lxml, numpy) would be counted as the fetcher's memory.
    """
    result = subprocess.run(
        [sys.executable, "-m", "bench.fetch", "--rss-child", base, bootstrap, str(in_flight)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return Memory(**json.loads(result.stdout.strip().splitlines()[-1]))


def run_all(pages: int = 3000, in_flight: int = 256, rss_in_flight: int = 1000) -> dict[str, Any]:
    """Everything ``make bench`` reports for the fetcher, as one dict."""
    with page_server() as base, kafka() as bootstrap:
        throughput = asyncio.run(measure_throughput(base, bootstrap, pages, in_flight))
        memory = measure_peak_rss(base, bootstrap, rss_in_flight)
    return {
        "throughput": asdict(throughput),
        "memory": asdict(memory),
        "targets": {
            "ratio_min": 0.8,
            "ratio_ok": throughput.ratio >= 0.8,
            "rss_max_mb": 200,
            "rss_ok": memory.peak_rss_mb <= 200,
        },
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--in-flight", type=int, default=256)
    parser.add_argument("--rss-in-flight", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rss-child", nargs=3, metavar=("BASE", "BOOTSTRAP", "IN_FLIGHT"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    if args.rss_child:
        base, bootstrap, in_flight = args.rss_child
        print(json.dumps(asdict(asyncio.run(_memory(base, bootstrap, int(in_flight))))))
        return 0
    figures = run_all(args.pages, args.in_flight, args.rss_in_flight)
    if args.json:
        print(json.dumps(figures))
        return 0
    t, m = figures["throughput"], figures["memory"]
    print(
        f"fetcher bench: {t['pages']} pages of {PAGE_BYTES // 1000} KB, {t['in_flight']} in flight"
    )
    print(f"  bare httpx loop            {t['bare_httpx_pages_s']:>8} pages/s")
    full, only = t["fetched_published_pages_s"], t["fetch_only_pages_s"]
    print(f"  fetched + published (ours) {full:>8} pages/s  ratio {t['ratio']}")
    print(f"  guarded fetch only (ours)  {only:>8} pages/s  ratio {t['fetch_only_ratio']}")
    print(
        f"  peak RSS with {m['in_flight']} in flight (server saw {m['server_peak_in_flight']}): "
        f"{m['peak_rss_mb']} MB (idle after start-up: {m['baseline_rss_mb']} MB), "
        f"{m['published']} published"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
