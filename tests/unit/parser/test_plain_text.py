"""RawArticles with only ``text`` (news APIs): the same normalisation, paragraphs kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.parser.normalise import NormaliseError, normalise

from .conftest import FETCHED_AT, MakeRaw


def test_paragraph_breaks_are_kept_and_whitespace_collapsed(raw: MakeRaw) -> None:
    article = normalise(raw(text="First  para\u00a0one.\nstill one.\n\n\n Second para. \n\nThird"))
    assert article.text == "First para one. still one.\n\nSecond para.\n\nThird"
    assert article.word_count == 8
    assert article.provenance["text"] == "raw:text"


def test_single_newlines_are_paragraphs_when_there_is_no_blank_line(raw: MakeRaw) -> None:
    article = normalise(raw(text="One paragraph.\r\nAnother one.\nA third."))
    assert article.text == "One paragraph.\n\nAnother one.\n\nA third."


def test_literal_escapes_and_entities_are_decoded(raw: MakeRaw) -> None:
    article = normalise(raw(text="AT&amp;T said\\r\\nhello&#8230;\\n\\nR&D stays"))
    assert article.text == "AT&T said hello…\n\nR&D stays"


def test_unicode_is_nfc(raw: MakeRaw) -> None:
    article = normalise(raw(text="Cafe\u0301 society"))
    assert article.text == "Caf\u00e9 society"


def test_hints_are_copied_and_language_detected(raw: MakeRaw) -> None:
    article = normalise(
        raw(
            text="Die Finanzaufsicht hat am Montag eine neue Lizenz für den Handel erteilt.",
            title="  Neue   Lizenz ",
            published=date(2025, 3, 1),
            url="https://example.com/a",
        )
    )
    assert article.title == "Neue Lizenz"
    assert article.published_at == date(2025, 3, 1)
    assert article.language == "de"
    assert article.url == "https://example.com/a"
    assert article.fetched_at == FETCHED_AT


def test_a_published_hint_after_the_fetch_is_dropped(raw: MakeRaw) -> None:
    article = normalise(raw(text="Some text here.", published=datetime(2030, 1, 1, tzinfo=UTC)))
    assert article.published_at is None


def test_same_input_same_text(raw: MakeRaw) -> None:
    body = "Alpha beta.\n\nGamma  delta."
    assert normalise(raw(text=body)).text == normalise(raw(text=body)).text


@pytest.mark.parametrize("body", ["", "   \n\t ", "\x00\x01\x02\x03" * 100])
def test_empty_or_junk_text_is_an_error(raw: MakeRaw, body: str) -> None:
    with pytest.raises(NormaliseError):
        normalise(raw(text=body))


def test_text_is_used_when_the_html_holds_nothing(raw: MakeRaw) -> None:
    article = normalise(raw("<html><body><nav>Home</nav></body></html>", text="The body."))
    assert (article.text, article.provenance["text"]) == ("The body.", "raw:text")
