"""Hostile input: every input that once broke a parser, and a short fuzzing run per target.

The corpus (``tests/fixtures/fuzz-corpus/<target>/``) is written by ``python -m chaos
fuzz`` (part of ``make chaos``) whenever it finds a crash, a hang or an input over its
time budget. Replaying it here keeps each of those bugs fixed. The short run fuzzes
each target for a few seconds with a fixed seed (``REGWIRE_FUZZ_SEED``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chaos.fuzz import CORPUS, check, run_target
from chaos.fuzz.targets import targets

TARGETS = targets()
CASES = sorted(
    p for p in CORPUS.glob("*/*") if p.parent.name in TARGETS and p.suffix in (".json", ".bin")
)
SEED = int(os.environ.get("REGWIRE_FUZZ_SEED", "11"))
SECONDS = float(os.environ.get("REGWIRE_FUZZ_SECONDS", "4"))
SLACK = 3.0  # a shared CI machine is slower than the fuzzing one


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_input_that_once_failed_is_handled(path: Path) -> None:
    target = TARGETS[path.parent.name]
    outcome = check(target, target.load(path.read_bytes()))  # raises on an undocumented error
    assert not outcome.hang
    assert outcome.seconds <= target.budget_s * SLACK, f"{outcome.seconds:.2f}s"


def test_the_corpus_has_a_folder_per_target() -> None:
    assert {p.name for p in CORPUS.iterdir() if p.is_dir()} >= set(TARGETS)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_a_short_fuzzing_run_finds_nothing(name: str) -> None:
    report = run_target(TARGETS[name], SECONDS, SEED, corpus=None)
    print(f"\n{name}: seed {SEED}, {report.inputs} inputs in {report.seconds:.1f}s")
    assert report.inputs > 0
    assert not report.failures, "\n".join(
        f"{f.kind}: {f.detail}\n  input: {f.input}\n  record it: python -m chaos fuzz "
        f"--targets {name} --seed {SEED}"
        for f in report.failures
    )
