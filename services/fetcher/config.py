"""Fetcher settings (``REGWIRE_FETCHER_*`` plus the shared ``REGWIRE_*``).

Lists are JSON in the environment, e.g.
``REGWIRE_FETCHER_ALLOW_NETWORKS='["127.0.0.1/32"]'``.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from services.common.config import ServiceSettings

MiB = 1024 * 1024


class FetcherSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGWIRE_FETCHER_", extra="ignore")

    port: int = Field(default=9101, ge=0, le=65535, description="HTTP port for metrics/health")
    sources_file: Path = Path("sources.yaml")
    state_dsn: str = Field(
        default="sqlite+aiosqlite:///var/fetcher-state.db",
        description="crawl-state store: sqlite+aiosqlite:///PATH or postgresql+asyncpg://...",
    )

    user_agent: str = "regwire-fetcher/0.1"
    contact_url: str = "https://github.com/regwire/regwire"

    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    read_timeout_seconds: float = Field(default=20.0, gt=0)
    total_timeout_seconds: float = Field(default=60.0, gt=0, description="whole exchange")
    max_body_bytes: int = Field(default=5 * MiB, ge=1024, description="decoded size cap")
    max_redirects: int = Field(default=5, ge=0, le=20)

    max_in_flight: int = Field(default=64, ge=1, description="requests in flight, all hosts")
    per_host_in_flight: int = Field(default=2, ge=1)
    per_host_rate: float = Field(default=1.0, ge=0, description="requests/s per host; 0 = no pace")
    article_concurrency: int = Field(default=32, ge=1, description="article pages per poll")

    max_retries: int = Field(default=3, ge=0)
    backoff_base_seconds: float = Field(default=0.5, gt=0)
    backoff_max_seconds: float = Field(default=30.0, gt=0)
    max_retry_after_seconds: float = Field(
        default=120.0, ge=0, description="longer Retry-After: give up now, cool the host down"
    )

    respect_robots: bool = True
    robots_ttl_seconds: float = Field(default=86400.0, gt=0)
    robots_error_ttl_seconds: float = Field(default=600.0, gt=0)

    allow_networks: list[str] = Field(
        default_factory=list,
        description="networks exempt from the SSRF guard (e.g. 127.0.0.1/32 for tests)",
    )

    default_poll_interval_seconds: float = Field(default=900.0, gt=0)
    poll_jitter: float = Field(default=0.1, ge=0, lt=1, description="fraction of the interval")
    claim_lease_seconds: float = Field(default=600.0, gt=0)
    retry_failed_after_seconds: float = Field(default=900.0, ge=0)
    shard_index: int = Field(default=0, ge=0)
    shard_count: int = Field(default=1, ge=1)

    @field_validator("allow_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for net in value:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError as exc:
                raise ValueError(f"REGWIRE_FETCHER_ALLOW_NETWORKS: {exc}") from None
        return value

    @model_validator(mode="after")
    def _shard(self) -> Self:
        if self.shard_index >= self.shard_count:
            raise ValueError(
                "REGWIRE_FETCHER_SHARD_INDEX must be below REGWIRE_FETCHER_SHARD_COUNT"
            )
        return self

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} (+{self.contact_url})"

    @property
    def robots_token(self) -> str:
        """The product token robots.txt groups are matched against (``regwire-fetcher``)."""
        return self.user_agent.split("/", 1)[0].strip()
