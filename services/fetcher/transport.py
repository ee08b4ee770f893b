"""The network seam: an httpx transport whose every TCP connection passes the SSRF guard.

The guard sits in the connection layer, after DNS resolution: the host is resolved
once, *every* address it resolves to must pass ``AddressPolicy``, and the socket is
then opened to one of those vetted addresses (never re-resolved, so a DNS answer
cannot change between the check and the connect). TLS still verifies and sends SNI
for the original host name. Redirects are followed by ``http.Fetcher``, which goes
through here again for each hop.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from services.fetcher.addresses import AddressPolicy, literal_address
from services.fetcher.errors import AddressRefused

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``getaddrinfo`` gives for ``host`` (literals resolve without DNS)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Stream(httpcore.AsyncNetworkStream):
    """A connection whose "is the idle socket readable?" check is one ``poll`` call.

    httpcore asks every idle pooled connection that question on every request; the
    AnyIO stream answers by rebuilding its attribute table each time (a syscall and
    a dict), which dominates the client's CPU with hundreds of connections.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        sock = inner.get_extra_info("socket")
        self._poller: select.poll | None = None
        if sock is not None:
            self._poller = select.poll()
            self._poller.register(sock.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        self._poller = None
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._poller is not None:
            return bool(self._poller.poll(0))
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, vets every address, then connects to a vetted one through ``inner``."""

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
        resolve_timeout: float = 10.0,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner or httpcore.AnyIOBackend()
        self._resolve_timeout = resolve_timeout

    async def vetted_addresses(self, host: str, port: int) -> list[str]:
        literal = literal_address(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                async with asyncio.timeout(self._resolve_timeout):
                    addresses = await self._resolver(host, port)
            except (OSError, TimeoutError) as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        for address in addresses:
            why = self._policy.refusal(address)
            if why is not None:
                raise AddressRefused(f"{host} resolves to refused address {address} ({why})", why)
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.vetted_addresses(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
                return _Stream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("unix sockets are never fetched", "unix_socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except httpcore.ProxyError as exc:  # no proxies are configured; keep the type honest
        raise httpx.ProxyError(str(exc)) from exc
    except Exception as exc:
        for source, target in _EXCEPTIONS:
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, inner: Any, on_close: Callable[[], None]) -> None:
        self._inner = inner
        self._on_close = on_close
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for part in self._inner:
                yield part

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._on_close()
        closer = getattr(self._inner, "aclose", None)
        if closer is not None:
            await closer()


@dataclass
class _Shard:
    pool: httpcore.AsyncConnectionPool
    active: int = 0


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport over httpcore pools whose connections use ``GuardedBackend``.

    One small pool per origin, split into shards of ``shard_size`` connections: an
    httpcore pool does work proportional to (connections x waiting requests) on
    every request, so many small pools stay fast where one big pool crawls. The
    fetcher's rate limiter, not the pools, bounds how many requests are in flight.
    """

    def __init__(
        self,
        backend: GuardedBackend,
        limits: httpx.Limits,
        ssl_context: ssl.SSLContext | None = None,
        shard_size: int = 8,
    ) -> None:
        self._backend = backend
        self._limits = limits
        self._ssl_context = ssl_context or httpx.create_ssl_context()
        self._shard_size = shard_size
        self._shards: dict[tuple[bytes, bytes, int | None], list[_Shard]] = {}

    def _new_pool(self) -> httpcore.AsyncConnectionPool:
        return httpcore.AsyncConnectionPool(
            ssl_context=self._ssl_context,
            max_connections=self._shard_size,
            max_keepalive_connections=self._shard_size,
            keepalive_expiry=self._limits.keepalive_expiry,
            network_backend=self._backend,
        )

    def _shard_for(self, url: httpx.URL) -> _Shard:
        shards = self._shards.setdefault((url.raw_scheme, url.raw_host, url.port), [])
        best = min(shards, key=lambda s: s.active, default=None)
        if best is None or (best.active >= self._shard_size and self._may_grow(shards)):
            best = _Shard(self._new_pool())
            shards.append(best)
        return best

    def _may_grow(self, shards: list[_Shard]) -> bool:
        limit = self._limits.max_connections or 100
        return len(shards) * self._shard_size < limit

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        shard = self._shard_for(request.url)
        shard.active += 1

        def release() -> None:
            shard.active -= 1

        try:
            with _as_httpx_errors():
                response = await shard.pool.handle_async_request(core_request)
        except BaseException:
            release()
            raise
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream, release),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for shards in self._shards.values():
            for shard in shards:
                await shard.pool.aclose()
        self._shards.clear()
