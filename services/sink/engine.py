"""Async engines for the two backends, chosen by the DSN's scheme.

PostgreSQL (``postgresql+asyncpg://user@host:5432/db``): one pooled engine for reads
and writes; ``pool_pre_ping`` replaces connections that a server restart broke, and
asyncpg's ``timeout`` / ``command_timeout`` bound the connect and every statement.

SQLite (``sqlite+aiosqlite:///path/to/regwire.db``) as a real embedded database,
set on every new connection by the ``connect`` hook:

* ``journal_mode=WAL``: readers (the API, ``regwire events``) never block the writer
  and the writer never blocks them.
* ``synchronous=FULL``: every commit is fsynced to the WAL before it returns, so a
  committed batch survives a power cut, not only a process crash. Offsets are
  committed only after that.
* One writer: the write engine has a pool of exactly one connection, and each
  transaction starts with ``BEGIN IMMEDIATE``, taking SQLite's write lock up front
  instead of failing halfway when another process (``regwire migrate``) holds it.
* ``busy_timeout``: wait this long for a lock instead of failing at once.
* ``foreign_keys=ON``: SQLite leaves them off by default.

SQLAlchemy, not the sqlite3 module, emits BEGIN (the documented recipe for aiosqlite,
``isolation_level = None`` plus a ``begin`` hook), so DDL in migrations is
transactional too. Read engines are separate, pooled and ``query_only``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


class DsnError(ValueError):
    """The DSN names neither backend."""


def backend_of(dsn: str) -> str:
    url = make_url(dsn)
    if url.drivername == "postgresql+asyncpg":
        return "postgresql"
    if url.drivername == "sqlite+aiosqlite":
        return "sqlite"
    raise DsnError(
        f"unsupported DSN scheme {url.drivername!r}: use postgresql+asyncpg://… "
        "or sqlite+aiosqlite:///path"
    )


def sqlite_path(dsn: str) -> Path | None:
    url = make_url(dsn)
    return Path(url.database) if url.database and url.database != ":memory:" else None


def create_engines(
    dsn: str, timeout: float, *, readers: int = 4
) -> tuple[AsyncEngine, AsyncEngine]:
    """(writer, reader); the same engine twice for PostgreSQL."""
    if backend_of(dsn) == "postgresql":
        engine = create_async_engine(
            dsn,
            pool_size=readers + 1,
            max_overflow=2,
            pool_pre_ping=True,
            pool_timeout=timeout,
            connect_args={
                "timeout": timeout,
                "command_timeout": timeout * 6,
                "server_settings": {"application_name": "regwire-sink"},
            },
        )
        return engine, engine
    url = make_url(dsn)
    path = sqlite_path(dsn)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    writer = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=timeout * 6)
    _sqlite_hooks(writer, busy_ms=int(timeout * 1000), begin="BEGIN IMMEDIATE", writer=True)
    reader = create_async_engine(url, pool_size=readers, max_overflow=0)
    _sqlite_hooks(reader, busy_ms=int(timeout * 1000), begin="BEGIN", writer=False)
    return writer, reader


def _sqlite_hooks(engine: AsyncEngine, *, busy_ms: int, begin: str, writer: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN, see below
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            if writer:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not writer:
                cursor.execute("PRAGMA query_only = ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin)
