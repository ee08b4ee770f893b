"""Fixtures for the fetcher's integration tests: a local server and a guarded fetcher."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import pytest
from prometheus_client import CollectorRegistry

from services.common.metrics import Metrics
from services.fetcher.config import FetcherSettings
from services.fetcher.http import Fetcher
from tests.integration.fetcher.server import LocalServer


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """The real network backend, plus a list of every address it was asked to connect to."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        assert host == "127.0.0.1", f"a test tried to connect to {host}"
        return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


async def loopback_only_resolver(host: str, port: int) -> list[str]:
    """Tests resolve nothing but localhost: no DNS query ever leaves the machine."""
    if host in ("localhost", "127.0.0.1"):
        return ["127.0.0.1"]
    raise OSError(f"tests do not resolve {host}")


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def fetcher_settings() -> FetcherSettings:
    return FetcherSettings(
        allow_networks=["127.0.0.1/32"],
        per_host_rate=0,
        per_host_in_flight=8,
        connect_timeout_seconds=2,
        read_timeout_seconds=1.0,
        total_timeout_seconds=2.0,
        max_body_bytes=1024 * 1024,
        max_retries=2,
        backoff_base_seconds=0.05,
        backoff_max_seconds=0.2,
        max_retry_after_seconds=5,
        robots_error_ttl_seconds=60,
    )


@pytest.fixture
def metrics() -> Metrics:
    return Metrics(CollectorRegistry(), "fetcher-test")


@pytest.fixture
def backend() -> RecordingBackend:
    return RecordingBackend()


@pytest.fixture
async def fetcher(
    fetcher_settings: FetcherSettings, metrics: Metrics, backend: RecordingBackend
) -> AsyncIterator[Fetcher]:
    async with Fetcher.from_settings(
        fetcher_settings, metrics, resolver=loopback_only_resolver, inner_backend=backend
    ) as f:
        yield f


def sample(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0
