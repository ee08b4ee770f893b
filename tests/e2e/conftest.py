"""Fixtures for tests that run the services as separate processes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.e2e.site import Site


async def _admin(dsn: str, sql: str) -> None:
    plain = make_url(dsn).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(plain)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def store_dsn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """``sqlite`` or ``postgresql`` (indirect param): a DSN naming an empty store."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'regwire.db'}"
        return
    base: str = request.getfixturevalue("postgres_dsn")
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@pytest.fixture
def pipeline_name() -> Callable[[], str]:
    return lambda: f"e2e{uuid.uuid4().hex[:8]}"
