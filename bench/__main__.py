"""``make bench``: every stage beside its reference, then the pipeline end to end.

    uv run python -m bench                                  # everything, 3 runs each
    uv run python -m bench --only parse,kafka --runs 5
    uv run python -m bench --quick                          # small inputs, a few minutes
    uv run python -m bench --only e2e --articles 20000 --parsers 1,2

Writes ``reports/bench.md`` and ``reports/bench.json`` (``--out`` to change the folder).
``KAFKA_BOOTSTRAP_SERVERS`` names an existing broker; otherwise one is started. A stage
that fails is reported as failed and the others still run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "deploy" / "local")) if p not in sys.path]

from bench import end_to_end, io_stages, kafka_transport, stages  # noqa: E402
from bench.infra import Infra  # noqa: E402
from bench.machine import library_versions, machine_info  # noqa: E402
from bench.report import Report  # noqa: E402
from services.common.config import KafkaSettings  # noqa: E402
from services.parser.config import ParserSettings  # noqa: E402
from services.sink.config import SinkSettings  # noqa: E402

STAGES = ("parse", "extract", "parser_core", "kafka", "fetch", "sink", "e2e")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument(
        "--only", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}"
    )
    p.add_argument("--runs", type=int, default=3, help="runs per figure (median, min, max)")
    p.add_argument("--quick", action="store_true", help="small inputs: a smoke run")
    p.add_argument(
        "--articles", type=int, default=None, help="end-to-end articles (default 5000, quick 400)"
    )
    p.add_argument("--parsers", default="1,2", help="parser process counts to compare end to end")
    p.add_argument(
        "--paced-seconds", type=float, default=None, help="length of the paced latency run"
    )
    p.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="REGWIRE_X=VALUE",
        help="a setting for this run, in the bench and the service processes (tuning experiments)",
    )
    p.add_argument(
        "--out", type=Path, default=ROOT / "reports", help="folder for bench.md and bench.json"
    )
    args = p.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(STAGES)
    if unknown:
        p.error(f"unknown stage(s) {sorted(unknown)}; choose from {', '.join(STAGES)}")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    args.articles = args.articles or (400 if args.quick else 5000)
    args.paced_seconds = args.paced_seconds or (8.0 if args.quick else 20.0)
    args.parser_counts = tuple(int(x) for x in args.parsers.split(","))
    pairs = [e.split("=", 1) for e in args.env]
    if any(len(pair) != 2 or not pair[0].startswith("REGWIRE_") for pair in pairs):
        p.error("--env takes REGWIRE_NAME=VALUE")
    args.env = dict(pairs)
    return args


def add_targets(report: Report) -> None:
    report.target("parser >= 10x trafilatura (same run)", "parse", "vs_trafilatura", ">=", 10)
    report.target("event extraction >= 500 articles/s, one core", "extract", "ours", ">=", 500)
    report.target(
        "Kafka wrappers >= 0.8x bare aiokafka (worst of 4)", "kafka", "worst_ratio", ">=", 0.8
    )
    report.target("fetch + publish >= 0.8x bare httpx", "fetch", "ratio", ">=", 0.8)
    report.target("fetcher peak RSS <= 200 MB, 1,000 in flight", "fetch", "peak_rss", "<=", 200)
    report.target(
        "sink >= 5,000 events/s into PostgreSQL", "sink", "postgresql_drain_1000", ">=", 5000
    )
    report.target("end to end >= 500 articles/s sustained", "e2e", "rate_best", ">=", 500)
    report.target("p99 < 2 s at half the sustained rate", "e2e", "paced_p99", "<=", 2000)


def settings_summary() -> dict[str, object]:
    k, p, s = KafkaSettings(), ParserSettings(), SinkSettings()
    return {
        "kafka compression / linger / batch": (
            f"{k.compression_type} / {k.linger_ms} ms / {k.max_batch_size // 1024} KiB"
        ),
        "acks / idempotence": f"{k.acks} / {k.enable_idempotence}",
        "parser batch": p.batch_size,
        "sink batch / wait": f"{s.batch_max_size} / {s.batch_max_wait_seconds} s",
    }


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    os.environ.update(args.env)  # the bench's own clients read the same settings
    report = Report()
    add_targets(report)
    report.config = {
        "runs": args.runs,
        "quick": args.quick,
        "stages": ",".join(args.only),
        **({"overrides": " ".join(args.env)} if args.env else {}),
        **settings_summary(),
    }
    started = time.monotonic()
    with Infra() as infra:
        logs = args.out / "bench-logs"  # kept: the services' own logs of the e2e runs
        shutil.rmtree(logs, ignore_errors=True)  # of this run only
        plan: dict[str, Callable[[], None]] = {
            "parse": lambda: stages.parse(report, args.runs, args.quick),
            "extract": lambda: stages.extract(report, args.runs, args.quick),
            "parser_core": lambda: stages.parser_core(report, args.runs, args.quick),
            "kafka": lambda: kafka_transport.transport(
                report, infra.bootstrap, args.runs, args.quick
            ),
            "fetch": lambda: io_stages.fetch(report, infra, args.runs, args.quick),
            "sink": lambda: io_stages.sink(report, infra, args.runs, args.quick),
            "e2e": lambda: end_to_end.end_to_end(
                report,
                infra,
                args.runs,
                args.articles,
                args.parser_counts,
                args.paced_seconds,
                logs,
                args.env,
            ),
        }
        for name in STAGES:
            if name not in args.only:
                continue
            began = time.monotonic()
            print(f"bench: {name} ...", flush=True)
            try:
                plan[name]()
            except Exception as exc:  # one broken stage must not lose the others' figures
                traceback.print_exc()
                stage = report.stages.get(name) or report.stage(name, name)
                stage.error = f"{type(exc).__name__}: {exc}"[:500]
            print(f"bench: {name} done in {time.monotonic() - began:.0f}s", flush=True)
        report.machine = machine_info(infra.kafka_version)
    report.versions = library_versions()
    report.config["wall time"] = f"{time.monotonic() - started:.0f} s"
    write(report, args.out)
    failed = [s.name for s in report.stages.values() if s.error]
    return 1 if failed else 0


def write(report: Report, out: Path) -> None:
    import orjson

    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_bytes(orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2))
    markdown = report.markdown()
    (out / "bench.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"wrote {out / 'bench.md'} and {out / 'bench.json'}")


if __name__ == "__main__":
    sys.exit(main())
