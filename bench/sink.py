"""Sink benchmark: events/s into PostgreSQL and SQLite, and publish -> commit latency.

    uv run python -m bench.sink                     # starts its own Kafka and PostgreSQL
    uv run python -m bench.sink --quick             # fewer events, for a smoke run

Three measurements per backend, all on loopback:

1. store: ``Store.write`` alone (merge + one transaction per batch), at several batch
   sizes: the database side's ceiling.
2. drain: the real sink pipeline (Kafka consumer -> decode -> merge -> transaction ->
   offset commit) working off a backlog, at several batch sizes.
3. latency: a producer publishes at a steady rate below capacity; for every report,
   the time from its Kafka record timestamp (publication) to the database commit
   that stored it, as p50 / p99 / max.

PostgreSQL runs with fsync on and SQLite with synchronous=FULL: durable settings.
``KAFKA_BOOTSTRAP_SERVERS`` / ``REGWIRE_TEST_POSTGRES_DSN`` point at existing servers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "deploy" / "local")]

from aiokafka import AIOKafkaProducer  # noqa: E402
from local_kafka import LocalKafka, external_bootstrap, free_port  # noqa: E402
from local_postgres import LocalPostgres  # noqa: E402

from schemas import RegulatoryEvent  # noqa: E402
from services.common.config import KafkaSettings, TopicSettings  # noqa: E402
from services.common.kafka import BatchConsumer, build_consumer, ensure_topics  # noqa: E402
from services.common.runtime import service_runtime  # noqa: E402
from services.sink.batching import FillingConsumer  # noqa: E402
from services.sink.config import SinkSettings  # noqa: E402
from services.sink.handler import SinkHandler  # noqa: E402
from services.sink.merge import BatchMerger, BatchRows  # noqa: E402
from services.sink.rows import event_rows  # noqa: E402
from services.sink.store import Store  # noqa: E402


@dataclass
class Figure:
    backend: str
    kind: str
    batch_size: int
    events: int
    seconds: float
    events_per_s: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None


def make_event(n: int, article: int) -> RegulatoryEvent:
    eid = f"{n:064x}"
    aid = f"{article:064x}"
    return RegulatoryEvent.model_validate(
        {
            "event_id": eid,
            "event_type": ("license_granted", "enforcement_action", "ban", "guidance")[n % 4],
            "jurisdiction": ("HK", "US", "GB", "EU", "SG")[n % 5],
            "authority": ("SFC", "SEC", "FCA", "ESMA", "MAS")[n % 5],
            "authority_id": f"auth-{n % 5}",
            "subjects": [f"Firm {n % 97}", f"Firm {n % 89}"],
            "event_date": f"20{10 + n % 14}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "date_precision": "day",
            "summary": f"Authority acted on firm {n % 97} (event {n}).",
            "evidence": "The regulator said on Tuesday that it had granted the licence. " * 2,
            "evidence_spans": [{"start": 10, "end": 120}],
            "confidence": 0.8,
            "sources": [
                {
                    "article_id": aid,
                    "url": f"https://news.example/{article}",
                    "outlet": f"Outlet {article % 7}",
                    "published_at": "2024-05-01",
                }
            ],
            "extractor": {"name": "rules", "version": "1.2.0"},
        }
    )


def workload(total: int) -> list[RegulatoryEvent]:
    """``total`` reports: 80 % first reports, 20 % a second outlet on an earlier event."""
    out: list[RegulatoryEvent] = []
    n = 0
    while len(out) < total:
        out.append(make_event(n, n))
        if n % 4 == 3:
            out.append(make_event(n - 2, 10_000_000 + n))
        n += 1
    return out[:total]


class TimedStore(Store):
    """Notes when each report's transaction committed (bench only)."""

    def __init__(self, dsn: str) -> None:
        super().__init__(dsn)
        self.commits: list[tuple[float, list[float]]] = []  # (commit time, seen times)
        self.stored = 0

    async def write(self, rows: BatchRows) -> None:
        await super().write(rows)
        now = time.time()
        self.commits.append((now, [s["first_seen"].timestamp() for s in rows.sources]))
        self.stored += len(rows.sources)


