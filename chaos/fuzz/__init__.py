"""Time-bounded fuzzing with Hypothesis, and the corpus of inputs that once failed.

``run_target`` drives a target's strategy for ``seconds`` (rounds of Hypothesis runs
with fresh seeds), holding each input to the target's contract: only documented
errors, no hang past the per-input budget. A crash is shrunk by Hypothesis, a hang
or a slow input is re-timed (so a busy machine does not raise false alarms); each
confirmed failure is written to ``tests/fixtures/fuzz-corpus/<target>/``, which
``tests/unit/test_fuzz.py`` replays on every ``make test``.

    python -m chaos fuzz --seconds 60            # every target, 60 s each
"""

from __future__ import annotations

import contextlib
import hashlib
import signal
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from chaos import ROOT
from chaos.fuzz.targets import Target, describe, targets

CORPUS = ROOT / "tests" / "fixtures" / "fuzz-corpus"
HANG_FACTOR = 10.0  # an input running past budget x this is stopped and called a hang


class Hang(BaseException):
    """Raised by the alarm inside a target that overran its hard limit."""


@contextlib.contextmanager
def hard_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after ``seconds`` (main thread only; elsewhere, no limit).

    An alarm already set (pytest-timeout's) is put back afterwards, minus the time spent.
    """

    def fire(signum: int, frame: object) -> None:
        raise Hang

    try:
        previous = signal.signal(signal.SIGALRM, fire)
    except ValueError:  # not the main thread
        yield
        return
    began = time.monotonic()
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_delay > 0:
            left = max(old_delay - (time.monotonic() - began), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)


@dataclass
class Failure:
    kind: str  # crash, hang, slow
    detail: str
    input: str
    saved: Path | None = None


@dataclass
class TargetReport:
    name: str
    seconds: float = 0.0
    inputs: int = 0
    rejected: int = 0  # documented errors
    slowest_s: float = 0.0
    failures: list[Failure] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.inputs / self.seconds if self.seconds else 0.0


@dataclass
class Check:
    """One input's outcome against the target's contract."""

    seconds: float
    rejected: bool = False
    hang: bool = False


def check(target: Target, value: Any) -> Check:
    """Run one input; raise on an undocumented error (the crash itself)."""
    started = time.perf_counter()
    rejected = False
    try:
        with hard_limit(target.budget_s * HANG_FACTOR):
            target.call(value)
    except Hang:
        return Check(time.perf_counter() - started, hang=True)
    except target.allowed:
        rejected = True
    return Check(time.perf_counter() - started, rejected)


def save(target: Target, value: Any, corpus: Path = CORPUS) -> Path:
    blob = target.dump(value)
    folder = corpus / target.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(blob).hexdigest()[:16]}.{target.ext}"
    path.write_bytes(blob)
    return path


def run_target(
    target: Target,
    seconds: float,
    seed: int,
    corpus: Path | None = CORPUS,
    min_inputs: int = 25,
) -> TargetReport:
    """Fuzz ``target`` for about ``seconds`` (and at least ``min_inputs`` inputs, however
    slow the machine); failures are saved under ``corpus``."""
    report = TargetReport(target.name)
    began = time.monotonic()
    deadline = began + seconds
    slow: list[tuple[float, Any]] = []
    seen: set[str] = set()
    round_no = 0
    failing: list[Any] = []  # the input that failed in this round
    while time.monotonic() < deadline or report.inputs < min_inputs:
        failing.clear()

        @settings(
            max_examples=200,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate, Phase.shrink],
            print_blob=False,
        )
        @given(value=target.strategy())
        def prop(value: Any) -> None:
            if time.monotonic() > deadline and report.inputs >= min_inputs:
                return
            report.inputs += 1
            try:
                outcome = check(target, value)
            except BaseException:
                failing[:] = [value]
                raise
            report.rejected += outcome.rejected
            report.slowest_s = max(report.slowest_s, outcome.seconds)
            if outcome.hang or outcome.seconds > target.budget_s:
                slow.append((outcome.seconds, value))

        try:
            hypothesis_seed(seed * 1000 + round_no)(prop)()
        except Exception as exc:
            if not failing:
                raise  # not the target's failure: Hypothesis itself or this harness
            where = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__}@{where.filename}:{where.lineno}"
            if key not in seen:
                seen.add(key)
                path = save(target, failing[0], corpus) if corpus else None
                detail = (
                    f"{type(exc).__name__}: {exc}"[:400] + f" at {where.filename}:{where.lineno}"
                )
                report.failures.append(Failure("crash", detail, describe(failing[0]), path))
        round_no += 1
    report.seconds = time.monotonic() - began
    for took, value in sorted(slow, key=lambda s: -s[0])[:5]:
        _confirm_slow(target, value, took, report, corpus)
    return report


def _confirm_slow(
    target: Target, value: Any, took: float, report: TargetReport, corpus: Path | None
) -> None:
    """Re-time a slow input twice; it fails only if every run is over budget."""
    times = [took]
    for _ in range(2):
        try:
            times.append(check(target, value).seconds)
        except Exception:  # a crash only on re-run: flaky, recorded as one
            times.append(float("inf"))
    best = min(times)
    if best <= target.budget_s:
        return
    kind = "hang" if best >= target.budget_s * HANG_FACTOR * 0.95 else "slow"
    path = save(target, value, corpus) if corpus else None
    report.failures.append(
        Failure(kind, f"{best:.2f}s (budget {target.budget_s}s)", describe(value), path)
    )


@dataclass
class FuzzSummary:
    reports: list[TargetReport]

    @property
    def ok(self) -> bool:
        return not any(r.failures for r in self.reports)

    def table(self) -> str:
        lines = [
            "fuzzing (Hypothesis; documented errors only, per-input budget)",
            f"{'target':<10} {'seconds':>7} {'inputs':>7} {'inputs/s':>8} {'rejected':>8} "
            f"{'slowest s':>9} {'failures':>8}",
        ]
        for r in self.reports:
            lines.append(
                f"{r.name:<10} {r.seconds:>7.0f} {r.inputs:>7} {r.rate:>8.1f} {r.rejected:>8} "
                f"{r.slowest_s:>9.2f} {len(r.failures):>8}"
            )
            for f in r.failures:
                saved = f" -> {f.saved.relative_to(ROOT)}" if f.saved else ""
                lines.append(f"    {f.kind}: {f.detail}{saved}\n      input: {f.input}")
        return "\n".join(lines)


def run_fuzz(seconds: float, seed: int, names: list[str] | None = None) -> FuzzSummary:
    chosen = targets()
    reports = []
    for name in names or list(chosen):
        print(f"fuzz: {name} for {seconds:.0f}s ...", flush=True)
        reports.append(run_target(chosen[name], seconds, seed))
    summary = FuzzSummary(reports)
    print(summary.table(), flush=True)
    return summary
