"""The evaluation's metric, as the article-extraction benchmark defines it."""

from __future__ import annotations

import pytest

from evaluation.extraction import (
    PageScore,
    authors_f1,
    body_precision_recall,
    same_day,
    same_title,
    shingle_tp_fp_fn,
    snippet_precision_recall,
    summarise,
)

TRUE = "one two three four five six seven eight"


def test_identical_texts_score_one() -> None:
    assert shingle_tp_fp_fn(TRUE, TRUE) == (1.0, 0.0, 0.0)


def test_shingles_count_words_not_punctuation_or_spacing() -> None:
    assert shingle_tp_fp_fn(TRUE, "One? two, three... four five six seven eight")[0] < 1.0
    assert shingle_tp_fp_fn(TRUE, "one two\n\nthree four, five six seven eight") == (1.0, 0.0, 0.0)


def test_extra_and_missing_text() -> None:
    tp, fp, fn = shingle_tp_fp_fn(TRUE, TRUE + " nine ten")
    assert (round(tp, 3), round(fp, 3), fn) == (0.714, 0.286, 0.0)
    assert body_precision_recall({"body": TRUE}, "") == (None, 0.0)


def test_snippet_pages() -> None:
    expected = {
        "body_must_contain": ["two three", "nine"],
        "body_must_not_contain": ["seven eight"],
    }
    assert snippet_precision_recall(
        TRUE, expected["body_must_contain"], expected["body_must_not_contain"]
    ) == (0.0, 0.5)
    assert body_precision_recall(expected, "two three nine") == (1.0, 1.0)


def test_summary_is_f1_of_mean_precision_and_recall() -> None:
    scores = [
        PageScore("a", 1.0, 0.5, True, None, None, None),
        PageScore("b", None, 0.0, False, None, None, None),
    ]
    summary = summarise(scores)
    assert (summary["precision"], summary["recall"]) == (1.0, 0.25)
    assert summary["f1"] == pytest.approx(0.4)
    assert summary["title"] == 0.5


@pytest.mark.parametrize(
    ("expected", "predicted", "same"),
    [
        ("2024-01-07 01:20:00+00:00", "2024-01-07T12:20:00+11:00", True),
        ("2024-01-07 01:20:00+00:00", "2024-01-06T20:20:00-05:00", True),
        ("2023-11-08", "2023-11-09T05:30:59+00:00", False),
        ("2020-01-21", "2020-01-21", True),
        ("2020-01-21", None, False),
    ],
)
def test_same_day(expected: str, predicted: str | None, same: bool) -> None:
    assert same_day(expected, predicted) is same


def test_titles_and_authors() -> None:
    assert same_title("A  title\n", "A title")
    assert authors_f1(["Jane Doe", "John Roe"], ["jane doe"]) == pytest.approx(2 / 3)