# --- databases -------------------------------------------------------------------


@contextlib.contextmanager
def postgres_server() -> Iterator[tuple[str, LocalPostgres | None]]:
    existing = os.environ.get("REGWIRE_TEST_POSTGRES_DSN")
    if existing:
        yield existing, None
        return
    with LocalPostgres(fsync=True) as pg:
        yield pg.dsn, pg


class Databases:
    """A fresh, empty store per measurement."""

    def __init__(self, pg_dsn: str, pg: LocalPostgres | None, tmp: Path) -> None:
        self._pg_dsn, self._pg, self._tmp = pg_dsn, pg, tmp

    def fresh(self, backend: str) -> str:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            return f"sqlite+aiosqlite:///{self._tmp / name}.db"
        if self._pg is None:
            raise SystemExit(
                "fresh databases need the local server; unset REGWIRE_TEST_POSTGRES_DSN"
            )
        self._pg.psql(f"CREATE DATABASE {name}", database="postgres")
        return self._pg_dsn.rsplit("/", 1)[0] + "/" + name


# --- measurements ----------------------------------------------------------------


async def bench_store(dsn: str, backend: str, events: list[RegulatoryEvent], size: int) -> Figure:
    async with Store(dsn) as store:
        await store.migrate()
        when = datetime.now(UTC)
        started = time.perf_counter()
        for i in range(0, len(events), size):
            merger = BatchMerger()
            for event in events[i : i + size]:
                merger.add_event(event_rows(event, when, when))
            await store.write(merger.result())
        seconds = time.perf_counter() - started
    return Figure(backend, "store", size, len(events), seconds, len(events) / seconds)


async def produce(
    bootstrap: str, topic: str, events: list[RegulatoryEvent], rate: float = 0
) -> None:
    """As fast as possible, or paced at ``rate`` reports per second."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=2
    )
    await producer.start()
    try:
        pending = []
        started = time.monotonic()
        for i, event in enumerate(events):
            pending.append(
                await producer.send(
                    topic, event.model_dump_json().encode(), key=event.event_id.encode()
                )
            )
            if rate and i % 20 == 19:
                ahead = started + (i + 1) / rate - time.monotonic()
                if ahead > 0:
                    await asyncio.sleep(ahead)
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


@contextlib.asynccontextmanager
async def sink_pipeline(
    bootstrap: str, dsn: str, size: int, topics: TopicSettings
) -> AsyncIterator[TimedStore]:
    """The sink's own pieces (as ``services.sink.app.run`` wires them), on a TimedStore."""
    settings = SinkSettings(
        dsn=dsn,
        port=free_port(),
        group_id=f"bench-{uuid.uuid4().hex[:8]}",
        batch_max_size=size,
        batch_max_wait_seconds=0.05,
        store_articles=False,
        kafka=KafkaSettings(bootstrap_servers=bootstrap, max_poll_records=size),
        topics=topics,
    )
    stop = asyncio.Event()
    store = TimedStore(dsn)
    await store.start()
    await store.migrate()
    try:
        async with service_runtime("sink", settings, settings.port, stop) as rt:
            consumer = build_consumer(settings.kafka, settings.group_id, [topics.events], "sink")
            await consumer.start()
            loop = BatchConsumer(
                FillingConsumer(consumer, settings.batch_max_wait_seconds, stop),
                SinkHandler(rt, store),
                metrics=rt.metrics,
                health=rt.health,
                name="sink",
                max_records=size,
            )
            task = asyncio.create_task(loop.run(stop))
            try:
                yield store
            finally:
                stop.set()
                await task
                await consumer.stop()
    finally:
        await store.stop()


async def new_topics(bootstrap: str) -> TopicSettings:
    tag = uuid.uuid4().hex[:8]
    topics = TopicSettings(raw=f"b-raw-{tag}", articles=f"b-art-{tag}", events=f"b-ev-{tag}")
    await ensure_topics(KafkaSettings(bootstrap_servers=bootstrap), topics.all(), partitions=3)
    return topics


