"""``regwire migrate``, ``regwire events`` and ``regwire tail`` as a user runs them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemas import RegulatoryEvent
from services.common.config import TopicSettings
from services.sink.commands import COMMANDS, events_command, migrate_command, tail_command
from services.sink.store import Store
from tests.integration.sink.support import event_message, produce
from tests.integration.sink.test_store import write
from tests.unit.sink.factory import event_id, make_event


def test_the_cli_gets_every_sink_command() -> None:
    assert {c.name for c in COMMANDS} == {"sink", "migrate", "events", "tail"}


async def _fill(dsn: str) -> None:
    async with Store(dsn) as store:
        await write(store, [make_event(1), make_event(1, article=1)])
        await write(store, [make_event(2, jurisdiction="US", summary="The SEC sued a firm.")])


def test_migrate_then_query(dsn: str) -> None:
    runner = CliRunner()
    result = runner.invoke(migrate_command, ["--dsn", dsn])
    assert result.exit_code == 0, result.output
    assert "-> 0001" in result.output
    asyncio.run(_fill(dsn))

    result = runner.invoke(events_command, ["--dsn", dsn, "--format", "json"])
    assert result.exit_code == 0, result.output
    stored = [RegulatoryEvent.model_validate(e) for e in json.loads(result.stdout)]
    assert {e.event_id for e in stored} == {event_id(1), event_id(2)}
    assert max(len(e.sources) for e in stored) == 2

    result = runner.invoke(
        events_command, ["--dsn", dsn, "--format", "json", "-j", "us", "-q", "sued"]
    )
    assert [e["event_id"] for e in json.loads(result.stdout)] == [event_id(2)]
    result = runner.invoke(events_command, ["--dsn", dsn, "--from", "2030", "--format", "json"])
    assert json.loads(result.stdout) == []

    result = runner.invoke(events_command, ["--dsn", dsn, "--limit", "1"])
    assert result.exit_code == 0
    assert "license_granted" in result.stdout
    assert "1 event(s)" in result.stdout


def test_events_explains_what_is_wrong(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = f"sqlite+aiosqlite:///{tmp_path / 'none.db'}"
    result = runner.invoke(events_command, ["--dsn", missing])
    assert result.exit_code == 1
    assert "no database at" in result.output
    result = runner.invoke(events_command, ["--dsn", missing, "--from", "last week"])
    assert result.exit_code == 2
    assert "YYYY" in result.output
    result = runner.invoke(events_command, ["--dsn", "mysql://x/y"])
    assert result.exit_code == 2
    assert "unsupported DSN" in result.output


@pytest.mark.kafka
def test_tail_follows_the_topic_with_the_same_filters(
    topics: TopicSettings, kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    events = [make_event(n, jurisdiction="HK" if n % 2 else "US") for n in range(10)]
    messages = [event_message(e) for e in events] + [(b"x", b"poison")]
    asyncio.run(produce(kafka_bootstrap, topics.events, messages))
    base = ["--bootstrap-servers", kafka_bootstrap, "--topic", topics.events, "--from-beginning"]
    runner = CliRunner()

    result = runner.invoke(
        tail_command, [*base, "-j", "HK", "--format", "json", "--max-events", "5"]
    )
    assert result.exit_code == 0, result.output
    lines = [RegulatoryEvent.model_validate_json(x) for x in result.stdout.splitlines()]
    assert sorted(e.event_id for e in lines) == sorted(
        e.event_id for e in events if e.jurisdiction == "HK"
    )

    group = ["--group", unique_name("tail")]
    first = runner.invoke(tail_command, [*base, *group, "--max-events", "4"])
    assert first.exit_code == 0, first.output
    assert len(first.stdout.splitlines()) == 4
    assert "license_granted" in first.stdout
    # The group resumes after what it printed.
    rest = runner.invoke(tail_command, [*base, *group, "--max-events", "6", "--format", "json"])
    seen = [json.loads(x)["event_id"] for x in rest.stdout.splitlines()]
    assert len(seen) == 6
    assert len(set(seen)) == 6
