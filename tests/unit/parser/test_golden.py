"""Golden pages: every dev page keeps its body F1, title and date (tests/fixtures/pages).

A drop below a page's floor fails here. After a deliberate change, regenerate with
``uv run python -m evaluation.extraction --write-floors`` and review the diff.
"""

from __future__ import annotations

import json

import pytest

from evaluation.extraction import FLOORS, Case, load_cases, predict_ours, score_page

REGENERATE = "uv run python -m evaluation.extraction --write-floors"
CASES = load_cases()
FLOOR_VALUES: dict[str, dict[str, float | bool]] = json.loads(FLOORS.read_text("utf-8"))


def test_every_page_has_a_floor() -> None:
    pages, floors = {case.id for case in CASES}, set(FLOOR_VALUES)
    assert pages == floors, f"floors.json is stale ({pages ^ floors}); run: {REGENERATE}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_page_stays_above_its_floor(case: Case) -> None:
    floor = FLOOR_VALUES[case.id]
    score = score_page(case, predict_ours(case))
    assert score.f1 >= floor["body_f1"], f"body F1 {score.f1:.3f} < {floor['body_f1']}"
    if floor["title"]:
        assert score.title, "title no longer matches"
    if floor["published"]:
        assert score.published, "publication date no longer matches"
