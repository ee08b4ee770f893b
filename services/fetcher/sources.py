"""``sources.yaml``: what to poll, validated at start-up with errors that name the entry.

```yaml
sources:
  - id: sec-press            # unique, [a-z0-9._-]
    kind: feed               # feed | sitemap | listing
    url: https://www.sec.gov/news/pressreleases.rss
    outlet: U.S. SEC
    interval_seconds: 900    # optional (default from settings)
    link_pattern: /news/     # listing only: a regex the article URLs match
    fetch_pages: true        # feed only: false publishes the feed's own content
    max_items: 200           # per poll
    enabled: true
```
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.common.errors import ConfigError
from services.fetcher.urls import canonicalize

SourceKindName = Literal["feed", "sitemap", "listing"]


class SourceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,99}$")
    kind: SourceKindName
    url: str
    outlet: str | None = None
    interval_seconds: float | None = Field(default=None, gt=0)
    link_pattern: str | None = None
    fetch_pages: bool = True
    max_items: int = Field(default=200, ge=1, le=50_000)
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            canonicalize(value)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        return value.strip()

    @model_validator(mode="after")
    def _pattern(self) -> Self:
        if self.kind == "listing" and not self.link_pattern:
            raise ValueError("a listing source needs link_pattern")
        if self.link_pattern:
            try:
                re.compile(self.link_pattern)
            except re.error as exc:
                raise ValueError(f"link_pattern is not a valid regex: {exc}") from None
        return self

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.link_pattern or ".")


def parse_sources(document: object, origin: str = "sources.yaml") -> list[SourceConfig]:
    """Validate a loaded YAML document; ``ConfigError`` names the first bad entry."""
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise ConfigError(f"{origin}: expected a mapping with a 'sources' list")
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(document["sources"], start=1):
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"{origin}: entry #{index}" + (f" (id {name!r})" if name else "")
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected a mapping")
        try:
            source = SourceConfig.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"{where}: {problems}") from None
        if source.id in seen:
            raise ConfigError(f"{where}: duplicate id {source.id!r}")
        seen.add(source.id)
        sources.append(source)
    return sources


def load_sources(path: Path) -> list[SourceConfig]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    return parse_sources(document, str(path))
