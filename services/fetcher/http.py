"""The fetcher's HTTP client: one place for every rule the open web needs.

``Fetcher.get(url)`` = URL check -> robots.txt -> per-host slot -> one exchange
under a total deadline -> redirects (each hop checked again) -> retries with
backoff for transient failures only. The network itself is ``transport.py``.

>>> async def example(fetcher: Fetcher) -> bytes:
...     result = await fetcher.get("https://example.org/feed.xml")
...     return result.body
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Self

import httpcore
import httpx

from services.common.metrics import Metrics
from services.fetcher.addresses import AddressPolicy, literal_address
from services.fetcher.body import ACCEPT_ENCODING, read_capped
from services.fetcher.config import FetcherSettings
from services.fetcher.errors import (
    AddressRefused,
    BodyTooLarge,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    FetchTransient,
    HostCoolingDown,
    HTTPStatusError,
    HTTPStatusTransient,
    RobotsDenied,
    RobotsUnavailable,
    TooManyRedirects,
)
from services.fetcher.ratelimit import RateLimiter
from services.fetcher.retry import TRANSIENT_STATUSES, backoff_delay, parse_retry_after
from services.fetcher.robots import MAX_ROBOTS_BYTES, RobotsCache, RobotsFile
from services.fetcher.transport import GuardedBackend, GuardedTransport, Resolver, system_resolver

ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
ACCEPT_FEED = (
    "application/rss+xml,application/atom+xml,application/rdf+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Validators:
    """What makes the next request conditional (``ETag`` / ``Last-Modified``)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        found = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: httpx.URL


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The numbers ``Fetcher`` enforces (a value object built from settings)."""

    max_body_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    total_timeout: float = 60.0
    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0

    @classmethod
    def from_settings(cls, s: FetcherSettings) -> FetchPolicy:
        return cls(
            s.max_body_bytes,
            s.max_redirects,
            s.total_timeout_seconds,
            s.max_retries,
            s.backoff_base_seconds,
            s.backoff_max_seconds,
            s.max_retry_after_seconds,
        )


class Fetcher:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        policy: FetchPolicy,
        addresses: AddressPolicy,
        limiter: RateLimiter,
        metrics: Metrics,
        robots_agent: str | None = None,
        robots_ttl: float = 86400.0,
        robots_error_ttl: float = 600.0,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._policy = policy
        self._addresses = addresses
        self._limiter = limiter
        self._metrics = metrics
        self._rng = rng or random.Random()
        self.robots = (
            RobotsCache(self._load_robots, robots_agent, robots_ttl, robots_error_ttl)
            if robots_agent
            else None
        )

    @classmethod
    def from_settings(
        cls,
        settings: FetcherSettings,
        metrics: Metrics,
        *,
        resolver: Resolver = system_resolver,
        inner_backend: httpcore.AsyncNetworkBackend | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Fetcher:
        addresses = AddressPolicy(tuple(settings.allow_networks))
        limits = httpx.Limits(
            max_connections=settings.max_in_flight,
            max_keepalive_connections=settings.max_in_flight,
            keepalive_expiry=30.0,
        )
        backend = GuardedBackend(
            addresses, resolver, inner_backend, settings.connect_timeout_seconds
        )
        client = httpx.AsyncClient(
            transport=transport or GuardedTransport(backend, limits),
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_seconds,
                read=settings.read_timeout_seconds,
                write=settings.read_timeout_seconds,
                pool=settings.total_timeout_seconds,
            ),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": settings.full_user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        limiter = RateLimiter(
            settings.max_in_flight, settings.per_host_in_flight, settings.per_host_rate
        )
        return cls(
            client,
            policy=FetchPolicy.from_settings(settings),
            addresses=addresses,
            limiter=limiter,
            metrics=metrics,
            robots_agent=settings.robots_token if settings.respect_robots else None,
            robots_ttl=settings.robots_ttl_seconds,
            robots_error_ttl=settings.robots_error_ttl_seconds,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(
        self, url: str, validators: Validators | None = None, *, accept: str = ACCEPT_HTML
    ) -> FetchResult:
        """Fetch ``url`` politely and safely; raises a ``FetchError`` or ``FetchTransient``."""
        attempt = 0
        while True:
            try:
                return await self._follow(url, validators, accept, use_robots=True)
            except AddressRefused as exc:
                self._metrics.ssrf_refused.labels(exc.why).inc()
                raise
            except RobotsUnavailable:
                raise  # the cached answer stands until it expires: retrying now is moot
            except FetchTransient as exc:
                host = _host_label(url)
                delay = exc.retry_after
                if delay is not None and delay > self._policy.max_retry_after:
                    self._limiter.cool_down(host, delay)
                    raise
                if attempt >= self._policy.max_retries:
                    raise
                attempt += 1
                self._metrics.http_retries.labels(host, exc.reason).inc()
                if delay is not None:  # the host's own pace: every request to it waits
                    self._limiter.cool_down(host, delay)
                else:
                    p = self._policy
                    await asyncio.sleep(
                        backoff_delay(attempt, p.backoff_base, p.backoff_max, self._rng)
                    )

    async def _follow(
        self,
        url: str,
        validators: Validators | None,
        accept: str,
        use_robots: bool,
        cap: int | None = None,
    ) -> FetchResult:
        current = self._checked_url(url)
        visited = {str(current)}
        for hop in range(self._policy.max_redirects + 1):
            if use_robots:
                await self._robots_check(current)
            waiting = self._limiter.cooling_down(current.host)
            if waiting > self._policy.max_retry_after:  # fail fast, do not hold a slot
                raise HostCoolingDown(f"{current.host} asked us to wait {waiting:.0f}s", waiting)
            headers = {"Accept": accept}
            if hop == 0 and validators is not None:
                headers.update(validators.headers())
            async with self._limiter.slot(current.host):
                outcome = await self._exchange(current, headers, cap or self._policy.max_body_bytes)
            if isinstance(outcome, FetchResult):
                return replace(outcome, url=url)
            current = self._checked_url(str(outcome.location))
            if str(current) in visited:
                raise TooManyRedirects(f"redirect loop from {url} at {current}")
            visited.add(str(current))
        raise TooManyRedirects(f"more than {self._policy.max_redirects} redirects from {url}")

    def _checked_url(self, url: str) -> httpx.URL:
        """Refuse non-HTTP schemes and literal refused addresses before any I/O."""
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise AddressRefused(f"invalid URL {url!r}: {exc}", "invalid_url") from None
        if parsed.scheme not in ("http", "https"):
            raise AddressRefused(f"scheme {parsed.scheme!r} is not fetched", "scheme")
        if not parsed.host:
            raise AddressRefused(f"no host in {url!r}", "no_host")
        literal = literal_address(parsed.host)
        why = self._addresses.refusal(literal) if literal is not None else None
        if why is not None:
            raise AddressRefused(f"{parsed.host} is a refused address ({why})", why)
        return parsed

    async def _robots_check(self, url: httpx.URL) -> None:
        if self.robots is None:
            return
        decision = await self.robots.check(str(url))
        self._limiter.set_crawl_delay(url.host, decision.crawl_delay)
        if not decision.allowed:
            self._metrics.robots_denied.labels(url.host).inc()
            if decision.temporary:
                raise RobotsUnavailable(f"robots.txt of {url.host} is unavailable: not now")
            raise RobotsDenied(f"robots.txt disallows {url}")

    async def _load_robots(self, url: str) -> RobotsFile:
        try:
            result = await self._follow(
                url, None, "text/plain,*/*;q=0.5", use_robots=False, cap=MAX_ROBOTS_BYTES * 4
            )
        except (HTTPStatusError, HTTPStatusTransient) as exc:
            return RobotsFile(exc.status)
        except AddressRefused:
            raise
        except (FetchTransient, FetchError):
            return RobotsFile(0)  # unreachable: complete disallow for now (RFC 9309)
        return RobotsFile(result.status, result.body)

    async def _exchange(
        self, url: httpx.URL, headers: dict[str, str], cap: int
    ) -> FetchResult | _Redirect:
        host = url.host
        status_class = "error"
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._policy.total_timeout):
                async with self._client.stream("GET", url, headers=headers) as response:
                    status_class = f"{response.status_code // 100}xx"
                    return await self._read(url, response, cap)
        except AddressRefused:
            status_class = ""  # refused before any connection: not a request
            raise
        except BodyTooLarge:
            self._metrics.size_cap_aborts.labels(host).inc()
            raise
        except (TimeoutError, httpx.TimeoutException) as exc:
            status_class = "timeout"
            raise FetchTimeout(f"{url}: no complete response in time ({exc!r})") from None
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"{url}: {type(exc).__name__}: {exc}") from None
        finally:
            if status_class:
                self._metrics.http_requests.labels(host, status_class).inc()
                self._metrics.http_seconds.labels(host).observe(time.perf_counter() - started)

    async def _read(
        self, url: httpx.URL, response: httpx.Response, cap: int
    ) -> FetchResult | _Redirect:
        status = response.status_code
        location = response.headers.get("location")
        if status in REDIRECTS and location:
            return _Redirect(url.join(location))
        if status in TRANSIENT_STATUSES:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise HTTPStatusTransient(status, str(url), retry_after)
        if status != 304 and not 200 <= status < 300:
            raise HTTPStatusError(status, str(url))
        body = b""
        if status != 304:
            body = await read_capped(
                response.aiter_raw(), response.headers.get("content-encoding"), cap
            )
            self._metrics.http_bytes.labels(url.host).inc(len(body))
        return FetchResult(
            url=str(url),
            final_url=str(url),
            status=status,
            body=body,
            content_type=response.headers.get("content-type"),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )


def _host_label(url: str) -> str:
    try:
        return httpx.URL(url).host or "unknown"
    except httpx.InvalidURL:
        return "invalid"
