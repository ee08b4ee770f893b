"""The store: one object over PostgreSQL or SQLite, chosen by the DSN.

    async with Store("sqlite+aiosqlite:///var/regwire.db") as store:
        await store.migrate()
        await store.write(rows)                      # one transaction
        page = await store.query(EventFilter.build(jurisdiction=["HK"]), limit=50)

Every database failure while writing becomes ``StorageUnavailable`` (retriable): the
caller retries the same batch and never dead-letters because of the database.
"""

from __future__ import annotations

from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.errors import StorageUnavailable
from services.sink import migrate as migrations
from services.sink.engine import backend_of, create_engines
from services.sink.filters import EventFilter
from services.sink.merge import BatchRows
from services.sink.reader import get_event, query_events
from services.sink.views import EventDetail, EventPage
from services.sink.writer import Upserts

DB_ERRORS = (SQLAlchemyError, OSError, TimeoutError)


class Store:
    def __init__(self, dsn: str, *, timeout: float = 10.0) -> None:
        self.dsn = dsn
        self.backend = backend_of(dsn)
        self._timeout = timeout
        self._upserts = Upserts.for_dialect(self.backend)
        self._engines: tuple[AsyncEngine, AsyncEngine] | None = None
        self._write_error: str | None = None

    async def start(self) -> None:
        if self._engines is None:
            self._engines = create_engines(self.dsn, self._timeout)

    async def stop(self) -> None:
        engines, self._engines = self._engines, None
        if engines is not None:
            writer, reader = engines
            await writer.dispose()
            if reader is not writer:
                await reader.dispose()

    async def __aenter__(self) -> Store:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def writer(self) -> AsyncEngine:
        if self._engines is None:
            raise RuntimeError("Store.start() was not called")
        return self._engines[0]

    @property
    def reader(self) -> AsyncEngine:
        if self._engines is None:
            raise RuntimeError("Store.start() was not called")
        return self._engines[1]

    async def migrate(self, revision: str = "head") -> tuple[str | None, str | None]:
        return await migrations.upgrade(self.writer, revision)

    async def revision(self) -> str | None:
        return await migrations.current_revision(self.reader)

    async def write(self, rows: BatchRows) -> None:
        """Upsert a merged batch in one transaction; returns after the commit."""
        try:
            async with self.writer.begin() as conn:
                await self._upserts.write(conn, rows)
        except DB_ERRORS as exc:
            self._write_error = f"{type(exc).__name__}: {exc}"[:300]
            raise StorageUnavailable(f"batch not stored: {self._write_error}") from exc
        self._write_error = None

    async def ping(self) -> None:
        """Readiness: a real round trip, and the last write did not fail."""
        async with self.reader.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
        if self._write_error is not None:
            raise StorageUnavailable(f"last write failed: {self._write_error}")

    async def query(
        self, flt: EventFilter, limit: int | None = None, cursor: str | None = None
    ) -> EventPage:
        async with self.reader.begin() as conn:
            return await query_events(conn, flt, limit, cursor)

    async def get(self, event_id: str) -> EventDetail | None:
        async with self.reader.begin() as conn:
            return await get_event(conn, event_id)
