"""Sink settings (``REGWIRE_SINK_*`` plus the shared ``REGWIRE_*``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.config import ServiceSettings

DEFAULT_DSN = "sqlite+aiosqlite:///var/regwire.db"


class SinkSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGWIRE_SINK_", extra="ignore")

    port: int = Field(default=9103, ge=0, le=65535, description="HTTP port: metrics, health, API")
    dsn: str = Field(
        default=DEFAULT_DSN,
        description="postgresql+asyncpg://user@host/db or sqlite+aiosqlite:///path/to.db",
        pattern=r"^(postgresql\+asyncpg|sqlite\+aiosqlite)://",
    )
    group_id: str = "regwire-sink"
    batch_max_size: int = Field(default=1000, ge=1, description="messages per database commit")
    batch_max_wait_seconds: float = Field(
        default=0.2, ge=0, description="how long a started batch waits to fill up"
    )
    retry_max_backoff_seconds: float = Field(
        default=30.0, gt=0, description="longest wait between attempts at a failed batch"
    )
    migrate_on_start: bool = Field(default=True, description="run the Alembic migrations first")
    api: bool = Field(default=True, description="serve GET /events on the HTTP port")
    store_articles: bool = Field(default=True, description="consume news.articles.v1 as well")
    db_timeout_seconds: float = Field(
        default=10.0, gt=0, description="connect / statement timeout towards the database"
    )