async def wait_stored(store: TimedStore, count: int, limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while store.stored < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {store.stored} of {count} stored")
        await asyncio.sleep(0.01)


async def bench_drain(
    bootstrap: str, dsn: str, backend: str, events: list[RegulatoryEvent], size: int
) -> Figure:
    topics = await new_topics(bootstrap)
    await produce(bootstrap, topics.events, events)
    async with sink_pipeline(bootstrap, dsn, size, topics) as store:
        await wait_stored(store, 1)  # from the first commit: joining the group is not writing
        started = store.commits[0][0]
        await wait_stored(store, len(events))
        seconds = store.commits[-1][0] - started
        done = len(events) - len(store.commits[0][1])
    return Figure(backend, "drain", size, len(events), seconds, done / max(seconds, 1e-9))


async def bench_latency(
    bootstrap: str, dsn: str, backend: str, events: list[RegulatoryEvent], rate: float
) -> Figure:
    topics = await new_topics(bootstrap)
    async with sink_pipeline(bootstrap, dsn, 1000, topics) as store:
        await produce(bootstrap, topics.events, events[:50])  # warm up: group joined
        await wait_stored(store, 50)
        store.commits.clear()
        store.stored = 0
        started = time.perf_counter()
        await produce(bootstrap, topics.events, events[50:], rate=rate)
        await wait_stored(store, len(events) - 50)
        seconds = time.perf_counter() - started
    latencies = sorted(
        (committed - seen) * 1000 for committed, seens in store.commits for seen in seens
    )

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return Figure(
        backend, f"latency@{rate:.0f}/s", 1000, len(latencies), seconds,
        len(latencies) / seconds, pick(0.50), pick(0.99), latencies[-1],
    )  # fmt: skip


# --- driver ----------------------------------------------------------------------


async def run(bootstrap: str, dbs: Databases, quick: bool) -> list[Figure]:
    total = 5_000 if quick else 20_000
    sizes = [100, 500, 1000, 2000] if not quick else [100, 1000]
    events = workload(total)
    figures: list[Figure] = []
    for backend in ("postgresql", "sqlite"):
        for size in sizes:
            figures.append(await bench_store(dbs.fresh(backend), backend, events, size))
            report(figures[-1])
        for size in sizes:
            figures.append(await bench_drain(bootstrap, dbs.fresh(backend), backend, events, size))
            report(figures[-1])
        rate = 1000.0
        latency_events = workload(3_000 if quick else 10_000)
        figures.append(
            await bench_latency(bootstrap, dbs.fresh(backend), backend, latency_events, rate)
        )
        report(figures[-1])
    return figures


def report(f: Figure) -> None:
    latency = (
        f"  p50 {f.p50_ms:.1f} ms  p99 {f.p99_ms:.1f} ms  max {f.max_ms:.1f} ms"
        if f.p99_ms is not None
        else ""
    )
    print(
        f"{f.backend:<10} {f.kind:<15} batch {f.batch_size:>5}  {f.events:>6} reports  "
        f"{f.events_per_s:>8.0f} events/s{latency}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sink throughput and latency")
    parser.add_argument("--quick", action="store_true", help="fewer events and batch sizes")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench-sink.json")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="regwire-bench-sink-"))
    with contextlib.ExitStack() as stack:
        bootstrap = external_bootstrap()
        if not bootstrap:
            bootstrap = stack.enter_context(LocalKafka(tmp / "kafka")).bootstrap_servers
        pg_dsn, pg = stack.enter_context(postgres_server())
        figures = asyncio.run(run(bootstrap, Databases(pg_dsn, pg, tmp), args.quick))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload: dict[str, Any] = {"figures": [asdict(f) for f in figures]}
    args.out.write_bytes(orjson.dumps(payload, option=orjson.OPT_INDENT_2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
