"""The broker and the database the Kafka, sink and end-to-end stages share.

``KAFKA_BOOTSTRAP_SERVERS`` names an existing cluster; otherwise one local broker is
started for the whole run. PostgreSQL is a local server (fsync on: durable, as in
production) with ``track_commit_timestamp`` on, so the end-to-end stage can read
when each row's transaction committed. Both are started only when a stage asks.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from pathlib import Path
from types import TracebackType

from local_kafka import KAFKA_VERSION, LocalKafka, external_bootstrap
from local_postgres import LocalPostgres


class Infra:
    def __init__(self, workdir: Path | None = None, bootstrap: str | None = None) -> None:
        self._owned = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="regwire-bench-"))
        self._kafka: LocalKafka | None = None
        self._external = bootstrap or external_bootstrap()
        self._bootstrap = self._external
        self._pg: LocalPostgres | None = None

    @property
    def kafka_version(self) -> str:
        return "external cluster" if self._external else KAFKA_VERSION

    @property
    def bootstrap(self) -> str:
        if self._bootstrap is None:
            self._kafka = LocalKafka(self.workdir / "kafka")
            self._kafka.start()
            self._bootstrap = self._kafka.bootstrap_servers
        return self._bootstrap

    @property
    def kafka_pid(self) -> int | None:
        return self._kafka.proc.pid if self._kafka and self._kafka.proc else None

    @property
    def postgres(self) -> LocalPostgres:
        if self._pg is None:
            pg = LocalPostgres(fsync=True)  # its own folder, one the server user can reach
            pg.start()
            pg.psql("ALTER SYSTEM SET track_commit_timestamp = on")
            pg.restart("fast")
            self._pg = pg
        return self._pg

    def fresh_database(self) -> str:
        """A DSN naming a new, empty PostgreSQL database."""
        name = f"bench_{uuid.uuid4().hex[:10]}"
        self.postgres.psql(f"CREATE DATABASE {name}", database="postgres")
        return self.postgres.dsn.rsplit("/", 1)[0] + "/" + name

    def close(self) -> None:
        if self._pg is not None:
            with contextlib.suppress(Exception):
                self._pg.cleanup()
        if self._kafka is not None:
            self._kafka.stop()
        if self._owned:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Infra:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
