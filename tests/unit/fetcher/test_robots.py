"""robots.txt rules (RFC 9309) and the per-origin cache."""

from __future__ import annotations

import pytest

from services.fetcher.robots import RobotsCache, RobotsFile, origin_of, rules_from

AGENT = "regwire-fetcher"
ROBOTS = b"""
User-agent: *
Disallow: /private/
Allow: /private/public-note
Crawl-delay: 2

User-agent: regwire-fetcher
Disallow: /no-regwire/
Disallow: /*.pdf$
"""


def rules(status: int, body: bytes = b"") -> object:
    return rules_from(RobotsFile(status, body), now=0.0, ttl=100.0, error_ttl=10.0)


def test_our_group_applies_not_the_star_group() -> None:
    parsed = rules_from(RobotsFile(200, ROBOTS), 0.0, 100.0, 10.0)
    assert not parsed.can_fetch("https://x.com/no-regwire/a", AGENT)
    assert not parsed.can_fetch("https://x.com/doc.pdf", AGENT)
    assert parsed.can_fetch("https://x.com/doc.pdf?x=1", AGENT)
    assert parsed.can_fetch("https://x.com/private/a", AGENT)  # only the * group says so
    assert not parsed.can_fetch("https://x.com/private/a", "OtherBot")
    assert parsed.can_fetch("https://x.com/private/public-note", "OtherBot")  # longest match
    assert parsed.expires_at == 100.0


def test_crawl_delay() -> None:
    parsed = rules_from(RobotsFile(200, b"User-agent: *\nCrawl-delay: 3\n"), 0.0, 100.0, 10.0)
    assert parsed.crawl_delay(AGENT) == 3.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_4xx_means_allow_everything(status: int) -> None:
    parsed = rules_from(RobotsFile(status), 0.0, 100.0, 10.0)
    assert parsed.can_fetch("https://x.com/anything", AGENT)


@pytest.mark.parametrize("status", [0, 429, 500, 503])
def test_5xx_429_and_unreachable_mean_disallow_for_now(status: int) -> None:
    parsed = rules_from(RobotsFile(status), 0.0, 100.0, 10.0)
    assert not parsed.can_fetch("https://x.com/", AGENT)
    assert parsed.temporary
    assert parsed.expires_at == 10.0  # asked again soon


def test_origin_of() -> None:
    assert origin_of("HTTPS://X.com:8443/a?b") == "https://x.com:8443"


async def test_cache_fetches_once_per_origin_until_expiry() -> None:
    calls: list[str] = []
    now = [0.0]

    async def load(url: str) -> RobotsFile:
        calls.append(url)
        return RobotsFile(200, b"User-agent: *\nDisallow: /x\n")

    cache = RobotsCache(load, AGENT, ttl=100.0, error_ttl=10.0, clock=lambda: now[0])
    assert (await cache.check("https://a.com/ok")).allowed
    assert not (await cache.check("https://a.com/x")).allowed
    assert calls == ["https://a.com/robots.txt"]
    await cache.check("https://b.com/")
    now[0] = 101.0
    await cache.check("https://a.com/ok")
    assert calls == [
        "https://a.com/robots.txt",
        "https://b.com/robots.txt",
        "https://a.com/robots.txt",
    ]
