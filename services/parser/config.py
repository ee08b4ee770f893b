"""Parser settings (``REGWIRE_PARSER_*`` plus the shared ``REGWIRE_*``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.config import ServiceSettings


class ParserSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGWIRE_PARSER_", extra="ignore")

    port: int = Field(default=9102, ge=0, le=65535, description="HTTP port for metrics/health")
    group_id: str = "regwire-parser"
    batch_size: int = Field(default=200, ge=1, description="raw articles per poll and commit")
