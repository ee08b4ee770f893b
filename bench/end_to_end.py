"""End to end through the real local broker: raw articles in, every event stored.

The input is what ``regwire replay`` publishes: real pages and event articles
(``bench.corpus``), each copy with its own URL, sent through the project's
``RawSender`` + ``Publisher`` into ``news.raw.v1``. The parser(s) and the sink run as
separate processes (``deploy/local/pipeline.py``) against PostgreSQL; the fetcher is
not needed, the replay is the input.

* Sustained rate: N articles are published first (a backlog), then the parsers start;
  the rate is counted from the first to the last database commit of an article's
  rows, so start-up is not in it. Runs use fresh consumer groups, output topics and
  databases over one preloaded raw topic.
* Latency: a paced run publishes at a fixed rate into a fresh pipeline that is already
  warm; for every article, from its ``fetched_at`` (set when the message is built, just
  before it is sent to ``news.raw.v1``) to the commit of the LAST of its rows (the
  article and each event source), read from PostgreSQL's own commit timestamps
  (``track_commit_timestamp``, ``pg_xact_commit_timestamp(xmin)``). One clock: all
  on this machine.
* Cost: CPU seconds (user + system) per 1,000 articles of each process over the
  measured window, and peak RSS (VmHWM) per process; the broker and PostgreSQL too.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import psutil
from pipeline import PipelineEnv, ServiceProcess
from prometheus_client import CollectorRegistry

from bench.corpus import copy_of, load
from bench.infra import Infra
from bench.machine import peak_rss_mb
from bench.report import Report, Stage
from schemas import RawArticle
from services.common.config import KafkaSettings
from services.common.kafka import Publisher, build_producer, ensure_topics
from services.common.metrics import Metrics
from services.fetcher.publish import RawSender

WARM_UP = 40
CPU_UNIT = "CPU s / 1k articles"


# -- expectations ------------------------------------------------------------------


def sources_per_template(templates: tuple[RawArticle, ...]) -> list[int | None]:
    """Event-source rows each template yields (None: the parser rejects it)."""
    from services.common.errors import PoisonMessage
    from services.parser.app import parse_raw

    out: list[int | None] = []
    for i, template in enumerate(templates):
        try:
            parsed = parse_raw(copy_of(template, "expect", i))
        except PoisonMessage:
            out.append(None)
            continue
        out.append(len({e.event_id for e in parsed.events}))
    return out


def expected(count: int, per: list[int | None]) -> tuple[int, int]:
    """(articles, event sources) that ``count`` copies store."""
    cycle = [per[i % len(per)] for i in range(count)]
    return sum(1 for c in cycle if c is not None), sum(c or 0 for c in cycle)


# -- input -------------------------------------------------------------------------


async def publish(
    settings: KafkaSettings, topic: str, count: int, tag: str, rate: float = 0.0
) -> float:
    """Publish ``count`` copies; as fast as acknowledged, or paced at ``rate``/s."""
    templates = load().mixed
    metrics = Metrics(CollectorRegistry(), "bench")
    producer = build_producer(settings, "bench-replay")
    await producer.start()
    try:
        publisher = Publisher(producer, metrics)
        sender = RawSender(publisher, topic, settings.max_request_size, metrics, ce_source="/bench")
        started = time.monotonic()
        for i in range(count):
            if rate:
                ahead = started + i / rate - time.monotonic()
                if ahead > 0:
                    await asyncio.sleep(ahead)
            await sender.send(copy_of(templates[i % len(templates)], tag, i))
            if not rate and i % 500 == 499:
                await sender.flush()
        await sender.flush()
        return time.monotonic() - started
    finally:
        await producer.stop()


# -- observing processes -----------------------------------------------------------


def cpu_seconds(pid: int, exclude: frozenset[int] = frozenset()) -> float:
    """User + system CPU of a process and its live children."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        if p.pid in exclude:
            continue
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


@dataclass
class Observed:
    roles: dict[str, list[int]]
    exclude: frozenset[int] = frozenset()
    base: dict[str, float] = field(default_factory=dict)

    def start(self) -> None:
        self.base = self._cpu()

    def _cpu(self) -> dict[str, float]:
        return {
            role: sum(cpu_seconds(p, self.exclude) for p in pids)
            for role, pids in self.roles.items()
        }

    def cpu_per_1000(self, articles: int) -> dict[str, float]:
        now = self._cpu()
        return {r: (now[r] - self.base[r]) * 1000 / max(1, articles) for r in now}

    def peak_rss(self) -> dict[str, float]:
        return {
            role: max(peak_rss_mb(p) for p in pids)
            for role, pids in self.roles.items()
            if role in ("parser", "sink")
        }


