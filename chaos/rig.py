"""The test rig: one broker and one PostgreSQL server, and an isolated pipeline per scenario.

``Infra`` owns the shared servers (or uses ``KAFKA_BOOTSTRAP_SERVERS`` /
``REGWIRE_TEST_POSTGRES_DSN`` when set). ``Rig`` is one scenario's pipeline: its own
topics, consumer groups and database, the services as processes
(``deploy/local/pipeline.py``), and the probes a scenario needs: wait until idle,
act as the orchestrator (restart what died or fails liveness), audit the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from local_kafka import LocalKafka, external_bootstrap
from local_postgres import LocalPostgres
from pipeline import PipelineEnv, ServiceProcess, run_cli
from sqlalchemy.engine import make_url

from chaos import kafkaio
from chaos.audit import Audit, audit
from chaos.corpus import Corpus
from services.common.config import KafkaSettings
from services.common.kafka import ensure_topics

# Settings every chaos pipeline runs with (printed with the report):
# a killed member is expired after 6 s (the broker's minimum) instead of 30 s, and
# liveness fails after 30 s without progress on pending work instead of 120 s.
CHAOS_ENV = {
    "REGWIRE_KAFKA_SESSION_TIMEOUT_MS": "6000",
    "REGWIRE_KAFKA_HEARTBEAT_INTERVAL_MS": "1000",
    "REGWIRE_STALL_SECONDS": "30",
    "REGWIRE_SINK_RETRY_MAX_BACKOFF_SECONDS": "5",
    "REGWIRE_LOG_LEVEL": "INFO",
}

COUNT_WRITES_SQL = [
    "CREATE TABLE IF NOT EXISTS chaos_row_writes (tbl text NOT NULL, row_key text NOT NULL)",
    """CREATE OR REPLACE FUNCTION chaos_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'event_sources' THEN
        INSERT INTO chaos_row_writes VALUES (TG_TABLE_NAME, NEW.event_id || '/' || NEW.article_id);
      ELSE
        INSERT INTO chaos_row_writes VALUES (TG_TABLE_NAME, NEW.article_id);
      END IF;
      RETURN NULL;
    END $$""",
    "CREATE OR REPLACE TRIGGER chaos_count_sources AFTER INSERT OR UPDATE ON event_sources "
    "FOR EACH ROW EXECUTE FUNCTION chaos_count_write()",
    "CREATE OR REPLACE TRIGGER chaos_count_articles AFTER INSERT OR UPDATE ON articles "
    "FOR EACH ROW EXECUTE FUNCTION chaos_count_write()",
]


def plain_dsn(dsn: str) -> str:
    """asyncpg's form of an SQLAlchemy URL."""
    return make_url(dsn).set(drivername="postgresql").render_as_string(hide_password=False)


async def _sql(dsn: str, *statements: str) -> None:
    conn = await asyncpg.connect(plain_dsn(dsn))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@dataclass
