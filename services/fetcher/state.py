"""The crawl state: which article URLs are done, who is working on which, and validators.

One table row per canonical article URL. ``claim`` is atomic (an insert that
ignores conflicts, or an update guarded by the lease), so two replicas never both
fetch and publish the same article; a crashed replica's lease simply expires. A URL
is only marked done after its message is acknowledged by Kafka, so a crash in
between republishes it (at-least-once, absorbed downstream by the deterministic id).

The store is chosen by DSN: ``sqlite+aiosqlite:///var/fetcher-state.db`` (default)
or ``postgresql+asyncpg://...`` in production. SQLAlchemy Core, no ORM.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from services.common.errors import StorageUnavailable

metadata = MetaData()

articles = Table(
    "fetcher_articles",
    metadata,
    Column("url_key", String(64), primary_key=True),
    Column("url", Text, nullable=False),
    Column("source_id", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("owner", String(100)),
    Column("lease_until", Float, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("article_id", String(64)),
    Column("reason", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

resources = Table(
    "fetcher_resources",
    metadata,
    Column("url_key", String(64), primary_key=True),
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("lastmod", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


class Status(StrEnum):
    CLAIMED = "claimed"  # someone is fetching it (until lease_until)
    RETRY = "retry"  # failed transiently; claimable again after lease_until
    PUBLISHED = "published"
    OVERSIZE = "oversize"  # too large for the topic even compressed: recorded, not sent
    REJECTED = "rejected"  # final fetch failure (404, robots, size cap, SSRF...)
    ALIAS = "alias"  # its canonical URL is another row


_CHUNK = 500  # rows per statement (SQLite's bound-parameter limit is 32766)
DONE = frozenset({Status.PUBLISHED, Status.OVERSIZE, Status.REJECTED, Status.ALIAS})


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredValidators:
    etag: str | None
    last_modified: str | None
    lastmod: str | None


class CrawlState:
    def __init__(self, engine: AsyncEngine, clock: Any = time.time) -> None:
        self._engine = engine
        self._clock = clock
        dialect = engine.dialect.name
        self._insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert

    @classmethod
    @asynccontextmanager
    async def open(cls, dsn: str) -> AsyncIterator[CrawlState]:
        """Connect, create the tables if needed, and dispose of the engine at the end."""
        engine = _engine(dsn)
        try:
            async with _errors(), engine.begin() as conn:
                await conn.run_sync(metadata.create_all, checkfirst=True)
        except (StorageUnavailable, IntegrityError, DBAPIError):
            # Another replica created the tables at the same moment: check again.
            async with _errors(), engine.begin() as conn:
                await conn.run_sync(metadata.create_all, checkfirst=True)
        try:
            yield cls(engine)
        finally:
            await engine.dispose()

    async def ping(self) -> None:
        async with _errors(), self._engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def done(self, urls: Iterable[str]) -> set[str]:
        """The URLs among ``urls`` that need no more work."""
        keys = {url_key(u): u for u in urls}
        found: set[str] = set()
        async with _errors(), self._engine.connect() as conn:
            batch = list(keys)
            for start in range(0, len(batch), _CHUNK):
                rows = await conn.execute(
                    select(articles.c.url_key).where(
                        articles.c.url_key.in_(batch[start : start + _CHUNK]),
                        articles.c.status.in_([s.value for s in DONE]),
                    )
                )
                found.update(keys[row.url_key] for row in rows)
        return found

    async def claim(self, url: str, source_id: str, owner: str, lease_seconds: float) -> bool:
        """Take the URL for ``lease_seconds``; False when it is done or someone holds it."""
        return url in await self.claim_many([url], source_id, owner, lease_seconds)

    async def claim_many(
        self, urls: Sequence[str], source_id: str, owner: str, lease_seconds: float
    ) -> set[str]:
        """Atomically take every URL nobody holds; returns the ones taken.

        New URLs are inserted (conflicts ignored); known ones are taken over only when
        they wait for a retry or their holder's lease has expired. Each statement is
        atomic, so of two replicas racing for a URL exactly one gets it.
        """
        by_key = {url_key(u): u for u in urls}
        now = self._clock()
        taken: set[str] = set()
        async with _errors(), self._engine.begin() as conn:
            keys = list(by_key)
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                rows = [
                    {
                        "url_key": key,
                        "url": by_key[key],
                        "source_id": source_id,
                        "status": Status.CLAIMED.value,
                        "owner": owner,
                        "lease_until": now + lease_seconds,
                        "attempts": 1,
                        "updated_at": _now(),
                    }
                    for key in chunk
                ]
                inserted = await conn.execute(
                    self._insert(articles)
                    .values(rows)
                    .on_conflict_do_nothing(index_elements=["url_key"])
                    .returning(articles.c.url_key)
                )
                fresh = {row.url_key for row in inserted}
                rest = [k for k in chunk if k not in fresh]
                taken |= fresh
                if not rest:
                    continue
                resumed = await conn.execute(
                    update(articles)
                    .where(
                        articles.c.url_key.in_(rest),
                        articles.c.status.in_([Status.CLAIMED.value, Status.RETRY.value]),
                        articles.c.lease_until < now,
                    )
                    .values(
                        status=Status.CLAIMED.value,
                        owner=owner,
                        lease_until=now + lease_seconds,
                        attempts=articles.c.attempts + 1,
                        updated_at=_now(),
                    )
                    .returning(articles.c.url_key)
                )
                taken |= {row.url_key for row in resumed}
        return {by_key[k] for k in taken}

    async def finish(
        self,
        urls: Sequence[str],
        status: Status,
        *,
        article_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Record a final outcome for URLs (a row is created for one not seen before)."""
        await self.finish_many(((u, status, article_id) for u in urls), reason)

    async def finish_many(
        self, outcomes: Iterable[tuple[str, Status, str | None]], reason: str | None = None
    ) -> None:
        """Record final outcomes ``(url, status, article_id)`` in one transaction."""
        rows = [
            {
                "url_key": url_key(url),
                "url": url,
                "source_id": "",
                "lease_until": 0.0,
                "attempts": 1,
                "status": status.value,
                "article_id": article_id,
                "reason": (reason or "")[:1000] or None,
                "updated_at": _now(),
            }
            for url, status, article_id in outcomes
        ]
        if not rows:
            return
        statement = self._insert(articles)
        statement = statement.on_conflict_do_update(
            index_elements=["url_key"],
            set_={
                name: statement.excluded[name]
                for name in ("status", "article_id", "reason", "updated_at")
            },
        )
        async with _errors(), self._engine.begin() as conn:
            await conn.execute(statement, rows)

    async def release(self, url: str, owner: str, retry_after: float, reason: str) -> None:
        """A transient failure: let anyone claim the URL again after ``retry_after``."""
        await self.release_many([url], owner, retry_after, reason)

    async def release_many(
        self, urls: Sequence[str], owner: str, retry_after: float, reason: str
    ) -> None:
        if not urls:
            return
        keys = [url_key(u) for u in urls]
        async with _errors(), self._engine.begin() as conn:
            for start in range(0, len(keys), _CHUNK):
                await conn.execute(
                    update(articles)
                    .where(articles.c.url_key.in_(keys[start : start + _CHUNK]))
                    .where(articles.c.owner == owner)
                    .values(
                        status=Status.RETRY.value,
                        lease_until=self._clock() + retry_after,
                        reason=reason[:1000],
                        updated_at=_now(),
                    )
                )

    async def status(self, url: str) -> Status | None:
        async with _errors(), self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(articles.c.status).where(articles.c.url_key == url_key(url))
                )
            ).first()
        return Status(row.status) if row is not None else None

    async def validators(self, url: str) -> StoredValidators | None:
        async with _errors(), self._engine.connect() as conn:
            row = (
                await conn.execute(select(resources).where(resources.c.url_key == url_key(url)))
            ).first()
        if row is None:
            return None
        return StoredValidators(row.etag, row.last_modified, row.lastmod)

    async def save_validators(self, url: str, stored: StoredValidators) -> None:
        values = {
            "etag": stored.etag,
            "last_modified": stored.last_modified,
            "lastmod": stored.lastmod,
            "updated_at": _now(),
        }
        async with _errors(), self._engine.begin() as conn:
            await conn.execute(
                self._insert(resources)
                .values(url_key=url_key(url), url=url, **values)
                .on_conflict_do_update(index_elements=["url_key"], set_=values)
            )


def _now() -> datetime:
    return datetime.now(UTC)


def _engine(dsn: str) -> AsyncEngine:
    url = make_url(dsn)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@asynccontextmanager
async def _errors() -> AsyncIterator[None]:
    """Database outages are transient for the fetcher: the poll is retried later."""
    try:
        yield
    except (OperationalError, OSError, ConnectionError) as exc:
        raise StorageUnavailable(f"crawl state unavailable: {exc}"[:500]) from exc
