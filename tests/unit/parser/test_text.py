"""Text normalisation: one deterministic form for every string the normaliser emits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.parser.normalise.text import (
    clean_inline,
    join_paragraphs,
    split_plain_text,
    word_count,
)

# Paragraphs full of what the cleaning acts on: every kind of whitespace, escapes, entities.
PIECES = ["a", "é", " ", "\n", "\t", "\u00a0", "\u2028", "\x1c", "\x85", "\\n", "&amp;",
          "&nbsp;", "\u200b"]  # fmt: skip
PARAGRAPHS = st.lists(st.lists(st.sampled_from(PIECES)).map("".join))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Hong\u00a0Kong  lawmaker\n said", "Hong Kong lawmaker said"),
        ("line\\r\\nbreak\\tand\\nmore", "line break and more"),
        ("AT&amp;T &#8220;quoted&#8221; &hellip;", "AT&T “quoted” …"),
        ("R&D and &copy 2024 stay", "R&D and &copy 2024 stay"),
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("Cafe\u0301", "Caf\u00e9"),
        ("icon\ue001 glyph", "icon glyph"),
        ("Itâ€™s a cafÃ©", "It’s a café"),
        ("\x93curly\x94 \x96 dash", "“curly” – dash"),
        ("pâte à crêpes", "pâte à crêpes"),
    ],
)
def test_clean_inline(raw: str, clean: str) -> None:
    assert clean_inline(raw) == clean


def test_join_paragraphs_drops_empty_ones_and_keeps_breaks() -> None:
    assert join_paragraphs(["  One\n two ", "", " \u00a0 ", "Three"]) == "One two\n\nThree"


def test_join_paragraphs_is_idempotent() -> None:
    text = join_paragraphs(["A “quote” &amp; more", "Second\\r\\n line"])
    assert join_paragraphs(text.split("\n\n")) == text


@given(PARAGRAPHS)
def test_word_count_is_the_number_of_words(paragraphs: list[str]) -> None:
    text = join_paragraphs(paragraphs)
    assert word_count(text) == len(text.split())


@pytest.mark.parametrize(
    ("raw", "paragraphs"),
    [
        ("One.\n\nTwo.\nstill two.", ["One.", "Two.\nstill two."]),
        ("One.\nTwo.\r\nThree.", ["One.", "Two.", "Three."]),
        ("One.\\n\\nTwo.", ["One.", "Two."]),
    ],
)
def test_split_plain_text(raw: str, paragraphs: list[str]) -> None:
    assert split_plain_text(raw) == paragraphs
