"""Per-host pacing, Crawl-delay and Retry-After cool-downs, on a fake clock."""

from __future__ import annotations

import asyncio

from services.fetcher.ratelimit import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def starts(limiter: RateLimiter, fake: FakeTime, host: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        async with limiter.slot(host):
            times.append(fake.now)
    return times


async def test_per_host_rate() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, 2, per_host_rate=2.0, clock=fake.clock, sleep=fake.sleep)
    assert await starts(limiter, fake, "a.com", 3) == [0.0, 0.5, 1.0]


async def test_hosts_are_paced_independently() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, 2, per_host_rate=1.0, clock=fake.clock, sleep=fake.sleep)
    await starts(limiter, fake, "a.com", 1)
    assert await starts(limiter, fake, "b.com", 1) == [0.0]


async def test_crawl_delay_slows_a_host_down() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, 2, per_host_rate=10.0, clock=fake.clock, sleep=fake.sleep)
    limiter.set_crawl_delay("a.com", 3.0)
    assert await starts(limiter, fake, "a.com", 2) == [0.0, 3.0]


async def test_cool_down_blocks_until_it_ends() -> None:
    fake = FakeTime()
    limiter = RateLimiter(10, 2, per_host_rate=0, clock=fake.clock, sleep=fake.sleep)
    limiter.cool_down("a.com", 30.0)
    assert limiter.cooling_down("a.com") == 30.0
    assert await starts(limiter, fake, "a.com", 1) == [30.0]


async def test_concurrency_limits() -> None:
    limiter = RateLimiter(3, 2, per_host_rate=0)
    active: dict[str, int] = {"a": 0, "b": 0, "total": 0}
    peak: dict[str, int] = {"a": 0, "b": 0, "total": 0}

    async def one(host: str) -> None:
        async with limiter.slot(host):
            for key in (host, "total"):
                active[key] += 1
                peak[key] = max(peak[key], active[key])
            await asyncio.sleep(0.01)
            for key in (host, "total"):
                active[key] -= 1

    await asyncio.gather(*(one(h) for h in "ab" * 10))
    assert peak["a"] == 2
    assert peak["b"] == 2
    assert peak["total"] == 3
