"""The guarded HTTP client against a real server on 127.0.0.1: every hostile case.

Each test asserts the behaviour and then that the same fetcher still works.
"""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
from collections.abc import AsyncIterator

import pytest

from services.common.metrics import Metrics
from services.fetcher.config import FetcherSettings
from services.fetcher.errors import (
    AddressRefused,
    BodyTooLarge,
    FetchTimeout,
    HostCoolingDown,
    HTTPStatusError,
    HTTPStatusTransient,
    RobotsDenied,
    RobotsUnavailable,
    TooManyRedirects,
)
from services.fetcher.http import Fetcher, Validators
from tests.integration.fetcher.conftest import RecordingBackend, loopback_only_resolver, sample
from tests.integration.fetcher.server import LocalServer, Request, respond

OK_BODY = b"<html><head><title>ok</title></head><body>fine</body></html>"


def serve_ok(server: LocalServer) -> None:
    server.static("/ok", OK_BODY)


async def still_works(fetcher: Fetcher, server: LocalServer) -> None:
    serve_ok(server)
    result = await fetcher.get(server.url("/ok"))
    assert result.body == OK_BODY


async def test_plain_page_with_user_agent(fetcher: Fetcher, server: LocalServer) -> None:
    serve_ok(server)
    result = await fetcher.get(server.url("/ok"))
    assert result.status == 200
    assert result.body == OK_BODY
    agent = next(r for r in server.requests if r.path == "/ok").headers["user-agent"]
    assert agent.startswith("regwire-fetcher/")
    assert "(+http" in agent


async def test_conditional_get_returns_304_without_body(
    fetcher: Fetcher, server: LocalServer
) -> None:
    async def handler(request: Request, writer: asyncio.StreamWriter) -> None:
        if request.headers.get("if-none-match") == '"v1"':
            await respond(writer, 304, headers={"ETag": '"v1"'})
        else:
            await respond(writer, 200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "x"})

    server.route("/cond", handler)
    first = await fetcher.get(server.url("/cond"))
    assert first.validators == Validators('"v1"', "x")
    second = await fetcher.get(server.url("/cond"), first.validators)
    assert second.not_modified
    assert second.body == b""
    await still_works(fetcher, server)


async def test_429_retry_after_is_honoured(
    fetcher: Fetcher, server: LocalServer, metrics: Metrics
) -> None:
    async def limited(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 429, b"slow down", {"Retry-After": "1"})

    async def fine(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, OK_BODY)

    server.sequence("/limited", limited, fine)
    started = time.monotonic()
    result = await fetcher.get(server.url("/limited"))
    assert result.body == OK_BODY
    assert time.monotonic() - started >= 0.9  # waited as asked
    assert server.hits["/limited"] == 2
    assert sample(metrics, "regwire_http_retries_total", host="127.0.0.1", reason="http_status")
    await still_works(fetcher, server)