# -- the store ---------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """One article, in seconds since the epoch: when its last row committed, when it was
    published to news.raw.v1, and when the parser created its output (the Kafka
    timestamp of its news.articles.v1 record, kept by the sink as ``first_seen``)."""

    done: float
    published: float
    url: str | None
    parsed: float


COMPLETIONS = """
SELECT extract(epoch FROM greatest(pg_xact_commit_timestamp(a.xmin),
                                   max(pg_xact_commit_timestamp(s.xmin))))::float8 AS done,
       extract(epoch FROM a.fetched_at)::float8 AS published,
       a.url,
       extract(epoch FROM a.first_seen)::float8 AS parsed
FROM articles a LEFT JOIN event_sources s ON s.article_id = a.article_id
GROUP BY a.article_id, a.xmin, a.fetched_at, a.url, a.first_seen
"""


class Store:
    def __init__(self, dsn: str) -> None:
        self._url = dsn.replace("postgresql+asyncpg://", "postgresql://")
        self._conn: asyncpg.Connection | None = None

    async def connect(self) -> int:
        self._conn = await asyncpg.connect(self._url)
        pid: int = await self._conn.fetchval("SELECT pg_backend_pid()")
        return pid

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()

    async def counts(self) -> tuple[int, int]:
        assert self._conn is not None
        row = await self._conn.fetchrow(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM event_sources)"
        )
        return int(row[0]), int(row[1])

    async def wait_for(
        self, articles: int, sources: int, limit: float, services: list[ServiceProcess]
    ) -> str:
        """Until the counts are reached (``limit`` seconds at most); '' or why it stopped early."""
        deadline = time.monotonic() + limit
        last, still_since = (-1, -1), time.monotonic()
        while time.monotonic() < deadline:
            got = await self.counts()
            if got[0] >= articles and got[1] >= sources:
                return ""
            dead = [s.service for s in services if not s.alive()]
            if dead:
                raise RuntimeError(f"{dead} exited; log:\n{services[0].tail_log()}")
            if got != last:
                last, still_since = got, time.monotonic()
            elif got[0] >= articles and time.monotonic() - still_since > 20:
                return f"stored {got[1]} event sources, expected {sources}"
            await asyncio.sleep(0.25)
        raise TimeoutError(f"stored {last} of {(articles, sources)} in {limit:.0f}s")

    async def completions(self) -> list[Completion]:
        assert self._conn is not None
        return [Completion(*r) for r in await self._conn.fetch(COMPLETIONS)]


# -- one pipeline run --------------------------------------------------------------


@dataclass
class Result:
    articles: int
    rate: float
    steady: float
    startup: float
    cpu: dict[str, float]
    rss: dict[str, float]
    latencies_ms: list[float] = field(default_factory=list)
    to_parser_ms: list[float] = field(default_factory=list)
    to_commit_ms: list[float] = field(default_factory=list)
    note: str = ""


def rate_of(done: list[float], ready: float) -> tuple[float, float]:
    """(articles/s from the first completion to the last, the first completion time).

    A backlog stored in one transaction has no such span: then from ``ready``.
    """
    first, last = min(done), max(done)
    counted = sum(1 for d in done if d > first)
    if not counted:
        return len(done) / max(first - ready, 1e-6), first
    return counted / (last - first), first


def steady_rate(done: list[float], low: float = 0.1, high: float = 0.9) -> float:
    """Articles/s between the 10th and the 90th percentile of completions: the pipeline
    at full speed, without the start (group join, first batches) or the tail."""
    ordered = sorted(done)
    a, b = int(low * (len(ordered) - 1)), int(high * (len(ordered) - 1))
    span = ordered[b] - ordered[a]
    return (b - a) / span if span > 0 else 0.0


class Pipeline:
    """Sink + parser processes on one isolated pipeline (topics, groups, database)."""

    def __init__(
        self, infra: Infra, parsers: int, partitions: int, logs: Path, env: dict[str, str],
        raw: str | None = None,
    ) -> None:  # fmt: skip
        self.infra = infra
        name = f"b{uuid.uuid4().hex[:8]}"
        extra = {**env, **({"REGWIRE_TOPIC_RAW": raw} if raw else {})}
        self.env = PipelineEnv(infra.bootstrap, name, infra.fresh_database(), partitions, extra)
        self.sink = ServiceProcess("sink", self.env, logs / name / "sink")
        self.parsers = [
            ServiceProcess("parser", self.env, logs / name / f"parser{i}") for i in range(parsers)
        ]
        self.store = Store(self.env.dsn)
        self.observed: Observed | None = None

    @property
    def services(self) -> list[ServiceProcess]:
        return [self.sink, *self.parsers]

    async def start(self) -> float:
        self.sink.start().wait_ready()
        own_backend = await self.store.connect()
        for p in self.parsers:
            p.start()
        for p in self.parsers:
            p.wait_ready()
        roles = {"parser": [p.pid or 0 for p in self.parsers], "sink": [self.sink.pid or 0]}
        if self.infra.kafka_pid:
            roles["kafka broker"] = [self.infra.kafka_pid]
        if self.infra.postgres.proc is not None:
            roles["postgresql"] = [self.infra.postgres.proc.pid]
        self.observed = Observed(roles, frozenset({own_backend}))
        return time.time()

    async def stop(self) -> None:
        for s in self.services:
            s.terminate()
        await self.store.close()


@dataclass(frozen=True)
class Shape:
    """How a run's pipeline is made: parser processes, partitions, settings, logs."""

    parsers: int
    partitions: int
    env: dict[str, str]
    logs: Path

    def pipeline(self, infra: Infra, raw: str | None = None) -> Pipeline:
        return Pipeline(infra, self.parsers, self.partitions, self.logs, self.env, raw)


