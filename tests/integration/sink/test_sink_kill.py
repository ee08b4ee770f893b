"""SIGKILL the sink process in the middle of batches; afterwards every report is stored once.

The sink runs as a real process (``python -m services.sink``, the ``regwire sink``
command). Each cycle feeds it a chunk of reports, waits until rows are being written,
kills it at a random moment, and starts it again; the last one drains the topic
and stops with SIGTERM. Then the store is audited against what was produced.

Each restart waits for Kafka to expire the killed member's session (6 s, the
broker's minimum), so the 20-kill run of 10,000 reports takes a few minutes and is
marked slow; the 3-kill run is the everyday version.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from services.common.config import TopicSettings
from services.sink.store import Store
from tests.integration.sink.support import audit, counts, event_message, eventually, produce
from tests.unit.sink.factory import article_id, make_event

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]
ROOT = Path(__file__).resolve().parents[3]


def reports(total: int) -> list[tuple[int, int]]:
    """(event n, article a): four in five are first reports, one in five a second outlet."""
    out: list[tuple[int, int]] = []
    n = 0
    while len(out) < total:
        out.append((n, 0))
        if n % 4 == 3 and len(out) < total:
            out.append((n - 2, 1))
        n += 1
    return out


def sink_env(dsn: str, topics: TopicSettings, bootstrap: str, group: str) -> dict[str, str]:
    return {
        **os.environ,
        "REGWIRE_SINK_DSN": dsn,
        "REGWIRE_SINK_PORT": "0",
        "REGWIRE_SINK_GROUP_ID": group,
        "REGWIRE_SINK_BATCH_MAX_SIZE": "100",
        "REGWIRE_SINK_BATCH_MAX_WAIT_SECONDS": "0.02",
        "REGWIRE_SINK_STORE_ARTICLES": "false",
        "REGWIRE_SINK_LOG_LEVEL": "WARNING",
        "REGWIRE_SINK_LOG_FORMAT": "json",
        "REGWIRE_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "REGWIRE_KAFKA_SESSION_TIMEOUT_MS": "6000",
        "REGWIRE_KAFKA_HEARTBEAT_INTERVAL_MS": "1000",
        "REGWIRE_TOPIC_RAW": topics.raw,
        "REGWIRE_TOPIC_ARTICLES": topics.articles,
        "REGWIRE_TOPIC_EVENTS": topics.events,
    }


async def start_sink(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.sink", cwd=ROOT, env=env, stdout=out, stderr=out
        )


@pytest.mark.timeout(900)
@pytest.mark.parametrize(
    ("backend", "kills", "total"),
    [
        pytest.param("sqlite", 3, 3000, id="sqlite-3-kills"),
        pytest.param("postgresql", 3, 3000, id="postgresql-3-kills", marks=pytest.mark.postgres),
        pytest.param("sqlite", 20, 10_000, id="sqlite-20-kills", marks=pytest.mark.slow),
        pytest.param(
            "postgresql",
            20,
            10_000,
            id="postgresql-20-kills",
            marks=[pytest.mark.slow, pytest.mark.postgres],
        ),
    ],
)
async def test_sigkill_mid_batch_loses_and_duplicates_nothing(
    dsn: str,
    kills: int,
    total: int,
    topics: TopicSettings,
    kafka_bootstrap: str,
    unique_name: Callable[[str], str],
    tmp_path: Path,
) -> None:
    plan = reports(total)
    messages = [event_message(make_event(n, article=a)) for n, a in plan]
    chunks = [messages[i :: kills + 1] for i in range(kills + 1)]
    env = sink_env(dsn, topics, kafka_bootstrap, unique_name("sink-kill"))
    log = tmp_path / "sink.log"
    rng = random.Random(20)
    started = time.monotonic()
    async with Store(dsn) as store:
        killed_while_writing = 0  # kills that left part of their chunk unwritten
        for cycle in range(kills):
            await produce(kafka_bootstrap, topics.events, chunks[cycle])
            before = (await counts(store))[1] if cycle else 0
            proc = await start_sink(env, log)

            async def writing(
                before: int = before, proc: asyncio.subprocess.Process = proc
            ) -> bool:
                assert proc.returncode is None, f"sink exited early; see {log}"
                try:
                    return (await counts(store))[1] > before
                except Exception:
                    return False  # the schema is still being created

            await eventually(writing, 60, f"cycle {cycle}: the sink to write")
            await asyncio.sleep(rng.uniform(0.0, 0.08))  # the kill lands at a random moment
            at_kill = (await counts(store))[1]
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
            killed_while_writing += at_kill < before + len(chunks[cycle])  # work in flight

        await produce(kafka_bootstrap, topics.events, chunks[kills])
        proc = await start_sink(env, log)

        async def drained() -> bool:
            assert proc.returncode is None, f"sink exited early; see {log}"
            return (await counts(store))[1] >= len(set(plan))

        await eventually(drained, 120, "the last sink to drain the topic")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 60) == 0, f"unclean stop; see {log}"

        expected = {(make_event(n).event_id, article_id(a)) for n, a in plan}
        lost, duplicates = await audit(store, expected)
    print(
        f"\nSIGKILL test ({store.backend}): {len(messages)} reports of {len({n for n, _ in plan})} "
        f"events, {kills} kills ({killed_while_writing} with the chunk half-written), "
        f"lost {lost}, duplicates {duplicates}, {time.monotonic() - started:.0f}s"
    )
    assert (lost, duplicates) == (0, 0)
