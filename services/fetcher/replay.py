"""``regwire replay FILE``: publish a dump to ``news.raw.v1``.

A progress bar (rate, ETA) on a terminal, a summary at the end. Article ids are
the sha256 of the canonical URL, or of the text when a document has no URL, so
replaying a file twice produces the same keys (downstream writes are idempotent).

>>> # summary = await replay_file(Path("dump.jsonl"), FetcherSettings(), progress=False)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaProducer
from prometheus_client import CollectorRegistry
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from schemas import RawArticle, Source, SourceKind
from schemas.ids import article_id
from services.common.kafka import Publisher, build_producer, ensure_topics
from services.common.logging import get_logger
from services.common.metrics import Metrics
from services.fetcher.config import FetcherSettings
from services.fetcher.dumps import DumpFormat, DumpProblem, DumpRecord, read_dump
from services.fetcher.publish import LargeProducer, RawSender, Sent
from services.fetcher.urls import canonicalize

log = get_logger(__name__)
BATCH = 500
MAX_PROBLEMS_KEPT = 20


@dataclass
class ReplaySummary:
    file: str
    topic: str
    published: int = 0
    invalid: int = 0
    oversize: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.published / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        head = (
            f"replayed {self.file} -> {self.topic}: {self.published} published, "
            f"{self.invalid} invalid, {self.oversize} oversize (recorded, not sent) "
            f"in {self.seconds:.1f}s ({self.rate:.0f}/s)"
        )
        return [head, *[f"  {p}" for p in self.problems]]


def to_raw(record: DumpRecord, source: Source, now: datetime) -> RawArticle:
    url = None
    if record.url:
        try:
            url = canonicalize(record.url)
        except ValueError:
            url = record.url.strip()
    return RawArticle(
        article_id=article_id(url, record.html or record.text),
        url=url,
        html=record.html,
        text=record.text,
        title=record.title,
        published=record.published,
        fetched_at=now,
        source=source.model_copy(update={"outlet": record.outlet}) if record.outlet else source,
    )


async def replay_file(
    path: Path,
    settings: FetcherSettings,
    *,
    progress: bool,
    fmt: DumpFormat = "auto",
    source_id: str | None = None,
    registry: CollectorRegistry | None = None,
) -> ReplaySummary:
    """Publish every document of ``path``; returns when all are acknowledged."""
    topic = settings.topics.raw
    summary = ReplaySummary(str(path), topic)
    source = Source(id=source_id or f"replay:{path.name}", kind=SourceKind.DUMP)
    metrics = Metrics(registry or CollectorRegistry(), "replay")
    if settings.kafka.create_topics:
        await ensure_topics(settings.kafka, [topic, settings.topics.dlq(topic)])
    producer = build_producer(settings.kafka, "replay")
    await producer.start()
    large = LargeProducer(settings.kafka, metrics)
    started = time.perf_counter()
    try:
        with _progress(path, progress) as advance:
            sender = _sender(producer, topic, settings, metrics, large)
            pending = 0
            for item in read_dump(path, fmt):
                if isinstance(item, DumpProblem):
                    summary.invalid += 1
                    _keep(summary, f"line {item.line}: {item.message}")
                else:
                    raw = to_raw(item, source, datetime.now(UTC))
                    outcome = await sender.send(raw, subject=item.id)
                    if outcome is Sent.OVERSIZE:
                        summary.oversize += 1
                        _keep(summary, f"line {item.line}: oversize, article {raw.article_id}")
                    else:
                        pending += 1
                if pending >= BATCH:
                    await sender.flush()
                    summary.published += pending
                    pending = 0
                advance(item.line, summary.published + pending)
            await sender.flush()
            summary.published += pending
    finally:
        await large.stop()
        await producer.stop()
    summary.seconds = time.perf_counter() - started
    log.info(
        "replay finished",
        file=str(path),
        published=summary.published,
        invalid=summary.invalid,
        oversize=summary.oversize,
        seconds=round(summary.seconds, 2),
    )
    return summary


def _sender(
    producer: AIOKafkaProducer,
    topic: str,
    settings: FetcherSettings,
    metrics: Metrics,
    large: LargeProducer,
) -> RawSender:
    return RawSender(
        Publisher(producer, metrics),
        topic,
        settings.kafka.max_request_size,
        metrics,
        large=large.publisher,
        ce_source="/regwire/replay",
    )


def _keep(summary: ReplaySummary, problem: str) -> None:
    if len(summary.problems) < MAX_PROBLEMS_KEPT:
        summary.problems.append(problem)


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, line: int, published: int) -> None:
        return None


class _Bar:
    """A rich progress bar over the file's lines: documents, rate and ETA."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            self._total = sum(1 for _ in handle)
        self._progress = Progress(
            TextColumn("[bold]replay[/] {task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[published]} published"),
            TextColumn("{task.fields[rate]:.0f}/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task = self._progress.add_task(path.name, total=self._total, published=0, rate=0.0)
        self._started = time.perf_counter()

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, line: int, published: int) -> None:
        elapsed = max(1e-6, time.perf_counter() - self._started)
        self._progress.update(
            self._task, completed=line, published=published, rate=published / elapsed
        )


def _progress(path: Path, enabled: bool) -> _Bar | _NoProgress:
    return _Bar(path) if enabled else _NoProgress()
