"""Sentence splitting: abbreviations do not end sentences, offsets are exact."""

from __future__ import annotations

import pytest

from services.parser.events.sentences import MAX_SENTENCE_CHARS, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Securities and Exchange Commission sued Acme Inc. on Jan. 5, 2024.",
        "Litigation Release No. 26660 names Owen E.H. Meyer and Paul S. Atkins.",
        "Sen. Lummis and Rep. French Hill met Mr. Smith of Acme Corp. in Washington.",
        "The S.D.N.Y. court entered judgment in SEC v. Ripple Labs on Sept. 12.",
    ],
)
def test_abbreviations_do_not_split(text: str) -> None:
    assert sentences(text) == [text]


def test_splits_and_keeps_offsets() -> None:
    text = "The SEC sued Acme. It settled on Jan. 5!  “Good,” he said? Yes.\n\nHeading\nBody."
    got = split_sentences(text)
    assert [text[s.start : s.end] for s in got] == [
        "The SEC sued Acme.",
        "It settled on Jan. 5!",
        "“Good,” he said?",
        "Yes.",
        "Heading",
        "Body.",
    ]


def test_us_ends_a_sentence_before_a_clear_starter() -> None:
    assert sentences("Binance left the U.S. The SEC sued it.") == [
        "Binance left the U.S.",
        "The SEC sued it.",
    ]


def test_empty_and_whitespace() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n ") == []


def test_text_without_punctuation_is_cut_at_clause_breaks() -> None:
    clause = "the regulator said the firm had acted without a licence, "
    text = "The SFC warned that " + clause * 200  # ~11,600 characters, one "sentence"
    got = split_sentences(text)
    assert len(got) > 5
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in got)
    assert all(text[s.end - 1] == "," for s in got[:-1])  # cut after a comma
    assert "".join(text[s.start : s.end] for s in got).replace(" ", "") == text.replace(" ", "")
