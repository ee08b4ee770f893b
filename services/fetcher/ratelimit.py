"""Politeness: a global concurrency limit, per-host concurrency, per-host request rate.

A host's pace is the slowest of the configured rate, its robots.txt ``Crawl-delay``
and any ``Retry-After`` cool-down it asked for. Start times are *reserved* under a
lock, so concurrent callers queue up evenly instead of all waking at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class _Host:
    slots: asyncio.Semaphore
    next_start: float = 0.0
    cooldown_until: float = 0.0
    delay: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class RateLimiter:
    def __init__(
        self,
        max_in_flight: int,
        per_host_in_flight: int,
        per_host_rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._global = asyncio.Semaphore(max_in_flight)
        self._per_host = per_host_in_flight
        self._interval = 1.0 / per_host_rate if per_host_rate > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self._per_host))
        return state

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        self._host(host).delay = max(0.0, seconds or 0.0)

    def cool_down(self, host: str, seconds: float) -> None:
        """The host asked us to stay away (``Retry-After``): nothing starts before then."""
        state = self._host(host)
        state.cooldown_until = max(state.cooldown_until, self._clock() + seconds)

    def cooling_down(self, host: str) -> float:
        """Seconds left in the host's cool-down (0 when none)."""
        state = self._hosts.get(host)
        return max(0.0, state.cooldown_until - self._clock()) if state else 0.0

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        state = self._host(host)
        async with state.slots:
            async with state.lock:
                now = self._clock()
                start = max(now, state.next_start, state.cooldown_until)
                state.next_start = start + max(self._interval, state.delay)
            if start > now:
                await self._sleep(start - now)
            async with self._global:
                yield
