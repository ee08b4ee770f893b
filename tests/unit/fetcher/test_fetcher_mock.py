"""``Fetcher`` on httpx.MockTransport: URL checks, redirects, retries, without a network."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator, Callable

import httpcore
import httpx
import pytest
from prometheus_client import CollectorRegistry

from services.common.metrics import Metrics
from services.fetcher.addresses import AddressPolicy
from services.fetcher.body import ACCEPT_ENCODING
from services.fetcher.errors import AddressRefused, HTTPStatusError, TooManyRedirects
from services.fetcher.http import Fetcher, FetchPolicy
from services.fetcher.ratelimit import RateLimiter
from services.fetcher.transport import GuardedBackend

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def seen() -> list[str]:
    return []


def make(handler: Handler, seen: list[str], robots: bool = False) -> Fetcher:
    def recording(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return handler(request)

    client = httpx.AsyncClient(
        transport=httpx.MockTransport(recording), headers={"Accept-Encoding": ACCEPT_ENCODING}
    )
    return Fetcher(
        client,
        policy=FetchPolicy(max_retries=2, backoff_base=0.001, backoff_max=0.002),
        addresses=AddressPolicy(),
        limiter=RateLimiter(10, 10, 0),
        metrics=Metrics(CollectorRegistry(), "test"),
        robots_agent="regwire-fetcher" if robots else None,
    )


def streamed(
    status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> httpx.Response:
    """A response whose body arrives as a stream, as it does from a real server."""
    return httpx.Response(status, content=aiter([body]), headers=headers)


def ok(request: httpx.Request) -> httpx.Response:
    return streamed(200, b"<p>ok</p>", {"Content-Type": "text/html"})


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "ftp://example.com/",
        "file:///etc/passwd",
        "http:///nohost",
    ],
)
async def test_refused_urls_never_reach_the_transport(url: str, seen: list[str]) -> None:
    fetcher = make(ok, seen)
    with pytest.raises(AddressRefused):
        await fetcher.get(url)
    assert seen == []


async def test_redirect_targets_are_checked_before_following(seen: list[str]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://10.0.0.1/admin"})

    with pytest.raises(AddressRefused):
        await make(handler, seen).get("https://public.example/a")
    assert seen == ["https://public.example/a"]


async def test_relative_redirects_and_final_url(seen: list[str]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/a":
            return httpx.Response(301, headers={"Location": "/b?x=1"})
        return ok(request)

    result = await make(handler, seen).get("https://public.example/a")
    assert result.url == "https://public.example/a"
    assert result.final_url == "https://public.example/b?x=1"


async def test_redirect_limit(seen: list[str]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{n + 1}"})

    with pytest.raises(TooManyRedirects):
        await make(handler, seen).get("https://public.example/0")
    assert len(seen) == 6  # the first request and five redirects


async def test_transient_statuses_retry_and_final_ones_do_not(seen: list[str]) -> None:
    statuses = iter([502, 503, 200])

    def flaky(request: httpx.Request) -> httpx.Response:
        return streamed(next(statuses), b"x")

    assert (await make(flaky, seen).get("https://public.example/")).status == 200
    assert len(seen) == 3
    seen.clear()
    with pytest.raises(HTTPStatusError):
        await make(lambda r: httpx.Response(410), seen).get("https://public.example/")
    assert len(seen) == 1


async def test_content_encoding_is_decoded_by_the_fetcher(seen: list[str]) -> None:
    body = gzip.compress(b"<p>zipped</p>")

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        return streamed(200, body, {"Content-Encoding": "gzip"})

    fetcher = make(handler, seen)
    assert (await fetcher.get("https://public.example/")).body == b"<p>zipped</p>"


async def test_robots_are_fetched_through_the_same_guards(seen: list[str]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return streamed(200, b"User-agent: *\nDisallow: /x\n")
        return ok(request)

    fetcher = make(handler, seen, robots=True)
    await fetcher.get("https://public.example/a")
    await fetcher.get("https://public.example/b")
    assert seen == [
        "https://public.example/robots.txt",
        "https://public.example/a",
        "https://public.example/b",
    ]


class NoNetwork(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self.connects: list[str] = []

    async def connect_tcp(
        self, host: str, port: int, *args: object, **kwargs: object
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append(host)
        raise httpcore.ConnectError("tests never connect")


def resolver_to(*addresses: str) -> Callable[[str, int], object]:
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    ("answers", "why"),
    [
        (["10.255.255.1"], "private"),
        (["93.184.216.34", "127.0.0.1"], "loopback"),  # one bad answer is enough (rebinding)
        (["::ffff:169.254.169.254"], "metadata_embedded"),
        (["fe80::1"], "link_local"),
    ],
)
async def test_backend_refuses_after_resolution_before_connecting(
    answers: list[str], why: str
) -> None:
    inner = NoNetwork()
    backend = GuardedBackend(AddressPolicy(), resolver_to(*answers), inner)  # type: ignore[arg-type]
    with pytest.raises(AddressRefused) as caught:
        await backend.connect_tcp("innocent.example", 443)
    assert caught.value.why == why
    assert inner.connects == []


async def test_backend_connects_to_the_vetted_address_not_the_name() -> None:
    inner = NoNetwork()
    backend = GuardedBackend(AddressPolicy(), resolver_to("93.184.216.34"), inner)  # type: ignore[arg-type]
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp("public.example", 443)
    assert inner.connects == ["93.184.216.34"]


async def test_backend_refuses_unix_sockets() -> None:
    backend = GuardedBackend(AddressPolicy(), resolver_to("93.184.216.34"), NoNetwork())  # type: ignore[arg-type]
    with pytest.raises(AddressRefused):
        await backend.connect_unix_socket("/var/run/docker.sock")


async def test_unresolvable_hosts_are_a_connection_error() -> None:
    async def fails(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    backend = GuardedBackend(AddressPolicy(), fails, NoNetwork())
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp("nowhere.invalid", 80)


async def aiter(items: list[bytes]) -> AsyncIterator[bytes]:
    for item in items:
        yield item
