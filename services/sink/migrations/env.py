"""Alembic environment for the sink's store (PostgreSQL and SQLite alike).

Normally driven by ``services.sink.migrate`` (``regwire migrate`` and sink start-up),
which hands over an open connection in ``config.attributes["connection"]``. Run by
the ``alembic`` command instead (e.g. ``alembic -c services/sink/migrations/alembic.ini
revision -m "..."``), it connects to ``REGWIRE_SINK_DSN`` through ``SinkSettings``.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from services.sink.tables import metadata

config = context.config


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _dsn() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from services.sink.config import SinkSettings

    return SinkSettings().dsn


async def _run_with_own_engine() -> None:
    engine = create_async_engine(_dsn())
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_configure)
    finally:
        await engine.dispose()


def run() -> None:
    if context.is_offline_mode():
        context.configure(url=_dsn(), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
    else:
        asyncio.run(_run_with_own_engine())


run()
