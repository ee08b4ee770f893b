"""The fetch and sink stages, measured by their owners' modules (``bench.fetch``,
``bench.sink``) and summarised here over several runs."""

from __future__ import annotations

import asyncio
from dataclasses import asdict

from bench.infra import Infra
from bench.report import Report


def fetch(report: Report, infra: Infra, runs: int, quick: bool) -> None:
    from bench.fetch import measure_peak_rss, measure_throughput, page_server

    pages, in_flight, rss_in_flight = (400, 200, 300) if quick else (3000, 256, 1000)
    s = report.stage("fetch", f"Fetch from a local server ({in_flight} in flight)")
    got: dict[str, list[float]] = {}
    with page_server() as base:
        for _ in range(runs):
            t = asdict(
                asyncio.run(measure_throughput(base, infra.bootstrap, pages, in_flight, rounds=1))
            )
            m = asdict(measure_peak_rss(base, infra.bootstrap, rss_in_flight))
            for key, value in {**t, **{f"rss_{k}": v for k, v in m.items()}}.items():
                got.setdefault(key, []).append(float(value))
    s.add(
        "ours",
        "pages/s",
        got["fetched_published_pages_s"],
        "fetched + published to Kafka (regwire fetcher path)",
    )
    s.add(
        "fetch_only",
        "pages/s",
        got["fetch_only_pages_s"],
        "guarded fetch only (regwire Fetcher.get)",
    )
    s.add("bare_httpx", "pages/s", got["bare_httpx_pages_s"], "bare httpx loop (reference)")
    s.ratio(
        "ratio",
        got["fetched_published_pages_s"],
        got["bare_httpx_pages_s"],
        "fetched + published / bare httpx",
    )
    s.ratio(
        "fetch_only_ratio",
        got["fetch_only_pages_s"],
        got["bare_httpx_pages_s"],
        "guarded fetch / bare httpx",
    )
    s.add("peak_rss", "MB", got["rss_peak_rss_mb"], f"peak RSS, {rss_in_flight} requests in flight")
    s.notes.append(f"bench.fetch: {pages} pages of 20 kB per run, page server in its own process")


def sink(report: Report, infra: Infra, runs: int, quick: bool) -> None:
    from bench.sink import Databases, bench_drain, bench_latency, bench_store, workload

    total, sizes, latency_events = (
        (2_000, (100, 1000), 1_500) if quick else (10_000, (100, 1000, 2000), 5_000)
    )
    s = report.stage(
        "sink", "Sink: events/s into PostgreSQL (fsync on) and SQLite (synchronous=FULL)"
    )
    dbs = Databases(infra.postgres.dsn, infra.postgres, infra.workdir)
    events = workload(total)
    later = workload(latency_events)
    got: dict[str, list[float]] = {}

    def keep(key: str, value: float | None) -> None:
        if value is not None:
            got.setdefault(key, []).append(value)

    async def one_run() -> None:
        for backend in ("postgresql", "sqlite"):
            for size in sizes:
                f = await bench_store(dbs.fresh(backend), backend, events, size)
                keep(f"{backend}_store_{size}", f.events_per_s)
                f = await bench_drain(infra.bootstrap, dbs.fresh(backend), backend, events, size)
                keep(f"{backend}_drain_{size}", f.events_per_s)
            f = await bench_latency(infra.bootstrap, dbs.fresh(backend), backend, later, 1000.0)
            keep(f"{backend}_p50", f.p50_ms)
            keep(f"{backend}_p99", f.p99_ms)

    for _ in range(runs):
        asyncio.run(one_run())
    for key, values in got.items():
        backend, kind, *rest = key.split("_")
        if kind in ("p50", "p99"):
            s.add(key, "ms", values, f"{backend}: {kind} publish -> commit at 1,000 events/s")
        else:
            what = "Store.write alone" if kind == "store" else "Kafka -> sink pipeline -> commit"
            s.add(key, "events/s", values, f"{backend}: {what}, batch {rest[0]}")
    s.notes.append(f"bench.sink: {total} event reports per measurement (20 % second sources)")