async def run_backlog(
    infra: Infra, shape: Shape, raw: str, count: int, per: list[int | None]
) -> Result:
    arts, srcs = expected(count, per)
    pipe = shape.pipeline(infra, raw)
    try:
        ready = await pipe.start()
        assert pipe.observed is not None
        pipe.observed.start()
        note = await pipe.store.wait_for(arts, srcs, 60 + count / 10, pipe.services)
        cpu, rss = pipe.observed.cpu_per_1000(arts), pipe.observed.peak_rss()
        done = [c.done for c in await pipe.store.completions()]
    finally:
        await pipe.stop()
    rate, first = rate_of(done, ready)
    return Result(len(done), rate, steady_rate(done), first - ready, cpu, rss, note=note)


async def run_paced(
    infra: Infra, shape: Shape, rate: float, seconds: float, per: list[int | None]
) -> Result:
    count = max(20, int(rate * seconds))
    warm, paced = expected(WARM_UP, per), expected(count, per)
    pipe = shape.pipeline(infra)
    settings = KafkaSettings(bootstrap_servers=infra.bootstrap)
    try:
        await pipe.start()
        topic = pipe.env.topics["raw"]
        await publish(settings, topic, WARM_UP, "warm")
        await pipe.store.wait_for(*warm, 120, pipe.services)
        assert pipe.observed is not None
        pipe.observed.start()
        await publish(settings, topic, count, "paced", rate)
        note = await pipe.store.wait_for(
            warm[0] + paced[0], warm[1] + paced[1], 60 + count / 5, pipe.services
        )
        cpu, rss = pipe.observed.cpu_per_1000(paced[0]), pipe.observed.peak_rss()
        rows = [c for c in await pipe.store.completions() if "/paced/" in (c.url or "")]
    finally:
        await pipe.stop()
    rows.sort(key=lambda c: c.published)
    third = max(1, len(rows) // 3)
    early, late = (
        statistics.median(1000 * (c.done - c.published) for c in part)
        for part in (rows[:third], rows[-third:])
    )
    note = note or f"median latency {early:.0f} ms in the first third, {late:.0f} ms in the last"
    latencies = sorted((c.done - c.published) * 1000 for c in rows)
    achieved = len(rows) / max(1e-6, rows[-1].published - rows[0].published)
    result = Result(len(rows), achieved, achieved, 0.0, cpu, rss, latencies, note=note)
    result.to_parser_ms = sorted((c.parsed - c.published) * 1000 for c in rows)
    result.to_commit_ms = sorted((c.done - c.parsed) * 1000 for c in rows)
    return result


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


# -- into the report ---------------------------------------------------------------


def end_to_end(
    report: Report, infra: Infra, runs: int, articles: int, parser_counts: tuple[int, ...],
    paced_seconds: float, logs: Path, env: dict[str, str],
) -> None:  # fmt: skip
    partitions = max(2, 2 * max(parser_counts))
    s = report.stage(
        "e2e", f"End to end: news.raw.v1 -> parser(s) -> sink -> PostgreSQL ({articles} articles)"
    )
    templates = load().mixed
    per = sources_per_template(templates)
    settings = KafkaSettings(bootstrap_servers=infra.bootstrap)
    raw = f"bench.e2e.raw.{uuid.uuid4().hex[:8]}"
    asyncio.run(ensure_topics(settings, [raw, raw + ".dlq"], partitions=partitions))
    preload = asyncio.run(publish(settings, raw, articles, "backlog"))
    arts, srcs = expected(articles, per)
    s.notes.append(
        f"{articles} raw articles ({arts} stored, {srcs} event sources) preloaded in "
        f"{preload:.1f}s into {partitions} partitions, from {len(templates)} templates"
    )
    results: dict[int, list[Result]] = {p: [] for p in parser_counts}
    for _ in range(runs):
        for p in parser_counts:  # interleaved, so drift hits every configuration alike
            shape = Shape(p, partitions, env, logs)
            results[p].append(asyncio.run(run_backlog(infra, shape, raw, articles, per)))
    best = report_backlog(s, results)
    half = statistics.median(r.rate for r in results[best]) / 2
    shape = Shape(best, partitions, env, logs)
    paced = [asyncio.run(run_paced(infra, shape, half, paced_seconds, per)) for _ in range(runs)]
    report_paced(s, paced, best)
    s.notes.append(
        "CPU of the broker and PostgreSQL are whole-process figures (PostgreSQL: postmaster and "
        "its live backends, without the bench's own connection); the fetcher is not run: "
        "the replay is the input"
    )


def report_backlog(s: Stage, results: dict[int, list[Result]]) -> int:
    """Figures per parser count; returns the count with the best median rate."""
    for p, rs in results.items():
        tag, who = f"{p}p", f"{p} parser(s)"
        s.add(f"rate_{tag}", "articles/s", [r.rate for r in rs], f"sustained, {who}")
        s.add(f"steady_{tag}", "articles/s", [r.steady for r in rs], f"steady state, {who}")
        s.add(f"startup_{tag}", "s", [r.startup for r in rs], f"parsers ready -> 1st commit, {who}")
        for role in rs[0].cpu:
            s.add(
                f"cpu_{role.replace(' ', '_')}_{tag}",
                CPU_UNIT,
                [r.cpu[role] for r in rs],
                f"CPU, {role}, {who}",
            )
        for role in rs[0].rss:
            label = f"peak RSS per {role} process, {who}"
            s.add(f"rss_{role}_{tag}", "MB", [r.rss[role] for r in rs], label)
        s.notes += [f"{who}: {r.note}" for r in rs if r.note]
    best = max(results, key=lambda p: statistics.median(r.rate for r in results[p]))
    s.add("rate_best", "articles/s", [r.rate for r in results[best]], f"sustained, {best} parsers")
    if len(results) > 1:
        lo, hi = min(results), max(results)
        rates = {p: [r.rate for r in results[p]] for p in (lo, hi)}
        s.ratio("scaling", rates[hi], rates[lo], f"{hi} parsers / {lo} parser")
    s.notes.append(
        "sustained: from the first to the last article completed in the database (an article "
        "is complete when its row and all its event-source rows are committed); steady "
        "state: between the 10th and 90th percentile of completions"
    )
    return best


def report_paced(s: Stage, paced: list[Result], parsers: int) -> None:
    label = f"paced at half the sustained rate ({parsers} parsers)"
    s.add("paced_rate", "articles/s", [r.rate for r in paced], label)
    for q in (50, 95, 99):
        values = [percentile(r.latencies_ms, q / 100) for r in paced]
        s.add(f"paced_p{q}", "ms", values, f"latency p{q}, raw publish -> DB commit (paced)")
    s.add("paced_max", "ms", [r.latencies_ms[-1] for r in paced], "latency max (paced)")
    for key, what in (
        ("to_parser", "raw publish -> parser output"),
        ("to_commit", "parser output -> DB commit"),
    ):
        for q in (50, 99):
            values = [percentile(getattr(r, f"{key}_ms"), q / 100) for r in paced]
            s.add(f"paced_{key}_p{q}", "ms", values, f"of which {what}, p{q} (paced)")
    for role in paced[0].cpu:
        s.add(
            f"paced_cpu_{role.replace(' ', '_')}",
            CPU_UNIT,
            [r.cpu[role] for r in paced],
            f"CPU, {role} (paced)",
        )
    s.notes += [f"paced: {r.note}" for r in paced if r.note]
