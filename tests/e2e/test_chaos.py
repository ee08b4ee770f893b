"""The chaos suite's fast subset: N=200 known articles, 3 faults per scenario.

The same scenarios ``make chaos`` runs with N=2,000 and 20 faults (``python -m chaos``),
on the session's broker and PostgreSQL; the broker scenario gets a broker of its own,
since it kills it. Each test prints the scenario's figures and fails on any loss,
duplicate row, unclean exit or failed check.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from local_kafka import LocalKafka, external_bootstrap
from local_postgres import LocalPostgres

from chaos.corpus import Corpus, build
from chaos.report import Result, details
from chaos.rig import Infra
from chaos.scenarios import SCENARIOS, Ctx
from services.common.errors import ConfigError
from services.common.faults import ACK_PHRASE, FaultSettings, KillAfterCommits

F = TypeVar("F", bound=Callable[..., Any])
SEED = int(os.environ.get("REGWIRE_CHAOS_SEED", "7"))
N = 200
FAULTS = 3


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return build(N, SEED)


@pytest.fixture
def infra(
    kafka_bootstrap: str, postgres_dsn: str, postgres_server: LocalPostgres | None, tmp_path: Path
) -> Infra:
    return Infra(tmp_path, kafka_bootstrap, postgres_dsn, kafka=None, postgres=postgres_server)


@pytest.fixture(scope="module")
def own_broker() -> Iterator[LocalKafka]:
    """A broker for the broker-fault scenario alone (it is killed and restarted)."""
    if external_bootstrap():
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS names an external cluster: not ours to restart")
    broker = LocalKafka(Path(tempfile.mkdtemp(prefix="regwire-chaos-kafka-")))
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def scenario(test: F) -> F:
    """A chaos scenario: real processes, the broker and PostgreSQL."""
    for mark in (
        pytest.mark.e2e,
        pytest.mark.kafka,
        pytest.mark.postgres,
        pytest.mark.timeout(420),
    ):
        test = mark(test)
    return test


async def run(name: str, infra: Infra, corpus: Corpus) -> Result:
    ctx = Ctx(infra, corpus, FAULTS, SEED, churn_seconds=30.0, quick=True)
    result = await SCENARIOS[name](ctx)
    print(f"\nseed {SEED}\n{details(result)}")
    assert result.skipped is None, result.skipped
    assert result.passed, details(result)
    return result


@scenario
async def test_parser_sigkill_loses_and_duplicates_nothing(infra: Infra, corpus: Corpus) -> None:
    result = await run("parser-kill", infra, corpus)
    assert result.faults == FAULTS


@scenario
async def test_sink_killed_between_db_commit_and_offset_commit(
    infra: Infra, corpus: Corpus
) -> None:
    result = await run("sink-kill-between-commits", infra, corpus)
    assert result.faults == FAULTS
    assert result.audit is not None
    assert result.audit.sink_reprocessed > 0


@scenario
async def test_broker_restarts_under_load(
    own_broker: LocalKafka, postgres_dsn: str, tmp_path: Path, corpus: Corpus
) -> None:
    infra = Infra(tmp_path, own_broker.bootstrap_servers, postgres_dsn, kafka=own_broker)
    await run("broker-restart", infra, corpus)


@scenario
async def test_poison_is_dead_lettered_and_good_input_stored(infra: Infra, corpus: Corpus) -> None:
    await run("poison", infra, corpus)


@scenario
async def test_services_refuse_unsafe_settings(infra: Infra, corpus: Corpus) -> None:
    await run("config-guard", infra, corpus)


@scenario
async def test_sigterm_drains_and_commits(infra: Infra, corpus: Corpus) -> None:
    await run("sigterm", infra, corpus)


# The fault hook itself (no infrastructure): off by default, refused without its phrase.


def test_no_fault_hook_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGWIRE_FAULT_SINK_KILL_AFTER_DB_COMMITS", raising=False)
    monkeypatch.delenv("REGWIRE_FAULT_INJECTION_ACK", raising=False)
    assert FaultSettings.load().after_db_commit_hook("sink") is None


@pytest.mark.parametrize("ack", [None, "yes", ACK_PHRASE.upper(), ACK_PHRASE + " "])
def test_a_fault_without_its_exact_phrase_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, ack: str | None
) -> None:
    monkeypatch.setenv("REGWIRE_FAULT_SINK_KILL_AFTER_DB_COMMITS", "1")
    if ack is None:
        monkeypatch.delenv("REGWIRE_FAULT_INJECTION_ACK", raising=False)
    else:
        monkeypatch.setenv("REGWIRE_FAULT_INJECTION_ACK", ack)
    with pytest.raises(ConfigError, match="REGWIRE_FAULT_INJECTION_ACK"):
        FaultSettings.load()


async def test_the_hook_kills_after_the_nth_committed_batch() -> None:
    kills: list[int] = []
    hook = KillAfterCommits(3, "sink", kill=lambda: kills.append(1))
    for _ in range(2):
        await hook()
    assert kills == []
    await hook()
    assert kills == [1]
