"""Fixtures for tests that run the services as separate processes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.site import Site


@pytest.fixture
def store_dsn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """``sqlite`` or ``postgresql`` (indirect param): a DSN naming an empty store."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'regwire.db'}"
        return
    yield request.getfixturevalue("fresh_postgres_dsn")


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
