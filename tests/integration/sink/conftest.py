"""Fixtures binding the sink's behaviour tests to both backends.

``dsn`` is parametrized: every test that takes it (or ``store``) runs once on a
fresh SQLite file and once on a fresh database of the session's real PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Protocol

import pytest
from local_postgres import LocalPostgres
from sqlalchemy.engine import make_url

from services.common.config import KafkaSettings, TopicSettings
from services.common.kafka import ensure_topics
from services.sink.store import Store

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def dsn(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A DSN naming an empty store: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"
        return
    yield request.getfixturevalue("fresh_postgres_dsn")


@pytest.fixture
async def store(dsn: str) -> AsyncIterator[Store]:
    async with Store(dsn, timeout=5.0) as s:
        await s.migrate()
        yield s


class Outage(Protocol):
    """Takes the database away from the sink and gives it back (blocking calls)."""

    def down(self) -> None: ...
    def up(self) -> None: ...


class SqliteLocked:
    """Another process-level writer holds SQLite's write lock: every write times out."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None

    def down(self) -> None:
        self._conn = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
        self._conn.isolation_level = None
        self._conn.execute("BEGIN EXCLUSIVE")

    def up(self) -> None:
        if self._conn is not None:
            self._conn.execute("ROLLBACK")
            self._conn.close()
            self._conn = None


class PostgresStopped:
    """The server is stopped hard (no checkpoint) and started again."""

    def __init__(self, server: LocalPostgres) -> None:
        self._server = server

    def down(self) -> None:
        self._server.stop(mode="immediate")

    def up(self) -> None:
        self._server.start()


@pytest.fixture
def outage(backend: str, dsn: str, request: pytest.FixtureRequest) -> Iterator[Outage]:
    if backend == "sqlite":
        path = Path(make_url(dsn).database or "")
        locked = SqliteLocked(path)
        yield locked
        locked.up()
        return
    server: LocalPostgres | None = request.getfixturevalue("postgres_server")
    if server is None:
        pytest.skip("PostgreSQL outage tests need the local server (REGWIRE_TEST_POSTGRES_DSN set)")
    stopped = PostgresStopped(server)
    yield stopped
    if server.proc is None:
        server.start()


@pytest.fixture
async def topics(kafka_bootstrap: str, unique_name: Callable[[str], str]) -> TopicSettings:
    """Fresh topics (3 partitions each) for one test."""
    names = TopicSettings(
        raw=unique_name("raw"), articles=unique_name("articles"), events=unique_name("events")
    )
    await ensure_topics(KafkaSettings(bootstrap_servers=kafka_bootstrap), names.all(), partitions=3)
    return names
