"""Charset: BOM, HTTP header, <meta>, then detection."""

from __future__ import annotations

import codecs

import pytest

from services.fetcher.decode import charset_from_content_type, decode_html

TEXT = "<p>Regulação de criptoativos: a CVM publicou orientação sobre tokens. Ações, não.</p>"


def test_header_charset_wins_over_meta() -> None:
    body = f'<meta charset="utf-8">{TEXT}'.encode("iso-8859-1")
    decoded = decode_html(body, "text/html; charset=ISO-8859-1")
    assert decoded.text.endswith(TEXT)
    assert decoded.origin == "header"
    assert decoded.charset == "cp1252"  # what browsers decode latin-1 labels as


def test_bom_beats_a_wrong_header() -> None:
    body = codecs.BOM_UTF8 + TEXT.encode()
    decoded = decode_html(body, "text/html; charset=iso-8859-1")
    assert decoded.text == TEXT
    assert decoded.origin == "bom"


def test_utf16_bom() -> None:
    decoded = decode_html(TEXT.encode("utf-16"))
    assert decoded.text == TEXT


@pytest.mark.parametrize(
    "meta",
    [
        '<meta charset="windows-1252">',
        "<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>",
    ],
)
def test_meta_charset(meta: str) -> None:
    decoded = decode_html(f"<html><head>{meta}</head>{TEXT}".encode("cp1252"))
    assert TEXT in decoded.text
    assert decoded.origin == "meta"


def test_a_lying_header_is_not_trusted() -> None:
    body = ("<html>" + TEXT * 40).encode("cp1252")
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert TEXT in decoded.text
    assert decoded.origin != "header"


def test_detection_of_undeclared_legacy_text() -> None:
    russian = "<p>Банк России предложил запретить криптовалюты и майнинг в стране.</p>" * 30
    decoded = decode_html(russian.encode("cp1251"))
    assert "Банк России" in decoded.text
    assert decoded.origin == "detected"


def test_undeclared_utf8_and_ascii() -> None:
    assert decode_html(TEXT.encode()).text == TEXT
    assert decode_html(b"<p>plain</p>").charset == "ascii"


def test_unknown_label_falls_through() -> None:
    decoded = decode_html(TEXT.encode(), "text/html; charset=x-made-up")
    assert decoded.text == TEXT


def test_charset_from_content_type() -> None:
    assert charset_from_content_type('text/html; charset="UTF-8"') == "UTF-8"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type(None) is None
