"""Which sources a replica polls."""

from __future__ import annotations

from services.fetcher.app import my_sources
from services.fetcher.config import FetcherSettings
from services.fetcher.sources import SourceConfig

SOURCES = [
    SourceConfig(id=f"s{i}", kind="feed", url=f"https://x{i}.example/feed", enabled=i != 7)
    for i in range(40)
]


def test_one_replica_polls_every_enabled_source() -> None:
    mine = my_sources(SOURCES, FetcherSettings())
    assert [s.id for s in mine] == [s.id for s in SOURCES if s.id != "s7"]


def test_shards_split_the_sources_without_overlap() -> None:
    shards = [
        {s.id for s in my_sources(SOURCES, FetcherSettings(shard_index=i, shard_count=3))}
        for i in range(3)
    ]
    assert set().union(*shards) == {s.id for s in SOURCES if s.enabled}
    assert sum(len(s) for s in shards) == 39
    assert all(shards)  # a stable hash spreads 39 sources over every shard