class Infra:
    """The shared servers. ``kafka`` / ``postgres`` are None when external ones are used."""

    work: Path
    bootstrap: str
    base_dsn: str
    kafka: LocalKafka | None = None
    postgres: LocalPostgres | None = None

    @classmethod
    def start(cls, work: Path | None = None) -> Infra:
        if work is None:
            work = Path(tempfile.mkdtemp(prefix="regwire-chaos-"))
            work.chmod(0o755)  # PostgreSQL runs as its own user when we are root
        work.mkdir(parents=True, exist_ok=True)
        kafka: LocalKafka | None = None
        bootstrap = external_bootstrap()
        if bootstrap is None:
            kafka = LocalKafka(work / "kafka")
            kafka.start()
            bootstrap = kafka.bootstrap_servers
        postgres: LocalPostgres | None = None
        base = os.environ.get("REGWIRE_TEST_POSTGRES_DSN", "")
        if not base:
            # fsync on: the PostgreSQL restart scenario relies on crash recovery.
            postgres = LocalPostgres(work / "postgres", fsync=True)
            postgres.start()
            base = postgres.dsn
        return cls(work, bootstrap, base, kafka, postgres)

    def stop(self) -> None:
        if self.kafka is not None:
            self.kafka.stop()
        if self.postgres is not None:
            self.postgres.cleanup()

    async def new_database(self, name: str) -> str:
        await _sql(self.base_dsn, f'CREATE DATABASE "{name}"')
        return make_url(self.base_dsn).set(database=name).render_as_string(hide_password=False)

    async def drop_database(self, name: str) -> None:
        with contextlib.suppress(Exception):
            await _sql(self.base_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Rig:
    """One scenario's isolated pipeline on the shared servers."""

    infra: Infra
    scenario: str
    parsers: int = 1
    extra: dict[str, str] = field(default_factory=dict)
    name: str = ""
    dsn: str = ""
    env: PipelineEnv | None = None
    parser_procs: list[ServiceProcess] = field(default_factory=list)
    sink_proc: ServiceProcess | None = None
    fetcher_proc: ServiceProcess | None = None
    watcher: kafkaio.Watcher | None = None
    restarts: dict[str, int] = field(default_factory=dict)  # by the orchestrator
    stopped: set[int] = field(default_factory=set)  # ids of processes stopped on purpose
    unexpected_exits: list[str] = field(default_factory=list)

    @property
    def log_dir(self) -> Path:
        return self.infra.work / "logs" / self.name

    @property
    def pipeline(self) -> PipelineEnv:
        assert self.env is not None, "Rig.setup() first"
        return self.env

    @property
    def sink(self) -> ServiceProcess:
        assert self.sink_proc is not None, "Rig.setup() first"
        return self.sink_proc

    @property
    def fetcher(self) -> ServiceProcess:
        assert self.fetcher_proc is not None, "Rig.setup() first"
        return self.fetcher_proc

    def fetch_from(self, feed_url: str) -> None:
        """Give the fetcher one feed source on the local site (127.0.0.0/8 allowed)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        sources = self.log_dir / "sources.yaml"
        sources.write_text(
            "sources:\n  - id: chaos-local\n    kind: feed\n"
            f"    url: {feed_url}\n    outlet: Chaos Wire\n    interval_seconds: 1\n"
            "    max_items: 500\n",
            encoding="utf-8",
        )
        env = {
            "REGWIRE_FETCHER_SOURCES_FILE": str(sources),
            "REGWIRE_FETCHER_STATE_DSN": f"sqlite+aiosqlite:///{self.log_dir / 'state.db'}",
            "REGWIRE_FETCHER_ALLOW_NETWORKS": '["127.0.0.0/8"]',
            "REGWIRE_FETCHER_POLL_JITTER": "0",
            "REGWIRE_FETCHER_PER_HOST_RATE": "0",
            "REGWIRE_FETCHER_PER_HOST_IN_FLIGHT": "8",
        }
        base = self.pipeline
        self.fetcher.env = PipelineEnv(
            base.bootstrap, base.name, base.dsn, base.partitions, {**base.extra, **env}
        )

    @property
    def parser(self) -> ServiceProcess:
        return self.parser_procs[0]

    @property
    def topics(self) -> dict[str, str]:
        return self.pipeline.topics

    @property
    def groups(self) -> dict[str, tuple[str, list[str]]]:
        """Consumer group and input topics of each consuming service."""
        t = self.topics
        return {
            "parser": (f"{self.name}-parser", [t["raw"]]),
            "sink": (f"{self.name}-sink", [t["events"], t["articles"]]),
        }

    async def setup(self) -> Rig:
        self.name = f"chaos-{self.scenario}-{uuid.uuid4().hex[:6]}"
        self.dsn = await self.infra.new_database(self.name.replace("-", "_"))
        self.env = PipelineEnv(
            self.infra.bootstrap, self.name, self.dsn, extra={**CHAOS_ENV, **self.extra}
        )
        await self.create_topics()
        migrated = await asyncio.to_thread(run_cli, self.env, "migrate", service="sink")
        if migrated.returncode != 0:
            raise RuntimeError(f"regwire migrate failed: {migrated.stderr[-2000:]}")
        await _sql(self.dsn, *COUNT_WRITES_SQL)
        self.parser_procs = [self.new_parser(i) for i in range(self.parsers)]
        self.sink_proc = ServiceProcess("sink", self.env, self.log_dir / "sink")
        self.fetcher_proc = ServiceProcess("fetcher", self.env, self.log_dir / "fetcher")
        self.watcher = kafkaio.Watcher(self.infra.bootstrap)
        return self

    async def create_topics(self) -> None:
        names = list(self.topics.values())
        settings = KafkaSettings(bootstrap_servers=self.infra.bootstrap)
        await ensure_topics(settings, names + [n + ".dlq" for n in names], partitions=3)

    def new_parser(self, index: int) -> ServiceProcess:
        return ServiceProcess("parser", self.pipeline, self.log_dir / f"parser-{index + 1}")

    def with_sink_env(self, extra: dict[str, str]) -> None:
        """Environment for the sink's next start (e.g. a fault), on top of the rig's."""
        base = self.pipeline
        env = PipelineEnv(
            base.bootstrap, base.name, base.dsn, base.partitions, {**base.extra, **extra}
        )
        self.sink.env = env

    async def start(self, *services: ServiceProcess, ready_timeout: float = 120.0) -> None:
        """Start (default: the first parser and the sink) and wait until ready."""
        chosen = list(services) or [self.parser, self.sink]
        for svc in chosen:
            self.stopped.discard(id(svc))
            svc.start()
        for svc in chosen:
            await asyncio.to_thread(svc.wait_ready, ready_timeout)

    def launch(self, svc: ServiceProcess) -> None:
        """Start without waiting for readiness."""
        self.stopped.discard(id(svc))
        svc.start()

    async def stop(
        self, svc: ServiceProcess, kill: bool = False, within: float = 60.0
    ) -> int | None:
        """SIGTERM (exit code, None if it had to be killed) or SIGKILL; on purpose."""
        self.stopped.add(id(svc))
        if kill:
            await asyncio.to_thread(svc.kill)
            return -9
        return await asyncio.to_thread(svc.terminate, within)

    async def stop_all(self) -> dict[str, int | None]:
        codes: dict[str, int | None] = {}
        for i, svc in enumerate(self.services()):
            if svc.proc is not None and svc.alive():
                codes[f"{svc.service}-{i}"] = await asyncio.to_thread(svc.terminate, 60.0)
        return codes

    async def close(self, keep_database: bool = False) -> None:
        await self.stop_all()
        if self.watcher is not None:
            await self.watcher.close()
        if not keep_database:
            await self.infra.drop_database(self.name.replace("-", "_"))

    async def seed(
        self, corpus: Corpus, rate: float | None = None, chunk: int = 100
    ) -> kafkaio.SeedReport:
        """Publish the corpus to the raw topic (``rate`` per second when given)."""
        return await kafkaio.seed(
            self.infra.bootstrap, self.topics["raw"], corpus.messages(), rate=rate, chunk=chunk
        )

    async def group_state(self, service: str) -> kafkaio.GroupState:
        assert self.watcher is not None
        group, topics = self.groups[service]
        return await self.watcher.group(group, topics)

    async def lags(self) -> dict[str, int] | None:
        """Lag per consuming service, or None while the broker does not answer."""
        try:
            return {s: (await self.group_state(s)).lag for s in self.groups}
        except Exception:
            return None

    def services(self) -> list[ServiceProcess]:
        """Every service process of the rig, started or not (fetcher first)."""
        return [self.fetcher, *self.parser_procs, self.sink]

    async def supervise(self) -> None:
        """The orchestrator's job: restart a service that exited or fails liveness."""
        for svc in self.services():
            if svc.proc is None or id(svc) in self.stopped:
                continue  # not started, or stopped on purpose by the scenario
            if not svc.alive():
                self.unexpected_exits.append(f"{svc.service}: exit {svc.proc.returncode}")
                self.restarts[svc.service] = self.restarts.get(svc.service, 0) + 1
                svc.start()
            elif await asyncio.to_thread(svc.status, "/healthz") == 503:
                self.restarts[svc.service] = self.restarts.get(svc.service, 0) + 1
                await asyncio.to_thread(svc.kill)
                svc.start()

    async def wait_idle(
        self,
        expected_raw: int,
        within: float = 600.0,
        supervise: bool = True,
        on_poll: Callable[[], Awaitable[None]] | None = None,
    ) -> float:
        """Until every group has committed everything (and the raw topic holds the seed).

        The same state on two polls a second apart counts as idle. Returns seconds.
        """
        began = time.monotonic()
        previous: tuple[int, ...] | None = None
        while time.monotonic() - began < within:
            if supervise:
                await self.supervise()
            if on_poll is not None:
                await on_poll()
            states = await self._states()
            if states is not None:
                raw_end = states[0].end
                idle = raw_end >= expected_raw and all(s.lag == 0 for s in states)
                key = tuple(x for s in states for x in (s.committed, s.end))
                if idle and key == previous:
                    return time.monotonic() - began
                previous = key if idle else None
            await asyncio.sleep(1.0)
        raise TimeoutError(f"{self.scenario}: not idle after {within:.0f}s; {await self.lags()}")

    async def _states(self) -> list[kafkaio.GroupState] | None:
        try:
            return [await self.group_state(s) for s in ("parser", "sink")]
        except Exception:
            return None

    async def progress_after(
        self, service: str, since: float, within: float = 300.0, supervise: bool = True
    ) -> float:
        """Seconds from ``since`` until ``service``'s group commits progress again.

        Progress: the group's committed offsets move forward, or it has nothing left.
        """
        start: int | None = None
        while time.monotonic() - since < within:
            if supervise:
                await self.supervise()
            try:
                state = await self.group_state(service)
            except Exception:
                state = None
            if state is not None:
                if start is None:
                    start = state.committed
                if state.committed > start or state.lag == 0:
                    return time.monotonic() - since
            await asyncio.sleep(0.2)
        raise TimeoutError(f"{service}: no progress {within:.0f}s after the fault")

    async def audit(self, corpus: Corpus, poison_events: int = 0) -> Audit:
        return await audit(self, corpus, poison_events)

    def metric(self, svc: ServiceProcess, name: str) -> float:
        return svc.metrics().get(name, 0.0)

    async def row_writes(self) -> int:
        """Rows the sink has written so far (committed transactions only)."""
        conn = await asyncpg.connect(plain_dsn(self.dsn), timeout=5)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM chaos_row_writes"))
        finally:
            await conn.close()

    async def stored_after(self, since: float, baseline: int, within: float = 300.0) -> float:
        """Seconds from ``since`` until the sink has written more than ``baseline`` rows."""
        while time.monotonic() - since < within:
            try:
                now = await self.row_writes()
            except (OSError, asyncpg.PostgresError):
                now = None
            if now is not None and now > baseline:
                return time.monotonic() - since
            await asyncio.sleep(0.1)
        raise TimeoutError(f"the sink stored nothing {within:.0f}s after the fault")
