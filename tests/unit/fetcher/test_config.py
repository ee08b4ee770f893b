"""Fetcher settings from the environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.fetcher.config import FetcherSettings


def test_defaults() -> None:
    settings = FetcherSettings()
    assert settings.port == 9101
    assert settings.state_dsn == "sqlite+aiosqlite:///var/fetcher-state.db"
    assert settings.allow_networks == []
    assert settings.full_user_agent.startswith("regwire-fetcher/")
    assert "(+https://" in settings.full_user_agent
    assert settings.robots_token == "regwire-fetcher"


def test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWIRE_FETCHER_ALLOW_NETWORKS", '["127.0.0.1/32"]')
    monkeypatch.setenv("REGWIRE_FETCHER_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("REGWIRE_TOPIC_RAW", "custom.raw")
    settings = FetcherSettings()
    assert settings.allow_networks == ["127.0.0.1/32"]
    assert settings.max_body_bytes == 2048
    assert settings.topics.raw == "custom.raw"


def test_bad_networks_and_shards_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGWIRE_FETCHER_ALLOW_NETWORKS", '["not-a-net"]')
    with pytest.raises(ValidationError, match="ALLOW_NETWORKS"):
        FetcherSettings()
    monkeypatch.delenv("REGWIRE_FETCHER_ALLOW_NETWORKS")
    monkeypatch.setenv("REGWIRE_FETCHER_SHARD_INDEX", "2")
    with pytest.raises(ValidationError, match="SHARD_INDEX"):
        FetcherSettings()