async def test_retry_after_beyond_the_limit_gives_up_at_once(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.static("/busy", b"", status=503, headers={"Retry-After": "3600"})
    with pytest.raises(HTTPStatusTransient) as caught:
        await fetcher.get(server.url("/busy"))
    assert caught.value.retry_after == 3600
    assert server.hits["/busy"] == 1


async def test_500_then_success_is_retried(fetcher: Fetcher, server: LocalServer) -> None:
    async def broken(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 500, b"oops")

    async def fine(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, OK_BODY)

    server.sequence("/flaky", broken, fine)
    assert (await fetcher.get(server.url("/flaky"))).body == OK_BODY
    assert server.hits["/flaky"] == 2


async def test_404_is_final_and_not_retried(fetcher: Fetcher, server: LocalServer) -> None:
    with pytest.raises(HTTPStatusError):
        await fetcher.get(server.url("/missing"))
    assert server.hits["/missing"] == 1
    await still_works(fetcher, server)


@pytest.fixture
async def impatient(
    fetcher_settings: FetcherSettings, metrics: Metrics, backend: RecordingBackend
) -> AsyncIterator[Fetcher]:
    """A fetcher with a 1 s deadline and no retries (timeouts are retried otherwise)."""
    settings = fetcher_settings.model_copy(
        update={"total_timeout_seconds": 1.0, "read_timeout_seconds": 0.5, "max_retries": 0}
    )
    async with Fetcher.from_settings(
        settings, metrics, resolver=loopback_only_resolver, inner_backend=backend
    ) as f:
        yield f


async def test_slow_drip_is_cut_at_the_total_deadline(
    impatient: Fetcher, server: LocalServer
) -> None:
    async def drip(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(100000):
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.2)  # one byte well inside the read timeout each time

    server.route("/drip", drip)
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        await impatient.get(server.url("/drip"))
    assert 0.9 <= time.monotonic() - started < 1.5
    await still_works(impatient, server)


async def test_server_that_never_answers_times_out(impatient: Fetcher, server: LocalServer) -> None:
    async def silent(request: Request, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    server.route("/silent", silent)
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        await impatient.get(server.url("/silent"))
    assert time.monotonic() - started < 1.5
    await still_works(impatient, server)


async def test_timeouts_are_retried(fetcher: Fetcher, server: LocalServer) -> None:
    async def silent(request: Request, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    async def fine(request: Request, writer: asyncio.StreamWriter) -> None:
        await respond(writer, 200, OK_BODY)

    server.sequence("/once-silent", silent, fine)
    assert (await fetcher.get(server.url("/once-silent"))).body == OK_BODY


async def test_huge_body_is_aborted_at_the_cap(
    fetcher: Fetcher, server: LocalServer, metrics: Metrics
) -> None:
    async def huge(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n")
        chunk = b"y" * 65536
        for _ in range(16384):  # 1 GiB, never read to the end
            writer.write(chunk)
            await writer.drain()

    server.route("/huge", huge)
    with pytest.raises(BodyTooLarge):
        await fetcher.get(server.url("/huge"))
    assert sample(metrics, "regwire_size_cap_aborts_total", host="127.0.0.1") == 1
    await still_works(fetcher, server)


async def test_gzip_bomb_is_stopped_at_the_cap_with_flat_memory(
    fetcher: Fetcher, server: LocalServer
) -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), 9)  # ~64 KB that inflates to 64 MiB
    server.static("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLarge):
            await fetcher.get(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"peak {peak} bytes while inflating"
    await still_works(fetcher, server)


async def test_gzip_body_within_the_cap_is_inflated(fetcher: Fetcher, server: LocalServer) -> None:
    server.static("/gz", gzip.compress(OK_BODY), headers={"Content-Encoding": "gzip"})
    assert (await fetcher.get(server.url("/gz"))).body == OK_BODY


async def test_redirect_loop_is_refused(fetcher: Fetcher, server: LocalServer) -> None:
    server.static("/a", b"", status=302, headers={"Location": "/b"})
    server.static("/b", b"", status=302, headers={"Location": "/a"})
    with pytest.raises(TooManyRedirects):
        await fetcher.get(server.url("/a"))
    assert server.hits["/a"] == 1
    assert server.hits["/b"] == 1
    await still_works(fetcher, server)


async def test_redirect_chain_beyond_the_limit_is_refused(
    fetcher: Fetcher, server: LocalServer
) -> None:
    for n in range(10):
        server.static(f"/hop{n}", b"", status=301, headers={"Location": f"/hop{n + 1}"})
    with pytest.raises(TooManyRedirects):
        await fetcher.get(server.url("/hop0"))
    assert server.hits["/hop6"] == 0  # 5 redirects followed, the 6th refused
    serve_ok(server)
    server.static("/one", b"", status=302, headers={"Location": "/ok"})
    assert (await fetcher.get(server.url("/one"))).final_url == server.url("/ok")


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.255.255.1/",
        "http://[::ffff:10.255.255.1]/",
        "http://0xa9.0xfe.0xa9.0xfe/",
        "http://2852039166/",
        "file:///etc/passwd",
    ],
)
async def test_redirect_to_a_refused_address_never_connects(
    fetcher: Fetcher,
    server: LocalServer,
    backend: RecordingBackend,
    metrics: Metrics,
    target: str,
) -> None:
    server.static("/jump", b"", status=302, headers={"Location": target})
    with pytest.raises(AddressRefused):
        await fetcher.get(server.url("/jump"))
    assert {host for host, _ in backend.connects} == {"127.0.0.1"}
    assert (
        sum(
            s.value
            for m in metrics.registry.collect()
            if m.name == "regwire_ssrf_refused"
            for s in m.samples
            if s.name.endswith("_total")
        )
        == 1
    )
    await still_works(fetcher, server)


async def test_robots_disallow_and_crawl_delay(fetcher: Fetcher, server: LocalServer) -> None:
    robots = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n"
    server.static("/robots.txt", robots, "text/plain")
    server.static("/private/page", OK_BODY)
    with pytest.raises(RobotsDenied):
        await fetcher.get(server.url("/private/page"))
    assert server.hits["/private/page"] == 0
    serve_ok(server)
    started = time.monotonic()
    await fetcher.get(server.url("/ok"))
    await fetcher.get(server.url("/ok"))
    assert time.monotonic() - started >= 0.45  # Crawl-delay between the two
    assert server.hits["/robots.txt"] == 1  # cached


async def test_robots_5xx_disallows_for_now(fetcher: Fetcher, server: LocalServer) -> None:
    server.static("/robots.txt", b"down", "text/plain", status=500)
    serve_ok(server)
    with pytest.raises(RobotsUnavailable):  # transient: the URL is tried again later
        await fetcher.get(server.url("/ok"))
    assert server.hits["/ok"] == 0
    assert server.hits["/robots.txt"] == 1


async def test_robots_4xx_allows(fetcher: Fetcher, server: LocalServer) -> None:
    server.static("/robots.txt", b"nope", "text/plain", status=403)
    serve_ok(server)
    assert (await fetcher.get(server.url("/ok"))).body == OK_BODY


async def test_robots_group_for_our_agent(fetcher: Fetcher, server: LocalServer) -> None:
    robots = b"User-agent: regwire-fetcher\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    server.static("/robots.txt", robots, "text/plain")
    serve_ok(server)
    with pytest.raises(RobotsDenied):
        await fetcher.get(server.url("/ok"))


async def test_a_long_retry_after_pauses_the_host_without_blocking(
    fetcher: Fetcher, server: LocalServer
) -> None:
    server.static("/busy", b"", status=429, headers={"Retry-After": "3600"})
    serve_ok(server)
    with pytest.raises(HTTPStatusTransient):
        await fetcher.get(server.url("/busy"))
    started = time.monotonic()
    with pytest.raises(HostCoolingDown):
        await fetcher.get(server.url("/ok"))  # same host: refused at once, not queued
    assert time.monotonic() - started < 0.5
    assert server.hits["/ok"] == 0


async def test_a_name_resolving_to_a_refused_address_is_refused_before_connecting(
    fetcher_settings: FetcherSettings, server: LocalServer, metrics: Metrics
) -> None:
    async def rebinding_dns(host: str, port: int) -> list[str]:
        return {"127.0.0.1": ["127.0.0.1"], "intranet.test": ["10.255.255.1"]}[host]

    backend = RecordingBackend()
    server.static("/jump", b"", status=302, headers={"Location": "http://intranet.test/admin"})
    async with Fetcher.from_settings(
        fetcher_settings, metrics, resolver=rebinding_dns, inner_backend=backend
    ) as fetcher:
        with pytest.raises(AddressRefused) as caught:
            await fetcher.get(server.url("/jump"))
        assert caught.value.why == "private"
        assert {host for host, _ in backend.connects} == {"127.0.0.1"}
        assert sample(metrics, "regwire_ssrf_refused_total", reason="private") == 1
        await still_works(fetcher, server)
