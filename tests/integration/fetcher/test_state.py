"""The crawl-state store, one behaviour suite bound to SQLite and to PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.fetcher.state import CrawlState, Status, StoredValidators


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def state(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[CrawlState]:
    if request.param == "sqlite":
        dsn = f"sqlite+aiosqlite:///{tmp_path}/state.db"
    else:
        dsn = request.getfixturevalue("postgres_dsn")
    async with CrawlState.open(dsn) as opened:
        yield opened


@pytest.fixture
def url() -> str:
    return f"https://news.example/{uuid.uuid4().hex}"


async def test_claim_is_exclusive_until_the_lease_expires(state: CrawlState, url: str) -> None:
    assert await state.claim(url, "src", "a", lease_seconds=60)
    assert not await state.claim(url, "src", "b", lease_seconds=60)
    expired = f"{url}/expired"
    assert await state.claim(expired, "src", "a", lease_seconds=-1)  # a crashed owner
    assert await state.claim(expired, "src", "b", lease_seconds=60)


async def test_concurrent_claims_have_one_winner(state: CrawlState, url: str) -> None:
    results = await asyncio.gather(*(state.claim(url, "src", f"r{i}", 60) for i in range(12)))
    assert sum(results) == 1


async def test_finished_urls_are_done_and_never_claimed_again(state: CrawlState, url: str) -> None:
    assert await state.claim(url, "src", "a", 60)
    await state.finish([url, url + "/canonical"], Status.PUBLISHED, article_id="0" * 64)
    assert await state.done([url, url + "/canonical", url + "/other"]) == {
        url,
        url + "/canonical",
    }
    assert not await state.claim(url, "src", "b", lease_seconds=-1)
    assert await state.status(url) is Status.PUBLISHED


async def test_release_makes_a_url_claimable_after_the_delay(state: CrawlState, url: str) -> None:
    assert await state.claim(url, "src", "a", 60)
    await state.release(url, "a", retry_after=60, reason="timeout")
    assert not await state.claim(url, "src", "b", 60)
    await state.release(url, "a", retry_after=-1, reason="timeout")
    assert await state.claim(url, "src", "b", 60)
    assert await state.status(url) is Status.CLAIMED


async def test_release_by_someone_else_changes_nothing(state: CrawlState, url: str) -> None:
    assert await state.claim(url, "src", "a", 60)
    await state.release(url, "intruder", retry_after=-1, reason="x")
    assert not await state.claim(url, "src", "b", 60)


async def test_validators_round_trip(state: CrawlState, url: str) -> None:
    assert await state.validators(url) is None
    await state.save_validators(url, StoredValidators('"v1"', None, "2023-08-03"))
    await state.save_validators(url, StoredValidators('"v2"', "Thu, 03 Aug 2023", None))
    assert await state.validators(url) == StoredValidators('"v2"', "Thu, 03 Aug 2023", None)


async def test_survives_a_restart(tmp_path: Path, url: str) -> None:
    dsn = f"sqlite+aiosqlite:///{tmp_path}/nested/dir/state.db"
    async with CrawlState.open(dsn) as first:
        assert await first.claim(url, "src", "a", 60)
        await first.finish([url], Status.PUBLISHED)
    async with CrawlState.open(dsn) as second:
        assert await second.done([url]) == {url}
        await second.ping()
