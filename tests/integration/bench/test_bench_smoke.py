"""``make bench`` on tiny inputs, so the harness cannot rot between benchmark runs.

Nothing here asserts a speed: only that every stage runs, yields figures for each
contender, and that the report says PASS/MISS against the targets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import end_to_end, kafka_transport
from bench.__main__ import main
from bench.infra import Infra
from bench.report import Report


def test_cpu_stages_write_both_reports(tmp_path: Path) -> None:
    code = main(["--quick", "--runs", "1", "--only", "parse,extract", "--out", str(tmp_path)])
    assert code == 0
    payload = json.loads((tmp_path / "bench.json").read_text())
    parse = payload["stages"]["parse"]["figures"]
    assert {"ours", "trafilatura", "selectolax", "vs_trafilatura"} <= parse.keys()
    assert all(f["median"] > 0 for f in parse.values())
    assert payload["stages"]["extract"]["figures"]["ours"]["runs"]
    assert payload["machine"]["cores (logical)"]
    verdict = {v["target"]: v["result"] for v in payload["targets"]}
    assert verdict["parser >= 10x trafilatura (same run)"] in ("PASS", "MISS")
    assert "## Targets" in (tmp_path / "bench.md").read_text()


@pytest.mark.kafka
def test_kafka_transport_measures_wrappers_and_bare_clients(kafka_bootstrap: str) -> None:
    report = Report()
    kafka_transport.transport(report, kafka_bootstrap, runs=1, quick=True, scale=0.05)
    figures = report.stages["kafka"].figures
    for kind in ("raw", "parsed"):
        for op in ("produce", "consume"):
            assert figures[f"{kind}_{op}_ours"].median > 0
            assert figures[f"{kind}_{op}_bare"].median > 0
    assert figures["worst_ratio"].median > 0


@pytest.mark.kafka
@pytest.mark.postgres
@pytest.mark.e2e
@pytest.mark.timeout(400)
def test_end_to_end_stores_every_article_and_measures_latency(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    report = Report()
    with Infra(tmp_path / "work", bootstrap=kafka_bootstrap) as infra:
        end_to_end.end_to_end(
            report, infra, runs=1, articles=24, parser_counts=(1,), paced_seconds=2.0,
            logs=tmp_path / "logs", env={},
        )  # fmt: skip
    figures = report.stages["e2e"].figures
    assert figures["rate_1p"].median > 0
    assert figures["paced_p99"].median >= figures["paced_p50"].median > 0
    assert figures["cpu_parser_1p"].median > 0
    assert figures["rss_sink_1p"].median > 0
    assert not report.stages["e2e"].error
