"""The chaos suite's fast subset: N=200 known articles, 3 faults per scenario.

The same scenarios ``make chaos`` runs with N=2,000 and 20 faults (``python -m chaos``),
on the session's broker and PostgreSQL; the broker scenario gets a broker of its own,
since it kills it. Each test prints the scenario's figures and fails on any loss,
duplicate row, unclean exit or failed check.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_kafka import LocalKafka, external_bootstrap
from local_postgres import LocalPostgres

from chaos.corpus import Corpus, build
from chaos.report import Result, details
from chaos.rig import Infra
from chaos.scenarios import SCENARIOS, Ctx

pytestmark = [pytest.mark.e2e, pytest.mark.kafka, pytest.mark.postgres, pytest.mark.timeout(420)]
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


async def run(name: str, infra: Infra, corpus: Corpus) -> Result:
    ctx = Ctx(infra, corpus, FAULTS, SEED, churn_seconds=30.0, quick=True)
    result = await SCENARIOS[name](ctx)
    print(f"\nseed {SEED}\n{details(result)}")
    assert result.skipped is None, result.skipped
    assert result.passed, details(result)
    return result


async def test_parser_sigkill_loses_and_duplicates_nothing(infra: Infra, corpus: Corpus) -> None:
    result = await run("parser-kill", infra, corpus)
    assert result.faults == FAULTS


async def test_sink_killed_between_db_commit_and_offset_commit(
    infra: Infra, corpus: Corpus
) -> None:
    result = await run("sink-kill-between-commits", infra, corpus)
    assert result.faults == FAULTS
    assert result.audit is not None and result.audit.sink_reprocessed > 0


async def test_broker_restarts_under_load(
    own_broker: LocalKafka, postgres_dsn: str, tmp_path: Path, corpus: Corpus
) -> None:
    infra = Infra(tmp_path, own_broker.bootstrap_servers, postgres_dsn, kafka=own_broker)
    await run("broker-restart", infra, corpus)


async def test_poison_is_dead_lettered_and_good_input_stored(infra: Infra, corpus: Corpus) -> None:
    await run("poison", infra, corpus)


async def test_services_refuse_unsafe_settings(infra: Infra, corpus: Corpus) -> None:
    await run("config-guard", infra, corpus)


async def test_sigterm_drains_and_commits(infra: Infra, corpus: Corpus) -> None:
    await run("sigterm", infra, corpus)
