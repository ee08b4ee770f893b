"""The benchmark harness's own logic: summaries, ratios, verdicts, inputs, options.

Speed is never asserted here (``make bench`` measures it); these check that the
harness computes and reports what it claims to.
"""

from __future__ import annotations

import json

import pytest

from bench.__main__ import arguments
from bench.corpus import copies, load
from bench.end_to_end import expected, percentile, rate_of
from bench.report import Report


def test_a_figure_is_the_median_of_its_runs_with_min_and_max() -> None:
    stage = Report().stage("parse", "Parse")
    figure = stage.add("ours", "pages/s", [300.0, 100.0, 200.0])
    assert (figure.median, figure.low, figure.high) == (200.0, 100.0, 300.0)


def test_a_ratio_is_paired_run_by_run() -> None:
    stage = Report().stage("parse", "Parse")
    ratio = stage.ratio("r", [100.0, 300.0], [10.0, 10.0], "ours / ref")
    assert ratio.values == [10.0, 30.0]
    assert ratio.median == 20.0


def test_targets_say_pass_miss_or_not_measured() -> None:
    report = Report()
    stage = report.stage("e2e", "End to end")
    stage.add("rate", "articles/s", [450.0, 520.0, 480.0])
    stage.add("p99", "ms", [1500.0])
    report.target("rate", "e2e", "rate", ">=", 500)
    report.target("latency", "e2e", "p99", "<=", 2000)
    report.target("absent", "kafka", "worst_ratio", ">=", 0.8)
    verdicts = {v["target"]: v for v in report.verdicts()}
    assert verdicts["rate"]["result"] == "MISS"
    assert verdicts["rate"]["median"] == 480.0
    assert verdicts["latency"]["result"] == "PASS"
    assert verdicts["absent"]["result"] == "n/a"


def test_the_report_renders_as_json_and_markdown() -> None:
    report = Report(machine={"cpu": "test cpu"}, versions={"aiokafka": "0"})
    stage = report.stage("extract", "Event extraction")
    stage.add("ours", "articles/s", [600.0, 610.0])
    stage.notes.append("80 articles")
    report.target("extraction", "extract", "ours", ">=", 500)
    payload = json.loads(json.dumps(report.as_json()))
    figure = payload["stages"]["extract"]["figures"]["ours"]
    assert figure == {
        "label": "ours", "unit": "articles/s", "median": 605.0, "min": 600.0, "max": 610.0,
        "runs": [600.0, 610.0],
    }  # fmt: skip
    text = report.markdown()
    assert "| extraction | 605 (600–610) | >= 500 | PASS |" in text
    assert "test cpu" in text
    assert "- 80 articles" in text


def test_a_failed_stage_is_reported_not_hidden() -> None:
    report = Report()
    report.stage("sink", "Sink").error = "PostgresError: initdb failed"
    assert "**failed:** `PostgresError: initdb failed`" in report.markdown()
    assert report.as_json()["stages"]["sink"]["error"].startswith("PostgresError")


def test_sustained_rate_is_counted_after_the_first_commit() -> None:
    # 1 article done at t=10, then 100 more until t=20: 100 articles in 10 s.
    done = [10.0] + [10.0 + (i + 1) / 10 for i in range(100)]
    rate, first = rate_of(done, ready=5.0)
    assert first == 10.0
    assert rate == pytest.approx(10.0)


def test_a_backlog_stored_in_one_commit_is_timed_from_ready() -> None:
    rate, _ = rate_of([12.0] * 30, ready=10.0)
    assert rate == pytest.approx(15.0)


def test_expected_counts_follow_the_template_cycle() -> None:
    per = [2, None, 0]  # the second template is rejected by the parser
    assert expected(7, per) == (5, 6)


def test_percentiles_pick_from_the_sorted_values() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 51.0
    assert percentile(values, 0.99) == 100.0


def test_copies_have_distinct_ids_and_mix_pages_with_articles() -> None:
    corpus = load()
    made = list(copies(len(corpus.mixed) + 5, "t"))
    assert len({r.article_id for r in made}) == len(made)
    first = corpus.mixed[:10]
    assert any(r.html and r.html.lstrip().lower().startswith("<") for r in first)
    assert any(r in corpus.articles for r in first)


def test_options_select_stages_and_refuse_unknown_ones(capsys: pytest.CaptureFixture[str]) -> None:
    args = arguments(["--only", "parse,kafka", "--runs", "5", "--quick"])
    assert (args.only, args.runs, args.quick, args.articles) == (["parse", "kafka"], 5, True, 400)
    with pytest.raises(SystemExit):
        arguments(["--only", "parse,nonsense"])
    assert "nonsense" in capsys.readouterr().err
