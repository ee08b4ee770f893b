"""robots.txt per origin (RFC 9309 via protego), cached with an expiry.

RFC 9309 semantics: a 4xx robots.txt means no rules (allow all); a 5xx, a 429 or
an unreachable server means "complete disallow" for now, retried after a shorter
expiry; redirects are followed by the fetcher (up to its redirect limit); only the
first 500 KiB are parsed. ``Crawl-delay`` is passed on to the rate limiter.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

MAX_ROBOTS_BYTES = 500 * 1024


@dataclass(frozen=True, slots=True)
class RobotsFile:
    """What one robots.txt fetch said: a status (0 = unreachable) and the body."""

    status: int
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class RobotsRules:
    parser: Protego | None
    allow_all: bool
    expires_at: float

    @property
    def temporary(self) -> bool:
        """A "disallow everything" that only stands until robots.txt answers again."""
        return self.parser is None and not self.allow_all

    def can_fetch(self, url: str, agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


def rules_from(file: RobotsFile, now: float, ttl: float, error_ttl: float) -> RobotsRules:
    """The pure RFC 9309 decision for one fetched robots.txt."""
    if 200 <= file.status < 300:
        text = file.body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
        return RobotsRules(Protego.parse(text), True, now + ttl)
    if 400 <= file.status < 500 and file.status != 429:
        return RobotsRules(None, True, now + ttl)
    return RobotsRules(None, False, now + error_ttl)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass(frozen=True, slots=True)
class RobotsDecision:
    allowed: bool
    crawl_delay: float | None
    temporary: bool = False


RobotsLoader = Callable[[str], Awaitable[RobotsFile]]


class RobotsCache:
    """``check(url)`` fetches each origin's robots.txt at most once per expiry."""

    def __init__(
        self,
        load: RobotsLoader,
        agent: str,
        ttl: float = 86400.0,
        error_ttl: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        max_origins: int = 10_000,
    ) -> None:
        self._load = load
        self._agent = agent
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._clock = clock
        self._max_origins = max_origins
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str) -> RobotsDecision:
        rules = await self._rules_for(origin_of(url))
        allowed = rules.can_fetch(url, self._agent)
        return RobotsDecision(allowed, rules.crawl_delay(self._agent), rules.temporary)

    async def _rules_for(self, origin: str) -> RobotsRules:
        cached = self._rules.get(origin)
        if cached is not None and cached.expires_at > self._clock():
            return cached
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one fetch per origin, however many articles wait on it
            cached = self._rules.get(origin)
            if cached is not None and cached.expires_at > self._clock():
                return cached
            file = await self._load(origin + "/robots.txt")
            rules = rules_from(file, self._clock(), self._ttl, self._error_ttl)
            if len(self._rules) >= self._max_origins:
                self._rules.pop(next(iter(self._rules)))
            self._rules[origin] = rules
            return rules
