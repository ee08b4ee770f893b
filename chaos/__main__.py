"""``python -m chaos``: the scenarios, then the fuzzers; ``soak`` and ``fuzz`` on their own.

    python -m chaos                              # make chaos: N=2000, 20 faults, fuzz 60 s each
    python -m chaos --n 200 --faults 3 --only parser-kill,poison --fuzz-seconds 0
    python -m chaos fuzz --seconds 60            # the fuzz targets only
    python -m chaos soak --minutes 30 --rate 4   # make soak

Exit status 1 when any scenario or fuzz target failed. The seed is printed; the same
seed replays the same corpus and the same fault schedule.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import sys
import time
from pathlib import Path

from chaos import ROOT
from chaos.report import Result


def _run_args(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--n", type=int, default=2000, help="known articles per scenario")
    sub.add_argument("--faults", type=int, default=20, help="faults per fault scenario")
    sub.add_argument("--seed", type=int, default=None, help="default: random, printed")
    sub.add_argument("--only", default="", help="comma-separated scenario names")
    sub.add_argument("--skip", default="", help="comma-separated scenario names")
    sub.add_argument("--churn-seconds", type=float, default=180.0)
    sub.add_argument("--fuzz-seconds", type=float, default=60.0, help="per target; 0: no fuzz")
    sub.add_argument("--work", type=Path, default=None, help="logs and server data (temp dir)")
    sub.add_argument("--keep", action="store_true", help="keep each scenario's database")
    sub.add_argument("--report", type=Path, default=ROOT / "reports" / "chaos.txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__.split("\n")[0])
    subs = parser.add_subparsers(dest="command")
    _run_args(subs.add_parser("run", help="scenarios then fuzzers (the default)"))
    fuzz = subs.add_parser("fuzz", help="the fuzz targets only")
    fuzz.add_argument("--seconds", type=float, default=60.0, help="per target")
    fuzz.add_argument("--targets", default="", help="comma-separated; default: all")
    fuzz.add_argument("--seed", type=int, default=None)
    soak = subs.add_parser("soak", help="the whole pipeline at a steady rate")
    soak.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "30")))
    soak.add_argument("--rate", type=float, default=float(os.environ.get("SOAK_RATE", "4")))
    soak.add_argument("--seed", type=int, default=None)
    soak.add_argument("--work", type=Path, default=None)
    soak.add_argument("--report", type=Path, default=ROOT / "reports" / "soak.txt")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("run", "fuzz", "soak", "-h", "--help"):
        argv = ["run", *argv]
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so every service, broker and server started is stopped.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # The suite's own Kafka clients retry through every broker fault it injects.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    if args.command == "fuzz":
        from chaos.fuzz import run_fuzz

        targets = [t for t in args.targets.split(",") if t]
        return 0 if run_fuzz(args.seconds, seed, targets or None).ok else 1
    if args.command == "soak":
        from chaos.soak import run_soak

        return asyncio.run(run_soak(args.minutes, args.rate, seed, args.work, args.report))
    return _run_all(args, seed)


def _run_all(args: argparse.Namespace, seed: int) -> int:
    """Scenarios (asyncio), then the fuzzers in the main thread (their alarms need it)."""
    from chaos.report import LIMITS, details, table

    began = time.monotonic()
    results = asyncio.run(_scenarios(args, seed))
    if results is None:
        return 2
    fuzz_text, fuzz_ok = "", True
    if args.fuzz_seconds > 0:
        from chaos.fuzz import run_fuzz

        summary = run_fuzz(args.fuzz_seconds, seed, None)
        fuzz_text, fuzz_ok = summary.table(), summary.ok
    text = "\n\n".join(
        part
        for part in [
            f"regwire chaos run: seed {seed}, N={args.n}, faults per scenario {args.faults}, "
            f"{time.monotonic() - began:.0f}s",
            table(results),
            "\n\n".join(details(r) for r in results),
            fuzz_text,
            LIMITS,
        ]
        if part
    )
    print("\n" + text)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text + "\n", encoding="utf-8")
    print(f"\nreport written to {args.report}")
    return 0 if all(r.passed for r in results) and fuzz_ok else 1


async def _scenarios(args: argparse.Namespace, seed: int) -> list[Result] | None:
    from chaos.corpus import build
    from chaos.report import details
    from chaos.rig import CHAOS_ENV, Infra
    from chaos.scenarios import SCENARIOS, Ctx

    only = [s for s in args.only.split(",") if s]
    skip = {s for s in args.skip.split(",") if s}
    unknown = [s for s in [*only, *skip] if s not in SCENARIOS]
    if unknown:
        print(f"unknown scenarios: {unknown}; known: {', '.join(SCENARIOS)}", file=sys.stderr)
        return None
    chosen = [s for s in (only or SCENARIOS) if s not in skip]
    print(f"chaos: seed {seed}, N={args.n}, {args.faults} faults per scenario, "
          f"scenarios: {', '.join(chosen)}", flush=True)  # fmt: skip
    print(f"chaos: service settings {CHAOS_ENV}", flush=True)
    if not chosen:
        return []
    began = time.monotonic()
    corpus = await asyncio.to_thread(build, args.n, seed)
    print(f"chaos: corpus of {len(corpus.articles)} articles, {len(corpus.event_ids)} known "
          f"events ({corpus.rejected} generated articles rejected) in "
          f"{time.monotonic() - began:.1f}s", flush=True)  # fmt: skip
    infra = await asyncio.to_thread(Infra.start, args.work)
    print(f"chaos: broker {infra.bootstrap}, PostgreSQL {infra.base_dsn}, work {infra.work}",
          flush=True)  # fmt: skip
    ctx = Ctx(infra, corpus, args.faults, seed, args.churn_seconds, args.keep)
    results: list[Result] = []
    try:
        for name in chosen:
            print(f"chaos: {name} ...", flush=True)
            result = await SCENARIOS[name](ctx)
            results.append(result)
            print(details(result), flush=True)
    finally:
        await asyncio.to_thread(infra.stop)
    return results


if __name__ == "__main__":
    sys.exit(main())
