"""Session fixtures for real infrastructure: a Kafka broker and a PostgreSQL server.

Both are started once per test session from ``deploy/local`` (the same launchers
``make run`` and the benchmarks use), unless the environment names existing ones:
``KAFKA_BOOTSTRAP_SERVERS`` and ``REGWIRE_TEST_POSTGRES_DSN``.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from local_kafka import LocalKafka, external_bootstrap
from local_postgres import LocalPostgres
from sqlalchemy.engine import make_url

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    existing = external_bootstrap()
    if existing:
        yield existing
        return
    data_dir = Path(tempfile.mkdtemp(prefix="regwire-kafka-"))
    broker = LocalKafka(data_dir)
    broker.start()
    try:
        yield broker.bootstrap_servers
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[LocalPostgres | None]:
    """The local server object (None when an external DSN is configured)."""
    if os.environ.get("REGWIRE_TEST_POSTGRES_DSN"):
        yield None
        return
    pg = LocalPostgres(fsync=False)
    pg.start()
    try:
        yield pg
    finally:
        pg.cleanup()


@pytest.fixture(scope="session")
def postgres_dsn(postgres_server: LocalPostgres | None) -> str:
    """An SQLAlchemy async DSN (``postgresql+asyncpg://...``)."""
    return os.environ.get("REGWIRE_TEST_POSTGRES_DSN") or (
        postgres_server.dsn if postgres_server else ""
    )


def asyncpg_dsn(dsn: str) -> str:
    """asyncpg's own DSN form of an SQLAlchemy URL."""
    return make_url(dsn).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(dsn))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def fresh_postgres_dsn(postgres_dsn: str) -> Iterator[str]:
    """A new, empty database on the session's PostgreSQL server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(postgres_dsn, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_dsn).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(postgres_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Unique topic / group / schema names, so tests never see each other's data."""

    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"

    return make


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
