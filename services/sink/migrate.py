"""Run the Alembic revisions in ``migrations/`` from code (``regwire migrate``, start-up).

    async with Store(dsn) as store:
        before, after = await store.migrate()

The whole upgrade runs in one transaction on the writer connection: SQLite takes
its write lock (``BEGIN IMMEDIATE``) and PostgreSQL a transaction-scoped advisory
lock, so two sinks starting together migrate one after the other.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same in every sink.
_PG_LOCK_ID = 0x7265_6777_6972_65


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply revisions up to ``revision``; returns the revision before and after."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
        before = await conn.run_sync(_current)
        await conn.run_sync(_upgrade, revision)
        after = await conn.run_sync(_current)
    return before, after


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)
